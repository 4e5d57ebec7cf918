import mongoose from 'mongoose';
import { withDeadline } from './deadline.js';

/**
 * How long a request waits for an unreachable MongoDB before it answers 503 SERVICE_UNAVAILABLE: the
 * driver's server selection and mongoose's command buffering both give up after this.
 */
export const MONGO_UNAVAILABLE_AFTER_MS = 1000;

/** Connects the default mongoose connection; every model in the app uses it. */
export async function connectMongo(
  uri: string,
  dbName: string,
  options: { waitMs?: number } = {},
): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  mongoose.set('bufferTimeoutMS', MONGO_UNAVAILABLE_AFTER_MS);
  // Each attempt gives up quickly (so that requests do later too); the boot keeps trying for waitMs.
  const giveUpAt = Date.now() + (options.waitMs ?? 15_000);
  for (;;) {
    try {
      await mongoose.connect(uri, {
        dbName,
        serverSelectionTimeoutMS: MONGO_UNAVAILABLE_AFTER_MS,
        autoIndex: true,
      });
      break;
    } catch (error) {
      if (!isMongoUnreachable(error) || Date.now() >= giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  // Indexes (unique keys, TTLs) must exist before the first request relies on them.
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  const hello = await mongoose.connection.db?.admin().command({ hello: 1 });
  wireVersion = Number(hello?.maxWireVersion ?? 0);
  return mongoose;
}

let wireVersion = 0;

/** The server's `maxWireVersion` as it answered at connection (25 = MongoDB 8.0); 0 before that. */
export function serverWireVersion(): number {
  return wireVersion;
}

const UNREACHABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);

/**
 * Whether an error means MongoDB could not be reached (down, restarting, network gone), as opposed to a
 * refusal of the operation: the driver's connection errors, and mongoose giving up on a command it
 * buffered while disconnected.
 */
export function isMongoUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (UNREACHABLE_ERRORS.has(error.name)) return true;
  return error.name === 'MongooseError' && /buffering timed out/.test(error.message);
}

export async function pingMongo(timeoutMs = 1000): Promise<boolean> {
  const db = mongoose.connection.db;
  if (mongoose.connection.readyState !== 1 || !db) return false;
  try {
    await withDeadline(db.admin().ping(), timeoutMs);
    return true;
  } catch {
    return false;
  }
}

/**
 * A model's collection typed with its document, for hot paths that skip mongoose's casting, query
 * building and hydration. Only for fully typed documents that need no schema defaults or timestamps.
 * Once connected it is the driver's own collection: mongoose's wrapper around it (command buffering
 * while disconnected, debug hooks) costs a few microseconds per call on paths that run hundreds of times
 * a second.
 */
export function nativeCollection<T extends mongoose.mongo.Document>(model: {
  collection: mongoose.Collection;
}): mongoose.mongo.Collection<T> {
  // mongoose keeps the driver's collection in `collection` once the connection is open; before that,
  // its wrapper (which queues the call until the connection opens) has the same interface.
  const driver = (model.collection as unknown as { collection: mongoose.mongo.Collection<T> | null })
    .collection;
  return driver ?? (model.collection as unknown as mongoose.mongo.Collection<T>);
}
