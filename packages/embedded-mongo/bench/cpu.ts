import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Long, ObjectId, serialize, type Document } from 'bson';

/**
 * The server's own CPU per command, without sockets and without the driver: OP_MSG frames are built
 * here and run in process through `parseRequest` → `CommandDispatcher.run` → `encodeReply`, on 100,000
 * documents with a unique index on `code` (the throughput bench's data set). CPU time (user + system of
 * this process) per command hardly depends on what else runs on the machine, unlike a throughput figure,
 * so small regressions can be seen on a shared machine.
 *
 * `--against <dir>` loads a second copy of the server's sources (e.g. another checkout's
 * `packages/embedded-mongo/src`) into the same process and interleaves their samples (alternating which
 * runs first), so that both versions are measured under the same conditions; the table gives the ratio.
 *
 * Usage: pnpm --filter @regulars/embedded-mongo bench:cpu [-- --samples 7 --per-sample 20000 --against <dir>]
 */
const DOCUMENTS = 100_000;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
const SAMPLES = Number(option('samples', '7'));
const PER_SAMPLE = Number(option('per-sample', '20000'));
const against = option('against', '');

type Server = (frame: Buffer) => void;

async function load(sourceDir: string): Promise<Server> {
  const at = (file: string) => pathToFileURL(path.join(sourceDir, file)).href;
  const { CommandDispatcher } = (await import(
    at('command-dispatch.ts')
  )) as typeof import('../src/command-dispatch.js');
  const { StorageEngine } = (await import(
    at('storage-engine.ts')
  )) as typeof import('../src/storage-engine.js');
  const { CursorManager } = (await import(
    at('cursor-manager.ts')
  )) as typeof import('../src/cursor-manager.js');
  const { parseRequest, encodeReply } = (await import(
    at('wire-protocol.ts')
  )) as typeof import('../src/wire-protocol.js');
  const dispatcher = new CommandDispatcher(new StorageEngine(), new CursorManager(), {
    host: '127.0.0.1',
    port: 0,
    replSetName: 'rs0',
    processId: new ObjectId(),
    startedAt: new Date(),
    topologyCounter: Long.ZERO,
  });
  const connection = { id: 1, signal: new AbortController().signal };
  return (frame) => {
    const request = parseRequest(frame);
    const reply = dispatcher.run(request.command, connection);
    if (reply instanceof Promise)
      throw new Error(`${Object.keys(request.command)[0]} answered asynchronously`);
    encodeReply(request, 1, reply);
  };
}

let requestId = 1;
function frame(command: Document): Buffer {
  const body = serialize(command);
  const message = Buffer.alloc(21 + body.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(requestId++, 4);
  message.writeInt32LE(0, 8);
  message.writeInt32LE(2013, 12); // OP_MSG
  message.writeUInt32LE(0, 16); // flagBits
  message.writeUInt8(0, 20); // section kind 0: the command document
  message.set(body, 21);
  return message;
}

const member = (i: number) => `member-${(i * 7919) % DOCUMENTS}`;
const commands: Record<string, (i: number, tag: string) => Buffer> = {
  find: (i) =>
    frame({ find: 'members', filter: { code: member(i) }, limit: 1, singleBatch: true, $db: 'bench' }),
  update: (i) =>
    frame({
      update: 'members',
      updates: [{ q: { code: member(i) }, u: { $inc: { points: 1 } } }],
      $db: 'bench',
    }),
  insert: (i, tag) =>
    frame({
      insert: 'members',
      documents: [
        { _id: new ObjectId(), code: `new-${tag}-${i}`, points: 0, tier: 'silver', createdAt: new Date() },
      ],
      $db: 'bench',
    }),
};

async function seeded(sourceDir: string): Promise<Server> {
  const server = await load(sourceDir);
  server(
    frame({
      createIndexes: 'members',
      indexes: [{ key: { code: 1 }, name: 'code_1', unique: true }],
      $db: 'bench',
    }),
  );
  for (let start = 0; start < DOCUMENTS; start += 10_000) {
    const documents = Array.from({ length: 10_000 }, (_, k) => {
      const i = start + k;
      return {
        _id: new ObjectId(),
        code: `member-${i}`,
        points: i % 1000,
        tier: i % 3 === 0 ? 'gold' : 'silver',
        createdAt: new Date(1_700_000_000_000 + i),
      };
    });
    server(frame({ insert: 'members', documents, $db: 'bench' }));
  }
  return server;
}

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src');
const versions: Record<string, Server> = { this: await seeded(here) };
if (against !== '') versions.against = await seeded(path.resolve(against));
const names = Object.keys(versions);

const samples: Record<string, Record<string, number[]>> = {};
for (let sample = 0; sample <= SAMPLES; sample++) {
  for (const [command, make] of Object.entries(commands)) {
    const order = sample % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const frames = Array.from({ length: PER_SAMPLE }, (_, i) =>
        make(sample * PER_SAMPLE + i, `${name}${sample}`),
      );
      const server = versions[name] as Server;
      const start = process.cpuUsage();
      for (const message of frames) server(message);
      const used = process.cpuUsage(start);
      if (sample === 0) continue; // warm-up: lets the JIT settle
      ((samples[command] ??= {})[name] ??= []).push((used.user + used.system) / PER_SAMPLE);
    }
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
console.log(
  `${SAMPLES} samples of ${PER_SAMPLE} commands per version; median µs of CPU per command${against === '' ? '' : `; against = ${against}`}`,
);
console.log(
  against === ''
    ? '| command | this |\n|---|---|'
    : '| command | this | against | this / against |\n|---|---|---|---|',
);
for (const [command, byName] of Object.entries(samples)) {
  const mine = median(byName.this ?? []);
  if (against === '') console.log(`| ${command} | ${mine.toFixed(1)} µs |`);
  else {
    const theirs = median(byName.against ?? []);
    console.log(
      `| ${command} | ${mine.toFixed(1)} µs | ${theirs.toFixed(1)} µs | ${(mine / theirs).toFixed(3)} |`,
    );
  }
}
