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

describe('GET /api/health', () => {
  it('reports MongoDB and Redis ok', async () => {
    const response = await app.request.get('/api/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', mongo: 'ok', redis: 'ok' });
  });
});

describe('the API documentation', () => {
  it('serves an OpenAPI document generated from the route schemas', async () => {
    const response = await app.request.get('/api/openapi.json').expect(200);
    expect(response.body.openapi).toBe('3.1.0');
    const login = response.body.paths['/api/v1/auth/staff/login'].post;
    expect(login.operationId).toBe('loginStaff');
    expect(login.requestBody.required).toBe(true);
    expect(login.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/StaffLoginBody',
    });
    expect(response.body.components.schemas.StaffLoginBody.properties.email).toBeDefined();
    expect(response.body.tags.map((tag: { name: string }) => tag.name)).toContain('Purchases');
    expect(response.body.paths['/api/v1/stores/{id}'].patch.description).toContain('admin');
  });

  it('serves the API reference UI', async () => {
    const response = await app.request.get('/api/docs/').expect(200);
    expect(response.text).toContain('swagger');
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 MALFORMED_JSON', async () => {
    const response = await app.request
      .post('/api/v1/auth/staff/login')
      .set('Content-Type', 'application/json')
      .send('{"email": "a@b.c", "password": ')
      .expect(400);
    expect(response.body.error.code).toBe('MALFORMED_JSON');
  });

  it('names the field and the problem for a wrong type', async () => {
    const response = await app.request
      .patch('/api/v1/program')
      .set(admin.auth)
      .send({ pendingDays: 'seven' })
      .expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.message).toContain('pendingDays');
    expect(response.body.error.details).toEqual([
      { path: 'pendingDays', message: 'Expected number, received string' },
    ]);
  });

  it('refuses unknown fields on write and writes nothing', async () => {
    const before = await app.request.get('/api/v1/program').set(admin.auth).expect(200);
    const response = await app.request
      .patch('/api/v1/program')
      .set(admin.auth)
      .send({ name: 'New name', isFree: true })
      .expect(400);
    expect(response.body.error.details[0].message).toContain('isFree');
    const after = await app.request.get('/api/v1/program').set(admin.auth).expect(200);
    expect(after.body.name).toBe(before.body.name);
  });

  it('refuses $-operators smuggled into JSON (NoSQL injection)', async () => {
    const response = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: { $gt: '' }, password: { $gt: '' } })
      .expect(400);
    expect(response.body.error.code).toBe('INVALID_FIELD_NAME');
  });

  it('refuses oversized bodies with 413', async () => {
    const response = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'x'.repeat(1_100_000), code: 'BIG' })
      .expect(413);
    expect(response.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers unknown routes with 404 in the error shape', async () => {
    const response = await app.request.get('/api/v1/nothing-here').set(admin.auth).expect(404);
    expect(response.body.error.code).toBe('ROUTE_NOT_FOUND');
  });

  it('answers an invalid id with 400, not a crash', async () => {
    const response = await app.request
      .patch('/api/v1/stores/not-an-id')
      .set(admin.auth)
      .send({ name: 'x' })
      .expect(400);
    expect(response.body.error.details[0].path).toBe('id');
  });
});

describe('stores', () => {
  it('creates, lists and updates stores; a duplicate code is 409', async () => {
    const created = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'Norte', code: 'NORTE', address: { city: 'Bilbao', country: 'ES' } })
      .expect(201);
    expect(created.body).toMatchObject({
      name: 'Norte',
      code: 'NORTE',
      isActive: true,
      timeZone: 'Europe/Madrid',
    });
    const dup = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'Other', code: 'NORTE' })
      .expect(409);
    expect(dup.body.error.code).toBe('STORE_CODE_TAKEN');
    await app.request
      .patch(`/api/v1/stores/${created.body.id}`)
      .set(admin.auth)
      .send({ isActive: false })
      .expect(200);
    const list = await app.request.get('/api/v1/stores').set(admin.auth).expect(200);
    expect(list.body.items.find((s: { code: string }) => s.code === 'NORTE')).toMatchObject({
      isActive: false,
    });
  });
});

describe('pagination', () => {
  it('walks the audit log page by page without repeats or gaps', async () => {
    for (let i = 0; i < 7; i += 1) {
      await app.request
        .post('/api/v1/stores')
        .set(admin.auth)
        .send({ name: `Page ${i}`, code: `PG${i}` })
        .expect(201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: { items: Array<{ id: string }>; nextCursor: string | null } } =
        await app.request
          .get(`/api/v1/audit?entityType=store&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
          .set(admin.auth)
          .expect(200);
      seen.push(...response.body.items.map((item) => item.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(7);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('refuses a forged cursor with 400 INVALID_CURSOR', async () => {
    const response = await app.request.get('/api/v1/audit?cursor=garbage').set(admin.auth).expect(400);
    expect(response.body.error.code).toBe('INVALID_CURSOR');
  });
});
