import net from 'node:net';
import { Long, ObjectId, type Document } from 'bson';
import type { ServerInfo } from './command-context.js';
import { CommandDispatcher } from './command-dispatch.js';
import { isStreamableHello } from './commands/admin-commands.js';
import { CursorManager } from './cursor-manager.js';
import { ServerError } from './server-error.js';
import { StorageEngine } from './storage-engine.js';
import { FramingError, encodeReply, messageLength, parseRequest, type Request } from './wire-protocol.js';
import { openPersistence, type Persistence } from './persistence.js';
import { TtlMonitor } from './ttl-monitor.js';

/** Options of `startEmbeddedMongo`. */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Directory for the journal and snapshots; without it everything stays in memory. */
  dbPath?: string;
  /** Replica set name advertised in `hello` (default `rs0`). */
  replSetName?: string;
  /** With dbPath: journal size that starts a background compaction into a new snapshot (default 64 MiB). */
  compactThresholdBytes?: number;
  /** How often expired TTL documents are removed (default 1000 ms; MongoDB uses 60 s). */
  ttlMonitorIntervalMs?: number;
  /** Receives log lines (default: stderr). */
  log?: (line: string) => void;
}

/** A running server. */
export interface EmbeddedMongo {
  /** Connection string, e.g. `mongodb://127.0.0.1:27018/?replicaSet=rs0`. */
  uri: string;
  port: number;
  /** Stops accepting connections, closes the open ones and flushes the journal. */
  stop(): Promise<void>;
  /** The storage engine (tests use its counters). */
  engine: StorageEngine;
}

function advertisedHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}

/** Per-connection framing: accumulates bytes, decodes whole messages, writes replies in order. */
function handleConnection(options: {
  socket: net.Socket;
  dispatcher: CommandDispatcher;
  connectionId: number;
  /** Aborted when the connection closes or the server stops: ends its awaitable hellos (and hello stream). */
  closed: AbortController;
  log: (line: string) => void;
}): void {
  const { socket, dispatcher, connectionId, closed, log } = options;
  socket.setNoDelay(true);
  socket.on('close', () => closed.abort());
  const connection = { id: connectionId, signal: closed.signal };
  let pending: Buffer = Buffer.alloc(0);
  let replyId = 1;
  /** Writes a reply and returns its requestId (what a streamed follow-up reply answers). */
  const send = (
    request: Pick<Request, 'requestId' | 'opCode'>,
    reply: Document,
    isMoreToCome = false,
  ): number => {
    const id = replyId++;
    if (socket.destroyed) return id;
    try {
      socket.write(encodeReply(request, id, reply, isMoreToCome));
    } catch (error) {
      log(`connection ${connectionId}: cannot encode reply: ${(error as Error).message}`);
      socket.write(
        encodeReply(
          request,
          replyId++,
          new ServerError(10334, `reply too large: ${(error as Error).message}`).toReply(),
        ),
      );
    }
    return id;
  };
  /**
   * SDAM streaming protocol: a successful awaitable hello sent with exhaustAllowed is answered with
   * moreToCome, and then run again from the topologyVersion just reported, each new reply answering the
   * previous one, until the connection closes. Without it the driver's monitor fails every heartbeat
   * ("Server ended moreToCome unexpectedly") and clears the connection pool.
   */
  const respond = (request: Request, reply: Document): void => {
    const isStreaming =
      request.isExhaustAllowed &&
      reply.ok === 1 &&
      isStreamableHello(request.command) &&
      !closed.signal.aborted;
    const sentId = send(request, reply, isStreaming);
    if (!isStreaming) return;
    dispatch({
      ...request,
      requestId: sentId,
      command: { ...request.command, topologyVersion: reply.topologyVersion as Document },
    });
  };
  const dispatch = (request: Request): void => {
    const reply = dispatcher.run(request.command, connection);
    if (request.isFireAndForget) return;
    if (reply instanceof Promise) void reply.then((document) => respond(request, document));
    else respond(request, reply);
  };
  const handleFrame = (frame: Buffer): void => {
    let request: Request;
    try {
      request = parseRequest(frame);
    } catch (error) {
      if (error instanceof ServerError) {
        const routed = error as ServerError & Partial<Request>;
        if (routed.isFireAndForget !== true)
          send({ requestId: routed.requestId ?? 0, opCode: routed.opCode ?? 2013 }, error.toReply());
        return;
      }
      throw error;
    }
    dispatch(request);
  };
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    try {
      for (;;) {
        const length = messageLength(pending);
        if (length === undefined || pending.length < length) break;
        const frame = pending.subarray(0, length);
        pending = pending.subarray(length);
        handleFrame(frame);
      }
    } catch (error) {
      // Unframeable input: MongoDB closes the connection; the server itself keeps running.
      log(`connection ${connectionId}: closing after bad input: ${(error as Error).message}`);
      if (!(error instanceof FramingError)) log((error as Error).stack ?? '');
      socket.destroy();
    }
  });
  socket.on('error', () => socket.destroy());
}

/** Starts a MongoDB-wire-compatible server (in memory, or durable under `dbPath`). */
export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`[embedded-mongo] ${line}\n`));
  const engine = new StorageEngine();
  engine.log = log;
  let persistence: Persistence | undefined;
  if (options.dbPath !== undefined)
    persistence = await openPersistence(options.dbPath, engine, log, {
      compactThresholdBytes: options.compactThresholdBytes,
    });
  const cursors = new CursorManager();
  const info: ServerInfo = {
    host: advertisedHost(host),
    port: 0,
    replSetName: options.replSetName ?? 'rs0',
    processId: new ObjectId(),
    startedAt: new Date(),
    topologyCounter: Long.ZERO,
  };
  const dispatcher = new CommandDispatcher(engine, cursors, info);
  // One abort controller per connection rather than listeners on one server-wide signal: that would
  // pile up a listener per open connection (MaxListenersExceededWarning beyond ten).
  const connections = new Map<net.Socket, AbortController>();
  let connectionCount = 0;
  const server = net.createServer((socket) => {
    const closed = new AbortController();
    connections.set(socket, closed);
    socket.on('close', () => connections.delete(socket));
    handleConnection({
      socket,
      dispatcher,
      connectionId: ++connectionCount,
      closed,
      log,
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
  } catch (error) {
    await persistence?.close();
    throw error;
  }
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  info.port = port;
  const ttl = new TtlMonitor(engine, options.ttlMonitorIntervalMs ?? 1000, log);
  const sessionSweep = setInterval(() => dispatcher.sessions.sweep(), 5000);
  sessionSweep.unref();
  let stopped: Promise<void> | undefined;
  return {
    uri: `mongodb://${info.host}:${port}/?replicaSet=${info.replSetName}`,
    port,
    engine,
    stop: () => {
      stopped ??= (async () => {
        ttl.stop();
        clearInterval(sessionSweep);
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const [socket, closed] of connections) {
          closed.abort();
          socket.destroy();
        }
        await serverClosed;
        dispatcher.sessions.close();
        await persistence?.close();
      })();
      return stopped;
    },
  };
}
