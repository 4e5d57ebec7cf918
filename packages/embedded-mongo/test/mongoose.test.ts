import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../src/index.js';

let server: EmbeddedMongo;
let connection: mongoose.Connection;

const memberSchema = new Schema({
  email: { type: String, required: true, unique: true },
  points: { type: Number, default: 0 },
  tier: { type: String, default: 'silver' },
  tags: [String],
});
const ledgerSchema = new Schema({ member: String, delta: Number, reason: String }, { timestamps: true });

beforeAll(async () => {
  server = await startEmbeddedMongo({ log: () => undefined });
  connection = await mongoose.createConnection(server.uri, { dbName: 'mongoose_test' }).asPromise();
});

afterAll(async () => {
  await connection?.close();
  await server?.stop();
});

describe('mongoose 8 against the embedded server', () => {
  it('creates, queries, updates and deletes documents', async () => {
    const Member = connection.model('CrudMember', memberSchema);
    await Member.init();
    const ann = await Member.create({ email: 'ann@example.com', tags: ['new'] });
    await Member.updateOne({ _id: ann._id }, { $inc: { points: 50 }, $addToSet: { tags: 'vip' } });
    const found = await Member.findOne({ email: 'ann@example.com' }).lean();
    expect(found).toMatchObject({
      email: 'ann@example.com',
      points: 50,
      tier: 'silver',
      tags: ['new', 'vip'],
    });
    const updated = await Member.findOneAndUpdate(
      { email: 'ann@example.com' },
      { $set: { tier: 'gold' } },
      { new: true },
    ).lean();
    expect(updated?.tier).toBe('gold');
    expect(await Member.countDocuments({ points: { $gte: 10 } })).toBe(1);
    await Member.deleteOne({ _id: ann._id });
    expect(await Member.findById(ann._id)).toBeNull();
  });

  it('surfaces a duplicate key exactly like MongoDB (code 11000, keyPattern, keyValue)', async () => {
    const Member = connection.model('DupMember', memberSchema);
    await Member.init();
    await Member.create({ email: 'dup@example.com' });
    const error = await Member.create({ email: 'dup@example.com' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'MongoServerError',
      code: 11000,
      keyPattern: { email: 1 },
      keyValue: { email: 'dup@example.com' },
    });
    expect((error as Error).message).toContain(
      'E11000 duplicate key error collection: mongoose_test.dupmembers index: email_1 dup key: { email: "dup@example.com" }',
    );
    const indexes = await Member.listIndexes();
    expect(indexes.map((i: { name: string }) => i.name)).toEqual(['_id_', 'email_1']);
  });

  it('runs session.withTransaction and commits or rolls back atomically', async () => {
    const Member = connection.model('TxnMember', memberSchema);
    const Ledger = connection.model('TxnLedger', ledgerSchema);
    await Member.init();
    await Ledger.init();
    const member = await Member.create({ email: 'txn@example.com', points: 100 });
    const session = await connection.startSession();
    await session.withTransaction(async () => {
      await Member.updateOne(
        { _id: member._id, points: { $gte: 30 } },
        { $inc: { points: -30 } },
        { session },
      );
      await Ledger.create([{ member: member.email, delta: -30, reason: 'redemption' }], { session });
    });
    await expect(
      session.withTransaction(async () => {
        await Member.updateOne({ _id: member._id }, { $inc: { points: -1000 } }, { session });
        throw new Error('not enough points');
      }),
    ).rejects.toThrow('not enough points');
    await session.endSession();
    expect((await Member.findById(member._id).lean())?.points).toBe(70);
    expect(await Ledger.countDocuments({ member: 'txn@example.com' })).toBe(1);
  });

  it("runs the client-level bulkWrite of mongoose's driver inside session.withTransaction", async () => {
    const Member = connection.model('BulkMember', memberSchema);
    const Ledger = connection.model('BulkLedger', ledgerSchema);
    await Member.init();
    const member = await Member.create({ email: 'bulk@example.com', points: 10 });
    const namespace = (collection: mongoose.Collection): string =>
      `${connection.db?.databaseName ?? ''}.${collection.collectionName}`;
    const session = await connection.startSession();
    try {
      await session.withTransaction(async () => {
        const result = await connection.getClient().bulkWrite<Record<string, mongoose.mongo.Document>>(
          [
            {
              name: 'updateOne',
              namespace: namespace(Member.collection),
              filter: { _id: member._id },
              update: { $inc: { points: 5 } },
            },
            {
              name: 'insertOne',
              namespace: namespace(Ledger.collection),
              document: { member: member.email, delta: 5, reason: 'purchase' },
            },
          ],
          { session },
        );
        expect(result).toMatchObject({ insertedCount: 1, matchedCount: 1, modifiedCount: 1 });
      });
    } finally {
      await session.endSession();
    }
    expect((await Member.findById(member._id).lean())?.points).toBe(15);
    expect(await Ledger.countDocuments({ member: 'bulk@example.com' })).toBe(1);
  });

  it('supports aggregate and populate-style lookups', async () => {
    const Ledger = connection.model('AggLedger', ledgerSchema);
    await Ledger.insertMany([
      { member: 'a', delta: 10 },
      { member: 'a', delta: -3 },
      { member: 'b', delta: 5 },
    ]);
    const balances = await Ledger.aggregate<{ _id: string; balance: number }>([
      { $group: { _id: '$member', balance: { $sum: '$delta' } } },
      { $sort: { _id: 1 } },
    ]);
    expect(balances).toEqual([
      { _id: 'a', balance: 7 },
      { _id: 'b', balance: 5 },
    ]);
  });
});

describe('mongoose patterns that depend on MongoDB 4.4+/5.0+ semantics', () => {
  const lineSchema = new Schema({ sku: String, qty: Number }, { _id: false });
  const perkSchema = new Schema({ label: String, points: Number }, { _id: false });
  const cartSchema = new Schema({
    owner: String,
    lines: [lineSchema],
    perks: { type: Map, of: perkSchema },
    profile: { name: String, address: { city: String, zip: String } },
  });

  it('pulls a subdocument from an array of _id-less subdocuments (mongoose sends $pull with $or)', async () => {
    const Cart = connection.model('PullCart', cartSchema);
    const cart = await Cart.create({
      owner: 'ann',
      lines: [
        { sku: 'coffee', qty: 1 },
        { sku: 'cake', qty: 2 },
        { sku: 'tea', qty: 3 },
      ],
    });
    const cake = cart.lines.find((line) => line.sku === 'cake');
    expect(cake).toBeDefined();
    cart.lines.pull(cake);
    await cart.save();
    expect((await Cart.findById(cart._id).lean())?.lines).toEqual([
      { sku: 'coffee', qty: 1 },
      { sku: 'tea', qty: 3 },
    ]);
    await Cart.updateOne({ _id: cart._id }, { $pull: { lines: { qty: { $gte: 3 } } } });
    expect((await Cart.findById(cart._id).lean())?.lines).toEqual([{ sku: 'coffee', qty: 1 }]);
  });

  it('saves a Map of subdocuments and queries its entries by key', async () => {
    const Cart = connection.model('MapCart', cartSchema);
    const cart = new Cart({
      owner: 'bob',
      perks: new Map([
        ['welcome', { label: 'Welcome', points: 50 }],
        ['birthday', { label: 'Birthday', points: 5 }],
      ]),
    });
    await cart.save();
    cart.perks?.set('referral', { label: 'Referral', points: 1 });
    await cart.save();
    const stored = await Cart.findById(cart._id).lean();
    expect(stored?.perks).toEqual({
      welcome: { label: 'Welcome', points: 50 },
      birthday: { label: 'Birthday', points: 5 },
      referral: { label: 'Referral', points: 1 },
    });
    const reloaded = await Cart.findById(cart._id);
    expect(reloaded?.perks?.get('birthday')?.points).toBe(5);
    expect(await Cart.countDocuments({ 'perks.birthday.points': 5 })).toBe(1);
    expect(await Cart.countDocuments({ 'perks.valueOf': { $exists: true } })).toBe(0);
    reloaded?.perks?.delete('welcome');
    await reloaded?.save();
    expect(Object.keys((await Cart.findById(cart._id).lean())?.perks ?? {})).toEqual([
      'birthday',
      'referral',
    ]);
  });

  it('projects nested paths and returns only what was asked for', async () => {
    const Cart = connection.model('ProjectedCart', cartSchema);
    await Cart.create({ owner: 'cy', profile: { name: 'Cy', address: { city: 'Chisinau', zip: '2000' } } });
    const projected = await Cart.findOne({ owner: 'cy' }).select('profile.address.city -_id').lean();
    expect(projected).toEqual({ profile: { address: { city: 'Chisinau' } } });
    const none = await Cart.findOne({ owner: 'cy' }).select({ missing: 1, _id: 0 }).lean();
    expect(none).toEqual({});
    const aggregated = await Cart.aggregate([
      { $match: { owner: 'cy' } },
      { $project: { _id: 0, profile: { name: 1 } } },
    ]);
    expect(aggregated).toEqual([{ profile: { name: 'Cy' } }]);
  });

  it('$lookup + $first with $ifNull gives a default for members without a match', async () => {
    const Cart = connection.model('LookupCart', cartSchema);
    const Owner = connection.model('LookupOwner', new Schema({ handle: String, tier: String }));
    await Owner.create({ handle: 'dee', tier: 'gold' });
    await Cart.create([{ owner: 'dee' }, { owner: 'eve' }]);
    const rows = await Cart.aggregate<{ owner: string; tier: string }>([
      { $lookup: { from: Owner.collection.name, localField: 'owner', foreignField: 'handle', as: 'o' } },
      { $project: { _id: 0, owner: 1, tier: { $ifNull: [{ $first: '$o.tier' }, 'none'] } } },
      { $sort: { owner: 1 } },
    ]);
    expect(rows).toEqual([
      { owner: 'dee', tier: 'gold' },
      { owner: 'eve', tier: 'none' },
    ]);
  });
});
