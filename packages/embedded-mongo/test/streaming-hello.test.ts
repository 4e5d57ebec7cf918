import { deserialize, Long, ObjectId, type Document } from 'bson';
import { MongoClient, type ServerHeartbeatSucceededEvent } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedMongo } from '../src/index.js';
import { useEmbeddedServer } from './support/server-fixture.js';
import { opMsg, RawWireClient } from './support/raw-wire-client.js';

const fixture = useEmbeddedServer();

const MORE_TO_COME = 2;
const EXHAUST_ALLOWED = 1 << 16;

/** An awaitable hello as the driver's monitor sends it, optionally with the OP_MSG exhaustAllowed flag. */
function awaitableHello(options: {
  requestId: number;
  topologyVersion: Document;
  maxAwaitTimeMS: number;
  isExhaustAllowed: boolean;
}): Buffer {
  const frame = opMsg(
    {
      hello: 1,
      topologyVersion: options.topologyVersion,
      maxAwaitTimeMS: options.maxAwaitTimeMS,
      $db: 'admin',
    },
    options.requestId,
  );
  frame.writeUInt32LE(options.isExhaustAllowed ? EXHAUST_ALLOWED : 0, 16);
  return frame;
}

/** Header fields and body of one OP_MSG reply frame. */
function readReply(frame: Buffer | undefined): {
  requestId: number;
  responseTo: number;
  flags: number;
  body: Document;
} {
  if (frame === undefined) throw new Error('connection closed');
  return {
    requestId: frame.readInt32LE(4),
    responseTo: frame.readInt32LE(8),
    flags: frame.readUInt32LE(16),
    body: deserialize(frame.subarray(21)),
  };
}

async function currentTopologyVersion(client: RawWireClient): Promise<Document> {
  const reply = await client.command({ hello: 1, $db: 'admin' });
  return reply.topologyVersion as Document;
}

describe('streaming hello (SDAM streaming protocol)', () => {
  it('keeps the driver monitor streaming: no failed heartbeat, no pool clear, primary throughout', async () => {
    const client = new MongoClient(fixture.server.uri, { heartbeatFrequencyMS: 500 });
    const failedHeartbeats: unknown[] = [];
    const poolClears: unknown[] = [];
    const serverTypes: string[] = [];
    const awaitedHeartbeats: ServerHeartbeatSucceededEvent[] = [];
    client.on('serverHeartbeatFailed', (event) => failedHeartbeats.push(event.failure));
    client.on('connectionPoolCleared', (event) => poolClears.push(event));
    client.on('serverDescriptionChanged', (event) => serverTypes.push(event.newDescription.type));
    client.on('serverHeartbeatSucceeded', (event) => {
      if (event.awaited) awaitedHeartbeats.push(event);
    });
    try {
      await client.connect();
      const members = client.db(`stream_${process.pid}`).collection<{ n: number }>('members');
      const end = Date.now() + 3500;
      let n = 0;
      const worker = async (): Promise<void> => {
        while (Date.now() < end) {
          const session = client.startSession();
          try {
            await session.withTransaction(async () => {
              await members.insertOne({ n: n++ }, { session });
            });
          } finally {
            await session.endSession();
          }
          await members.findOne({ n: n - 1 });
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      expect(await members.countDocuments()).toBe(n);
    } finally {
      await client.close();
    }
    expect(failedHeartbeats).toEqual([]);
    expect(poolClears).toEqual([]);
    expect(serverTypes.length).toBeGreaterThan(0);
    expect(serverTypes.every((type) => type === 'RSPrimary')).toBe(true);
    expect(awaitedHeartbeats.length).toBeGreaterThan(1);
  });

  it('streams hello replies with moreToCome, each answering the previous reply', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    try {
      const topologyVersion = await currentTopologyVersion(client);
      const sentAt = Date.now();
      client.send(
        awaitableHello({ requestId: 41, topologyVersion, maxAwaitTimeMS: 200, isExhaustAllowed: true }),
      );
      const first = readReply(await client.nextFrame());
      expect(Date.now() - sentAt).toBeGreaterThanOrEqual(150);
      expect(first.responseTo).toBe(41);
      expect(first.flags & MORE_TO_COME).toBe(MORE_TO_COME);
      expect(first.body).toMatchObject({ isWritablePrimary: true, ok: 1 });
      let previous = first;
      for (let i = 0; i < 2; i++) {
        const next = readReply(await client.nextFrame());
        expect(next.responseTo).toBe(previous.requestId);
        expect(next.flags & MORE_TO_COME).toBe(MORE_TO_COME);
        expect(next.body).toMatchObject({ isWritablePrimary: true, topologyVersion, ok: 1 });
        previous = next;
      }
    } finally {
      client.close();
    }
  });

  it('answers at once when the client holds a different topologyVersion, then waits', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    try {
      const stale = { processId: new ObjectId(), counter: Long.ZERO };
      const sentAt = Date.now();
      client.send(
        awaitableHello({
          requestId: 5,
          topologyVersion: stale,
          maxAwaitTimeMS: 5000,
          isExhaustAllowed: true,
        }),
      );
      const first = readReply(await client.nextFrame(1000));
      expect(Date.now() - sentAt).toBeLessThan(1000);
      expect(first.flags & MORE_TO_COME).toBe(MORE_TO_COME);
      expect(first.body.topologyVersion).not.toEqual(stale);
      // The stream continues from the server's topologyVersion, so the next reply waits maxAwaitTimeMS.
      await expect(client.nextFrame(500)).rejects.toThrow('timed out');
    } finally {
      client.close();
    }
  });

  it('answers a polling awaitable hello (no exhaustAllowed) once, without moreToCome', async () => {
    const client = await RawWireClient.connect(fixture.server.port);
    try {
      const topologyVersion = await currentTopologyVersion(client);
      client.send(
        awaitableHello({ requestId: 9, topologyVersion, maxAwaitTimeMS: 100, isExhaustAllowed: false }),
      );
      const reply = readReply(await client.nextFrame());
      expect(reply.responseTo).toBe(9);
      expect(reply.flags & MORE_TO_COME).toBe(0);
      await expect(client.nextFrame(400)).rejects.toThrow('timed out');
      expect((await client.command({ ping: 1, $db: 'admin' })).ok).toBe(1);
    } finally {
      client.close();
    }
  });

  it('stops promptly while a hello stream is open', async () => {
    const server = await startEmbeddedMongo({ log: () => undefined });
    const client = await RawWireClient.connect(server.port);
    const topologyVersion = await currentTopologyVersion(client);
    client.send(
      awaitableHello({ requestId: 3, topologyVersion, maxAwaitTimeMS: 10_000, isExhaustAllowed: true }),
    );
    const stoppedAt = Date.now();
    await server.stop();
    expect(Date.now() - stoppedAt).toBeLessThan(1000);
    expect(await client.nextFrame()).toBeUndefined();
  });
});
