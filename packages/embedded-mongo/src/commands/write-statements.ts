import { ObjectId, type Document } from 'bson';
import type { CommandContext } from '../command-context.js';
import { isPlainObject, withIdFirst } from '../bson-values.js';
import { ErrorCode, ServerError, toServerError } from '../server-error.js';
import type { Collection, StorageEngine } from '../storage-engine.js';
import { applyUpdate, buildUpsertDocument, isReplacement, validateUpdate } from '../update-engine.js';
import { isFatalInTransaction, readDocuments } from './command-helpers.js';

/**
 * Single write statements shared by the `insert` / `update` / `delete` commands and `bulkWrite`, so
 * that both speak exactly the same insert, update and delete semantics.
 */

/** The collection statements write to, looked up once per command; only inserts and upserts create it. */
export class WriteTarget {
  private collection: Collection | undefined;

  constructor(
    private readonly engine: StorageEngine,
    readonly db: string,
    readonly name: string,
  ) {}

  /** The collection, created implicitly when missing (inserts and upserts). */
  ensure(): Collection {
    return (this.collection ??= this.engine.ensureCollection(this.db, this.name));
  }

  /** The collection if it exists. */
  existing(): Collection | undefined {
    return (this.collection ??= this.engine.getCollection(this.db, this.name));
  }
}

/**
 * Applies a write command's statements in order and reports each failure to `onError`, the way MongoDB
 * does: an ordered batch (or any batch in a transaction) stops at the first error, and errors that must
 * abort a transaction (write conflicts) are thrown instead of reported.
 *
 * The callbacks are positional on purpose: passed inline they stay anonymous, whereas named callbacks in
 * an options object get a `__name` wrapper per command under tsx/esbuild (about 1 µs per command in dev).
 */
export function applyStatements<T>(
  context: CommandContext,
  statements: readonly T[],
  apply: (statement: T, index: number) => void,
  onError: (error: ServerError, index: number) => void,
): void {
  const isInTransaction = context.txn !== undefined;
  for (let i = 0; i < statements.length; i++) {
    try {
      apply(statements[i] as T, i);
    } catch (error) {
      if (isFatalInTransaction(error, isInTransaction)) throw error;
      onError(toServerError(error), i);
      if (context.command.ordered !== false || isInTransaction) break;
    }
  }
}

/** Inserts one document; an `_id` is generated when the client sent none. */
export function insertDocument(context: CommandContext, collection: Collection, original: unknown): void {
  if (!isPlainObject(original))
    throw new ServerError(ErrorCode.TypeMismatch, 'insert documents must be objects');
  const doc = original._id === undefined ? withIdFirst(original, new ObjectId()) : original;
  context.engine.insert(collection, doc, context.txn);
}

/** One update statement, whichever command carried it. */
export interface UpdateStatement {
  target: WriteTarget;
  filter: Document | undefined;
  /** Operator update, replacement document or pipeline. */
  update: Document | Document[];
  isUpsert: boolean;
  isMulti: boolean;
  arrayFilters: Document[] | undefined;
  /** Which document a single (non-multi) update picks when several match. */
  sort: unknown;
  /** `$$variables` bound by the command's `let`. */
  variables?: Document;
  hint?: unknown;
}

/** What one update statement did: `n` matched (1 for an upsert), `upsertedId` set when it inserted. */
export interface UpdateOutcome {
  n: number;
  nModified: number;
  upsertedId?: unknown;
}

/** Runs one update statement: match (by filter and sort), apply, or insert when upserting and nothing matched. */
export function updateDocuments(context: CommandContext, statement: UpdateStatement): UpdateOutcome {
  const { engine, txn } = context;
  const { filter, update, isMulti, sort } = statement;
  validateUpdate(update);
  if (isMulti && isReplacement(update))
    throw new ServerError(
      ErrorCode.FailedToParse,
      'multi update is not supported for replacement-style update',
    );
  if (isMulti && sort !== undefined && sort !== null)
    throw new ServerError(ErrorCode.InvalidOptions, 'Cannot specify sort with multi=true');
  const collection = statement.isUpsert ? statement.target.ensure() : statement.target.existing();
  const { variables } = statement;
  const { entries } = readDocuments(context, collection, {
    filter,
    sort,
    limit: isMulti ? undefined : 1,
    variables,
    hint: statement.hint,
  });
  const updateContext = { isInsert: false, arrayFilters: statement.arrayFilters, filter, variables };
  if (collection === undefined) return { n: 0, nModified: 0 };
  if (entries.length === 0 && statement.isUpsert) {
    const doc = buildUpsertDocument(filter, update, updateContext);
    engine.insert(collection, doc, txn);
    return { n: 1, nModified: 0, upsertedId: doc._id };
  }
  let nModified = 0;
  for (const { key, doc } of entries) {
    const outcome = applyUpdate(doc, update, updateContext);
    if (!outcome.isModified) continue;
    engine.replace(collection, key, outcome.doc, txn);
    nModified++;
  }
  return { n: entries.length, nModified };
}

/** One delete statement, whichever command carried it. */
export interface DeleteStatement {
  target: WriteTarget;
  filter: Document | undefined;
  isMulti: boolean;
  variables?: Document;
  hint?: unknown;
}

/** Runs one delete statement; returns how many documents it removed. */
export function deleteDocuments(context: CommandContext, statement: DeleteStatement): number {
  const collection = statement.target.existing();
  const { entries } = readDocuments(context, collection, {
    filter: statement.filter,
    limit: statement.isMulti ? undefined : 1,
    variables: statement.variables,
    hint: statement.hint,
  });
  if (collection === undefined) return 0;
  for (const { key } of entries) context.engine.remove(collection, key, context.txn);
  return entries.length;
}
