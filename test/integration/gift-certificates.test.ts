import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import type { Checkout } from '../../backend/src/modules/checkouts/checkout.model.js';
import { isWellFormed } from '../../backend/src/modules/coupons/coupon-code.js';
import { signUpMember } from '../support/callers.js';
import { certificateNotFound } from '../../backend/src/modules/gift-certificates/gift-certificate.service.js';
import {
  buy,
  createLedgerWorld,
  createMember,
  expectLedgerClean,
  type LedgerWorld,
} from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'));
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld({
    clock,
    program: { pendingDays: 0, giftCertificateReloadCapMinor: 20_000 },
  });
}, 120_000);
afterAll(() => world.close());

type Issued = {
  id: string;
  code: string;
  displayCode: string;
  last4: string;
  qrPayload: string;
  balanceMinor: number;
  availableMinor: number;
  expiresAt: string | null;
};

const services = () => world.app.runtime.services;
const count = (collection: string, filter: Record<string, unknown> = {}) =>
  mongoose.connection.collection(collection).countDocuments(filter);
const events = (type: string) => count('events', { type });

async function issue(body: Record<string, unknown> = {}): Promise<Issued> {
  const response = await world.app.request
    .post('/api/v1/gift-certificates')
    .set(world.manager.auth)
    .send({ valueMinor: 1000, reason: 'Apology for a late order', ...body })
    .expect(201);
  return response.body as Issued;
}

const certificate = async (id: string) =>
  (await world.app.request.get(`/api/v1/gift-certificates/${id}`).set(world.cashier.auth).expect(200))
    .body as {
    balanceMinor: number;
    heldMinor: number;
    availableMinor: number;
    status: string;
    entries: Array<{
      type: string;
      amountMinor: number;
      balanceAfterMinor: number;
      purchaseId: string | null;
    }>;
  };

/** Holds `amountMinor` of a certificate for a checkout of its own, through the checkout's port. */
function hold(
  code: string,
  checkoutId: Types.ObjectId,
  amountMinor: number | null,
  leftToPayMinor = 100_000,
) {
  return runInTransaction((session) =>
    services().giftCertificateInstrument.holdInSession(
      session,
      { code, refId: null, amountMinor },
      {
        checkout: { _id: checkoutId, currency: 'EUR' } as unknown as Checkout,
        memberId: null,
        principal: {
          kind: 'staff',
          id: world.cashier.id,
          role: 'cashier',
          storeId: null,
          email: 'c@example.test',
        },
        actor: { kind: 'staff', id: world.cashier.id, label: 'cashier' },
        now: clock.now(),
        leftToPayMinor,
      },
    ),
  );
}

function commit(
  refId: Types.ObjectId,
  checkoutId: Types.ObjectId,
  purchaseId: Types.ObjectId,
  amountMinor: number,
) {
  return runInTransaction((session) =>
    services().giftCertificateInstrument.commitInSession(session, {
      refId,
      checkoutId,
      purchaseId,
      memberId: null,
      amountMinor,
      now: clock.now(),
    }),
  );
}

describe('POST /api/v1/gift-certificates', () => {
  it('issues a certificate whose full code is shown once and then only by its last 4 characters', async () => {
    const before = await events('gift_certificate.issued');
    const issued = await issue({ valueMinor: 2500 });
    expect(isWellFormed(issued.code)).toBe(true);
    expect(issued.code).toHaveLength(14);
    expect(issued.last4).toBe(issued.code.slice(-4));
    expect(issued.displayCode.replace(/-/g, '')).toBe(issued.code);
    expect(issued.qrPayload).toMatch(new RegExp(`^RG1\\.G\\.${issued.code}\\.[A-Z2-7]{10}$`));
    expect(issued).toMatchObject({
      balanceMinor: 2500,
      availableMinor: 2500,
      status: 'active',
      expiresAt: null,
    });
    const detail = await certificate(issued.id);
    expect(JSON.stringify(detail)).not.toContain(issued.code);
    expect(detail.entries).toEqual([
      expect.objectContaining({ type: 'issue', amountMinor: 2500, balanceAfterMinor: 2500 }),
    ]);
    const stored = await mongoose.connection
      .collection('gift_certificates')
      .findOne({ _id: new Types.ObjectId(issued.id) });
    expect(JSON.stringify(stored)).not.toContain(issued.code);
    expect(stored?.encryptedCode).toBeNull();
    expect(await events('gift_certificate.issued')).toBe(before + 1);
  });

  it('refuses a zero, negative or fractional value and another currency with 4xx, and writes nothing', async () => {
    const [certificates, entries] = [
      await count('gift_certificates'),
      await count('gift_certificate_entries'),
    ];
    for (const valueMinor of [0, -500, 10.5]) {
      const response = await world.app.request
        .post('/api/v1/gift-certificates')
        .set(world.manager.auth)
        .send({ valueMinor, reason: 'x' })
        .expect(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
    }
    const other = await world.app.request
      .post('/api/v1/gift-certificates')
      .set(world.manager.auth)
      .send({ valueMinor: 1000, currency: 'USD', reason: 'x' })
      .expect(422);
    expect(other.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_CURRENCY',
      details: { certificateCurrency: 'USD', currency: 'EUR' },
    });
    await world.app.request
      .post('/api/v1/gift-certificates')
      .set(world.cashier.auth)
      .send({ valueMinor: 1000, reason: 'x' })
      .expect(403);
    expect(await count('gift_certificates')).toBe(certificates);
    expect(await count('gift_certificate_entries')).toBe(entries);
  });

  it('answers a retry with the same Idempotency-Key with 409 GIFT_CERTIFICATE_ALREADY_ISSUED, issuing nothing twice', async () => {
    const key = randomUUID();
    const first = await world.app.request
      .post('/api/v1/gift-certificates')
      .set(world.manager.auth)
      .set('Idempotency-Key', key)
      .send({ valueMinor: 700, reason: 'Welcome gift' })
      .expect(201);
    const before = await count('gift_certificates');
    const again = await world.app.request
      .post('/api/v1/gift-certificates')
      .set(world.manager.auth)
      .set('Idempotency-Key', key)
      .send({ valueMinor: 700, reason: 'Welcome gift' })
      .expect(409);
    expect(again.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_ALREADY_ISSUED',
      details: { id: first.body.id },
    });
    expect(await count('gift_certificates')).toBe(before);
  });
});

describe('POST /api/v1/gift-certificates/batches', () => {
  it('issues 1000 certificates in one request and answers their CSV once', async () => {
    const response = await world.app.request
      .post('/api/v1/gift-certificates/batches')
      .set(world.marketer.auth)
      .send({ count: 1000, valueMinor: 1500, campaign: 'spring-2026', reason: 'Spring campaign' })
      .expect(201);
    const lines = (response.body.csv as string).trim().split('\n');
    expect(lines[0]).toBe('code,displayCode,last4,valueMinor,currency,expiresAt,qrPayload');
    const codes = lines.slice(1).map((line) => line.split(',')[0] ?? '');
    expect(codes).toHaveLength(1000);
    expect(new Set(codes).size).toBe(1000);
    expect(codes.every(isWellFormed)).toBe(true);
    const listed = await world.app.request
      .get(`/api/v1/gift-certificates?batchId=${response.body.batchId as string}&limit=100`)
      .set(world.cashier.auth)
      .expect(200);
    expect(listed.body.items).toHaveLength(100);
    expect(listed.body.items[0]).toMatchObject({
      channel: 'campaign',
      campaign: 'spring-2026',
      balanceMinor: 1500,
    });
  });
});

describe('reload, block and look-up', () => {
  it('reloads up to the cap and refuses above it with 422 GIFT_CERTIFICATE_RELOAD_CAP, writing nothing', async () => {
    const issued = await issue({ valueMinor: 15_000 });
    const reloaded = await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/reloads`)
      .set(world.manager.auth)
      .send({ amountMinor: 5000, reason: 'Bought €50 more' })
      .expect(200);
    expect(reloaded.body).toMatchObject({ balanceMinor: 20_000, availableMinor: 20_000 });
    const entries = await count('gift_certificate_entries');
    const refused = await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/reloads`)
      .set(world.manager.auth)
      .send({ amountMinor: 1, reason: 'One cent more' })
      .expect(422);
    expect(refused.body.error).toMatchObject({
      code: 'GIFT_CERTIFICATE_RELOAD_CAP',
      details: { capMinor: 20_000, balanceMinor: 20_000, amountMinor: 1 },
    });
    expect(await count('gift_certificate_entries')).toBe(entries);
    expect((await certificate(issued.id)).balanceMinor).toBe(20_000);
  });

  it('blocks (the till refuses it), unblocks, audits both, and finds it by its last 4 characters', async () => {
    const issued = await issue();
    await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/block`)
      .set(world.cashier.auth)
      .send({ reason: 'Reported stolen' })
      .expect(200);
    await expect(hold(issued.code, new Types.ObjectId(), 100)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_BLOCKED',
    });
    await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/unblock`)
      .set(world.cashier.auth)
      .send({ reason: 'Found' })
      .expect(403);
    await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/unblock`)
      .set(world.manager.auth)
      .send({ reason: 'Found again' })
      .expect(200);
    expect(await count('audit_log', { 'entity.id': issued.id })).toBeGreaterThanOrEqual(2);
    const found = await world.app.request
      .get(`/api/v1/gift-certificates?last4=${issued.last4.toLowerCase()}`)
      .set(world.cashier.auth)
      .expect(200);
    expect(found.body.items.map((c: { id: string }) => c.id)).toContain(issued.id);
  });

  it('checks the balance by a typed code or the scanned QR, and refuses a forged QR', async () => {
    const issued = await issue({ valueMinor: 1234 });
    const typed = await world.app.request
      .post('/api/v1/gift-certificates/balance')
      .set(world.cashier.auth)
      .send({ code: ` ${issued.displayCode.toLowerCase()} ` })
      .expect(200);
    expect(typed.body).toEqual({
      last4: issued.last4,
      currency: 'EUR',
      balanceMinor: 1234,
      availableMinor: 1234,
      status: 'active',
      expiresAt: null,
    });
    await world.app.request
      .post('/api/v1/gift-certificates/balance')
      .set(world.cashier.auth)
      .send({ code: issued.qrPayload })
      .expect(200);
    const forged = await world.app.request
      .post('/api/v1/gift-certificates/balance')
      .set(world.cashier.auth)
      .send({ code: `${issued.qrPayload.slice(0, -1)}${issued.qrPayload.endsWith('A') ? 'B' : 'A'}` })
      .expect(422);
    expect(forged.body.error.code).toBe('QR_SIGNATURE_INVALID');
  });
});

describe('the checkout tender (the port)', () => {
  it('never takes more than €10 of a €10 certificate across 50 concurrent checkouts', async () => {
    const issued = await issue({ valueMinor: 1000 });
    const checkouts = Array.from({ length: 50 }, () => new Types.ObjectId());
    const results = await Promise.allSettled(checkouts.map((id) => hold(issued.code, id, 300)));
    const held = results.flatMap((r, i) =>
      r.status === 'fulfilled' ? [{ terms: r.value, checkoutId: checkouts[i]! }] : [],
    );
    const refusals = results.flatMap((r) =>
      r.status === 'rejected' ? [(r.reason as { code?: string }).code] : [],
    );
    expect(held).toHaveLength(3);
    expect(new Set(refusals)).toEqual(new Set(['GIFT_CERTIFICATE_INSUFFICIENT_BALANCE']));
    expect(held.reduce((sum, h) => sum + (h.terms.valueMinor ?? 0), 0)).toBe(900);
    expect(await certificate(issued.id)).toMatchObject({
      balanceMinor: 1000,
      heldMinor: 900,
      availableMinor: 100,
    });
    await expectLedgerClean(world);
    // The last euro is still there for exactly one more checkout.
    const last = await Promise.allSettled(
      Array.from({ length: 5 }, () => hold(issued.code, new Types.ObjectId(), 100)),
    );
    expect(last.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const h of held) await commit(h.terms.refId, h.checkoutId, new Types.ObjectId(), 300);
    const after = await certificate(issued.id);
    expect(after).toMatchObject({ balanceMinor: 100, heldMinor: 100, availableMinor: 0 });
    expect(after.entries.filter((e) => e.type === 'redeem').map((e) => e.amountMinor)).toEqual([
      -300, -300, -300,
    ]);
    await expectLedgerClean(world);
  });

  it('takes what is left to pay, releases a hold, and answers the precise refusals', async () => {
    const issued = await issue({ valueMinor: 1000 });
    const checkoutId = new Types.ObjectId();
    const terms = await hold(issued.code, checkoutId, null, 640);
    expect(terms).toMatchObject({
      kind: 'stored_value',
      valueMinor: 640,
      label: `Gift certificate ····${issued.last4}`,
    });
    await expect(hold(issued.code, checkoutId, 100)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_ALREADY_APPLIED',
    });
    await expect(hold(issued.code, new Types.ObjectId(), 400)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_INSUFFICIENT_BALANCE',
      details: { availableMinor: 360, requestedMinor: 400 },
    });
    await expect(hold(issued.code, new Types.ObjectId(), 100, 0)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_NOTHING_TO_PAY',
    });
    await runInTransaction((session) =>
      services().giftCertificateInstrument.releaseInSession(session, {
        refId: terms.refId,
        checkoutId,
        actor: null,
        now: clock.now(),
        reason: 'cancelled',
      }),
    );
    expect(await certificate(issued.id)).toMatchObject({
      balanceMinor: 1000,
      heldMinor: 0,
      availableMinor: 1000,
    });
    const usd = await runInTransaction((session) =>
      services()
        .giftCertificateInstrument.holdInSession(
          session,
          { code: issued.code, refId: null, amountMinor: 100 },
          {
            checkout: { _id: new Types.ObjectId(), currency: 'USD' } as unknown as Checkout,
            memberId: null,
            principal: {
              kind: 'staff',
              id: world.cashier.id,
              role: 'cashier',
              storeId: null,
              email: 'c@example.test',
            },
            actor: null,
            now: clock.now(),
            leftToPayMinor: 1000,
          },
        )
        .catch((error: unknown) => error),
    );
    expect(usd).toMatchObject({ code: 'GIFT_CERTIFICATE_CURRENCY' });
    await expect(hold('23456789ABCDE', new Types.ObjectId(), 100)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_NOT_FOUND',
    });
    const empty = await issue({ valueMinor: 200 });
    const emptyCheckout = new Types.ObjectId();
    const taken = await hold(empty.code, emptyCheckout, 200);
    await commit(taken.refId, emptyCheckout, new Types.ObjectId(), 200);
    await expect(hold(empty.code, new Types.ObjectId(), 100)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_EMPTY',
    });
    await expectLedgerClean(world);
  });
});

describe('refunds', () => {
  it('credits a certificate its share of each refund, once even when the refund is retried', async () => {
    const member = await createMember(world);
    const purchase = await buy(world, member.id, 4000);
    const purchaseId = new Types.ObjectId(purchase.id);
    const issued = await issue({ valueMinor: 3000 });
    const checkoutId = new Types.ObjectId();
    const terms = await hold(issued.code, checkoutId, 3000);
    await commit(terms.refId, checkoutId, purchaseId, 3000);
    // A replayed completion commits nothing twice.
    await commit(terms.refId, checkoutId, purchaseId, 3000);
    expect((await certificate(issued.id)).balanceMinor).toBe(0);
    await world.app.request
      .post(`/api/v1/gift-certificates/${issued.id}/block`)
      .set(world.manager.auth)
      .send({ reason: 'Customer asked to stop it' })
      .expect(200);

    const key = randomUUID();
    const refund = () =>
      world.app.request
        .post(`/api/v1/purchases/${purchase.id}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', key)
        .send({ amountMinor: 1000, reason: 'One item back' });
    const first = await refund().expect(201);
    // 3000 of 4000 paid by the certificate: a refund of 1000 gives it floor(3000 × 1000 / 4000) = 750.
    expect(first.body.giftCertificates).toEqual([{ id: issued.id, last4: issued.last4, amountMinor: 750 }]);
    await refund().expect(201);
    await Promise.all([refund(), refund()]);
    expect(await certificate(issued.id)).toMatchObject({ balanceMinor: 750, status: 'blocked' });
    // The rest of the purchase: the certificate gets exactly all it paid, in total.
    await world.app.request
      .post(`/api/v1/purchases/${purchase.id}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 3000, reason: 'The rest' })
      .expect(201);
    const after = await certificate(issued.id);
    expect(after.balanceMinor).toBe(3000);
    expect(after.entries.filter((e) => e.type === 'refund').map((e) => e.amountMinor)).toEqual([750, 2250]);
    await expectLedgerClean(world);
  });
});

describe('the wallet', () => {
  it('lets a member claim a bearer certificate by its code and shows it with a signed QR', async () => {
    const member = await signUpMember(world.app);
    const issued = await issue({ valueMinor: 900 });
    const claimed = await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(member.auth)
      .send({ code: issued.displayCode })
      .expect(200);
    expect(claimed.body).toMatchObject({
      id: issued.id,
      last4: issued.last4,
      balanceMinor: 900,
      qrPayload: issued.qrPayload,
    });
    await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(member.auth)
      .send({ code: issued.code })
      .expect(200);
    const other = await signUpMember(world.app);
    const refused = await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(other.auth)
      .send({ code: issued.code })
      .expect(409);
    expect(refused.body.error.code).toBe('GIFT_CERTIFICATE_CLAIMED');
    const mine = await world.app.request.get('/api/v1/me/gift-certificates').set(member.auth).expect(200);
    expect(mine.body.items).toEqual([claimed.body]);
    expect(await certificate(issued.id)).toMatchObject({ status: 'active' });
    await world.app.request.get('/api/v1/me/gift-certificates').set(world.cashier.auth).expect(403);
  });
});

describe('ledger:verify', () => {
  it('is clean, and reports a certificate whose balance was tampered with', async () => {
    const issued = await issue({ valueMinor: 500 });
    await expectLedgerClean(world);
    const collection = mongoose.connection.collection('gift_certificates');
    await collection.updateOne(
      { _id: new Types.ObjectId(issued.id) },
      { $inc: { balanceMinor: 100, availableMinor: 100 } },
    );
    const result = await services().ledgerVerifier.verify();
    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'gift_certificate_balance',
          entityId: issued.id,
          expected: 500,
          actual: 600,
        }),
      ]),
    );
    await collection.updateOne(
      { _id: new Types.ObjectId(issued.id) },
      { $inc: { balanceMinor: -100, availableMinor: -100 } },
    );
    await expectLedgerClean(world);
  });
});

describe('expiry and the liability report', () => {
  it('expires certificates past their expiry on the injected clock, records breakage once, and reports the liability by age', async () => {
    const report = async () =>
      (
        await world.app.request
          .get('/api/v1/reports/gift-certificates/liability')
          .set(world.manager.auth)
          .expect(200)
      ).body as { currencies: Array<Record<string, unknown> & { outstandingByAge: Record<string, number> }> };
    const before = (await report()).currencies[0]!;
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ giftCertificateExpiryMonths: 12 })
      .expect(200);
    const old = await issue({ valueMinor: 4000 });
    expect(old.expiresAt).toBe(new Date(Date.parse('2027-03-02T10:00:00Z')).toISOString());
    clock.advance(200 * DAY);
    const recent = await issue({ valueMinor: 1000 });
    const now = await report();
    const eur = now.currencies.find((c) => c.currency === 'EUR')!;
    // Everything issued before this test is now 200 days old, with `old`; `recent` is new.
    expect(eur.outstandingByAge).toEqual({
      days0To90: 1000,
      days91To180: 0,
      days181To365: (before.outstandingMinor as number) + 4000,
      over365: 0,
    });
    expect(eur.issuedMinor).toBe((before.issuedMinor as number) + 5000);

    await world.app.request
      .get('/api/v1/reports/gift-certificates/liability')
      .set(world.cashier.auth)
      .expect(403);

    clock.advance(170 * DAY);
    const breakageEvents = await events('gift_certificate.expired');
    const first = await services().giftCertificates.expireDue();
    expect(first.expired).toBeGreaterThanOrEqual(1);
    expect(await services().giftCertificates.expireDue()).toEqual({ expired: 0, breakageMinor: 0 });
    const expired = await certificate(old.id);
    expect(expired).toMatchObject({ status: 'expired', balanceMinor: 0 });
    expect(expired.entries.at(-1)).toMatchObject({
      type: 'expire',
      amountMinor: -4000,
      balanceAfterMinor: 0,
    });
    expect(await events('gift_certificate.expired')).toBe(breakageEvents + first.expired);
    expect((await certificate(recent.id)).status).toBe('active');
    await expect(hold(old.code, new Types.ObjectId(), 100)).rejects.toMatchObject({
      code: 'GIFT_CERTIFICATE_EXPIRED',
    });
    const after = (await report()).currencies.find((c) => c.currency === 'EUR')!;
    expect(after.expiredMinor).toBe((eur.expiredMinor as number) + 4000);
    expect(after.outstandingMinor).toBe((eur.outstandingMinor as number) - 4000);
    // A year on: `recent` is 170 days old, what was issued before this test over a year, `old` is breakage.
    expect(after.outstandingByAge).toEqual({
      days0To90: 0,
      days91To180: 1000,
      days181To365: 0,
      over365: before.outstandingMinor,
    });
    await expectLedgerClean(world);
  });
});

describe('at the checkout (HTTP)', () => {
  const open = (unitPriceMinor: number) =>
    world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({
        storeId: world.storeId,
        currency: 'EUR',
        items: [{ sku: 'GIFT-BOX', name: 'Gift box', quantity: 1, unitPriceMinor }],
      })
      .expect(201);
  const apply = (id: string, body: Record<string, unknown>) =>
    world.app.request.post(`/api/v1/checkouts/${id}/applied`).set(world.cashier.auth).send(body);

  it('tenders one €10 certificate in 50 concurrent checkouts without taking more than €10, and a refund credits it back once', async () => {
    const issued = await issue({ valueMinor: 1000 });
    const checkouts = await Promise.all(Array.from({ length: 50 }, () => open(1500)));
    const answers = await Promise.all(
      checkouts.map((c) =>
        apply(c.body.id as string, { type: 'giftCertificate', code: issued.code, amountMinor: 300 }),
      ),
    );
    const applied = answers.filter((a) => a.status < 300);
    expect(applied).toHaveLength(3);
    expect(new Set(answers.filter((a) => a.status >= 300).map((a) => a.body.error.code))).toEqual(
      new Set(['GIFT_CERTIFICATE_INSUFFICIENT_BALANCE']),
    );
    const receipts = [];
    for (const answer of applied) {
      const receipt = await world.app.request
        .post(`/api/v1/checkouts/${answer.body.id as string}/complete`)
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({})
        .expect(200);
      receipts.push(receipt.body as { purchaseId: string });
    }
    const after = await certificate(issued.id);
    expect(after).toMatchObject({ balanceMinor: 100, heldMinor: 0, availableMinor: 100 });
    expect(after.entries.filter((e) => e.type === 'redeem')).toHaveLength(3);
    const purchase = await mongoose.connection
      .collection('purchases')
      .findOne({ _id: new Types.ObjectId(receipts[0]!.purchaseId) });
    expect(purchase).toMatchObject({
      totalMinor: 1500,
      tenders: [{ type: 'giftCertificate', amountMinor: 300 }],
    });

    // The whole sale refunded, twice with one key: the certificate gets its 300 back once.
    const key = randomUUID();
    for (let i = 0; i < 2; i += 1) {
      await world.app.request
        .post(`/api/v1/purchases/${receipts[0]!.purchaseId}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', key)
        .send({ amountMinor: 1500, reason: 'Returned' })
        .expect(201);
    }
    expect((await certificate(issued.id)).balanceMinor).toBe(400);

    // The rest of the certificate pays for part of a sale, and the 'code' path finds it too.
    const rest = await open(250);
    const taken = await apply(rest.body.id as string, { type: 'code', code: issued.displayCode }).expect(201);
    expect(taken.body.totals).toMatchObject({ toPayMinor: 0 });
    await world.app.request
      .post(`/api/v1/checkouts/${rest.body.id as string}/cancel`)
      .set(world.cashier.auth)
      .expect(200);
    expect(await certificate(issued.id)).toMatchObject({
      balanceMinor: 400,
      heldMinor: 0,
      availableMinor: 400,
    });
    await expectLedgerClean(world);
  }, 60_000);

  it("offers the member's claimed certificates with what is left on them, and tenders one by its id", async () => {
    const member = await signUpMember(world.app);
    const issued = await issue({ valueMinor: 1850 });
    await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(member.auth)
      .send({ code: issued.code })
      .expect(200);
    const empty = await issue({ valueMinor: 500 });
    await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(member.auth)
      .send({ code: empty.code })
      .expect(200);
    // One spent to nothing is not offered.
    const spend = await open(500);
    await apply(spend.body.id as string, { type: 'giftCertificate', code: empty.code }).expect(201);
    await world.app.request
      .post(`/api/v1/checkouts/${spend.body.id as string}/complete`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(200);
    const checkout = await world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({
        storeId: world.storeId,
        currency: 'EUR',
        member: { memberId: member.memberId },
        items: [{ sku: 'GIFT-BOX', name: 'Gift box', quantity: 1, unitPriceMinor: 1200 }],
      })
      .expect(201);
    const offered = (checkout.body.offers as Array<Record<string, unknown>>).filter(
      (o) => o.type === 'giftCertificate',
    );
    expect(offered).toEqual([
      expect.objectContaining({
        giftCertificate: { id: issued.id, last4: issued.last4, availableMinor: 1850 },
        kind: 'stored_value',
        amountMinor: 1200,
        isApplicable: true,
        reason: 'IN_WALLET',
        couponId: null,
      }),
    ]);
    const id = checkout.body.id as string;
    // Another member's certificate, an unknown id, or no member at the checkout: the answer of an unknown code.
    const other = await signUpMember(world.app);
    const othersCertificate = await issue({ valueMinor: 700 });
    await world.app.request
      .post('/api/v1/me/gift-certificates/claim')
      .set(other.auth)
      .send({ code: othersCertificate.code })
      .expect(200);
    // (Not tried here with a wrong code: that would count against this address's limit of wrong codes.)
    const notFound = certificateNotFound();
    const unknownCode = { body: { error: { code: notFound.code, message: notFound.message } } };
    for (const giftCertificateId of [othersCertificate.id, new Types.ObjectId().toHexString()]) {
      const refused = await apply(id, { type: 'giftCertificate', giftCertificateId }).expect(404);
      expect(refused.body.error).toEqual(unknownCode.body.error);
    }
    const anonymous = await open(1200);
    const refusedAnonymous = await apply(anonymous.body.id as string, {
      type: 'giftCertificate',
      giftCertificateId: issued.id,
    }).expect(404);
    expect(refusedAnonymous.body.error).toEqual(unknownCode.body.error);
    // Both a code and an id, or neither: 400, nothing held.
    await apply(id, { type: 'giftCertificate', code: issued.code, giftCertificateId: issued.id }).expect(400);
    await apply(id, { type: 'giftCertificate' }).expect(400);
    expect(await certificate(othersCertificate.id)).toMatchObject({ heldMinor: 0 });

    const applied = await apply(id, { type: 'giftCertificate', giftCertificateId: issued.id }).expect(201);
    expect(applied.body.totals).toMatchObject({ toPayMinor: 0 });
    expect(applied.body.applied).toEqual([
      expect.objectContaining({ type: 'giftCertificate', giftCertificateId: issued.id, amountMinor: 1200 }),
    ]);
    // Tendered already: no longer offered.
    expect((applied.body.offers as Array<{ type: string }>).some((o) => o.type === 'giftCertificate')).toBe(
      false,
    );
    await world.app.request
      .post(`/api/v1/checkouts/${id}/complete`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({})
      .expect(200);
    expect(await certificate(issued.id)).toMatchObject({
      balanceMinor: 650,
      heldMinor: 0,
      availableMinor: 650,
    });
    await expectLedgerClean(world);
  }, 60_000);
});

describe('wrong codes', () => {
  it('refuses every code with 429 and Retry-After after 10 wrong ones a minute, a right one included', async () => {
    const issued = await issue({ valueMinor: 100 });
    const check = (code: string) =>
      world.app.request.post('/api/v1/gift-certificates/balance').set(world.marketer.auth).send({ code });
    for (let i = 0; i < 10; i += 1) {
      const wrong = await check(`WRONG${i}`);
      expect(wrong.status).toBe(404);
      expect(wrong.body.error.code).toBe('GIFT_CERTIFICATE_NOT_FOUND');
    }
    const limited = await check(issued.code);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
