import { Long, ObjectId, Timestamp, type Document } from 'bson';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { isPlainObject, toNumber } from '../bson-values.js';

/**
 * Wire version of MongoDB 8.0, which has the client-level `bulkWrite` command. Drivers 6.x gate nothing
 * else between 21 and 25 (the next gate, `rawData`, is at 27 = MongoDB 8.2).
 */
export const MAX_WIRE_VERSION = 25;
const SERVER_VERSION = '8.0.0';
/** Most statements one write command may carry (`hello.maxWriteBatchSize`). */
export const MAX_WRITE_BATCH_SIZE = 100_000;

function hello(context: CommandContext, isLegacy: boolean): Document {
  const { server } = context;
  const me = `${server.host}:${server.port}`;
  const now = new Date();
  const opTime = { ts: new Timestamp({ t: Math.floor(now.getTime() / 1000), i: 1 }), t: Long.ONE };
  const reply: Document = {
    helloOk: true,
    topologyVersion: { processId: server.processId, counter: server.topologyCounter },
    hosts: [me],
    setName: server.replSetName,
    setVersion: 1,
    secondary: false,
    primary: me,
    me,
    electionId: new ObjectId('7fffffff0000000000000001'),
    lastWrite: { opTime, lastWriteDate: now, majorityOpTime: opTime, majorityWriteDate: now },
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: now,
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
  if (isLegacy) reply.ismaster = true;
  else reply.isWritablePrimary = true;
  return reply;
}

/** Longest wait of an awaitable hello; drivers ask for `heartbeatFrequencyMS` (default 10 s). */
const MAX_AWAIT_MS = 10_000;

/** Whether a hello is awaitable: the client sent the topologyVersion it knows and how long to wait. */
function isAwaitable(command: Document): boolean {
  return command.topologyVersion !== undefined && command.maxAwaitTimeMS !== undefined;
}

/** Names of the handshake commands that the streaming protocol (exhaust) applies to. */
const helloNames = new Set(['hello', 'isMaster', 'ismaster']);

/**
 * Whether replies to this command may be streamed when the client allows exhaust: an awaitable hello.
 * The connection then re-runs it after each reply, as mongod does for the SDAM streaming protocol.
 */
export function isStreamableHello(command: Document): boolean {
  const name = Object.keys(command)[0];
  return name !== undefined && helloNames.has(name) && isAwaitable(command);
}

/** The client's topologyVersion is the server's current one, so there is nothing new to tell it yet. */
function isCurrentTopology(context: CommandContext): boolean {
  const known: unknown = context.command.topologyVersion;
  if (!isPlainObject(known)) return false;
  const { processId, topologyCounter } = context.server;
  return (
    known.processId instanceof ObjectId &&
    known.processId.equals(processId) &&
    toNumber(known.counter, -1) === topologyCounter.toNumber()
  );
}

/**
 * Awaitable hello (SDAM streaming protocol): answers at once when the client's topologyVersion is stale,
 * otherwise after `maxAwaitTimeMS` (the topology of a single node never changes), or when the connection
 * closes or the server stops.
 */
function helloCommand(isLegacy: boolean): CommandHandler {
  return (context) => {
    const { command, signal } = context;
    if (!isAwaitable(command) || !isCurrentTopology(context) || signal.aborted)
      return hello(context, isLegacy);
    const wait = Math.max(0, Math.min(toNumber(command.maxAwaitTimeMS), MAX_AWAIT_MS));
    return new Promise<Document>((resolve) => {
      const answer = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', answer);
        resolve(hello(context, isLegacy));
      };
      const timer = setTimeout(answer, wait);
      signal.addEventListener('abort', answer, { once: true });
    });
  };
}

function buildInfo(): Document {
  return {
    version: SERVER_VERSION,
    gitVersion: 'regulars-embedded-mongo',
    versionArray: [8, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: 16 * 1024 * 1024,
    storageEngines: ['embedded'],
    modules: [],
    ok: 1,
  };
}

/** Handshake, health and server-level commands. */
export const adminCommands: Record<string, CommandHandler> = {
  hello: helloCommand(false),
  isMaster: helloCommand(true),
  ismaster: helloCommand(true),
  ping: () => ({ ok: 1 }),
  buildInfo,
  buildinfo: buildInfo,
  getParameter: ({ command }) => {
    const reply: Document = { ok: 1 };
    if (command.featureCompatibilityVersion !== undefined || command.getParameter === '*')
      reply.featureCompatibilityVersion = { version: '8.0' };
    if (command.transactionLifetimeLimitSeconds !== undefined || command.getParameter === '*')
      reply.transactionLifetimeLimitSeconds = 60;
    return reply;
  },
  listDatabases: ({ engine, command }) => {
    const databases = engine.listDatabaseNames().map((name) => {
      const sizeOnDisk = engine
        .listCollections(name)
        .reduce((sum, collection) => sum + collection.docs.size * 256, 0);
      return { name, sizeOnDisk, empty: sizeOnDisk === 0 };
    });
    if (command.nameOnly === true) return { databases: databases.map(({ name }) => ({ name })), ok: 1 };
    return {
      databases,
      totalSize: databases.reduce((sum, db) => sum + db.sizeOnDisk, 0),
      totalSizeMb: 0,
      ok: 1,
    };
  },
  endSessions: ({ command, sessions }) => {
    const list: unknown = command.endSessions;
    if (Array.isArray(list)) {
      for (const lsid of list) {
        if (isPlainObject(lsid) && lsid.id !== undefined)
          sessions.end((lsid.id as { toString(encoding: string): string }).toString('hex'));
      }
    }
    return { ok: 1 };
  },
  killAllSessions: () => ({ ok: 1 }),
  refreshSessions: () => ({ ok: 1 }),
  serverStatus: ({ server, cursors }) => ({
    host: `${server.host}:${server.port}`,
    version: SERVER_VERSION,
    process: 'embedded-mongo',
    pid: Long.fromNumber(process.pid),
    uptime: (Date.now() - server.startedAt.getTime()) / 1000,
    localTime: new Date(),
    metrics: { cursor: { open: { total: Long.fromNumber(cursors.openCount) } } },
    ok: 1,
  }),
  hostInfo: () => ({
    system: { currentTime: new Date(), hostname: 'localhost' },
    os: { type: process.platform },
    extra: {},
    ok: 1,
  }),
  connectionStatus: () => ({ authInfo: { authenticatedUsers: [], authenticatedUserRoles: [] }, ok: 1 }),
  whatsmyuri: () => ({ you: '127.0.0.1:0', ok: 1 }),
  getCmdLineOpts: () => ({ argv: ['embedded-mongo'], parsed: {}, ok: 1 }),
  getLog: () => ({ totalLinesWritten: 0, log: [], ok: 1 }),
  replSetGetStatus: ({ server }) => ({
    set: server.replSetName,
    myState: 1,
    members: [
      { _id: 0, name: `${server.host}:${server.port}`, health: 1, state: 1, stateStr: 'PRIMARY', self: true },
    ],
    ok: 1,
  }),
};
