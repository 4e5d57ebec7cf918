// No 500 for a client's mistake (issue #11): bodies that cannot be decoded, paths that cannot be
// percent-decoded and JSON deeper or wider than the body limits get a precise 4xx before any handler.
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import mongoose from 'mongoose';
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

const writes = [
  { method: 'post', path: '/api/v1/members' },
  { method: 'post', path: '/api/v1/purchases' },
  { method: 'patch', path: '/api/v1/program' },
  { method: 'post', path: '/api/v1/auth/staff/login' },
] as const;

function send(
  method: 'post' | 'patch',
  path: string,
  body: Buffer | string,
  headers: Record<string, string>,
) {
  let request = app.request[method](path).set(admin.auth).set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(headers)) request = request.set(name, value);
  // As is: superagent would otherwise serialise a Buffer as JSON (`{"type":"Buffer",…}`).
  return request.serialize((raw: unknown) => raw as string).send(body);
}

const json = Buffer.from(JSON.stringify({ name: 'Ana' }));
const corrupt = (compressed: Buffer) => {
  const copy = Buffer.from(compressed);
  // Past the gzip header: the deflate data itself is broken, not just the magic number.
  for (let i = Math.min(10, copy.length - 1); i < copy.length; i++) copy[i] = copy[i]! ^ 0x5a;
  return copy;
};

describe('bodies with a Content-Encoding', () => {
  it('answers a corrupt gzip, deflate or br body with 400 BAD_ENCODING on every route tried', async () => {
    const bodies = {
      gzip: corrupt(gzipSync(json)),
      deflate: corrupt(deflateSync(json)),
      br: corrupt(brotliCompressSync(json)),
    };
    for (const { method, path } of writes) {
      for (const [encoding, body] of Object.entries(bodies)) {
        const response = await send(method, path, body, { 'Content-Encoding': encoding });
        expect(`${encoding} ${path}: ${response.status} ${response.body?.error?.code}`).toBe(
          `${encoding} ${path}: 400 BAD_ENCODING`,
        );
      }
    }
    // Truncated, not corrupt: the stream ends before the compressed data does.
    const truncated = gzipSync(json).subarray(0, 12);
    const response = await send('post', '/api/v1/members', truncated, { 'Content-Encoding': 'gzip' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('BAD_ENCODING');
  });

  it('still reads a well-formed gzip body', async () => {
    const response = await send('patch', '/api/v1/program', gzipSync(JSON.stringify({ pendingDays: 'x' })), {
      'Content-Encoding': 'gzip',
    });
    // Decoded and parsed: the refusal is the schema's, about the field.
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers an unsupported encoding with 415 UNSUPPORTED_ENCODING', async () => {
    for (const { method, path } of writes) {
      for (const encoding of ['compress', 'zstd', 'x-made-up']) {
        const response = await send(method, path, json, { 'Content-Encoding': encoding });
        expect(`${encoding} ${path}: ${response.status} ${response.body?.error?.code}`).toBe(
          `${encoding} ${path}: 415 UNSUPPORTED_ENCODING`,
        );
      }
    }
  });
});

describe('paths that are not valid percent-encoding', () => {
  it('answers 400 BAD_PATH_ENCODING on routes with an id', async () => {
    for (const [method, path] of [
      ['get', '/api/v1/members/%E0%A4%A'],
      ['get', '/api/v1/purchases/%E0%A4%A'],
      ['patch', '/api/v1/stores/%FF'],
      ['get', '/api/v1/members/%E0%A4%A/ledger'],
      ['get', '/api/v1/rules/%C0%AF/versions'],
    ] as const) {
      const response = await app.request[method](path).set(admin.auth).send({});
      expect(`${method} ${path}: ${response.status} ${response.body?.error?.code}`).toBe(
        `${method} ${path}: 400 BAD_PATH_ENCODING`,
      );
    }
  });
});

describe('JSON bodies beyond the shape limits', () => {
  const nested = (levels: number) => '['.repeat(levels - 1) + '{}' + ']'.repeat(levels - 1);

  it('answers a body nesting deeper than 64 levels with 413 BODY_TOO_DEEP and writes nothing', async () => {
    const before = await mongoose.connection.collection('members').countDocuments();
    for (const { method, path } of writes) {
      const response = await send(method, path, `{"name":"Ana","extra":${nested(64)}}`, {});
      expect(`${path}: ${response.status} ${response.body?.error?.code}`).toBe(`${path}: 413 BODY_TOO_DEEP`);
      expect(response.body.error.details).toEqual({ limit: 64 });
    }
    expect(await mongoose.connection.collection('members').countDocuments()).toBe(before);
  });

  it('lets 64 levels through to the route, which judges the content', async () => {
    const response = await send('patch', '/api/v1/program', `{"pendingDays":${nested(63)}}`, {});
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers a body with more than 20,000 keys with 413 BODY_TOO_MANY_KEYS', async () => {
    const wide = `{${Array.from({ length: 20_001 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const inArrays = `[${Array.from({ length: 10_001 }, (_, i) => `{"a":${i},"b":${i}}`).join(',')}]`;
    for (const body of [wide, inArrays]) {
      for (const { method, path } of writes) {
        const response = await send(method, path, body, {});
        expect(`${path}: ${response.status} ${response.body?.error?.code}`).toBe(
          `${path}: 413 BODY_TOO_MANY_KEYS`,
        );
      }
    }
  });
});
