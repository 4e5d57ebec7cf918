import { randomBytes } from 'node:crypto';
import type { ApiScope, StaffRole } from '@regulars/contracts';
import type { TestApp } from './test-app.js';

const unique = () => randomBytes(4).toString('hex');

/** Creates a staff account with the role and signs it in; returns its tokens and id. */
export async function signInStaff(
  app: TestApp,
  role: StaffRole,
  overrides: { email?: string; password?: string } = {},
) {
  const email = overrides.email ?? `${role}-${unique()}@example.test`;
  const password = overrides.password ?? 'correct horse battery';
  const staff = await app.runtime.services.staff.create(
    { email, name: `Test ${role}`, password, role },
    { kind: 'anonymous' },
  );
  const response = await app.request.post('/api/v1/auth/staff/login').send({ email, password }).expect(200);
  return {
    id: staff.id,
    email,
    password,
    accessToken: response.body.accessToken as string,
    refreshToken: response.body.refreshToken as string,
    auth: { Authorization: `Bearer ${response.body.accessToken as string}` },
  };
}

/** Creates an API key with the scopes (through the admin API) and returns its headers. */
export async function createApiKey(app: TestApp, scopes: ApiScope[], storeId?: string) {
  const admin = await signInStaff(app, 'admin');
  const response = await app.request
    .post('/api/v1/api-keys')
    .set(admin.auth)
    .send({ name: `key ${unique()}`, scopes, ...(storeId ? { storeId } : {}) })
    .expect(201);
  return {
    id: response.body.id as string,
    key: response.body.key as string,
    auth: { 'X-Api-Key': response.body.key as string },
  };
}

let phoneCounter = 0;
/** A fresh Spanish mobile number per call, so tests never collide. */
export function makePhone(): string {
  phoneCounter += 1;
  const n = (Number.parseInt(randomBytes(3).toString('hex'), 16) % 1_000_000) * 100 + (phoneCounter % 100);
  return `+346${String(n).padStart(8, '0')}`;
}

/** Joins as a new member through the one-time-code flow; returns the member session. */
export async function signUpMember(app: TestApp, overrides: { phone?: string; name?: string } = {}) {
  const phone = overrides.phone ?? makePhone();
  const otp = await app.request.post('/api/v1/auth/member/otp').send({ phone }).expect(200);
  const verify = await app.request
    .post('/api/v1/auth/member/verify')
    .send({ phone, code: otp.body.devCode, signup: { name: overrides.name ?? 'Test Member' } })
    .expect(200);
  return {
    phone,
    memberId: verify.body.member.id as string,
    cardNumber: verify.body.member.cardNumber as string,
    accessToken: verify.body.accessToken as string,
    refreshToken: verify.body.refreshToken as string,
    auth: { Authorization: `Bearer ${verify.body.accessToken as string}` },
  };
}
