import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditModel } from '../../backend/src/modules/audit/audit.model.js';
import { backfillNameTokens, MemberModel } from '../../backend/src/modules/members/member.model.js';
import { RewardImageModel } from '../../backend/src/modules/rewards/reward-image.model.js';
import { createApiKey, makePhone, signUpMember } from '../support/callers.js';
import { createLedgerWorld, createMember, type LedgerWorld } from './ledger-helpers.js';

let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(() => world.close());

const ids = (body: { items: Array<{ id: string }> }) => body.items.map((item) => item.id);
const find = (query: Record<string, string>) =>
  world.app.request.get('/api/v1/members').query(query).set(world.manager.auth);

describe('GET /api/v1/members: search by any word of the name, and filters', () => {
  it('finds a member by the start of a middle word, accents and case aside, and by several words', async () => {
    const tag = randomUUID().slice(0, 6);
    const member = await createMember(world, { name: `Ana Émilie Zq${tag}Ñúñez Castro` });
    for (const name of [`émil`, `EMILIE`, `zq${tag}nu`, `castro émi`, `ana zq${tag}`]) {
      const found = await find({ name }).expect(200);
      expect(ids(found.body), name).toContain(member.id);
    }
    // Every word must start a word of the name; a word inside a word does not match.
    expect(ids((await find({ name: `zq${tag}nu xyzq` }).expect(200)).body)).not.toContain(member.id);
    expect(ids((await find({ name: `${tag}nunez` }).expect(200)).body)).not.toContain(member.id);
  });

  it('follows a rename and gives members stored without tokens theirs on start', async () => {
    const tag = randomUUID().slice(0, 6).replace(/\d/g, 'q');
    const member = await createMember(world, { name: `Old ${tag}` });
    await world.app.request
      .patch(`/api/v1/members/${member.id}`)
      .set(world.manager.auth)
      .send({ name: `Nova ${tag}x Vega` })
      .expect(200);
    expect(ids((await find({ name: `${tag}x` }).expect(200)).body)).toEqual([member.id]);
    expect(ids((await find({ name: `old ${tag}` }).expect(200)).body)).toEqual([]);
    await MemberModel.updateOne({ _id: member.id }, { $unset: { nameTokens: 1 } });
    expect(ids((await find({ name: `vega ${tag}` }).expect(200)).body)).toEqual([]);
    expect(await backfillNameTokens(2)).toBeGreaterThanOrEqual(1);
    expect(ids((await find({ name: `vega ${tag}` }).expect(200)).body)).toEqual([member.id]);
    expect(await backfillNameTokens()).toBe(0);
  });

  it('narrows by tag, blocked, join dates and store, and refuses a reversed date range', async () => {
    const word = `Filt${randomUUID().slice(0, 6).replace(/\d/g, 'k')}`;
    const till = await createApiKey(world.app, ['members:write', 'members:read'], world.storeId);
    const atStore = await world.app.request
      .post('/api/v1/members')
      .set(till.auth)
      .send({ name: `${word} Store`, phone: makePhone() })
      .expect(201);
    const tagged = await createMember(world, { name: `${word} Tagged` });
    const blocked = await createMember(world, { name: `${word} Blocked` });
    await MemberModel.updateOne({ _id: tagged.id }, { $set: { tags: ['vip'] } });
    await world.app.request
      .post(`/api/v1/members/${blocked.id}/block`)
      .set(world.manager.auth)
      .send({ reason: 'chargebacks' })
      .expect(200);

    expect(ids((await find({ name: word, tag: 'vip' }).expect(200)).body)).toEqual([tagged.id]);
    expect(ids((await find({ name: word, blocked: 'true' }).expect(200)).body)).toEqual([blocked.id]);
    expect(ids((await find({ name: word, blocked: 'false' }).expect(200)).body).sort()).toEqual(
      [atStore.body.id, tagged.id].sort(),
    );
    expect(ids((await find({ name: word, storeId: world.storeId }).expect(200)).body)).toEqual([
      atStore.body.id,
    ]);
    const now = Date.now();
    const around = {
      joinedFrom: new Date(now - 3600_000).toISOString(),
      joinedTo: new Date(now + 3600_000).toISOString(),
    };
    expect(ids((await find({ name: word, ...around }).expect(200)).body)).toHaveLength(3);
    const later = { joinedFrom: new Date(now + 3600_000).toISOString() };
    expect(ids((await find({ name: word, ...later }).expect(200)).body)).toEqual([]);
    const reversed = await find({ joinedFrom: around.joinedTo, joinedTo: around.joinedFrom }).expect(400);
    expect(reversed.body.error).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(reversed.body.error.details[0].path).toBe('joinedTo');
    const badStore = await find({ storeId: 'nope' }).expect(400);
    expect(badStore.body.error.code).toBe('VALIDATION_FAILED');
  });
});

describe('the name index', () => {
  it('answers a word search from the nameTokens index, reading only the members found', async () => {
    const word = `Idx${randomUUID().slice(0, 6).replace(/\d/g, 'x')}`;
    for (const name of [`Eva ${word}a`, `Leo ${word}b`, `Other Person`]) await createMember(world, { name });
    const explain = async (filter: object) =>
      (await MemberModel.db.db!.command({
        explain: { find: 'members', filter, sort: { _id: -1 } },
        verbosity: 'executionStats',
      })) as {
        queryPlanner: { winningPlan: unknown };
        executionStats: { nReturned: number; totalDocsExamined: number };
      };
    for (const filter of [
      { nameTokens: word.toLowerCase() },
      { nameTokens: { $all: [word.toLowerCase(), 'eva'] } },
    ]) {
      const plan = await explain(filter);
      expect(JSON.stringify(plan.queryPlanner.winningPlan)).toContain('nameTokens_1__id_-1');
      expect(plan.executionStats.totalDocsExamined).toBeLessThanOrEqual(2);
    }
    expect((await explain({ nameTokens: word.toLowerCase() })).executionStats.nReturned).toBe(2);
  });
});

describe('PATCH /api/v1/members/:id: the phone', () => {
  it('lets staff change the phone (normalised, unique) and refuses it to the member', async () => {
    const member = await signUpMember(world.app);
    const other = await createMember(world);
    const phone = makePhone();
    const changed = await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(world.manager.auth)
      .send({ phone: phone.replace('+34', '') })
      .expect(200);
    expect(changed.body.phone).toBe(phone);
    const taken = await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(world.manager.auth)
      .send({ phone: other.phone })
      .expect(409);
    expect(taken.body.error).toMatchObject({ code: 'MEMBER_EXISTS', details: { field: 'phone' } });
    const own = await world.app.request
      .patch(`/api/v1/members/${member.memberId}`)
      .set(member.auth)
      .send({ phone: makePhone() })
      .expect(403);
    expect(own.body.error.code).toBe('FORBIDDEN');
    const after = await MemberModel.findById(member.memberId).lean();
    expect(after?.phone).toBe(phone);
  });
});

describe('GET /api/v1/audit: filters', () => {
  it('filters by action, an action prefix, the actor and a date range, and refuses a reversed range', async () => {
    const member = await createMember(world);
    await world.app.request
      .post(`/api/v1/members/${member.id}/block`)
      .set(world.manager.auth)
      .send({ reason: 'lost card misuse' })
      .expect(200);
    await world.app.request
      .post(`/api/v1/members/${member.id}/unblock`)
      .set(world.manager.auth)
      .send({})
      .expect(200);
    const audit = (query: Record<string, string>) =>
      world.app.request.get('/api/v1/audit').query(query).set(world.manager.auth).expect(200);
    const blocks = await audit({ action: 'member.block', entityId: member.id });
    expect(blocks.body.items).toHaveLength(1);
    expect(blocks.body.items[0]).toMatchObject({
      action: 'member.block',
      actor: { id: world.manager.id },
      before: { isBlocked: false },
      after: { isBlocked: true },
      reason: 'lost card misuse',
    });
    const both = await audit({ action: 'member.', entityId: member.id, actorId: world.manager.id });
    expect(both.body.items.map((e: { action: string }) => e.action)).toEqual([
      'member.unblock',
      'member.block',
    ]);
    const at = blocks.body.items[0].at as string;
    const inRange = await audit({
      entityId: member.id,
      action: 'member.block',
      from: at,
      to: new Date(Date.parse(at) + 1).toISOString(),
    });
    expect(inRange.body.items).toHaveLength(1);
    const before = await audit({ entityId: member.id, to: at });
    expect(before.body.items.map((e: { action: string }) => e.action)).toEqual(['member.create']);
    const reversed = await world.app.request
      .get('/api/v1/audit')
      .query({ from: at, to: at })
      .set(world.manager.auth)
      .expect(400);
    expect(reversed.body.error.code).toBe('VALIDATION_FAILED');
    const badAction = await world.app.request
      .get('/api/v1/audit')
      .query({ action: 'Member Block' })
      .set(world.manager.auth)
      .expect(400);
    expect(badAction.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('has indexes for the action and date filters', async () => {
    const indexes = await AuditModel.collection.indexes();
    const keys = indexes.map((index) => JSON.stringify(index.key));
    expect(keys).toContain(JSON.stringify({ action: 1, _id: -1 }));
    expect(keys).toContain(JSON.stringify({ at: -1, _id: -1 }));
  });
});

// A 1×1 PNG, a 1×1 JPEG header and a WebP RIFF header: real signatures, tiny bodies.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x1a, 0, 0, 0]),
  Buffer.from('WEBPVP8L'),
  Buffer.alloc(18),
]);

describe('reward images', () => {
  const createReward = async () =>
    (
      await world.app.request
        .post('/api/v1/rewards')
        .set(world.marketer.auth)
        .send({ name: 'Croissant', pointsCost: 100, kind: 'free_product', sku: 'CROISSANT' })
        .expect(201)
    ).body as { id: string; imageUrl: string | null };

  it('stores a PNG, serves it publicly with its type, an ETag and caching, and answers 304 when unchanged', async () => {
    const reward = await createReward();
    expect(reward.imageUrl).toBeNull();
    const set = await world.app.request
      .put(`/api/v1/rewards/${reward.id}/image`)
      .set(world.marketer.auth)
      .send({ dataBase64: PNG.toString('base64') })
      .expect(200);
    const url = set.body.imageUrl as string;
    expect(url).toMatch(new RegExp(`^/api/v1/rewards/${reward.id}/image\\?v=[\\w-]+$`));
    const listed = await world.app.request.get('/api/v1/rewards').set(world.cashier.auth).expect(200);
    expect(listed.body.items.find((r: { id: string }) => r.id === reward.id).imageUrl).toBe(url);

    const image = await world.app.request.get(url).buffer(true).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(image.body as Buffer, PNG)).toBe(0);
    expect(image.headers['cache-control']).toContain('immutable');
    const etag = image.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const bare = await world.app.request.get(`/api/v1/rewards/${reward.id}/image`).expect(200);
    expect(bare.headers['cache-control']).toBe('public, max-age=60');
    await world.app.request.get(`/api/v1/rewards/${reward.id}/image`).set('If-None-Match', etag).expect(304);

    // A new picture changes the URL and the ETag.
    const webp = await world.app.request
      .put(`/api/v1/rewards/${reward.id}/image`)
      .set(world.marketer.auth)
      .send({ dataBase64: `data:image/png;base64,${WEBP.toString('base64')}` })
      .expect(200);
    expect(webp.body.imageUrl).not.toBe(url);
    const served = await world.app.request.get(webp.body.imageUrl).expect(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers.etag).not.toBe(etag);
    const entries = await AuditModel.find({ 'entity.id': reward.id, action: 'reward.image.set' }).lean();
    expect(entries).toHaveLength(2);
  });

  it('refuses bytes that are not JPEG, PNG or WebP (422) and a picture over 256 KB (413), writing nothing', async () => {
    const reward = await createReward();
    const put = (dataBase64: string) =>
      world.app.request
        .put(`/api/v1/rewards/${reward.id}/image`)
        .set(world.marketer.auth)
        .send({ dataBase64 });
    const svg = await put(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>').toString('base64'),
    ).expect(422);
    expect(svg.body.error.code).toBe('REWARD_IMAGE_INVALID');
    const notBase64 = await put('this is not base64!').expect(422);
    expect(notBase64.body.error.code).toBe('REWARD_IMAGE_INVALID');
    const big = Buffer.concat([PNG, Buffer.alloc(256 * 1024)]);
    const tooLarge = await put(big.toString('base64')).expect(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'REWARD_IMAGE_TOO_LARGE', details: { limit: 262144 } });
    expect(await RewardImageModel.countDocuments({ _id: reward.id })).toBe(0);
    const missing = await world.app.request.get(`/api/v1/rewards/${reward.id}/image`).expect(404);
    expect(missing.body.error.code).toBe('REWARD_IMAGE_NOT_FOUND');
    const unknown = await world.app.request.get(`/api/v1/rewards/${'0'.repeat(24)}/image`).expect(404);
    expect(unknown.body.error.code).toBe('REWARD_NOT_FOUND');
  });

  it('lets only marketers and up set it, and takes it off again', async () => {
    const reward = await createReward();
    const refused = await world.app.request
      .put(`/api/v1/rewards/${reward.id}/image`)
      .set(world.cashier.auth)
      .send({ dataBase64: PNG.toString('base64') })
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN');
    await world.app.request
      .put(`/api/v1/rewards/${reward.id}/image`)
      .set(world.marketer.auth)
      .send({ dataBase64: PNG.toString('base64') })
      .expect(200);
    const removed = await world.app.request
      .delete(`/api/v1/rewards/${reward.id}/image`)
      .set(world.marketer.auth)
      .expect(200);
    expect(removed.body.imageUrl).toBeNull();
    await world.app.request.get(`/api/v1/rewards/${reward.id}/image`).expect(404);
  });

  it('clears optional reward fields with null on PATCH (unlimited stock, no limit, no dates)', async () => {
    const created = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({
        name: 'Mug',
        pointsCost: 500,
        kind: 'free_product',
        sku: 'MUG',
        stock: 3,
        perMemberLimit: 1,
        availableUntil: '2099-01-01T00:00:00Z',
      })
      .expect(201);
    const cleared = await world.app.request
      .patch(`/api/v1/rewards/${created.body.id}`)
      .set(world.marketer.auth)
      .send({ stock: null, perMemberLimit: null, availableUntil: null, description: null })
      .expect(200);
    expect(cleared.body).toMatchObject({
      stock: null,
      perMemberLimit: null,
      availableUntil: null,
      description: null,
    });
  });
});
