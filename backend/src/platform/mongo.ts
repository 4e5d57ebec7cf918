import mongoose from 'mongoose';
import { withDeadline } from './deadline.js';

/** Connects the default mongoose connection; every model in the app uses it. */
export async function connectMongo(uri: string, dbName: string): Promise<typeof mongoose> {
  mongoose.set('strictQuery', true);
  await mongoose.connect(uri, { dbName, serverSelectionTimeoutMS: 10_000, autoIndex: true });
  // Indexes (unique keys, TTLs) must exist before the first request relies on them.
  await Promise.all(Object.values(mongoose.models).map((model) => model.init()));
  return mongoose;
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
 */
export function nativeCollection<T extends mongoose.mongo.Document>(model: {
  collection: mongoose.Collection;
}): mongoose.mongo.Collection<T> {
  // mongoose's Collection is the driver's at runtime; its type only lacks the document parameter.
  return model.collection as unknown as mongoose.mongo.Collection<T>;
}
