import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

// A bcrypt hash reads `$2b$<cost>$<salt and hash>`.
const costOf = (hash: string) => Number(/^\$2[aby]\$(\d{2})\$/.exec(hash)?.[1]);

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInStaff>>;
beforeAll(async () => {
  // Hashes a little dearer than the suite's usual 4, so that a cost of 4 would be told apart.
  app = await createTestApp({ env: { BCRYPT_COST: '5' } });
  admin = await signInStaff(app, 'admin');
});
afterAll(() => app.close());

describe('staff accounts', () => {
  it('lets an admin create a cashier bound to a store, who can then sign in', async () => {
    const store = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'Sur', code: 'SUR' })
      .expect(201);
    const created = await app.request
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({
        email: 'New.Cashier@Example.test',
        name: 'Nuria',
        password: 'long enough',
        role: 'cashier',
        storeId: store.body.id,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      email: 'new.cashier@example.test',
      role: 'cashier',
      storeId: store.body.id,
    });
    const login = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: 'new.cashier@example.test', password: 'long enough' })
      .expect(200);
    expect(login.body.staff.storeId).toBe(store.body.id);
    const dup = await app.request
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({ email: 'new.cashier@example.test', name: 'Again', password: 'long enough', role: 'cashier' })
      .expect(409);
    expect(dup.body.error.code).toBe('STAFF_EXISTS');
  });

  it('disables an account: sign-in and refresh stop working', async () => {
    const cashier = await signInStaff(app, 'cashier');
    await app.request
      .patch(`/api/v1/staff/${cashier.id}`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    const login = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: cashier.email, password: cashier.password })
      .expect(401);
    expect(login.body.error.code).toBe('ACCOUNT_DISABLED');
    const refresh = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: cashier.refreshToken })
      .expect(401);
    expect(refresh.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('disables an account: its access token stops working on the next request', async () => {
    const cashier = await signInStaff(app, 'cashier');
    await app.request.get('/api/v1/members').set(cashier.auth).expect(200);
    await app.request
      .patch(`/api/v1/staff/${cashier.id}`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    const refused = await app.request.get('/api/v1/members').set(cashier.auth).expect(401);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
    const me = await app.request.get('/api/v1/auth/me').set(cashier.auth).expect(401);
    expect(me.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('changes what a signed-in account may do as soon as its role changes', async () => {
    const manager = await signInStaff(app, 'manager');
    await app.request.get('/api/v1/refunds').set(manager.auth).expect(200);
    await app.request
      .patch(`/api/v1/staff/${manager.id}`)
      .set(admin.auth)
      .send({ role: 'cashier' })
      .expect(200);
    const demoted = await app.request.get('/api/v1/refunds').set(manager.auth).expect(403);
    expect(demoted.body.error.message).toContain('you are signed in as cashier');

    const cashier = await signInStaff(app, 'cashier');
    await app.request.get('/api/v1/staff').set(cashier.auth).expect(403);
    await app.request
      .patch(`/api/v1/staff/${cashier.id}`)
      .set(admin.auth)
      .send({ role: 'admin' })
      .expect(200);
    await app.request.get('/api/v1/staff').set(cashier.auth).expect(200);
  });

  it('checks an unknown email against a hash as costly as a real one', async () => {
    const staff = await signInStaff(app, 'cashier');
    const mongoose = (await import('mongoose')).default;
    const account = await mongoose.connection.collection('staff').findOne({ email: staff.email });
    const realCost = costOf(String(account?.passwordHash));
    expect(realCost).toBe(5);
    expect(costOf(await app.runtime.services.auth.dummyPasswordHash())).toBe(realCost);
    const unknown = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: 'nobody-here@example.test', password: staff.password })
      .expect(401);
    expect(unknown.body.error.code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses passwords over 72 bytes, which bcrypt would cut, on creation and on change', async () => {
    const create = (email: string, password: string) =>
      app.request.post('/api/v1/staff').set(admin.auth).send({ email, name: 'L', password, role: 'cashier' });
    const tooLong = await create('long-ascii@example.test', 'a'.repeat(73)).expect(400);
    expect(tooLong.body.error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [
        {
          path: 'password',
          message: 'use at most 72 bytes (UTF-8): 72 plain letters and digits, fewer with accents or symbols',
        },
      ],
    });
    // 40 characters, 80 bytes in UTF-8.
    const multiByte = await create('long-utf8@example.test', 'é'.repeat(40)).expect(400);
    expect(multiByte.body.error.code).toBe('VALIDATION_FAILED');
    expect(multiByte.body.error.details).toHaveLength(1);
    const created = await create('just-fits@example.test', 'b'.repeat(72)).expect(201);
    await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: 'just-fits@example.test', password: 'b'.repeat(72) })
      .expect(200);
    const change = await app.request
      .patch(`/api/v1/staff/${created.body.id}`)
      .set(admin.auth)
      .send({ password: `${'c'.repeat(72)}!` })
      .expect(400);
    expect(change.body.error.code).toBe('VALIDATION_FAILED');
    // Nothing changed: the old password still signs in.
    await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: 'just-fits@example.test', password: 'b'.repeat(72) })
      .expect(200);
  });

  it('never puts password hashes in the audit log', async () => {
    const cashier = await signInStaff(app, 'cashier');
    await app.request
      .patch(`/api/v1/staff/${cashier.id}`)
      .set(admin.auth)
      .send({ password: 'a brand new one' })
      .expect(200);
    const audit = await app.request
      .get(`/api/v1/audit?entityType=staff&entityId=${cashier.id}`)
      .set(admin.auth)
      .expect(200);
    expect(audit.body.items[0].action).toBe('staff.update_with_password');
    expect(JSON.stringify(audit.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
  });

  it('refuses a weak password with the reason', async () => {
    const response = await app.request
      .post('/api/v1/staff')
      .set(admin.auth)
      .send({ email: 'weak@example.test', name: 'W', password: 'short', role: 'cashier' })
      .expect(400);
    expect(response.body.error.details).toEqual([{ path: 'password', message: 'use at least 8 characters' }]);
  });
});

describe('queue dashboard', () => {
  /** What the portal does: its bearer token in, the dashboard's cookie out. */
  async function dashboardCookie(accessToken: string, expected = 204): Promise<string> {
    const session = await app.request
      .post('/api/v1/admin/queue-dashboard/session')
      .set('Authorization', `Bearer ${accessToken}`)
      .expect(expected);
    return String(session.headers['set-cookie'] ?? '').split(';')[0] ?? '';
  }

  it('is for admins only, signed in by a short-lived httpOnly cookie and never by a token in the URL', async () => {
    await app.request.get('/api/admin/queues').expect(401);
    const cashier = await signInStaff(app, 'cashier');
    await dashboardCookie(cashier.accessToken, 403);
    const session = await app.request
      .post('/api/v1/admin/queue-dashboard/session')
      .set('Authorization', `Bearer ${admin.accessToken}`)
      .expect(204);
    const setCookie = String(session.headers['set-cookie']);
    expect(setCookie).toMatch(/rgl_queues=.*HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api\/admin\/queues/);
    expect(setCookie).toMatch(/Max-Age=900/);
    const page = await app.request
      .get('/api/admin/queues')
      .set('Cookie', setCookie.split(';')[0]!)
      .expect(200);
    expect(page.text).toContain('<html');
    const inUrl = await app.request.get(`/api/admin/queues?token=${admin.accessToken}`).expect(400);
    expect(inUrl.body.error.code).toBe('TOKEN_IN_URL');
    await app.request.get('/api/admin/queues').set('Cookie', 'rgl_queues=forged').expect(401);
  });

  it('shuts out an admin as soon as the account is disabled or demoted', async () => {
    const other = await signInStaff(app, 'admin');
    const demoted = await signInStaff(app, 'admin');
    const otherCookie = await dashboardCookie(other.accessToken);
    const demotedCookie = await dashboardCookie(demoted.accessToken);
    await app.request.get('/api/admin/queues').set('Cookie', otherCookie).expect(200);
    await app.request
      .patch(`/api/v1/staff/${other.id}`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    await app.request.get('/api/admin/queues').set('Cookie', otherCookie).expect(401);
    await app.request
      .patch(`/api/v1/staff/${demoted.id}`)
      .set(admin.auth)
      .send({ role: 'manager' })
      .expect(200);
    await app.request.get('/api/admin/queues').set('Cookie', demotedCookie).expect(403);
  });
});
