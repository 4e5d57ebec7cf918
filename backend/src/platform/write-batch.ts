import mongoose, { type ClientSession } from 'mongoose';
import { nativeCollection, serverWireVersion } from './mongo.js';

type Target = { collection: mongoose.Collection };
type Doc = mongoose.mongo.Document;
type Op =
  | { kind: 'insert'; target: Target; document: Doc }
  | {
      kind: 'update';
      target: Target;
      filter: Doc;
      update: Doc;
      /** The update must match a document; when it does not, this error is thrown. */
      onMiss: (() => Error) | null;
      upsert: boolean;
    };

/** MongoDB 8.0 (wire version 25) has the client-level bulkWrite command, across collections. */
const CLIENT_BULK_WRITE_WIRE_VERSION = 25;
let forced: boolean | null = null;

/** Tests cover the one-command-per-write path (servers before 8.0) with `false`; `null` detects again. */
export function forceClientBulkWrite(value: boolean | null): void {
  forced = value;
}

const isClientBulkWriteEnabled = () => forced ?? serverWireVersion() >= CLIENT_BULK_WRITE_WIRE_VERSION;

/**
 * The writes of one transaction to several collections, queued and then sent together: one round trip
 * instead of one per write on the paths that run hundreds of times a second (an accrual writes a lot, a
 * ledger entry, the member and the purchase). Documents go to the driver as they are (no mongoose
 * casting), so they must be fully typed. Errors surface as the single-collection commands raise them:
 * a duplicate key is a MongoServerError with code 11000, a write conflict keeps its
 * TransientTransactionError label.
 */
export class WriteBatch {
  private readonly ops: Op[] = [];

  get size(): number {
    return this.ops.length;
  }

  insertOne<T extends Doc>(target: Target, document: T): this {
    this.ops.push({ kind: 'insert', target, document });
    return this;
  }

  /** `onMiss`: the filter is a guard (or names a document that must exist); no match throws its error. */
  updateOne(target: Target, filter: Doc, update: Doc, onMiss?: () => Error): this {
    this.ops.push({ kind: 'update', target, filter, update, onMiss: onMiss ?? null, upsert: false });
    return this;
  }

  /** An update that inserts the document when the filter matches none (a counter of its own, say). */
  upsertOne(target: Target, filter: Doc, update: Doc): this {
    this.ops.push({ kind: 'update', target, filter, update, onMiss: null, upsert: true });
    return this;
  }

  /** Sends the queued writes in order, in `session`, and empties the batch. */
  async flush(session: ClientSession): Promise<void> {
    const ops = this.ops.splice(0);
    if (ops.length === 0) return;
    if (isClientBulkWriteEnabled() && ops.length > 1) await sendTogether(ops, session);
    else await sendOneByOne(ops, session);
  }
}

async function sendOneByOne(ops: readonly Op[], session: ClientSession): Promise<void> {
  for (const op of ops) {
    const collection = nativeCollection<Doc>(op.target);
    if (op.kind === 'insert') {
      await collection.insertOne(op.document, { session });
      continue;
    }
    const result = await collection.updateOne(op.filter, op.update, { session, upsert: op.upsert });
    if (op.onMiss && result.matchedCount !== 1) throw op.onMiss();
  }
}

async function sendTogether(ops: readonly Op[], session: ClientSession): Promise<void> {
  const models: mongoose.mongo.AnyClientBulkWriteModel<Doc>[] = ops.map((op) => {
    const namespace = namespaceOf(op.target);
    return op.kind === 'insert'
      ? { name: 'insertOne', namespace, document: op.document }
      : { name: 'updateOne', namespace, filter: op.filter, update: op.update, upsert: op.upsert };
  });
  const isGuarded = ops.some((op) => op.kind === 'update' && op.onMiss);
  let result: mongoose.mongo.ClientBulkWriteResult;
  try {
    result = await mongoose.connection
      .getClient()
      .bulkWrite(models, { session, ordered: true, verboseResults: isGuarded });
  } catch (error) {
    throw unwrap(error);
  }
  if (!isGuarded) return;
  ops.forEach((op, index) => {
    if (op.kind !== 'update' || !op.onMiss) return;
    if (result.updateResults?.get(index)?.matchedCount !== 1) throw op.onMiss();
  });
}

/**
 * The driver wraps a failed client bulkWrite in MongoClientBulkWriteError: a command error (a write
 * conflict in a transaction) as its `cause`, a write error (a duplicate key) in `writeErrors`. Callers
 * handle the errors of single-collection commands, so they get those back.
 */
function unwrap(error: unknown): unknown {
  if (!(error instanceof mongoose.mongo.MongoClientBulkWriteError)) return error;
  if (error.cause instanceof mongoose.mongo.MongoServerError) return error.cause;
  const first = [...error.writeErrors.values()][0];
  if (!first) return error;
  return new mongoose.mongo.MongoServerError({
    message: first.message,
    errmsg: first.message,
    code: first.code,
    errorLabels: error.errorLabels,
  });
}

function namespaceOf(target: Target): string {
  return `${target.collection.conn.name}.${target.collection.collectionName}`;
}
