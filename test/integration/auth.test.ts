import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createApiKey, makePhone, signInStaff, signUpMember } from '../support/callers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({
    env: { RATE_LIMIT_OTP_PER_PHONE_PER_HOUR: '3', RATE_LIMIT_SIGNIN_PER_15MIN: '5' },
  });
});
afterAll(() => app.close());

describe('POST /api/v1/auth/staff/login', () => {
  it('returns an access token, a refresh token and the staff summary', async () => {
    const staff = await signInStaff(app, 'cashier');
    const me = await app.request.get('/api/v1/auth/me').set(staff.auth).expect(200);
    expect(me.body).toMatchObject({ kind: 'staff', staff: { email: staff.email, role: 'cashier' } });
    const claims = jwt.decode(staff.accessToken) as jwt.JwtPayload;
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBeLessThanOrEqual(900);
  });

  it('returns 401 INVALID_CREDENTIALS for a wrong password, in the error shape', async () => {
    const staff = await signInStaff(app, 'manager');
    const response = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: staff.email, password: 'wrong' })
      .expect(401);
    expect(response.body).toEqual({
      error: { code: 'INVALID_CREDENTIALS', message: 'Wrong email or password' },
    });
  });

  it('rate limits repeated attempts on one account with 429 and Retry-After', async () => {
    const email = 'target@example.test';
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) {
      const response = await app.request
        .post('/api/v1/auth/staff/login')
        .send({ email, password: `guess-${i}` });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.body.error.code).toBe('RATE_LIMITED');
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('POST /api/v1/auth/refresh', () => {
  it('rotates: the new refresh token works once, the old one no longer does', async () => {
    const staff = await signInStaff(app, 'cashier');
    const first = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: staff.refreshToken })
      .expect(200);
    expect(first.body.refreshToken).not.toBe(staff.refreshToken);
    await app.request
      .get('/api/v1/auth/me')
      .set({ Authorization: `Bearer ${first.body.accessToken}` })
      .expect(200);
    const second = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: first.body.refreshToken })
      .expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
  });

  it('detects reuse of a spent token and revokes the whole family', async () => {
    const staff = await signInStaff(app, 'cashier');
    const rotated = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: staff.refreshToken })
      .expect(200);
    const reuse = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: staff.refreshToken })
      .expect(401);
    expect(reuse.body.error.code).toBe('REFRESH_TOKEN_REUSED');
    // The legitimate holder's newer token is revoked too: the thief and the owner must both sign in again.
    const after = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: rotated.body.refreshToken })
      .expect(401);
    expect(after.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });

  it('logout revokes the refresh token', async () => {
    const staff = await signInStaff(app, 'cashier');
    await app.request.post('/api/v1/auth/logout').send({ refreshToken: staff.refreshToken }).expect(204);
    const response = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: staff.refreshToken })
      .expect(401);
    expect(response.body.error.code).toBe('REFRESH_TOKEN_REUSED');
  });
});

describe('access tokens', () => {
  it('refuses a forged token signed with another secret', async () => {
    const forged = jwt.sign({ kind: 'staff', role: 'admin' }, 'x'.repeat(40), {
      subject: '0'.repeat(24),
      issuer: 'regulars',
      audience: 'regulars-api',
    });
    const response = await app.request
      .get('/api/v1/program')
      .set({ Authorization: `Bearer ${forged}` })
      .expect(401);
    expect(response.body.error.code).toBe('INVALID_TOKEN');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const payload = Buffer.from(
      JSON.stringify({
        kind: 'staff',
        role: 'admin',
        sub: '0'.repeat(24),
        iss: 'regulars',
        aud: 'regulars-api',
        exp: 9_999_999_999,
      }),
    ).toString('base64url');
    const response = await app.request
      .get('/api/v1/program')
      .set({ Authorization: `Bearer ${header}.${payload}.` })
      .expect(401);
    expect(response.body.error.code).toBe('INVALID_TOKEN');
  });

  it('refuses an expired token with TOKEN_EXPIRED', async () => {
    const secret = app.runtime.platform.config.jwtSecret;
    const expired = jwt.sign(
      { kind: 'staff', role: 'admin', exp: Math.floor(Date.now() / 1000) - 60 },
      secret,
      {
        subject: '0'.repeat(24),
        issuer: 'regulars',
        audience: 'regulars-api',
      },
    );
    const response = await app.request
      .get('/api/v1/program')
      .set({ Authorization: `Bearer ${expired}` })
      .expect(401);
    expect(response.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it('answers 401 without credentials', async () => {
    const response = await app.request.get('/api/v1/program').expect(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
  });
});

describe('roles', () => {
  it('refuses a cashier on an admin route with 403 naming the needed role', async () => {
    const cashier = await signInStaff(app, 'cashier');
    const response = await app.request
      .patch('/api/v1/program')
      .set(cashier.auth)
      .send({ name: 'Mine now' })
      .expect(403);
    expect(response.body.error).toMatchObject({ code: 'FORBIDDEN' });
    expect(response.body.error.message).toContain('admin');
  });

  it('lets an admin change the program and records it in the audit log', async () => {
    const admin = await signInStaff(app, 'admin');
    const updated = await app.request
      .patch('/api/v1/program')
      .set(admin.auth)
      .send({ pendingDays: 14 })
      .expect(200);
    expect(updated.body.pendingDays).toBe(14);
    const audit = await app.request.get('/api/v1/audit?entityType=program').set(admin.auth).expect(200);
    expect(audit.body.items[0]).toMatchObject({
      action: 'program.update',
      actor: { kind: 'staff', id: admin.id },
    });
    expect(audit.body.items[0].before.pendingDays).not.toBe(14);
    expect(audit.body.items[0].after.pendingDays).toBe(14);
  });

  it('keeps members away from staff routes', async () => {
    const member = await signUpMember(app);
    await app.request.get('/api/v1/staff').set(member.auth).expect(403);
  });
});

describe('API keys', () => {
  it('authenticates with X-Api-Key or Bearer and enforces scopes', async () => {
    const key = await createApiKey(app, ['members:read']);
    await app.request.get('/api/v1/program').set(key.auth).expect(200);
    await app.request
      .get('/api/v1/program')
      .set({ Authorization: `Bearer ${key.key}` })
      .expect(200);
    const denied = await app.request.get('/api/v1/staff').set(key.auth).expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const wrongScope = await app.request
      .post('/api/v1/rules/preview')
      .set(key.auth)
      .send({ basket: { items: [{ sku: 'a', quantity: 1, unitPriceMinor: 100 }] } })
      .expect(403);
    expect(wrongScope.body.error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      message: 'This API key lacks the scope rules:read or purchases:write',
    });
  });

  it('stores only a hash and shows the key once', async () => {
    const key = await createApiKey(app, ['purchases:write']);
    const admin = await signInStaff(app, 'admin');
    const list = await app.request.get('/api/v1/api-keys').set(admin.auth).expect(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === key.id);
    expect(listed).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(key.key);
    expect(key.key.startsWith(listed.prefix)).toBe(true);
  });

  it('stops working once revoked', async () => {
    const key = await createApiKey(app, ['members:read']);
    const admin = await signInStaff(app, 'admin');
    await app.request.delete(`/api/v1/api-keys/${key.id}`).set(admin.auth).expect(200);
    const response = await app.request.get('/api/v1/program').set(key.auth).expect(401);
    expect(response.body.error.code).toBe('API_KEY_REVOKED');
  });
});

describe('member one-time codes', () => {
  it('signs up a new member with the code and signs them in again later', async () => {
    const phone = makePhone();
    const otp = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    expect(otp.body).toMatchObject({ sent: true, phone });
    expect(otp.body.devCode).toMatch(/^\d{6}$/);
    expect(app.messages.sent.at(-1)).toMatchObject({ to: phone, purpose: 'otp' });
    expect(app.messages.sent.at(-1)?.text).toContain(otp.body.devCode);

    const needsSignup = await app.request
      .post('/api/v1/auth/member/verify')
      .send({ phone, code: otp.body.devCode })
      .expect(422);
    expect(needsSignup.body.error.code).toBe('SIGNUP_REQUIRED');
    const joined = await app.request
      .post('/api/v1/auth/member/verify')
      .send({ phone, code: otp.body.devCode, signup: { name: 'Lucía', consents: { sms: true } } })
      .expect(200);
    expect(joined.body.isNewMember).toBe(true);
    expect(joined.body.member.cardNumber).toMatch(/^\d{12}$/);

    const again = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    const signedIn = await app.request
      .post('/api/v1/auth/member/verify')
      .send({ phone, code: again.body.devCode })
      .expect(200);
    expect(signedIn.body).toMatchObject({ isNewMember: false, member: { id: joined.body.member.id } });
  });

  it('refuses a wrong code and counts attempts down to a lockout', async () => {
    const phone = makePhone();
    const otp = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    const wrong = otp.body.devCode === '000000' ? '111111' : '000000';
    const messages: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const response = await app.request
        .post('/api/v1/auth/member/verify')
        .send({ phone, code: wrong })
        .expect(401);
      expect(response.body.error.code).toBe('OTP_INVALID');
      messages.push(response.body.error.message);
    }
    expect(messages[0]).toBe('Wrong code; 4 attempts left');
    // Even the right code no longer works after the limit.
    const locked = await app.request
      .post('/api/v1/auth/member/verify')
      .send({ phone, code: otp.body.devCode, signup: { name: 'X' } })
      .expect(401);
    expect(locked.body.error.code).toBe('OTP_ATTEMPTS_EXCEEDED');
  });

  it('refuses an expired code', async () => {
    const phone = makePhone();
    const otp = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    const mongoose = (await import('mongoose')).default;
    await mongoose.connection
      .collection('otp_codes')
      .updateMany({ phone }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const response = await app.request
      .post('/api/v1/auth/member/verify')
      .send({ phone, code: otp.body.devCode, signup: { name: 'X' } })
      .expect(401);
    expect(response.body.error.code).toBe('OTP_EXPIRED');
  });

  it('rate limits code requests per phone', async () => {
    const phone = makePhone();
    for (let i = 0; i < 3; i += 1)
      await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    const limited = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
  });

  it("answers the same for a member's phone and a stranger's: nothing tells who is registered", async () => {
    const member = await signUpMember(app);
    const stranger = makePhone();
    const known = await app.request.post('/api/v1/auth/member/otp').send({ phone: member.phone }).expect(200);
    const unknown = await app.request.post('/api/v1/auth/member/otp').send({ phone: stranger }).expect(200);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(known.body).not.toHaveProperty('isRegistered');
    expect(Object.keys(known.body).sort()).toEqual(['devCode', 'expiresAt', 'phone', 'sent']);
    expect(app.messages.sent.at(-1)?.text.replace(/\d{6}/, '######')).toBe(
      app.messages.sent.at(-2)?.text.replace(/\d{6}/, '######'),
    );
  });

  it('counts every spelling of one number against one quota', async () => {
    const phone = makePhone(); // +346XXXXXXXX
    const national = phone.slice(3);
    const spellings = [
      `+34 ${national.slice(0, 3)} ${national.slice(3, 6)} ${national.slice(6)}`,
      national,
      `0034${national}`,
      `(+34) ${national.slice(0, 3)}-${national.slice(3, 6)}.${national.slice(6)}`,
      phone,
    ];
    const statuses = [];
    for (const spelling of spellings) {
      const response = await app.request
        .post('/api/v1/auth/member/otp')
        .set('X-Forwarded-For', '192.0.2.10')
        .send({ phone: spelling });
      statuses.push(response.status);
      if (response.status === 200) expect(response.body.phone).toBe(phone);
    }
    // This app allows 3 codes an hour per phone.
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(app.messages.sent.filter((m) => m.to === phone)).toHaveLength(3);
  });

  it('refuses a phone with an extension with 400, sending nothing', async () => {
    const phone = makePhone();
    for (const spelling of [
      `${phone} ext. 1`,
      `${phone} x2`,
      `${phone}#3`,
      `${phone};ext=4`,
      `${phone} extension 5`,
    ]) {
      const response = await app.request
        .post('/api/v1/auth/member/otp')
        .set('X-Forwarded-For', '192.0.2.11')
        .send({ phone: spelling })
        .expect(400);
      expect(response.body.error).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ path: 'phone', message: 'extensions are not accepted' }],
      });
      expect(response.body.error.message).toContain('extension');
    }
    const verify = await app.request
      .post('/api/v1/auth/member/verify')
      .set('X-Forwarded-For', '192.0.2.11')
      .send({ phone: `${phone} ext. 1`, code: '123456' })
      .expect(400);
    expect(verify.body.error.code).toBe('VALIDATION_FAILED');
    expect(app.messages.sent.filter((m) => m.to.startsWith(phone))).toHaveLength(0);
  });

  it('counts code checks for one number in every spelling against one quota', async () => {
    const phone = makePhone();
    const national = phone.slice(3);
    await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
    const spellings = [phone, national, `0034 ${national}`, `+34 ${national}`, `(+34) ${national}`];
    const statuses = [];
    for (let i = 0; i < 11; i += 1) {
      const response = await app.request
        .post('/api/v1/auth/member/verify')
        .set('X-Forwarded-For', '192.0.2.12')
        .send({ phone: spellings[i % spellings.length], code: '000000' });
      statuses.push(response.status);
    }
    // 10 checks per 10 minutes per phone (the code itself locks after 5 wrong ones).
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('rejects a malformed phone number with a message that says what to fix', async () => {
    const response = await app.request.post('/api/v1/auth/member/otp').send({ phone: 'call me' }).expect(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.message).toContain('phone');
  });

  it('gives a member their own identity only', async () => {
    const member = await signUpMember(app);
    const me = await app.request.get('/api/v1/auth/me').set(member.auth).expect(200);
    expect(me.body).toMatchObject({ kind: 'member', member: { id: member.memberId, phone: member.phone } });
  });
});

describe('Cache-Control on answers carrying secrets or personal data', () => {
  it('marks sign-in, refresh, the card secret, a new API key and errors no-store', async () => {
    const staff = await signInStaff(app, 'admin');
    const login = await app.request
      .post('/api/v1/auth/staff/login')
      .send({ email: staff.email, password: staff.password })
      .expect(200);
    const refreshed = await app.request
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.body.refreshToken })
      .expect(200);
    const key = await app.request
      .post('/api/v1/api-keys')
      .set(staff.auth)
      .send({ name: 'cache test', scopes: ['members:read'] })
      .expect(201);
    const member = await signUpMember(app);
    const card = await app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(200);
    expect(card.body.cardSecret).toBeTruthy();
    const me = await app.request.get('/api/v1/auth/me').set(member.auth).expect(200);
    const unauthenticated = await app.request.get('/api/v1/members').expect(401);
    const malformed = await app.request
      .post('/api/v1/auth/staff/login')
      .set('Content-Type', 'application/json')
      .send('{"email":')
      .expect(400);
    for (const response of [login, refreshed, key, card, me, unauthenticated, malformed])
      expect(response.headers['cache-control']).toBe('no-store');
    // Health already said so.
    const health = await app.request.get('/api/health');
    expect(health.headers['cache-control']).toBe('no-store');
  });
});
