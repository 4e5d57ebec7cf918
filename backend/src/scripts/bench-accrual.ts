// `pnpm bench:accrual`: POST /api/v1/purchases under load with 20 published rules, on the embedded
// MongoDB (a child process, journaled to a temporary directory) and a private redis-server, the API in
// its own child process, the load generator (autocannon) here. Each request has a unique
// Idempotency-Key and one of 1,000 members. Then GET /api/health for the baseline ratio, and
// ledger:verify over everything written. BENCH_SECONDS (default 30) and BENCH_CONNECTIONS (32) tune it;
// BENCH_PROFILE=<dir> writes a CPU profile of each API process and of the embedded server there; API_PROCESSES sets their number
// (default: one per CPU, as in production); BENCH_TIMELINE=1 prints accruals and p99 per second.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { freePort, startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { benchEnv, publishBenchRules, startApiProcess, startMongoChild } from './bench-stack.js';
import { LedgerVerifyService } from '../modules/ledger/ledger-verify.service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MEMBERS = 1000;
const SYSTEM = { kind: 'anonymous' } as const;

const clockTime = () => new Date().toISOString().slice(11, 23);

type Measured = {
  result: autocannon.Result;
  /** Responses per second over the measured window (after the warm-up). */
  requestsPerSecond: number;
  /** Responses in the measured window: 2xx and others. */
  ok: number;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  /** Per second of the run: responses and their p99, to tell a stall (a bad second) from a spread tail. */
  timeline: { second: number; responses: number; p99: number }[];
};

const percentile = (sorted: readonly number[], q: number) =>
  Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));

/**
 * Runs autocannon for `warmupSeconds + seconds` without a pause, and measures only what answers after
 * the warm-up: the steady state, not the connections being opened. Percentiles come from every
 * response time of the window (autocannon reports no p95).
 */
function run(
  options: autocannon.Options & { url: string },
  window: { warmupSeconds: number; seconds: number },
): Promise<Measured> {
  const times: number[] = [];
  const bySecond: number[][] = [];
  let ok = 0;
  let failed = 0;
  const start = Date.now();
  const measureFrom = start + window.warmupSeconds * 1000;
  if (process.env.BENCH_TIMELINE) {
    const at = new Date(measureFrom).toISOString().slice(11, 23);
    console.error(`[bench ${clockTime()}] ${options.url}: warm-up; second 0 of the timeline is ${at}`);
  }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { ...options, duration: window.warmupSeconds + window.seconds },
      (error, result) => {
        if (error) return reject(error);
        times.sort((a, b) => a - b);
        const timeline = [...bySecond.entries()].map(([second, list = []]) => ({
          second,
          responses: list.length,
          p99: percentile(
            list.sort((a, b) => a - b),
            0.99,
          ),
        }));
        resolve({
          result,
          requestsPerSecond: Math.round((ok + failed) / window.seconds),
          ok,
          failed,
          p50: percentile(times, 0.5),
          p95: percentile(times, 0.95),
          p99: percentile(times, 0.99),
          timeline,
        });
      },
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      const now = Date.now();
      if (now < measureFrom) return;
      if (status >= 200 && status < 300) ok += 1;
      else failed += 1;
      times.push(responseTime);
      (bySecond[Math.floor((now - measureFrom) / 1000)] ??= []).push(responseTime);
    });
  });
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-'));
  // With the timeline, the server's own log (compactions, fsync trouble) to line up with bad seconds.
  const mongo = await startMongoChild(
    path.join(tmp, 'mongo'),
    process.env.BENCH_TIMELINE
      ? (line) => console.error(`[embedded MongoDB ${clockTime()}] ${line}`)
      : undefined,
  );
  const redis = await startLocalRedis();
  const port = await freePort();
  const env = benchEnv({ mongoUri: mongo.uri, redisUrl: redis.url, dataDir: tmp });
  let api: ChildProcess | undefined;
  try {
    // Setup through the services (staff, store, rules, members, API key), then the API in its own process.
    const config = loadConfig(env);
    const setup = await createRuntime(config, { logger: createLogger(config) });
    const { services } = setup;
    const store = await services.stores.create({ name: 'Bench', code: 'BENCH', isActive: true }, SYSTEM);
    await publishBenchRules(services.rules);
    const memberIds: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const member = await services.members.create(
        { name: `Bench ${i}`, phone: `+34611${String(i).padStart(6, '0')}` },
        SYSTEM,
      );
      memberIds.push(member._id.toHexString());
    }
    const key = await services.apiKeys.create({ name: 'bench POS', scopes: ['purchases:write'] }, SYSTEM);
    const published = (await services.rules.publishedRules()).length;
    await setup.close();

    api = await startApiProcess(env, port);
    const base = `http://127.0.0.1:${port}`;

    const skus = [
      { sku: 'LATTE', category: 'coffee', unitPriceMinor: 320 },
      { sku: 'CAKE', category: 'bakery', unitPriceMinor: 420 },
      { sku: 'SANDWICH', category: 'food', unitPriceMinor: 690 },
      { sku: 'TEA', category: 'tea', unitPriceMinor: 240 },
    ];
    let n = 0;
    const purchaseRequest = () => {
      n += 1;
      const items = [skus[n % 4], skus[(n * 7) % 4]].map((s) => ({ ...s, quantity: 1 + (n % 2) }));
      const totalMinor = items.reduce((sum, i) => sum + (i?.unitPriceMinor ?? 0) * i.quantity, 0);
      return {
        method: 'POST' as const,
        path: '/api/v1/purchases',
        headers: {
          'content-type': 'application/json',
          'x-api-key': key.key,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          memberId: memberIds[n % MEMBERS],
          storeId: store._id.toHexString(),
          currency: 'EUR',
          totalMinor,
          items,
        }),
      };
    };
    // The first 3 s warm up (JIT, connection pools, the compiled rule set) and are not measured.
    const accrual = await run(
      { url: base, connections: CONNECTIONS, requests: [{ setupRequest: () => purchaseRequest() }] },
      { warmupSeconds: 3, seconds: SECONDS },
    );
    const health = await run(
      { url: `${base}/api/health`, connections: CONNECTIONS },
      { warmupSeconds: 1, seconds: Math.min(SECONDS, 10) },
    );

    await mongoose.connect(mongo.uri, { dbName: 'bench' });
    const verify = await new LedgerVerifyService().verify();
    const purchases = await mongoose.connection.collection('purchases').countDocuments();
    await mongoose.disconnect();

    const report = {
      apiProcesses: config.apiProcesses,
      publishedRules: published,
      connections: CONNECTIONS,
      seconds: SECONDS,
      accrual: {
        requestsPerSecond: accrual.requestsPerSecond,
        ok2xx: accrual.ok,
        non2xx: accrual.failed,
        // Over the whole run, warm-up included.
        errors: accrual.result.errors,
        timeouts: accrual.result.timeouts,
        latencyMs: { p50: accrual.p50, p95: accrual.p95, p99: accrual.p99 },
      },
      health: {
        requestsPerSecond: health.requestsPerSecond,
        latencyMs: { p50: health.p50, p99: health.p99 },
      },
      ratio: Number((accrual.requestsPerSecond / health.requestsPerSecond).toFixed(3)),
      purchasesWritten: purchases,
      ledgerVerify: { ok: verify.ok, checked: verify.checked, mismatches: verify.mismatches.length },
    };
    console.log(JSON.stringify(report, null, 2));
    if (process.env.BENCH_TIMELINE) {
      console.log('second  accruals  p99 ms');
      for (const t of accrual.timeline) {
        console.log(`${String(t.second).padStart(6)}  ${String(t.responses).padStart(8)}  ${t.p99}`);
      }
    }
  } finally {
    if (api) await stopChild(api);
    await redis.stop();
    await stopChild(mongo.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
