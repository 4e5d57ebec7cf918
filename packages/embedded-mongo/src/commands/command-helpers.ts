import type { Document } from 'bson';
import type { CommandContext } from '../command-context.js';
import { canonicalKey, isPlainObject, toNumber } from '../bson-values.js';
import { evaluateOnDocument } from '../expression-engine.js';
import { compileFilter } from '../query-matcher.js';
import { compileProjection, compileSort, parseSort } from '../sort-projection.js';
import { ErrorCode, ServerError } from '../server-error.js';
import type { Collection, QueryResult } from '../storage-engine.js';

/** The collection name a command targets (the value of its first field). */
export function collectionName(command: Document): string {
  const name = Object.values(command)[0];
  if (typeof name !== 'string' || name.length === 0) {
    throw new ServerError(ErrorCode.InvalidNamespace, `collection name has invalid type ${typeof name}`);
  }
  return name;
}

/** A document-typed field of a command, or undefined; anything else is a BadValue/TypeMismatch. */
export function optionalDocument(command: Document, field: string): Document | undefined {
  const value: unknown = command[field];
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value))
    throw new ServerError(
      ErrorCode.TypeMismatch,
      `BSON field '${field}' is the wrong type '${typeof value}', expected type 'object'`,
    );
  return value;
}

/** Options of a read: filter, sort, skip, limit and projection. */
export interface ReadOptions {
  filter?: Document;
  sort?: unknown;
  skip?: number;
  limit?: number;
  projection?: unknown;
  /** `$$variables` bound by the command's `let`. */
  variables?: Document;
  /** An index name or key pattern the client asked the query to use. */
  hint?: unknown;
}

/** A `hint` must name an existing index (by name or key pattern), as in MongoDB; `$natural` is a scan. */
export function checkHint(collection: Collection | undefined, hint: unknown): void {
  if (hint === undefined || hint === null || collection === undefined) return;
  if (typeof hint === 'string') {
    if (hint === '_id_') return;
    const index = collection.findIndex(hint);
    if (index !== undefined && index.spec.hidden !== true) return;
  } else if (isPlainObject(hint)) {
    const keys = Object.keys(hint);
    if (keys.length === 0) return;
    if (keys.length === 1 && keys[0] === '$natural') return;
    const wanted = canonicalKey(hint);
    if (wanted === canonicalKey({ _id: 1 })) return;
    if (
      collection.indexes.some(
        (index) => index.spec.hidden !== true && canonicalKey(index.spec.key) === wanted,
      )
    )
      return;
  } else {
    throw new ServerError(ErrorCode.FailedToParse, 'hint must be a string or an object');
  }
  throw new ServerError(
    ErrorCode.BadValue,
    'error processing query: planner returned error :: caused by :: hint provided does not correspond to an existing index',
  );
}

/** Matching documents with their storage keys, after sort/skip/limit, and their projected form. */
export interface ReadResult {
  entries: Array<{ key: string; doc: Document }>;
  docs: Document[];
  result?: QueryResult;
}

/** Runs a read through the planner, then sorts, skips, limits and projects like MongoDB. */
export function readDocuments(
  context: CommandContext,
  collection: Collection | undefined,
  options: ReadOptions,
): ReadResult {
  const sortKeys = parseSort(options.sort);
  const { variables } = options;
  const projector = compileProjection(options.projection, {
    filter: options.filter,
    evaluate: (doc, expression) => evaluateOnDocument(doc, expression, { variables }),
  });
  const predicate = compileFilter(options.filter, { variables });
  if (collection === undefined) return { entries: [], docs: [] };
  checkHint(collection, options.hint);
  const skip = options.skip ?? 0;
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined;
  const comparator = compileSort(sortKeys);
  const result = context.engine.query(collection, {
    filter: options.filter,
    predicate,
    sort: sortKeys,
    txn: context.txn,
    limit: limit === undefined ? undefined : skip + limit,
  });
  let entries = result.entries;
  if (comparator !== undefined && !result.isSorted)
    entries = [...entries].sort((a, b) => comparator(a.doc, b.doc));
  if (skip > 0 || (limit !== undefined && entries.length > limit))
    entries = entries.slice(skip, limit === undefined ? undefined : skip + limit);
  const docs = entries.map((entry) => (projector === undefined ? entry.doc : projector(entry.doc)));
  return { entries, docs, result };
}

/** Write errors that must fail the whole command: a write conflict inside a transaction (retryable as a whole). */
export function isFatalInTransaction(error: unknown, inTransaction: boolean): boolean {
  return inTransaction && error instanceof ServerError && error.code === ErrorCode.WriteConflict;
}

/** Parses `skip`/`limit`-style numeric options, rejecting negative skips like MongoDB. */
export function nonNegative(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = toNumber(value);
  if (n < 0)
    throw new ServerError(ErrorCode.BadValue, `${field} value must be non-negative, but received: ${n}`);
  return n;
}
