// Many processes, one truth (issue #21): two API processes and two worker processes, started from the
// build as separate processes the way `pnpm start` and the recipes in deploy/ do, on the run's one MongoDB and
// Redis. A round-robin client sends concurrent purchases, redemptions, checkouts and refunds to both
// APIs; one API and one worker are killed with SIGKILL midway. Afterwards every acknowledged operation is
// stored exactly once, a rule budget and a per-member limit held across processes, the due-date sweeps
// (activation, expiry) ran once per lot on the moved sandbox clock, and the ledger verifies clean.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { freePort, stopChild, MigrationModel, migrations } from '@regulars/backend';
import { activatePointsJob } from '../../backend/src/modules/ledger/activate-points.job.js';
import { expirePointsJob } from '../../backend/src/modules/ledger/expire-points.job.js';
import { createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const MEMBERS = 8;
const PURCHASES_PER_MEMBER = 5;
const REDEMPTIONS_PER_MEMBER = 3;
const BUDGET_POINTS = 150;
const BUDGET_AWARD = 10;
const LIMIT_TIMES = 2;
const REWARD_STOCK = 5;

type Started = { name: string; child: ChildProcess; output: string[]; exited: Promise<number | null> };

/** Starts a built backend entry point (`pnpm test` builds first), as the launcher and the recipes do. */
function startProcess(name: string, script: string, args: string[], env: Record<string, string>): Started {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    readline.createInterface({ input: stream! }).on('line', (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, output, exited };
}

async function waitForHealth(url: string, started: Started): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (started.child.exitCode !== null)
      throw new Error(`${started.name} exited:\n${started.output.join('\n')}`);
    const status = await fetch(url)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not become healthy:\n${started.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Answer = { status: number; body: Record<string, unknown>; base: string };

/**
 * The client of a POS with two API addresses: requests go round-robin; a request that gets no answer
 * (connection refused or cut) goes to the next API. With an Idempotency-Key it is retried until it is
 * answered (a key still locked by a request that died with its process answers 409 until the lock
 * expires); without one it is given up, as a till would. A process killed inside a transaction leaves it
 * open on the server until MongoDB aborts it (transactionLifetimeLimitSeconds, 60 s): the member's
 * documents it wrote stay locked until then, so a retry may wait that long.
 */
class RoundRobinClient {
  private turn = 0;
  readonly unanswered: string[] = [];
  constructor(private readonly bases: string[]) {}

  async send(
    method: 'GET' | 'POST',
    pathname: string,
    options: { auth: Record<string, string>; body?: unknown; key?: string },
  ): Promise<Answer | null> {
    const giveUpAt = Date.now() + 100_000;
    for (;;) {
      const base = this.bases[this.turn++ % this.bases.length]!;
      try {
        const response = await fetch(`${base}${pathname}`, {
          method,
          headers: {
            ...options.auth,
            ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(options.key ? { 'idempotency-key': options.key } : {}),
          },
          ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
          signal: AbortSignal.timeout(30_000),
        });
        const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
        const code = (body.error as { code?: string } | undefined)?.code;
        const isRetryable = code === 'IDEMPOTENCY_IN_PROGRESS' || response.status === 503;
        if (options.key && isRetryable && Date.now() < giveUpAt) {
          await sleep(250);
          continue;
        }
        return { status: response.status, body, base };
      } catch {
        if (!options.key || Date.now() >= giveUpAt) {
          this.unanswered.push(`${method} ${pathname}`);
          return null;
        }
        await sleep(50);
      }
    }
  }

  /** Drops an address (after its process was killed), so that no more requests are sent there. */
  remove(base: string): void {
    const index = this.bases.indexOf(base);
    if (index >= 0) this.bases.splice(index, 1);
  }
}

/** Runs the tasks with at most `limit` at once. */
async function pool(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) await tasks[next++]!();
    }),
  );
}

describe('two API processes and two workers on one MongoDB and Redis', () => {
  let world: LedgerWorld;
  const processes: Started[] = [];
  const apis: string[] = [];
  const workers: Started[] = [];
  const jwtSecret = randomBytes(32).toString('hex');
  let env: Record<string, string>;

  beforeAll(async () => {
    world = await createLedgerWorld({
      env: { SANDBOX_CLOCK: 'true', JWT_SECRET: jwtSecret },
      program: { pendingDays: 14, expiryMonths: 12 },
    });
    const { config } = world.app.runtime.platform;
    env = {
      NODE_ENV: 'test',
      SANDBOX_CLOCK: 'true',
      JWT_SECRET: jwtSecret,
      MONGODB_URI: config.mongodbUri ?? '',
      MONGODB_DB: config.mongodbDb,
      REDIS_URL: config.redisUrl ?? '',
      REDIS_PREFIX: config.redisPrefix,
      API_PROCESSES: '1',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000',
      // A key left locked by a request whose process was killed is free again after 5 s.
      IDEMPOTENCY_LOCK_SECONDS: '5',
    };
    // Two migration runners at once, as two machines' launchers or two Jobs would.
    await MigrationModel.deleteMany({});
    const migrate = path.join(root, 'backend/dist/scripts/migrate.js');
    const runners = [
      startProcess('migrate-1', migrate, [], env),
      startProcess('migrate-2', migrate, [], env),
    ];
    const codes = await Promise.all(runners.map((r) => r.exited));
    expect(codes, runners.flatMap((r) => r.output).join('\n')).toEqual([0, 0]);
    const records = await MigrationModel.find().sort({ _id: 1 }).lean();
    expect(records.map((r) => [r._id, r.status, r.attempts])).toEqual(
      migrations.map((m) => [m.id, 'applied', 1]),
    );

    const main = path.join(root, 'backend/dist/main.js');
    const ports = [await freePort(), await freePort()];
    for (const [i, port] of ports.entries()) {
      processes.push(
        startProcess(`api-${i + 1}`, main, ['api'], { ...env, PORT: String(port), HOST: '127.0.0.1' }),
      );
      apis.push(`http://127.0.0.1:${port}`);
    }
    const healthPorts = [await freePort(), await freePort()];
    for (const [i, port] of healthPorts.entries()) {
      const worker = startProcess(`worker-${i + 1}`, main, ['worker'], {
        ...env,
        HOST: '127.0.0.1',
        HEALTH_PORT: String(port),
      });
      processes.push(worker);
      workers.push(worker);
    }
    await Promise.all([
      ...ports.map((port, i) => waitForHealth(`http://127.0.0.1:${port}/api/health`, processes[i]!)),
      ...healthPorts.map((port, i) => waitForHealth(`http://127.0.0.1:${port}/api/health`, workers[i]!)),
    ]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => stopChild(p.child)));
    await world?.close();
  });

  it('stores every acknowledged operation once, keeps budgets and limits, sweeps each lot once and verifies clean', async () => {
    const db = mongoose.connection;
    const budgetRule = await publishRule(world.app, world.marketer, {
      name: 'Launch bonus',
      effects: [{ type: 'awardFixedPoints', points: BUDGET_AWARD }],
      budget: { totalPoints: BUDGET_POINTS },
    });
    const limitRule = await publishRule(world.app, world.marketer, {
      name: 'Two welcome bonuses',
      effects: [{ type: 'awardFixedPoints', points: 3 }],
      limits: [{ period: 'lifetime', maxTimes: LIMIT_TIMES }],
    });
    const reward = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({
        name: 'Free espresso',
        pointsCost: 20,
        kind: 'free_product',
        sku: 'ESPRESSO',
        stock: REWARD_STOCK,
      })
      .expect(201);
    const rewardId = reward.body.id as string;
    const members: string[] = [];
    for (let i = 0; i < MEMBERS; i += 1) {
      const member = await createMember(world);
      members.push(member.id);
      await world.app.request
        .post(`/api/v1/members/${member.id}/adjustments`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ points: 100, reason: 'Opening balance' })
        .expect(201);
    }

    const client = new RoundRobinClient([...apis]);
    const { storeId } = world;
    const sale = (externalId: string) => ({
      storeId,
      currency: 'EUR',
      totalMinor: 1200,
      externalId,
      items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: 1200 }],
    });
    const acked = {
      purchases: new Map<string, string>(),
      redemptions: new Set<string>(),
      refunds: new Set<string>(),
      checkouts: new Map<string, string>(),
    };
    const sentKeyed = { purchases: 0, redemptions: 0, refunds: 0, completes: 0 };
    const failures: string[] = [];
    let done = 0;

    const tasks: (() => Promise<void>)[] = [];
    for (const [m, memberId] of members.entries()) {
      for (let p = 0; p < PURCHASES_PER_MEMBER; p += 1) {
        const externalId = `mp-${m}-${p}`;
        tasks.push(async () => {
          sentKeyed.purchases += 1;
          const answer = await client.send('POST', '/api/v1/purchases', {
            auth: world.cashier.auth,
            key: randomUUID(),
            body: { memberId, ...sale(externalId) },
          });
          if (answer?.status === 201) acked.purchases.set(externalId, answer.body.id as string);
          else failures.push(`purchase ${externalId}: ${answer?.status} ${JSON.stringify(answer?.body)}`);
          // A partial refund of every member's first sale, once it is acknowledged.
          if (p === 0 && answer?.status === 201) {
            sentKeyed.refunds += 1;
            const refund = await client.send(
              'POST',
              `/api/v1/purchases/${answer.body.id as string}/refunds`,
              {
                auth: world.manager.auth,
                key: randomUUID(),
                body: { amountMinor: 500 },
              },
            );
            if (refund?.status === 201) acked.refunds.add(refund.body.id as string);
            else failures.push(`refund: ${refund?.status} ${JSON.stringify(refund?.body)}`);
          }
        });
      }
      for (let r = 0; r < REDEMPTIONS_PER_MEMBER; r += 1) {
        tasks.push(async () => {
          sentKeyed.redemptions += 1;
          const answer = await client.send('POST', '/api/v1/redemptions', {
            auth: world.cashier.auth,
            key: randomUUID(),
            body: { memberId, points: 10 },
          });
          if (answer?.status === 201) acked.redemptions.add(answer.body.id as string);
          else failures.push(`redemption: ${answer?.status} ${JSON.stringify(answer?.body)}`);
        });
      }
      tasks.push(async () => {
        // Open, apply and complete land on different processes (round-robin); a step that gets no answer
        // abandons the checkout, whose holds the expiry sweep releases later.
        const opened = await client.send('POST', '/api/v1/checkouts', {
          auth: world.cashier.auth,
          body: {
            storeId,
            currency: 'EUR',
            member: { memberId },
            items: [{ sku: 'ESPRESSO', name: 'Espresso', quantity: 1, unitPriceMinor: 240 }],
          },
        });
        if (opened?.status !== 201) return;
        const checkoutId = opened.body.id as string;
        const applied = await client.send('POST', `/api/v1/checkouts/${checkoutId}/applied`, {
          auth: world.cashier.auth,
          body: { type: 'reward', rewardId },
        });
        if (applied === null) return;
        sentKeyed.completes += 1;
        const completed = await client.send('POST', `/api/v1/checkouts/${checkoutId}/complete`, {
          auth: world.cashier.auth,
          key: randomUUID(),
          body: {},
        });
        if (completed?.status === 200 || completed?.status === 201)
          acked.checkouts.set(checkoutId, completed.body.purchaseId as string);
        else failures.push(`complete: ${completed?.status} ${JSON.stringify(completed?.body)}`);
      });
    }
    // Interleave the members' operations so that each process sees every kind at once.
    tasks.sort(() => Math.random() - 0.5);
    const killAt = Math.floor(tasks.length * 0.4);
    const counted = tasks.map((task) => async () => {
      await task();
      done += 1;
      if (done === killAt) {
        // Midway: one API and one worker die without a chance to clean up.
        processes[0]!.child.kill('SIGKILL');
        workers[0]!.child.kill('SIGKILL');
        client.remove(apis[0]!);
      }
    });
    const loadStarted = Date.now();
    await pool(counted, 10);
    const loadSeconds = (Date.now() - loadStarted) / 1000;
    await Promise.all([processes[0]!.exited, workers[0]!.exited]);

    // Every keyed operation was answered (retried on the other API when its process died), and none failed.
    expect(
      failures,
      `after ${loadSeconds} s:\n${processes.map((p) => `${p.name}: ${p.output.slice(-20).join('\n')}`).join('\n')}`,
    ).toEqual([]);
    expect(acked.purchases.size).toBe(sentKeyed.purchases);
    expect(acked.redemptions.size).toBe(sentKeyed.redemptions);
    expect(acked.refunds.size).toBe(sentKeyed.refunds);
    expect(acked.checkouts.size).toBe(sentKeyed.completes);
    expect(acked.checkouts.size).toBeGreaterThan(0);

    // …and is stored exactly once.
    const purchases = await db
      .collection<{
        _id: mongoose.Types.ObjectId;
        externalId: string | null;
        memberId: mongoose.Types.ObjectId;
      }>('purchases')
      .find({})
      .toArray();
    const byExternalId = new Map<string, string[]>();
    for (const purchase of purchases)
      if (purchase.externalId)
        byExternalId.set(purchase.externalId, [
          ...(byExternalId.get(purchase.externalId) ?? []),
          String(purchase._id),
        ]);
    for (const [externalId, id] of acked.purchases) expect(byExternalId.get(externalId)).toEqual([id]);
    const checkoutPurchases = new Set(acked.checkouts.values());
    expect(purchases.length).toBe(acked.purchases.size + checkoutPurchases.size);
    for (const id of checkoutPurchases) expect(purchases.some((p) => String(p._id) === id)).toBe(true);
    const pointRedemptions = await db
      .collection('redemptions')
      .countDocuments({ _id: { $in: [...acked.redemptions].map((id) => new mongoose.Types.ObjectId(id)) } });
    expect(pointRedemptions).toBe(acked.redemptions.size);
    expect(await db.collection('refunds').countDocuments()).toBe(acked.refunds.size);
    const earnEntries = await db
      .collection<{
        memberId: mongoose.Types.ObjectId;
        source: { id: string };
        rules: { ruleId: string; points: number }[];
      }>('ledger_entries')
      .find({ type: 'earn' })
      .toArray();
    // One earn entry per sale at most (a checkout paid with a reward may earn nothing), one per sale of
    // €12 exactly.
    const earnsPerSale = new Map<string, number>();
    for (const entry of earnEntries)
      earnsPerSale.set(entry.source.id, (earnsPerSale.get(entry.source.id) ?? 0) + 1);
    expect([...earnsPerSale.values()].filter((n) => n !== 1)).toEqual([]);
    for (const id of acked.purchases.values()) expect(earnsPerSale.get(id)).toBe(1);

    // The budget was contended (more sales than it could pay for) and never exceeded across processes:
    // what the sales got from it, less what refunds gave back to it (a refunded share of a sale returns
    // its share of the budget, which later sales may get), is at most its total.
    const budgetGiven = earnEntries
      .flatMap((e) => e.rules)
      .filter((r) => r.ruleId === budgetRule)
      .reduce((sum, r) => sum + r.points, 0);
    const refundEvents = await db
      .collection<{ payload: { ruleUsageReturned: { ruleId: string; budgetPoints: number }[] } }>('events')
      .find({ type: 'refund.recorded' })
      .toArray();
    expect(refundEvents.length).toBe(acked.refunds.size);
    const budgetReturned = refundEvents
      .flatMap((e) => e.payload.ruleUsageReturned)
      .filter((r) => r.ruleId === budgetRule)
      .reduce((sum, r) => sum + r.budgetPoints, 0);
    expect(purchases.length * BUDGET_AWARD).toBeGreaterThan(BUDGET_POINTS);
    expect(budgetGiven).toBeGreaterThan(0);
    expect(budgetGiven - budgetReturned).toBeLessThanOrEqual(BUDGET_POINTS);
    const budget = await db
      .collection<{ _id: string; spentPoints: number }>('rule_budgets')
      .findOne({ _id: budgetRule });
    // The counter (which also counts blocks leased by processes, and the block the killed one held)
    // covers every point given.
    expect(budget?.spentPoints ?? 0).toBeGreaterThanOrEqual(budgetGiven - budgetReturned);
    expect(budget?.spentPoints ?? 0).toBeLessThanOrEqual(BUDGET_POINTS);
    // The per-member limit held for every member, whichever process recorded each sale.
    for (const memberId of members) {
      const times = earnEntries.filter(
        (e) => String(e.memberId) === memberId && e.rules.some((r) => r.ruleId === limitRule),
      ).length;
      expect(times, `member ${memberId}`).toBe(LIMIT_TIMES);
    }
    // The reward's stock held across processes.
    const rewardRedemptions = await db.collection('redemptions').countDocuments({
      rewardId: new mongoose.Types.ObjectId(rewardId),
      status: { $in: ['held', 'completed'] },
    });
    expect(rewardRedemptions).toBeLessThanOrEqual(REWARD_STOCK);

    // Due dates: pending lots activate 14 days on, and everything expires 12 months on, each lot once,
    // while the surviving API sweeps after its advance and both workers (one restarted) sweep too.
    const survivor = apis[1]!;
    const lots = db.collection<{ _id: mongoose.Types.ObjectId; status: string; remaining: number }>(
      'point_lots',
    );
    const pendingLots = await lots.find({ status: 'pending', remaining: { $gt: 0 } }).toArray();
    expect(pendingLots.length).toBeGreaterThan(0);
    const replacement = startProcess('worker-3', path.join(root, 'backend/dist/main.js'), ['worker'], env);
    processes.push(replacement);
    const advance = async (by: string) => {
      // The workers are asked too, at once and again after they read the moved offset (once a second),
      // while the API's own sweeps after the advance may still run.
      const enqueue = () =>
        Promise.all(
          [activatePointsJob, expirePointsJob].map((job) =>
            world.app.runtime.platform.queues.enqueue(job, {}),
          ),
        );
      const sweeps = Promise.all([enqueue(), sleep(1200).then(enqueue)]);
      const answer = await client.send('POST', '/api/v1/sandbox/clock/advance', {
        auth: world.admin.auth,
        body: { by },
      });
      expect(answer?.status).toBe(200);
      await sweeps;
    };
    await advance('P15D');
    await expect
      .poll(() => lots.countDocuments({ status: 'pending' }), { timeout: 30_000, interval: 500 })
      .toBe(0);
    const activated = await db
      .collection('events')
      .aggregate<{ _id: string; n: number }>([
        { $match: { type: 'points.activated' } },
        { $group: { _id: '$payload.lotId', n: { $sum: 1 } } },
      ])
      .toArray();
    expect(activated.filter((e) => e.n !== 1)).toEqual([]);
    expect(activated.map((e) => e._id).sort()).toEqual(pendingLots.map((l) => String(l._id)).sort());

    await advance('P13M');
    await expect
      .poll(() => lots.countDocuments({ status: { $ne: 'expired' }, remaining: { $gt: 0 } }), {
        timeout: 30_000,
        interval: 500,
      })
      .toBe(0);
    const expired = await db
      .collection('ledger_entries')
      .aggregate<{ _id: string; n: number }>([
        { $match: { type: 'expire' } },
        { $unwind: '$lotChanges' },
        { $group: { _id: '$lotChanges.lotId', n: { $sum: 1 } } },
      ])
      .toArray();
    expect(expired.length).toBeGreaterThan(0);
    expect(expired.filter((e) => e.n !== 1)).toEqual([]);
    // No checkout was left holding anything: abandoned ones expired and gave their holds back.
    expect(await db.collection('checkouts').countDocuments({ status: 'open' })).toBe(0);
    expect(await db.collection('redemptions').countDocuments({ status: 'held' })).toBe(0);

    const verify = await client.send('GET', '/api/v1/admin/ledger/verify', { auth: world.admin.auth });
    expect(verify?.base).toBe(survivor);
    expect(verify?.body).toMatchObject({ ok: true, mismatches: [] });
    expect(replacement.child.exitCode).toBeNull();
  }, 240_000);
});
