import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

const prototypeNames = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

function prototypeSnapshot(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

describe('field names are data, never JavaScript object keys', () => {
  it('a battery of writes through prototype names changes no other document and no process state', async () => {
    const before = prototypeSnapshot();
    const db = fixture.db();
    const other = fixture.client.db(`${db.databaseName}_other`).collection<AnyDoc>('bystanders');
    await other.insertMany([
      { _id: 1, name: 'ann' },
      { _id: 2, name: 'bob' },
    ]);
    const c = db.collection<AnyDoc>('victims');
    await c.updateOne({ _id: 9 }, { $set: { 'a2.__proto__.polluted': 1 } }, { upsert: true });
    await c.insertOne({ _id: 10, hello: 'world' });
    await c.updateOne({ _id: 10 }, { $rename: { hello: '__proto__.polluted' } });
    // JSON.parse makes `__proto__` an own key (an object literal would set the prototype instead).
    await c.insertOne(JSON.parse('{"_id": 11, "__proto__": {"polluted": 1}}') as AnyDoc);
    await c.updateOne({ _id: 12 }, { $set: { 'constructor.prototype.polluted': 1 } }, { upsert: true });
    await c.updateOne({ _id: 13 }, JSON.parse('{"$setOnInsert": {"__proto__": {"polluted": 1}}}') as AnyDoc, {
      upsert: true,
    });
    await c.replaceOne({ _id: 14 }, { toString: 'x', valueOf: { polluted: 1 } }, { upsert: true });
    await c.updateMany({}, { $set: { 'x.__proto__': { polluted: 1 } } });
    await c.aggregate([{ $group: { _id: '$__proto__', n: { $sum: 1 } } }]).toArray();
    await c.aggregate([JSON.parse('{"$project": {"__proto__": {"polluted": 1}}}') as AnyDoc]).toArray();
    await c.aggregate([JSON.parse('{"$addFields": {"__proto__": {"polluted": 1}}}') as AnyDoc]).toArray();
    await c.aggregate([{ $addFields: { 'y.__proto__.polluted': 1 } }]).toArray();
    await c.updateOne({ _id: 10 }, [{ $set: { 'z.__proto__.polluted': 1 } }]);
    await c.createIndex({ '__proto__.polluted': 1 });

    expect(prototypeSnapshot()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // `{polluted: 1}` matches nothing anywhere: no document stores a top-level `polluted`.
    expect(await other.find({ polluted: 1 }).toArray()).toEqual([]);
    expect(await c.find({ polluted: 1 }).toArray()).toEqual([]);
    expect(await other.find({}).toArray()).toEqual([
      { _id: 1, name: 'ann' },
      { _id: 2, name: 'bob' },
    ]);
    // The writes created ordinary fields named after prototype properties.
    expect(await c.findOne({ _id: 9 })).toMatchObject({ a2: { ['__proto__']: { polluted: 1 } } });
    const renamed = await c.findOne({ _id: 10 });
    expect(Object.getOwnPropertyDescriptor(renamed, '__proto__')?.value).toEqual({ polluted: 'world' });
    expect(renamed?.hello).toBeUndefined();
    expect((await c.find({ '__proto__.polluted': 1 }).toArray()).map((d) => d._id)).toEqual([11, 13]);
    expect(await c.findOne({ _id: 12 })).toEqual({
      _id: 12,
      constructor: { prototype: { polluted: 1 } },
      x: { ['__proto__']: { polluted: 1 } },
    });
  });

  it('{name: {$exists: true}} matches only documents that store the field, for every prototype name', async () => {
    const c = fixture.db().collection<AnyDoc>('exists');
    const named: AnyDoc[] = prototypeNames.map((name, i) =>
      Object.fromEntries([
        ['_id', 10 + i],
        [name, i],
      ]),
    );
    await c.insertMany([{ _id: 1, plain: true }, ...named]);
    for (const [i, name] of prototypeNames.entries()) {
      expect((await c.find({ [name]: { $exists: true } }).toArray()).map((d) => d._id)).toEqual([10 + i]);
      expect(await c.countDocuments({ [name]: { $exists: false } })).toBe(prototypeNames.length);
      expect(await c.countDocuments({ [name]: null })).toBe(prototypeNames.length);
      expect(await c.countDocuments({ [`${name}.x`]: { $exists: true } })).toBe(0);
    }
    expect(await c.countDocuments({ 'plain.constructor': { $exists: true } })).toBe(0);
  });

  it("{$set: {'constructor.x': 1}} creates {constructor: {x: 1}}", async () => {
    const c = fixture.db().collection<AnyDoc>('set');
    await c.insertOne({ _id: 1 });
    await c.updateOne({ _id: 1 }, { $set: { 'constructor.x': 1, 'toString.y': 2, valueOf: 3 } });
    expect(await c.findOne({ _id: 1 })).toEqual({
      _id: 1,
      constructor: { x: 1 },
      toString: { y: 2 },
      valueOf: 3,
    });
    await c.updateOne({ _id: 1 }, { $inc: { 'constructor.x': 1 }, $unset: { valueOf: '' } });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, constructor: { x: 2 }, toString: { y: 2 } });
    expect(await c.findOne({ 'constructor.x': 2 })).toMatchObject({ _id: 1 });
  });

  it('upserts seed prototype names from the filter as ordinary fields', async () => {
    const c = fixture.db().collection<AnyDoc>('upserts');
    await c.updateOne({ constructor: 'a', 'hasOwnProperty.k': 1 }, { $set: { v: 1 } }, { upsert: true });
    const doc = await c.findOne({ constructor: 'a' }, { projection: { _id: 0 } });
    expect(doc).toEqual({ constructor: 'a', hasOwnProperty: { k: 1 }, v: 1 });
  });

  it('projections, $group keys, $lookup and indexes treat prototype names as fields', async () => {
    const db = fixture.db();
    const c = db.collection<AnyDoc>('members');
    await c.insertMany([
      { _id: 1, constructor: 'gold', toString: 5 },
      { _id: 2, constructor: 'gold', toString: 7 },
      { _id: 3, name: 'no prototype fields' },
    ]);
    const projected: AnyDoc[] = [{ constructor: 'gold' }, { constructor: 'gold' }, {}];
    expect(await c.find({}, { projection: { constructor: 1, _id: 0 } }).toArray()).toEqual(projected);
    expect(await c.find({ _id: 3 }, { projection: { toString: 0 } }).toArray()).toEqual([
      { _id: 3, name: 'no prototype fields' },
    ]);
    const groups = await c
      .aggregate([{ $group: { _id: '$constructor', valueOf: { $sum: '$toString' } } }, { $sort: { _id: 1 } }])
      .toArray();
    expect(groups).toEqual([
      { _id: null, valueOf: 0 },
      { _id: 'gold', valueOf: 12 },
    ]);
    await db.collection('tiers').insertOne({ _id: 'gold' as never, hasOwnProperty: 'yes' });
    const joined = await c
      .aggregate([
        { $match: { _id: 1 } },
        { $lookup: { from: 'tiers', localField: 'constructor', foreignField: '_id', as: 'constructor' } },
        { $project: { tier: { $first: '$constructor.hasOwnProperty' } } },
      ])
      .toArray();
    expect(joined).toEqual([{ _id: 1, tier: 'yes' }]);
    await c.createIndex(
      { constructor: 1 },
      { unique: true, partialFilterExpression: { toString: { $gt: 6 } } },
    );
    await c.insertOne({ _id: 4, constructor: 'gold', toString: 1 });
    await expect(c.insertOne({ _id: 5, constructor: 'gold', toString: 9 })).rejects.toMatchObject({
      code: 11000,
      keyValue: { constructor: 'gold' },
    });
    expect((await c.find({ constructor: 'gold' }).toArray()).map((d) => d._id)).toEqual([1, 2, 4]);
  });
});

describe('$-prefixed and dotted field names as MongoDB 5.0+', () => {
  it('stores them on insert and nested in replacements, and returns them', async () => {
    const c = fixture.db().collection<AnyDoc>('sales');
    await c.insertOne({ _id: 1, $price: 50, quantity: 30, 'a.b': 1 });
    await c.insertOne({
      _id: 2,
      $id: 'h1961-01',
      location: { $db: 'novels', $ref: '2007042768', $inc: true },
    });
    expect(await c.findOne({ _id: 1 })).toEqual({ _id: 1, $price: 50, quantity: 30, 'a.b': 1 });
    expect(await c.findOne({ _id: 2 })).toEqual({
      _id: 2,
      $id: 'h1961-01',
      location: { $db: 'novels', $ref: '2007042768', $inc: true },
    });
    await c.replaceOne({ _id: 2 }, { address: { $number: 123, $street: 'Elm Road' } });
    expect(await c.findOne({ _id: 2 })).toEqual({ _id: 2, address: { $number: 123, $street: 'Elm Road' } });
    // A nested $-prefixed component of an update path is an ordinary field name.
    await c.updateOne({ _id: 2 }, { $set: { 'address.$street': 'Elm Ave', 'address.$*': 1 } });
    expect(await c.findOne({ _id: 2 })).toEqual({
      _id: 2,
      address: { $number: 123, $street: 'Elm Ave', '$*': 1 },
    });
    // `a.b` is a field name in the data; a query path `a.b` means a → b.
    expect(await c.countDocuments({ 'a.b': 1 })).toBe(0);
  });

  it('matches and computes them with $getField / $setField / $literal', async () => {
    const c = fixture.db().collection<AnyDoc>('inventory');
    await c.insertMany([
      { _id: 1, item: 'sweatshirt', 'price.usd': 45.99, $qty: 300 },
      { _id: 2, item: 'winter coat', 'price.usd': 499.99, $qty: 200 },
    ]);
    const expensive = await c.find({ $expr: { $gt: [{ $getField: 'price.usd' }, 200] } }).toArray();
    expect(expensive.map((d) => d._id)).toEqual([2]);
    const quantities = await c
      .aggregate([{ $project: { _id: 0, qty: { $getField: { $literal: '$qty' } } } }])
      .toArray();
    expect(quantities).toEqual([{ qty: 300 }, { qty: 200 }]);
    await c.updateOne({ _id: 1 }, [
      { $replaceWith: { $setField: { field: 'price.usd', input: '$$ROOT', value: 49.99 } } },
    ]);
    expect(await c.findOne({ _id: 1 })).toMatchObject({ 'price.usd': 49.99, $qty: 300 });
    await c.updateOne({ _id: 2 }, [
      { $replaceWith: { $setField: { field: { $literal: '$qty' }, input: '$$ROOT', value: 5 } } },
    ]);
    expect(await c.findOne({ _id: 2 })).toMatchObject({ $qty: 5 });
  });

  it('an upsert that inserts accepts them; the same update on an existing document is refused (52)', async () => {
    const c = fixture.db().collection<AnyDoc>('expenses');
    await c.updateOne({ date: '2021-07-07' }, { $set: { phone: 25.17, $hotel: 320.1 } } as never, {
      upsert: true,
    });
    expect(await c.findOne({ date: '2021-07-07' }, { projection: { _id: 0 } })).toEqual({
      date: '2021-07-07',
      phone: 25.17,
      $hotel: 320.1,
    });
    await c.updateOne({ _id: 7 }, { $set: { $myKey: 'x' } } as never, { upsert: true });
    expect(await c.findOne({ _id: 7 })).toEqual({ _id: 7, $myKey: 'x' });
    await expect(
      c.updateOne({ date: '2021-07-07' }, { $set: { phone: 1, $hotel: 1 } } as never),
    ).rejects.toMatchObject({ code: 52 });
    await expect(c.replaceOne({ _id: 7 }, { ok: 1, $top: 1 } as never)).rejects.toThrow();
    expect(await c.findOne({ date: '2021-07-07' })).toMatchObject({ phone: 25.17 });
  });
});
