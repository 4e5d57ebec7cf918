import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buy, cardCode, createLedgerWorld, expectLedgerClean, type LedgerWorld } from './ledger-helpers.js';
import { makePhone, signUpMember } from '../support/callers.js';

let world: LedgerWorld;

beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(async () => {
  await world.close();
});

const card = async (member: { memberId: string; auth: Record<string, string> }) =>
  (await world.app.request.get(`/api/v1/members/${member.memberId}/card`).set(member.auth).expect(200))
    .body as { cardNumber: string; cardSecret: string };

describe('PATCH /api/v1/members/:id by the member', () => {
  it('changes the name, email and birth date, and refuses a bad email with 400 and nothing written', async () => {
    const member = await signUpMember(world.app, { name: 'Lucía' });
    const url = `/api/v1/members/${member.memberId}`;
    const changed = await world.app.request
      .patch(url)
      .set(member.auth)
      .send({ name: 'Lucía Pérez', email: 'Lucia@Example.test', birthDate: '1990-04-02' })
      .expect(200);
    expect(changed.body).toMatchObject({
      name: 'Lucía Pérez',
      email: 'lucia@example.test',
      birthDate: '1990-04-02',
      deletedAt: null,
    });
    const refused = await world.app.request
      .patch(url)
      .set(member.auth)
      .send({ name: 'Someone else', email: 'not-an-email' })
      .expect(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    const after = await world.app.request.get(url).set(member.auth).expect(200);
    expect(after.body.name).toBe('Lucía Pérez');
  });

  it("refuses another member's profile with 403", async () => {
    const [a, b] = [await signUpMember(world.app), await signUpMember(world.app)];
    const refused = await world.app.request
      .patch(`/api/v1/members/${b.memberId}`)
      .set(a.auth)
      .send({ name: 'Taken over' })
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
  });
});

describe('GET /api/v1/members/:id/data-export', () => {
  it('answers one JSON attachment with the profile, the wallet, every ledger entry and every purchase', async () => {
    const member = await signUpMember(world.app, { name: 'Marta' });
    await buy(world, member.memberId, 1250);
    await buy(world, member.memberId, 800);
    const response = await world.app.request
      .get(`/api/v1/members/${member.memberId}/data-export`)
      .set(member.auth)
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="regulars-my-data-/);
    const data = response.body as {
      exportedAt: string;
      profile: { name: string; phone: string; balance: { available: number } };
      wallet: { memberId: string };
      ledger: { type: string; points: number }[];
      purchases: { totalMinor: number }[];
    };
    expect(data.profile).toMatchObject({ name: 'Marta', phone: member.phone });
    expect(data.profile.balance.available).toBe(20);
    expect(data.wallet.memberId).toBe(member.memberId);
    expect(data.ledger.map((entry) => [entry.type, entry.points])).toEqual([
      ['earn', 12],
      ['earn', 8],
    ]);
    expect(data.purchases.map((p) => p.totalMinor)).toEqual([1250, 800]);
  });

  it("is the member's own: another member and staff get 403", async () => {
    const [a, b] = [await signUpMember(world.app), await signUpMember(world.app)];
    await world.app.request.get(`/api/v1/members/${b.memberId}/data-export`).set(a.auth).expect(403);
    await world.app.request
      .get(`/api/v1/members/${b.memberId}/data-export`)
      .set(world.manager.auth)
      .expect(403);
  });
});

describe('DELETE /api/v1/members/:id', () => {
  it('erases the personal fields, blocks the card and replaces its secret, and keeps the ledger for the books', async () => {
    const phone = makePhone();
    const member = await signUpMember(world.app, { phone, name: 'Pablo Ruiz' });
    await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(member.auth)
      .send({
        email: `pablo-${member.memberId}@example.test`,
        birthDate: '1985-01-09',
        consents: { sms: true },
      })
      .expect(200);
    await buy(world, member.memberId, 3000);
    const { cardNumber, cardSecret } = await card(member);
    const ledgerBefore = await world.app.request
      .get(`/api/v1/members/${member.memberId}/ledger`)
      .set(world.manager.auth)
      .expect(200);

    const deleted = await world.app.request
      .delete(`/api/v1/members/${member.memberId}`)
      .set(member.auth)
      .expect(200);
    expect(deleted.body).toEqual({ id: member.memberId, deletedAt: expect.any(String) });

    const detail = await world.app.request
      .get(`/api/v1/members/${member.memberId}`)
      .set(world.manager.auth)
      .expect(200);
    expect(detail.body).toMatchObject({
      name: 'Deleted member',
      email: null,
      birthDate: null,
      consents: { email: false, sms: false, push: false },
      tags: [],
      isBlocked: true,
      deletedAt: deleted.body.deletedAt,
      cardNumber,
      balance: { available: 30 },
      stats: { purchaseCount: 1, totalSpentMinor: 3000 },
    });
    expect(detail.body.phone).not.toContain(phone.slice(1));
    // The search by a word of the old name no longer finds the member.
    const search = await world.app.request
      .get('/api/v1/members?name=Ruiz')
      .set(world.manager.auth)
      .expect(200);
    expect(search.body.items.map((m: { id: string }) => m.id)).not.toContain(member.memberId);
    const ledgerAfter = await world.app.request
      .get(`/api/v1/members/${member.memberId}/ledger`)
      .set(world.manager.auth)
      .expect(200);
    expect(ledgerAfter.body.items).toEqual(ledgerBefore.body.items);

    // The phone's QR codes are refused at the till, the session ends, the refresh token too.
    const scanned = await world.app.request
      .post('/api/v1/members/identify')
      .set(world.cashier.auth)
      .send({ code: cardCode(cardNumber, cardSecret) })
      .expect(422);
    expect(scanned.body.error.code).toBe('CARD_CODE_EXPIRED');
    const session = await world.app.request
      .get(`/api/v1/members/${member.memberId}`)
      .set(member.auth)
      .expect(401);
    expect(session.body.error.code).toBe('MEMBER_SESSION_BLOCKED');
    await world.app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: member.refreshToken })
      .expect(401);
    // Nothing at the till earns on it any more.
    const sale = await world.app.request
      .post('/api/v1/purchases')
      .set(world.cashier.auth)
      .set('Idempotency-Key', `deleted-${member.memberId}`)
      .send({
        memberId: member.memberId,
        storeId: world.storeId,
        currency: 'EUR',
        totalMinor: 500,
        items: [{ sku: 'COFFEE', quantity: 1, unitPriceMinor: 500 }],
      });
    expect(sale.body.error?.code).toBe('MEMBER_BLOCKED');

    // The audit log keeps who did what, without the personal data; one entry and one event say so.
    const audit = await world.app.request
      .get(`/api/v1/audit?entityType=member&entityId=${member.memberId}`)
      .set(world.admin.auth)
      .expect(200);
    const text = JSON.stringify(audit.body.items);
    expect(text).not.toContain('Pablo');
    expect(text).not.toContain(phone);
    expect(text).not.toContain('1985-01-09');
    expect(audit.body.items.map((entry: { action: string }) => entry.action)).toContain('member.delete');
    const events = await world.app.request
      .get(`/api/v1/events?type=member.deleted&memberId=${member.memberId}`)
      .set(world.admin.auth)
      .expect(200);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0].payload).toEqual({
      memberId: member.memberId,
      deletedAt: deleted.body.deletedAt,
    });

    // A deleted account stays deleted; the phone may join again as a new member.
    const unblock = await world.app.request
      .post(`/api/v1/members/${member.memberId}/unblock`)
      .set(world.manager.auth)
      .send({})
      .expect(409);
    expect(unblock.body.error.code).toBe('MEMBER_DELETED');
    const edit = await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(world.manager.auth)
      .send({ name: 'Pablo again' })
      .expect(409);
    expect(edit.body.error.code).toBe('MEMBER_DELETED');
    const again = await signUpMember(world.app, { phone, name: 'Pablo Ruiz' });
    expect(again.memberId).not.toBe(member.memberId);
    await expectLedgerClean(world);
  });

  it("is the member's own: another member and staff get 403 and nothing changes", async () => {
    const [a, b] = [await signUpMember(world.app), await signUpMember(world.app, { name: 'Kept' })];
    await world.app.request.delete(`/api/v1/members/${b.memberId}`).set(a.auth).expect(403);
    await world.app.request.delete(`/api/v1/members/${b.memberId}`).set(world.admin.auth).expect(403);
    const detail = await world.app.request.get(`/api/v1/members/${b.memberId}`).set(b.auth).expect(200);
    expect(detail.body).toMatchObject({ name: 'Kept', isBlocked: false, deletedAt: null });
  });
});

describe('GET /api/v1/program/sign-up', () => {
  it('answers anyone with the name and the terms and privacy links an admin set; a bad link is 400', async () => {
    const refused = await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ termsUrl: 'javascript:alert(1)' })
      .expect(400);
    expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ termsUrl: 'https://shop.example/terms', privacyUrl: 'https://shop.example/privacy' })
      .expect(200);
    const info = await world.app.request.get('/api/v1/program/sign-up').expect(200);
    expect(info.body).toEqual({
      name: expect.any(String),
      termsUrl: 'https://shop.example/terms',
      privacyUrl: 'https://shop.example/privacy',
    });
    await world.app.request
      .patch('/api/v1/program')
      .set(world.admin.auth)
      .send({ termsUrl: null, privacyUrl: null })
      .expect(200);
    expect((await world.app.request.get('/api/v1/program/sign-up').expect(200)).body).toMatchObject({
      termsUrl: null,
      privacyUrl: null,
    });
  });
});
