import type { Document } from 'bson';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { isNumeric, isPlainObject, toNumber } from '../bson-values.js';
import { ErrorCode, ServerError, unsupported } from '../server-error.js';
import { validateNamespace } from '../storage-engine.js';
import { MAX_WRITE_BATCH_SIZE } from './admin-commands.js';
import { nonNegative } from './command-helpers.js';
import {
  applyStatements,
  deleteDocuments,
  insertDocument,
  updateDocuments,
  WriteTarget,
} from './write-statements.js';

/**
 * MongoDB 8.0's client-level `bulkWrite`: inserts, updates and deletes over any number of collections
 * (`nsInfo`) in one command, reported through a cursor of per-operation results. Every statement runs
 * through the same code as the single-collection `insert` / `update` / `delete` commands.
 */

/** Namespace of the reply cursor, as MongoDB names it (the driver's getMore uses it). */
const BULK_WRITE_NAMESPACE = 'admin.$cmd.bulkWrite';

const INSERT = 1;
const UPDATE = 2;
const DELETE = 3;

function requiredArray(command: Document, field: 'ops' | 'nsInfo'): unknown[] {
  const value: unknown = command[field];
  if (value === undefined)
    throw new ServerError(
      ErrorCode.Location40414,
      `BSON field 'bulkWrite.${field}' is missing but a required field`,
    );
  if (!Array.isArray(value))
    throw new ServerError(ErrorCode.TypeMismatch, `BSON field 'bulkWrite.${field}' must be an array`);
  return value;
}

/** One write target per `nsInfo` entry, each namespace checked up front as MongoDB does. */
function parseNamespaces(context: CommandContext): WriteTarget[] {
  return requiredArray(context.command, 'nsInfo').map((entry) => {
    const ns: unknown = isPlainObject(entry) ? entry.ns : undefined;
    if (typeof ns !== 'string')
      throw new ServerError(
        ErrorCode.Location40414,
        "BSON field 'bulkWrite.nsInfo.ns' is missing or not a string",
      );
    const dot = ns.indexOf('.');
    const db = dot < 0 ? ns : ns.slice(0, dot);
    const name = dot < 0 ? '' : ns.slice(dot + 1);
    try {
      validateNamespace(db, name);
    } catch {
      throw new ServerError(ErrorCode.InvalidNamespace, `Invalid namespace specified for bulkWrite: '${ns}'`);
    }
    return new WriteTarget(context.engine, db, name);
  });
}

/** MongoDB's parse error for a required field of an op that is missing or has the wrong type. */
function badField(path: string, value: unknown): never {
  if (value === undefined)
    throw new ServerError(ErrorCode.Location40414, `BSON field '${path}' is missing but a required field`);
  throw new ServerError(ErrorCode.TypeMismatch, `BSON field '${path}' has the wrong type`);
}

/**
 * Checks every operation before any is applied (a malformed command writes nothing) and records each
 * one's kind and nsInfo index in two typed arrays, so execution does not parse the op again.
 */
function parseOps(ops: unknown[], namespaceCount: number): { kinds: Uint8Array; nsIndexes: Uint32Array } {
  if (ops.length === 0 || ops.length > MAX_WRITE_BATCH_SIZE)
    throw new ServerError(
      ErrorCode.InvalidLength,
      `Write batch sizes must be between 1 and ${MAX_WRITE_BATCH_SIZE}. Got ${ops.length} operations.`,
    );
  const kinds = new Uint8Array(ops.length);
  const nsIndexes = new Uint32Array(ops.length);
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isPlainObject(op))
      throw new ServerError(ErrorCode.TypeMismatch, `bulkWrite ops entry ${i} is not a document`);
    let nsIndex: unknown;
    if (op.insert !== undefined) {
      kinds[i] = INSERT;
      nsIndex = op.insert;
      if (!isPlainObject(op.document)) badField('bulkWrite.ops.insert.document', op.document);
    } else if (op.update !== undefined) {
      kinds[i] = UPDATE;
      nsIndex = op.update;
      if (!isPlainObject(op.filter)) badField('bulkWrite.ops.update.filter', op.filter);
      if (!isPlainObject(op.updateMods) && !Array.isArray(op.updateMods))
        badField('bulkWrite.ops.update.updateMods', op.updateMods);
    } else if (op.delete !== undefined) {
      kinds[i] = DELETE;
      nsIndex = op.delete;
      if (!isPlainObject(op.filter)) badField('bulkWrite.ops.delete.filter', op.filter);
    } else {
      throw new ServerError(
        ErrorCode.FailedToParse,
        `bulkWrite ops entry ${i} is not an insert, update or delete operation`,
      );
    }
    const index = isNumeric(nsIndex) ? toNumber(nsIndex) : Number.NaN;
    if (!Number.isInteger(index) || index < 0 || index >= namespaceCount)
      throw new ServerError(ErrorCode.BadValue, `BulkWrite ops entry ${i} has an invalid nsInfo index.`);
    nsIndexes[i] = index;
  }
  return { kinds, nsIndexes };
}

/** A failed operation as a cursor entry: what MongoDB reports, plus `codeName` as this server's write errors do. */
function errorEntry(error: ServerError, idx: number, isUpdate: boolean): Document {
  const entry: Document = { ok: 0, idx, code: error.code, codeName: error.codeName, errmsg: error.message };
  Object.assign(entry, error.details);
  entry.n = 0;
  if (isUpdate) entry.nModified = 0;
  return entry;
}

function bulkWrite(context: CommandContext): Document {
  const { command } = context;
  if (context.db !== 'admin')
    throw new ServerError(ErrorCode.Unauthorized, 'bulkWrite may only be run against the admin database.');
  // Silently ignoring `let` would evaluate `$$name` references wrongly; refuse it instead.
  if (command.let !== undefined && command.let !== null) throw unsupported('bulkWrite with let variables');
  const targets = parseNamespaces(context);
  const ops = requiredArray(command, 'ops') as Document[];
  const { kinds, nsIndexes } = parseOps(ops, targets.length);
  const isErrorsOnly = command.errorsOnly === true;
  const results: Document[] = [];
  let nErrors = 0;
  let nInserted = 0;
  let nUpserted = 0;
  let nMatched = 0;
  let nModified = 0;
  let nDeleted = 0;
  applyStatements(
    context,
    ops,
    (op, idx) => {
      const target = targets[nsIndexes[idx] as number] as WriteTarget;
      const kind = kinds[idx];
      if (kind === INSERT) {
        insertDocument(context, target.ensure(), op.document);
        nInserted++;
        if (!isErrorsOnly) results.push({ ok: 1, idx, n: 1 });
        return;
      }
      const isMulti = op.multi === true;
      // As in MongoDB: a retried multi-document write could not be told apart from its first run.
      if (isMulti && context.isRetryableWrite === true)
        throw new ServerError(ErrorCode.InvalidOptions, 'Cannot use retryable writes with multi=true');
      if (kind === UPDATE) {
        const outcome = updateDocuments(context, {
          target,
          filter: op.filter as Document,
          update: op.updateMods as Document | Document[],
          isUpsert: op.upsert === true,
          isMulti,
          arrayFilters: Array.isArray(op.arrayFilters) ? (op.arrayFilters as Document[]) : undefined,
          sort: op.sort,
        });
        nModified += outcome.nModified;
        if (outcome.upsertedId === undefined) nMatched += outcome.n;
        else nUpserted++;
        if (isErrorsOnly) return;
        const entry: Document = { ok: 1, idx, n: outcome.n, nModified: outcome.nModified };
        if (outcome.upsertedId !== undefined) entry.upserted = { _id: outcome.upsertedId };
        results.push(entry);
        return;
      }
      const n = deleteDocuments(context, { target, filter: op.filter as Document, isMulti });
      nDeleted += n;
      if (!isErrorsOnly) results.push({ ok: 1, idx, n });
    },
    (error, idx) => {
      nErrors++;
      results.push(errorEntry(error, idx, kinds[idx] === UPDATE));
    },
  );
  const cursorOptions = isPlainObject(command.cursor) ? command.cursor : undefined;
  const batch = context.cursors.open(BULK_WRITE_NAMESPACE, results, {
    // MongoDB puts every result in the first batch unless asked otherwise (cut at 16 MiB).
    batchSize: nonNegative(cursorOptions?.batchSize, 'batchSize') ?? Number.POSITIVE_INFINITY,
  });
  return {
    cursor: { id: batch.cursorId, firstBatch: batch.docs, ns: BULK_WRITE_NAMESPACE },
    nErrors,
    nInserted,
    nUpserted,
    nMatched,
    nModified,
    nDeleted,
    ok: 1,
  };
}

/** bulkWrite (MongoDB 8.0, admin database only). */
export const bulkWriteCommands: Record<string, CommandHandler> = { bulkWrite };
