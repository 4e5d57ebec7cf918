// `pnpm bench:tiers`: the tier sweep and the ladder preview over a large member base, on the embedded
// MongoDB in a child process (journaled to a temporary directory) and a private redis-server.
// Seeds BENCH_TIER_MEMBERS (100,000) members, each with 10 purchases in 10 distinct months of the last two
// years (about 1,000,000 purchases, kept as the monthly activity rows the sweep reads: the sweep never
// reads the ledger itself), and their tier states from before any ladder. Then measures:
//  1. the preview of a 4-tier draft over every member (target ≤ 5 s);
//  2. the sweep right after the first ladder is published: every member moved onto it (target ≤ 60 s);
//  3. the daily sweep a year later, when every member's qualification plus grace has ended (each one
//     kept or downgraded, with its events and history; target ≤ 60 s);
//  4. the daily sweep when nothing is due (an index read).
// Knobs: BENCH_TIER_MEMBERS.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import type { TierLadderDraft } from '@regulars/contracts';
import { loadConfig } from '../config.js';
import { ManualClock } from '../platform/clock.js';
import { createLogger } from '../platform/logger.js';
import { startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { monthOf } from '../modules/tiers/tier-evaluation.js';
import { benchEnv, startMongoChild } from './bench-stack.js';

const MEMBERS = Number(process.env.BENCH_TIER_MEMBERS ?? 100_000);
const PURCHASES_PER_MEMBER = 10;
const SWEEP_TARGET_SECONDS = 60;
const PREVIEW_TARGET_SECONDS = 5;
const SYSTEM = { kind: 'anonymous' } as const;
const DAY = 24 * 3600_000;
/** The program's default time zone (the bench does not change it). */
const TZ = 'Europe/Madrid';

const LADDER: TierLadderDraft = {
  basis: 'spend',
  window: { kind: 'rolling_months', months: 12 },
  retention: { kind: 'months', months: 12 },
  downgrade: { policy: 'to_qualified', graceDays: 30, warnDaysBefore: 14 },
  tiers: [
    { code: 'bronze', name: 'Bronze', threshold: 0, neverDowngrade: false, discountPercent: 0 },
    { code: 'silver', name: 'Silver', threshold: 20_000, neverDowngrade: false, discountPercent: 5 },
    { code: 'gold', name: 'Gold', threshold: 50_000, neverDowngrade: false, discountPercent: 10 },
    { code: 'platinum', name: 'Platinum', threshold: 100_000, neverDowngrade: false, discountPercent: 15 },
  ],
};

/** A deterministic generator, so that two runs seed the same member base. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function seed(now: Date): Promise<{ activityRows: number }> {
  const next = random(42);
  const db = mongoose.connection;
  const current = monthOf(now, TZ);
  let activityRows = 0;
  const BATCH = 5_000;
  for (let start = 0; start < MEMBERS; start += BATCH) {
    const members: Record<string, unknown>[] = [];
    const states: Record<string, unknown>[] = [];
    const activity: Record<string, unknown>[] = [];
    for (let i = start; i < Math.min(MEMBERS, start + BATCH); i++) {
      const memberId = new Types.ObjectId();
      members.push({
        _id: memberId,
        name: `Member ${i}`,
        phone: `+3460${String(i).padStart(7, '0')}`,
        cardNumber: `B${String(i).padStart(12, '0')}`,
        tier: null,
        isBlocked: false,
      });
      states.push({
        _id: new Types.ObjectId(),
        memberId,
        ladderVersion: 0,
        rev: 1,
        tierCode: '',
        since: now,
        qualifiedUntil: null,
        dueAt: null,
        warnAt: null,
        override: null,
        lastUpgrade: null,
        updatedAt: now,
      });
      // 10 purchases in 10 distinct months of the last 24, €5–€205 each.
      const months = new Set<number>();
      while (months.size < PURCHASES_PER_MEMBER) months.add(current - Math.floor(next() * 24));
      for (const month of months) {
        const spendMinor = 500 + Math.floor(next() * 20_000);
        activity.push({
          _id: new Types.ObjectId(),
          memberId,
          month,
          points: Math.floor(spendMinor / 100),
          spendMinor,
        });
      }
    }
    await db.collection('members').insertMany(members, { ordered: false });
    await db.collection('member_tiers').insertMany(states, { ordered: false });
    await db.collection('tier_activity').insertMany(activity, { ordered: false });
    activityRows += activity.length;
  }
  return { activityRows };
}

const seconds = (started: number) => Number(((performance.now() - started) / 1000).toFixed(2));

async function benchTiers() {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-tiers-'));
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const env = benchEnv({ mongoUri: mongo.uri, redisUrl: redis.url, dataDir: tmp });
  const clock = new ManualClock(Date.parse('2026-06-15T10:00:00Z'));
  try {
    const config = loadConfig(env);
    const runtime = await createRuntime(config, { logger: createLogger(config), clock });
    await mongoose.connection.syncIndexes();
    const seedStarted = performance.now();
    const { activityRows } = await seed(clock.now());
    const seeded = { members: MEMBERS, activityRows, seconds: seconds(seedStarted) };
    const { tiers } = runtime.services;

    let started = performance.now();
    const preview = await tiers.preview(LADDER);
    const previewSeconds = seconds(started);

    await tiers.publish({ ...LADDER, reason: 'bench' }, SYSTEM);
    started = performance.now();
    const published = await tiers.sweep();
    const publishSweepSeconds = seconds(started);
    const perTier = await mongoose.connection
      .collection('member_tiers')
      .aggregate([{ $group: { _id: '$tierCode', members: { $sum: 1 } } }])
      .toArray();

    // A year and 31 days later, every qualification plus grace has ended.
    clock.set(clock.now().getTime() + 396 * DAY);
    started = performance.now();
    const daily = await tiers.sweep();
    const dailySweepSeconds = seconds(started);

    started = performance.now();
    const idle = await tiers.sweep();
    const idleSweepSeconds = seconds(started);
    await runtime.close();
    return {
      seeded,
      preview: {
        seconds: previewSeconds,
        evaluated: preview.evaluated,
        movedUp: preview.movedUp,
        targetSeconds: PREVIEW_TARGET_SECONDS,
        isWithinTarget: previewSeconds <= PREVIEW_TARGET_SECONDS,
      },
      sweepAfterPublish: {
        seconds: publishSweepSeconds,
        ...published,
        perTier: Object.fromEntries(perTier.map((t) => [String(t._id), t.members as number])),
        targetSeconds: SWEEP_TARGET_SECONDS,
        isWithinTarget: publishSweepSeconds <= SWEEP_TARGET_SECONDS,
      },
      dailySweepAllDue: {
        seconds: dailySweepSeconds,
        ...daily,
        targetSeconds: SWEEP_TARGET_SECONDS,
        isWithinTarget: dailySweepSeconds <= SWEEP_TARGET_SECONDS,
      },
      dailySweepNothingDue: { seconds: idleSweepSeconds, ...idle },
    };
  } finally {
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
  report.tiers = await benchTiers();
  report.loadAverageAfter = os.loadavg().map((l) => Number(l.toFixed(2)));
  console.log(JSON.stringify(report, null, 2));
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
