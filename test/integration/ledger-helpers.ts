import { createHmac, randomUUID } from 'node:crypto';
import type { Clock } from '@regulars/backend';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { makePhone, signInStaff } from '../support/callers.js';

type Staff = Awaited<ReturnType<typeof signInStaff>>;

/** An app with a store, staff of every role and (by default) the published base rule: 1 point per €1. */
export type LedgerWorld = {
  app: TestApp;
  admin: Staff;
  manager: Staff;
  marketer: Staff;
  cashier: Staff;
  storeId: string;
  close(): Promise<void>;
};

export async function createLedgerWorld(
  options: {
    clock?: Clock;
    program?: Record<string, unknown>;
    baseRule?: boolean;
    env?: Record<string, string>;
  } = {},
): Promise<LedgerWorld> {
  const app = await createTestApp({
    ...(options.clock ? { clock: options.clock } : {}),
    env: {
      RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...options.env,
    },
  });
  const [admin, manager, marketer, cashier] = await Promise.all([
    signInStaff(app, 'admin'),
    signInStaff(app, 'manager'),
    signInStaff(app, 'marketer'),
    signInStaff(app, 'cashier'),
  ]);
  if (options.program) {
    await app.request.patch('/api/v1/program').set(admin.auth).send(options.program).expect(200);
  }
  const store = await app.request
    .post('/api/v1/stores')
    .set(admin.auth)
    .send({ name: 'Centro', code: `C${randomUUID().slice(0, 6)}` })
    .expect(201);
  if (options.baseRule !== false) {
    await publishRule(app, marketer, {
      name: '1 point per €1',
      isBaseEarn: true,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'floor' }],
    });
  }
  return {
    app,
    admin,
    manager,
    marketer,
    cashier,
    storeId: store.body.id as string,
    close: () => app.close(),
  };
}

/** Creates and publishes a rule through the rules API; returns its id. */
export async function publishRule(app: TestApp, marketer: Staff, definition: Record<string, unknown>) {
  const created = await app.request.post('/api/v1/rules').set(marketer.auth).send({ definition });
  if (created.status !== 201) throw new Error(`rule create failed: ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  const published = await app.request.post(`/api/v1/rules/${id}/publish`).set(marketer.auth);
  if (published.status !== 200) throw new Error(`rule publish failed: ${JSON.stringify(published.body)}`);
  return id;
}

/** Registers a member through POST /members (cashier). */
export async function createMember(world: LedgerWorld, overrides: Record<string, unknown> = {}) {
  const response = await world.app.request
    .post('/api/v1/members')
    .set(world.cashier.auth)
    .send({ name: 'Ana García', phone: makePhone(), ...overrides });
  if (response.status !== 201) throw new Error(`member create failed: ${JSON.stringify(response.body)}`);
  return response.body as { id: string; cardNumber: string; phone: string; name: string };
}

/** A one-line purchase body worth `totalMinor`. */
export function purchaseBody(
  world: LedgerWorld,
  memberId: string | undefined,
  totalMinor: number,
  extra: Record<string, unknown> = {},
) {
  return {
    ...(memberId ? { memberId } : {}),
    storeId: world.storeId,
    currency: 'EUR',
    totalMinor,
    items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: totalMinor }],
    ...extra,
  };
}

/** Records a purchase (cashier, fresh Idempotency-Key) and expects 201. */
export async function buy(
  world: LedgerWorld,
  memberId: string | undefined,
  totalMinor: number,
  extra: Record<string, unknown> = {},
) {
  const response = await world.app.request
    .post('/api/v1/purchases')
    .set(world.cashier.auth)
    .set('Idempotency-Key', randomUUID())
    .send(purchaseBody(world, memberId, totalMinor, extra));
  if (response.status !== 201)
    throw new Error(`purchase failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as {
    id: string;
    pointsEarned: number;
    status: string;
    availableAt: string;
    breakdown: { ruleId: string; ruleVersion: number; ruleName: string; points: number }[];
    balance: { available: number; pending: number };
  };
}

export async function memberDetail(world: LedgerWorld, memberId: string) {
  const response = await world.app.request
    .get(`/api/v1/members/${memberId}`)
    .set(world.cashier.auth)
    .expect(200);
  return response.body as {
    balance: {
      available: number;
      pending: number;
      pendingLots: { points: number; availableAt: string }[];
      expiringSoon: { points: number; expiresAt: string }[];
    };
    stats: {
      purchaseCount: number;
      totalSpentMinor: number;
      averageOrderMinor: number;
      firstPurchaseAt: string | null;
      lastPurchaseAt: string | null;
    };
  };
}

export async function expectLedgerClean(world: LedgerWorld) {
  const response = await world.app.request
    .get('/api/v1/admin/ledger/verify')
    .set(world.admin.auth)
    .expect(200);
  if (!response.body.ok)
    throw new Error(`ledger:verify found mismatches: ${JSON.stringify(response.body.mismatches, null, 2)}`);
  return response.body as { ok: boolean; checked: number };
}

/** An independent RFC 6238 implementation (what the card PWA does), to check the server against. */
export function cardCode(cardNumber: string, secretBase32: string, at: number = Date.now()): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of secretBase32.replace(/=+$/, ''))
    bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const key = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30_000)));
  const digest = createHmac('sha1', key).update(counter).digest();
  const offset = (digest.at(-1) ?? 0) & 0xf;
  const code = (digest.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return `RGL1:${cardNumber}:${String(code).padStart(6, '0')}`;
}
