// Issue #11: malformed bodies, headers, encodings and paths sent to every route of the OpenAPI document
// never get a 5xx, leave the API healthy and write nothing. Seeded, so a failure replays exactly:
// FUZZ_SEED=<seed> FUZZ_RUNS=<n> reproduce or widen a run.
import { gzipSync } from 'node:zlib';
import mongoose from 'mongoose';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2500);

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInStaff>>;
type Operation = { method: 'get' | 'post' | 'patch' | 'put' | 'delete'; path: string };
let operations: Operation[];

beforeAll(async () => {
  app = await createTestApp({
    env: {
      RATE_LIMIT_AUTHENTICATED_PER_MIN: '1000000',
      RATE_LIMIT_ANONYMOUS_PER_MIN: '1000000',
    },
  });
  admin = await signInStaff(app, 'admin');
  const document = (await app.request.get('/api/openapi.json').expect(200)).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  operations = Object.entries(document.paths).flatMap(([path, item]) =>
    (['get', 'post', 'patch', 'put', 'delete'] as const)
      .filter((method) => method in item)
      .map((method) => ({ method, path })),
  );
});
afterAll(() => app.close());

/** What each collection holds, to show that the run wrote nothing. */
async function counts(): Promise<Record<string, number>> {
  const db = mongoose.connection.db!;
  const out: Record<string, number> = {};
  for (const { name } of await db.listCollections().toArray())
    out[name] = await db.collection(name).countDocuments();
  return out;
}

// Path parameters: ids that do not exist, are not ids, or are not valid percent-encoding.
const pathParam = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{24}$/),
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom('%E0%A4%A', '%', '%zz', '..', '%00', 'null', '-1', '1e999', 'a'.repeat(2000), '%2F..%2F'),
);

// Bodies: JSON of any shape, JSON that is not what any route expects, and bytes that are not JSON.
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
  fc
    .dictionary(
      fc.constantFrom(
        'name',
        'phone',
        'email',
        'totalMinor',
        'items',
        'points',
        'storeId',
        'memberId',
        'status',
        'definition',
        'code',
        'password',
        'scopes',
        'rules',
        'basket',
        '__proto__',
        'constructor',
      ),
      fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constant(-1),
        fc.constant(1.5),
        fc.constant(1e308),
        fc.string(),
      ),
    )
    .map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({ raw: s, type: 'application/json' })),
  fc.string({ maxLength: 200 }).map((s) => ({
    raw: s,
    type: fc.sample(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/xml',
        'application/json; charset=latin1',
        '',
      ),
      1,
    )[0]!,
  })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ raw: Buffer.from(bytes), type: 'application/json' })),
);

const encoding = fc.constantFrom('none', 'gzip', 'gzip-corrupt', 'deflate-claimed', 'compress', 'identity');

const headers = fc.record(
  {
    auth: fc.constantFrom('admin', 'none', 'garbage-bearer', 'garbage-key'),
    idempotencyKey: fc.option(
      fc.oneof(fc.uuid(), fc.string({ maxLength: 300 }), fc.constant('x'.repeat(5000))),
      {
        nil: undefined,
      },
    ),
    query: fc.option(
      fc.dictionary(
        fc.constantFrom(
          'limit',
          'after',
          'cursor',
          'status',
          'q',
          'from',
          'to',
          'storeId',
          'memberId',
          'type',
          'phone',
        ),
        fc.oneof(
          fc.string({ maxLength: 30 }),
          fc.constantFrom('-1', '0', '1e9', 'NaN', '%E0%A4%A', '[object Object]'),
        ),
      ),
      { nil: undefined },
    ),
  },
  { requiredKeys: ['auth'] },
);

function encode(raw: string | Buffer, how: string): { payload: Buffer; header?: string } {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw);
  if (how === 'gzip') return { payload: gzipSync(bytes), header: 'gzip' };
  if (how === 'gzip-corrupt') {
    const gz = gzipSync(bytes);
    for (let i = 10; i < gz.length; i++) gz[i] = gz[i]! ^ 0x5a;
    return { payload: gz, header: 'gzip' };
  }
  if (how === 'deflate-claimed') return { payload: bytes, header: 'deflate' };
  if (how === 'compress' || how === 'identity') return { payload: bytes, header: how };
  return { payload: bytes };
}

describe('fuzzing every route of the OpenAPI document', () => {
  it(`answers ${RUNS} malformed requests without a 5xx, stays healthy and writes nothing`, async () => {
    expect(operations.length).toBeGreaterThan(30);
    const before = await counts();
    const statuses = new Map<number, number>();
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 10_000 }),
        fc.array(pathParam, { minLength: 3, maxLength: 3 }),
        body,
        encoding,
        headers,
        async (pick, params, sent, how, extra) => {
          const operation = operations[pick % operations.length]!;
          seen.add(`${operation.method} ${operation.path}`);
          let index = 0;
          const path = operation.path.replace(/\{[^}]+\}/g, () => params[index++ % params.length]!);
          const query = extra.query ? `?${new URLSearchParams(extra.query).toString()}` : '';
          let request = app.request[operation.method](`/api${path}${query}`);
          if (extra.auth === 'admin') request = request.set(admin.auth);
          if (extra.auth === 'garbage-bearer') request = request.set('Authorization', 'Bearer e30.e30.x');
          if (extra.auth === 'garbage-key') request = request.set('X-Api-Key', 'rk_live_nope');
          if (extra.idempotencyKey !== undefined) {
            // Header values cannot carry control characters; superagent would throw before sending.
            const key = extra.idempotencyKey.replace(/[^\x20-\x7e]/g, '');
            request = request.set('Idempotency-Key', key);
          }
          let response;
          if (operation.method === 'get' || operation.method === 'delete') {
            response = await request;
          } else {
            const { payload, header } = encode(sent.raw, how);
            if (sent.type) request = request.set('Content-Type', sent.type);
            if (header) request = request.set('Content-Encoding', header);
            response = await request.serialize((raw: unknown) => raw as string).send(payload as never);
          }
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          if (response.status >= 500)
            throw new Error(
              `${operation.method.toUpperCase()} ${path}${query} (${how}, ${sent.type}) → ${response.status} ${JSON.stringify(response.body)}`,
            );
          // A write that succeeded would be a fuzz case that happened to be valid: this run sends none.
          if (operation.method !== 'get' && response.status < 300)
            throw new Error(
              `${operation.method.toUpperCase()} ${path} accepted a malformed request: ${response.status}`,
            );
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // Most operations were tried, and the API answered with its precise refusals.
    expect(seen.size).toBeGreaterThan(operations.length * 0.8);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    await app.request.get('/api/health').expect(200);
    const after = await counts();
    // Refusals write nothing; only the sign-in of this test's admin and its rate-limit bookkeeping exist.
    expect(after).toEqual(before);
  }, 600_000);
});
