import { calculateObjectSize, type Document } from 'bson';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { adoptDocuments, canonicalKey, isPlainObject } from '../bson-values.js';
import { defaultIndexName, parseIndexSpec } from '../index-manager.js';
import { compileFilter } from '../query-matcher.js';
import { ErrorCode, ServerError, unsupported } from '../server-error.js';
import type { Collection } from '../storage-engine.js';
import { collectionName } from './command-helpers.js';
import { replyWithCursor } from './crud-commands.js';

function requireCollection(context: CommandContext, name: string): Collection {
  const collection = context.engine.getCollection(context.db, name);
  if (collection === undefined)
    throw new ServerError(ErrorCode.NamespaceNotFound, `ns does not exist: ${context.db}.${name}`);
  return collection;
}

function create(context: CommandContext): Document {
  const { command, engine, db } = context;
  const name = collectionName(command);
  for (const option of ['capped', 'timeseries', 'clusteredIndex', 'viewOn', 'changeStreamPreAndPostImages']) {
    if (command[option] !== undefined && command[option] !== false)
      throw unsupported(`The create option '${option}'`);
  }
  const options: Document = {};
  for (const option of ['validator', 'validationLevel', 'validationAction'])
    if (command[option] !== undefined) options[option] = command[option];
  engine.createCollection(db, name, options);
  return { ok: 1 };
}

/** collMod: validator / validationLevel / validationAction, and an index's `hidden` or `expireAfterSeconds`. */
function collMod(context: CommandContext): Document {
  const { command, engine } = context;
  const collection = requireCollection(context, collectionName(command));
  const allowed = new Set([
    'collMod',
    'validator',
    'validationLevel',
    'validationAction',
    'index',
    '$db',
    'lsid',
    'txnNumber',
    '$clusterTime',
    'writeConcern',
    'comment',
    '$readPreference',
  ]);
  for (const option of Object.keys(command))
    if (!allowed.has(option)) throw unsupported(`The collMod option '${option}'`, ErrorCode.InvalidOptions);
  const options: Document = { ...collection.options };
  for (const option of ['validator', 'validationLevel', 'validationAction'])
    if (command[option] !== undefined) options[option] = command[option];
  const indexes: Document[] = [];
  const reply: Document = { ok: 1 };
  if (command.index !== undefined) {
    const change: unknown = command.index;
    if (!isPlainObject(change))
      throw new ServerError(
        ErrorCode.TypeMismatch,
        "BSON field 'collMod.index' is the wrong type, expected type 'object'",
      );
    const index =
      typeof change.name === 'string'
        ? collection.findIndex(change.name)
        : isPlainObject(change.keyPattern)
          ? collection.indexes.find(
              (candidate) => canonicalKey(candidate.spec.key) === canonicalKey(change.keyPattern),
            )
          : undefined;
    if (index === undefined) throw new ServerError(ErrorCode.IndexNotFound, 'cannot find index for collMod');
    const entry: Document = { name: index.spec.name };
    if (change.hidden !== undefined) {
      reply.hidden_old = index.spec.hidden === true;
      reply.hidden_new = change.hidden === true;
      entry.hidden = change.hidden === true;
    }
    if (change.expireAfterSeconds !== undefined) {
      if (index.spec.expireAfterSeconds === undefined)
        throw new ServerError(ErrorCode.InvalidOptions, 'no expireAfterSeconds field to update');
      reply.expireAfterSeconds_old = index.spec.expireAfterSeconds;
      reply.expireAfterSeconds_new = Number(change.expireAfterSeconds);
      entry.expireAfterSeconds = Number(change.expireAfterSeconds);
    }
    indexes.push(entry);
  }
  engine.modifyCollection(collection, options, indexes);
  return reply;
}

function describeIndexes(collection: Collection): Document[] {
  return [
    { v: 2, key: { _id: 1 }, name: '_id_' },
    ...collection.indexes.map((index) => index.describeForListing()),
  ];
}

function listCollections(context: CommandContext): Document {
  const { command, engine, db } = context;
  const filter = isPlainObject(command.filter) ? compileFilter(command.filter) : () => true;
  // adoptDocuments: a filter on a prototype name (`{constructor: …}`) must not see Object.prototype.
  const infos = engine.listCollections(db).map((collection) =>
    adoptDocuments({
      name: collection.name,
      type: 'collection',
      options: collection.options,
      info: { readOnly: false, uuid: collection.uuid },
      idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
    }),
  );
  const docs = infos
    .filter((info) => filter(info))
    .map((info) => (command.nameOnly === true ? { name: info.name, type: info.type } : info));
  const batchSize =
    isPlainObject(command.cursor) && command.cursor.batchSize !== undefined
      ? Number(command.cursor.batchSize)
      : undefined;
  return replyWithCursor(context, `${db}.$cmd.listCollections`, docs, { batchSize });
}

function createIndexes(context: CommandContext): Document {
  const { command, engine, db } = context;
  const name = collectionName(command);
  const specs: unknown = command.indexes;
  if (!Array.isArray(specs) || specs.length === 0)
    throw new ServerError(ErrorCode.BadValue, 'Must specify at least one index to create');
  const existing = engine.getCollection(db, name);
  const collection = existing ?? engine.createCollection(db, name);
  const before = collection.indexes.length + 1;
  let created = 0;
  for (const raw of specs) {
    const spec = parseIndexSpec(raw);
    if (canonicalKey(spec.key) === canonicalKey({ _id: 1 })) continue;
    if (engine.createIndex(collection, spec)) created++;
  }
  const reply: Document = {
    createdCollectionAutomatically: existing === undefined,
    numIndexesBefore: before,
    numIndexesAfter: collection.indexes.length + 1,
    ok: 1,
  };
  if (created === 0) reply.note = 'all indexes already exist';
  return reply;
}

function dropIndexes(context: CommandContext): Document {
  const { command, engine } = context;
  const collection = requireCollection(context, collectionName(command));
  const target: unknown = command.index;
  const before = collection.indexes.length + 1;
  if (target === '*') {
    for (const index of [...collection.indexes]) engine.dropIndex(collection, index.spec.name);
  } else if (typeof target === 'string' || Array.isArray(target)) {
    const names = typeof target === 'string' ? [target] : target.map(String);
    if (names.includes('_id_')) throw new ServerError(ErrorCode.InvalidOptions, 'cannot drop _id index');
    for (const name of names) engine.dropIndex(collection, name);
  } else if (isPlainObject(target)) {
    const index = collection.indexes.find(
      (candidate) => canonicalKey(candidate.spec.key) === canonicalKey(target),
    );
    if (index === undefined)
      throw new ServerError(
        ErrorCode.IndexNotFound,
        `can't find index with key: ${defaultIndexName(target)}`,
      );
    engine.dropIndex(collection, index.spec.name);
  } else {
    throw new ServerError(ErrorCode.TypeMismatch, "BSON field 'dropIndexes.index' is missing");
  }
  return { nIndexesWas: before, ok: 1 };
}

function renameCollection(context: CommandContext): Document {
  const { command, engine } = context;
  const split = (namespace: unknown): { db: string; name: string } => {
    if (typeof namespace !== 'string' || !namespace.includes('.'))
      throw new ServerError(ErrorCode.InvalidNamespace, `Invalid namespace specified '${String(namespace)}'`);
    const [db = '', ...rest] = namespace.split('.');
    return { db, name: rest.join('.') };
  };
  const from = split(command.renameCollection);
  const to = split(command.to);
  if (from.db === to.db && from.name === to.name)
    throw new ServerError(ErrorCode.IllegalOperation, "Can't rename a collection to itself");
  engine.renameCollection(from, to, command.dropTarget === true);
  return { ok: 1 };
}

function collectionSize(collection: Collection): number {
  let size = 0;
  for (const record of collection.docs.values()) size += calculateObjectSize(record.doc);
  return size;
}

function collStats(context: CommandContext): Document {
  const name = String(context.command.collStats);
  const collection = requireCollection(context, name);
  const size = collectionSize(collection);
  const count = collection.docs.size;
  const indexSizes: Document = { _id_: count * 32 };
  for (const index of collection.indexes) indexSizes[index.spec.name] = count * 32;
  return {
    ns: collection.namespace,
    count,
    size,
    avgObjSize: count === 0 ? 0 : Math.round(size / count),
    storageSize: size,
    nindexes: collection.indexes.length + 1,
    totalIndexSize: (collection.indexes.length + 1) * count * 32,
    indexSizes,
    capped: false,
    ok: 1,
  };
}

function dbStats(context: CommandContext): Document {
  const collections = context.engine.listCollections(context.db);
  const objects = collections.reduce((sum, collection) => sum + collection.docs.size, 0);
  const dataSize = collections.reduce((sum, collection) => sum + collectionSize(collection), 0);
  return {
    db: context.db,
    collections: collections.length,
    views: 0,
    objects,
    avgObjSize: objects === 0 ? 0 : dataSize / objects,
    dataSize,
    storageSize: dataSize,
    indexes: collections.reduce((sum, collection) => sum + collection.indexes.length + 1, 0),
    indexSize: objects * 32,
    totalSize: dataSize + objects * 32,
    scaleFactor: 1,
    ok: 1,
  };
}

/** Collection and index management commands. */
export const catalogCommands: Record<string, CommandHandler> = {
  create,
  collMod,
  drop: (context) => {
    const name = collectionName(context.command);
    const collection = context.engine.getCollection(context.db, name);
    const nIndexesWas = collection === undefined ? 0 : collection.indexes.length + 1;
    context.engine.dropCollection(context.db, name);
    return { nIndexesWas, ns: `${context.db}.${name}`, ok: 1 };
  },
  dropDatabase: (context) => {
    context.engine.dropDatabase(context.db);
    return { dropped: context.db, ok: 1 };
  },
  listCollections,
  createIndexes,
  listIndexes: (context) => {
    const name = collectionName(context.command);
    const collection = requireCollection(context, name);
    return replyWithCursor(context, `${context.db}.${name}`, describeIndexes(collection), {});
  },
  dropIndexes,
  deleteIndexes: dropIndexes,
  renameCollection,
  collStats,
  dbStats,
  validate: (context) => ({
    ns: requireCollection(context, collectionName(context.command)).namespace,
    valid: true,
    errors: [],
    warnings: [],
    ok: 1,
  }),
};
