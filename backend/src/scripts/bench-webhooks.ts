// `pnpm bench:webhooks`: 10,000 domain events appended in transactions (two each, `purchase.recorded`
// and `points.earned` as a purchase writes them; 1,000 members, 16 at a time (BENCH_PRODUCERS), in this process: the API's part) while a real worker process runs the jobs
// (events.dispatch hands them to the webhooks subscriber, webhooks.deliver POSTs them), delivered to
// one endpoint: a local HTTP receiver in this process that checks every signature. On the embedded MongoDB (a child process, journaled to a temporary directory)
// and a private redis-server. Prints deliveries per second and the lag from each event's commit (and
// from its occurredAt) to its receipt: p50, p99, max. BENCH_EVENTS (10000) and BENCH_MEMBERS (1000) tune it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import mongoose, { Types } from 'mongoose';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { runInTransaction } from '../modules/ledger/transaction.js';
import { profileFlags, root, startMongoChild } from './bench-stack.js';
import { WriteBatch } from '../platform/write-batch.js';
import { WebhookDeliveryModel } from '../modules/webhooks/webhook.model.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 1000);
const PRODUCERS = Number(process.env.BENCH_PRODUCERS ?? 16);
const SYSTEM = { kind: 'anonymous' } as const;
/** BENCH_PROFILE=<dir>: the worker and the embedded MongoDB write V8 CPU profiles there (open in Chrome DevTools). */
/** The worker role of the backend (`main.ts worker`) in its own process, as deployed; resolves once its jobs run. */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      ...profileFlags(),
      '--conditions=source',
      '--import',
      'tsx',
      path.join(root, 'backend/src/main.ts'),
      'worker',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: root, env: { ...process.env, ...env } },
  );
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('workers running')) resolve();
      else if (/"level":(40|50|60)/.test(line)) console.error(`[worker] ${line}`);
    });
    child.once('exit', (code) => reject(new Error(`the worker exited (${code})`)));
  });
  return child;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function isSigned(header: string | undefined, body: Buffer, secret: string): boolean {
  const parts = (header ?? '').split(',').map((part) => part.split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const expected = createHmac('sha256', secret).update(`${t}.`).update(body).digest();
  return parts.some(([k, v]) => {
    if (k !== 'v1') return false;
    const given = Buffer.from(v ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-webhooks-'));
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const received = new Map<string, number>();
  let badSignatures = 0;
  let duplicates = 0;
  let secret = '';
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks);
      if (!isSigned(req.headers['regulars-signature'] as string | undefined, body, secret))
        badSignatures += 1;
      const id = String(req.headers['regulars-event-id']);
      if (received.has(id)) duplicates += 1;
      else received.set(id, at);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  let worker: ChildProcess | undefined;
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      MONGODB_URI: mongo.uri,
      MONGODB_DB: 'bench',
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'bench',
      LOG_LEVEL: 'warn',
      DATA_DIR: tmp,
    });
    const runtime = await createRuntime(config, { logger: createLogger(config) });
    const { services } = runtime;
    const endpoint = await services.webhooks.create(
      { url: `http://127.0.0.1:${port}/hooks`, eventTypes: ['*'], description: 'bench', active: true },
      SYSTEM,
    );
    secret = endpoint.secret;
    const members = Array.from({ length: MEMBERS }, () => new Types.ObjectId());
    worker = await startWorker({
      NODE_ENV: 'development',
      MONGODB_URI: mongo.uri,
      MONGODB_DB: 'bench',
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'bench',
      LOG_LEVEL: 'info',
      DATA_DIR: tmp,
      SEED_DEMO: 'false',
    });

    const committed = new Map<string, number>();
    const occurred = new Map<string, number>();
    const started = Date.now();
    let next = 0;
    // Each transaction is one purchase's outbox writes: `purchase.recorded` and `points.earned` for one
    // member, in one write batch, as the purchase path queues them.
    const producer = async () => {
      while (next < EVENTS) {
        const n = next;
        next += 2;
        const occurredAt = new Date();
        const memberId = members[(n / 2) % MEMBERS] ?? null;
        const ids = await runInTransaction(async (session) => {
          const batch = new WriteBatch();
          const purchaseId = new Types.ObjectId();
          const written = [
            await services.events.append(batch, {
              type: 'purchase.recorded',
              memberId,
              subject: { purchaseId },
              payload: { purchaseId: purchaseId.toHexString(), totalMinor: 1000 + n, n },
              occurredAt,
            }),
          ];
          if (n + 1 < EVENTS)
            written.push(
              await services.events.append(batch, {
                type: 'points.earned',
                memberId,
                subject: { purchaseId },
                payload: { purchaseId: purchaseId.toHexString(), points: 10 + (n % 90), n: n + 1 },
                occurredAt,
              }),
            );
          await batch.flush(session);
          return written;
        });
        const at = Date.now();
        for (const id of ids) {
          committed.set(id.toHexString(), at);
          occurred.set(id.toHexString(), occurredAt.getTime());
        }
      }
    };
    await Promise.all(Array.from({ length: PRODUCERS }, producer));
    const appended = Date.now();
    const deadline = appended + 10 * 60_000;
    while (received.size < EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const finished = Date.now();

    const lags = [...committed]
      .map(([id, at]) => (received.get(id) ?? Number.NaN) - at)
      .filter(Number.isFinite);
    const fromOccurred = [...occurred]
      .map(([id, at]) => (received.get(id) ?? Number.NaN) - at)
      .filter(Number.isFinite);
    lags.sort((a, b) => a - b);
    fromOccurred.sort((a, b) => a - b);
    const firstReceipt = Math.min(...received.values());
    const lastReceipt = Math.max(...received.values());
    const ms = (value: number) => `${Math.round(value)} ms`;
    console.log(
      `events appended: ${EVENTS} over ${MEMBERS} members in ${((appended - started) / 1000).toFixed(1)} s (${Math.round(EVENTS / ((appended - started) / 1000))}/s, ${PRODUCERS} producers, 2 events per transaction)`,
    );
    console.log(
      `delivered: ${received.size} of ${EVENTS}, duplicates ${duplicates}, bad signatures ${badSignatures}`,
    );
    console.log(
      `deliveries/s (first commit to last receipt): ${Math.round(received.size / ((lastReceipt - started) / 1000))}`,
    );
    console.log(
      `deliveries/s (first to last receipt): ${Math.round(received.size / Math.max(0.001, (lastReceipt - firstReceipt) / 1000))}`,
    );
    console.log(
      `lag commit → receipt: p50 ${ms(percentile(lags, 50))}, p99 ${ms(percentile(lags, 99))}, max ${ms(lags[lags.length - 1] ?? Number.NaN)}`,
    );
    console.log(
      `lag occurredAt → receipt: p50 ${ms(percentile(fromOccurred, 50))}, p99 ${ms(percentile(fromOccurred, 99))}`,
    );
    // Where the lag is: commit → handed to the webhooks subscriber (the delivery's createdAt) → receipt.
    const deliveries = await WebhookDeliveryModel.find({}, { eventId: 1, createdAt: 1 }).lean();
    const toSubscriber: number[] = [];
    const toReceipt: number[] = [];
    for (const d of deliveries) {
      const commit = committed.get(d.eventId);
      const receipt = received.get(d.eventId);
      if (commit === undefined || receipt === undefined) continue;
      toSubscriber.push(d.createdAt.getTime() - commit);
      toReceipt.push(receipt - d.createdAt.getTime());
    }
    toSubscriber.sort((a, b) => a - b);
    toReceipt.sort((a, b) => a - b);
    console.log(
      `  of which commit → handed to the webhooks subscriber: p50 ${ms(percentile(toSubscriber, 50))}, p99 ${ms(percentile(toSubscriber, 99))}`,
    );
    console.log(
      `  and handed → receipt: p50 ${ms(percentile(toReceipt, 50))}, p99 ${ms(percentile(toReceipt, 99))}`,
    );
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`wall time: ${((finished - started) / 1000).toFixed(1)} s`);
    await runtime.close();
    await mongoose.disconnect().catch(() => undefined);
  } finally {
    if (worker) await stopChild(worker);
    receiver.closeAllConnections();
    receiver.close();
    await redis.stop();
    await stopChild(mongo.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
