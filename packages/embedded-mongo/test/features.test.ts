import { Decimal128 } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer({ ttlMonitorIntervalMs: 100 });

describe('query planner', () => {
  it('answers equality, $in, ranges and sorts from indexes without scanning the collection', async () => {
    const members = fixture.db().collection('members');
    await members.createIndex({ code: 1 });
    await members.createIndex({ points: 1 });
    await members.insertMany(Array.from({ length: 5000 }, (_, i) => ({ code: `c${i}`, points: i })));
    const explain = async (filter: object, options: { sort?: object; limit?: number } = {}) => {
      const find: Record<string, unknown> = { find: 'members', filter, ...options };
      return fixture.client.db(members.dbName).command({ explain: find, verbosity: 'executionStats' });
    };
    const equality = await explain({ code: 'c42' });
    expect(equality.queryPlanner.winningPlan.inputStage).toMatchObject({
      stage: 'IXSCAN',
      indexName: 'code_1',
    });
    expect(equality.executionStats).toMatchObject({ nReturned: 1, totalDocsExamined: 1 });
    const among = await explain({ code: { $in: ['c1', 'c2', 'c3'] } });
    expect(among.executionStats).toMatchObject({ nReturned: 3, totalDocsExamined: 3 });
    const range = await explain({ points: { $gte: 100, $lt: 110 } });
    expect(range.executionStats).toMatchObject({ nReturned: 10, totalDocsExamined: 10 });
    const sorted = await explain({}, { sort: { points: -1 }, limit: 5 });
    expect(sorted.queryPlanner.winningPlan.inputStage.indexName).toBe('points_1');
    expect(sorted.executionStats.totalDocsExamined).toBe(5);
    const scan = await explain({ other: 1 });
    expect(scan.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    expect(scan.executionStats.totalDocsExamined).toBe(5000);
    const before = fixture.server.engine.docsExaminedTotal;
    expect(await members.findOne({ code: 'c4999' })).toMatchObject({ points: 4999 });
    expect(fixture.server.engine.docsExaminedTotal - before).toBe(1);
    const top = await members.find({ points: { $gt: 4990 } }, { sort: { points: -1 } }).toArray();
    expect(top.map((d) => d.points)).toEqual([4999, 4998, 4997, 4996, 4995, 4994, 4993, 4992, 4991]);
  });

  it('narrows by a compound key: equality on the leading fields and a range on the next', async () => {
    const jobs = fixture.db().collection('jobs');
    await jobs.createIndex({ status: 1, dueAt: 1 });
    await jobs.createIndex({ queue: 1, status: 1, dueAt: 1 });
    const base = Date.UTC(2026, 0, 1);
    await jobs.insertMany(
      Array.from({ length: 3000 }, (_, i) => ({
        queue: `q${i % 3}`,
        status: i % 2 === 0 ? 'pending' : 'done',
        // A few pending jobs have no date (null or missing): a date range never matches them.
        ...(i % 500 === 0 ? (i % 1000 === 0 ? {} : { dueAt: null }) : { dueAt: new Date(base + i * 1000) }),
      })),
    );
    const explain = (filter: object) =>
      fixture.client
        .db(jobs.dbName)
        .command({ explain: { find: 'jobs', filter }, verbosity: 'executionStats' });
    const cutoff = new Date(base + 100 * 1000);
    const due = { status: 'pending', dueAt: { $lte: cutoff } };
    const plan = await explain(due);
    expect(plan.queryPlanner.winningPlan.inputStage).toMatchObject({ indexName: 'status_1_dueAt_1' });
    // Pending with a date up to 100 s: i = 2, 4, ..., 100 (i = 0 has no date).
    expect(plan.executionStats).toMatchObject({ nReturned: 50, totalDocsExamined: 50 });
    const scanned = await jobs.find({ ...due, unindexed: { $exists: false } }).toArray();
    expect(scanned).toHaveLength(50);
    const between = await explain({
      queue: 'q1',
      status: 'pending',
      dueAt: { $gt: cutoff, $lt: new Date(base + 200_000) },
    });
    expect(between.queryPlanner.winningPlan.inputStage).toMatchObject({
      indexName: 'queue_1_status_1_dueAt_1',
    });
    // i in (100, 200), even, and i % 3 === 1: 106, 112, ..., 196.
    expect(between.executionStats.nReturned).toBe(16);
    expect(between.executionStats.totalDocsExamined).toBe(16);
    const prefix = await explain({ queue: 'q2', status: 'done' });
    expect(prefix.executionStats).toMatchObject({ nReturned: 500, totalDocsExamined: 500 });
    // Missing and null keys sort before dates: an equality on null finds both, a date range neither.
    expect(await jobs.countDocuments({ status: 'pending', dueAt: null })).toBe(6);
    expect(await jobs.countDocuments({ status: 'pending', dueAt: { $gte: new Date(0) } })).toBe(1494);
  });

  it('answers $all on an array field from its multikey index, candidates narrowed by the first value', async () => {
    const people = fixture.db().collection('people');
    await people.createIndex({ tokens: 1, _id: -1 });
    await people.insertMany(
      Array.from({ length: 2000 }, (_, i) => ({ i, tokens: [`w${i % 100}`, `v${i % 7}`, 'all'] })),
    );
    const explain = (filter: object) =>
      fixture.client
        .db(people.dbName)
        .command({ explain: { find: 'people', filter, sort: { _id: -1 } }, verbosity: 'executionStats' });
    const both = await explain({ tokens: { $all: ['w3', 'v3'] } });
    expect(both.queryPlanner.winningPlan.inputStage).toMatchObject({
      stage: 'IXSCAN',
      indexName: 'tokens_1__id_-1',
    });
    // w3: i = 3, 103, ..., 1903 (20 documents); of them v3 (i % 7 === 3): 3, 703, 1403.
    expect(both.executionStats).toMatchObject({ nReturned: 3, totalDocsExamined: 20 });
    const found = await people.find({ tokens: { $all: ['w3', 'v3'] } }).toArray();
    expect(found.map((d) => d.i).sort((a, b) => a - b)).toEqual([3, 703, 1403]);
    expect(await people.countDocuments({ tokens: { $all: [] } })).toBe(0);
    expect(await people.countDocuments({ tokens: { $all: ['w3', 'nowhere'] } })).toBe(0);
    expect(await people.countDocuments({ tokens: { $all: ['all'] } })).toBe(2000);
  });

  it('keeps index results correct after updates and deletes', async () => {
    const members = fixture.db().collection<{ _id: number; tier: string | string[] }>('members');
    await members.createIndex({ tier: 1 });
    await members.insertMany([
      { _id: 1, tier: 'gold' },
      { _id: 2, tier: 'silver' },
      { _id: 3, tier: ['gold', 'vip'] },
    ]);
    await members.updateOne({ _id: 2 }, { $set: { tier: 'gold' } });
    await members.deleteOne({ _id: 1 });
    expect((await members.find({ tier: 'gold' }).toArray()).map((d) => d._id).sort()).toEqual([2, 3]);
    expect((await members.find({ tier: { $gte: 'h' } }).toArray()).map((d) => d._id)).toEqual([3]);
  });
});

describe('TTL indexes', () => {
  it('removes expired documents in the background and keeps the others', async () => {
    const sessions = fixture
      .db()
      .collection<{ _id: string; expiresAt?: Date | string; createdAt?: Date }>('sessions');
    await sessions.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0 });
    await sessions.createIndex({ createdAt: 1 }, { expireAfterSeconds: 3600 });
    await sessions.insertMany([
      { _id: 'expired', expiresAt: new Date(Date.now() - 1000) },
      { _id: 'future', expiresAt: new Date(Date.now() + 60_000) },
      { _id: 'old', createdAt: new Date(Date.now() - 2 * 3600_000) },
      { _id: 'recent', createdAt: new Date() },
      { _id: 'not-a-date', expiresAt: 'tomorrow' },
    ]);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (await sessions.countDocuments()) > 3)
      await new Promise((r) => setTimeout(r, 50));
    expect((await sessions.find({}, { sort: { _id: 1 } }).toArray()).map((d) => d._id)).toEqual([
      'future',
      'not-a-date',
      'recent',
    ]);
    const indexes = await sessions.listIndexes().toArray();
    expect(indexes.find((i) => i.name === 'expiresAt_1')?.expireAfterSeconds).toBe(0);
  });
});

describe('updates', () => {
  it('applies pipeline updates, arrayFilters, positional $ and replacements', async () => {
    const items = fixture.db().collection<AnyDoc>('items');
    await items.insertOne({
      _id: 1,
      a: 2,
      b: 3,
      grades: [
        { g: 80, ok: false },
        { g: 95, ok: false },
      ],
      list: [1, 2, 3],
    });
    await items.updateOne({ _id: 1 }, [{ $set: { sum: { $add: ['$a', '$b'] } } }, { $unset: 'b' }]);
    await items.updateOne(
      { _id: 1 },
      { $set: { 'grades.$[high].ok': true } },
      { arrayFilters: [{ 'high.g': { $gte: 90 } }] },
    );
    await items.updateOne({ _id: 1, list: 2 }, { $set: { 'list.$': 20 } });
    expect(await items.findOne({ _id: 1 })).toEqual({
      _id: 1,
      a: 2,
      grades: [
        { g: 80, ok: false },
        { g: 95, ok: true },
      ],
      list: [1, 20, 3],
      sum: 5,
    });
    await items.replaceOne({ _id: 1 }, { fresh: true });
    expect(await items.findOne({ _id: 1 })).toEqual({ _id: 1, fresh: true });
    await expect(items.updateOne({ _id: 1 }, { $set: { a: 1 }, $inc: { a: 1 } })).rejects.toMatchObject({
      code: 40,
    });
    await expect(items.updateOne({ _id: 1 }, { $set: { _id: 2 } })).rejects.toMatchObject({ code: 66 });
    await expect(items.updateOne({ _id: 1 }, { $inc: { fresh: 1 } })).rejects.toMatchObject({ code: 14 });
  });
});

describe('catalog and aggregation output', () => {
  it('renames collections, writes $out and $merge, reports stats', async () => {
    const db = fixture.db();
    await db.collection<{ _id: number; m: string; t: number }>('orders').insertMany([
      { _id: 1, m: 'a', t: 5 },
      { _id: 2, m: 'b', t: 7 },
      { _id: 3, m: 'a', t: 1 },
    ]);
    await db
      .collection('orders')
      .aggregate([{ $group: { _id: '$m', total: { $sum: '$t' } } }, { $out: 'totals' }])
      .toArray();
    expect(
      await db
        .collection('totals')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 'a', total: 6 },
      { _id: 'b', total: 7 },
    ]);
    await db
      .collection('orders')
      .aggregate([
        { $match: { _id: 2 } },
        { $project: { _id: '$m', extra: '$t' } },
        { $merge: { into: 'totals', whenMatched: 'merge' } },
      ])
      .toArray();
    expect(
      await db.collection<{ _id: string; total: number; extra?: number }>('totals').findOne({ _id: 'b' }),
    ).toEqual({ _id: 'b', total: 7, extra: 7 });
    await db.renameCollection('totals', 'summary');
    expect((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort()).toEqual([
      'orders',
      'summary',
    ]);
    const stats = await db.command({ collStats: 'orders' });
    expect(stats).toMatchObject({ count: 3, nindexes: 1 });
    expect((await db.command({ dbStats: 1 })).collections).toBe(2);
  });
});

describe('unsupported features fail loudly with MongoDB error codes', () => {
  it('rejects text and geo queries, text indexes, change streams, collations and Decimal128 arithmetic', async () => {
    const items = fixture.db().collection<{ _id: number; price: Decimal128; name: string }>('items');
    await items.insertOne({ _id: 1, price: Decimal128.fromString('1.10'), name: 'Coffee' });
    await expect(items.find({ $text: { $search: 'coffee' } }).toArray()).rejects.toMatchObject({
      code: 27,
      message: expect.stringMatching(/Text search/),
    });
    await expect(items.find({ loc: { $near: [0, 0] } }).toArray()).rejects.toMatchObject({
      code: 291,
      message: expect.stringMatching(/\$near/),
    });
    await expect(items.createIndex({ name: 'text' })).rejects.toMatchObject({
      code: 67,
      message: expect.stringMatching(/Text indexes/),
    });
    await expect(
      items.find({ name: 'coffee' }, { collation: { locale: 'en', strength: 2 } }).toArray(),
    ).rejects.toMatchObject({ code: 238, message: expect.stringMatching(/collation not supported/) });
    await expect(
      items.updateOne({ _id: 1 }, { $inc: { price: Decimal128.fromString('1') } }),
    ).rejects.toMatchObject({ code: 238, message: expect.stringMatching(/Decimal128/) });
    await expect(
      items.aggregate([{ $group: { _id: null, sum: { $sum: '$price' } } }]).toArray(),
    ).rejects.toMatchObject({ code: 238, message: expect.stringMatching(/Decimal128/) });
    const stream = items.watch();
    await expect(stream.tryNext()).rejects.toMatchObject({
      code: 40573,
      message: expect.stringMatching(/Change streams/),
    });
    await stream.close();
    expect(await items.findOne({ _id: 1 }, { projection: { _id: 0, name: 1 } })).toEqual({ name: 'Coffee' });
  });
});
