import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import { signInStaff } from '../support/callers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/webhooks.md');

type Verify = (
  rawBody: string | Buffer,
  header: string | undefined,
  secret: string,
  toleranceSeconds?: number,
) => boolean;

/** The docs' ```js block, loaded as the module a reader would paste it into. */
async function loadSnippet(): Promise<{ verify: Verify; cleanup(): void }> {
  const blocks = [...readFileSync(DOC, 'utf8').matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  expect(blocks).toHaveLength(1);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'webhooks-doc-'));
  const file = path.join(dir, 'verify.mjs');
  writeFileSync(file, blocks[0] ?? '');
  const module = (await import(pathToFileURL(file).href)) as { verifyRegularsSignature: Verify };
  return {
    verify: module.verifyRegularsSignature,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let app: TestApp | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await app?.close();
  app = undefined;
});

describe('docs/webhooks.md', () => {
  it('verifies a real delivery with its Node snippet, and refuses a tampered body, another secret or an old timestamp', async () => {
    const snippet = await loadSnippet();
    cleanups.push(snippet.cleanup);
    const received: Array<{ raw: Buffer; headers: IncomingHttpHeaders }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ raw: Buffer.concat(chunks), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;

    app = await createTestApp();
    const world = app;
    const admin = await signInStaff(world, 'admin');
    const created = await world.request
      .post('/api/v1/webhooks')
      .set(admin.auth)
      .send({ url: `http://127.0.0.1:${port}/regulars/events`, eventTypes: ['points.*'] })
      .expect(201);
    const secret = created.body.secret as string;
    const memberId = new Types.ObjectId().toHexString();
    await runInTransaction((session) =>
      world.runtime.services.events.append(session, {
        type: 'points.earned',
        memberId,
        payload: { points: 120, note: 'café ☕' },
      }),
    );
    await world.runtime.services.eventDispatcher.dispatch();
    await world.runtime.services.webhookDelivery.deliverDue();
    expect(received).toHaveLength(1);
    const [delivery] = received;
    const header = delivery?.headers['regulars-signature'] as string;
    const raw = delivery?.raw ?? Buffer.alloc(0);

    expect(snippet.verify(raw, header, secret)).toBe(true);
    expect(snippet.verify(raw.toString('utf8'), header, secret)).toBe(true);
    expect(snippet.verify(Buffer.from(raw.toString('utf8').replace('120', '999')), header, secret)).toBe(
      false,
    );
    expect(snippet.verify(raw, header, 'whsec_someone-else')).toBe(false);
    expect(snippet.verify(raw, undefined, secret)).toBe(false);
    // A delivery captured and replayed later than the tolerance is refused.
    const old = Math.floor(Date.now() / 1000) - 600;
    const replayed = `t=${old},v1=${createHmac('sha256', secret).update(`${old}.`).update(raw).digest('hex')}`;
    expect(snippet.verify(raw, replayed, secret, 3600)).toBe(true);
    expect(snippet.verify(raw, replayed, secret)).toBe(false);

    // After a rotation, a receiver still on the old secret and one on the new both verify.
    const rotated = await world.request
      .post(`/api/v1/webhooks/${created.body.id as string}/rotate-secret`)
      .set(admin.auth)
      .expect(200);
    await world.request
      .post(`/api/v1/webhooks/${created.body.id as string}/ping`)
      .set(admin.auth)
      .expect(200);
    const ping = received[1];
    expect(snippet.verify(ping?.raw ?? '', ping?.headers['regulars-signature'] as string, secret)).toBe(true);
    expect(
      snippet.verify(
        ping?.raw ?? '',
        ping?.headers['regulars-signature'] as string,
        rotated.body.secret as string,
      ),
    ).toBe(true);
  });
});
