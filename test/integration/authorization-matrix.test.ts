// The authorization matrix: every declared route of /api/v1, called by every kind of caller. Whoever the
// route's access does not name is refused before anything runs (401 without credentials, 403 FORBIDDEN
// for a role or caller kind it does not admit, 403 INSUFFICIENT_SCOPE for a key without its scope), and
// whoever it names gets past authorization; a member reaches only their own data. The routes come from the
// app itself, so a new route is covered the day it is added.
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_SCOPES, type ApiScope, type StaffRole } from '@regulars/contracts';
import type { Access } from '../../backend/src/platform/principal.js';
import { createApiKey, signInStaff, signUpMember } from '../support/callers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

type Declared = { method: 'get' | 'post' | 'patch' | 'put' | 'delete'; path: string; access: Access };
type Caller = { name: string; auth: Record<string, string> };

const ROLES: StaffRole[] = ['admin', 'manager', 'marketer', 'cashier'];
const REFUSALS = ['UNAUTHENTICATED', 'FORBIDDEN', 'INSUFFICIENT_SCOPE'];

let app: TestApp;
let routes: Declared[];
const staff = new Map<StaffRole, Caller>();
let member: Caller & { id: string };
let otherMemberId: string;
const keys = new Map<ApiScope, Caller>();

beforeAll(async () => {
  app = await createTestApp({
    env: {
      RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000',
      RATE_LIMIT_ANONYMOUS_PER_MIN: '100000',
      RATE_LIMIT_OTP_PER_IP_PER_HOUR: '100000',
      RATE_LIMIT_OTP_PER_PHONE_PER_HOUR: '100000',
      RATE_LIMIT_SIGNIN_PER_15MIN: '100000',
      RATE_LIMIT_SIGNIN_PER_IP_PER_15MIN: '100000',
      RATE_LIMIT_IDENTIFY_PER_MIN: '100000',
    },
  });
  routes = app.runtime.app.locals.routes as Declared[];
  for (const role of ROLES) staff.set(role, { name: role, auth: (await signInStaff(app, role)).auth });
  const signedUp = await signUpMember(app);
  member = { name: 'member', id: signedUp.memberId, auth: signedUp.auth };
  otherMemberId = (await signUpMember(app)).memberId;
  for (const scope of API_SCOPES)
    keys.set(scope, { name: `key(${scope})`, auth: (await createApiKey(app, [scope])).auth });
}, 120_000);
afterAll(() => app.close());

/** The route's path with every parameter filled (`:id` is `id` when given, else an unknown id). */
function pathOf(route: Declared, id?: string): string {
  return `/api/v1${route.path.replace(/:([A-Za-z_]+)/g, (_match, name: string) =>
    name === 'id' && id ? id : new Types.ObjectId().toHexString(),
  )}`;
}

async function call(route: Declared, caller: Caller | null, id?: string) {
  let request = app.request[route.method](pathOf(route, id)).set(
    'Idempotency-Key',
    `matrix-${Math.random()}`,
  );
  if (caller) request = request.set(caller.auth);
  if (route.method !== 'get' && route.method !== 'delete') request = request.send({});
  const response = await request;
  return { status: response.status, code: response.body?.error?.code as string | undefined };
}

const label = (route: Declared) => `${route.method.toUpperCase()} ${route.path}`;

describe('the authorization matrix over every route', () => {
  it('declares the routes it walks', () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  it('answers 401 to a caller without credentials on every route that is not public', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const { status, code } = await call(route, null);
      if (route.access.public ? status === 401 : status !== 401 || code !== 'UNAUTHENTICATED')
        wrong.push(`${label(route)} → ${status} ${code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses each staff role a route does not admit with 403 FORBIDDEN, and lets the others past', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !r.access.public)) {
      for (const role of ROLES) {
        const admitted = route.access.staff?.includes(role) ?? false;
        const { status, code } = await call(route, staff.get(role)!);
        const refused = REFUSALS.includes(code ?? '');
        if (admitted ? refused : status !== 403 || code !== 'FORBIDDEN')
          wrong.push(`${label(route)} as ${role} → ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses an API key without the scope with 403 INSUFFICIENT_SCOPE (FORBIDDEN where keys are not admitted)', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => !r.access.public)) {
      for (const scope of API_SCOPES) {
        const admitted = route.access.apiKey?.includes(scope) ?? false;
        const { status, code } = await call(route, keys.get(scope)!);
        const expected = route.access.apiKey?.length ? 'INSUFFICIENT_SCOPE' : 'FORBIDDEN';
        if (admitted ? REFUSALS.includes(code ?? '') : status !== 403 || code !== expected)
          wrong.push(`${label(route)} with ${scope} → ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("lets a member reach their own data only: 403 on another member's, FORBIDDEN where members are not admitted", async () => {
    const wrong: string[] = [];
    // Deleting the account on own data ends the member's session: walk it last (another member's first).
    const isAccountDeletion = (r: Declared) => r.method === 'delete' && r.path === '/members/:id';
    const walked = routes
      .filter((r) => !r.access.public)
      .sort((a, b) => Number(isAccountDeletion(a)) - Number(isAccountDeletion(b)));
    for (const route of walked) {
      if (!route.access.member) {
        const { status, code } = await call(route, member);
        if (status !== 403 || code !== 'FORBIDDEN')
          wrong.push(`${label(route)} as member → ${status} ${code ?? ''}`);
        continue;
      }
      if (route.path.includes(':id')) {
        const other = await call(route, member, otherMemberId);
        if (other.status !== 403 && other.status !== 404)
          wrong.push(`${label(route)} on another member → ${other.status} ${other.code ?? ''}`);
      }
      const own = await call(route, member, member.id);
      if (REFUSALS.includes(own.code ?? ''))
        wrong.push(`${label(route)} on own data → ${own.status} ${own.code}`);
    }
    expect(wrong).toEqual([]);
  });
});
