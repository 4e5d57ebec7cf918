import type { IncomingMessage, ServerResponse } from 'node:http';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInStaff } from '../support/callers.js';
import { checkerFor, type OpenApiChecker } from '../support/openapi-check.js';
import { checkedAgent, createTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let checker: OpenApiChecker;
beforeAll(async () => {
  app = await createTestApp();
  checker = checkerFor(app.runtime.app.locals.openapi);
});
afterAll(async () => {
  await app.close();
});

const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r1' };

describe('the check of every answer against the OpenAPI document', () => {
  it('accepts a real answer of the app', async () => {
    const admin = await signInStaff(app, 'admin');
    const answer = await app.request.get('/api/v1/stores').set(admin.auth).expect(200);
    expect(checker.check('get', '/api/v1/stores', answer)).toBeNull();
  });

  it('refuses a body that disagrees with the schema of its status, naming method, path, status and the field', () => {
    const problem = checker.check('get', '/api/v1/stores?limit=5', {
      status: 200,
      headers: json,
      body: { items: [{ id: 42 }], nextCursor: null },
      text: '{}',
    });
    expect(problem).toMatch(/^GET \/api\/v1\/stores \(\/api\/v1\/stores\) → 200: the body disagrees/);
    expect(problem).toContain('/items/0');
  });

  it('refuses an error code that the status does not carry for this operation', () => {
    const problem = checker.check('post', '/api/v1/purchases', {
      status: 409,
      headers: json,
      body: { error: { code: 'INSUFFICIENT_POINTS', message: 'no' } },
      text: '{}',
    });
    expect(problem).toContain('must be equal to one of the allowed values');
  });

  it('refuses a status the operation does not declare, and a date that is not a date-time', () => {
    expect(
      checker.check('get', '/api/v1/program', { status: 418, headers: json, body: {}, text: '{}' }),
    ).toMatch(/GET \/api\/v1\/program .*→ 418: status not in the document/);
    expect(
      checker.check('get', '/api/v1/rewards/0123456789abcdef01234567', {
        status: 404,
        headers: json,
        body: { error: { code: 'REWARD_NOT_FOUND', message: 'gone' } },
        text: '{}',
      }),
    ).toBeNull();
  });

  it('fails the request of a test when the answer disagrees (the agent checks every answer)', async () => {
    // A server that answers a documented operation with a body the document does not describe.
    const liar = checkedAgent(
      supertest((_req: IncomingMessage, res: ServerResponse) => {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'liar' });
        res.end(JSON.stringify({ currency: 12 }));
      }),
      checker,
    );
    await expect(liar.get('/api/v1/program').expect(200)).rejects.toThrow(
      /Answer disagrees with the OpenAPI document: GET \/api\/v1\/program .*→ 200: the body disagrees/,
    );
    await expect(liar.get('/api/v1/no-such-route')).resolves.toMatchObject({ status: 200 });
  });
});
