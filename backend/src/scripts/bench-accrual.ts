// `pnpm bench:accrual`: POST /api/v1/purchases under load with 20 published rules, on the embedded
// MongoDB (a child process, journaled to a temporary directory) and a private redis-server, the API in
// its own child process, the load generator (autocannon) here. Each request has a unique
// Idempotency-Key and one of 1,000 members. Then GET /api/health for the baseline ratio, and
// ledger:verify over everything written. BENCH_SECONDS (default 30) and BENCH_CONNECTIONS (32) tune it;
// BENCH_PROFILE=<dir> writes a CPU profile of each API process and of the embedded server there; API_PROCESSES sets their number
// (default: one per CPU, as in production); BENCH_TIMELINE=1 prints accruals and p99 per second.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import mongoose from 'mongoose';
import type { RuleInput } from '@regulars/rules';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { freePort, startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { LedgerVerifyService } from '../modules/ledger/ledger-verify.service.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MEMBERS = 1000;
const root = path.resolve(import.meta.dirname, '../../..');
const SYSTEM = { kind: 'anonymous' } as const;

/** Twenty rules of the kinds a café chain runs at once: base earn, category and item bonuses, multipliers, limits, a budget. */
function benchRules(): Omit<RuleInput, 'id' | 'version'>[] {
  const rules: Omit<RuleInput, 'id' | 'version'>[] = [
    {
      name: '1 point per €1',
      isBaseEarn: true,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100 }],
    },
    {
      name: 'Happy hour ×2',
      schedule: { daysOfWeek: [1, 2, 3, 4, 5], hours: { from: 15, to: 17 } },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
    },
    {
      name: 'Weekend ×1.5',
      schedule: { daysOfWeek: [6, 7] },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 15_000 }],
    },
    {
      name: 'Big basket bonus',
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 2000 },
      effects: [{ type: 'awardFixedPoints', points: 5 }],
    },
    {
      name: 'First visit of the day',
      effects: [{ type: 'awardFixedPoints', points: 1 }],
      limits: [{ period: 'day', maxTimes: 1 }],
    },
    {
      name: 'Launch budget',
      effects: [{ type: 'awardFixedPoints', points: 1 }],
      budget: { totalPoints: 10_000_000 },
    },
  ];
  const categories = ['coffee', 'tea', 'bakery', 'food', 'drinks', 'merch', 'beans', 'snacks'];
  for (const category of categories) {
    rules.push({
      name: `${category} bonus`,
      effects: [{ type: 'awardPointsPerItem', points: 1, items: { categories: [category] } }],
    });
  }
  for (const sku of ['LATTE', 'CAKE', 'SANDWICH', 'JUICE', 'BEANS-1KG', 'MUG']) {
    rules.push({
      name: `${sku} of the week`,
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 100 },
      effects: [{ type: 'awardPointsPerItem', points: 2, items: { skus: [sku] } }],
    });
  }
  return rules;
}

/**
 * Measures what production runs: the compiled JavaScript (`pnpm build`), or, when it is missing, the
 * sources through tsx (slower: source maps make every captured stack trace expensive).
 */
function compiled(dist: string, source: string): string[] {
  const built = path.join(root, dist);
  if (existsSync(built)) return [built];
  console.error(
    `${dist} is not built (run pnpm build): measuring the TypeScript sources through tsx instead`,
  );
  return ['--conditions=source', '--import', 'tsx', path.join(root, source)];
}

/** With BENCH_PROFILE=<dir>, the API processes and the embedded server each write a CPU profile there. */
const profileFlags = () =>
  process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];

async function startMongoChild(dbPath: string): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(
    process.execPath,
    [
      ...profileFlags(),
      ...compiled('packages/embedded-mongo/dist/cli.js', 'packages/embedded-mongo/src/cli.ts'),
      '--port',
      '0',
      '--dbpath',
      dbPath,
    ],
    { stdio: ['ignore', 'pipe', process.env.BENCH_TIMELINE ? 'pipe' : 'ignore'], cwd: root },
  );
  if (child.stderr) {
    // With the timeline, the server's own log (compactions, fsync trouble) to line up with bad seconds.
    readline
      .createInterface({ input: child.stderr })
      .on('line', (line) => console.error(`[embedded MongoDB ${clockTime()}] ${line}`));
  }
  const uri = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^ready (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded MongoDB exited (${code})`)));
  });
  return { child, uri };
}

async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

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
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const port = await freePort();
  const env = {
    NODE_ENV: 'development',
    MONGODB_URI: mongo.uri,
    MONGODB_DB: 'bench',
    REDIS_URL: redis.url,
    REDIS_PREFIX: 'bench',
    ...(process.env.API_PROCESSES ? { API_PROCESSES: process.env.API_PROCESSES } : {}),
    DATA_DIR: tmp,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000000',
    RATE_LIMIT_ANONYMOUS_PER_MIN: '100000000',
  };
  let api: ChildProcess | undefined;
  try {
    // Setup through the services (staff, store, rules, members, API key), then the API in its own process.
    const config = loadConfig(env);
    const setup = await createRuntime(config, { logger: createLogger(config) });
    const { services } = setup;
    const store = await services.stores.create({ name: 'Bench', code: 'BENCH', isActive: true }, SYSTEM);
    for (const definition of benchRules()) {
      const rule = await services.rules.create(definition as Record<string, unknown>, SYSTEM);
      await services.rules.publish(rule.id, SYSTEM);
    }
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

    api = spawn(
      process.execPath,
      [...profileFlags(), ...compiled('backend/dist/main.js', 'backend/src/main.ts'), 'api'],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        cwd: root,
        env: { ...process.env, ...env, PORT: String(port) },
      },
    );
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/api/health`);

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
