// `pnpm bench:referrals`: the referrals.clear sweep over 100,000 due referrals (issue #17's target: 60 s).
// 1,000 referrers with 100 friends each, every friend's qualifying purchase past its clearing window; the
// sweep clears and rewards each (points to the referrer, in its own transaction, eight at a time), on the
// embedded MongoDB in its own process, as `npm start` runs it.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose, { Types } from 'mongoose';
import { loadConfig } from '../config.js';
import { createLogger } from '../platform/logger.js';
import { startLocalRedis, stopChild } from '../platform/local-redis.js';
import { createRuntime } from '../runtime.js';
import { benchEnv, startMongoChild } from './bench-stack.js';

const COUNT = Number(process.env.BENCH_REFERRALS ?? 100_000);
const REFERRERS = Number(process.env.BENCH_REFERRERS ?? 1000);
const TARGET_SECONDS = 60;
const SYSTEM = { kind: 'anonymous' } as const;
const DAY_MS = 24 * 3600_000;

async function main(): Promise<void> {
  const loadAverageBefore = os.loadavg().map((l) => Number(l.toFixed(2)));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'regulars-bench-referrals-'));
  const mongo = await startMongoChild(path.join(tmp, 'mongo'));
  const redis = await startLocalRedis();
  const env = benchEnv({ mongoUri: mongo.uri, redisUrl: redis.url, dataDir: tmp });
  const config = loadConfig(env);
  const runtime = await createRuntime(config, { logger: createLogger(config) });
  try {
    const { services } = runtime;
    await services.referrals.saveTerms(
      {
        isActive: true,
        referrerReward: { kind: 'points', points: 500 },
        refereeReward: null,
        refereeRewardOn: 'first_purchase',
        minimumPurchaseMinor: 1000,
        clearingDays: 30,
        attributionDays: 60,
        monthlyCap: null,
        lifetimeCap: null,
        capPolicy: 'reject',
        reviewThreshold: 50,
      },
      SYSTEM,
    );
    const referrers: Types.ObjectId[] = [];
    for (let i = 0; i < REFERRERS; i += 1) {
      const member = await services.members.create(
        { name: `Referrer ${i}`, phone: `+3460${String(i).padStart(7, '0')}` },
        SYSTEM,
      );
      referrers.push(member._id);
    }
    const now = services.clock.now();
    const boughtAt = new Date(now.getTime() - 31 * DAY_MS);
    const storeId = new Types.ObjectId();
    const db = mongoose.connection;
    const seedStarted = performance.now();
    for (let offset = 0; offset < COUNT; offset += 5000) {
      const purchases = [];
      const referrals = [];
      for (let i = offset; i < Math.min(COUNT, offset + 5000); i += 1) {
        const purchaseId = new Types.ObjectId();
        const refereeId = new Types.ObjectId();
        // Round robin: neighbours in the sweep's order belong to different referrers.
        const referrerId = referrers[i % referrers.length] as Types.ObjectId;
        purchases.push({
          _id: purchaseId,
          memberId: refereeId,
          storeId,
          currency: 'EUR',
          totalMinor: 2500,
          refundedMinor: 0,
          items: [],
          occurredAt: boughtAt,
          isFullyRefunded: false,
          createdAt: boughtAt,
        });
        referrals.push({
          _id: new Types.ObjectId(),
          referrerId,
          refereeId,
          code: `BENCH-${i}`,
          termsVersion: 1,
          status: 'qualified',
          rejectReason: null,
          attributedAt: boughtAt,
          attributionEndsAt: new Date(boughtAt.getTime() + 60 * DAY_MS),
          qualifyingPurchaseId: purchaseId,
          qualifyingStoreId: storeId,
          qualifiedAt: boughtAt,
          clearsAt: new Date(boughtAt.getTime() + 30 * DAY_MS),
          clearedAt: null,
          rewardedAt: null,
          rejectedAt: null,
          reversedAt: null,
          deferredByCap: false,
          addressHash: null,
          deviceId: null,
          score: 0,
          signals: [],
          review: { status: 'none', decidedBy: null, decidedAt: null, note: null },
          referrerReward: null,
          refereeReward: null,
          reversal: null,
        });
      }
      await db.collection('purchases').insertMany(purchases, { ordered: false });
      await db.collection('referrals').insertMany(referrals, { ordered: false });
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const started = performance.now();
    const result = await services.referrals.clearDue({ batchSize: 1000 });
    const seconds = (performance.now() - started) / 1000;
    const rewarded = await db.collection('referrals').countDocuments({ status: 'rewarded' });
    const entries = await db.collection('ledger_entries').countDocuments({ 'source.type': 'referral' });
    const report = {
      startedAt: new Date().toISOString(),
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((l) => Number(l.toFixed(2))),
      referrals: COUNT,
      referrers: REFERRERS,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      sweep: result,
      seconds: Number(seconds.toFixed(1)),
      perSecond: Math.round(COUNT / seconds),
      rewardedInDatabase: rewarded,
      ledgerEntries: entries,
      targetSeconds: TARGET_SECONDS,
      isTargetMet: seconds <= TARGET_SECONDS,
    };
    console.log(JSON.stringify(report, null, 2));
    if (rewarded !== COUNT || entries !== COUNT) process.exitCode = 1;
  } finally {
    await runtime.close();
    await stopChild(mongo.child);
    await redis.stop();
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
