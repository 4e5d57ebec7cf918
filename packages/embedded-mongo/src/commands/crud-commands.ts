import { Long, type Document } from 'bson';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { canonicalKey, collectPathValues, isNumeric, isPlainObject, toNumber } from '../bson-values.js';
import { evaluateLet, evaluateOnDocument } from '../expression-engine.js';
import { compileProjection, compileSort, parseSort } from '../sort-projection.js';
import { ErrorCode, ServerError } from '../server-error.js';
import { applyUpdate, buildUpsertDocument, validateUpdate } from '../update-engine.js';
import { collectionName, nonNegative, optionalDocument, readDocuments } from './command-helpers.js';
import {
  applyStatements,
  deleteDocuments,
  insertDocument,
  updateDocuments,
  WriteTarget,
} from './write-statements.js';

function documentsField(command: Document, field: string): Document[] {
  const value: unknown = command[field];
  if (!Array.isArray(value))
    throw new ServerError(ErrorCode.TypeMismatch, `BSON field '${field}' is missing or is not an array`);
  return value as Document[];
}

function cursorReply(
  namespace: string,
  batch: { docs: Document[]; cursorId: Long },
  field: 'firstBatch' | 'nextBatch',
): Document {
  return { cursor: { [field]: batch.docs, id: batch.cursorId, ns: namespace }, ok: 1 };
}

/** Sends `docs` as a cursor reply, registering a cursor when more than the first batch remains. */
export function replyWithCursor(
  context: CommandContext,
  namespace: string,
  docs: Document[],
  options: { batchSize?: number; isSingleBatch?: boolean },
): Document {
  const batch = context.cursors.open(namespace, docs, options);
  return cursorReply(namespace, batch, 'firstBatch');
}

function insert(context: CommandContext): Document {
  const { command, engine, db } = context;
  const docs = documentsField(command, 'documents');
  const collection = engine.ensureCollection(db, collectionName(command));
  let n = 0;
  const writeErrors: Document[] = [];
  applyStatements(
    context,
    docs,
    (doc) => {
      insertDocument(context, collection, doc);
      n++;
    },
    (error, i) => writeErrors.push(error.toWriteError(i)),
  );
  const reply: Document = { n, ok: 1 };
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

/** An element of the update command's `updates`, as the client sent it. */
interface UpdateCommandStatement {
  q?: Document;
  u: Document | Document[];
  upsert?: boolean;
  multi?: boolean;
  arrayFilters?: Document[];
  sort?: Document;
  hint?: unknown;
}

function update(context: CommandContext): Document {
  const { command, engine, db } = context;
  const target = new WriteTarget(engine, db, collectionName(command));
  const statements = documentsField(command, 'updates') as UpdateCommandStatement[];
  const variables = evaluateLet(command.let);
  const upserted: Document[] = [];
  const writeErrors: Document[] = [];
  let n = 0;
  let nModified = 0;
  applyStatements(
    context,
    statements,
    (statement, i) => {
      const outcome = updateDocuments(context, {
        target,
        filter: statement.q,
        update: statement.u,
        isUpsert: statement.upsert === true,
        isMulti: statement.multi === true,
        arrayFilters: statement.arrayFilters,
        sort: statement.sort,
        variables,
        hint: statement.hint,
      });
      n += outcome.n;
      nModified += outcome.nModified;
      if (outcome.upsertedId !== undefined) upserted.push({ index: i, _id: outcome.upsertedId });
    },
    (error, i) => writeErrors.push(error.toWriteError(i)),
  );
  const reply: Document = { n, nModified, ok: 1 };
  if (upserted.length > 0) reply.upserted = upserted;
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

function remove(context: CommandContext): Document {
  const { command, engine, db } = context;
  const target = new WriteTarget(engine, db, collectionName(command));
  const statements = documentsField(command, 'deletes');
  const variables = evaluateLet(command.let);
  const writeErrors: Document[] = [];
  let n = 0;
  applyStatements(
    context,
    statements,
    (statement) => {
      const limit = toNumber(statement.limit);
      if (limit !== 0 && limit !== 1)
        throw new ServerError(ErrorCode.FailedToParse, 'The limit field in delete objects must be 0 or 1.');
      n += deleteDocuments(context, {
        target,
        filter: statement.q as Document | undefined,
        isMulti: limit === 0,
        variables,
        hint: statement.hint,
      });
    },
    (error, i) => writeErrors.push(error.toWriteError(i)),
  );
  const reply: Document = { n, ok: 1 };
  if (writeErrors.length > 0) reply.writeErrors = writeErrors;
  return reply;
}

function find(context: CommandContext): Document {
  const { command, engine, db } = context;
  const name = collectionName(command);
  if (command.tailable === true)
    throw new ServerError(
      ErrorCode.NotImplemented,
      'tailable cursors are not supported by @regulars/embedded-mongo',
    );
  const rawLimit = command.limit === undefined ? undefined : toNumber(command.limit);
  const limit = rawLimit === undefined || rawLimit === 0 ? undefined : Math.abs(rawLimit);
  const { docs } = readDocuments(context, engine.getCollection(db, name), {
    filter: optionalDocument(command, 'filter'),
    sort: command.sort,
    skip: nonNegative(command.skip, 'skip'),
    limit,
    projection: command.projection,
    variables: evaluateLet(command.let),
    hint: command.hint,
  });
  const batchSize = nonNegative(isPlainObject(command) ? command.batchSize : undefined, 'batchSize');
  return replyWithCursor(context, `${db}.${name}`, docs, {
    batchSize,
    isSingleBatch: command.singleBatch === true || (rawLimit !== undefined && rawLimit < 0),
  });
}

function getMore(context: CommandContext): Document {
  const { command, db } = context;
  const raw: unknown = command.getMore;
  if (!isNumeric(raw)) throw new ServerError(ErrorCode.TypeMismatch, "Field 'getMore' must be of type long");
  const id = raw instanceof Long ? raw : Long.fromNumber(toNumber(raw));
  const namespace = `${db}.${String(command.collection)}`;
  const batch = context.cursors.next(
    id,
    namespace,
    command.batchSize === undefined ? undefined : toNumber(command.batchSize),
  );
  if (batch === undefined)
    throw new ServerError(ErrorCode.CursorNotFound, `cursor id ${id.toString()} not found`);
  return cursorReply(namespace, batch, 'nextBatch');
}

function killCursors(context: CommandContext): Document {
  const ids: unknown = context.command.cursors;
  const list = Array.isArray(ids)
    ? ids.filter(isNumeric).map((id) => (id instanceof Long ? id : Long.fromNumber(toNumber(id))))
    : [];
  const { killed, notFound } = context.cursors.kill(list);
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function findAndModify(context: CommandContext): Document {
  const { command, engine, db, txn } = context;
  const name = collectionName(command);
  const filter = optionalDocument(command, 'query');
  const isRemove = command.remove === true;
  const updateSpec = command.update as Document | Document[] | undefined;
  if (isRemove === (updateSpec !== undefined))
    throw new ServerError(ErrorCode.FailedToParse, 'Either an update or remove=true must be specified');
  if (isRemove && command.upsert === true)
    throw new ServerError(ErrorCode.FailedToParse, 'Cannot specify both an upsert and remove=true');
  if (updateSpec !== undefined) validateUpdate(updateSpec);
  const variables = evaluateLet(command.let);
  const projector = compileProjection(command.fields, {
    filter,
    evaluate: (doc, expression) => evaluateOnDocument(doc, expression, { variables }),
  });
  const project = (doc: Document | null): Document | null =>
    doc === null || projector === undefined ? doc : projector(doc);
  const collection =
    command.upsert === true ? engine.ensureCollection(db, name) : engine.getCollection(db, name);
  const match = readDocuments(context, collection, {
    filter,
    sort: command.sort,
    limit: 1,
    variables,
    hint: command.hint,
  }).entries[0];
  const arrayFilters = Array.isArray(command.arrayFilters) ? (command.arrayFilters as Document[]) : undefined;
  if (match === undefined || collection === undefined) {
    if (command.upsert !== true || updateSpec === undefined || collection === undefined) {
      return { lastErrorObject: { n: 0, updatedExisting: false }, value: null, ok: 1 };
    }
    const doc = buildUpsertDocument(filter, updateSpec, { arrayFilters, filter, variables });
    engine.insert(collection, doc, txn);
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: doc._id },
      value: command.new === true ? project(doc) : null,
      ok: 1,
    };
  }
  if (isRemove) {
    engine.remove(collection, match.key, txn);
    return { lastErrorObject: { n: 1 }, value: project(match.doc), ok: 1 };
  }
  const outcome = applyUpdate(match.doc, updateSpec as Document | Document[], {
    isInsert: false,
    arrayFilters,
    filter,
    variables,
  });
  if (outcome.isModified) engine.replace(collection, match.key, outcome.doc, txn);
  return {
    lastErrorObject: { n: 1, updatedExisting: true },
    value: project(command.new === true ? outcome.doc : match.doc),
    ok: 1,
  };
}

function count(context: CommandContext): Document {
  const { command, engine, db } = context;
  if (context.txn !== undefined)
    throw new ServerError(
      50851,
      "Cannot run 'count' in a multi-document transaction. Please see http://dochub.mongodb.org/core/transaction-count for a recommended alternative.",
    );
  const { docs } = readDocuments(context, engine.getCollection(db, collectionName(command)), {
    filter: optionalDocument(command, 'query'),
    skip: nonNegative(command.skip, 'skip'),
    limit: command.limit === undefined ? undefined : Math.abs(toNumber(command.limit)),
    hint: command.hint,
  });
  return { n: docs.length, ok: 1 };
}

function distinct(context: CommandContext): Document {
  const { command, engine, db } = context;
  const key = command.key;
  if (typeof key !== 'string')
    throw new ServerError(ErrorCode.TypeMismatch, "BSON field 'distinct.key' is missing or not a string");
  const { docs } = readDocuments(context, engine.getCollection(db, collectionName(command)), {
    filter: optionalDocument(command, 'query'),
  });
  const seen = new Map<string, unknown>();
  const parts = key.split('.');
  for (const doc of docs) {
    const values: unknown[] = [];
    collectPathValues(doc, parts, values);
    for (const value of values) {
      if (value === undefined) continue;
      const k = canonicalKey(value);
      if (!seen.has(k)) seen.set(k, value);
    }
  }
  const comparator = compileSort(parseSort({ v: 1 }));
  const values = [...seen.values()];
  if (comparator !== undefined) values.sort((a, b) => comparator({ v: a }, { v: b }));
  return { values, ok: 1 };
}

/** insert, update, delete, find, getMore, killCursors, findAndModify, count, distinct. */
export const crudCommands: Record<string, CommandHandler> = {
  insert,
  update,
  delete: remove,
  find,
  getMore,
  killCursors,
  findAndModify,
  findandmodify: findAndModify,
  count,
  distinct,
};
