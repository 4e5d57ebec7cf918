import mongoose from 'mongoose';
import { withDeadline } from './deadline.js';

/** Connects the default mongoose connection; every model in the app uses it. */
export async function connectMongo(uri: string, dbName: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: true });
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
