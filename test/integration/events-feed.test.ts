import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventType } from '@regulars/contracts';
import { runInTransaction } from '../../backend/src/modules/ledger/transaction.js';
import { encodeCursor } from '../../backend/src/platform/pagination.js';
import { createApiKey, signInStaff } from '../support/callers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let app: TestApp;
let admin: Awaited<ReturnType<typeof signInStaff>>;
beforeAll(async () => {
  app = await createTestApp();
  admin = await signInStaff(app, 'admin');
});
afterAll(() => app.close());

/** Writes events the way a module does: appended in a transaction, one transaction each. */
async function emit(
  memberId: string | null,
  types: EventType[],
  extra: { storeId?: string } = {},
): Promise<string[]> {
  const ids: string[] = [];
  for (const [index, type] of types.entries()) {
    const id = await runInTransaction((session) =>
      app.runtime.services.events.append(session, {
        type,
        memberId,
        ...(extra.storeId ? { storeId: extra.storeId } : {}),
        subject: { step: String(index) },
        payload: { step: index },
      }),
    );
    ids.push(id.toHexString());
  }
  return ids;
}

const newId = () => new Types.ObjectId().toHexString();

const feed = (query: string, auth: Record<string, string> = admin.auth) =>
  app.request.get(`/api/v1/events?${query}`).set(auth);

describe('GET /api/v1/events', () => {
  it('pages oldest first with after=<nextCursor>, and lastCursor resumes the poll from the last page', async () => {
    const memberId = newId();
    const ids = await emit(memberId, ['member.created', 'purchase.recorded', 'points.earned']);

    const first = await feed(`memberId=${memberId}&limit=2`).expect(200);
    expect(first.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(0, 2));
    expect(first.body.items[0]).toMatchObject({
      id: ids[0],
      type: 'member.created',
      memberId,
      storeId: null,
      subject: { step: '0' },
      payloadVersion: 1,
      payload: { step: 0 },
    });
    expect(first.body.nextCursor).toEqual(expect.any(String));

    const second = await feed(`memberId=${memberId}&limit=2&after=${first.body.nextCursor}`).expect(200);
    expect(second.body.items.map((e: { id: string }) => e.id)).toEqual(ids.slice(2));
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.lastCursor).toEqual(expect.any(String));

    const idle = await feed(`memberId=${memberId}&after=${second.body.lastCursor}`).expect(200);
    expect(idle.body).toEqual({ items: [], nextCursor: null, lastCursor: second.body.lastCursor });

    const [later] = await emit(memberId, ['points.activated']);
    const resumed = await feed(`memberId=${memberId}&after=${idle.body.lastCursor}`).expect(200);
    expect(resumed.body.items.map((e: { id: string }) => e.id)).toEqual([later]);
  });

  it('filters by exact types and patterns, repeated or as a comma list', async () => {
    const memberId = newId();
    const [created, purchase, earned, activated, redeemed] = await emit(memberId, [
      'member.created',
      'purchase.recorded',
      'points.earned',
      'points.activated',
      'redemption.created',
    ]);
    const ids = async (query: string) =>
      (await feed(`memberId=${memberId}&${query}`).expect(200)).body.items.map((e: { id: string }) => e.id);

    expect(await ids('type=points.*')).toEqual([earned, activated]);
    expect(await ids('type=member.created&type=redemption.created')).toEqual([created, redeemed]);
    expect(await ids('type=purchase.recorded,points.*')).toEqual([purchase, earned, activated]);
    expect(await ids('type=points.earned,points.*&type=points.earned')).toEqual([earned, activated]);
    expect(await ids('type=*')).toHaveLength(5);
  });

  it('filters by member: another member has nothing to show', async () => {
    const memberId = newId();
    await emit(memberId, ['member.created']);
    const other = await feed(`memberId=${newId()}`).expect(200);
    expect(other.body).toEqual({ items: [], nextCursor: null, lastCursor: null });
  });

  it('returns 400 EVENT_TYPE_UNKNOWN for a type or a pattern that names nothing in the catalogue', async () => {
    for (const type of ['points.earn', 'nope.*', 'points.earned,bogus']) {
      const response = await feed(`type=${encodeURIComponent(type)}`).expect(400);
      expect(response.body.error.code).toBe('EVENT_TYPE_UNKNOWN');
    }
    const response = await feed('type=bogus').expect(400);
    expect(response.body.error).toMatchObject({ code: 'EVENT_TYPE_UNKNOWN', details: { pattern: 'bogus' } });
  });

  it('returns 400 EVENT_FILTER_TOO_LONG for more than 50 types or patterns', async () => {
    const fiftyOne = Array.from({ length: 51 }, () => 'points.earned');
    const listed = await feed(`type=${fiftyOne.join(',')}`).expect(400);
    expect(listed.body.error).toMatchObject({
      code: 'EVENT_FILTER_TOO_LONG',
      details: { limit: 50, given: 51 },
    });
    const repeated = await feed(fiftyOne.map((t) => `type=${t}`).join('&')).expect(400);
    expect(repeated.body.error.code).toBe('EVENT_FILTER_TOO_LONG');
    await feed(
      fiftyOne
        .slice(1)
        .map((t) => `type=${t}`)
        .join('&'),
    ).expect(200);
  });

  it('does not pass over an event whose transaction commits after a reader has gone beyond its id', async () => {
    const memberId = newId();
    const other = newId();
    let commit!: () => void;
    const gate = new Promise<void>((resolve) => (commit = resolve));
    let appended!: () => void;
    const started = new Promise<void>((resolve) => (appended = resolve));
    // The slow transaction takes its event id first, then waits before committing.
    const slow = runInTransaction(async (session) => {
      const id = await app.runtime.services.events.append(session, {
        type: 'member.updated',
        memberId,
        payload: { fields: ['name'] },
      });
      appended();
      await gate;
      return id;
    });
    await started;
    const [fast] = await emit(other, ['member.updated']);
    const before = await feed(`type=member.updated&limit=200`).expect(200);
    const seen = before.body.items.map((event: { id: string }) => event.id);
    expect(seen).toContain(fast);
    commit();
    const late = (await slow).toHexString();
    expect(late < fast!).toBe(true);
    expect(seen).not.toContain(late);
    const after = await feed(`type=member.updated&after=${before.body.lastCursor}`).expect(200);
    expect(after.body.items.map((event: { id: string }) => event.id)).toEqual([late]);
  });

  it('still reads a cursor that names an event id (as cursors did before the feed was numbered)', async () => {
    const memberId = newId();
    const [first, second] = await emit(memberId, ['member.created', 'member.updated']);
    await feed(`memberId=${memberId}`).expect(200);
    const old = encodeCursor(first!, 'events');
    const page = await feed(`memberId=${memberId}&after=${old}`).expect(200);
    expect(page.body.items.map((event: { id: string }) => event.id)).toEqual([second]);
  });

  it('returns 400 INVALID_CURSOR for a cursor of another list or a broken one', async () => {
    const fromPurchases = encodeCursor(new Types.ObjectId(), 'purchases');
    const response = await feed(`after=${fromPurchases}`).expect(400);
    expect(response.body.error.code).toBe('INVALID_CURSOR');
    expect((await feed('after=garbage').expect(400)).body.error.code).toBe('INVALID_CURSOR');
  });

  it('returns 400 VALIDATION_FAILED for a bad memberId or limit', async () => {
    expect((await feed('memberId=42').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await feed('limit=0').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
    expect((await feed('cursor=x').expect(400)).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses staff other than admins with 403 FORBIDDEN, and anonymous callers with 401', async () => {
    for (const role of ['manager', 'marketer', 'cashier'] as const) {
      const staff = await signInStaff(app, role);
      expect((await feed('', staff.auth).expect(403)).body.error.code).toBe('FORBIDDEN');
    }
    await app.request.get('/api/v1/events').expect(401);
  });

  it('lets an API key with events:read read the feed, and refuses one without it with 403 INSUFFICIENT_SCOPE', async () => {
    const memberId = newId();
    const [id] = await emit(memberId, ['member.created']);
    const reader = await createApiKey(app, ['events:read']);
    const response = await feed(`memberId=${memberId}`, reader.auth).expect(200);
    expect(response.body.items.map((e: { id: string }) => e.id)).toEqual([id]);

    const other = await createApiKey(app, ['members:read', 'purchases:read']);
    const refused = await feed(`memberId=${memberId}`, other.auth).expect(403);
    expect(refused.body.error).toMatchObject({
      code: 'INSUFFICIENT_SCOPE',
      message: 'This API key lacks the scope events:read',
    });
  });

  it("shows a key bound to a store that store's events only", async () => {
    const store = await app.request
      .post('/api/v1/stores')
      .set(admin.auth)
      .send({ name: 'Feed store', code: 'FEED' })
      .expect(201);
    const storeId = store.body.id as string;
    const memberId = newId();
    const [here] = await emit(memberId, ['purchase.recorded'], { storeId });
    await emit(memberId, ['purchase.recorded'], { storeId: newId() });
    await emit(memberId, ['member.updated']);
    const bound = await createApiKey(app, ['events:read'], storeId);
    const response = await feed(`memberId=${memberId}`, bound.auth).expect(200);
    expect(response.body.items.map((e: { id: string }) => e.id)).toEqual([here]);
    const all = await feed(`memberId=${memberId}`).expect(200);
    expect(all.body.items).toHaveLength(3);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await app.request.get('/api/openapi.json').expect(200);
    const operation = doc.body.paths['/api/v1/events']?.get;
    expect(operation.tags).toEqual(['Events']);
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['after', 'type', 'memberId', 'limit']),
    );
    expect(operation.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/EventFeedPage',
    });
    expect(doc.body.components.schemas.EventFeedPage.properties).toHaveProperty('lastCursor');
  });
});
