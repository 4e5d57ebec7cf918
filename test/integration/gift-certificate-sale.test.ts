import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  memberDetail,
  type LedgerWorld,
} from './ledger-helpers.js';

// Issue #14, item 5: a gift certificate sold at the till as a checkout line.
const clock = new ManualClock(Date.parse('2026-04-06T10:00:00Z'));
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld({
    clock,
    program: { pendingDays: 0, giftCertificateReloadCapMinor: 30_000 },
  });
}, 120_000);
afterAll(() => world.close());

const CARD = (quantity: number, unitPriceMinor = 2500) => ({
  sku: 'GIFT-CARD',
  name: 'Gift certificate',
  kind: 'giftCertificate',
  quantity,
  unitPriceMinor,
});
const COFFEE = { sku: 'COFFEE', name: 'Coffee', quantity: 2, unitPriceMinor: 500 };

type Sold = {
  id: string;
  last4: string;
  valueMinor: number;
  codeShown: boolean;
  code: string | null;
  displayCode: string | null;
  qrPayload: string | null;
  print: { method: string; path: string; body: { codes: string[]; layout: string } } | null;
};
type Receipt = {
  purchaseId: string;
  pointsEarned: number;
  totals: { toPayMinor: number; paidWithGiftCertificatesMinor: number; paidWithPointsMinor: number };
  lines: Array<{ kind: string; label: string; amountMinor: number }>;
  giftCertificates: Sold[];
};

const request = () => world.app.request;
async function open(items: unknown[], memberId?: string) {
  const response = await request()
    .post('/api/v1/checkouts')
    .set(world.cashier.auth)
    .send({ storeId: world.storeId, currency: 'EUR', items, ...(memberId ? { member: { memberId } } : {}) });
  return response;
}
const apply = (id: string, body: Record<string, unknown>) =>
  request().post(`/api/v1/checkouts/${id}/applied`).set(world.cashier.auth).send(body);
const complete = (id: string, key = randomUUID()) =>
  request()
    .post(`/api/v1/checkouts/${id}/complete`)
    .set(world.cashier.auth)
    .set('Idempotency-Key', key)
    .send({});
const certificate = async (id: string) =>
  (await request().get(`/api/v1/gift-certificates/${id}`).set(world.cashier.auth).expect(200)).body as {
    balanceMinor: number;
    availableMinor: number;
    status: string;
    channel: string;
    purchaseId: string | null;
    issuedBy: { kind: string; id: string | null };
    entries: Array<{ type: string; amountMinor: number; reason: string; purchaseId: string | null }>;
  };
type Liability = { outstandingMinor: number; issuedMinor: number; voidedMinor: number };
const liability = async (): Promise<Liability> =>
  ((await request().get('/api/v1/reports/gift-certificates/liability').set(world.manager.auth).expect(200))
    .body.currencies[0] as Liability | undefined) ?? { outstandingMinor: 0, issuedMinor: 0, voidedMinor: 0 };
const refund = (purchaseId: string, body: Record<string, unknown>, key = randomUUID()) =>
  request()
    .post(`/api/v1/purchases/${purchaseId}/refunds`)
    .set(world.manager.auth)
    .set('Idempotency-Key', key)
    .send({ reason: 'Returned', ...body });

async function sell(items: unknown[], memberId?: string): Promise<Receipt> {
  const opened = await open(items, memberId);
  expect(opened.status).toBe(201);
  const done = await complete(opened.body.id as string);
  expect(done.status).toBe(200);
  return done.body as Receipt;
}

describe('selling a gift certificate at the till', () => {
  it('sells N certificates to a walk-in: each worth its value, its code shown once, linked to the sale', async () => {
    const before = await liability();
    const opened = await open([CARD(2)]);
    expect(opened.status).toBe(201);
    expect(opened.body.lines[0]).toMatchObject({
      kind: 'giftCertificate',
      discountMinor: 0,
      toPayMinor: 5000,
    });
    expect(opened.body.totals).toMatchObject({ subtotalMinor: 5000, toPayMinor: 5000 });
    const receipt = (await complete(opened.body.id as string).expect(200)).body as Receipt;
    expect(receipt.lines[0]).toMatchObject({ kind: 'gift_certificate_sale', amountMinor: 5000 });
    expect(receipt.giftCertificates).toHaveLength(2);
    for (const sold of receipt.giftCertificates) {
      expect(sold).toMatchObject({ valueMinor: 2500, codeShown: true });
      expect(sold.code).toHaveLength(14);
      expect(sold.last4).toBe(sold.code?.slice(-4));
      expect(sold.displayCode?.replace(/-/g, '')).toBe(sold.code);
      expect(sold.print).toEqual({
        method: 'POST',
        path: '/api/v1/gift-certificates/print',
        body: { codes: [sold.code], layout: 'single' },
      });
      const detail = await certificate(sold.id);
      expect(detail).toMatchObject({
        balanceMinor: 2500,
        availableMinor: 2500,
        status: 'active',
        channel: 'sale',
        purchaseId: receipt.purchaseId,
        issuedBy: { kind: 'staff', id: world.cashier.id },
      });
      expect(detail.entries).toEqual([
        expect.objectContaining({ type: 'issue', amountMinor: 2500, reason: 'Sold at the till' }),
      ]);
    }
    // The code is stored nowhere in clear: not on the checkout, the purchase, the certificate nor the key.
    const codes = receipt.giftCertificates.map((c) => c.code ?? '');
    for (const collection of ['checkouts', 'purchases', 'gift_certificates', 'idempotency_keys', 'events']) {
      const docs = JSON.stringify(await mongoose.connection.collection(collection).find({}).toArray());
      for (const code of codes) expect(docs).not.toContain(code);
    }
    const stored = await request()
      .get(`/api/v1/checkouts/${opened.body.id as string}`)
      .set(world.cashier.auth);
    expect(stored.body.receipt.giftCertificates[0]).toMatchObject({
      codeShown: false,
      code: null,
      print: null,
    });
    const printed = await request()
      .post('/api/v1/gift-certificates/print')
      .set(world.manager.auth)
      .send({ codes: [codes[0]], layout: 'single' });
    expect(printed.status).toBe(200);
    expect(printed.headers['content-type']).toContain('application/pdf');
    const after = await liability();
    expect(after.issuedMinor - before.issuedMinor).toBe(5000);
    expect(after.outstandingMinor - before.outstandingMinor).toBe(5000);
    await expectLedgerClean(world);
  });

  it('refuses a zero certificate, one above the cap and a currency that is not the program’s', async () => {
    const zero = await open([CARD(1, 0)]);
    expect(zero.status).toBe(400);
    const over = await open([COFFEE, CARD(1, 30_001)]);
    expect(over.status).toBe(422);
    expect(over.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_VALUE_CAP',
      details: { capMinor: 30_000, valueMinor: 30_001, index: 1 },
    });
    const ok = await open([COFFEE]);
    const replaced = await request()
      .put(`/api/v1/checkouts/${ok.body.id as string}/items`)
      .set(world.cashier.auth)
      .send({ items: [CARD(1, 40_000)] });
    expect(replaced.body.error.code).toBe('GIFT_CERTIFICATE_VALUE_CAP');
  });

  it('earns no points on the certificate, and the earn preview says what completion earns', async () => {
    const member = await createMember(world);
    const opened = await open([COFFEE, CARD(1)], member.id);
    // 1 point per €1 on the €10 of coffee only, not on the €25 certificate.
    expect(opened.body.earnPreview.points).toBe(10);
    const receipt = (await complete(opened.body.id as string).expect(200)).body as Receipt;
    expect(receipt.pointsEarned).toBe(10);
    expect((await memberDetail(world, member.id)).stats.totalSpentMinor).toBe(1000);
    // A certificate alone is no purchase of goods: nothing earned, nothing counted.
    const alone = await open([CARD(1)], member.id);
    expect(alone.body.earnPreview.points).toBe(0);
    const aloneReceipt = (await complete(alone.body.id as string).expect(200)).body as Receipt;
    expect(aloneReceipt.pointsEarned).toBe(0);
    expect((await memberDetail(world, member.id)).stats).toMatchObject({
      purchaseCount: 1,
      totalSpentMinor: 1000,
    });
  });

  it('lets a certificate tender pay the goods only, and refuses one that would pay a certificate', async () => {
    const [paying] = (await sell([CARD(1, 5000)])).giftCertificates;
    const mixed = await open([COFFEE, CARD(1)]);
    const id = mixed.body.id as string;
    const tendered = await apply(id, { type: 'giftCertificate', code: paying!.code }).expect(201);
    expect(tendered.body.applied[0]).toMatchObject({ amountMinor: 1000 });
    expect(tendered.body.totals).toMatchObject({ paidWithGiftCertificatesMinor: 1000, toPayMinor: 2500 });
    expect(tendered.body.lines[1]).toMatchObject({ paidWithGiftCertificatesMinor: 0, toPayMinor: 2500 });
    const receipt = (await complete(id).expect(200)).body as Receipt;
    expect(receipt.totals).toMatchObject({ paidWithGiftCertificatesMinor: 1000, toPayMinor: 2500 });
    expect(await certificate(paying!.id)).toMatchObject({ balanceMinor: 4000 });

    const alone = await open([CARD(1)]);
    const refused = await apply(alone.body.id as string, { type: 'giftCertificate', code: paying!.code });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_NOT_PAYABLE',
      details: { leftToPayMinor: 0, giftCertificatesMinor: 2500 },
    });
    // Asked for more than the goods leave, it takes what they leave and the certificate line stays to pay.
    const more = await open([COFFEE, CARD(1)]);
    const asked = await apply(more.body.id as string, {
      type: 'giftCertificate',
      code: paying!.code,
      amountMinor: 2000,
    }).expect(201);
    expect(asked.body.totals).toMatchObject({ paidWithGiftCertificatesMinor: 1000, toPayMinor: 2500 });
    await request()
      .post(`/api/v1/checkouts/${more.body.id as string}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    expect(await certificate(paying!.id)).toMatchObject({ balanceMinor: 4000, availableMinor: 4000 });
    await expectLedgerClean(world);
  });

  it('takes no discount and no points on the certificate line', async () => {
    const member = await createMember(world);
    await buy(world, member.id, 200_000);
    const reward = await request()
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: 'Half off', pointsCost: 10, kind: 'percent_discount', percent: 50 })
      .expect(201);
    const opened = await open([COFFEE, CARD(1)], member.id);
    const id = opened.body.id as string;
    const discounted = await apply(id, { type: 'reward', rewardId: reward.body.id }).expect(201);
    expect(discounted.body.totals).toMatchObject({ discountMinor: 500, toPayMinor: 3000 });
    expect(discounted.body.lines[1]).toMatchObject({ discountMinor: 0, toPayMinor: 2500 });
    const pointsOffer = (discounted.body.offers as Array<{ type: string; amountMinor: number }>).find(
      (o) => o.type === 'points',
    );
    expect(pointsOffer?.amountMinor).toBeLessThanOrEqual(500);
    const refused = await apply(id, { type: 'points', points: 600 });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('GIFT_CERTIFICATE_NOT_PAYABLE');
    await request().post(`/api/v1/checkouts/${id}/cancel`).set(world.cashier.auth).expect(200);
    await expectLedgerClean(world);
  });

  it('issues once for 20 concurrent completions with one key: the first answer shows the codes, replays do not', async () => {
    const opened = await open([CARD(3, 1000)]);
    const id = opened.body.id as string;
    const key = randomUUID();
    const answers = await Promise.all(Array.from({ length: 20 }, () => complete(id, key)));
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 20 }, () => 200));
    const receipts = answers.map((a) => a.body as Receipt);
    const ids = new Set(receipts.flatMap((r) => r.giftCertificates.map((c) => c.id)));
    expect(ids.size).toBe(3);
    expect(receipts.filter((r) => r.giftCertificates.every((c) => c.codeShown))).toHaveLength(1);
    for (const r of receipts.filter((x) => !x.giftCertificates[0]?.codeShown))
      expect(r.giftCertificates.every((c) => c.code === null && c.last4.length === 4)).toBe(true);
    const purchaseId = receipts[0]!.purchaseId;
    expect(
      await mongoose.connection
        .collection('gift_certificates')
        .countDocuments({ purchaseId: new Types.ObjectId(purchaseId) }),
    ).toBe(3);
    // Another key: the sale was completed already.
    expect((await complete(id)).body.error.code).toBe('CHECKOUT_COMPLETED');
    await expectLedgerClean(world);
  });
});

describe('refunding a sale that sold gift certificates', () => {
  it('voids the unspent certificates once, and the liability report follows', async () => {
    const receipt = await sell([COFFEE, CARD(2)]);
    const before = await liability();
    const key = randomUUID();
    const first = await refund(receipt.purchaseId, { items: [{ sku: 'GIFT-CARD', quantity: 1 }] }, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ amountMinor: 2500, pointsReversed: 0 });
    expect(first.body.giftCertificatesVoided).toHaveLength(1);
    // Retried with the same key: nothing voided twice.
    expect(
      (await refund(receipt.purchaseId, { items: [{ sku: 'GIFT-CARD', quantity: 1 }] }, key)).status,
    ).toBe(201);
    const voidedId = first.body.giftCertificatesVoided[0].id as string;
    const voided = await certificate(voidedId);
    expect(voided).toMatchObject({ status: 'voided', balanceMinor: 0, availableMinor: 0 });
    expect(voided.entries.map((e) => e.type)).toEqual(['issue', 'void']);
    const kept = receipt.giftCertificates.find((c) => c.id !== voidedId)!;
    expect(await certificate(kept.id)).toMatchObject({ status: 'active', balanceMinor: 2500 });
    const after = await liability();
    expect(before.outstandingMinor - after.outstandingMinor).toBe(2500);
    expect(after.voidedMinor - before.voidedMinor).toBe(2500);
    // The voided certificate can no longer pay.
    const basket = await open([COFFEE]);
    const tendered = await apply(basket.body.id as string, {
      type: 'giftCertificate',
      code: receipt.giftCertificates.find((c) => c.id === voidedId)!.code,
    });
    expect(tendered.body.error.code).toBe('GIFT_CERTIFICATE_VOIDED');
    // An amount refund covers the goods only.
    const byAmount = await refund(receipt.purchaseId, { amountMinor: 1500 });
    expect(byAmount.status).toBe(422);
    expect(byAmount.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_REFUND_BY_ITEM',
      details: { refundableGoodsMinor: 1000, giftCertificatesMinor: 2500 },
    });
    expect((await refund(receipt.purchaseId, { amountMinor: 1000 })).status).toBe(201);
    await expectLedgerClean(world);
  });

  it('undoing the sale at the till voids its certificates while unspent', async () => {
    const opened = await open([CARD(2, 1500)]);
    const receipt = (await complete(opened.body.id as string).expect(200)).body as Receipt;
    const undone = await request()
      .post(`/api/v1/checkouts/${opened.body.id as string}/undo`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .expect(200);
    expect(undone.body.status).toBe('undone');
    for (const sold of receipt.giftCertificates)
      expect(await certificate(sold.id)).toMatchObject({ status: 'voided', balanceMinor: 0 });
    await expectLedgerClean(world);
  });

  it('refuses to refund a certificate that was spent, in part, writing nothing', async () => {
    const member = await createMember(world);
    const receipt = await sell([COFFEE, CARD(1)], member.id);
    const [sold] = receipt.giftCertificates;
    const spending = await open([{ sku: 'CAKE', quantity: 1, unitPriceMinor: 400 }]);
    await apply(spending.body.id as string, { type: 'giftCertificate', code: sold!.code }).expect(201);
    await complete(spending.body.id as string).expect(200);
    const balanceBefore = (await memberDetail(world, member.id)).balance.available;
    const refused = await refund(receipt.purchaseId, { amountMinor: 3500 });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_ALREADY_SPENT',
      details: {
        certificates: [
          {
            last4: sold!.last4,
            initialValueMinor: 2500,
            balanceMinor: 2100,
            availableMinor: 2100,
            spentMinor: 400,
          },
        ],
      },
    });
    const purchase = await mongoose.connection
      .collection('purchases')
      .findOne({ _id: new Types.ObjectId(receipt.purchaseId) });
    expect(purchase).toMatchObject({ refundedMinor: 0, isFullyRefunded: false });
    expect((await memberDetail(world, member.id)).balance.available).toBe(balanceBefore);
    expect(await certificate(sold!.id)).toMatchObject({ status: 'active', balanceMinor: 2100 });
    // The goods alone can still be refunded.
    const goods = await refund(receipt.purchaseId, { items: [{ sku: 'COFFEE', quantity: 2 }] });
    expect(goods.status).toBe(201);
    expect(goods.body.pointsReversed).toBe(10);
    await expectLedgerClean(world);
  });
});
