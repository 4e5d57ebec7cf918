import type { Document } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

/** The same projection through find, findOneAndUpdate (findAndModify) and `$project`. */
async function projectEverywhere(docs: AnyDoc[], projection: Document): Promise<Document[][]> {
  const c = fixture.db().collection<AnyDoc>('projected');
  await c.insertMany(docs);
  const found = await c.find({}, { projection, sort: { _id: 1 } }).toArray();
  const modified: Document[] = [];
  for (const doc of docs) {
    const result = await c.findOneAndUpdate({ _id: doc._id }, { $set: {} }, { projection });
    modified.push(result as Document);
  }
  const aggregated = await c.aggregate([{ $sort: { _id: 1 } }, { $project: projection }]).toArray();
  return [found, modified, aggregated];
}

describe('projections as MongoDB 4.4+, the same in find, findAndModify and $project', () => {
  it('an inclusion whose fields are all missing returns {} (or only _id), never the whole document', async () => {
    for (const result of await projectEverywhere([{ _id: 1, secret: 's1' }], { _id: 0, name: 1 }))
      expect(result).toEqual([{}]);
    for (const result of await projectEverywhere([{ _id: 1, secret: 's1' }], { name: 1 }))
      expect(result).toEqual([{ _id: 1 }]);
    for (const result of await projectEverywhere([{ _id: 1, secret: 's1' }], { _id: 0, n: '$name' }))
      expect(result).toEqual([{}]);
  });

  it('computes fields from paths, literals and expressions, _id first', async () => {
    const docs = [{ _id: 1, name: 'ann', points: 5, secret: 's' }];
    for (const result of await projectEverywhere(docs, {
      n: '$name',
      double: { $multiply: ['$points', 2] },
      points: 1,
    }))
      expect(result).toEqual([{ _id: 1, points: 5, n: 'ann', double: 10 }]);
    for (const result of await projectEverywhere(docs, { label: { $literal: '$name' }, _id: 0 }))
      expect(result).toEqual([{ label: '$name' }]);
    const [, , aggregated] = await projectEverywhere(docs, { name: 1, _id: { $concat: ['m-', '$name'] } });
    expect(Object.keys(aggregated?.[0] ?? {})).toEqual(['_id', 'name']);
    expect(aggregated).toEqual([{ _id: 'm-ann', name: 'ann' }]);
  });

  it('embedded-document syntax {child: {name: 1}} means {"child.name": 1}', async () => {
    const docs = [{ _id: 1, name: 'parent', child: { name: 'kid', age: 3 }, list: [{ name: 'a', x: 1 }, 7] }];
    for (const result of await projectEverywhere(docs, { child: { name: 1 }, _id: 0 }))
      expect(result).toEqual([{ child: { name: 'kid' } }]);
    for (const result of await projectEverywhere(docs, { list: { name: 1 }, _id: 0 }))
      expect(result).toEqual([{ list: [{ name: 'a' }] }]);
    for (const result of await projectEverywhere(docs, { child: { age: 0 }, list: 0 }))
      expect(result).toEqual([{ _id: 1, name: 'parent', child: { name: 'kid' } }]);
  });

  it('$elemMatch projections accept operator-only conditions and filters', async () => {
    const c = fixture.db().collection<AnyDoc>('schools');
    await c.insertMany([
      {
        _id: 1,
        ids: [1, 2, 3],
        students: [
          { name: 'john', age: 10 },
          { name: 'jess', age: 12 },
        ],
      },
      { _id: 2, ids: [0], students: [{ name: 'jeff', age: 15 }] },
    ]);
    expect(await c.find({}, { projection: { ids: { $elemMatch: { $gte: 2 } } } }).toArray()).toEqual([
      { _id: 1, ids: [2] },
      { _id: 2 },
    ]);
    expect(
      await c.find({}, { projection: { students: { $elemMatch: { age: { $gt: 11 } } }, _id: 0 } }).toArray(),
    ).toEqual([{ students: [{ name: 'jess', age: 12 }] }, { students: [{ name: 'jeff', age: 15 }] }]);
  });

  it('the positional $ projection returns the first element the query matched', async () => {
    const c = fixture.db().collection<AnyDoc>('students');
    await c.insertMany([
      { _id: 1, semester: 1, grades: [70, 87, 90] },
      { _id: 2, semester: 1, grades: [90, 88, 92] },
      { _id: 3, semester: 1, grades: [85, 100, 90] },
    ]);
    const result = await c
      .find({ semester: 1, grades: { $gte: 85 } }, { projection: { 'grades.$': 1 }, sort: { _id: 1 } })
      .toArray();
    expect(result).toEqual([
      { _id: 1, grades: [87] },
      { _id: 2, grades: [90] },
      { _id: 3, grades: [85] },
    ]);
  });

  it('mongoose-style nested path projections and mixed projections are answered as MongoDB does', async () => {
    const c = fixture.db().collection<AnyDoc>('nested');
    await c.insertOne({
      _id: 1,
      profile: { name: 'ann', email: 'a@x', address: { city: 'Chisinau', zip: '2000' } },
    });
    expect(await c.findOne({}, { projection: { 'profile.address.city': 1, 'profile.name': 1 } })).toEqual({
      _id: 1,
      profile: { name: 'ann', address: { city: 'Chisinau' } },
    });
    await expect(c.findOne({}, { projection: { a: 1, b: 0 } })).rejects.toMatchObject({ code: 31254 });
    await expect(c.findOne({}, { projection: { profile: 1, 'profile.name': 1 } })).rejects.toMatchObject({
      code: 31250,
    });
  });
});
