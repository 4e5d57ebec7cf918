import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventType } from '@regulars/contracts';
import { ManualClock } from '@regulars/backend';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import { AuditModel } from '../../backend/src/modules/audit/audit.model.js';
import { WebhookDeliveryModel } from '../../backend/src/modules/webhooks/webhook.model.js';
import { createApiKey, signInStaff } from '../support/callers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** What a receiver got: the raw body and headers of each POST. */
type Received = {
  body: string;
  headers: IncomingHttpHeaders;
  json: { id: string; type: string; memberId: string | null };
};
/** How the receiver answers the n-th request (0-based): a status, or `hang` (never answers). */
type Answer = number | 'hang' | { status: number; body: string };

/** A real HTTP receiver on a local port. */
async function startReceiver(answer: (n: number, received: Received) => Answer = () => 200) {
  const received: Received[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const entry = { body, headers: req.headers, json: JSON.parse(body) as Received['json'] };
      const n = received.length;
      received.push(entry);
      const reply = answer(n, entry);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      const { status, body: text } = typeof reply === 'number' ? { status: reply, body: 'ok' } : reply;
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let app: TestApp | undefined;
let receivers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  await app?.close();
  app = undefined;
});

async function receiver(answer?: (n: number, received: Received) => Answer) {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const newMemberId = () => new Types.ObjectId().toHexString();

/** Appends one member's events in order, one transaction each, the way modules emit them. */
async function emit(world: TestApp, memberId: string | null, types: EventType[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [step, type] of types.entries()) {
    const id = await runInTransaction((session) =>
      world.runtime.services.events.append(session, { type, memberId, payload: { step } }),
    );
    ids.push(id.toHexString());
  }
  return ids;
}

/** The dispatcher hands the events over, then one delivery run sends what is due. */
async function dispatchAndDeliver(world: TestApp) {
  await world.runtime.services.eventDispatcher.dispatch();
  return world.runtime.services.webhookDelivery.deliverDue();
}

/** Verifies a Regulars-Signature header against a secret, as docs/webhooks.md tells receivers to. */
function hasValidSignature(header: string | undefined, body: string, secret: string): boolean {
  const parts = (header ?? '').split(',').map((part) => part.split('=') as [string, string]);
  const t = parts.find(([k]) => k === 't')?.[1];
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  return parts
    .filter(([k]) => k === 'v1')
    .some(([, v]) => {
      const given = Buffer.from(v, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

function register(world: TestApp, auth: Record<string, string>, body: Record<string, unknown>) {
  return world.request.post('/api/v1/webhooks').set(auth).send(body);
}

describe('webhook endpoints (/api/v1/webhooks)', () => {
  it('registers an endpoint, shows its secret only once, lists, changes and removes it', async () => {
    app = await createTestApp();
    const admin = await signInStaff(app, 'admin');
    const created = await register(app, admin.auth, {
      url: 'https://hooks.example.test/regulars',
      eventTypes: ['points.*', 'member.created'],
      description: 'POS sync',
    }).expect(201);
    expect(created.body).toMatchObject({
      url: 'https://hooks.example.test/regulars',
      eventTypes: ['points.*', 'member.created'],
      description: 'POS sync',
      active: true,
      disabledAt: null,
      previousSecretExpiresAt: null,
    });
    expect(created.body.secret).toMatch(/^whsec_[\w-]{32}$/);
    const id = created.body.id as string;

    const list = await app.request.get('/api/v1/webhooks').set(admin.auth).expect(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].secret).toBeUndefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);

    const patched = await app.request
      .patch(`/api/v1/webhooks/${id}`)
      .set(admin.auth)
      .send({ eventTypes: ['*'], active: false })
      .expect(200);
    expect(patched.body).toMatchObject({ eventTypes: ['*'], active: false });

    await app.request.delete(`/api/v1/webhooks/${id}`).set(admin.auth).expect(200);
    const gone = await app.request.get(`/api/v1/webhooks/${id}`).set(admin.auth).expect(404);
    expect(gone.body.error.code).toBe('WEBHOOK_NOT_FOUND');
    const audit = await AuditModel.find({ 'entity.id': id }).sort({ _id: 1 }).lean();
    expect(audit.map((entry) => entry.action)).toEqual([
      'webhook.create',
      'webhook.update',
      'webhook.delete',
    ]);
    expect(JSON.stringify(audit)).not.toContain(created.body.secret);
  });

  it('lets API keys with webhooks:write manage endpoints and refuses others with 403', async () => {
    app = await createTestApp();
    const writer = await createApiKey(app, ['webhooks:write']);
    await register(app, writer.auth, { url: 'http://hooks.example.test/', eventTypes: ['*'] }).expect(201);
    const reader = await createApiKey(app, ['events:read']);
    const refused = await app.request.get('/api/v1/webhooks').set(reader.auth).expect(403);
    expect(refused.body.error.code).toBe('INSUFFICIENT_SCOPE');
    const manager = await signInStaff(app, 'manager');
    expect((await app.request.get('/api/v1/webhooks').set(manager.auth).expect(403)).body.error.code).toBe(
      'FORBIDDEN',
    );
  });

  it('refuses bad input with precise 400 codes', async () => {
    app = await createTestApp();
    const admin = await signInStaff(app, 'admin');
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'ftp://files.example.test/x', eventTypes: ['*'] }, 'WEBHOOK_URL_SCHEME'],
      [{ url: 'javascript:alert(1)', eventTypes: ['*'] }, 'WEBHOOK_URL_SCHEME'],
      [{ url: 'not a url', eventTypes: ['*'] }, 'WEBHOOK_URL_INVALID'],
      [{ url: 'https://user:pw@hooks.example.test/', eventTypes: ['*'] }, 'WEBHOOK_URL_INVALID'],
      [{ url: 'https://hooks.example.test/', eventTypes: ['point.earned'] }, 'EVENT_TYPE_UNKNOWN'],
      [{ url: 'https://hooks.example.test/', eventTypes: ['nothing.*'] }, 'EVENT_TYPE_UNKNOWN'],
      [{ url: 'https://hooks.example.test/', eventTypes: [] }, 'VALIDATION_FAILED'],
      [{ url: 'https://hooks.example.test/', eventTypes: ['*'], secret: 'mine' }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of cases) {
      const response = await register(app, admin.auth, body);
      expect([response.status, response.body.error?.code], JSON.stringify(body)).toEqual([400, code]);
    }
    const id = (await register(app, admin.auth, { url: 'https://hooks.example.test/', eventTypes: ['*'] }))
      .body.id as string;
    const patch = await app.request
      .patch(`/api/v1/webhooks/${id}`)
      .set(admin.auth)
      .send({ url: 'file:///etc/passwd' });
    expect([patch.status, patch.body.error.code]).toEqual([400, 'WEBHOOK_URL_SCHEME']);
    const empty = await app.request.patch(`/api/v1/webhooks/${id}`).set(admin.auth).send({});
    expect([empty.status, empty.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(await WebhookDeliveryModel.countDocuments()).toBe(0);
  });

  it('refuses private, loopback and link-local targets in production unless WEBHOOK_ALLOW_PRIVATE=true', async () => {
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) };
    app = await createTestApp({ env: production });
    let admin = await signInStaff(app, 'admin');
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://localhost/',
      'http://10.1.2.3/',
      'http://192.168.1.10/',
      'http://172.20.0.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
    ]) {
      const response = await register(app, admin.auth, { url, eventTypes: ['*'] });
      expect([response.status, response.body.error?.code], url).toEqual([400, 'WEBHOOK_TARGET_PRIVATE']);
    }
    const unresolvable = await register(app, admin.auth, {
      url: 'https://no-such-host.invalid/',
      eventTypes: ['*'],
    });
    expect([unresolvable.status, unresolvable.body.error.code]).toEqual([400, 'WEBHOOK_TARGET_UNRESOLVABLE']);
    await register(app, admin.auth, { url: 'http://93.184.215.14/hooks', eventTypes: ['*'] }).expect(201);
    await app.close();

    app = await createTestApp({ env: { ...production, WEBHOOK_ALLOW_PRIVATE: 'true' } });
    admin = await signInStaff(app, 'admin');
    await register(app, admin.auth, { url: 'http://10.1.2.3/', eventTypes: ['*'] }).expect(201);
  });
});

describe('webhook deliveries', () => {
  it('POSTs each event signed, in order per member, through the worker', async () => {
    app = await createTestApp();
    const hooks = await receiver();
    const admin = await signInStaff(app, 'admin');
    const created = await register(app, admin.auth, {
      url: hooks.url,
      eventTypes: ['points.*', 'member.*'],
    }).expect(201);
    const secret = created.body.secret as string;
    const members = [newMemberId(), newMemberId()];
    const sequence: EventType[] = [
      'member.created',
      'purchase.recorded',
      'points.earned',
      'points.activated',
    ];
    const emitted = await Promise.all(members.map((memberId) => emit(app as TestApp, memberId, sequence)));

    await app.runtime.startWorkers();
    for (let i = 0; i < 200 && hooks.received.length < 6; i += 1) await sleep(50);
    expect(hooks.received).toHaveLength(6);
    for (const [index, memberId] of members.entries()) {
      const ids = emitted[index] ?? [];
      expect(hooks.received.filter((r) => r.json.memberId === memberId).map((r) => r.json.id)).toEqual([
        ids[0],
        ids[2],
        ids[3],
      ]);
    }
    for (const r of hooks.received) {
      expect(hasValidSignature(r.headers['regulars-signature'] as string, r.body, secret)).toBe(true);
      expect(hasValidSignature(r.headers['regulars-signature'] as string, r.body, 'whsec_other')).toBe(false);
      expect(r.headers['regulars-event-id']).toBe(r.json.id);
      expect(r.headers['regulars-event-type']).toBe(r.json.type);
      expect(r.headers['content-type']).toBe('application/json');
    }
    const feed = await app.request
      .get('/api/v1/events')
      .query({ type: 'points.earned' })
      .set(admin.auth)
      .expect(200);
    const sent = hooks.received.find((r) => r.json.id === feed.body.items[0].id);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(feed.body.items[0]);
  });

  it("keeps a member's later events waiting while an earlier one is retried after 500s, and logs each attempt", async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock });
    // The first event's first two attempts fail.
    let firstAttempts = 0;
    const hooks = await receiver((_n, r) => {
      if (r.json.type !== 'member.created') return 200;
      firstAttempts += 1;
      return firstAttempts <= 2 ? { status: 500, body: 'x'.repeat(2000) } : 200;
    });
    const admin = await signInStaff(app, 'admin');
    const id = (await register(app, admin.auth, { url: hooks.url, eventTypes: ['*'] }).expect(201)).body
      .id as string;
    const member = newMemberId();
    const other = newMemberId();
    const [first, second, third] = await emit(app, member, [
      'member.created',
      'points.earned',
      'points.activated',
    ]);
    const [others] = await emit(app, other, ['points.earned']);

    expect(await dispatchAndDeliver(app)).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    expect(hooks.received.map((r) => r.json.id).sort()).toEqual([first, others].sort());

    const log = await app.request.get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth).expect(200);
    const failing = log.body.items.find((d: { eventId: string }) => d.eventId === first);
    expect(failing).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500, kind: 'event' });
    expect(failing.responseBody).toBe('x'.repeat(512));
    expect(failing.latencyMs).toBeGreaterThanOrEqual(0);
    const retryAt = new Date(failing.nextAttemptAt as string).getTime();
    // 30 s, give or take the jitter.
    expect(retryAt - clock.now().getTime()).toBeGreaterThanOrEqual(22_500);
    expect(retryAt - clock.now().getTime()).toBeLessThanOrEqual(37_500);

    // Not due yet: nothing is sent, the member's later events wait.
    clock.advance(20_000);
    expect(await app.runtime.services.webhookDelivery.deliverDue()).toEqual({
      delivered: 0,
      retrying: 0,
      failed: 0,
    });
    clock.set(retryAt);
    expect(await app.runtime.services.webhookDelivery.deliverDue()).toEqual({
      delivered: 0,
      retrying: 1,
      failed: 0,
    });
    const again = await WebhookDeliveryModel.findOne({ eventId: first }).lean();
    clock.set(again?.nextAttemptAt ?? 0);
    expect(await app.runtime.services.webhookDelivery.deliverDue()).toEqual({
      delivered: 3,
      retrying: 0,
      failed: 0,
    });
    expect(hooks.received.filter((r) => r.json.memberId === member).map((r) => r.json.id)).toEqual([
      first,
      first,
      first,
      second,
      third,
    ]);
    const done = await app.request
      .get(`/api/v1/webhooks/${id}/deliveries`)
      .set(admin.auth)
      .query({ status: 'delivered' });
    expect(done.body.items).toHaveLength(4);
    expect(done.body.items.find((d: { eventId: string }) => d.eventId === first)).toMatchObject({
      attempts: 3,
      responseStatus: 200,
      responseBody: 'ok',
      nextAttemptAt: null,
    });
  });

  it('cuts a receiver that does not answer at the timeout and retries it, without holding up another endpoint', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock, env: { WEBHOOK_TIMEOUT_MS: '300' } });
    const slow = await receiver((n) => (n === 0 ? 'hang' : 200));
    const fast = await receiver();
    const admin = await signInStaff(app, 'admin');
    const slowId = (await register(app, admin.auth, { url: slow.url, eventTypes: ['*'] }).expect(201)).body
      .id as string;
    await register(app, admin.auth, { url: fast.url, eventTypes: ['*'] }).expect(201);
    const [eventId] = await emit(app, newMemberId(), ['member.created']);

    expect(await dispatchAndDeliver(app)).toEqual({ delivered: 1, retrying: 1, failed: 0 });
    expect(fast.received.map((r) => r.json.id)).toEqual([eventId]);
    const log = await app.request.get(`/api/v1/webhooks/${slowId}/deliveries`).set(admin.auth).expect(200);
    expect(log.body.items[0]).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(log.body.items[0].error).toBe('no answer within 300 ms');

    clock.set(log.body.items[0].nextAttemptAt as string);
    expect(await app.runtime.services.webhookDelivery.deliverDue()).toEqual({
      delivered: 1,
      retrying: 0,
      failed: 0,
    });
    expect(slow.received.map((r) => r.json.id)).toEqual([eventId, eventId]);
  });

  it('gives up after 3 days of failures and disables the endpoint, saying so in the audit log', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock });
    const hooks = await receiver(() => 503);
    const admin = await signInStaff(app, 'admin');
    const id = (await register(app, admin.auth, { url: hooks.url, eventTypes: ['*'] }).expect(201)).body
      .id as string;
    const member = newMemberId();
    const [first, second] = await emit(app, member, ['member.created', 'points.earned']);
    await dispatchAndDeliver(app);

    let attempts = 1;
    for (let i = 0; i < 40; i += 1) {
      const pending = await WebhookDeliveryModel.findOne({ eventId: first, status: 'pending' }).lean();
      if (!pending?.nextAttemptAt) break;
      clock.set(pending.nextAttemptAt);
      await app.runtime.services.webhookDelivery.deliverDue();
      attempts += 1;
    }
    const given = await WebhookDeliveryModel.findOne({ eventId: first }).lean();
    expect(given).toMatchObject({ status: 'failed', attempts });
    expect(attempts).toBeGreaterThan(10);
    expect(clock.now().getTime() - new Date('2026-03-01T10:00:00Z').getTime()).toBe(3 * 24 * 3600_000);
    // Only the first event was ever sent: the second waited behind it, and is cancelled with the endpoint.
    expect(new Set(hooks.received.map((r) => r.json.id))).toEqual(new Set([first]));
    expect(await WebhookDeliveryModel.findOne({ eventId: second }).lean()).toMatchObject({
      status: 'cancelled',
    });

    const endpoint = await app.request.get(`/api/v1/webhooks/${id}`).set(admin.auth).expect(200);
    expect(endpoint.body).toMatchObject({
      active: false,
      disabledReason: 'failing',
      disabledAt: clock.now().toISOString(),
      failingSince: '2026-03-01T10:00:00.000Z',
    });
    const audit = await AuditModel.findOne({ action: 'webhook.disable', 'entity.id': id }).lean();
    expect(audit?.reason).toMatch(/failed for 3 days/);

    // Nothing more is recorded for it until it is turned on again.
    await emit(app, member, ['points.activated']);
    await dispatchAndDeliver(app);
    expect(await WebhookDeliveryModel.countDocuments({ endpointId: new Types.ObjectId(id) })).toBe(2);
    const on = await app.request
      .patch(`/api/v1/webhooks/${id}`)
      .set(admin.auth)
      .send({ active: true })
      .expect(200);
    expect(on.body).toMatchObject({
      active: true,
      disabledAt: null,
      disabledReason: null,
      failingSince: null,
    });
  });

  it('disables an endpoint at once when it answers 410 Gone', async () => {
    const clock = new ManualClock('2026-03-01T10:00:00Z');
    app = await createTestApp({ clock });
    const hooks = await receiver(() => 410);
    const admin = await signInStaff(app, 'admin');
    const id = (await register(app, admin.auth, { url: hooks.url, eventTypes: ['*'] }).expect(201)).body
      .id as string;
    // The member's second event waits behind the first, which is answered 410.
    const [first, second] = await emit(app, newMemberId(), ['member.created', 'points.earned']);
    expect(await dispatchAndDeliver(app)).toEqual({ delivered: 0, retrying: 0, failed: 1 });
    expect(hooks.received.map((r) => r.json.id)).toEqual([first]);
    const endpoint = await app.request.get(`/api/v1/webhooks/${id}`).set(admin.auth).expect(200);
    expect(endpoint.body).toMatchObject({ active: false, disabledReason: 'gone' });
    expect(await WebhookDeliveryModel.findOne({ eventId: first }).lean()).toMatchObject({ status: 'failed' });
    expect(await WebhookDeliveryModel.findOne({ eventId: second }).lean()).toMatchObject({
      status: 'cancelled',
    });
    const audit = await AuditModel.findOne({ action: 'webhook.disable', 'entity.id': id }).lean();
    expect(audit?.reason).toMatch(/410 Gone/);
    await emit(app, newMemberId(), ['member.created']);
    await dispatchAndDeliver(app);
    expect(hooks.received).toHaveLength(1);
  });
});

describe('webhook tools', () => {
  it('redelivers a delivery as a new one, pings, and signs with both secrets during a rotation', async () => {
    app = await createTestApp();
    const hooks = await receiver();
    const admin = await signInStaff(app, 'admin');
    const created = await register(app, admin.auth, { url: hooks.url, eventTypes: ['member.*'] }).expect(201);
    const id = created.body.id as string;
    const oldSecret = created.body.secret as string;
    const [eventId] = await emit(app, newMemberId(), ['member.created']);
    await dispatchAndDeliver(app);
    const [original] = (await app.request.get(`/api/v1/webhooks/${id}/deliveries`).set(admin.auth)).body
      .items;
    expect(original).toMatchObject({ eventId, status: 'delivered', attempts: 1 });

    const rotated = await app.request
      .post(`/api/v1/webhooks/${id}/rotate-secret`)
      .set(admin.auth)
      .expect(200);
    const newSecret = rotated.body.secret as string;
    expect(newSecret).not.toBe(oldSecret);
    expect(new Date(rotated.body.previousSecretExpiresAt as string).getTime() - Date.now()).toBeGreaterThan(
      23 * 3600_000,
    );

    const redelivered = await app.request
      .post(`/api/v1/webhooks/${id}/deliveries/${original.id as string}/redeliver`)
      .set(admin.auth)
      .expect(200);
    expect(redelivered.body).toMatchObject({ eventId, kind: 'redelivery', status: 'delivered', attempts: 1 });
    expect(redelivered.body.id).not.toBe(original.id);
    const again = hooks.received[1];
    expect(again?.json.id).toBe(eventId);
    expect(again?.body).toBe(hooks.received[0]?.body);
    const header = again?.headers['regulars-signature'] as string;
    expect(header.match(/v1=/g)).toHaveLength(2);
    expect(hasValidSignature(header, again?.body ?? '', newSecret)).toBe(true);
    expect(hasValidSignature(header, again?.body ?? '', oldSecret)).toBe(true);

    const ping = await app.request.post(`/api/v1/webhooks/${id}/ping`).set(admin.auth).expect(200);
    expect(ping.body).toMatchObject({
      kind: 'ping',
      eventType: 'webhook.ping',
      status: 'delivered',
      responseStatus: 200,
    });
    expect(hooks.received[2]?.json.type).toBe('webhook.ping');

    const missing = await app.request
      .post(`/api/v1/webhooks/${id}/deliveries/${new Types.ObjectId().toHexString()}/redeliver`)
      .set(admin.auth)
      .expect(404);
    expect(missing.body.error.code).toBe('WEBHOOK_DELIVERY_NOT_FOUND');
    await app.request.patch(`/api/v1/webhooks/${id}`).set(admin.auth).send({ active: false }).expect(200);
    const disabled = await app.request
      .post(`/api/v1/webhooks/${id}/deliveries/${original.id as string}/redeliver`)
      .set(admin.auth)
      .expect(409);
    expect(disabled.body.error.code).toBe('WEBHOOK_DISABLED');
  });

  it('answers a ping that the receiver refuses with its status and head, and does not retry it', async () => {
    app = await createTestApp({ env: { WEBHOOK_TIMEOUT_MS: '300' } });
    const hooks = await receiver(() => ({ status: 401, body: 'bad signature' }));
    const admin = await signInStaff(app, 'admin');
    const id = (await register(app, admin.auth, { url: hooks.url, eventTypes: ['*'] }).expect(201)).body
      .id as string;
    const ping = await app.request.post(`/api/v1/webhooks/${id}/ping`).set(admin.auth).expect(200);
    expect(ping.body).toMatchObject({
      status: 'failed',
      responseStatus: 401,
      responseBody: 'bad signature',
      nextAttemptAt: null,
    });
    const endpoint = await app.request.get(`/api/v1/webhooks/${id}`).set(admin.auth).expect(200);
    expect(endpoint.body).toMatchObject({ active: true, failingSince: null });
  });
});
