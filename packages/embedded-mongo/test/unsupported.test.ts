import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Decimal128, type Db } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();
const readme = fs.readFileSync(
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../README.md'),
  'utf8',
);

/** The feature column of the README's "Not supported" table. */
function readmeRows(): string[] {
  const section = readme.split('## Not supported')[1]?.split('\n## ')[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| Feature') && !line.startsWith('|---'))
    .map((line) => line.split(' | ')[0]?.slice(2).trim() ?? '');
}

interface Refusal {
  run: (db: Db) => Promise<unknown>;
  code: number;
  /** The message names the feature. */
  names: RegExp;
}

async function seeded(db: Db) {
  const c = db.collection<AnyDoc>('things');
  await c.insertOne({ _id: 1, a: 1, d: Decimal128.fromString('1.5'), loc: [0, 0] });
  return c;
}

/** One entry per README row (the row's feature cell is the key), each with the refusals it promises. */
const cases: Record<string, Refusal[]> = {
  '`$text`, text indexes': [
    {
      run: async (db) => (await seeded(db)).find({ $text: { $search: 'x' } }).toArray(),
      code: 27,
      names: /\$text/,
    },
    { run: async (db) => (await seeded(db)).createIndex({ a: 'text' }), code: 67, names: /Text indexes/ },
  ],
  '`$near`, `$nearSphere`, `$geoNear`, `$geoWithin`, `$geoIntersects`, 2d/2dsphere indexes': [
    {
      run: async (db) => (await seeded(db)).find({ loc: { $near: [0, 0] } }).toArray(),
      code: 291,
      names: /\$near/,
    },
    {
      run: async (db) => (await seeded(db)).find({ loc: { $geoWithin: { $center: [[0, 0], 1] } } }).toArray(),
      code: 291,
      names: /\$geoWithin/,
    },
    {
      run: async (db) =>
        (await seeded(db)).aggregate([{ $geoNear: { near: [0, 0], distanceField: 'd' } }]).toArray(),
      code: 291,
      names: /\$geoNear/,
    },
    { run: async (db) => (await seeded(db)).createIndex({ loc: '2dsphere' }), code: 67, names: /Geospatial/ },
  ],
  'Non-simple collation (any command, index or explain)': [
    {
      run: async (db) => (await seeded(db)).find({}, { collation: { locale: 'fr' } }).toArray(),
      code: 238,
      names: /collation not supported/,
    },
    {
      run: async (db) => (await seeded(db)).createIndex({ a: 1 }, { collation: { locale: 'fr' } }),
      code: 238,
      names: /collation not supported/,
    },
  ],
  'Change streams (`$changeStream`, `watch()`)': [
    {
      run: async (db) => (await seeded(db)).aggregate([{ $changeStream: {} }]).toArray(),
      code: 40573,
      names: /Change streams/,
    },
    {
      run: async (db) => {
        const stream = (await seeded(db)).watch();
        try {
          return await stream.tryNext();
        } finally {
          await stream.close();
        }
      },
      code: 40573,
      names: /Change streams/,
    },
  ],
  'Decimal128 arithmetic (`$inc`/`$mul` on Decimal128; Decimal128 values reaching aggregation expressions)': [
    {
      run: async (db) => (await seeded(db)).updateOne({ _id: 1 }, { $inc: { d: 1 } }),
      code: 238,
      names: /Decimal128/,
    },
    {
      run: async (db) => (await seeded(db)).aggregate([{ $project: { x: { $add: ['$d', 1] } } }]).toArray(),
      code: 238,
      names: /Decimal128/,
    },
  ],
  '`$where`, `$function`, `$accumulator`, `$jsonSchema` (queries and validators), `$bits*` operators': [
    { run: async (db) => (await seeded(db)).find({ $where: 'true' }).toArray(), code: 238, names: /\$where/ },
    {
      run: async (db) =>
        (await seeded(db))
          .aggregate([{ $project: { x: { $function: { body: 'function() {}', args: [], lang: 'js' } } } }])
          .toArray(),
      code: 238,
      names: /\$function/,
    },
    {
      run: async (db) =>
        (await seeded(db))
          .aggregate([{ $group: { _id: null, x: { $accumulator: { init: 'function() {}', lang: 'js' } } } }])
          .toArray(),
      code: 238,
      names: /\$accumulator/,
    },
    {
      run: async (db) => (await seeded(db)).find({ $jsonSchema: {} }).toArray(),
      code: 238,
      names: /\$jsonSchema/,
    },
    {
      run: (db) => db.createCollection('validated', { validator: { $jsonSchema: { required: ['a'] } } }),
      code: 238,
      names: /\$jsonSchema/,
    },
    {
      run: async (db) => (await seeded(db)).find({ a: { $bitsAllSet: 1 } }).toArray(),
      code: 238,
      names: /\$bitsAllSet/,
    },
  ],
  'Tailable cursors, capped / time-series / clustered collections, views': [
    {
      run: async (db) => (await seeded(db)).find({}, { tailable: true }).toArray(),
      code: 238,
      names: /tailable cursors/,
    },
    { run: (db) => db.createCollection('capped', { capped: true, size: 4096 }), code: 238, names: /capped/ },
    {
      run: (db) => db.createCollection('ts', { timeseries: { timeField: 't' } }),
      code: 238,
      names: /timeseries/,
    },
    {
      run: (db) => db.createCollection('clustered', { clusteredIndex: { key: { _id: 1 }, unique: true } }),
      code: 238,
      names: /clusteredIndex/,
    },
    {
      run: (db) => db.createCollection('view', { viewOn: 'things', pipeline: [] }),
      code: 238,
      names: /viewOn/,
    },
  ],
  '`$meta` sorts and projections': [
    {
      run: async (db) => (await seeded(db)).find({}, { sort: { s: { $meta: 'textScore' } } }).toArray(),
      code: 238,
      names: /\$meta/,
    },
    {
      run: async (db) => (await seeded(db)).find({}, { projection: { s: { $meta: 'textScore' } } }).toArray(),
      code: 238,
      names: /\$meta/,
    },
  ],
  'Database-level `aggregate: 1`, `$collStats`, `$indexStats`, `$currentOp`, Atlas Search': [
    { run: (db) => db.aggregate([{ $documents: [{ a: 1 }] }]).toArray(), code: 238, names: /aggregate: 1/ },
    {
      run: async (db) => (await seeded(db)).aggregate([{ $collStats: {} }]).toArray(),
      code: 238,
      names: /\$collStats/,
    },
    {
      run: async (db) => (await seeded(db)).aggregate([{ $indexStats: {} }]).toArray(),
      code: 238,
      names: /\$indexStats/,
    },
    {
      run: async (db) => (await seeded(db)).aggregate([{ $currentOp: {} }]).toArray(),
      code: 238,
      names: /\$currentOp/,
    },
    {
      run: async (db) => (await seeded(db)).aggregate([{ $search: {} }]).toArray(),
      code: 238,
      names: /Atlas Search/,
    },
  ],
  '`let` variables in `bulkWrite` (refused rather than ignored: `$$name` would evaluate wrongly)': [
    {
      run: (db) =>
        fixture.client.db('admin').command({
          bulkWrite: 1,
          ops: [{ insert: 0, document: { a: 1 } }],
          nsInfo: [{ ns: `${db.databaseName}.x` }],
          let: { v: 1 },
        }),
      code: 238,
      names: /let variables/,
    },
  ],
  "Snapshot sessions (`startSession({ snapshot: true })`, `readConcern: 'snapshot'` outside a transaction)": [
    {
      run: async (db) => {
        const c = await seeded(db);
        const session = fixture.client.startSession({ snapshot: true });
        try {
          return await c.findOne({}, { session });
        } finally {
          await session.endSession();
        }
      },
      code: 238,
      names: /Snapshot sessions/,
    },
  ],
};

describe("README's list of unsupported features", () => {
  it('has a case here for every row there, and no case for a row it does not list', () => {
    expect(readmeRows().sort()).toEqual(Object.keys(cases).sort());
  });

  for (const [feature, refusals] of Object.entries(cases)) {
    it(`refuses ${feature} with MongoDB's error code and a message naming the feature`, async () => {
      for (const refusal of refusals) {
        const error = await refusal.run(fixture.db()).then(
          () => undefined,
          (caught: unknown) => caught as { code?: number; message?: string },
        );
        expect(error, `${feature}: ${refusal.names.source}`).toBeDefined();
        expect(
          { code: error?.code, names: refusal.names.test(error?.message ?? '') },
          error?.message,
        ).toEqual({
          code: refusal.code,
          names: true,
        });
      }
    });
  }
});
