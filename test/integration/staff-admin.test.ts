import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInStaff>>;
beforeAll(async () => {
  app = await createTestApp();
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
  it('is for admins only', async () => {
    await app.request.get('/api/admin/queues').expect(401);
    const cashier = await signInStaff(app, 'cashier');
    await app.request.get(`/api/admin/queues?token=${cashier.accessToken}`).expect(403);
    const page = await app.request.get(`/api/admin/queues?token=${admin.accessToken}`).expect(200);
    expect(page.text).toContain('<html');
    // The token moves into an httpOnly cookie scoped to the dashboard, for its own asset requests.
    expect(String(page.headers['set-cookie'])).toMatch(/rgl_queues=.*HttpOnly/i);
  });
});
