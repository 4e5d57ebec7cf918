import { deserialize, Binary, Long, UUID } from 'bson';
import { describe, expect, it } from 'vitest';
import type { AnyDoc } from './support/documents.js';
import { useEmbeddedServer } from './support/server-fixture.js';
import { opMsg, opQuery, RawWireClient } from './support/raw-wire-client.js';

const fixture = useEmbeddedServer();

async function serverStillAnswers(): Promise<void> {
  const client = await RawWireClient.connect(fixture.server.port);
  expect((await client.command({ ping: 1, $db: 'admin' })).ok).toBe(1);
  client.close();
}

describe('wire protocol edge cases and bad input', () => {
  it('answers a legacy OP_QUERY hello with OP_REPLY', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    client.send(opQuery('admin.$cmd', { isMaster: 1 }));
    const frame = await client.nextFrame();
    expect(frame?.readInt32LE(12)).toBe(1); // OP_REPLY
    expect(frame?.readInt32LE(8)).toBe(7); // responseTo
    const reply = deserialize((frame as Buffer).subarray(36));
    expect(reply).toMatchObject({ ismaster: true, setName: 'rs0', ok: 1 });
    client.close();
  });

  it('accepts OP_MSG document sequences', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const body = Buffer.from(new Uint8Array([...opMsg({ insert: 'seq', $db: 'raw' })]));
    const docs = [{ _id: 1 }, { _id: 2 }].map((d) => Buffer.from(serializeDoc(d)));
    const identifier = Buffer.from('documents\0');
    const sectionSize = 4 + identifier.length + docs.reduce((n, d) => n + d.length, 0);
    const section = Buffer.concat([Buffer.from([1]), int32(sectionSize), identifier, ...docs]);
    const frame = Buffer.concat([body, section]);
    frame.writeInt32LE(frame.length, 0);
    client.send(frame);
    const reply = deserialize(((await client.nextFrame()) as Buffer).subarray(21));
    expect(reply).toMatchObject({ n: 2, ok: 1 });
    client.close();
  });

  it('closes the connection on an impossible message length and keeps serving others', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const garbage = Buffer.alloc(16);
    garbage.writeInt32LE(3, 0);
    client.send(garbage);
    expect(await client.nextFrame()).toBeUndefined();
    await serverStillAnswers();
  });

  it('closes the connection on an unknown opcode', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const frame = opMsg({ ping: 1, $db: 'admin' });
    frame.writeInt32LE(9999, 12);
    client.send(frame);
    expect(await client.nextFrame()).toBeUndefined();
    await serverStillAnswers();
  });

  it('answers corrupt BSON with InvalidBSON (22)', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const bogus = Buffer.from([40, 0, 0, 0, 0x02, 0x61, 0, 0xff, 0xff, 0xff, 0x7f, 0x62, 0]);
    client.send(opMsg(bogus));
    const reply = deserialize(((await client.nextFrame()) as Buffer).subarray(21));
    expect(reply).toMatchObject({ ok: 0, code: 22, codeName: 'InvalidBSON' });
    await serverStillAnswers();
    client.close();
  });

  it('rejects a document over 16 MiB with BSONObjectTooLarge (10334)', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const big = { _id: 1, blob: new Binary(Buffer.alloc(16 * 1024 * 1024 + 10)) };
    const reply = await client.command({ insert: 'big', documents: [big], $db: 'raw' });
    expect(reply.n).toBe(0);
    expect(reply.writeErrors[0]).toMatchObject({ code: 10334 });
    expect(reply.writeErrors[0].errmsg).toMatch(/too large/);
    client.close();
  });

  it('rejects a top-level $-prefixed field in a replacement (52) and an array _id (53) through the driver', async () => {
    const items = fixture.db().collection<AnyDoc>('items');
    await expect(items.replaceOne({ _id: 1 }, { ok: 1, $set: 1 }, { upsert: true })).rejects.toMatchObject({
      code: 52,
    });
    // @ts-expect-error -- an array _id is invalid on purpose: the server must reject it (53).
    await expect(items.insertOne({ _id: [1, 2] })).rejects.toMatchObject({ code: 53 });
    expect(await items.countDocuments()).toBe(0);
  });

  it('answers unknown commands and malformed arguments with errors, not crashes', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    expect(await client.command({ frobnicate: 1, $db: 'admin' })).toMatchObject({ ok: 0, code: 59 });
    expect(await client.command({ insert: 'x', documents: 'nope', $db: 'raw' })).toMatchObject({
      ok: 0,
      code: 14,
    });
    expect(await client.command({ find: 'x', filter: { a: { $bogus: 1 } }, $db: 'raw' })).toMatchObject({
      ok: 0,
      code: 2,
    });
    expect(
      await client.command({ update: 'x', updates: [{ q: {}, u: { $frob: { a: 1 } } }], $db: 'raw' }),
    ).toMatchObject({ ok: 1, writeErrors: [{ code: 9 }] });
    expect(
      await client.command({ getMore: Long.fromNumber(12345), collection: 'x', $db: 'raw' }),
    ).toMatchObject({ ok: 0, code: 43 });
    client.close();
  });

  it('de-duplicates retryable writes by (lsid, txnNumber)', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    const lsid = { id: new UUID() };
    const insert = {
      insert: 'retry',
      documents: [{ _id: 1, n: 0 }],
      lsid,
      txnNumber: Long.fromNumber(1),
      $db: 'raw',
    };
    expect(await client.command(insert)).toMatchObject({ n: 1, ok: 1 });
    const retried = await client.command(insert);
    expect(retried).toMatchObject({ n: 1, ok: 1 });
    expect(retried.writeErrors).toBeUndefined();
    const increment = {
      update: 'retry',
      updates: [{ q: { _id: 1 }, u: { $inc: { n: 1 } } }],
      lsid,
      txnNumber: Long.fromNumber(2),
      $db: 'raw',
    };
    await client.command(increment);
    await client.command(increment);
    const found = await client.command({ find: 'retry', filter: {}, $db: 'raw' });
    expect(found.cursor.firstBatch).toEqual([{ _id: 1, n: 1 }]);
    expect(await client.command({ ...increment, txnNumber: Long.fromNumber(1) })).toMatchObject({
      ok: 0,
      code: 225,
    });
    client.close();
  });
});

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
}

function serializeDoc(doc: Record<string, unknown>): Uint8Array {
  return opMsg(doc).subarray(21);
}
