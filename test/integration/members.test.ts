import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, makePhone, signUpMember } from '../support/callers.js';
import { isValidCardNumberForTest } from './luhn.js';
import { buy, cardCode, createLedgerWorld, createMember, type LedgerWorld } from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(() => world.close());

describe('POST /api/v1/members', () => {
  it('registers a member with an E.164 phone, lowercased email and a Luhn card number', async () => {
    const phone = makePhone();
    const national = phone.replace('+34', '');
    const response = await world.app.request
      .post('/api/v1/members')
      .set(world.cashier.auth)
      .send({ name: 'Lucía Pérez', phone: national, email: `Lucia.${randomUUID().slice(0, 6)}@Example.COM` })
      .expect(201);
    expect(response.body.phone).toBe(phone);
    expect(response.body.email).toBe(response.body.email.toLowerCase());
    expect(response.body.cardNumber).toMatch(/^\d{12}$/);
    expect(isValidCardNumberForTest(response.body.cardNumber)).toBe(true);
  });

  it('answers 409 MEMBER_EXISTS for a phone already registered, in any format', async () => {
    const member = await createMember(world);
    const response = await world.app.request
      .post('/api/v1/members')
      .set(world.cashier.auth)
      .send({ name: 'Someone Else', phone: member.phone.replace('+34', '0034 ') })
      .expect(409);
    expect(response.body.error.code).toBe('MEMBER_EXISTS');
  });

  it('accepts an API key with members:write and refuses one without it', async () => {
    const writer = await createApiKey(world.app, ['members:write']);
    const reader = await createApiKey(world.app, ['members:read']);
    await world.app.request
      .post('/api/v1/members')
      .set(writer.auth)
      .send({ name: 'Key', phone: makePhone() })
      .expect(201);
    const refused = await world.app.request
      .post('/api/v1/members')
      .set(reader.auth)
      .send({ name: 'Key', phone: makePhone() })
      .expect(403);
    expect(refused.body.error.code).toBe('INSUFFICIENT_SCOPE');
  });

  it('refuses unknown fields and bad phones with a precise 400', async () => {
    const unknown = await world.app.request
      .post('/api/v1/members')
      .set(world.cashier.auth)
      .send({ name: 'X', phone: makePhone(), isBlocked: false })
      .expect(400);
    expect(unknown.body.error.message).toContain('isBlocked');
    const badPhone = await world.app.request
      .post('/api/v1/members')
      .set(world.cashier.auth)
      .send({ name: 'X', phone: '12' })
      .expect(400);
    expect(badPhone.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('GET /api/v1/members (lookup)', () => {
  it('finds by phone in national format, card number, email and name prefix', async () => {
    const email = `find.${randomUUID().slice(0, 8)}@example.test`;
    const member = await createMember(world, { name: 'Zoë Zubizarreta', email });
    const byPhone = await world.app.request
      .get('/api/v1/members')
      .query({ phone: member.phone.replace('+34', '') })
      .set(world.cashier.auth)
      .expect(200);
    expect(byPhone.body.items.map((m: { id: string }) => m.id)).toEqual([member.id]);
    const byCard = await world.app.request
      .get('/api/v1/members')
      .query({ cardNumber: member.cardNumber })
      .set(world.cashier.auth);
    expect(byCard.body.items[0].id).toBe(member.id);
    const byEmail = await world.app.request
      .get('/api/v1/members')
      .query({ email: email.toUpperCase() })
      .set(world.cashier.auth);
    expect(byEmail.body.items[0].id).toBe(member.id);
    const byName = await world.app.request
      .get('/api/v1/members')
      .query({ name: 'zoe zubi' })
      .set(world.cashier.auth);
    expect(byName.body.items.map((m: { id: string }) => m.id)).toContain(member.id);
  });

  it('pages newest first without repeating anyone', async () => {
    const prefix = `Page${randomUUID().slice(0, 6)}`;
    const created = [];
    for (let i = 0; i < 5; i += 1) created.push((await createMember(world, { name: `${prefix} ${i}` })).id);
    const first = await world.app.request
      .get('/api/v1/members')
      .query({ name: prefix, limit: 3 })
      .set(world.cashier.auth);
    const second = await world.app.request
      .get('/api/v1/members')
      .query({ name: prefix, limit: 3, cursor: first.body.nextCursor })
      .set(world.cashier.auth);
    const ids = [...first.body.items, ...second.body.items].map((m: { id: string }) => m.id);
    expect(ids).toEqual([...created].reverse());
    expect(second.body.nextCursor).toBeNull();
  });
});

describe('GET and PATCH /api/v1/members/:id', () => {
  it("gives a member their own detail and refuses another member's", async () => {
    const own = await signUpMember(world.app);
    const other = await signUpMember(world.app);
    const response = await world.app.request.get(`/api/v1/members/${own.memberId}`).set(own.auth).expect(200);
    expect(response.body).toMatchObject({
      id: own.memberId,
      balance: { available: 0, pending: 0, expiringSoon: [] },
      stats: {
        purchaseCount: 0,
        totalSpentMinor: 0,
        averageOrderMinor: 0,
        firstPurchaseAt: null,
        lastPurchaseAt: null,
      },
    });
    await world.app.request.get(`/api/v1/members/${other.memberId}`).set(own.auth).expect(403);
    await world.app.request.get(`/api/v1/members/${other.memberId}/ledger`).set(own.auth).expect(403);
    await world.app.request
      .patch(`/api/v1/members/${other.memberId}`)
      .set(own.auth)
      .send({ name: 'Hacked' })
      .expect(403);
  });

  it('updates the profile and marketing consents per channel', async () => {
    const member = await signUpMember(world.app);
    const response = await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(member.auth)
      .send({ name: 'New Name', consents: { sms: true } })
      .expect(200);
    expect(response.body.name).toBe('New Name');
    expect(response.body.consents).toEqual({ email: false, sms: true, push: false });
  });

  it('answers 404 MEMBER_NOT_FOUND for an unknown id', async () => {
    const response = await world.app.request
      .get('/api/v1/members/64b7f0f0f0f0f0f0f0f0f0f0')
      .set(world.cashier.auth)
      .expect(404);
    expect(response.body.error.code).toBe('MEMBER_NOT_FOUND');
  });
});

describe('blocking', () => {
  it('lets a manager block (not a cashier); a blocked member cannot earn', async () => {
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/block`)
      .set(world.cashier.auth)
      .send({ reason: 'fraud suspicion' })
      .expect(403);
    const blocked = await world.app.request
      .post(`/api/v1/members/${member.id}/block`)
      .set(world.manager.auth)
      .send({ reason: 'fraud suspicion' })
      .expect(200);
    expect(blocked.body.isBlocked).toBe(true);
    const purchase = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', randomUUID())
      .send({
        memberId: member.id,
        storeId: world.storeId,
        currency: 'EUR',
        totalMinor: 100,
        items: [{ sku: 'A', quantity: 1, unitPriceMinor: 100 }],
      })
      .expect(409);
    expect(purchase.body.error.code).toBe('MEMBER_BLOCKED');
    await world.app.request
      .post(`/api/v1/members/${member.id}/unblock`)
      .set(world.manager.auth)
      .send({})
      .expect(200);
    await buy(world, member.id, 100);
  });
  it("ends a blocked member's sessions at once: the access token answers 401 MEMBER_SESSION_BLOCKED, and again after unblocking it works", async () => {
    const member = await signUpMember(world.app);
    await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth).expect(200);
    await world.app.request
      .post(`/api/v1/members/${member.memberId}/block`)
      .set(world.manager.auth)
      .send({ reason: 'lost card' })
      .expect(200);
    const refused = await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(401);
    expect(refused.body.error.code).toBe('MEMBER_SESSION_BLOCKED');
    await world.app.request
      .post(`/api/v1/members/${member.memberId}/unblock`)
      .set(world.manager.auth)
      .send({})
      .expect(200);
    await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth).expect(200);
  });
});

describe('QR card codes', () => {
  it('identifies a member from a fresh card code, a typed card number and a phone', async () => {
    const member = await signUpMember(world.app);
    const card = await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(200);
    expect(card.body.totp).toEqual({
      algorithm: 'SHA1',
      digits: 6,
      periodSeconds: 30,
      payloadFormat: 'RGL1:<cardNumber>:<code>',
    });
    const code = cardCode(card.body.cardNumber, card.body.cardSecret);
    const byCode = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code })
      .expect(200);
    expect(byCode.body).toMatchObject({
      method: 'card_code',
      member: { id: member.memberId, balance: { available: 0, pending: 0 } },
    });
    const byNumber = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: card.body.cardNumber })
      .expect(200);
    expect(byNumber.body.method).toBe('card_number');
    const byPhone = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: member.phone })
      .expect(200);
    expect(byPhone.body).toMatchObject({ method: 'phone', member: { id: member.memberId } });
  });

  it('gives a till key without members:read no phone or email, and the name as first name and initial', async () => {
    const member = await signUpMember(world.app, { name: 'maria garcía lópez' });
    const till = await createApiKey(world.app, ['purchases:write', 'redemptions:write']);
    const reader = await createApiKey(world.app, ['members:read']);
    const identify = (auth: Record<string, string>) =>
      world.app.request.post('/api/v1/members/identify').set(auth).send({ code: member.phone }).expect(200);
    const restricted = (await identify(till.auth)).body.member;
    expect(restricted).toMatchObject({ id: member.memberId, name: 'maria G.', balance: { available: 0 } });
    expect(restricted).not.toHaveProperty('phone');
    expect(restricted).not.toHaveProperty('email');
    const full = (await identify(reader.auth)).body.member;
    expect(full).toMatchObject({ name: 'maria garcía lópez', phone: member.phone });
    const cashier = (await identify(world.cashier.auth)).body.member;
    expect(cashier).toMatchObject({ phone: member.phone });
  });

  it('accepts the previous step, refuses a code two steps old and a mistyped card number', async () => {
    const member = await signUpMember(world.app);
    const card = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const previous = cardCode(card.body.cardNumber, card.body.cardSecret, Date.now() - 30_000);
    await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: previous })
      .expect(200);
    const old = cardCode(card.body.cardNumber, card.body.cardSecret, Date.now() - 95_000);
    const refused = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: old })
      .expect(422);
    expect(refused.body.error.code).toBe('CARD_CODE_EXPIRED');
    const n: string = card.body.cardNumber;
    const typo = n.slice(0, 11) + String((Number(n[11]) + 1) % 10);
    const badNumber = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: typo })
      .expect(422);
    expect(badNumber.body.error.code).toBe('CARD_NUMBER_INVALID');
  });

  it('keeps the secret from staff and stops old codes after a rotation', async () => {
    const member = await signUpMember(world.app);
    await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(world.manager.auth)
      .expect(403);
    const before = await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth);
    const rotated = await world.app.request
      .post(`/api/v1/members/${member.memberId}/card/rotate`)
      .set(member.auth)
      .expect(200);
    expect(rotated.body.cardSecret).not.toBe(before.body.cardSecret);
    const oldCode = cardCode(before.body.cardNumber, before.body.cardSecret);
    const newCode = cardCode(rotated.body.cardNumber, rotated.body.cardSecret);
    await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: oldCode })
      .expect(422);
    await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: newCode })
      .expect(200);
    const byManager = await world.app.request
      .post(`/api/v1/members/${member.memberId}/card/rotate`)
      .set(world.manager.auth)
      .expect(200);
    expect(byManager.body.cardSecret).toBeUndefined();
  });
});

describe('card code guessing', () => {
  it('limits the codes tried per card to 30 a minute', async () => {
    const member = await createMember(world);
    const guesses = await Promise.all(
      Array.from({ length: 32 }, (_, i) =>
        world.app.request
          .post('/api/v1/members/identify')
          .set(world.cashier.auth)
          .send({ code: `RGL1:${member.cardNumber}:${String(100_000 + i)}` }),
      ),
    );
    const statuses = guesses.map((g) => g.status);
    expect(statuses.filter((s) => s === 422)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2);
  });
});
