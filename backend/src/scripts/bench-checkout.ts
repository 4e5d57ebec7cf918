// `pnpm bench:checkout`: the till's whole sale under load — open a checkout for a member, apply a reward,
// complete it with an Idempotency-Key — on the stack of `pnpm bench:accrual` (the embedded MongoDB in a
// child process journaled to a temporary directory, a private redis-server, the API in its own child
// process with the same 20 published rules and 1,000 members). Each member gets 100,000 points first
// (adjustments) and the reward costs 10, so that every iteration can afford it. 32 connections, each
// running the three calls one after the other for 3 s of warm-up + 30 s measured; reported: completed
// checkouts/s and p50/p95/p99 of the whole sequence and of each call, then ledger:verify over everything
// written. Afterwards it runs `pnpm bench:accrual` (a fresh stack, the same knobs) and prints both reports
// together, so that the two figures come from the same run of the machine; BENCH_ACCRUAL=0 skips that.
// Then, on the same stack, the floor: the cheapest authenticated read (one completed checkout) for
// BENCH_FLOOR_SECONDS (10; 0 skips it), the rate no call of a sale can beat.
// Knobs as in bench:accrual: BENCH_SECONDS (30), BENCH_CONNECTIONS (32), API_PROCESSES, and
// BENCH_PROFILE=<dir> (CPU profiles of the API processes and the embedded server).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { freePort, startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { LedgerVerifyService } from '../modules/ledger/ledger-verify.service.js';
import {
  Latencies,
  type Answer,
  benchEnv,
  call,
  publishBenchRules,
  root,
  startApiProcess,
  startMongoChild,
} from './bench-stack.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const WARMUP_SECONDS = 3;
/** How long the floor (the cheapest authenticated read) is measured after the sales; 0 skips it. */
const FLOOR_SECONDS = Number(process.env.BENCH_FLOOR_SECONDS ?? 10);
const MEMBERS = 1000;
const POINTS_PER_MEMBER = 100_000;
const REWARD_COST = 10;
const SYSTEM = { kind: 'anonymous' } as const;

type CheckoutLoad = {
  completed: number;
  /** Non-2xx answers over the whole run (warm-up included). */
  failed: number;
  /** The first answers that were not 2xx, to say what failed. */
  failures: string[];
  sequence: Latencies;
  open: Latencies;
  apply: Latencies;
  complete: Latencies;
};

/**
 * CONNECTIONS loops, each running open → apply → complete back to back until the end. Only what
 * happens after the warm-up counts: a sequence counts when it started after it; a call when it did.
 */
async function driveCheckouts(input: {
  base: URL;
  apiKey: string;
  storeId: string;
  rewardId: string;
  memberIds: readonly string[];
}): Promise<CheckoutLoad> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const load: CheckoutLoad = {
    completed: 0,
    failed: 0,
    failures: [],
    sequence: new Latencies(),
    open: new Latencies(),
    apply: new Latencies(),
    complete: new Latencies(),
  };
  const start = performance.now();
  const measureFrom = start + WARMUP_SECONDS * 1000;
  const end = measureFrom + SECONDS * 1000;
  const headers = { 'x-api-key': input.apiKey };
  const items = [
    { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', quantity: 1, unitPriceMinor: 240 },
    { sku: 'CAKE', name: 'Cake', category: 'bakery', quantity: 1, unitPriceMinor: 420 },
    { sku: 'LATTE', name: 'Latte', category: 'coffee', quantity: 1, unitPriceMinor: 320 },
  ];
  let n = 0;

  const timed = async (latencies: Latencies, isMeasured: boolean, send: () => Promise<Answer>) => {
    const at = performance.now();
    const answer = await send();
    if (isMeasured) latencies.add(performance.now() - at);
    return answer;
  };
  // Failures count over the whole run, warm-up included: none is expected at any time.
  const fail = (what: string, answer: Answer) => {
    load.failed += 1;
    if (load.failures.length < 5)
      load.failures.push(`${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
  };

  const connection = async () => {
    while (performance.now() < end) {
      n += 1;
      const memberId = input.memberIds[n % input.memberIds.length]!;
      const began = performance.now();
      const isMeasured = began >= measureFrom;
      const opened = await timed(load.open, isMeasured, () =>
        call(
          agent,
          input.base,
          'POST',
          '/api/v1/checkouts',
          headers,
          JSON.stringify({ storeId: input.storeId, member: { memberId }, currency: 'EUR', items }),
        ),
      );
      if (opened.status !== 201) {
        fail('open', opened);
        continue;
      }
      const checkoutId = (JSON.parse(opened.body) as { id: string }).id;
      const applied = await timed(load.apply, isMeasured, () =>
        call(
          agent,
          input.base,
          'POST',
          `/api/v1/checkouts/${checkoutId}/applied`,
          headers,
          JSON.stringify({ type: 'reward', rewardId: input.rewardId }),
        ),
      );
      if (applied.status < 200 || applied.status >= 300) {
        fail('apply', applied);
        continue;
      }
      const completed = await timed(load.complete, isMeasured, () =>
        call(
          agent,
          input.base,
          'POST',
          `/api/v1/checkouts/${checkoutId}/complete`,
          { ...headers, 'idempotency-key': randomUUID() },
          '{}',
        ),
      );
      if (completed.status < 200 || completed.status >= 300) {
        fail('complete', completed);
        continue;
      }
      if (isMeasured && performance.now() <= end) {
        load.completed += 1;
        load.sequence.add(performance.now() - began);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  agent.destroy();
  return load;
}

/**
 * The floor under any checkout figure: CONNECTIONS loops reading one completed checkout
 * (`GET /checkouts/:id`: authentication, the general rate limit, one find, a receipt-sized answer) for
 * FLOOR_SECONDS after the sales, on the same stack. A sale is three calls that each do more than this
 * one, so a third of this rate bounds the sales a second before any of their own work.
 */
async function driveFloor(input: { base: URL; apiKey: string; checkoutId: string }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const latencies = new Latencies();
  let answered = 0;
  let failed = 0;
  const start = performance.now();
  const measureFrom = start + 1000;
  const end = measureFrom + FLOOR_SECONDS * 1000;
  const headers = { 'x-api-key': input.apiKey };
  const connection = async () => {
    while (performance.now() < end) {
      const at = performance.now();
      const answer = await call(
        agent,
        input.base,
        'GET',
        `/api/v1/checkouts/${input.checkoutId}`,
        headers,
        '',
      );
      if (answer.status !== 200) failed += 1;
      else if (at >= measureFrom && performance.now() <= end) {
        answered += 1;
        latencies.add(performance.now() - at);
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  agent.destroy();
  return {
    requestsPerSecond: Math.round(answered / FLOOR_SECONDS),
    errors: failed,
    latencyMs: latencies.summary(),
  };
}

async function benchCheckout() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-checkout-'));
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const port = await freePort();
  const env = benchEnv({ mongoUri: mongo.uri, redisUrl: redis.url, dataDir: tmp });
  let api: ChildProcess | undefined;
  try {
    // Setup through the services (store, rules, a cheap reward, members with points, an API key).
    const config = loadConfig(env);
    const setup = await createRuntime(config, { logger: createLogger(config) });
    const { services } = setup;
    const store = await services.stores.create({ name: 'Bench', code: 'BENCH', isActive: true }, SYSTEM);
    await publishBenchRules(services.rules);
    const reward = await services.rewards.create(
      {
        name: 'Free espresso',
        pointsCost: REWARD_COST,
        kind: 'free_product',
        sku: 'ESPRESSO',
        isActive: true,
      },
      SYSTEM,
    );
    const memberIds: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const member = await services.members.create(
        { name: `Bench ${i}`, phone: `+34611${String(i).padStart(6, '0')}` },
        SYSTEM,
      );
      const memberId = member._id.toHexString();
      await services.adjustments.create(
        memberId,
        { points: POINTS_PER_MEMBER, reason: 'Bench points' },
        { principal: SYSTEM, requestKey: null },
      );
      memberIds.push(memberId);
    }
    const key = await services.apiKeys.create({ name: 'bench POS', scopes: ['checkouts:write'] }, SYSTEM);
    await setup.close();

    api = await startApiProcess(env, port);
    const base = new URL(`http://127.0.0.1:${port}`);

    const load = await driveCheckouts({
      base,
      apiKey: key.key,
      storeId: store._id.toHexString(),
      rewardId: reward._id.toHexString(),
      memberIds,
    });

    await mongoose.connect(mongo.uri, { dbName: 'bench' });
    const last = await mongoose.connection
      .collection('checkouts')
      .findOne({ status: 'completed' }, { projection: { _id: 1 } });
    await mongoose.disconnect();
    const floor =
      FLOOR_SECONDS > 0 && last
        ? await driveFloor({ base, apiKey: key.key, checkoutId: last._id.toHexString() })
        : null;
    await mongoose.connect(mongo.uri, { dbName: 'bench' });
    const verify = await new LedgerVerifyService().verify();
    const db = mongoose.connection;
    const [purchases, completedCheckouts, redemptions] = await Promise.all([
      db.collection('purchases').countDocuments(),
      db.collection('checkouts').countDocuments({ status: 'completed' }),
      db.collection('redemptions').countDocuments({ status: 'completed' }),
    ]);
    await mongoose.disconnect();
    return {
      apiProcesses: config.apiProcesses,
      connections: CONNECTIONS,
      seconds: SECONDS,
      checkout: {
        completedPerSecond: Math.round(load.completed / SECONDS),
        completed: load.completed,
        errors: load.failed,
        ...(load.failures.length ? { firstErrors: load.failures } : {}),
        sequenceMs: load.sequence.summary(),
        openMs: load.open.summary(),
        applyMs: load.apply.summary(),
        completeMs: load.complete.summary(),
      },
      floor,
      written: { purchases, completedCheckouts, redemptions },
      ledgerVerify: { ok: verify.ok, checked: verify.checked, mismatches: verify.mismatches.length },
    };
  } finally {
    if (api) await stopChild(api);
    await redis.stop();
    await stopChild(mongo.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** `pnpm bench:accrual` in a child process (its own fresh stack), answering its JSON report. */
function benchAccrual(): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', path.join(root, 'backend/src/scripts/bench-accrual.ts')],
      { stdio: ['ignore', 'pipe', 'inherit'], cwd: root, env: process.env },
    );
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench:accrual exited with ${code}`));
      // Its report is the JSON object it prints (BENCH_TIMELINE adds a table after it).
      const json = out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1);
      resolve(JSON.parse(json) as unknown);
    });
  });
}

async function main(): Promise<void> {
  const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));
  const report: Record<string, unknown> = { startedAt: new Date().toISOString() };
  report.loadAverageBefore = loadAverage();
  report.checkout = await benchCheckout();
  if (process.env.BENCH_ACCRUAL !== '0') {
    report.loadAverageBeforeAccrual = loadAverage();
    report.accrual = await benchAccrual();
  }
  console.log(JSON.stringify(report, null, 2));
  const checkout = report.checkout as Awaited<ReturnType<typeof benchCheckout>>;
  if (!checkout.ledgerVerify.ok || checkout.checkout.errors > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
