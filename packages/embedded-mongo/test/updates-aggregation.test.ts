import { Binary, UUID, type Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

describe('$pull applies any query condition to each element', () => {
  it('removes elements matching $or / $and / $nor / $elemMatch and scalar operators (manual examples)', async () => {
    const c = fixture.db().collection<{ _id: number; results: Document[]; votes?: number[] }>('surveys');
    await c.insertMany([
      {
        _id: 1,
        results: [
          { item: 'A', score: 5 },
          { item: 'B', score: 8 },
        ],
        votes: [3, 5, 6, 7, 7, 8],
      },
      {
        _id: 2,
        results: [
          { item: 'C', score: 8 },
          { item: 'B', score: 4 },
        ],
      },
    ]);
    await c.updateMany({}, { $pull: { results: { score: 8, item: 'B' } } });
    expect((await c.findOne({ _id: 1 }))?.results).toEqual([{ item: 'A', score: 5 }]);
    await c.updateOne({ _id: 1 }, { $pull: { votes: { $gte: 6 } } });
    expect((await c.findOne({ _id: 1 }))?.votes).toEqual([3, 5]);
    await c.updateOne({ _id: 2 }, { $pull: { results: { $or: [{ item: 'C' }, { score: { $lt: 0 } }] } } });
    expect((await c.findOne({ _id: 2 }))?.results).toEqual([{ item: 'B', score: 4 }]);
    await c.updateOne(
      { _id: 2 },
      {
        $push: {
          results: {
            $each: [
              { item: 'D', score: 1 },
              { item: 'E', score: 9 },
            ],
          },
        },
      },
    );
    await c.updateOne(
      { _id: 2 },
      { $pull: { results: { $and: [{ score: { $gt: 3 } }, { item: { $ne: 'E' } }] } } },
    );
    expect((await c.findOne({ _id: 2 }))?.results).toEqual([
      { item: 'D', score: 1 },
      { item: 'E', score: 9 },
    ]);
    await c.updateOne({ _id: 2 }, { $pull: { results: { $nor: [{ item: 'D' }] } } });
    expect((await c.findOne({ _id: 2 }))?.results).toEqual([{ item: 'D', score: 1 }]);
    await c.insertOne({
      _id: 3,
      results: [
        {
          answers: [
            { q: 1, a: 4 },
            { q: 2, a: 6 },
          ],
        },
        { answers: [{ q: 1, a: 8 }] },
      ],
    });
    await c.updateOne(
      { _id: 3 },
      { $pull: { results: { answers: { $elemMatch: { q: 2, a: { $gte: 6 } } } } } },
    );
    expect((await c.findOne({ _id: 3 }))?.results).toEqual([{ answers: [{ q: 1, a: 8 }] }]);
    await c.updateOne({ _id: 1 }, { $pull: { votes: { $in: [3, 9] } } });
    expect((await c.findOne({ _id: 1 }))?.votes).toEqual([5]);
  });
});

describe('aggregation', () => {
  it('$first / $last of an empty array are missing, so $ifNull and $lookup + $first work', async () => {
    const db = fixture.db();
    const orders = db.collection<AnyDoc>('orders');
    await orders.insertMany([
      { _id: 1, member: 'm1', l: [] },
      { _id: 2, member: 'm2', l: [4, 5] },
    ]);
    await db.collection<AnyDoc>('members').insertOne({ _id: 'm1', name: 'Ann' });
    const rows = await orders
      .aggregate([
        { $lookup: { from: 'members', localField: 'member', foreignField: '_id', as: 'm' } },
        {
          $project: {
            first: { $ifNull: [{ $first: '$l' }, 0] },
            last: { $last: '$l' },
            name: { $ifNull: [{ $first: '$m.name' }, 'unknown'] },
          },
        },
      ])
      .toArray();
    expect(rows).toEqual([
      { _id: 1, first: 0, name: 'Ann' },
      { _id: 2, first: 4, last: 5, name: 'unknown' },
    ]);
    const grouped = await orders.aggregate([{ $group: { _id: null, f: { $first: '$member' } } }]).toArray();
    expect(grouped).toEqual([{ _id: null, f: 'm1' }]);
  });

  it('an unknown stage answers 40324 "Unrecognized pipeline stage name"', async () => {
    const c = fixture.db().collection('x');
    await c.insertOne({ a: 1 });
    await expect(c.aggregate([{ $frobnicate: {} }]).toArray()).rejects.toMatchObject({
      code: 40324,
      message: "Unrecognized pipeline stage name: '$frobnicate'",
    });
    await expect(c.aggregate([{ $match: {}, $limit: 1 }]).toArray()).rejects.toMatchObject({ code: 40323 });
  });

  it('the command-level let binds $$variables for find, aggregate, update, delete and findAndModify', async () => {
    const c = fixture.db().collection<AnyDoc>('cakeFlavors');
    await c.insertMany([
      { _id: 1, flavor: 'chocolate' },
      { _id: 2, flavor: 'strawberry' },
      { _id: 3, flavor: 'cherry' },
    ]);
    const vars = { targetFlavor: 'cherry' };
    const byFind = await c.find({ $expr: { $eq: ['$flavor', '$$targetFlavor'] } }, { let: vars }).toArray();
    expect(byFind.map((d) => d._id)).toEqual([3]);
    const byAggregate = await c
      .aggregate(
        [
          { $match: { $expr: { $eq: ['$flavor', '$$targetFlavor'] } } },
          { $project: { v: '$$targetFlavor' } },
        ],
        {
          let: vars,
        },
      )
      .toArray();
    expect(byAggregate).toEqual([{ _id: 3, v: 'cherry' }]);
    await c.updateOne({ $expr: { $eq: ['$flavor', '$$oldFlavor'] } }, [{ $set: { flavor: '$$newFlavor' } }], {
      let: { oldFlavor: 'cherry', newFlavor: 'orange' },
    });
    expect(await c.findOne({ _id: 3 })).toEqual({ _id: 3, flavor: 'orange' });
    const modified = await c.findOneAndUpdate(
      { $expr: { $eq: ['$flavor', '$$f'] } },
      { $set: { sold: true } },
      { let: { f: 'orange' }, returnDocument: 'after' },
    );
    expect(modified).toEqual({ _id: 3, flavor: 'orange', sold: true });
    const deleted = await c.deleteOne({ $expr: { $eq: ['$flavor', '$$f'] } }, { let: { f: 'strawberry' } });
    expect(deleted.deletedCount).toBe(1);
    expect((await c.find().toArray()).map((d) => d._id)).toEqual([1, 3]);
  });
});

describe('BSON binary comparisons: length, then subtype, then bytes', () => {
  it('a UUID never equals generic binary with the same bytes, and $set to another subtype modifies', async () => {
    const c = fixture.db().collection<AnyDoc>('binaries');
    const uuid = new UUID();
    const generic = new Binary(Buffer.from(uuid.buffer), 0);
    await c.insertMany([
      { _id: 1, v: uuid },
      { _id: 2, v: generic },
      { _id: 3, v: new Binary(Buffer.from([1, 2])) },
    ]);
    expect((await c.find({ v: uuid }).toArray()).map((d) => d._id)).toEqual([1]);
    expect((await c.find({ v: generic }).toArray()).map((d) => d._id)).toEqual([2]);
    expect((await c.find({}, { sort: { v: 1 } }).toArray()).map((d) => d._id)).toEqual([3, 2, 1]);
    const result = await c.updateOne({ _id: 2 }, { $set: { v: new Binary(Buffer.from(uuid.buffer), 4) } });
    expect(result.modifiedCount).toBe(1);
    expect((await c.find({ v: uuid }).toArray()).map((d) => d._id)).toEqual([1, 2]);
    await c.createIndex({ v: 1 });
    expect((await c.find({ v: generic }).toArray()).map((d) => d._id)).toEqual([]);
    expect(await c.distinct('v', { _id: { $in: [1, 2, 3] } })).toHaveLength(2);
  });
});
