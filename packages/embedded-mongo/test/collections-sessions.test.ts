import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

describe('collection validators', () => {
  it('enforces a query-form validator with 121 DocumentValidationFailure on insert, update and upsert', async () => {
    const db = fixture.db();
    await db.createCollection('contacts', {
      validator: { $or: [{ phone: { $type: 'string' } }, { email: { $regex: /@mongodb\.com$/ } }] },
    });
    const c = db.collection<AnyDoc>('contacts');
    await c.insertOne({ _id: 1, name: 'Amanda', email: 'amanda@mongodb.com' });
    await expect(c.insertOne({ _id: 2, name: 'Bob', email: 'bob@example.com' })).rejects.toMatchObject({
      code: 121,
      errInfo: { failingDocumentId: 2 },
    });
    await expect(c.updateOne({ _id: 1 }, { $set: { email: 'x@example.com' } })).rejects.toMatchObject({
      code: 121,
    });
    await expect(c.updateOne({ _id: 3 }, { $set: { name: 'Zed' } }, { upsert: true })).rejects.toMatchObject({
      code: 121,
    });
    await c.insertOne({ _id: 4, name: 'Bypass' }, { bypassDocumentValidation: true });
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([1, 4]);
    const [info] = await db.listCollections({ name: 'contacts' }, { nameOnly: false }).toArray();
    expect(info !== undefined && 'options' in info ? info.options : undefined).toMatchObject({
      validator: { $or: expect.any(Array) },
    });
  });

  it('honours validationLevel moderate / off and validationAction warn, and changes them with collMod', async () => {
    const db = fixture.db();
    const c = db.collection<AnyDoc>('items');
    await c.insertMany([
      { _id: 1, qty: -1 },
      { _id: 2, qty: 5 },
    ]);
    await db.command({ collMod: 'items', validator: { qty: { $gte: 0 } }, validationLevel: 'moderate' });
    await c.updateOne({ _id: 1 }, { $set: { qty: -2 } }); // already invalid: not checked under moderate
    await expect(c.updateOne({ _id: 2 }, { $set: { qty: -3 } })).rejects.toMatchObject({ code: 121 });
    await db.command({ collMod: 'items', validationAction: 'warn' });
    await c.updateOne({ _id: 2 }, { $set: { qty: -3 } });
    await db.command({ collMod: 'items', validationAction: 'error', validationLevel: 'off' });
    await c.insertOne({ _id: 3, qty: -9 });
    await db.command({ collMod: 'items', validationLevel: 'strict' });
    await expect(c.insertOne({ _id: 4, qty: -9 })).rejects.toMatchObject({ code: 121 });
    expect(await c.countDocuments()).toBe(3);
  });

  it('refuses a $jsonSchema validator at create with 238 and stores nothing', async () => {
    const db = fixture.db();
    await expect(
      db.createCollection('students', {
        validator: { $jsonSchema: { bsonType: 'object', required: ['name'] } },
      }),
    ).rejects.toMatchObject({ code: 238, message: expect.stringMatching(/\$jsonSchema/) });
    expect(await db.listCollections({ name: 'students' }).toArray()).toEqual([]);
  });
});

describe('indexes: hint, hidden, listIndexes options', () => {
  it('a hint naming a missing index answers 2 BadValue; an existing one is accepted', async () => {
    const c = fixture.db().collection<AnyDoc>('hinted');
    await c.insertOne({ _id: 1, a: 1 });
    await c.createIndex({ a: 1 });
    expect(await c.find({ a: 1 }, { hint: 'a_1' }).toArray()).toHaveLength(1);
    expect(await c.find({ a: 1 }, { hint: { a: 1 } }).toArray()).toHaveLength(1);
    expect(await c.find({}, { hint: { $natural: 1 } }).toArray()).toHaveLength(1);
    await expect(c.find({ a: 1 }, { hint: 'b_1' }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c.find({ a: 1 }, { hint: { b: 1 } }).toArray()).rejects.toMatchObject({ code: 2 });
    await expect(c.countDocuments({ a: 1 }, { hint: 'nope' })).rejects.toMatchObject({ code: 2 });
    await expect(c.updateOne({ a: 1 }, { $set: { b: 1 } }, { hint: 'nope' })).rejects.toMatchObject({
      code: 2,
    });
    await expect(c.deleteOne({ a: 1 }, { hint: 'nope' })).rejects.toMatchObject({ code: 2 });
  });

  it('collMod hides and unhides an index; listIndexes returns the options given at creation', async () => {
    const db = fixture.db();
    const c = db.collection<AnyDoc>('indexed');
    await c.insertMany(Array.from({ length: 20 }, (_, i) => ({ _id: i, code: `c${i}` })));
    await c.createIndex({ code: 1 }, { name: 'by_code', unique: true, background: true, hidden: false });
    await c.createIndex({ at: 1 }, { expireAfterSeconds: 3600 });
    const indexes = await c.listIndexes().toArray();
    expect(indexes).toEqual([
      { v: 2, key: { _id: 1 }, name: '_id_' },
      { v: 2, key: { code: 1 }, name: 'by_code', unique: true, background: true },
      { v: 2, key: { at: 1 }, name: 'at_1', expireAfterSeconds: 3600 },
    ]);
    const explain = () =>
      db.command({ explain: { find: 'indexed', filter: { code: 'c3' } }, verbosity: 'executionStats' });
    expect((await explain()).queryPlanner.winningPlan.inputStage?.indexName).toBe('by_code');
    const hidden = await db.command({ collMod: 'indexed', index: { name: 'by_code', hidden: true } });
    expect(hidden).toMatchObject({ hidden_old: false, hidden_new: true });
    expect((await explain()).queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect((await c.listIndexes().toArray())[1]).toMatchObject({ name: 'by_code', hidden: true });
    await expect(c.find({ code: 'c3' }, { hint: 'by_code' }).toArray()).rejects.toMatchObject({ code: 2 });
    // A hidden unique index still enforces uniqueness, as in MongoDB.
    await expect(c.insertOne({ _id: 99, code: 'c3' })).rejects.toMatchObject({ code: 11000 });
    await db.command({ collMod: 'indexed', index: { keyPattern: { code: 1 }, hidden: false } });
    expect((await explain()).queryPlanner.winningPlan.inputStage?.indexName).toBe('by_code');
    await db.command({ collMod: 'indexed', index: { name: 'at_1', expireAfterSeconds: 60 } });
    expect((await c.listIndexes().toArray())[2]).toMatchObject({ expireAfterSeconds: 60 });
  });
});

describe('partial indexes', () => {
  it('answer the queries that imply their filter from the index, and no other query', async () => {
    const db = fixture.db();
    const c = db.collection<AnyDoc>('partial');
    const owner = new ObjectId();
    await c.insertMany(
      Array.from({ length: 60 }, (_, i) => ({
        _id: i,
        status: i % 3 === 0 ? 'active' : 'used',
        until: new Date(Date.UTC(2026, 0, 1 + i)),
        memberId: i % 2 === 0 ? owner : null,
      })),
    );
    await c.createIndex({ until: 1, _id: 1 }, { name: 'due', partialFilterExpression: { status: 'active' } });
    await c.createIndex(
      { memberId: 1, _id: -1 },
      { name: 'wallet', partialFilterExpression: { memberId: { $type: 'objectId' } } },
    );
    const plan = async (filter: AnyDoc) => {
      const explained = await db.command({ explain: { find: 'partial', filter }, verbosity: 'queryPlanner' });
      return (
        explained.queryPlanner.winningPlan.inputStage?.indexName ?? explained.queryPlanner.winningPlan.stage
      );
    };
    const due = { status: 'active', until: { $lte: new Date(Date.UTC(2026, 0, 20)) } };
    expect(await plan(due)).toBe('due');
    expect((await c.find(due).toArray()).map((d) => d._id)).toEqual([0, 3, 6, 9, 12, 15, 18]);
    // Without the status, the index would miss the used ones: a collection scan, every match found.
    const anyStatus = { until: { $lte: new Date(Date.UTC(2026, 0, 3)) } };
    expect(await plan(anyStatus)).toBe('COLLSCAN');
    expect((await c.find(anyStatus).toArray()).map((d) => d._id)).toEqual([0, 1, 2]);
    expect(await plan({ status: 'used', until: { $lte: new Date() } })).toBe('COLLSCAN');
    expect(await plan({ memberId: owner, status: 'active' })).toBe('wallet');
    expect(await c.countDocuments({ memberId: owner, status: 'active' })).toBe(10);
    expect(await plan({ memberId: null })).toBe('COLLSCAN');
    expect(await c.countDocuments({ memberId: null })).toBe(30);
  });
});

describe('sessions', () => {
  it('count inside a transaction answers 50851 OperationNotSupportedInTransaction', async () => {
    const c = fixture.db().collection<AnyDoc>('counted');
    await c.insertOne({ _id: 1 });
    const session = fixture.client.startSession();
    try {
      session.startTransaction();
      await expect(c.count({}, { session })).rejects.toMatchObject({
        code: 50851,
        codeName: 'OperationNotSupportedInTransaction',
      });
      await session.abortTransaction().catch(() => undefined);
      session.startTransaction();
      expect(await c.countDocuments({}, { session })).toBe(1);
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
  });

  it('refuses snapshot sessions at their first read with a clear error instead of reading the latest data', async () => {
    const c = fixture.db().collection<AnyDoc>('snapshots');
    await c.insertOne({ _id: 1 });
    const session = fixture.client.startSession({ snapshot: true });
    try {
      await expect(c.findOne({ _id: 1 }, { session })).rejects.toMatchObject({
        code: 238,
        message: expect.stringMatching(/Snapshot sessions/),
      });
      await expect(c.aggregate([{ $match: {} }], { session }).toArray()).rejects.toMatchObject({ code: 238 });
    } finally {
      await session.endSession();
    }
  });
});
