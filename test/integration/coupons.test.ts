import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose, { Types } from 'mongoose';
import { ManualClock } from '@regulars/backend';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import type { Checkout } from '../../backend/src/modules/checkouts/checkout.model.js';
import type { HoldContext } from '../../backend/src/modules/checkouts/instrument-port.js';
import { AppError } from '../../backend/src/platform/errors.js';
import { generateCodes, isWellFormed } from '../../backend/src/modules/coupons/coupon-code.js';
import { createLedgerWorld, createMember, publishRule, type LedgerWorld } from './ledger-helpers.js';

const DAY = 24 * 3600_000;
const clock = new ManualClock(Date.now());
let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld({ clock, program: { pendingDays: 0 } });
}, 120_000);
afterAll(() => world.close());

const services = () => world.app.runtime.services;
const count = (collection: string, filter: Record<string, unknown> = {}) =>
  mongoose.connection.collection(collection).countDocuments(filter);

type Template = { id: string; version: number; kind: string; issued: number; uses: number };

function templateBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '10% off',
    discount: { kind: 'percent', percent: 10 },
    validity: { type: 'relative', daysFromIssue: 30 },
    kind: 'bearer',
    ...overrides,
  };
}

async function createTemplate(overrides: Record<string, unknown> = {}): Promise<Template> {
  const response = await world.app.request
    .post('/api/v1/coupon-templates')
    .set(world.marketer.auth)
    .send(templateBody(overrides));
  if (response.status !== 201)
    throw new Error(`template: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as Template;
}

/** A checkout as the port sees it: an open basket at this test's store. */
function checkoutOf(
  items: Array<{ sku: string; category?: string; quantity?: number; unitPriceMinor: number }>,
  memberId: string | null = null,
): Checkout {
  const now = clock.now();
  return {
    _id: new Types.ObjectId(),
    status: 'open',
    storeId: new Types.ObjectId(world.storeId),
    memberId: memberId ? new Types.ObjectId(memberId) : null,
    currency: 'EUR',
    channel: null,
    items: items.map((i) => ({
      sku: i.sku,
      name: null,
      category: i.category ?? null,
      quantity: i.quantity ?? 1,
      unitPriceMinor: i.unitPriceMinor,
    })),
    applied: [],
    dropped: [],
    version: 1,
    expiresAt: new Date(now.getTime() + 15 * 60_000),
    createdAt: now,
    updatedAt: now,
    completeKey: null,
    purchaseId: null,
    receipt: null,
    closedAt: null,
  };
}

function contextOf(checkout: Checkout, extra: Partial<HoldContext> = {}): HoldContext {
  const total = checkout.items.reduce((sum, i) => sum + i.quantity * i.unitPriceMinor, 0);
  return {
    checkout,
    memberId: checkout.memberId,
    principal: {
      kind: 'apiKey',
      id: `till-${randomUUID()}`,
      scopes: ['checkouts:write'],
      storeId: null,
      name: 'till',
    },
    actor: { kind: 'system', id: null, label: null },
    now: clock.now(),
    leftToPayMinor: total,
    clientIp: `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    ...extra,
  };
}

const port = () => services().couponInstrument;

function hold(code: string | null, context: HoldContext, refId: Types.ObjectId | null = null) {
  return runInTransaction((session) =>
    port().holdInSession(session, { code, refId, amountMinor: null }, context),
  );
}

async function holdError(code: string | null, context: HoldContext, refId: Types.ObjectId | null = null) {
  try {
    await hold(code, context, refId);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('the hold was taken');
}

/** Holds and completes a coupon for a checkout (as the checkout's completion does). */
async function useCoupon(code: string, context: HoldContext, purchaseId = new Types.ObjectId()) {
  const terms = await hold(code, context);
  await runInTransaction((session) =>
    port().commitInSession(session, {
      refId: terms.refId,
      checkoutId: context.checkout._id,
      purchaseId,
      memberId: context.memberId,
      amountMinor: 100,
      now: clock.now(),
    }),
  );
  return terms;
}

/** Makes a batch through the API and runs its job in place (the worker would run the same handler). */
async function batchOf(templateId: string, size: number) {
  const created = await world.app.request
    .post(`/api/v1/coupon-templates/${templateId}/batches`)
    .set(world.marketer.auth)
    .send({ count: size, label: 'Flyer' })
    .expect(202);
  await services().coupons.runBatch(new Types.ObjectId(created.body.id as string));
  const codes = await mongoose.connection
    .collection('coupons')
    .find({ batchId: new Types.ObjectId(created.body.id as string) })
    .toArray();
  return { batchId: created.body.id as string, codes: codes.map((c) => c.code as string) };
}

describe('POST /api/v1/coupon-templates', () => {
  it.each([
    ['a percent above 100', { discount: { kind: 'percent', percent: 101 } }, 400, 'VALIDATION_FAILED'],
    ['a zero percent', { discount: { kind: 'percent', percent: 0 } }, 400, 'VALIDATION_FAILED'],
    ['a negative fixed amount', { discount: { kind: 'fixed', amountMinor: -500 } }, 400, 'VALIDATION_FAILED'],
    ['a zero fixed amount', { discount: { kind: 'fixed', amountMinor: 0 } }, 400, 'VALIDATION_FAILED'],
    ['a fractional amount', { discount: { kind: 'fixed', amountMinor: 1.5 } }, 400, 'VALIDATION_FAILED'],
    ['an empty free SKU', { discount: { kind: 'free_product', sku: ' ' } }, 400, 'VALIDATION_FAILED'],
    [
      'a window that ends before it starts',
      { validity: { type: 'window', startsAt: '2030-02-01T00:00:00Z', endsAt: '2030-01-01T00:00:00Z' } },
      400,
      'VALIDATION_FAILED',
    ],
    [
      'a window already over',
      { validity: { type: 'window', startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-02-01T00:00:00Z' } },
      422,
      'COUPON_VALIDITY_ENDED',
    ],
    ['zero days of validity', { validity: { type: 'relative', daysFromIssue: 0 } }, 400, 'VALIDATION_FAILED'],
    ['a negative minimum basket', { conditions: { minBasketMinor: -1 } }, 400, 'VALIDATION_FAILED'],
    [
      'an unknown store',
      { conditions: { storeIds: [new Types.ObjectId().toHexString()] } },
      404,
      'STORE_NOT_FOUND',
    ],
    [
      'a prefix with an ambiguous letter',
      { codeFormat: { prefix: 'LO', length: 13 } },
      422,
      'COUPON_CODE_FORMAT_WEAK',
    ],
    [
      'a code too short to be unguessable',
      { codeFormat: { prefix: '', length: 6 } },
      422,
      'COUPON_CODE_FORMAT_WEAK',
    ],
    ['an unknown kind', { kind: 'everyone' }, 400, 'VALIDATION_FAILED'],
    ['an unknown field', { colour: 'red' }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s with %i %s and writes nothing', async (_what, overrides, status, code) => {
    const before = await count('coupon_templates');
    const response = await world.app.request
      .post('/api/v1/coupon-templates')
      .set(world.marketer.auth)
      .send(templateBody(overrides));
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(await count('coupon_templates')).toBe(before);
  });

  it('refuses a cashier (403) and a key without the coupons scope', async () => {
    await world.app.request
      .post('/api/v1/coupon-templates')
      .set(world.cashier.auth)
      .send(templateBody())
      .expect(403);
  });

  it('keeps the terms of issued coupons when the template changes (a new version)', async () => {
    const template = await createTemplate({
      kind: 'assigned',
      name: 'Welcome 5 €',
      discount: { kind: 'fixed', amountMinor: 500 },
    });
    const member = await createMember(world);
    const issued = await world.app.request
      .post(`/api/v1/members/${member.id}/coupons`)
      .set(world.marketer.auth)
      .send({ templateId: template.id, reason: 'Complaint' })
      .expect(201);
    const changed = await world.app.request
      .patch(`/api/v1/coupon-templates/${template.id}`)
      .set(world.marketer.auth)
      .send({ discount: { kind: 'fixed', amountMinor: 300 } })
      .expect(200);
    expect(changed.body.version).toBe(2);
    const coupon = await world.app.request
      .get(`/api/v1/members/${member.id}/coupons`)
      .set(world.marketer.auth)
      .expect(200);
    const mine = (
      coupon.body.items as Array<{ id: string; templateVersion: number; terms: { discount: unknown } }>
    ).find((c) => c.id === issued.body.id);
    expect(mine?.templateVersion).toBe(1);
    expect(mine?.terms.discount).toEqual({ kind: 'fixed', amountMinor: 500 });
  });
});

describe('PATCH /api/v1/coupon-templates/:id', () => {
  it('makes one version per change that went through, and refuses a change over terms changed meanwhile', async () => {
    const template = await createTemplate();
    const answers = await Promise.all(
      [5, 10, 15, 20, 25].map((percent) =>
        world.app.request
          .patch(`/api/v1/coupon-templates/${template.id}`)
          .set(world.marketer.auth)
          .send({ discount: { kind: 'percent', percent } }),
      ),
    );
    const changed = answers.filter((a) => a.status === 200);
    expect(changed.length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((r) => r.status !== 200)) {
      expect(a.status).toBe(409);
      expect(a.body.error.code).toBe('COUPON_TEMPLATE_CHANGED');
    }
    expect(await count('coupon_template_versions', { templateId: new Types.ObjectId(template.id) })).toBe(
      1 + changed.length,
    );
  });
});

describe('coupon batches', () => {
  it("lists a template's batches newest first, page by page; an unknown template is 404", async () => {
    const template = await createTemplate();
    const ids: string[] = [];
    for (const label of ['first', 'second', 'third']) {
      const created = await world.app.request
        .post(`/api/v1/coupon-templates/${template.id}/batches`)
        .set(world.marketer.auth)
        .send({ count: 5, label })
        .expect(202);
      ids.push(created.body.id as string);
    }
    const first = await world.app.request
      .get(`/api/v1/coupon-templates/${template.id}/batches?limit=2`)
      .set(world.marketer.auth)
      .expect(200);
    expect(first.body.items.map((b: { label: string }) => b.label)).toEqual(['third', 'second']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const rest = await world.app.request
      .get(
        `/api/v1/coupon-templates/${template.id}/batches?limit=2&cursor=${first.body.nextCursor as string}`,
      )
      .set(world.marketer.auth)
      .expect(200);
    expect(rest.body.items.map((b: { id: string }) => b.id)).toEqual([ids[0]]);
    const unknown = await world.app.request
      .get(`/api/v1/coupon-templates/${new Types.ObjectId().toHexString()}/batches`)
      .set(world.marketer.auth)
      .expect(404);
    expect(unknown.body.error.code).toBe('COUPON_TEMPLATE_NOT_FOUND');
  });

  it('generates a batch in chunks with progress, and streams its CSV', async () => {
    const template = await createTemplate({ codeFormat: { prefix: 'SPR', length: 13 } });
    const created = await world.app.request
      .post(`/api/v1/coupon-templates/${template.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 2500 })
      .expect(202);
    expect(created.body).toMatchObject({ status: 'queued', count: 2500, generated: 0, percent: 0 });
    const batchId = new Types.ObjectId(created.body.id as string);
    await services().coupons.runBatch(batchId, { chunk: 1000 });
    const done = await world.app.request
      .get(`/api/v1/coupon-batches/${batchId.toHexString()}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed', generated: 2500, percent: 100, collisions: 0 });
    const csv = await world.app.request
      .get(`/api/v1/coupon-batches/${batchId.toHexString()}/codes.csv`)
      .set(world.marketer.auth)
      .expect(200)
      .expect('Content-Type', /text\/csv/);
    const lines = csv.text.trim().split('\n');
    expect(lines[0]).toBe('code,display,qr_payload,valid_from,valid_until');
    expect(lines).toHaveLength(2501);
    const codes = lines.slice(1).map((l) => l.split(',')[0] ?? '');
    expect(new Set(codes).size).toBe(2500);
    for (const code of codes) {
      expect(code.startsWith('SPR')).toBe(true);
      expect(isWellFormed(code)).toBe(true);
    }
    const template2 = await world.app.request
      .get(`/api/v1/coupon-templates/${template.id}`)
      .set(world.marketer.auth);
    expect(template2.body.issued).toBe(2500);
    expect(
      await count('events', {
        type: 'coupon_batch.completed',
        'subject.couponBatchId': batchId.toHexString(),
      }),
    ).toBe(1);
    // Running the job again (a second delivery) changes nothing.
    await services().coupons.runBatch(batchId);
    expect(await count('coupons', { batchId })).toBe(2500);
  });

  it('never aborts on collisions: duplicate codes are generated again', async () => {
    const template = await createTemplate();
    const first = await batchOf(template.id, 50);
    const created = await world.app.request
      .post(`/api/v1/coupon-templates/${template.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 100 })
      .expect(202);
    let calls = 0;
    // The first draw repeats 30 codes of the first batch (and one of its own twice): each must be drawn again.
    const generate = (format: { prefix: string; length: number }, n: number) => {
      calls += 1;
      const fresh = generateCodes(format, n);
      if (calls > 1) return fresh;
      return [...first.codes.slice(0, 30), fresh[0] ?? '', ...fresh.slice(0, n - 31)];
    };
    const batch = await services().coupons.runBatch(new Types.ObjectId(created.body.id as string), {
      generate,
    });
    expect(batch.generated).toBe(100);
    expect(batch.collisions).toBe(31);
    expect(await count('coupons', { batchId: new Types.ObjectId(created.body.id as string) })).toBe(100);
  });

  it('resumes after a crash without a gap or a duplicate', async () => {
    const template = await createTemplate();
    const created = await world.app.request
      .post(`/api/v1/coupon-templates/${template.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 300 })
      .expect(202);
    const batchId = new Types.ObjectId(created.body.id as string);
    let chunks = 0;
    const crashing = (format: { prefix: string; length: number }, n: number) => {
      chunks += 1;
      if (chunks === 3) throw new Error('worker killed');
      return generateCodes(format, n);
    };
    await expect(services().coupons.runBatch(batchId, { chunk: 100, generate: crashing })).rejects.toThrow(
      'worker killed',
    );
    expect(await count('coupons', { batchId })).toBe(200);
    const progress = await world.app.request
      .get(`/api/v1/coupon-batches/${batchId.toHexString()}`)
      .set(world.marketer.auth)
      .expect(200);
    expect(progress.body).toMatchObject({ status: 'running', generated: 200, count: 300, percent: 66 });
    const done = await services().coupons.runBatch(batchId, { chunk: 100 });
    expect(done).toMatchObject({ status: 'completed', generated: 300 });
    expect(await count('coupons', { batchId })).toBe(300);
    const after = await world.app.request
      .get(`/api/v1/coupon-templates/${template.id}`)
      .set(world.marketer.auth);
    expect(after.body.issued).toBe(300);
  });

  it('refuses a batch the code format makes guessable, and a batch of an assigned template', async () => {
    const weak = await createTemplate({ codeFormat: { prefix: '', length: 8 } });
    const refused = await world.app.request
      .post(`/api/v1/coupon-templates/${weak.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 1000 })
      .expect(422);
    expect(refused.body.error.code).toBe('COUPON_CODE_FORMAT_WEAK');
    expect(refused.body.error.details.minimumLength).toBeGreaterThan(8);
    const assigned = await createTemplate({ kind: 'assigned' });
    const mismatch = await world.app.request
      .post(`/api/v1/coupon-templates/${assigned.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 10 })
      .expect(409);
    expect(mismatch.body.error.code).toBe('COUPON_TEMPLATE_KIND_MISMATCH');
    expect(await count('coupon_batches', { templateId: new Types.ObjectId(weak.id) })).toBe(0);
  });
});

describe('a coupon at the till (the checkout port)', () => {
  it('holds a one-use coupon for exactly one of 20 concurrent checkouts', async () => {
    const template = await createTemplate();
    const { codes } = await batchOf(template.id, 1);
    const code = codes[0] ?? '';
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        hold(code, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }]))),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as AppError).code).toBe('COUPON_ALREADY_USED');
    }
    const doc = await mongoose.connection.collection('coupons').findOne({ code });
    expect(doc).toMatchObject({ remaining: 0, held: 1, uses: 0 });
  });

  it('holds one use per member of a template limited to one use per member, across 20 checkouts', async () => {
    const template = await createTemplate({ perMemberLimit: 1, usesPerCoupon: 50 });
    const { codes } = await batchOf(template.id, 1);
    const member = await createMember(world);
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        hold(codes[0] ?? '', contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }], member.id))),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as AppError).code] : []));
    expect(new Set(reasons)).toEqual(new Set(['COUPON_LIMIT_REACHED']));
  });

  it('accepts a code typed in any case with spaces and hyphens, and its signed QR; refuses a forged QR', async () => {
    const template = await createTemplate({ usesPerCoupon: 10 });
    const { codes } = await batchOf(template.id, 1);
    const code = codes[0] ?? '';
    const typed = ` ${code
      .toLowerCase()
      .match(/.{1,4}/g)
      ?.join('-')} `;
    const terms = await hold(typed, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
    expect(terms).toMatchObject({ kind: 'percent_discount', percent: 10, label: '10% off' });
    const qr = services().signedCodes.sign('coupon', code);
    await hold(qr, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
    const forged = `${qr.slice(0, -3)}AAA`;
    const error = await holdError(forged, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
    expect(error.code).toBe('QR_SIGNATURE_INVALID');
    expect(error.status).toBe(422);
  });

  it('refuses a bearer code once it is spent, and gives the use back when the checkout releases it', async () => {
    const template = await createTemplate();
    const { codes } = await batchOf(template.id, 1);
    const code = codes[0] ?? '';
    const first = contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }]));
    const terms = await hold(code, first);
    await runInTransaction((session) =>
      port().releaseInSession(session, {
        refId: terms.refId,
        checkoutId: first.checkout._id,
        actor: first.actor,
        now: clock.now(),
        reason: 'cancelled',
      }),
    );
    await useCoupon(code, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
    const error = await holdError(code, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
    expect(error.code).toBe('COUPON_ALREADY_USED');
    const doc = await mongoose.connection.collection('coupons').findOne({ code });
    expect(doc).toMatchObject({ status: 'used', remaining: 0, held: 0, uses: 1 });
    expect(await count('events', { type: 'coupon.redeemed', 'subject.couponId': String(doc?._id) })).toBe(1);
  });

  it('answers an assigned coupon presented by another member, or anonymously, as a code that does not exist', async () => {
    const template = await createTemplate({ kind: 'assigned' });
    const [owner, other] = [await createMember(world), await createMember(world)];
    const assigned = await world.app.request
      .post(`/api/v1/coupon-templates/${template.id}/assign`)
      .set(world.marketer.auth)
      .send({ memberIds: [owner.id] })
      .expect(201);
    const coupon = assigned.body.items[0] as { id: string; code: string };
    const basket = [{ sku: 'A', unitPriceMinor: 1000 }];
    const byOther = await holdError(coupon.code, contextOf(checkoutOf(basket, other.id)));
    const anonymous = await holdError(coupon.code, contextOf(checkoutOf(basket)));
    const unknown = await holdError('ZZZZ-ZZZZ-ZZZZ-Z', contextOf(checkoutOf(basket, other.id)));
    for (const error of [byOther, anonymous, unknown]) {
      expect(error.code).toBe('COUPON_NOT_FOUND');
      expect(error.message).toBe(unknown.message);
    }
    const byWallet = await holdError(
      null,
      contextOf(checkoutOf(basket, other.id)),
      new Types.ObjectId(coupon.id),
    );
    expect(byWallet.code).toBe('COUPON_NOT_FOUND');
    const mine = await hold(null, contextOf(checkoutOf(basket, owner.id)), new Types.ObjectId(coupon.id));
    expect(mine.refId.toHexString()).toBe(coupon.id);
    const candidates = await port().walletCandidates?.(new Types.ObjectId(owner.id), clock.now());
    expect(candidates).toEqual([]); // its only use is held
  });

  it('says precisely why a coupon does not apply', async () => {
    const basket = [{ sku: 'LATTE', category: 'coffee', unitPriceMinor: 1240 }];
    const minimum = await createTemplate({ conditions: { minBasketMinor: 1500 } });
    const error = await holdError(
      (await batchOf(minimum.id, 1)).codes[0] ?? '',
      contextOf(checkoutOf(basket)),
    );
    expect(error.code).toBe('MIN_BASKET_NOT_MET');
    expect(error.details).toEqual({ minBasketMinor: 1500, basketMinor: 1240 });

    const cakes = await createTemplate({ conditions: { appliesTo: { categories: ['cake'] } } });
    const items = await holdError((await batchOf(cakes.id, 1)).codes[0] ?? '', contextOf(checkoutOf(basket)));
    expect(items.code).toBe('NOT_APPLICABLE_TO_ITEMS');

    const future = await createTemplate({
      validity: {
        type: 'window',
        startsAt: new Date(clock.now().getTime() + DAY).toISOString(),
        endsAt: new Date(clock.now().getTime() + 9 * DAY).toISOString(),
      },
    });
    const early = await holdError(
      (await batchOf(future.id, 1)).codes[0] ?? '',
      contextOf(checkoutOf(basket)),
    );
    expect(early.code).toBe('COUPON_NOT_YET_ACTIVE');

    const short = await createTemplate({ validity: { type: 'relative', daysFromIssue: 1 } });
    const { codes } = await batchOf(short.id, 1);
    const late = await holdError(
      codes[0] ?? '',
      contextOf(checkoutOf(basket), { now: new Date(clock.now().getTime() + 2 * DAY) }),
    );
    expect(late.code).toBe('COUPON_EXPIRED');

    const tagged = await createTemplate({ conditions: { tags: ['vip'] } });
    const member = await createMember(world);
    const tags = await holdError(
      (await batchOf(tagged.id, 1)).codes[0] ?? '',
      contextOf(checkoutOf(basket, member.id)),
    );
    expect(tags.code).toBe('COUPON_CONDITIONS_NOT_MET');
    expect(tags.details).toEqual({ condition: 'tags' });

    const capped = await createTemplate({ totalCap: 1 });
    const two = await batchOf(capped.id, 2);
    await hold(two.codes[0] ?? '', contextOf(checkoutOf(basket)));
    const cap = await holdError(two.codes[1] ?? '', contextOf(checkoutOf(basket)));
    expect(cap.code).toBe('COUPON_LIMIT_REACHED');
    expect(cap.details).toMatchObject({ scope: 'total', limit: 1 });

    const exclusive = await createTemplate({ stacking: { withCoupons: false, withRewards: false } });
    const withReward = checkoutOf(basket);
    withReward.applied = [
      {
        _id: new Types.ObjectId(),
        type: 'reward',
        kind: 'fixed_discount',
        label: 'Reward',
        rewardId: new Types.ObjectId(),
        stampRewardId: null,
        redemptionId: null,
        points: 10,
        valueMinor: 100,
        percent: null,
        sku: null,
        appliedAt: clock.now(),
      },
    ];
    const stack = await holdError((await batchOf(exclusive.id, 1)).codes[0] ?? '', contextOf(withReward));
    expect(stack.code).toBe('COUPON_NOT_STACKABLE');
  });

  it('limits wrong codes to 10 a minute per credential: then 429 with Retry-After', async () => {
    const principal = {
      kind: 'apiKey' as const,
      id: `till-${randomUUID()}`,
      scopes: ['checkouts:write' as const],
      storeId: null,
      name: 'till',
    };
    const template = await createTemplate();
    const { codes } = await batchOf(template.id, 1);
    for (let i = 0; i < 10; i += 1) {
      const error = await holdError(
        `WRONG${i}`,
        contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }]), { principal }),
      );
      expect(error.code).toBe('COUPON_NOT_FOUND');
    }
    const limited = await holdError(
      'WRONG11',
      contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }]), { principal }),
    );
    expect(limited.code).toBe('RATE_LIMITED');
    expect(limited.status).toBe(429);
    expect((limited as AppError & { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(0);
    // Even a right code waits out the minute from this credential; another till is not affected.
    const blocked = await holdError(
      codes[0] ?? '',
      contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }]), { principal }),
    );
    expect(blocked.code).toBe('RATE_LIMITED');
    await hold(codes[0] ?? '', contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }])));
  });

  it('limits wrong codes per address across credentials', async () => {
    const clientIp = '192.0.2.77';
    for (let i = 0; i < 10; i += 1) {
      await holdError(
        `WRONGIP${i}`,
        contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }]), { clientIp }),
      );
    }
    const limited = await holdError(
      'WRONGIP',
      contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }]), { clientIp }),
    );
    expect(limited.code).toBe('RATE_LIMITED');
  });
});

describe('bounce-back coupons (the issueCoupon rule effect)', () => {
  it('refuses to publish a rule naming an unknown or archived template (422, precise path)', async () => {
    const created = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({
        definition: {
          name: 'Bounce',
          effects: [{ type: 'issueCoupon', couponTemplateId: new Types.ObjectId().toHexString() }],
        },
      })
      .expect(201);
    const refused = await world.app.request
      .post(`/api/v1/rules/${created.body.id as string}/publish`)
      .set(world.marketer.auth)
      .expect(422);
    expect(refused.body.error.code).toBe('COUPON_TEMPLATE_NOT_AVAILABLE');
    expect(refused.body.error.details[0].path).toBe('definition.effects[0].couponTemplateId');
    const archived = await createTemplate({ kind: 'assigned' });
    await world.app.request
      .post(`/api/v1/coupon-templates/${archived.id}/archive`)
      .set(world.marketer.auth)
      .expect(200);
    const again = await world.app.request
      .post('/api/v1/rules')
      .set(world.marketer.auth)
      .send({
        definition: { name: 'Bounce 2', effects: [{ type: 'issueCoupon', couponTemplateId: archived.id }] },
      })
      .expect(201);
    const refusedArchived = await world.app.request
      .post(`/api/v1/rules/${again.body.id as string}/publish`)
      .set(world.marketer.auth)
      .expect(422);
    expect(refusedArchived.body.error.code).toBe('COUPON_TEMPLATE_NOT_AVAILABLE');
  });

  it('issues a coupon on purchase, active after the return window, and voids it if the purchase is refunded before', async () => {
    const template = await createTemplate({
      kind: 'assigned',
      name: 'Come back: 15% off',
      discount: { kind: 'percent', percent: 15 },
      validity: { type: 'relative', daysFromIssue: 30, activationDelayDays: 14 },
    });
    const category = `bb-${randomUUID().slice(0, 8)}`;
    const ruleId = await publishRule(world.app, world.marketer, {
      name: `Bounce-back ${category}`,
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 1 },
      effects: [{ type: 'issueCoupon', couponTemplateId: template.id }],
    });
    const member = await createMember(world);
    const buy = async () =>
      world.app.request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({
          memberId: member.id,
          storeId: world.storeId,
          currency: 'EUR',
          totalMinor: 2000,
          items: [{ sku: 'SHOE', category, quantity: 1, unitPriceMinor: 2000 }],
        })
        .expect(201);
    const kept = await buy();
    const returned = await buy();
    const wallet = await world.app.request
      .get(`/api/v1/members/${member.id}/wallet`)
      .set(world.cashier.auth)
      .expect(200);
    const coupons = wallet.body.coupons as Array<{
      id: string;
      code: string;
      qrPayload: string;
      isActiveNow: boolean;
      validFrom: string;
    }>;
    expect(coupons).toHaveLength(2);
    expect(coupons.every((c) => !c.isActiveNow)).toBe(true);
    expect(Date.parse(coupons[0]?.validFrom ?? '') - clock.now().getTime()).toBe(14 * DAY);
    expect(await count('events', { type: 'coupon.issued', memberId: new Types.ObjectId(member.id) })).toBe(2);

    // Not yet: the return window is open.
    const basket = [{ sku: 'SOCK', unitPriceMinor: 900 }];
    const early = await holdError(coupons[0]?.qrPayload ?? '', contextOf(checkoutOf(basket, member.id)));
    expect(early.code).toBe('COUPON_NOT_YET_ACTIVE');

    // The second sale comes back inside the window: its coupon is voided, the first stays.
    await world.app.request
      .post(`/api/v1/purchases/${returned.body.id as string}/refunds`)
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ amountMinor: 2000 })
      .expect(201);
    const voided = await mongoose.connection
      .collection('coupons')
      .findOne({ 'issuedBy.purchaseId': new Types.ObjectId(returned.body.id as string) });
    expect(voided?.status).toBe('voided');
    expect(await count('events', { type: 'coupon.voided', 'subject.couponId': String(voided?._id) })).toBe(1);

    // After the window: the kept sale's coupon works.
    clock.advance(15 * DAY);
    try {
      const keptCoupon = await mongoose.connection
        .collection('coupons')
        .findOne({ 'issuedBy.purchaseId': new Types.ObjectId(kept.body.id as string) });
      const terms = await hold(
        null,
        contextOf(checkoutOf(basket, member.id)),
        keptCoupon?._id as Types.ObjectId,
      );
      expect(terms).toMatchObject({ kind: 'percent_discount', percent: 15 });
      const after = await world.app.request
        .get(`/api/v1/members/${member.id}/coupons`)
        .set(world.cashier.auth)
        .expect(200);
      const statuses = (after.body.items as Array<{ status: string }>).map((c) => c.status).sort();
      expect(statuses).toEqual(['active', 'voided']);
    } finally {
      await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth);
    }
  });

  it('gives the use back when the purchase it paid for is refunded, while the coupon is valid', async () => {
    const template = await createTemplate({ restoreOnRefund: true });
    const { codes } = await batchOf(template.id, 1);
    const code = codes[0] ?? '';
    const member = await createMember(world);
    const purchase = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        memberId: member.id,
        storeId: world.storeId,
        currency: 'EUR',
        totalMinor: 900,
        items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1000, discountMinor: 100 }],
      })
      .expect(201);
    await useCoupon(
      code,
      contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }], member.id)),
      new Types.ObjectId(purchase.body.id as string),
    );
    const refund = () =>
      world.app.request
        .post(`/api/v1/purchases/${purchase.body.id as string}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', 'refund-coupon-1')
        .send({ amountMinor: 900 });
    await refund().expect(201);
    await refund().expect(201); // a retry restores nothing twice
    const doc = await mongoose.connection.collection('coupons').findOne({ code });
    expect(doc).toMatchObject({ status: 'active', remaining: 1, uses: 0 });
    expect(await count('events', { type: 'coupon.restored', 'subject.couponId': String(doc?._id) })).toBe(1);
    await hold(code, contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }])));
  });
});

describe('POST /api/v1/checkouts/:id/applied { type: "coupon" }', () => {
  const items = [
    { sku: 'LATTE', name: 'Latte', category: 'coffee', quantity: 2, unitPriceMinor: 400 },
    { sku: 'CAKE', name: 'Cake', category: 'bakery', quantity: 1, unitPriceMinor: 600 },
  ];
  const open = async (memberId?: string) => {
    const response = await world.app.request
      .post('/api/v1/checkouts')
      .set(world.cashier.auth)
      .send({ storeId: world.storeId, currency: 'EUR', items, ...(memberId ? { member: { memberId } } : {}) })
      .expect(201);
    return response.body as { id: string; totals: { toPayMinor: number } };
  };
  const apply = (checkoutId: string, body: Record<string, unknown>) =>
    world.app.request.post(`/api/v1/checkouts/${checkoutId}/applied`).set(world.cashier.auth).send(body);
  const complete = (checkoutId: string) =>
    world.app.request
      .post(`/api/v1/checkouts/${checkoutId}/complete`)
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({});

  it('takes the coupon off the basket, uses it on completion, and refuses the spent code afterwards', async () => {
    const template = await createTemplate({
      name: '20% off coffee',
      discount: { kind: 'percent', percent: 20 },
      conditions: { appliesTo: { categories: ['coffee'] } },
    });
    const { codes } = await batchOf(template.id, 1);
    const checkout = await open();
    const applied = await apply(checkout.id, { type: 'coupon', code: codes[0]?.toLowerCase() }).expect(201);
    expect(applied.body.totals).toMatchObject({ subtotalMinor: 1400, discountMinor: 160, toPayMinor: 1240 });
    await complete(checkout.id).expect(200);
    const doc = await mongoose.connection.collection('coupons').findOne({ code: codes[0] });
    expect(doc).toMatchObject({ status: 'used', uses: 1, held: 0 });
    const again = await open();
    const refused = await apply(again.id, { type: 'coupon', code: codes[0] }).expect(409);
    expect(refused.body.error.code).toBe('COUPON_ALREADY_USED');
  });

  it('gives the use back when the sale is undone at the till, and voids a bounce-back coupon it issued', async () => {
    const used = await createTemplate({ name: '€1 off', discount: { kind: 'fixed', amountMinor: 100 } });
    const { codes } = await batchOf(used.id, 1);
    const bounce = await createTemplate({
      kind: 'assigned',
      name: 'Back soon',
      validity: { type: 'relative', daysFromIssue: 30, activationDelayDays: 7 },
    });
    const category = `undo-${randomUUID().slice(0, 8)}`;
    const ruleId = await publishRule(world.app, world.marketer, {
      name: `Bounce ${category}`,
      conditions: { field: 'purchase.channel', op: 'eq', value: category },
      effects: [{ type: 'issueCoupon', couponTemplateId: bounce.id }],
    });
    try {
      const member = await createMember(world);
      const checkout = (
        await world.app.request
          .post('/api/v1/checkouts')
          .set(world.cashier.auth)
          .send({
            storeId: world.storeId,
            currency: 'EUR',
            member: { memberId: member.id },
            channel: category,
            items: [{ sku: 'BAG', quantity: 1, unitPriceMinor: 1500 }],
          })
          .expect(201)
      ).body as { id: string };
      await apply(checkout.id, { type: 'coupon', code: codes[0] }).expect(201);
      const done = await complete(checkout.id).expect(200);
      const purchaseId = done.body.purchaseId as string;
      const issued = await mongoose.connection
        .collection('coupons')
        .findOne({ 'issuedBy.purchaseId': new Types.ObjectId(purchaseId) });
      expect(issued?.status).toBe('active');
      await world.app.request
        .post(`/api/v1/checkouts/${checkout.id}/undo`)
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({})
        .expect(200);
      expect(await mongoose.connection.collection('coupons').findOne({ code: codes[0] })).toMatchObject({
        status: 'active',
        remaining: 1,
        uses: 0,
      });
      expect((await mongoose.connection.collection('coupons').findOne({ _id: issued?._id }))?.status).toBe(
        'voided',
      );
    } finally {
      await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth);
    }
  });

  it('gives one of 20 concurrent checkouts the only use of a coupon', async () => {
    const template = await createTemplate();
    const { codes } = await batchOf(template.id, 1);
    const checkouts = await Promise.all(Array.from({ length: 20 }, () => open()));
    const answers = await Promise.all(checkouts.map((c) => apply(c.id, { type: 'coupon', code: codes[0] })));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(new Set(answers.filter((a) => a.status !== 201).map((a) => a.body.error.code))).toEqual(
      new Set(['COUPON_ALREADY_USED']),
    );
  });

  it('offers an assigned coupon of the member at the till, applied by its id', async () => {
    const template = await createTemplate({
      kind: 'assigned',
      name: '€3 off',
      discount: { kind: 'fixed', amountMinor: 300 },
    });
    const member = await createMember(world);
    const [coupon] = (
      await world.app.request
        .post(`/api/v1/coupon-templates/${template.id}/assign`)
        .set(world.marketer.auth)
        .send({ memberIds: [member.id] })
        .expect(201)
    ).body.items as Array<{ id: string }>;
    const checkout = (
      await world.app.request
        .post('/api/v1/checkouts')
        .set(world.cashier.auth)
        .send({ storeId: world.storeId, currency: 'EUR', items, member: { memberId: member.id } })
        .expect(201)
    ).body as { id: string; offers: Array<{ type: string; couponId: string | null; isApplicable: boolean }> };
    expect(checkout.offers).toContainEqual(
      expect.objectContaining({ type: 'coupon', couponId: coupon?.id, isApplicable: true }),
    );
    const applied = await apply(checkout.id, { type: 'coupon', couponId: coupon?.id }).expect(201);
    expect(applied.body.totals.discountMinor).toBe(300);
    // Another member's checkout cannot take it, by id or by code.
    const other = await createMember(world);
    const otherCheckout = await open(other.id);
    const byId = await apply(otherCheckout.id, { type: 'coupon', couponId: coupon?.id }).expect(404);
    expect(byId.body.error.code).toBe('COUPON_NOT_FOUND');
  });

  it('counts an unclassified wrong code once (as a certificate miss), not also as a wrong coupon code', async () => {
    const key = await world.app.request
      .post('/api/v1/api-keys')
      .set(world.admin.auth)
      .send({ name: `till ${randomUUID().slice(0, 6)}`, scopes: ['checkouts:write'] })
      .expect(201);
    const till = { 'X-Api-Key': key.body.key as string };
    const checkout = await world.app.request
      .post('/api/v1/checkouts')
      .set(till)
      .send({ storeId: world.storeId, currency: 'EUR', items })
      .expect(201);
    const applyAs = (body: Record<string, unknown>) =>
      world.app.request
        .post(`/api/v1/checkouts/${checkout.body.id as string}/applied`)
        .set(till)
        .send(body);
    for (let i = 0; i < 10; i += 1) {
      const wrong = await applyAs({ type: 'code', code: `WHAT-${i}-XXXX` }).expect(404);
      expect(wrong.body.error.code).toBe('CODE_NOT_FOUND');
    }
    // The coupon limit was not used up by them: a coupon code still goes through from this till.
    const template = await createTemplate();
    const { codes } = await batchOf(template.id, 1);
    await applyAs({ type: 'coupon', code: codes[0] }).expect(201);
  });

  it('answers 429 with Retry-After after 10 wrong codes from one till', async () => {
    const key = await world.app.request
      .post('/api/v1/api-keys')
      .set(world.admin.auth)
      .send({ name: `till ${randomUUID().slice(0, 6)}`, scopes: ['checkouts:write'] })
      .expect(201);
    const till = { 'X-Api-Key': key.body.key as string };
    const checkout = await world.app.request
      .post('/api/v1/checkouts')
      .set(till)
      .send({ storeId: world.storeId, currency: 'EUR', items })
      .expect(201);
    for (let i = 0; i < 10; i += 1) {
      const wrong = await world.app.request
        .post(`/api/v1/checkouts/${checkout.body.id as string}/applied`)
        .set(till)
        .send({ type: 'coupon', code: `NOPE-${i}-XXXX` })
        .expect(404);
      expect(wrong.body.error.code).toBe('COUPON_NOT_FOUND');
    }
    const limited = await world.app.request
      .post(`/api/v1/checkouts/${checkout.body.id as string}/applied`)
      .set(till)
      .send({ type: 'coupon', code: 'NOPE-X-XXXX' })
      .expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });
});

describe('managers and coupon templates', () => {
  it('lets a manager read the templates and give a member a coupon, but not design one', async () => {
    const template = await createTemplate({ kind: 'assigned', name: `Sorry ${randomUUID().slice(0, 6)}` });
    const listed = await world.app.request
      .get('/api/v1/coupon-templates?status=active&kind=assigned&limit=100')
      .set(world.manager.auth)
      .expect(200);
    expect((listed.body.items as Array<{ id: string }>).map((t) => t.id)).toContain(template.id);
    await world.app.request
      .get(`/api/v1/coupon-templates/${template.id}`)
      .set(world.manager.auth)
      .expect(200);
    const member = await createMember(world);
    const given = await world.app.request
      .post(`/api/v1/members/${member.id}/coupons`)
      .set(world.manager.auth)
      .send({ templateId: template.id, reason: 'Long wait at the till' })
      .expect(201);
    expect(given.body).toMatchObject({ templateId: template.id, memberId: member.id, status: 'active' });
    const refused = await world.app.request
      .post('/api/v1/coupon-templates')
      .set(world.manager.auth)
      .send(templateBody())
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await world.app.request
      .post(`/api/v1/coupon-templates/${template.id}/batches`)
      .set(world.manager.auth)
      .send({ count: 1 })
      .expect(403);
    // A cashier still does not read them.
    await world.app.request.get('/api/v1/coupon-templates').set(world.cashier.auth).expect(403);
  });
});

describe('partial refunds and coupons (the policy)', () => {
  it('keeps a used coupon used, and a bounce-back coupon valid, when only part of the purchase comes back', async () => {
    const template = await createTemplate({
      kind: 'assigned',
      name: 'Come back (partial)',
      validity: { type: 'relative', daysFromIssue: 30, activationDelayDays: 14 },
    });
    const category = `pr-${randomUUID().slice(0, 8)}`;
    // The bounce-back rule needs a purchase of €20 or more; the refund leaves €5 of it.
    const ruleId = await publishRule(world.app, world.marketer, {
      name: `Bounce-back partial ${category}`,
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 2000 },
      effects: [{ type: 'issueCoupon', couponTemplateId: template.id }],
    });
    try {
      const used = await createTemplate({ restoreOnRefund: true });
      const { codes } = await batchOf(used.id, 1);
      const member = await createMember(world);
      const purchase = await world.app.request
        .post('/api/v1/purchases')
        .set(world.cashier.auth)
        .set('Idempotency-Key', randomUUID())
        .send({
          memberId: member.id,
          storeId: world.storeId,
          currency: 'EUR',
          totalMinor: 2500,
          items: [{ sku: 'BOOT', category, quantity: 1, unitPriceMinor: 2500 }],
        })
        .expect(201);
      const purchaseId = new Types.ObjectId(purchase.body.id as string);
      await useCoupon(
        codes[0] ?? '',
        contextOf(checkoutOf([{ sku: 'BOOT', unitPriceMinor: 2500 }], member.id)),
        purchaseId,
      );
      const issued = await mongoose.connection
        .collection('coupons')
        .findOne({ 'issuedBy.purchaseId': purchaseId });
      expect(issued?.status).toBe('active');
      await world.app.request
        .post(`/api/v1/purchases/${purchase.body.id as string}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ amountMinor: 2000 })
        .expect(201);
      // Part of the sale stayed: the bounce-back coupon stays (€5 kept is under the rule's €20: still not voided),
      // and the coupon that paid for it stays used.
      expect(await mongoose.connection.collection('coupons').findOne({ _id: issued?._id })).toMatchObject({
        status: 'active',
      });
      expect(await mongoose.connection.collection('coupons').findOne({ code: codes[0] })).toMatchObject({
        status: 'used',
        uses: 1,
        remaining: 0,
      });
      // The rest comes back: now the purchase is refunded in full, the bounce-back coupon is voided and the
      // used coupon gets its use back.
      await world.app.request
        .post(`/api/v1/purchases/${purchase.body.id as string}/refunds`)
        .set(world.manager.auth)
        .set('Idempotency-Key', randomUUID())
        .send({ amountMinor: 500 })
        .expect(201);
      expect(await mongoose.connection.collection('coupons').findOne({ _id: issued?._id })).toMatchObject({
        status: 'voided',
      });
      expect(await mongoose.connection.collection('coupons').findOne({ code: codes[0] })).toMatchObject({
        status: 'active',
        uses: 0,
        remaining: 1,
      });
    } finally {
      await world.app.request.post(`/api/v1/rules/${ruleId}/archive`).set(world.marketer.auth);
    }
  });
});

// Last in the file: these tests move the clock weeks forward.
describe('coupon expiry (the coupons.expire sweep)', () => {
  const wallet = async (memberId: string) =>
    (await world.app.request.get(`/api/v1/members/${memberId}/wallet`).set(world.cashier.auth).expect(200))
      .body.coupons as Array<{ id: string; expiresInDays: number | null; validUntil: string }>;
  const couponDoc = (filter: Record<string, unknown>) =>
    mongoose.connection.collection('coupons').findOne(filter);

  it('says "expires in N days" in the wallet within the last week, then expires the coupon with its event', async () => {
    const template = await createTemplate({
      kind: 'assigned',
      name: 'Ten days',
      validity: { type: 'relative', daysFromIssue: 10 },
    });
    const member = await createMember(world);
    const given = await world.app.request
      .post(`/api/v1/members/${member.id}/coupons`)
      .set(world.marketer.auth)
      .send({ templateId: template.id })
      .expect(201);
    const couponId = given.body.id as string;
    expect((await wallet(member.id)).find((c) => c.id === couponId)?.expiresInDays).toBeNull();
    clock.advance(5 * DAY);
    expect((await wallet(member.id)).find((c) => c.id === couponId)?.expiresInDays).toBe(5);
    clock.advance(4 * DAY + 12 * 3600_000);
    expect((await wallet(member.id)).find((c) => c.id === couponId)?.expiresInDays).toBe(1);

    clock.advance(DAY);
    // Past its end and not swept yet: already refused at the till and out of the wallet.
    expect((await wallet(member.id)).some((c) => c.id === couponId)).toBe(false);
    const result = await services().coupons.expireDue({ batchSize: 2 });
    expect(result.expired).toBeGreaterThanOrEqual(1);
    const doc = await couponDoc({ _id: new Types.ObjectId(couponId) });
    expect(doc).toMatchObject({ status: 'expired', remaining: 1, uses: 0 });
    expect(doc?.expiredAt).toEqual(clock.now());
    const events = await mongoose.connection
      .collection('events')
      .find({ type: 'coupon.expired', 'subject.couponId': couponId })
      .toArray();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      memberId: new Types.ObjectId(member.id),
      occurredAt: new Date(given.body.validUntil as string),
      payload: { couponId, couponTemplateId: template.id, uses: 0, maxUses: 1 },
    });
    // A rerun expires nothing twice.
    await services().coupons.expireDue();
    expect(await count('events', { type: 'coupon.expired', 'subject.couponId': couponId })).toBe(1);
    // The member's coupon list says so, and keeps it under `expired`.
    const listed = await world.app.request
      .get(`/api/v1/members/${member.id}/coupons?status=expired`)
      .set(world.cashier.auth)
      .expect(200);
    expect((listed.body.items as Array<{ id: string; status: string }>).map((c) => [c.id, c.status])).toEqual(
      [[couponId, 'expired']],
    );
    const held = await holdError(
      null,
      contextOf(checkoutOf([{ sku: 'A', unitPriceMinor: 100 }], member.id)),
      new Types.ObjectId(couponId),
    );
    expect(held.code).toBe('COUPON_EXPIRED');
  });

  it('leaves a coupon an open checkout holds until the checkout releases it', async () => {
    const template = await createTemplate({ validity: { type: 'relative', daysFromIssue: 2 } });
    const { codes } = await batchOf(template.id, 2);
    const [heldCode, freeCode] = codes as [string, string];
    const checkout = checkoutOf([{ sku: 'A', unitPriceMinor: 1000 }]);
    const terms = await hold(heldCode, contextOf(checkout));
    clock.advance(3 * DAY);
    await services().coupons.expireDue();
    expect(await couponDoc({ code: freeCode })).toMatchObject({ status: 'expired' });
    expect(await couponDoc({ code: heldCode })).toMatchObject({ status: 'active', held: 1 });
    expect(await count('events', { type: 'coupon.expired', 'subject.couponId': String(terms.refId) })).toBe(
      0,
    );
    await runInTransaction((session) =>
      port().releaseInSession(session, {
        refId: terms.refId,
        checkoutId: checkout._id,
        actor: { kind: 'system', id: null, label: null },
        now: clock.now(),
        reason: 'expired',
      }),
    );
    await services().coupons.expireDue();
    expect(await couponDoc({ code: heldCode })).toMatchObject({ status: 'expired', held: 0, remaining: 1 });
    expect(await count('events', { type: 'coupon.expired', 'subject.couponId': String(terms.refId) })).toBe(
      1,
    );
  });

  it('runs as a sweep of the due-date jobs', async () => {
    const { allJobs } = await import('../../backend/src/jobs.js');
    const job = allJobs().find((j) => j.name === 'coupons.expire');
    expect(job?.sweep).toBe(true);
  });
});
