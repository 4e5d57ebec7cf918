import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '@regulars/backend';
import { LedgerEntryModel } from '../../backend/src/modules/ledger/ledger-entry.model.js';
import { createLedgerWorld, createMember, expectLedgerClean, type LedgerWorld } from './ledger-helpers.js';

/**
 * The golden fixture: 192 purchases, 4 redemptions and 11 refunds over January–March 2026 in two stores,
 * every figure worked out by hand below. The program: Europe/Madrid, 1 point per €1 (floor), no pending
 * days, a point worth 1 cent, points expire after 12 months (none do by the report's "now").
 */
const clock = new ManualClock(Date.parse('2026-01-05T10:00:00Z'));
let world: LedgerWorld;
let storeA: string;
let storeB: string;
const members: string[] = [];

const at = (iso: string) => clock.set(Date.parse(iso));
const day = (n: number) => String(n).padStart(2, '0');

async function sellAt(store: string, memberId: string | undefined, totalMinor: number) {
  const response = await world.app.request
    .post('/api/v1/purchases')
    .set(world.cashier.auth)
    .set('Idempotency-Key', randomUUID())
    .send({
      ...(memberId ? { memberId } : {}),
      storeId: store,
      currency: 'EUR',
      totalMinor,
      items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: totalMinor }],
    });
  if (response.status !== 201)
    throw new Error(`purchase: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

async function refund(purchaseId: string, body: Record<string, unknown>) {
  await world.app.request
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', randomUUID())
    .send({ reason: 'Returned', ...body })
    .expect(201);
}

async function dispatchAll() {
  const { eventDispatcher } = world.app.runtime.services;
  for (let i = 0; i < 20; i += 1) {
    const { delivered, failed } = await eventDispatcher.dispatch();
    expect(failed).toBe(0);
    if (delivered === 0) return;
  }
}

const get = async (path: string) =>
  (await world.app.request.get(path).set(world.manager.auth).expect(200)).body;

beforeAll(async () => {
  world = await createLedgerWorld({ clock });
  storeA = world.storeId;
  const b = await world.app.request
    .post('/api/v1/stores')
    .set(world.admin.auth)
    .send({ name: 'Puerto', code: `P${randomUUID().slice(0, 6)}` })
    .expect(201);
  storeB = b.body.id as string;
  // 11 members join on 5 January; the 11th never buys.
  for (let i = 0; i < 11; i += 1) members.push((await createMember(world)).id as string);
  const januaryLots: string[][] = members.map(() => []);
  const februaryOf2: string[] = [];
  // January, store A: M1–M10 each buy €10 on 6–15 January (100 purchases).
  for (let k = 0; k < 10; k += 1) {
    at(`2026-01-${day(6 + k)}T10:00:00Z`);
    for (let i = 0; i < 10; i += 1) januaryLots[i]?.push(await sellAt(storeA, members[i], 1000));
  }
  // February, store B: M1–M5 each buy €20 on 2–11 February; M5's first is at 23:30 UTC on 31 January,
  // which is 00:30 on 1 February in Madrid (a February sale).
  for (let k = 0; k < 10; k += 1) {
    for (let i = 0; i < 5; i += 1) {
      at(i === 4 && k === 0 ? '2026-01-31T23:30:00Z' : `2026-02-${day(2 + k)}T10:00:00Z`);
      const id = await sellAt(storeB, members[i], 2000);
      if (i === 1) februaryOf2.push(id);
    }
  }
  // 20 February, store B: M1–M4 each pay 50 points (taken from their soonest-expiring lots: January's).
  at('2026-02-20T10:00:00Z');
  for (let i = 0; i < 4; i += 1) {
    await world.app.request
      .post('/api/v1/redemptions')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ memberId: members[i], points: 50, storeId: storeB })
      .expect(201);
  }
  // March: M1 and M2 buy €5 at store A on 2–11 March (20); 20 walk-ins buy €15 at store B on 2–21 March.
  for (let k = 0; k < 10; k += 1) {
    at(`2026-03-${day(2 + k)}T10:00:00Z`);
    await sellAt(storeA, members[0], 500);
    await sellAt(storeA, members[1], 500);
  }
  for (let k = 0; k < 20; k += 1) {
    at(`2026-03-${day(2 + k)}T12:00:00Z`);
    await sellAt(storeB, undefined, 1500);
  }
  // 20 and 21 March, store A: M3 buys two coffees (€10) and a €25 gift certificate at the till, twice.
  const certificateSales: string[] = [];
  for (const date of ['2026-03-20', '2026-03-21']) {
    at(`${date}T10:00:00Z`);
    const opened = await world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({
        storeId: storeA,
        currency: 'EUR',
        member: { memberId: members[2] },
        items: [
          { sku: 'COFFEE', name: 'Coffee', quantity: 2, unitPriceMinor: 500 },
          {
            sku: 'GIFT-CARD',
            name: 'Gift certificate',
            kind: 'giftCertificate',
            quantity: 1,
            unitPriceMinor: 2500,
          },
        ],
      })
      .expect(201);
    const done = await world.app.request
      .post(`/api/v1/checkouts/${opened.body.id as string}/complete`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(200);
    certificateSales.push(done.body.purchaseId as string);
  }
  // 25 March: M1's first four January sales refunded in full (4 × €10, store A); €5 of each of M2's
  // first six February sales (6 × €5, store B: 5 points each back); the coffees of M3's first
  // certificate sale (€10, store A; the certificate stays sold).
  at('2026-03-25T10:00:00Z');
  for (const id of januaryLots[0]?.slice(0, 4) ?? []) await refund(id, { amountMinor: 1000 });
  for (const id of februaryOf2.slice(0, 6)) await refund(id, { amountMinor: 500 });
  await refund(certificateSales[0] ?? '', { items: [{ sku: 'COFFEE', quantity: 2 }] });
  at('2026-04-15T10:00:00Z');
  await dispatchAll();
}, 300_000);
afterAll(() => world.close());

const Q1 = 'from=2026-01-01&to=2026-03-31';

describe('GET /api/v1/reports/kpis on the golden fixture', () => {
  it('returns the hand-computed totals, previous period and monthly series for every store', async () => {
    const kpis = await get(`/api/v1/reports/kpis?${Q1}&granularity=month`);
    expect(kpis).toMatchObject({ timeZone: 'Europe/Madrid', currency: 'EUR', storeId: null });
    expect(kpis.totals).toEqual({
      // 100 × 1,000 (Jan) + 50 × 2,000 (Feb) + 20 × 500 + 20 × 1,500 + 2 × 1,000 coffees (Mar);
      // the 2 × 2,500 certificates sold are not sales.
      salesMinor: 242_000,
      // 4 × 1,000 + 6 × 500 + 1,000
      refundsMinor: 8_000,
      netRevenueMinor: 234_000,
      // 100 + 50 + 20 + 20 + 2
      orders: 192,
      memberOrders: 172,
      refunds: 11,
      // 242,000 ÷ 192 = 1,260.42
      averageOrderMinor: 1260,
      giftCertificatesSoldMinor: 5_000,
      newMembers: 11,
      // 100 × 10 + 50 × 20 + 20 × 5 + 2 × 10
      pointsIssued: 2_120,
      pointsRedeemed: 200,
      pointsExpired: 0,
      // 4 × 10 + 6 × 5 + 10
      pointsReversed: 80,
      pointsAdjusted: 0,
      // 200 ÷ 2,120 = 9.43%
      redemptionRateBp: 943,
    });
    // The 90 days before 1 January: nothing.
    expect(kpis.previous).toMatchObject({
      from: '2025-10-03',
      to: '2025-12-31',
      salesMinor: 0,
      orders: 0,
      averageOrderMinor: null,
      redemptionRateBp: null,
    });
    const series = kpis.series as Array<Record<string, unknown>>;
    expect(series.map((p) => p.period)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    // January: M5's sale at 23:30 UTC on 31 January is February's in Madrid.
    expect(series[0]).toMatchObject({ salesMinor: 100_000, orders: 100, newMembers: 11, pointsIssued: 1000 });
    expect(series[1]).toMatchObject({
      salesMinor: 100_000,
      orders: 50,
      averageOrderMinor: 2000,
      pointsIssued: 1000,
      pointsRedeemed: 200,
      redemptionRateBp: 2000,
    });
    // March: 10,000 + 30,000 + 2,000 sold, 42 orders (22 by members), all 11 refunds.
    expect(series[2]).toMatchObject({
      salesMinor: 42_000,
      orders: 42,
      memberOrders: 22,
      refunds: 11,
      refundsMinor: 8_000,
      netRevenueMinor: 34_000,
      averageOrderMinor: 1000,
      giftCertificatesSoldMinor: 5_000,
      pointsIssued: 120,
      pointsReversed: 80,
      redemptionRateBp: 0,
    });
  });

  it("returns store A's own flows (new members stay program-wide)", async () => {
    const kpis = await get(`/api/v1/reports/kpis?${Q1}&storeId=${storeA}`);
    expect(kpis.totals).toMatchObject({
      // 100,000 + 10,000 + 2,000
      salesMinor: 112_000,
      // M1's 4,000 + M3's coffees 1,000
      refundsMinor: 5_000,
      netRevenueMinor: 107_000,
      orders: 122,
      memberOrders: 122,
      refunds: 5,
      // 112,000 ÷ 122 = 918.03
      averageOrderMinor: 918,
      giftCertificatesSoldMinor: 5_000,
      newMembers: 11,
      // 1,000 + 100 + 20
      pointsIssued: 1_120,
      pointsRedeemed: 0,
      pointsReversed: 50,
      redemptionRateBp: 0,
    });
    expect(kpis.series).toHaveLength(90);
  });

  it('returns the member base as of 15 April: repeat rate, active share against the 30% line', async () => {
    const kpis = await get(`/api/v1/reports/kpis?${Q1}`);
    expect(kpis.memberBase).toEqual({
      members: 11,
      // M1–M10 bought (M1 keeps six January sales), each at least twice.
      buyers: 10,
      repeatBuyers: 10,
      repeatPurchaseRateBp: 10_000,
      // A purchase on or after 16 January: M1, M2, M3 (March), M4, M5 (February).
      activeMembers: 5,
      // 5 ÷ 11 = 45.45%
      activeShareBp: 4545,
      activeShareTargetBp: 3000,
      isActiveShareHealthy: true,
    });
  });
});

describe('GET /api/v1/reports/cohorts, liability and redemption on the golden fixture', () => {
  it('returns the January cohort retained 10, 5, 3, 0 and its lifetime value', async () => {
    const cohorts = await get(`/api/v1/reports/cohorts?${Q1}`);
    expect(cohorts.rows).toEqual([
      {
        cohort: '2026-01',
        members: 10,
        // Jan: all ten; Feb: M1–M5; Mar: M1, M2, M3; Apr (this month): none yet.
        retained: [10, 5, 3, 0],
        // Members' goods: 100,000 + 100,000 + 10,000 + 2,000 − refunds 8,000
        netRevenueMinor: 204_000,
        // 200 points × 1 cent
        rewardCostMinor: 200,
        // (204,000 − 200) ÷ 10
        lifetimeValueMinor: 20_380,
      },
    ]);
  });

  it('returns the liability, reconciled to the ledger, with its ageing by month of issue', async () => {
    await expectLedgerClean(world);
    const liability = await get('/api/v1/reports/liability');
    const [ledger] = await LedgerEntryModel.aggregate<{ points: number }>([
      { $group: { _id: null, points: { $sum: '$points' } } },
    ]);
    // 2,120 issued − 200 redeemed − 80 reversed
    expect(ledger?.points).toBe(1840);
    expect(liability).toMatchObject({
      currency: 'EUR',
      pointValueMinor: 1,
      outstandingPoints: 1840,
      activePoints: 1840,
      pendingPoints: 0,
      debtPoints: 0,
      valueMinor: 1840,
      // January's lots (1 January is 104 days before 15 April): 1,000 − 200 redeemed − M1's 40 reversed;
      // February's (73 days): 1,000 − 30; March's (45 days): 120 − 10.
      ageing: [
        { bucket: '0-90', points: 1080, valueMinor: 1080 },
        { bucket: '91-180', points: 760, valueMinor: 760 },
        { bucket: '181-365', points: 0, valueMinor: 0 },
        { bucket: '366+', points: 0, valueMinor: 0 },
      ],
      // Nothing expired yet: 0 ÷ (280 spent + 0)
      breakageRateBp: 0,
      expectedBreakagePoints: 0,
      expectedBreakageMinor: 0,
    });
  });

  it('returns the redemption rate per month and by month of issue', async () => {
    const redemption = await get(`/api/v1/reports/redemption?${Q1}&granularity=month`);
    expect(redemption.periods).toEqual([
      { period: '2026-01-01', pointsIssued: 1000, pointsRedeemed: 0, redemptionRateBp: 0 },
      { period: '2026-02-01', pointsIssued: 1000, pointsRedeemed: 200, redemptionRateBp: 2000 },
      { period: '2026-03-01', pointsIssued: 120, pointsRedeemed: 0, redemptionRateBp: 0 },
    ]);
    expect(redemption.byIssueMonth).toEqual([
      // 200 redeemed + 40 reversed of January's 1,000
      { month: '2026-01', issued: 1000, spent: 240, expired: 0, outstanding: 760, spentRateBp: 2400 },
      { month: '2026-02', issued: 1000, spent: 30, expired: 0, outstanding: 970, spentRateBp: 300 },
      // 10 ÷ 120 = 8.33%
      { month: '2026-03', issued: 120, spent: 10, expired: 0, outstanding: 110, spentRateBp: 833 },
    ]);
  });

  it('exports each report as CSV', async () => {
    const csv = await world.app.request
      .get(`/api/v1/reports/kpis.csv?${Q1}&granularity=month`)
      .set(world.manager.auth)
      .expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toMatch(/^period,salesMinor,refundsMinor,netRevenueMinor,orders,/);
    expect(lines[1]).toMatch(/^2026-01-01,100000,0,100000,100,100,0,1000,0,11,1000,0,0,0,0,0$/);
    expect(lines[4]).toMatch(/^total,242000,8000,234000,192,172,11,1260,5000,11,2120,200,0,80,0,943$/);
    const cohorts = await world.app.request
      .get(`/api/v1/reports/cohorts.csv?${Q1}`)
      .set(world.manager.auth)
      .expect(200);
    expect(cohorts.text).toBe(
      'cohort,members,netRevenueMinor,rewardCostMinor,lifetimeValueMinor,month0,month1,month2,month3\n2026-01,10,204000,200,20380,10,5,3,0\n',
    );
    const liability = await world.app.request
      .get('/api/v1/reports/liability.csv')
      .set(world.manager.auth)
      .expect(200);
    expect(liability.text.split('\n')[1]).toBe('outstanding,1840,1840');
    const redemption = await world.app.request
      .get(`/api/v1/reports/redemption.csv?${Q1}&granularity=month`)
      .set(world.manager.auth)
      .expect(200);
    expect(redemption.text).toContain('issue month,2026-03,120,10,833,0,110');
  });
});

describe('report ranges and access', () => {
  it('refuses a range ending before it starts with 400 REPORT_RANGE_INVALID', async () => {
    const r = await world.app.request
      .get('/api/v1/reports/kpis?from=2026-03-01&to=2026-02-28')
      .set(world.manager.auth);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('REPORT_RANGE_INVALID');
  });

  it('refuses a range over 5 years with 400 REPORT_RANGE_TOO_LONG', async () => {
    // 2020-01-01 to 2025-01-04: 1,831 days.
    const r = await world.app.request
      .get('/api/v1/reports/cohorts?from=2020-01-01&to=2025-01-04')
      .set(world.manager.auth);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'REPORT_RANGE_TOO_LONG', details: { limit: 1830 } });
    // 2020-01-01 to 2025-01-03: 366 + 365 × 3 + 366 + 3 = 1,830 days.
    const ok = await world.app.request
      .get('/api/v1/reports/cohorts?from=2020-01-01&to=2025-01-03')
      .set(world.manager.auth);
    expect(ok.status).toBe(200);
  });

  it('refuses a day that is not a calendar day with 400 VALIDATION_FAILED', async () => {
    const r = await world.app.request
      .get('/api/v1/reports/kpis?from=2026-02-30&to=2026-03-01')
      .set(world.manager.auth);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 403 to cashiers and marketers', async () => {
    for (const who of [world.cashier, world.marketer]) {
      const r = await world.app.request.get(`/api/v1/reports/kpis?${Q1}`).set(who.auth);
      expect(r.status).toBe(403);
    }
  });
});

describe('GET /api/v1/reports/exports/*.csv', () => {
  const csv = async (path: string, who = world.admin) => {
    const response = await world.app.request.get(path).set(who.auth).expect(200);
    expect(response.headers['content-type']).toContain('text/csv');
    return response.text.trim().split('\n');
  };

  it('streams every member, purchase and ledger entry', async () => {
    const members = await csv('/api/v1/reports/exports/members.csv');
    expect(members[0]).toBe(
      'id,cardNumber,name,phone,email,birthDate,joinedAt,isBlocked,tags,pointsAvailable,pointsPending,consentEmail,consentSms,consentPush',
    );
    expect(members).toHaveLength(1 + 11);
    const purchases = await csv('/api/v1/reports/exports/purchases.csv', world.manager);
    expect(purchases).toHaveLength(1 + 192);
    // M3's certificate sales: €35 paid, €10 of goods, €25 of stored value; the first had its coffees refunded.
    const certificateRows = purchases.filter((row) => row.includes(',3500,1000,2500,'));
    expect(certificateRows).toHaveLength(2);
    expect(certificateRows.map((row) => row.split(',')[10]).sort()).toEqual(['0', '1000']);
    const atA = await csv(`/api/v1/reports/exports/purchases.csv?storeId=${storeA}`, world.manager);
    expect(atA).toHaveLength(1 + 122);
    const entries = await csv('/api/v1/reports/exports/ledger-entries.csv');
    expect(entries).toHaveLength(1 + (await LedgerEntryModel.countDocuments()));
    // The sum of the exported points is the ledger's: 1,840.
    expect(entries.slice(1).reduce((sum, row) => sum + Number(row.split(',')[4]), 0)).toBe(1840);
  });

  it('keeps members and ledger entries to admins', async () => {
    for (const path of [
      '/api/v1/reports/exports/members.csv',
      '/api/v1/reports/exports/ledger-entries.csv',
    ]) {
      const r = await world.app.request.get(path).set(world.manager.auth);
      expect(r.status).toBe(403);
    }
  });
});
