import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Binary, Long, type Document as BsonDocument } from 'bson';
import {
  MongoClient,
  MongoClientBulkWriteError,
  MongoServerError,
  type AnyClientBulkWriteModel,
  type CommandStartedEvent,
  type Db,
  type Document,
} from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, waitForExit } from './support/cli-process.js';
import type { AnyDoc } from './support/documents.js';
import { RawWireClient } from './support/raw-wire-client.js';
import { useEmbeddedServer } from './support/server-fixture.js';

const fixture = useEmbeddedServer();

const directories: string[] = [];
afterEach(() => {
  for (const dir of directories.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** `db.collection` as a bulkWrite namespace. */
const ns = (db: Db, collection: string): string => `${db.databaseName}.${collection}`;

/** The four writes of one accrual (lot, member, ledger entry, purchase), as the backend sends them. */
function accrualModels(db: Db, options: { member: string; points: number; purchase: string }) {
  const { member, points, purchase } = options;
  return [
    { name: 'insertOne', namespace: ns(db, 'lots'), document: { _id: `lot-${purchase}`, member, points } },
    {
      name: 'updateOne',
      namespace: ns(db, 'members'),
      filter: { _id: member },
      update: { $inc: { points } },
    },
    {
      name: 'insertOne',
      namespace: ns(db, 'ledger'),
      document: { _id: `entry-${purchase}`, member, points },
    },
    { name: 'insertOne', namespace: ns(db, 'purchases'), document: { _id: purchase, member } },
  ] satisfies AnyClientBulkWriteModel<AnyDoc>[];
}

async function accrualState(db: Db, purchase: string) {
  return {
    lot: await db.collection<AnyDoc>('lots').findOne({ _id: `lot-${purchase}` }),
    member: await db.collection<AnyDoc>('members').findOne({ _id: 'm1' }),
    entry: await db.collection<AnyDoc>('ledger').findOne({ _id: `entry-${purchase}` }),
    purchase: await db.collection<AnyDoc>('purchases').findOne({ _id: purchase }),
  };
}

async function seedMember(db: Db): Promise<void> {
  await db.collection<AnyDoc>('members').insertOne({ _id: 'm1', points: 100 });
}

function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (error: unknown) => error,
  );
}

describe('bulkWrite (client-level, MongoDB 8.0)', () => {
  it('applies inserts, updates and deletes across three collections in two databases, with counts and verbose results', async () => {
    const shop = fixture.db();
    const ledger = fixture.db();
    await shop.collection<AnyDoc>('members').insertMany([
      { _id: 'a', points: 10, tier: 'silver' },
      { _id: 'b', points: 5, tier: 'silver' },
      { _id: 'c', points: 0, tier: 'gold' },
    ]);
    await ledger.collection<AnyDoc>('entries').insertMany([
      { _id: 1, kind: 'old' },
      { _id: 2, kind: 'old' },
      { _id: 3, kind: 'keep' },
    ]);
    const members = ns(shop, 'members');
    const purchases = ns(shop, 'purchases');
    const entries = ns(ledger, 'entries');

    const result = await fixture.client.bulkWrite<AnyDoc>(
      [
        { name: 'insertOne', namespace: purchases, document: { _id: 'p1', member: 'a', amount: 42 } },
        { name: 'updateOne', namespace: members, filter: { _id: 'a' }, update: { $inc: { points: 42 } } },
        {
          name: 'updateOne',
          namespace: members,
          filter: { _id: 'z' },
          update: { $set: { points: 0 } },
          upsert: true,
        },
        {
          name: 'updateMany',
          namespace: members,
          filter: { tier: 'silver' },
          update: { $set: { tier: 'gold' } },
        },
        {
          name: 'updateMany',
          namespace: members,
          filter: { tier: 'gold' },
          update: { $set: { tier: 'gold' } },
        },
        {
          name: 'replaceOne',
          namespace: purchases,
          filter: { _id: 'p1' },
          replacement: { member: 'a', amount: 40 },
        },
        { name: 'insertOne', namespace: entries, document: { _id: 4, kind: 'accrual' } },
        { name: 'deleteOne', namespace: entries, filter: { kind: 'old' } },
        { name: 'deleteMany', namespace: entries, filter: { kind: { $in: ['old'] } } },
        { name: 'updateOne', namespace: entries, filter: { _id: 4 }, update: [{ $set: { kind: 'posted' } }] },
        {
          name: 'updateOne',
          namespace: members,
          filter: { tier: 'gold' },
          sort: { points: -1 },
          update: { $set: { isTop: true } },
        },
      ],
      { verboseResults: true },
    );

    expect(result).toMatchObject({
      acknowledged: true,
      insertedCount: 2,
      upsertedCount: 1,
      matchedCount: 9,
      modifiedCount: 6,
      deletedCount: 2,
    });
    expect(result.insertResults).toEqual(
      new Map([
        [0, { insertedId: 'p1' }],
        [6, { insertedId: 4 }],
      ]),
    );
    expect(result.updateResults).toEqual(
      new Map([
        [1, { matchedCount: 1, modifiedCount: 1, didUpsert: false }],
        [2, { matchedCount: 1, modifiedCount: 0, didUpsert: true, upsertedId: 'z' }],
        [3, { matchedCount: 2, modifiedCount: 2, didUpsert: false }],
        [4, { matchedCount: 3, modifiedCount: 0, didUpsert: false }],
        [5, { matchedCount: 1, modifiedCount: 1, didUpsert: false }],
        [9, { matchedCount: 1, modifiedCount: 1, didUpsert: false }],
        [10, { matchedCount: 1, modifiedCount: 1, didUpsert: false }],
      ]),
    );
    expect(result.deleteResults).toEqual(
      new Map([
        [7, { deletedCount: 1 }],
        [8, { deletedCount: 1 }],
      ]),
    );
    expect(
      await shop
        .collection('members')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 'a', points: 52, tier: 'gold', isTop: true },
      { _id: 'b', points: 5, tier: 'gold' },
      { _id: 'c', points: 0, tier: 'gold' },
      { _id: 'z', points: 0 },
    ]);
    expect(await shop.collection('purchases').find().toArray()).toEqual([
      { _id: 'p1', member: 'a', amount: 40 },
    ]);
    expect(
      await ledger
        .collection('entries')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([
      { _id: 3, kind: 'keep' },
      { _id: 4, kind: 'posted' },
    ]);
  });

  it('returns only the counts by default (errorsOnly) and sends the whole batch in one command', async () => {
    const db = fixture.db();
    await seedMember(db);
    const commands: CommandStartedEvent[] = [];
    const client = new MongoClient(fixture.server.uri, { monitorCommands: true });
    client.on('commandStarted', (event) => commands.push(event));
    try {
      const result = await client.bulkWrite<AnyDoc>(
        accrualModels(db, { member: 'm1', points: 25, purchase: 'p1' }),
      );
      expect(result).toMatchObject({ insertedCount: 3, matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
      expect(result.insertResults).toBeUndefined();
      const bulkWrites = commands.filter((event) => event.commandName === 'bulkWrite');
      expect(bulkWrites).toHaveLength(1);
      expect(bulkWrites[0]?.databaseName).toBe('admin');
      expect(bulkWrites[0]?.command).toMatchObject({ bulkWrite: 1, errorsOnly: true, ordered: true });
    } finally {
      await client.close();
    }
    expect(await accrualState(db, 'p1')).toEqual({
      lot: { _id: 'lot-p1', member: 'm1', points: 25 },
      member: { _id: 'm1', points: 125 },
      entry: { _id: 'entry-p1', member: 'm1', points: 25 },
      purchase: { _id: 'p1', member: 'm1' },
    });
  });

  it('answers a raw command with arrays in the body in MongoDB 8.0 reply shape, errors with their key', async () => {
    const db = fixture.db();
    await db.collection<AnyDoc>('c').insertOne({ _id: 1 });
    const admin = fixture.client.db('admin');
    const command = (errorsOnly: boolean): Document => ({
      bulkWrite: 1,
      errorsOnly,
      ordered: false,
      ops: [
        { insert: 0, document: { _id: 2 } },
        { insert: 0, document: { _id: 1 } },
        { update: 0, filter: { _id: 2 }, updateMods: { $set: { x: 1 } }, multi: false },
        { update: 0, filter: { _id: 9 }, updateMods: { $set: { x: 1 } }, upsert: true },
        { delete: 0, filter: { _id: 2 }, multi: false },
      ],
      nsInfo: [{ ns: ns(db, 'c') }],
    });
    const verbose = await admin.command(command(false));
    const duplicate = {
      ok: 0,
      idx: 1,
      code: 11000,
      codeName: 'DuplicateKey',
      errmsg: expect.stringContaining('E11000 duplicate key error') as unknown,
      keyPattern: { _id: 1 },
      keyValue: { _id: 1 },
      n: 0,
    };
    expect(verbose).toMatchObject({
      ok: 1,
      cursor: {
        id: 0,
        ns: 'admin.$cmd.bulkWrite',
        firstBatch: [
          { ok: 1, idx: 0, n: 1 },
          duplicate,
          { ok: 1, idx: 2, n: 1, nModified: 1 },
          { ok: 1, idx: 3, n: 1, nModified: 0, upserted: { _id: 9 } },
          { ok: 1, idx: 4, n: 1 },
        ],
      },
      nErrors: 1,
      nInserted: 1,
      nUpserted: 1,
      nMatched: 1,
      nModified: 1,
      nDeleted: 1,
    });

    await db.collection<AnyDoc>('c').deleteMany({ _id: { $ne: 1 } });
    const errorsOnly = await admin.command(command(true));
    expect((errorsOnly.cursor as Document).firstBatch).toEqual([duplicate]);
    expect(errorsOnly).toMatchObject({ nErrors: 1, nInserted: 1, nUpserted: 1, nMatched: 1, nDeleted: 1 });
  });

  it('stops at the first error when ordered: MongoClientBulkWriteError with writeErrors and partialResult', async () => {
    const db = fixture.db();
    const error = await rejection(
      fixture.client.bulkWrite<AnyDoc>([
        { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 1 } },
        { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 1 } },
        { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 2 } },
      ]),
    );
    expect(error).toBeInstanceOf(MongoClientBulkWriteError);
    const bulkError = error as MongoClientBulkWriteError;
    expect([...bulkError.writeErrors.keys()]).toEqual([1]);
    expect(bulkError.writeErrors.get(1)).toMatchObject({
      code: 11000,
      message: expect.stringContaining('E11000'),
    });
    expect(bulkError.partialResult).toMatchObject({ insertedCount: 1 });
    expect(await db.collection('c').find().toArray()).toEqual([{ _id: 1 }]);
  });

  it('carries on after an error when unordered and reports every error', async () => {
    const db = fixture.db();
    const error = await rejection(
      fixture.client.bulkWrite<AnyDoc>(
        [
          { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 1 } },
          { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 1 } },
          { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 2 } },
          { name: 'insertOne', namespace: ns(db, 'c'), document: { _id: 2 } },
          { name: 'updateOne', namespace: ns(db, 'c'), filter: { _id: 2 }, update: { $set: { x: 1 } } },
        ],
        { ordered: false },
      ),
    );
    expect(error).toBeInstanceOf(MongoClientBulkWriteError);
    const bulkError = error as MongoClientBulkWriteError;
    expect([...bulkError.writeErrors.keys()]).toEqual([1, 3]);
    expect(bulkError.writeErrors.get(3)?.code).toBe(11000);
    expect(bulkError.partialResult).toMatchObject({ insertedCount: 2, matchedCount: 1, modifiedCount: 1 });
    expect(
      await db
        .collection('c')
        .find({}, { sort: { _id: 1 } })
        .toArray(),
    ).toEqual([{ _id: 1 }, { _id: 2, x: 1 }]);
  });

  it('rejects malformed or unsupported commands before writing anything', async () => {
    const db = fixture.db();
    const valid = { insert: 0, document: { _id: 1 } };
    const nsInfo = [{ ns: ns(db, 'c') }];
    await expect(
      fixture.client.db('admin').command({ bulkWrite: 1, ops: [valid, { insert: 1, document: {} }], nsInfo }),
    ).rejects.toMatchObject({ code: 2, codeName: 'BadValue' });
    await expect(fixture.client.db('admin').command({ bulkWrite: 1, ops: [], nsInfo })).rejects.toMatchObject(
      {
        code: 16,
      },
    );
    await expect(
      fixture.client.db('admin').command({ bulkWrite: 1, ops: [valid], nsInfo: [{ ns: 'no-collection' }] }),
    ).rejects.toMatchObject({ code: 73, codeName: 'InvalidNamespace' });
    await expect(db.command({ bulkWrite: 1, ops: [valid], nsInfo })).rejects.toMatchObject({
      code: 13,
      codeName: 'Unauthorized',
    });
    await expect(
      fixture.client.db('admin').command({ bulkWrite: 1, ops: [valid, { update: 0, filter: {} }], nsInfo }),
    ).rejects.toMatchObject({ code: 40414, errmsg: expect.stringContaining('updateMods') });
    const french = { delete: 0, filter: {}, multi: true, collation: { locale: 'fr' } };
    await expect(
      fixture.client.db('admin').command({ bulkWrite: 1, ops: [valid, french], nsInfo }),
    ).rejects.toMatchObject({ code: 238, errmsg: expect.stringContaining('collation not supported') });
    await expect(
      fixture.client.db('admin').command({ bulkWrite: 1, ops: [valid], nsInfo, let: { x: 1 } }),
    ).rejects.toMatchObject({ code: 238 });
    expect(await db.collection('c').countDocuments()).toBe(0);
  });
});

describe('bulkWrite in transactions', () => {
  it('commits an accrual atomically with withTransaction: nothing visible to others before the commit', async () => {
    const db = fixture.db();
    await seedMember(db);
    const session = fixture.client.startSession();
    try {
      await session.withTransaction(async () => {
        const result = await fixture.client.bulkWrite<AnyDoc>(
          accrualModels(db, { member: 'm1', points: 30, purchase: 'p1' }),
          { session },
        );
        expect(result).toMatchObject({ insertedCount: 3, matchedCount: 1, modifiedCount: 1 });
        // The transaction sees its own writes; another reader sees none of them yet.
        expect(await db.collection<AnyDoc>('members').findOne({ _id: 'm1' }, { session })).toEqual({
          _id: 'm1',
          points: 130,
        });
        expect(await accrualState(db, 'p1')).toEqual({
          lot: null,
          member: { _id: 'm1', points: 100 },
          entry: null,
          purchase: null,
        });
      });
    } finally {
      await session.endSession();
    }
    expect(await accrualState(db, 'p1')).toEqual({
      lot: { _id: 'lot-p1', member: 'm1', points: 30 },
      member: { _id: 'm1', points: 130 },
      entry: { _id: 'entry-p1', member: 'm1', points: 30 },
      purchase: { _id: 'p1', member: 'm1' },
    });
  });

  it('starts a transaction with bulkWrite as its first command and reads from that snapshot', async () => {
    const db = fixture.db();
    await seedMember(db);
    const commands: CommandStartedEvent[] = [];
    const client = new MongoClient(fixture.server.uri, { monitorCommands: true });
    client.on('commandStarted', (event) => commands.push(event));
    const session = client.startSession();
    try {
      session.startTransaction();
      await client.bulkWrite<AnyDoc>(accrualModels(db, { member: 'm1', points: 5, purchase: 'p1' }), {
        session,
      });
      await db.collection<AnyDoc>('purchases').insertOne({ _id: 'outside', member: 'm2' });
      const purchases = client.db(db.databaseName).collection<AnyDoc>('purchases');
      expect(await purchases.find({}, { session }).toArray()).toEqual([{ _id: 'p1', member: 'm1' }]);
      await session.commitTransaction();
    } finally {
      await session.endSession();
      await client.close();
    }
    const bulkWrite = commands.find((event) => event.commandName === 'bulkWrite');
    expect(bulkWrite?.command).toMatchObject({ startTransaction: true, autocommit: false });
    expect(bulkWrite?.command.txnNumber).toBeDefined();
    expect(await accrualState(db, 'p1')).toMatchObject({ member: { _id: 'm1', points: 105 } });
    expect(await db.collection('purchases').countDocuments()).toBe(2);
  });

  it('discards every write of the bulkWrite on abort', async () => {
    const db = fixture.db();
    await seedMember(db);
    const session = fixture.client.startSession();
    try {
      session.startTransaction();
      await fixture.client.bulkWrite<AnyDoc>(accrualModels(db, { member: 'm1', points: 5, purchase: 'p1' }), {
        session,
      });
      await session.abortTransaction();
    } finally {
      await session.endSession();
    }
    expect(await accrualState(db, 'p1')).toEqual({
      lot: null,
      member: { _id: 'm1', points: 100 },
      entry: null,
      purchase: null,
    });
  });

  it('reports a duplicate key as write error 11000 and aborts the transaction server-side', async () => {
    const db = fixture.db();
    await seedMember(db);
    await db.collection<AnyDoc>('purchases').insertOne({ _id: 'p1', member: 'm1' });
    const session = fixture.client.startSession();
    try {
      session.startTransaction();
      const error = await rejection(
        fixture.client.bulkWrite<AnyDoc>(accrualModels(db, { member: 'm1', points: 5, purchase: 'p1' }), {
          session,
        }),
      );
      expect(error).toBeInstanceOf(MongoClientBulkWriteError);
      expect((error as MongoClientBulkWriteError).writeErrors.get(3)).toMatchObject({ code: 11000 });
      await expect(session.commitTransaction()).rejects.toMatchObject({
        code: 251,
        codeName: 'NoSuchTransaction',
      });
    } finally {
      await session.endSession();
    }
    expect(await accrualState(db, 'p1')).toEqual({
      lot: null,
      member: { _id: 'm1', points: 100 },
      entry: null,
      purchase: { _id: 'p1', member: 'm1' },
    });
  });

  it('fails a conflicting bulkWrite with WriteConflict (112, TransientTransactionError) as the error cause', async () => {
    const db = fixture.db();
    await seedMember(db);
    const first = fixture.client.startSession();
    const second = fixture.client.startSession();
    try {
      first.startTransaction();
      second.startTransaction();
      await fixture.client.bulkWrite<AnyDoc>(accrualModels(db, { member: 'm1', points: 1, purchase: 'p1' }), {
        session: first,
      });
      const error = await rejection(
        fixture.client.bulkWrite<AnyDoc>(accrualModels(db, { member: 'm1', points: 2, purchase: 'p2' }), {
          session: second,
        }),
      );
      // The driver wraps command-level failures of bulkWrite; the label is on the cause.
      expect(error).toBeInstanceOf(MongoClientBulkWriteError);
      const cause = (error as MongoClientBulkWriteError).cause;
      expect(cause).toBeInstanceOf(MongoServerError);
      expect(cause).toMatchObject({ code: 112, codeName: 'WriteConflict' });
      expect((cause as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(true);
      await second.abortTransaction();
      await first.commitTransaction();
    } finally {
      await Promise.all([first.endSession(), second.endSession()]);
    }
    expect(await accrualState(db, 'p1')).toMatchObject({ member: { _id: 'm1', points: 101 } });
    expect(await accrualState(db, 'p2')).toMatchObject({ lot: null, purchase: null });
  });
});

describe('bulkWrite retryable writes', () => {
  /** A logical session id no driver session has used. */
  const newLsid = (): BsonDocument => ({
    id: new Binary(Buffer.from(randomUUID().replaceAll('-', ''), 'hex'), Binary.SUBTYPE_UUID),
  });

  /** A bulkWrite sent as the driver does (ops and nsInfo as OP_MSG document sequences), with an explicit lsid. */
  function retryableCommand(db: Db, lsid: BsonDocument, txnNumber: number) {
    return {
      body: {
        bulkWrite: 1,
        errorsOnly: false,
        ordered: true,
        lsid,
        txnNumber: Long.fromNumber(txnNumber),
        $db: 'admin',
      },
      sequences: {
        ops: [
          { insert: 0, document: { _id: `p${txnNumber}` } },
          { update: 1, filter: { _id: 'm1' }, updateMods: { $inc: { points: 10 } }, upsert: true },
        ],
        nsInfo: [{ ns: ns(db, 'purchases') }, { ns: ns(db, 'members') }],
      },
    };
  }

  it('applies a retried bulkWrite (same lsid and txnNumber) once and answers the retry like the first run', async () => {
    const db = fixture.db();
    const raw = await RawWireClient.connect(fixture.server.port);
    const lsid = newLsid();
    try {
      const { body, sequences } = retryableCommand(db, lsid, 1);
      const first = await raw.command(body, sequences);
      expect(first).toMatchObject({ ok: 1, nErrors: 0, nInserted: 1, nUpserted: 1 });
      const retry = await raw.command(body, sequences);
      expect(retry).toMatchObject({ ok: 1, nErrors: 0, nInserted: 1, nUpserted: 1 });
      expect((retry.cursor as Document).firstBatch).toEqual((first.cursor as Document).firstBatch);
      expect(await db.collection<AnyDoc>('members').findOne({ _id: 'm1' })).toEqual({
        _id: 'm1',
        points: 10,
      });
      expect(await db.collection('purchases').countDocuments()).toBe(1);

      const next = retryableCommand(db, lsid, 2);
      expect(await raw.command(next.body, next.sequences)).toMatchObject({
        ok: 1,
        nInserted: 1,
        nMatched: 1,
      });
      expect(await db.collection<AnyDoc>('members').findOne({ _id: 'm1' })).toEqual({
        _id: 'm1',
        points: 20,
      });
      const stale = retryableCommand(db, lsid, 1);
      expect(await raw.command(stale.body, stale.sequences)).toMatchObject({ ok: 0, code: 225 });
    } finally {
      raw.close();
    }
  });

  it('refuses multi-document operations in a retryable bulkWrite, as MongoDB does', async () => {
    const db = fixture.db();
    await db.collection<AnyDoc>('c').insertMany([{ _id: 1 }, { _id: 2 }]);
    const raw = await RawWireClient.connect(fixture.server.port);
    try {
      const reply = await raw.command({
        bulkWrite: 1,
        errorsOnly: true,
        ordered: true,
        ops: [{ delete: 0, filter: {}, multi: true }],
        nsInfo: [{ ns: ns(db, 'c') }],
        lsid: newLsid(),
        txnNumber: Long.fromNumber(1),
        $db: 'admin',
      });
      expect((reply.cursor as Document).firstBatch).toEqual([
        expect.objectContaining({ ok: 0, idx: 0, code: 72, codeName: 'InvalidOptions' }),
      ]);
    } finally {
      raw.close();
    }
    expect(await db.collection('c').countDocuments()).toBe(2);
  });
});

describe('bulkWrite durability', () => {
  it('keeps a committed bulkWrite transaction across kill -9 and a restart with --dbpath', async () => {
    const dbPath = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-bulk-'));
    directories.push(dbPath);
    const cli = await spawnCli(['--port', '0', '--dbpath', dbPath]);
    const client = await MongoClient.connect(cli.uri, { serverSelectionTimeoutMS: 2000 });
    const shop = client.db('shop');
    const ledger = client.db('ledger');
    await seedMember(shop);
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        await client.bulkWrite<AnyDoc>(
          [
            ...accrualModels(shop, { member: 'm1', points: 7, purchase: 'p1' }),
            { name: 'insertOne', namespace: ns(ledger, 'audit'), document: { _id: 'a1', purchase: 'p1' } },
          ],
          { session },
        );
      });
    } finally {
      await session.endSession();
    }
    cli.child.kill('SIGKILL');
    await waitForExit(cli.child);
    await client.close(true);

    const restarted = await spawnCli(['--port', '0', '--dbpath', dbPath]);
    const again = await MongoClient.connect(restarted.uri);
    try {
      expect(await accrualState(again.db('shop'), 'p1')).toEqual({
        lot: { _id: 'lot-p1', member: 'm1', points: 7 },
        member: { _id: 'm1', points: 107 },
        entry: { _id: 'entry-p1', member: 'm1', points: 7 },
        purchase: { _id: 'p1', member: 'm1' },
      });
      expect(await again.db('ledger').collection('audit').find().toArray()).toEqual([
        { _id: 'a1', purchase: 'p1' },
      ]);
    } finally {
      await again.close();
      restarted.child.kill('SIGTERM');
      await waitForExit(restarted.child);
    }
  });
});
