import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Collection, type Document } from 'mongodb';

/**
 * Throughput through the official driver with 100,000 documents and 8 concurrent operations:
 * indexed findOne on a non-_id field, updateOne $inc by indexed key, insertOne; in memory and with a
 * dbPath (journaled). The server runs as its CLI in a child process, as the launcher runs it.
 *
 * The driver costs ~150 µs of CPU per operation, more than the server, so one Node client process
 * cannot issue more than a few thousand operations per second whatever the server does. The 8
 * concurrent operations are therefore spread over `--clients` driver processes (default 2, 4 each);
 * `--clients 1` shows the single-client figure.
 *
 * Usage: pnpm --filter @regulars/embedded-mongo bench [-- --seconds 3 --clients 2 --profile]
 */
const DOCUMENTS = 100_000;
const CONCURRENCY = 8;
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

const SECONDS = Number(option('seconds', '3'));
const CLIENTS = Number(option('clients', '2'));
const isProfiling = process.argv.includes('--profile');
type Phase = 'findOne' | 'updateOne' | 'insertOne';
const phases: Phase[] = ['findOne', 'updateOne', 'insertOne'];

function operation(
  collection: Collection<Document>,
  phase: Phase,
  tag: string,
): (i: number) => Promise<unknown> {
  const random = (i: number): number => (i * 7919) % DOCUMENTS;
  if (phase === 'findOne') return (i) => collection.findOne({ code: `member-${random(i)}` });
  if (phase === 'updateOne')
    return (i) => collection.updateOne({ code: `member-${random(i)}` }, { $inc: { points: 1 } });
  return (i) =>
    collection.insertOne({ code: `new-${tag}-${i}`, points: 0, tier: 'silver', createdAt: new Date() });
}

/** Client process: waits for the common start time, runs one phase, prints the operation count. */
async function runClient(): Promise<void> {
  const uri = option('uri', '');
  const phase = option('phase', 'findOne') as Phase;
  const concurrency = Number(option('concurrency', '4'));
  const startAt = Number(option('start-at', '0'));
  const tag = option('tag', 'x');
  const client = await MongoClient.connect(uri, { maxPoolSize: concurrency, minPoolSize: concurrency });
  const run = operation(client.db('bench').collection('members'), phase, tag);
  await run(0); // warm the connection pool before the clock starts
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, startAt - Date.now())));
  const deadline = startAt + SECONDS * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = w + 1; Date.now() < deadline; i += concurrency) {
        await run(i);
        count++;
      }
    }),
  );
  process.stdout.write(JSON.stringify({ count, elapsed: (Date.now() - startAt) / 1000 }) + '\n');
  await client.close();
}

function spawnNode(args: string[], extra: string[] = []): ReturnType<typeof spawn> {
  return spawn(process.execPath, [...extra, '--conditions=source', '--import', 'tsx', ...args], {
    cwd: packageDir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function readLine(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = pattern.exec(out);
      if (match !== null) resolve(match);
    });
    child.once('exit', (code) => reject(new Error(`process exited with ${String(code)}: ${out}`)));
  });
}

/**
 * CPU time (user + system, µs) a process has used so far, from /proc (Linux); null elsewhere. The
 * server's CPU per operation hardly depends on what else runs on the machine, unlike the throughput.
 */
function cpuMicros(pid: number | undefined): number | null {
  if (pid === undefined || process.platform !== 'linux') return null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return (ticks * 1_000_000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

type Measured = { rate: number; serverMicrosPerOp: number | null };

async function measure(uri: string, phase: Phase, label: string, serverPid?: number): Promise<Measured> {
  const cpuBefore = cpuMicros(serverPid);
  const startAt = Date.now() + 4000; // leaves time for the client processes to load and connect
  const perClient = CONCURRENCY / CLIENTS;
  const clients = Array.from({ length: CLIENTS }, (_, c) =>
    spawnNode([
      'bench/bench.ts',
      '--client',
      '--uri',
      uri,
      '--phase',
      phase,
      '--concurrency',
      String(perClient),
      '--start-at',
      String(startAt),
      '--tag',
      `${label}-${c}`,
      '--seconds',
      String(SECONDS),
    ]),
  );
  const results = await Promise.all(
    clients.map(
      async (child) =>
        JSON.parse((await readLine(child, /\{.*\}\n/))[0]) as { count: number; elapsed: number },
    ),
  );
  const rate = results.reduce((sum, r) => sum + r.count / r.elapsed, 0);
  const cpuAfter = cpuMicros(serverPid);
  const count = results.reduce((sum, r) => sum + r.count, 0);
  const serverMicrosPerOp =
    cpuBefore === null || cpuAfter === null || count === 0 ? null : (cpuAfter - cpuBefore) / count;
  console.log(
    `  ${phase.padEnd(10)} ${Math.round(rate).toString().padStart(7)} ops/s` +
      (serverMicrosPerOp === null ? '' : `   server CPU ${serverMicrosPerOp.toFixed(1)} µs/op`),
  );
  return { rate, serverMicrosPerOp };
}

async function runServer(label: string, dbPath: string | undefined): Promise<Record<Phase, Measured>> {
  const server = spawnNode(
    ['src/cli.ts', '--port', '0', ...(dbPath === undefined ? [] : ['--dbpath', dbPath])],
    isProfiling ? ['--cpu-prof', '--cpu-prof-dir=/tmp/embedded-mongo-prof'] : [],
  );
  const uri = (await readLine(server, /^ready (\S+)\n/))[1] as string;
  const client = await MongoClient.connect(uri);
  const collection = client.db('bench').collection('members');
  const seeding = Date.now();
  await collection.createIndex({ code: 1 }, { unique: true });
  for (let start = 0; start < DOCUMENTS; start += 10_000) {
    await collection.insertMany(
      Array.from({ length: 10_000 }, (_, k) => {
        const i = start + k;
        return {
          code: `member-${i}`,
          points: i % 1000,
          tier: i % 3 === 0 ? 'gold' : 'silver',
          createdAt: new Date(1_700_000_000_000 + i),
        };
      }),
    );
  }
  console.log(`${label}: seeded ${DOCUMENTS} documents in ${Date.now() - seeding} ms`);
  await client.close();
  const results = {} as Record<Phase, Measured>;
  for (const phase of phases)
    results[phase] = await measure(uri, phase, label.replace(/\W/g, ''), server.pid);
  await new Promise<void>((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });
  return results;
}

if (process.argv.includes('--client')) {
  await runClient();
} else {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-bench-'));
  try {
    const memory = await runServer('in memory', undefined);
    const journaled = await runServer('journaled (dbPath)', dir);
    console.log(
      `\n${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; ${DOCUMENTS} documents; ${CONCURRENCY} concurrent operations over ${CLIENTS} driver process(es); ${SECONDS} s per figure`,
    );
    const cpu = (m: Measured) =>
      m.serverMicrosPerOp === null ? '–' : `${m.serverMicrosPerOp.toFixed(1)} µs`;
    console.log(
      '| operation | in memory | journaled (dbPath) | server CPU/op in memory | journaled |\n|---|---|---|---|---|',
    );
    for (const phase of phases)
      console.log(
        `| ${phase} | ${Math.round(memory[phase].rate)} ops/s | ${Math.round(journaled[phase].rate)} ops/s | ${cpu(memory[phase])} | ${cpu(journaled[phase])} |`,
      );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
