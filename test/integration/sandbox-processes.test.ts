// The sandbox clock across real processes: two API processes and a worker, started from the sources
// the way `pnpm start` starts the built ones, on the run's MongoDB and Redis.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { freePort, stopChild } from '@regulars/backend';
import { activatePointsJob } from '../../backend/src/modules/ledger/activate-points.job.js';
import { createMember, createLedgerWorld, type LedgerWorld } from './ledger-helpers.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'backend/src/main.ts');
const DAY = 24 * 3600_000;

type Started = { child: ChildProcess; output: string[]; exited: Promise<number | null> };

function startProcess(role: 'api' | 'worker', env: Record<string, string>): Started {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main, role], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    readline.createInterface({ input: stream! }).on('line', (line) => output.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitForHealth(url: string, started: Started): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (started.child.exitCode !== null) throw new Error(`process exited:\n${started.output.join('\n')}`);
    const status = await fetch(url)
      .then((response) => response.status)
      .catch(() => 0);
    if (status === 200) return;
    if (Date.now() > deadline)
      throw new Error(`${url} did not become healthy:\n${started.output.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('the sandbox clock shared by processes', () => {
  let world: LedgerWorld;
  const processes: Started[] = [];
  const apis: string[] = [];
  const jwtSecret = randomBytes(32).toString('hex');

  beforeAll(async () => {
    world = await createLedgerWorld({
      env: { SANDBOX_CLOCK: 'true', JWT_SECRET: jwtSecret },
      program: { pendingDays: 14, expiryMonths: 12 },
    });
    const { config } = world.app.runtime.platform;
    const env = {
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
    };
    const ports = [await freePort(), await freePort()];
    for (const port of ports) {
      const api = startProcess('api', { ...env, PORT: String(port), HOST: '127.0.0.1' });
      processes.push(api);
      apis.push(`http://127.0.0.1:${port}`);
    }
    processes.push(startProcess('worker', env));
    await Promise.all(
      ports.map((port, i) => waitForHealth(`http://127.0.0.1:${port}/api/health`, processes[i]!)),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => stopChild(p.child)));
    await world?.close();
  });

  const clockAt = async (base: string) =>
    (await (await fetch(`${base}/api/v1/sandbox/clock`)).json()) as { now: string; offsetSeconds: number };

  it('gives two API processes and a worker the same time after an advance', async () => {
    const [api1, api2] = apis as [string, string];
    expect((await clockAt(api1)).offsetSeconds).toBe(0);
    expect((await clockAt(api2)).offsetSeconds).toBe(0);

    const advanced = await fetch(`${api1}/api/v1/sandbox/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...world.admin.auth },
      body: JSON.stringify({ by: 'P30D' }),
    });
    expect(advanced.status).toBe(200);
    const answer = (await advanced.json()) as { offsetSeconds: number; now: string };
    expect(answer.offsetSeconds).toBe(30 * 86_400);

    // The other API process reads the shared offset within about a second.
    await expect.poll(async () => (await clockAt(api2)).offsetSeconds, { timeout: 15_000 }).toBe(30 * 86_400);
    const [one, two] = await Promise.all([clockAt(api1), clockAt(api2)]);
    expect(Math.abs(Date.parse(one.now) - Date.parse(two.now))).toBeLessThan(60_000);
    expect(Date.parse(two.now) - Date.now()).toBeGreaterThan(30 * DAY - 60_000);

    // The second API process dates a sale on the shared clock: 20 days "ago" in real time is 10 days
    // before the sandbox's now, so with 14 pending days its points are still pending… and a sale dated
    // 20 days before the sandbox's now is active at once.
    const member = await createMember(world);
    const sale = (occurredAt: Date) =>
      fetch(`${api2}/api/v1/purchases`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': randomBytes(8).toString('hex'),
          ...world.cashier.auth,
        },
        body: JSON.stringify({
          memberId: member.id,
          storeId: world.storeId,
          currency: 'EUR',
          totalMinor: 1000,
          occurredAt: occurredAt.toISOString(),
          items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: 1000 }],
        }),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as { status: string },
      }));
    const sandboxNow = Date.parse(two.now);
    expect(await sale(new Date(sandboxNow - 20 * DAY))).toMatchObject({
      status: 201,
      body: { status: 'active' },
    });
    expect(await sale(new Date(sandboxNow - 10 * DAY))).toMatchObject({
      status: 201,
      body: { status: 'pending' },
    });

    // The worker sweeps on the shared clock: a lot due in 10 real days is due now, one due 10 days
    // after the sandbox's now is not.
    const lots = mongoose.connection.collection('point_lots');
    const lot = (availableAt: number) => ({
      _id: new mongoose.Types.ObjectId(),
      memberId: new mongoose.Types.ObjectId(member.id),
      points: 5,
      remaining: 5,
      status: 'pending',
      source: { type: 'adjustment', id: 'sandbox-processes' },
      earnedAt: new Date(),
      availableAt: new Date(availableAt),
      expiresAt: null,
      expiredPoints: 0,
    });
    const due = lot(Date.now() + 10 * DAY);
    const notDue = lot(sandboxNow + 10 * DAY);
    await lots.insertMany([due, notDue]);
    await mongoose.connection
      .collection('members')
      .updateOne({ _id: new mongoose.Types.ObjectId(member.id) }, { $inc: { 'points.pending': 10 } });
    // The sweep is asked again while polling: a worker that took the first job before its once-a-second
    // offset read caught up sweeps at its old time (the lot is not due there yet) and answers nothing.
    await expect
      .poll(
        async () => {
          await world.app.runtime.platform.queues.enqueue(activatePointsJob, {});
          return (await lots.findOne({ _id: due._id }))?.status;
        },
        { timeout: 30_000, interval: 1_000 },
      )
      .toBe('active');
    expect((await lots.findOne({ _id: notDue._id }))?.status).toBe('pending');
  }, 120_000);

  it('refuses to boot an API process with NODE_ENV=production and SANDBOX_CLOCK=true, naming the flag', async () => {
    const started = startProcess('api', {
      NODE_ENV: 'production',
      SANDBOX_CLOCK: 'true',
      JWT_SECRET: jwtSecret,
      MONGODB_URI: 'mongodb://127.0.0.1:1',
      REDIS_URL: 'redis://127.0.0.1:1',
      PORT: String(await freePort()),
    });
    expect(await started.exited).toBe(1);
    expect(started.output.join('\n')).toMatch(/SANDBOX_CLOCK: must not be true in production/);
  }, 60_000);
});
