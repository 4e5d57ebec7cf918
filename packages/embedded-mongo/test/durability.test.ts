import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type ObjectId } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../src/index.js';
import { encodeRecord } from '../src/persistence.js';
import { spawnCli, waitForExit } from './support/cli-process.js';

const directories: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-'));
  directories.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of directories.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
const quiet = { log: () => undefined };

/** Numeric `_id`s, except where a test inserts a bare document to hit a unique index (the driver then adds an ObjectId). */
interface Member {
  _id?: number | ObjectId;
  email: string;
  points?: number;
}
interface Item {
  _id?: number | ObjectId;
  code: string;
}
interface WrittenDoc {
  _id: number;
  counter?: number;
  size?: number;
  payload?: string;
  nested?: { id: number; list: number[] };
}

describe('durability with dbPath', () => {
  it('keeps data, indexes and unique constraints across a restart and compacts at startup', async () => {
    const dbPath = tempDir();
    let server = await startEmbeddedMongo({ ...quiet, dbPath });
    let client = await MongoClient.connect(server.uri);
    const members = () => client.db('app').collection<Member>('members');
    await members().createIndex({ email: 1 }, { unique: true });
    await members().insertMany(
      Array.from({ length: 50 }, (_, i) => ({ _id: i, email: `m${i}@x`, points: i })),
    );
    await members().updateOne({ _id: 3 }, { $inc: { points: 100 } });
    await members().deleteOne({ _id: 4 });
    await client.db('app').collection('gone').insertOne({ a: 1 });
    await client.db('app').collection('gone').drop();
    await client.close();
    await server.stop();

    server = await startEmbeddedMongo({ ...quiet, dbPath });
    client = await MongoClient.connect(server.uri);
    expect(await members().countDocuments()).toBe(49);
    expect(await members().findOne({ _id: 3 })).toEqual({ _id: 3, email: 'm3@x', points: 103 });
    expect((await client.db('app').listCollections().toArray()).map((c) => c.name)).toEqual(['members']);
    await expect(members().insertOne({ email: 'm1@x' })).rejects.toMatchObject({ code: 11000 });
    expect(fs.existsSync(path.join(dbPath, 'snapshot.bson'))).toBe(true);
    expect(fs.existsSync(path.join(dbPath, 'journal-0.bson'))).toBe(false);
    await client.close();
    await server.stop();
  });

  it('ignores a torn last journal record', async () => {
    const dbPath = tempDir();
    const server = await startEmbeddedMongo({ ...quiet, dbPath });
    const client = await MongoClient.connect(server.uri);
    await client
      .db('app')
      .collection<{ _id: number }>('c')
      .insertMany([{ _id: 1 }, { _id: 2 }]);
    await client.close();
    await server.stop();
    const journal = fs.readdirSync(dbPath).find((f) => f.startsWith('journal-'));
    expect(journal).toBeDefined();
    // A record header promising 1000 bytes followed by only a few: what a crash mid-write leaves.
    const torn = Buffer.alloc(20);
    torn.writeUInt32LE(1000, 0);
    fs.appendFileSync(path.join(dbPath, journal as string), torn);
    const lines: string[] = [];
    const restarted = await startEmbeddedMongo({ dbPath, log: (line) => lines.push(line) });
    const again = await MongoClient.connect(restarted.uri);
    expect(await again.db('app').collection('c').countDocuments()).toBe(2);
    expect(lines.some((line) => line.includes('torn record'))).toBe(true);
    await again.close();
    await restarted.stop();
  });

  it('compacts in the background past the journal threshold, keeps answering, and loses nothing', async () => {
    const dbPath = tempDir();
    const lines: string[] = [];
    let server = await startEmbeddedMongo({
      dbPath,
      compactThresholdBytes: 20_000,
      log: (line) => lines.push(line),
    });
    let client = await MongoClient.connect(server.uri);
    const items = () => client.db('app').collection<Item>('items');
    await items().createIndex({ code: 1 }, { unique: true });
    // Each insert is one journal record of ~100 bytes: several compactions happen along the way,
    // while reads and writes go on.
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          items().insertOne({ _id: batch * 25 + i, code: `c${batch * 25 + i}` }),
        ),
      );
      expect(await items().countDocuments()).toBe((batch + 1) * 25);
    }
    await items().updateOne({ _id: 7 }, { $set: { code: 'seven' } });
    await client.close();
    await server.stop();
    expect(
      lines.filter((line) => line.includes('compacted into snapshot generation')).length,
    ).toBeGreaterThan(1);
    // Only the journal of the current generation is left beside the snapshot.
    expect(fs.readdirSync(dbPath).filter((f) => f.startsWith('journal-'))).toHaveLength(1);

    server = await startEmbeddedMongo({ ...quiet, dbPath });
    client = await MongoClient.connect(server.uri);
    expect(await items().countDocuments()).toBe(500);
    expect(await items().findOne({ _id: 7 })).toEqual({ _id: 7, code: 'seven' });
    await expect(items().insertOne({ code: 'c8' })).rejects.toMatchObject({ code: 11000 });
    await client.close();
    await server.stop();
  });

  it('recovers from the old snapshot and every later journal when a compaction was interrupted', async () => {
    const dbPath = tempDir();
    // What a crash leaves after a background compaction switched to journal 1 but before its snapshot
    // (generation 1) was renamed into place: the generation-0 snapshot and journals 0 and 1.
    fs.writeFileSync(
      path.join(dbPath, 'snapshot.bson'),
      Buffer.concat([
        encodeRecord({ generation: 0 }),
        encodeRecord({
          ops: [
            { op: 'create', ns: 'app.c', options: {} },
            { op: 'put', ns: 'app.c', doc: { _id: 1, v: 'snapshot' } },
          ],
        }),
      ]),
    );
    fs.writeFileSync(
      path.join(dbPath, 'journal-0.bson'),
      encodeRecord({ ops: [{ op: 'put', ns: 'app.c', doc: { _id: 2, v: 'journal 0' } }] }),
    );
    fs.writeFileSync(
      path.join(dbPath, 'journal-1.bson'),
      encodeRecord({
        ops: [
          { op: 'put', ns: 'app.c', doc: { _id: 1, v: 'journal 1' } },
          { op: 'put', ns: 'app.c', doc: { _id: 3, v: 'journal 1' } },
        ],
      }),
    );
    fs.writeFileSync(path.join(dbPath, 'snapshot.bson.tmp'), Buffer.from('half a snapshot'));
    const server = await startEmbeddedMongo({ ...quiet, dbPath });
    const client = await MongoClient.connect(server.uri);
    expect(await client.db('app').collection('c').find().sort({ _id: 1 }).toArray()).toEqual([
      { _id: 1, v: 'journal 1' },
      { _id: 2, v: 'journal 0' },
      { _id: 3, v: 'journal 1' },
    ]);
    await client.close();
    await server.stop();
    expect(fs.readdirSync(dbPath).sort()).toEqual(['journal-2.bson', 'snapshot.bson']);
  });

  it('refuses a second server on the same directory with a clear error', async () => {
    const dbPath = tempDir();
    const server = await startEmbeddedMongo({ ...quiet, dbPath });
    await expect(startEmbeddedMongo({ ...quiet, dbPath })).rejects.toThrow(/already in use/);
    await server.stop();
    const cli = await spawnCli(['--port', '0', '--dbpath', dbPath]);
    await expect(startEmbeddedMongo({ ...quiet, dbPath })).rejects.toThrow(
      new RegExp(`locked by running process ${String(cli.child.pid)}`),
    );
    cli.child.kill('SIGTERM');
    const exit = await waitForExit(cli.child);
    expect(exit, cli.stderr()).toBe(0);
    expect(fs.existsSync(path.join(dbPath, 'mongod.lock'))).toBe(false);
  });

  it('keeps every acknowledged write after kill -9, and no half-written document', async () => {
    const dbPath = tempDir();
    const cli = await spawnCli(['--port', '0', '--dbpath', dbPath]);
    const client = await MongoClient.connect(cli.uri, { retryWrites: false, serverSelectionTimeoutMS: 2000 });
    const docs = client.db('app').collection<WrittenDoc>('docs');
    const acknowledged = new Set<number>();
    let acknowledgedIncrements = 0;
    let attemptedIncrements = 0;
    await docs.insertOne({ _id: -1, counter: 0 });
    let isRunning = true;
    const writer = async (worker: number): Promise<void> => {
      for (let i = 0; isRunning; i++) {
        const id = worker * 1_000_000 + i;
        const size = 10 + ((id * 7919) % 3000);
        try {
          await docs.insertOne({
            _id: id,
            size,
            payload: 'p'.repeat(size),
            nested: { id, list: [id, id + 1] },
          });
          acknowledged.add(id);
          attemptedIncrements++;
          await docs.updateOne({ _id: -1 }, { $inc: { counter: 1 } });
          acknowledgedIncrements++;
        } catch {
          return;
        }
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((resolve) => setTimeout(resolve, 700));
    cli.child.kill('SIGKILL');
    await waitForExit(cli.child);
    isRunning = false;
    await Promise.all(writers);
    await client.close(true);
    expect(acknowledged.size).toBeGreaterThan(50);

    const restarted = await spawnCli(['--port', '0', '--dbpath', dbPath]);
    const again = await MongoClient.connect(restarted.uri);
    const stored = await again
      .db('app')
      .collection<WrittenDoc>('docs')
      .find({ _id: { $gte: 0 } })
      .toArray();
    const storedIds = new Set(stored.map((d) => d._id));
    for (const id of acknowledged) expect(storedIds.has(id)).toBe(true);
    for (const doc of stored) {
      expect(doc.payload).toHaveLength(doc.size as number);
      expect(doc.nested).toEqual({ id: doc._id, list: [doc._id, doc._id + 1] });
    }
    const counter = (await again.db('app').collection<WrittenDoc>('docs').findOne({ _id: -1 }))
      ?.counter as number;
    expect(counter).toBeGreaterThanOrEqual(acknowledgedIncrements);
    expect(counter).toBeLessThanOrEqual(attemptedIncrements);
    await again.close();
    restarted.child.kill('SIGTERM');
    await waitForExit(restarted.child);
  });
});
