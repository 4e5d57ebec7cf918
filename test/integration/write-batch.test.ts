import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mongoose from 'mongoose';
import { serverWireVersion } from '../../backend/src/platform/mongo.js';
import { forceClientBulkWrite, WriteBatch } from '../../backend/src/platform/write-batch.js';
import { createLedgerWorld, type LedgerWorld } from './ledger-helpers.js';

// The batch's upsert (a counter of its own, such as a tier's monthly activity) on both of its paths: one
// command per write (MongoDB before 8.0) and one client bulkWrite (MongoDB 8.0+ and the embedded server).
let world: LedgerWorld;
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(async () => {
  forceClientBulkWrite(null);
  await world.close();
});

const paths = [
  { name: 'one command per write', useClientBulkWrite: false, isAvailable: () => true },
  { name: 'one client bulkWrite', useClientBulkWrite: true, isAvailable: () => serverWireVersion() >= 25 },
];

describe.each(paths)('WriteBatch.upsertOne, sent as $name', (path) => {
  it('inserts the document when none matches, then updates it, in the transaction', async (context) => {
    if (!path.isAvailable()) context.skip();
    forceClientBulkWrite(path.useClientBulkWrite);
    const collection = mongoose.connection.collection(
      `write_batch_${path.useClientBulkWrite ? 'bulk' : 'one'}`,
    );
    const target = { collection };
    const key = new mongoose.Types.ObjectId();
    for (let i = 0; i < 2; i += 1) {
      const session = await mongoose.startSession();
      try {
        await session.withTransaction(async () => {
          const batch = new WriteBatch();
          batch.upsertOne(target, { key, month: 202612 }, { $inc: { points: 5 } });
          // A second write in the same batch, so that the bulk path sends them together.
          batch.insertOne(target, { _id: new mongoose.Types.ObjectId(), other: i });
          await batch.flush(session);
        });
      } finally {
        await session.endSession();
      }
    }
    const counters = await collection.find({ key }).toArray();
    expect(counters).toHaveLength(1);
    expect(counters[0]).toMatchObject({ key, month: 202612, points: 10 });
    expect(await collection.countDocuments({ other: { $exists: true } })).toBe(2);
  });
});
