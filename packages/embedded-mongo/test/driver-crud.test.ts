import { Double, Int32, Long, MongoServerError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

describe('handshake', () => {
  it('advertises a single-node replica set primary speaking MongoDB 8.0 (wire version 25)', async () => {
    const hello = await fixture.client.db('admin').command({ hello: 1 });
    expect(hello.isWritablePrimary).toBe(true);
    expect(hello.setName).toBe('rs0');
    expect(hello.hosts).toEqual([`127.0.0.1:${fixture.server.port}`]);
    expect(hello.maxWireVersion).toBe(25);
    expect(hello.logicalSessionTimeoutMinutes).toBe(30);
  });

  it('answers ping, buildInfo and getParameter', async () => {
    const admin = fixture.client.db('admin');
    expect((await admin.command({ ping: 1 })).ok).toBe(1);
    expect((await admin.command({ buildInfo: 1 })).version).toMatch(/^8\.0\./);
    expect(
      (await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 })).featureCompatibilityVersion,
    ).toEqual({ version: '8.0' });
  });

  it('rejects unknown commands with CommandNotFound (59)', async () => {
    await expect(fixture.client.db('admin').command({ noSuchThing: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
    });
  });
});

describe('CRUD through the driver', () => {
  it('inserts, finds with filter/sort/skip/limit/projection, updates and deletes', async () => {
    const items = fixture.db().collection<{ _id: number; n: number; group: string; tags: string[] }>('items');
    await items.insertMany(
      [1, 2, 3, 4, 5].map((n) => ({ _id: n, n, group: n % 2 === 0 ? 'even' : 'odd', tags: [`t${n}`] })),
    );
    const found = await items
      .find({ group: 'odd' }, { sort: { n: -1 }, skip: 1, limit: 2, projection: { n: 1 } })
      .toArray();
    expect(found).toEqual([
      { _id: 3, n: 3 },
      { _id: 1, n: 1 },
    ]);
    const updated = await items.updateMany({ n: { $gte: 3 } }, { $inc: { n: 10 }, $push: { tags: 'big' } });
    expect(updated).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    expect(await items.findOne({ _id: 4 })).toEqual({ _id: 4, n: 14, group: 'even', tags: ['t4', 'big'] });
    const deleted = await items.deleteMany({ group: 'even' });
    expect(deleted.deletedCount).toBe(2);
    expect(await items.countDocuments()).toBe(3);
    expect(await items.distinct('group')).toEqual(['odd']);
  });

  it('moves _id to the front of stored documents', async () => {
    const items = fixture.db().collection<{ _id: string; a: number }>('items');
    await items.insertOne({ a: 1, _id: 'x' });
    const raw = await items.findOne({ _id: 'x' });
    expect(Object.keys(raw ?? {})).toEqual(['_id', 'a']);
  });

  it('applies $set/$unset/$min/$max/$addToSet/$pull/$setOnInsert', async () => {
    const items = fixture.db().collection<{
      _id: number;
      low: number;
      high: number;
      set: number[];
      gone?: boolean;
      list: number[];
      never?: number;
      a?: { b: number };
    }>('items');
    await items.insertOne({ _id: 1, low: 5, high: 5, set: [1, 2], gone: true, list: [1, 2, 3, 2] });
    await items.updateOne(
      { _id: 1 },
      {
        $min: { low: 3 },
        $max: { high: 9 },
        $addToSet: { set: { $each: [2, 3] } },
        $pull: { list: 2 },
        $unset: { gone: '' },
        $setOnInsert: { never: 1 },
        $set: { 'a.b': 1 },
      },
    );
    expect(await items.findOne({ _id: 1 })).toEqual({
      _id: 1,
      low: 3,
      high: 9,
      set: [1, 2, 3],
      list: [1, 3],
      a: { b: 1 },
    });
  });

  it('upserts seeded from the filter with $setOnInsert', async () => {
    const items = fixture.db().collection('items');
    const result = await items.updateOne(
      { email: 'a@b.c', 'profile.tier': 'gold', n: { $gt: 5 } },
      { $set: { seen: true }, $setOnInsert: { created: 1 } },
      { upsert: true },
    );
    expect(result.upsertedCount).toBe(1);
    const doc = await items.findOne({ _id: result.upsertedId ?? undefined });
    expect(doc).toMatchObject({ email: 'a@b.c', profile: { tier: 'gold' }, seen: true, created: 1 });
    expect(doc).not.toHaveProperty('n');
    await items.updateOne(
      { email: 'a@b.c' },
      { $set: { seen: false }, $setOnInsert: { created: 2 } },
      { upsert: true },
    );
    expect(await items.countDocuments()).toBe(1);
    expect(await items.findOne({ email: 'a@b.c' })).toMatchObject({ seen: false, created: 1 });
  });

  it('updateOne and replaceOne honour sort (MongoDB 8.0) to pick the document they change', async () => {
    const items = fixture.db().collection<AnyDoc>('items');
    await items.insertMany([
      { _id: 1, group: 'a', rank: 2 },
      { _id: 2, group: 'a', rank: 9 },
      { _id: 3, group: 'a', rank: 5 },
    ]);
    await items.updateOne({ group: 'a' }, { $set: { isBest: true } }, { sort: { rank: -1 } });
    await items.replaceOne({ group: 'a' }, { group: 'a', rank: 0 }, { sort: { rank: 1 } });
    expect(await items.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 1, group: 'a', rank: 0 },
      { _id: 2, group: 'a', rank: 9, isBest: true },
      { _id: 3, group: 'a', rank: 5 },
    ]);
  });

  it('findOneAndUpdate supports sort, returnDocument, upsert and projection', async () => {
    const items = fixture.db().collection<{ _id: number; q: number }>('items');
    await items.insertMany([
      { _id: 1, q: 1 },
      { _id: 2, q: 1 },
    ]);
    const after = await items.findOneAndUpdate(
      { q: 1 },
      { $inc: { q: 1 } },
      { sort: { _id: -1 }, returnDocument: 'after', projection: { q: 1, _id: 0 } },
    );
    expect(after).toEqual({ q: 2 });
    const upserted = await items.findOneAndUpdate(
      { _id: 9 },
      { $set: { q: 7 } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(upserted).toEqual({ _id: 9, q: 7 });
    const removed = await items.findOneAndDelete({ q: 1 });
    expect(removed).toEqual({ _id: 1, q: 1 });
  });

  it('pages through results with getMore and honours batchSize and singleBatch', async () => {
    const items = fixture.db().collection('items');
    await items.insertMany(Array.from({ length: 250 }, (_, i) => ({ i })));
    const cursor = items.find({}, { batchSize: 40, sort: { i: 1 } });
    const all = await cursor.toArray();
    expect(all.map((d) => d.i)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const firstBatch = await fixture.db().command({ find: 'x', filter: {} });
    expect(firstBatch.cursor.id.toString()).toBe('0');
    const db = items.dbName;
    const reply = await fixture.client.db(db).command({ find: 'items', batchSize: 10 });
    expect(reply.cursor.firstBatch).toHaveLength(10);
    expect(reply.cursor.id.toString()).not.toBe('0');
    const more = await fixture.client
      .db(db)
      .command({ getMore: reply.cursor.id, collection: 'items', batchSize: 5 });
    expect(more.cursor.nextBatch).toHaveLength(5);
    await fixture.client.db(db).command({ killCursors: 'items', cursors: [reply.cursor.id] });
    await expect(
      fixture.client.db(db).command({ getMore: reply.cursor.id, collection: 'items' }),
    ).rejects.toMatchObject({ code: 43 });
    const single = await fixture.client.db(db).command({ find: 'items', batchSize: 10, singleBatch: true });
    expect(single.cursor.id.toString()).toBe('0');
  });

  it('keeps int32, int64 and double as written and compares them numerically', async () => {
    // AnyDoc: `v` is written as several numeric types and read back unpromoted (BSON wrapper objects).
    const items = fixture.db().collection<AnyDoc>('items');
    await items.insertMany([
      { _id: 1, v: new Int32(5) },
      { _id: 2, v: Long.fromNumber(5) },
      { _id: 3, v: new Double(5) },
      { _id: 4, v: 4.5 },
    ]);
    expect(await items.countDocuments({ v: 5 })).toBe(3);
    expect(await items.countDocuments({ v: { $type: 'double' } })).toBe(2);
    expect(await items.countDocuments({ v: { $type: 'long' } })).toBe(1);
    const raw = await items.find({}, { promoteValues: false, sort: { v: 1, _id: 1 } }).toArray();
    expect(raw.map((d) => d.v._bsontype)).toEqual(['Double', 'Int32', 'Long', 'Double']);
    await items.updateOne({ _id: 1 }, { $inc: { v: 1 } });
    await items.updateOne({ _id: 3 }, { $inc: { v: 1 } });
    const after = await items
      .find({ _id: { $in: [1, 3] } }, { promoteValues: false, sort: { _id: 1 } })
      .toArray();
    expect(after.map((d) => [d.v._bsontype, d.v.valueOf()])).toEqual([
      ['Int32', 6],
      ['Double', 6],
    ]);
  });

  it('matches a long $in list (looked up by key) exactly as a short one (compared item by item)', async () => {
    const items = fixture.db().collection('items');
    const ids = Array.from({ length: 30 }, () => new ObjectId());
    await items.insertMany([
      ...ids.map((id, n) => ({ ref: id, n })),
      { ref: new Int32(7), n: 100 },
      { ref: new Long(8), n: 101 },
      { ref: 'x', n: 102 },
      { ref: [ids[3], 'y'], n: 103 },
      { ref: new Date(5), n: 104 },
      { ref: { a: 1, b: 2 }, n: 105 },
      { ref: { b: 2, a: 1 }, n: 106 },
      { ref: null, n: 107 },
      { n: 108 },
      { ref: 'Xylophone', n: 109 },
    ]);
    const filler = Array.from({ length: 12 }, () => new ObjectId());
    const wanted = [ids[1], ids[3], ids[29], 7, new Double(8), 'y', new Date(5), { a: 1, b: 2 }];
    const matched = async (list: unknown[]) =>
      (await items.find({ ref: { $in: list } }, { sort: { n: 1 } }).toArray()).map((d) => d.n);
    const short = await matched(wanted);
    expect(short).toEqual([1, 3, 29, 100, 101, 103, 104, 105]);
    expect(await matched([...wanted, ...filler])).toEqual(short);
    expect(await matched([...filler, null])).toEqual([107, 108]);
    expect(await matched([...filler, /^x/i])).toEqual([102, 109]);
    expect(await items.countDocuments({ ref: { $nin: [...wanted, ...filler] } })).toBe(
      (await items.countDocuments({})) - short.length,
    );
  });

  it('sorts mixed types in BSON order', async () => {
    const items = fixture.db().collection('items');
    const id = new ObjectId();
    await items.insertMany([
      { v: 'a' },
      { v: 3 },
      { v: null },
      { v: true },
      { v: id },
      { v: new Date(0) },
      { v: { x: 1 } },
      {},
    ]);
    const sorted = await items.find({}, { sort: { v: 1 }, projection: { _id: 0 } }).toArray();
    // null and missing sort as equals, before every other type
    expect(sorted.slice(0, 2).map((d) => d.v ?? null)).toEqual([null, null]);
    expect(sorted.slice(2).map((d) => d.v)).toEqual([3, 'a', { x: 1 }, id, true, new Date(0)]);
  });
});

describe('aggregation', () => {
  it('runs $match, $group, $sort, $project, $unwind, $lookup, $count, $facet, $addFields', async () => {
    const db = fixture.db();
    await db
      .collection<{ _id: number; member: string; total: number; items: string[] }>('orders')
      .insertMany([
        { _id: 1, member: 'a', total: 10, items: ['x', 'y'] },
        { _id: 2, member: 'a', total: 5, items: ['x'] },
        { _id: 3, member: 'b', total: 7, items: [] },
      ]);
    await db.collection<{ _id: string; name: string }>('members').insertMany([
      { _id: 'a', name: 'Ann' },
      { _id: 'b', name: 'Bob' },
    ]);
    const grouped = await db
      .collection('orders')
      .aggregate([
        { $match: { total: { $gte: 5 } } },
        { $group: { _id: '$member', sum: { $sum: '$total' }, n: { $sum: 1 } } },
        { $sort: { sum: -1 } },
        { $lookup: { from: 'members', localField: '_id', foreignField: '_id', as: 'member' } },
        { $addFields: { name: { $first: '$member.name' } } },
        { $project: { member: 0 } },
      ])
      .toArray();
    expect(grouped).toEqual([
      { _id: 'a', sum: 15, n: 2, name: 'Ann' },
      { _id: 'b', sum: 7, n: 1, name: 'Bob' },
    ]);
    const unwound = await db
      .collection('orders')
      .aggregate([{ $unwind: '$items' }, { $count: 'n' }])
      .toArray();
    expect(unwound).toEqual([{ n: 3 }]);
    const faceted = await db
      .collection('orders')
      .aggregate([
        { $facet: { big: [{ $match: { total: { $gt: 6 } } }, { $count: 'n' }], all: [{ $count: 'n' }] } },
      ])
      .toArray();
    expect(faceted).toEqual([{ big: [{ n: 2 }], all: [{ n: 3 }] }]);
  });
});

describe('unique indexes', () => {
  it('rejects a duplicate with E11000, keyPattern and keyValue', async () => {
    const users = fixture.db().collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'x@y.z' });
    const error = await users.insertOne({ email: 'x@y.z' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MongoServerError);
    expect(error).toMatchObject({ code: 11000, keyPattern: { email: 1 }, keyValue: { email: 'x@y.z' } });
    expect((error as Error).message).toBe(
      `E11000 duplicate key error collection: ${users.dbName}.users index: email_1 dup key: { email: "x@y.z" }`,
    );
  });

  it('enforces compound, sparse and partial unique indexes on insert, update and upsert', async () => {
    const cards = fixture.db().collection('cards');
    await cards.createIndex({ merchant: 1, code: 1 }, { unique: true });
    await cards.createIndex({ phone: 1 }, { unique: true, sparse: true });
    await cards.createIndex({ ref: 1 }, { unique: true, partialFilterExpression: { active: true } });
    await cards.insertMany([
      { merchant: 'm', code: 1 },
      { merchant: 'm', code: 2 },
      { merchant: 'n', code: 1 },
    ]);
    await expect(cards.insertOne({ merchant: 'm', code: 1 })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { merchant: 1, code: 1 },
      keyValue: { merchant: 'm', code: 1 },
    });
    await expect(cards.updateOne({ code: 2 }, { $set: { code: 1 } })).rejects.toMatchObject({ code: 11000 });
    await expect(
      cards.updateOne({ merchant: 'm', code: 1 }, { $set: { x: 1 } }, { upsert: true }),
    ).resolves.toMatchObject({ matchedCount: 1 });
    await expect(
      cards.findOneAndUpdate({ code: 2 }, { $set: { merchant: 'n', code: 1 } }),
    ).rejects.toMatchObject({ code: 11000 });
    // sparse: documents without the field do not collide
    await cards.insertMany([
      { merchant: 's', code: 1 },
      { merchant: 's', code: 2 },
    ]);
    await cards.insertOne({ merchant: 's', code: 3, phone: '1' });
    await expect(cards.insertOne({ merchant: 's', code: 4, phone: '1' })).rejects.toMatchObject({
      code: 11000,
    });
    // partial: only active documents are unique
    await cards.insertMany([
      { merchant: 'p', code: 1, ref: 'r', active: false },
      { merchant: 'p', code: 2, ref: 'r', active: true },
    ]);
    await expect(cards.insertOne({ merchant: 'p', code: 3, ref: 'r', active: true })).rejects.toMatchObject({
      code: 11000,
      keyPattern: { ref: 1 },
    });
  });

  it('refuses to build a unique index over existing duplicates', async () => {
    const users = fixture.db().collection('users');
    await users.insertMany([{ e: 1 }, { e: 1 }]);
    await expect(users.createIndex({ e: 1 }, { unique: true })).rejects.toMatchObject({ code: 11000 });
  });

  it('lists and drops indexes; create reports NamespaceExists (48)', async () => {
    const db = fixture.db();
    await db.createCollection('c');
    await expect(db.createCollection('c')).rejects.toMatchObject({ code: 48 });
    await db.collection('c').createIndex({ a: 1, b: -1 }, { name: 'ab' });
    expect((await db.collection('c').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'ab']);
    await db.collection('c').dropIndex('ab');
    expect((await db.collection('c').listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_']);
    await expect(db.collection('c').dropIndex('nope')).rejects.toMatchObject({ code: 27 });
    expect((await db.listCollections().toArray()).map((c) => c.name)).toEqual(['c']);
    await db.collection('c').drop();
    expect(await db.listCollections().toArray()).toEqual([]);
  });
});
