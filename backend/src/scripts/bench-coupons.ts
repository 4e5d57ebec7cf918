// `pnpm bench:coupons`: coupon codes and coupons at the till, on the stack of `pnpm bench:checkout` (the
// embedded MongoDB in a child process journaled to a temporary directory, a private redis-server).
//  1. Generation: a batch of 100,000 bearer codes (target ≤ 20 s), then one of 1,000,000 (target ≤ 3 min),
//     each one job of `coupons.generate-batch` on a BullMQ worker of this process, timed from the
//     `POST /coupon-templates/:id/batches` to the batch's `completed`; the codes are then checked unique
//     and well formed (a sample of 10,000 re-checked for their check character).
//  2. At the till: the API in its own process; BENCH_CONNECTIONS (16) loops, each opening a checkout with
//     a fresh bearer code of a batch, applying it (`{ type: "coupon", code }`, the measured call; target
//     p95 ≤ 30 ms) and cancelling the checkout, for 3 s of warm-up + BENCH_SECONDS (30) measured.
//     Then the applies alone: the same connections first open BENCH_APPLIES_PER_CONNECTION (400)
//     checkouts each, and then apply a fresh code to each, back to back (all measured).
// Knobs: BENCH_COUPON_COUNTS ("100000,1000000"), BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_APPLY=0 skips 2.
import { type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { freePort, startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime, type Runtime } from '../runtime.js';
import { isWellFormed } from '../modules/coupons/coupon-code.js';
import { Latencies, benchEnv, call, startApiProcess, startMongoChild, type Answer } from './bench-stack.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARMUP_SECONDS = 3;
const COUNTS = (process.env.BENCH_COUPON_COUNTS ?? '100000,1000000').split(',').map(Number);
const TARGET_SECONDS: Record<number, number> = { 100_000: 20, 1_000_000: 180 };
const APPLY_TARGET_P95_MS = 30;
const APPLIES_PER_CONNECTION = Number(process.env.BENCH_APPLIES_PER_CONNECTION ?? 400);
const SYSTEM = { kind: 'anonymous' } as const;

/** A bearer template of single-use 10%-off coupons, valid for a year. */
async function bearerTemplate(runtime: Runtime, name: string) {
  return runtime.services.couponTemplates.create(
    {
      name,
      description: null,
      discount: { kind: 'percent', percent: 10 },
      conditions: { minBasketMinor: null, appliesTo: null, storeIds: [], tags: [], firstPurchaseOnly: false },
      validity: { type: 'relative', daysFromIssue: 365, activationDelayDays: 0 },
      perMemberLimit: null,
      totalCap: null,
      usesPerCoupon: 1,
      stacking: { withCoupons: false, withRewards: true },
      kind: 'bearer',
      codeFormat: { prefix: '', length: 13 },
      restoreOnRefund: true,
    },
    SYSTEM,
  );
}

/** Polls a batch (as the portal's progress bar does) until its job completed it. */
async function completed(runtime: Runtime, batchId: string) {
  for (;;) {
    const current = await runtime.services.coupons.getBatch(batchId);
    if (current.status === 'completed') return current;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One batch through the route's service and the BullMQ worker, timed to its completion. */
async function generate(runtime: Runtime, count: number) {
  const template = await bearerTemplate(runtime, `Bench ${count}`);
  const started = performance.now();
  const batch = await runtime.services.coupons.createBatch(
    template._id.toHexString(),
    { count, label: null },
    SYSTEM,
  );
  const { generated } = await completed(runtime, batch._id.toHexString());
  const seconds = (performance.now() - started) / 1000;
  const coupons = mongoose.connection.collection('coupons');
  // Unique by the index on `code`: counting the batch's documents is counting distinct codes.
  const inBatch = await coupons.countDocuments({ batchId: batch._id });
  const sample = await coupons
    .find({ batchId: batch._id }, { projection: { code: 1 } })
    .limit(10_000)
    .toArray();
  const malformed = sample.filter((c) => !isWellFormed(String(c.code))).length;
  const final = await runtime.services.coupons.getBatch(batch._id.toHexString());
  return {
    count,
    generated,
    inBatch,
    collisions: final.collisions,
    malformedInSample: malformed,
    seconds: Number(seconds.toFixed(1)),
    codesPerSecond: Math.round(count / seconds),
    targetSeconds: TARGET_SECONDS[count] ?? null,
    isWithinTarget: TARGET_SECONDS[count] === undefined ? null : seconds <= (TARGET_SECONDS[count] ?? 0),
  };
}

/** CONNECTIONS loops of open → apply a fresh code (measured) → cancel. */
async function driveApply(input: { base: URL; apiKey: string; storeId: string; codes: string[] }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const apply = new Latencies();
  const failures: string[] = [];
  let failed = 0;
  let applied = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP_SECONDS * 1000;
  const end = measureFrom + SECONDS * 1000;
  const headers = { 'x-api-key': input.apiKey };
  const items = [
    { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', quantity: 1, unitPriceMinor: 240 },
    { sku: 'CAKE', name: 'Cake', category: 'bakery', quantity: 1, unitPriceMinor: 420 },
  ];
  let next = 0;
  const fail = (what: string, answer: Answer) => {
    failed += 1;
    if (failures.length < 5) failures.push(`${what}: ${answer.status} ${answer.body.slice(0, 300)}`);
  };
  const connection = async () => {
    while (performance.now() < end && next < input.codes.length) {
      const code = input.codes[next++] ?? '';
      const opened = await call(
        agent,
        input.base,
        'POST',
        '/api/v1/checkouts',
        headers,
        JSON.stringify({ storeId: input.storeId, currency: 'EUR', items }),
      );
      if (opened.status !== 201) {
        fail('open', opened);
        continue;
      }
      const checkoutId = (JSON.parse(opened.body) as { id: string }).id;
      const at = performance.now();
      const answer = await call(
        agent,
        input.base,
        'POST',
        `/api/v1/checkouts/${checkoutId}/applied`,
        headers,
        JSON.stringify({ type: 'coupon', code }),
      );
      if (at >= measureFrom && performance.now() <= end) apply.add(performance.now() - at);
      if (answer.status < 200 || answer.status >= 300) fail('apply', answer);
      else if (at >= measureFrom) applied += 1;
      await call(agent, input.base, 'POST', `/api/v1/checkouts/${checkoutId}/cancel`, headers, '{}');
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, connection));
  agent.destroy();
  const summary = apply.summary();
  return {
    connections: CONNECTIONS,
    seconds: SECONDS,
    applied,
    appliedPerSecond: Math.round(applied / SECONDS),
    errors: failed,
    ...(failures.length ? { firstErrors: failures } : {}),
    applyMs: summary,
    targetP95Ms: APPLY_TARGET_P95_MS,
    isWithinTarget: summary.p95 <= APPLY_TARGET_P95_MS,
  };
}

/**
 * Applies alone: CONNECTIONS loops first open APPLIES_PER_CONNECTION checkouts each (not measured), then
 * apply a fresh code to each of them back to back (measured), so that the 16 connections' traffic is
 * coupon applies only, not applies between opens and cancels as in `driveApply`.
 */
async function driveApplyOnly(input: { base: URL; apiKey: string; storeId: string; codes: string[] }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers = { 'x-api-key': input.apiKey };
  const items = [
    { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', quantity: 1, unitPriceMinor: 240 },
    { sku: 'CAKE', name: 'Cake', category: 'bakery', quantity: 1, unitPriceMinor: 420 },
  ];
  const opened: string[][] = [];
  let failed = 0;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, n) => {
      const mine: string[] = [];
      opened[n] = mine;
      while (mine.length < APPLIES_PER_CONNECTION) {
        const answer = await call(
          agent,
          input.base,
          'POST',
          '/api/v1/checkouts',
          headers,
          JSON.stringify({ storeId: input.storeId, currency: 'EUR', items }),
        );
        if (answer.status !== 201) failed += 1;
        else mine.push((JSON.parse(answer.body) as { id: string }).id);
      }
    }),
  );
  const apply = new Latencies();
  let applied = 0;
  const start = performance.now();
  await Promise.all(
    opened.map(async (checkoutIds) => {
      for (const checkoutId of checkoutIds) {
        const code = input.codes.pop() ?? '';
        const at = performance.now();
        const answer = await call(
          agent,
          input.base,
          'POST',
          `/api/v1/checkouts/${checkoutId}/applied`,
          headers,
          JSON.stringify({ type: 'coupon', code }),
        );
        apply.add(performance.now() - at);
        if (answer.status < 200 || answer.status >= 300) failed += 1;
        else applied += 1;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  const summary = apply.summary();
  return {
    connections: CONNECTIONS,
    applied,
    seconds: Number(seconds.toFixed(1)),
    appliedPerSecond: Math.round(applied / seconds),
    errors: failed,
    applyMs: summary,
    targetP95Ms: APPLY_TARGET_P95_MS,
    isWithinTarget: summary.p95 <= APPLY_TARGET_P95_MS,
  };
}

async function benchCoupons() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-coupons-'));
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const env = benchEnv({ mongoUri: mongo.uri, redisUrl: redis.url, dataDir: tmp });
  let api: ChildProcess | undefined;
  try {
    const config = loadConfig(env);
    const runtime = await createRuntime(config, { logger: createLogger(config) });
    await runtime.startWorkers();
    const generation = [];
    for (const count of COUNTS) generation.push(await generate(runtime, count));

    let atTheTill: unknown = 'skipped (BENCH_APPLY=0)';
    if (process.env.BENCH_APPLY !== '0') {
      const store = await runtime.services.stores.create(
        { name: 'Bench', code: 'BENCH', isActive: true },
        SYSTEM,
      );
      const key = await runtime.services.apiKeys.create(
        { name: 'bench POS', scopes: ['checkouts:write'] },
        SYSTEM,
      );
      // Enough fresh codes for every apply of the run (a few thousand a second at most).
      const template = await bearerTemplate(runtime, 'Bench till');
      const tillBatch = await runtime.services.coupons.createBatch(
        template._id.toHexString(),
        { count: 200_000, label: null },
        SYSTEM,
      );
      await completed(runtime, tillBatch._id.toHexString());
      const codes = (
        await mongoose.connection
          .collection('coupons')
          .find({ batchId: tillBatch._id }, { projection: { code: 1 } })
          .toArray()
      ).map((c) => String(c.code));
      const port = await freePort();
      api = await startApiProcess(env, port);
      const base = new URL(`http://127.0.0.1:${port}`);
      // The checkout side must know coupons: probe once before loading it.
      const probeAgent = new http.Agent({ keepAlive: false });
      const probe = await call(
        probeAgent,
        base,
        'POST',
        '/api/v1/checkouts',
        { 'x-api-key': key.key },
        JSON.stringify({
          storeId: store._id.toHexString(),
          currency: 'EUR',
          items: [{ sku: 'ESPRESSO', quantity: 1, unitPriceMinor: 240 }],
        }),
      );
      const probeId = (JSON.parse(probe.body) as { id?: string }).id ?? '';
      const probed = await call(
        probeAgent,
        base,
        'POST',
        `/api/v1/checkouts/${probeId}/applied`,
        { 'x-api-key': key.key },
        JSON.stringify({ type: 'coupon', code: codes.pop() ?? '' }),
      );
      probeAgent.destroy();
      const till = { base, apiKey: key.key, storeId: store._id.toHexString(), codes };
      atTheTill =
        probed.status === 400
          ? `not measured: the checkout does not accept coupons yet (${probed.body.slice(0, 200)})`
          : { betweenOpensAndCancels: await driveApply(till), appliesOnly: await driveApplyOnly(till) };
    }
    await runtime.close();
    return { generation, atTheTill };
  } finally {
    if (api) await stopChild(api);
    await redis.stop();
    await stopChild(mongo.child);
    rmSync(tmp, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const report: Record<string, unknown> = {
    startedAt: new Date().toISOString(),
    loadAverageBefore: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  report.coupons = await benchCoupons();
  console.log(JSON.stringify(report, null, 2));
  const { generation } = report.coupons as {
    generation: Array<{ inBatch: number; count: number; malformedInSample: number }>;
  };
  if (generation.some((g) => g.inBatch !== g.count || g.malformedInSample > 0)) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
