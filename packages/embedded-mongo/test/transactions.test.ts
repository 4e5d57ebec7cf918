import { describe, expect, it } from 'vitest';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

describe('transactions', () => {
  it('commits atomically; reads inside see their own writes, outside see nothing until commit', async () => {
    const accounts = fixture.db().collection<{ _id: string; balance?: number; note?: string }>('accounts');
    await accounts.insertMany([
      { _id: 'a', balance: 100 },
      { _id: 'b', balance: 0 },
    ]);
    const session = fixture.client.startSession();
    try {
      session.startTransaction();
      await accounts.updateOne({ _id: 'a' }, { $inc: { balance: -30 } }, { session });
      await accounts.updateOne({ _id: 'b' }, { $inc: { balance: 30 } }, { session });
      await accounts.insertOne({ _id: 'log', note: 'transfer' }, { session });
      expect(await accounts.findOne({ _id: 'a' }, { session })).toEqual({ _id: 'a', balance: 70 });
      expect(await accounts.countDocuments({}, { session })).toBe(3);
      expect(await accounts.findOne({ _id: 'a' })).toEqual({ _id: 'a', balance: 100 });
      expect(await accounts.findOne({ _id: 'log' })).toBeNull();
      await session.commitTransaction();
    } finally {
      await session.endSession();
    }
    expect(await accounts.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'a', balance: 70 },
      { _id: 'b', balance: 30 },
      { _id: 'log', note: 'transfer' },
    ]);
  });

  it('discards everything on abort', async () => {
    const accounts = fixture.db().collection<{ _id: string; balance?: number }>('accounts');
    await accounts.insertOne({ _id: 'a', balance: 100 });
    const session = fixture.client.startSession();
    session.startTransaction();
    await accounts.updateOne({ _id: 'a' }, { $set: { balance: 0 } }, { session });
    await accounts.insertOne({ _id: 'b' }, { session });
    await session.abortTransaction();
    await session.endSession();
    expect(await accounts.find().toArray()).toEqual([{ _id: 'a', balance: 100 }]);
  });

  it('reads from a snapshot: commits by others after the first read are invisible', async () => {
    const accounts = fixture.db().collection<{ _id: string; v: number }>('accounts');
    await accounts.insertMany([
      { _id: 'a', v: 1 },
      { _id: 'b', v: 1 },
    ]);
    const session = fixture.client.startSession();
    session.startTransaction();
    expect(await accounts.findOne({ _id: 'a' }, { session })).toEqual({ _id: 'a', v: 1 });
    await accounts.updateOne({ _id: 'b' }, { $set: { v: 2 } });
    await accounts.insertOne({ _id: 'c', v: 1 });
    await accounts.deleteOne({ _id: 'a' });
    expect(await accounts.find({}, { session, sort: { _id: 1 } }).toArray()).toEqual([
      { _id: 'a', v: 1 },
      { _id: 'b', v: 1 },
    ]);
    await session.commitTransaction();
    await session.endSession();
  });

  it('reports a write conflict with TransientTransactionError and withTransaction retries', async () => {
    const counters = fixture.db().collection<{ _id: string; n: number }>('counters');
    await counters.insertOne({ _id: 'c', n: 0 });
    const first = fixture.client.startSession();
    first.startTransaction();
    await counters.updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session: first });
    const second = fixture.client.startSession();
    second.startTransaction();
    const conflict = await counters
      .updateOne({ _id: 'c' }, { $inc: { n: 1 } }, { session: second })
      .catch((e: unknown) => e);
    expect(conflict).toMatchObject({ code: 112, codeName: 'WriteConflict' });
    expect(
      (conflict as { hasErrorLabel(label: string): boolean }).hasErrorLabel('TransientTransactionError'),
    ).toBe(true);
    await second.abortTransaction().catch(() => undefined);
    await first.commitTransaction();

    let attempts = 0;
    const retrying = fixture.client.startSession();
    await retrying.withTransaction(async () => {
      attempts++;
      const doc = await counters.findOne({ _id: 'c' }, { session: retrying });
      if (attempts === 1) await counters.updateOne({ _id: 'c' }, { $inc: { n: 100 } }); // a concurrent writer commits
      await counters.updateOne({ _id: 'c' }, { $set: { n: (doc?.n as number) + 1 } }, { session: retrying });
    });
    expect(attempts).toBe(2);
    expect(await counters.findOne({ _id: 'c' })).toEqual({ _id: 'c', n: 102 });
    await Promise.all([first.endSession(), second.endSession(), retrying.endSession()]);
  });

  it('rejects a duplicate key inside a transaction and aborts it', async () => {
    const users = fixture.db().collection('users');
    await users.createIndex({ email: 1 }, { unique: true });
    await users.insertOne({ email: 'a' });
    const session = fixture.client.startSession();
    session.startTransaction();
    await users.insertOne({ email: 'b' }, { session });
    await expect(users.insertOne({ email: 'b' }, { session })).rejects.toMatchObject({ code: 11000 });
    await expect(session.commitTransaction()).rejects.toMatchObject({ code: 251 });
    await session.endSession();
    expect(await users.countDocuments()).toBe(1);
  });
});
