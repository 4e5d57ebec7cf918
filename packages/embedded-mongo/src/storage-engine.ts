import { calculateObjectSize, ObjectId, type Document } from 'bson';
import { canonicalKey, isPlainObject, withIdFirst } from './bson-values.js';
import { compileFilter } from './query-matcher.js';
import { CollectionIndex, type IndexSpec } from './index-manager.js';
import { planQuery, type QueryPlan } from './query-planner.js';
import type { Predicate } from './query-matcher.js';
import type { SortKey } from './sort-projection.js';
import { ErrorCode, ServerError } from './server-error.js';

/** Largest document MongoDB stores. */
export const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** A stored document and the commit sequence number that wrote it. */
interface DocRecord {
  doc: Document;
  version: number;
}

/** A document's state before the write committed at `replacedAt` (null: it did not exist). */
interface HistoryEntry {
  doc: Document | null;
  replacedAt: number;
}

/** A journaled change; replaying the ops in order rebuilds the catalog and the data. */
export type JournalOp =
  | { op: 'create'; ns: string; options: Document }
  | { op: 'drop'; ns: string }
  | { op: 'dropDatabase'; db: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'createIndex'; ns: string; spec: Document }
  | { op: 'collMod'; ns: string; options: Document; indexes: Document[] }
  | { op: 'dropIndex'; ns: string; name: string }
  | { op: 'put'; ns: string; doc: Document }
  | { op: 'delete'; ns: string; id: unknown };

/** Where committed changes go to become durable (the journal when a dbPath is set). */
export interface ChangeSink {
  append(ops: JournalOp[], isSyncRequested: boolean): void;
}

/** One collection: documents by canonical `_id` key, secondary indexes, and MVCC history for open transactions. */
export class Collection {
  readonly docs = new Map<string, DocRecord>();
  readonly indexes: CollectionIndex[] = [];
  readonly history = new Map<string, HistoryEntry[]>();
  readonly uuid = new ObjectId();
  isDropped = false;
  private validatorPredicate: Predicate | undefined;

  constructor(
    public db: string,
    public name: string,
    public options: Document,
  ) {
    this.setOptions(options);
  }

  /** Replaces the collection options (create, collMod); a validator is compiled, and refused if invalid. */
  setOptions(options: Document): void {
    const level: unknown = options.validationLevel ?? 'strict';
    const action: unknown = options.validationAction ?? 'error';
    if (level !== 'strict' && level !== 'moderate' && level !== 'off')
      throw new ServerError(
        ErrorCode.BadValue,
        `Enumeration value '${String(level)}' for field 'validationLevel' is not a valid value.`,
      );
    if (action !== 'error' && action !== 'warn')
      throw new ServerError(
        ErrorCode.BadValue,
        `Enumeration value '${String(action)}' for field 'validationAction' is not a valid value.`,
      );
    const validator: unknown = options.validator;
    if (validator !== undefined && !isPlainObject(validator))
      throw new ServerError(
        ErrorCode.TypeMismatch,
        "BSON field 'validator' is the wrong type, expected type 'object'",
      );
    this.validatorPredicate =
      validator === undefined || Object.keys(validator).length === 0 ? undefined : compileFilter(validator);
    this.options = options;
  }

  /** Whether writes must be checked against a validator. */
  get hasValidator(): boolean {
    return this.validatorPredicate !== undefined;
  }

  /**
   * Enforces the validator as MongoDB does: 121 DocumentValidationFailure for a document that fails it,
   * unless validationLevel is 'off', or 'moderate' and the update changes a document that already failed,
   * or validationAction is 'warn' (logged, accepted).
   */
  validate(doc: Document, previous: Document | undefined, log: (line: string) => void): void {
    const predicate = this.validatorPredicate;
    if (predicate === undefined || this.options.validationLevel === 'off') return;
    if (previous !== undefined && this.options.validationLevel === 'moderate' && !predicate(previous)) return;
    if (predicate(doc)) return;
    if (this.options.validationAction === 'warn') {
      log(`Document would fail validation collection: ${this.namespace} _id: ${String(doc._id)}`);
      return;
    }
    throw new ServerError(ErrorCode.DocumentValidationFailure, 'Document failed validation', {
      details: {
        errInfo: {
          failingDocumentId: doc._id,
          details: { operatorName: '$and', specifiedAs: this.options.validator },
        },
      },
    });
  }

  get namespace(): string {
    return `${this.db}.${this.name}`;
  }

  /** Builds an index's sorted view from the documents (first range or sort use). */
  ensureOrdered(index: CollectionIndex): void {
    if (index.hasOrdered) return;
    const docs = this.docs;
    index.buildOrdered(
      (function* () {
        for (const [id, record] of docs) yield [id, record.doc] as [string, Document];
      })(),
    );
  }

  findIndex(name: string): CollectionIndex | undefined {
    return this.indexes.find((index) => index.spec.name === name);
  }
}

/** Per-transaction state: snapshot point and buffered writes, applied atomically at commit. */
export class Transaction {
  readonly writes = new Map<Collection, Map<string, Document | null>>();
  state: 'active' | 'committed' | 'aborted' = 'active';

  constructor(
    readonly snapshot: number,
    readonly txnNumber: bigint,
  ) {}

  overlay(collection: Collection): Map<string, Document | null> | undefined {
    return this.writes.get(collection);
  }
}

/** Result of a query over a collection: matching documents with their keys, and execution statistics. */
export interface QueryResult {
  entries: Array<{ key: string; doc: Document }>;
  plan: QueryPlan;
  docsExamined: number;
  isSorted: boolean;
}

const writeConflict = (): ServerError =>
  new ServerError(
    ErrorCode.WriteConflict,
    'Write conflict during plan execution and yielding is disabled. :: Please retry your operation or multi-document transaction.',
    { errorLabels: ['TransientTransactionError'] },
  );

/**
 * Validates a document before storing it: `_id` rules and size. `$`-prefixed and dotted field names are
 * stored as MongoDB 5.0+ stores them (the update paths that may not create them are refused earlier).
 */
export function validateForStorage(doc: Document): void {
  const id = doc._id;
  if (Array.isArray(id))
    throw new ServerError(ErrorCode.InvalidIdField, "The '_id' value cannot be of type array");
  if (
    id !== null &&
    typeof id === 'object' &&
    (id instanceof RegExp || (id as { _bsontype?: string })._bsontype === 'BSONRegExp')
  ) {
    throw new ServerError(ErrorCode.InvalidIdField, "can't use a regex for _id");
  }
  const size = calculateObjectSize(doc);
  if (size > MAX_BSON_SIZE) {
    throw new ServerError(
      ErrorCode.BSONObjectTooLarge,
      `object to insert too large. size in bytes: ${size}, max size: ${MAX_BSON_SIZE}`,
    );
  }
}

/** Checks a database/collection name the way MongoDB does. */
export function validateNamespace(db: string, name: string): void {
  if (db.length === 0 || /[/\\. "$\0]/.test(db))
    throw new ServerError(ErrorCode.InvalidNamespace, `Invalid database name: '${db}'`);
  if (name.length === 0 || name.includes('$') || name.includes('\0') || name.startsWith('.')) {
    throw new ServerError(ErrorCode.InvalidNamespace, `Invalid collection name: ${name}`);
  }
}

/**
 * The catalog and all data. Every method runs synchronously, so each command is atomic with respect
 * to others; transactions add snapshot reads (via per-document history) and buffered writes.
 */
export class StorageEngine {
  private readonly databases = new Map<string, Map<string, Collection>>();
  private sequence = 0;
  private readonly activeTransactions = new Set<Transaction>();
  private readonly collectionsWithHistory = new Set<Collection>();
  private pendingOps: JournalOp[] = [];
  private isReplaying = false;
  /** Documents examined by queries since start; lets tests prove that indexed lookups do not scan. */
  docsExaminedTotal = 0;
  /** Set by the dispatcher for the duration of a command sent with `bypassDocumentValidation: true`. */
  isValidationBypassed = false;
  /** Where validation warnings go (validationAction 'warn'). */
  log: (line: string) => void = () => undefined;

  constructor(private sink?: ChangeSink) {}

  /** Attaches the durable sink after recovery has replayed the journal into memory. */
  attachSink(sink: ChangeSink): void {
    this.sink = sink;
  }

  get currentSequence(): number {
    return this.sequence;
  }

  // ---- catalog -------------------------------------------------------------------------------

  getCollection(db: string, name: string): Collection | undefined {
    return this.databases.get(db)?.get(name);
  }

  listDatabaseNames(): string[] {
    return [...this.databases.keys()];
  }

  listCollections(db: string): Collection[] {
    return [...(this.databases.get(db)?.values() ?? [])];
  }

  createCollection(db: string, name: string, options: Document = {}): Collection {
    validateNamespace(db, name);
    if (this.getCollection(db, name) !== undefined) {
      throw new ServerError(ErrorCode.NamespaceExists, `Collection ${db}.${name} already exists.`);
    }
    const collection = new Collection(db, name, options);
    let collections = this.databases.get(db);
    if (collections === undefined) {
      collections = new Map();
      this.databases.set(db, collections);
    }
    collections.set(name, collection);
    this.record({ op: 'create', ns: collection.namespace, options });
    return collection;
  }

  /** The collection, created implicitly (as inserts and upserts do) when missing. */
  ensureCollection(db: string, name: string): Collection {
    return this.getCollection(db, name) ?? this.createCollection(db, name);
  }

  dropCollection(db: string, name: string): boolean {
    const collections = this.databases.get(db);
    const collection = collections?.get(name);
    if (collections === undefined || collection === undefined) return false;
    collection.isDropped = true;
    collections.delete(name);
    if (collections.size === 0) this.databases.delete(db);
    this.record({ op: 'drop', ns: collection.namespace });
    return true;
  }

  dropDatabase(db: string): void {
    for (const collection of this.listCollections(db)) collection.isDropped = true;
    if (this.databases.delete(db)) this.record({ op: 'dropDatabase', db });
  }

  renameCollection(
    from: { db: string; name: string },
    to: { db: string; name: string },
    isDropTarget: boolean,
  ): void {
    const source = this.getCollection(from.db, from.name);
    if (source === undefined)
      throw new ServerError(ErrorCode.NamespaceNotFound, 'source namespace does not exist');
    validateNamespace(to.db, to.name);
    if (this.getCollection(to.db, to.name) !== undefined) {
      if (!isDropTarget) throw new ServerError(ErrorCode.NamespaceExists, 'target namespace exists');
      this.dropCollection(to.db, to.name);
    }
    this.databases.get(from.db)?.delete(from.name);
    if (this.databases.get(from.db)?.size === 0) this.databases.delete(from.db);
    source.db = to.db;
    source.name = to.name;
    let collections = this.databases.get(to.db);
    if (collections === undefined) {
      collections = new Map();
      this.databases.set(to.db, collections);
    }
    collections.set(to.name, source);
    this.record({ op: 'rename', from: `${from.db}.${from.name}`, to: `${to.db}.${to.name}` });
  }

  /** Creates an index (checking existing documents for duplicates); false when an identical one exists. */
  createIndex(collection: Collection, spec: IndexSpec): boolean {
    const existing = collection.indexes.find(
      (index) => index.spec.name === spec.name || canonicalKey(index.spec.key) === canonicalKey(spec.key),
    );
    if (existing !== undefined) {
      const sameKey = canonicalKey(existing.spec.key) === canonicalKey(spec.key);
      const sameOptions =
        canonicalKey(existing.describe()) === canonicalKey(new CollectionIndex(spec).describe());
      if (sameKey && sameOptions) return false;
      if (!sameKey)
        throw new ServerError(
          ErrorCode.IndexKeySpecsConflict,
          `An existing index has the same name as the requested index. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      if (existing.spec.name === spec.name || this.isReplaying)
        throw new ServerError(
          ErrorCode.IndexOptionsConflict,
          `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing.spec)}`,
        );
      throw new ServerError(
        ErrorCode.IndexOptionsConflict,
        `Index already exists with a different name: ${existing.spec.name}`,
      );
    }
    const index = new CollectionIndex(spec);
    for (const [id, record] of collection.docs) {
      if (!this.isReplaying) index.checkUnique(record.doc, id, collection.namespace);
      index.add(record.doc, id);
    }
    collection.indexes.push(index);
    this.record({ op: 'createIndex', ns: collection.namespace, spec: { ...spec } });
    return true;
  }

  /** collMod: new collection options and index changes (`hidden`, `expireAfterSeconds`), journaled. */
  modifyCollection(collection: Collection, options: Document, indexes: Document[]): void {
    collection.setOptions(options);
    for (const change of indexes) {
      const index = collection.findIndex(String(change.name));
      if (index === undefined) continue;
      if (change.hidden !== undefined) index.spec.hidden = change.hidden === true ? true : undefined;
      if (change.expireAfterSeconds !== undefined)
        index.spec.expireAfterSeconds = Number(change.expireAfterSeconds);
    }
    this.record({ op: 'collMod', ns: collection.namespace, options, indexes });
  }

  dropIndex(collection: Collection, name: string): void {
    const position = collection.indexes.findIndex((index) => index.spec.name === name);
    if (position < 0) throw new ServerError(ErrorCode.IndexNotFound, `index not found with name [${name}]`);
    collection.indexes.splice(position, 1);
    this.record({ op: 'dropIndex', ns: collection.namespace, name });
  }

  // ---- reads ---------------------------------------------------------------------------------

  /** The version of a document a transaction sees: its own writes, else the snapshot. */
  private visible(collection: Collection, key: string, txn: Transaction | undefined): Document | undefined {
    if (txn !== undefined) {
      const overlay = txn.overlay(collection);
      if (overlay?.has(key) === true) return overlay.get(key) ?? undefined;
      const history = collection.history.get(key);
      if (history !== undefined) {
        for (const entry of history) if (entry.replacedAt > txn.snapshot) return entry.doc ?? undefined;
      }
      const record = collection.docs.get(key);
      return record !== undefined && record.version <= txn.snapshot ? record.doc : undefined;
    }
    return collection.docs.get(key)?.doc;
  }

  /** Looks up one document by its `_id` value. */
  findById(collection: Collection, id: unknown, txn?: Transaction): Document | undefined {
    return this.visible(collection, canonicalKey(id), txn);
  }

  /** Runs a filter through the planner; returns matching documents in candidate order. */
  query(
    collection: Collection,
    options: { filter?: Document; predicate: Predicate; sort: SortKey[]; limit?: number; txn?: Transaction },
  ): QueryResult {
    const { predicate, txn } = options;
    const plan = planQuery(collection, options.filter, options.sort);
    const isSorted =
      plan.stage === 'IXSCAN' &&
      plan.isSorted &&
      (txn === undefined || txn.overlay(collection) === undefined) &&
      collection.history.size === 0;
    const entries: Array<{ key: string; doc: Document }> = [];
    let docsExamined = 0;
    // A limit can stop the scan early only when the candidates already come in the requested order.
    const limit =
      options.sort.length === 0 || isSorted
        ? (options.limit ?? Number.POSITIVE_INFINITY)
        : Number.POSITIVE_INFINITY;
    const consider = (key: string): boolean => {
      const doc = this.visible(collection, key, txn);
      if (doc === undefined) return true;
      docsExamined++;
      if (predicate(doc)) entries.push({ key, doc });
      return entries.length < limit;
    };
    if (plan.stage === 'COLLSCAN') {
      if (txn === undefined) {
        for (const [key, record] of collection.docs) {
          docsExamined++;
          if (predicate(record.doc)) {
            entries.push({ key, doc: record.doc });
            if (entries.length >= limit) break;
          }
        }
      } else {
        for (const key of this.transactionKeys(collection, collection.docs.keys(), txn))
          if (!consider(key)) break;
      }
    } else {
      const keys = txn === undefined ? plan.ids : this.transactionKeys(collection, plan.ids, txn);
      for (const key of keys) if (!consider(key)) break;
    }
    this.docsExaminedTotal += docsExamined;
    return { entries, plan, docsExamined, isSorted };
  }

  /** Candidate keys inside a transaction: the plan's, plus documents changed since the snapshot or by the transaction. */
  private transactionKeys(
    collection: Collection,
    base: Iterable<string>,
    txn: Transaction,
  ): Iterable<string> {
    const extra = [...collection.history.keys(), ...(txn.overlay(collection)?.keys() ?? [])];
    if (extra.length === 0) return base;
    const keys = new Set(base);
    for (const key of extra) keys.add(key);
    return keys;
  }

  // ---- writes --------------------------------------------------------------------------------

  /** Inserts a document (buffered when inside a transaction). */
  insert(collection: Collection, original: Document, txn?: Transaction): void {
    // MongoDB stores _id as the first field whatever order the client sent.
    const doc = Object.keys(original)[0] === '_id' ? original : withIdFirst(original);
    validateForStorage(doc);
    const key = canonicalKey(doc._id);
    if (this.visible(collection, key, txn) !== undefined) {
      throw idDuplicate(collection, doc._id);
    }
    if (collection.hasValidator && !this.isValidationBypassed && !this.isReplaying)
      collection.validate(doc, undefined, this.log);
    if (txn !== undefined) this.bufferWrite(collection, key, doc, txn);
    else this.commitWrite(collection, key, doc);
  }

  /** Replaces a stored document with a new version. */
  replace(collection: Collection, key: string, doc: Document, txn?: Transaction): void {
    validateForStorage(doc);
    if (collection.hasValidator && !this.isValidationBypassed && !this.isReplaying)
      collection.validate(doc, this.visible(collection, key, txn), this.log);
    if (txn !== undefined) this.bufferWrite(collection, key, doc, txn);
    else this.commitWrite(collection, key, doc);
  }

  /** Deletes a stored document. */
  remove(collection: Collection, key: string, txn?: Transaction): void {
    if (txn !== undefined) this.bufferWrite(collection, key, null, txn);
    else this.commitWrite(collection, key, null);
  }

  private changedSince(collection: Collection, key: string, snapshot: number): boolean {
    const record = collection.docs.get(key);
    if (record !== undefined && record.version > snapshot) return true;
    return collection.history.get(key)?.some((entry) => entry.replacedAt > snapshot) === true;
  }

  private bufferWrite(collection: Collection, key: string, doc: Document | null, txn: Transaction): void {
    if (this.changedSince(collection, key, txn.snapshot)) throw writeConflict();
    for (const other of this.activeTransactions) {
      if (other !== txn && other.overlay(collection)?.has(key) === true) throw writeConflict();
    }
    if (doc !== null) this.checkUniqueInTransaction(collection, key, doc, txn);
    let overlay = txn.writes.get(collection);
    if (overlay === undefined) {
      overlay = new Map();
      txn.writes.set(collection, overlay);
    }
    overlay.set(key, doc);
  }

  private checkUniqueInTransaction(
    collection: Collection,
    key: string,
    doc: Document,
    txn: Transaction,
  ): void {
    const overlay = txn.overlay(collection);
    for (const index of collection.indexes) {
      if (!index.isUnique) continue;
      for (const indexKey of index.keysOf(doc)) {
        const candidates = new Set(index.holdersOf(indexKey) ?? []);
        for (const other of overlay?.keys() ?? []) candidates.add(other);
        for (const other of candidates) {
          if (other === key) continue;
          const otherDoc = this.visible(collection, other, txn);
          if (otherDoc !== undefined && index.keysOf(otherDoc).includes(indexKey)) {
            throw index.duplicateErrorForKey(doc, indexKey, collection.namespace);
          }
        }
      }
    }
  }

  /** Applies one committed write: unique checks first, then history, indexes, data and the journal op. */
  private commitWrite(collection: Collection, key: string, doc: Document | null): void {
    const previous = collection.docs.get(key);
    if (doc !== null)
      for (const index of collection.indexes) index.checkUnique(doc, key, collection.namespace);
    const version = ++this.sequence;
    if (this.activeTransactions.size > 0) {
      let history = collection.history.get(key);
      if (history === undefined) {
        history = [];
        collection.history.set(key, history);
      }
      history.push({ doc: previous?.doc ?? null, replacedAt: version });
      this.collectionsWithHistory.add(collection);
    }
    for (const index of collection.indexes) {
      if (previous !== undefined && doc !== null && !index.isAffectedBy(previous.doc, doc)) continue;
      if (previous !== undefined) index.remove(previous.doc, key);
      if (doc !== null) index.add(doc, key);
    }
    if (doc === null) {
      if (previous === undefined) return;
      collection.docs.delete(key);
      this.record({ op: 'delete', ns: collection.namespace, id: previous.doc._id });
    } else {
      collection.docs.set(key, { doc, version });
      this.record({ op: 'put', ns: collection.namespace, doc });
    }
  }

  // ---- transactions --------------------------------------------------------------------------

  beginTransaction(txnNumber: bigint): Transaction {
    const txn = new Transaction(this.sequence, txnNumber);
    this.activeTransactions.add(txn);
    return txn;
  }

  /** Applies a transaction's writes atomically, or throws (WriteConflict / E11000) having applied none. */
  commitTransaction(txn: Transaction): void {
    if (txn.state !== 'active') return;
    try {
      for (const [collection, overlay] of txn.writes) {
        if (collection.isDropped) throw writeConflict();
        for (const key of overlay.keys())
          if (this.changedSince(collection, key, txn.snapshot)) throw writeConflict();
      }
      const undo: Array<{ collection: Collection; key: string; previous: Document | null }> = [];
      const opsBefore = this.pendingOps.length;
      try {
        for (const [collection, overlay] of txn.writes) {
          for (const [key, doc] of overlay) {
            const previous = collection.docs.get(key)?.doc ?? null;
            if (previous === null && doc === null) continue;
            this.commitWrite(collection, key, doc);
            undo.push({ collection, key, previous });
          }
        }
      } catch (error) {
        for (const step of undo.reverse()) this.restore(step.collection, step.key, step.previous);
        this.pendingOps.length = opsBefore;
        throw error;
      }
      txn.state = 'committed';
    } finally {
      if (txn.state !== 'committed') txn.state = 'aborted';
      this.endTransaction(txn);
    }
  }

  abortTransaction(txn: Transaction): void {
    if (txn.state === 'active') txn.state = 'aborted';
    this.endTransaction(txn);
  }

  private endTransaction(txn: Transaction): void {
    this.activeTransactions.delete(txn);
    if (this.activeTransactions.size > 0) return;
    // History only serves open snapshots; with none left it can go.
    for (const collection of this.collectionsWithHistory) collection.history.clear();
    this.collectionsWithHistory.clear();
  }

  /** Undoes a commitWrite during a failed transaction commit (no journal op: the ops are discarded). */
  private restore(collection: Collection, key: string, previous: Document | null): void {
    const current = collection.docs.get(key);
    for (const index of collection.indexes) {
      if (current !== undefined) index.remove(current.doc, key);
      if (previous !== null) index.add(previous, key);
    }
    if (previous === null) collection.docs.delete(key);
    else collection.docs.set(key, { doc: previous, version: ++this.sequence });
  }

  // ---- durability ----------------------------------------------------------------------------

  private record(op: JournalOp): void {
    if (this.sink !== undefined && !this.isReplaying) this.pendingOps.push(op);
  }

  /** Hands the changes of the finished command to the journal, as one atomic record. */
  flush(isSyncRequested = false): void {
    if (this.pendingOps.length === 0 || this.sink === undefined) return;
    const ops = this.pendingOps;
    this.pendingOps = [];
    this.sink.append(ops, isSyncRequested);
  }

  /** Re-applies journaled ops during recovery, without re-journaling them. */
  replay(op: JournalOp): void {
    this.isReplaying = true;
    try {
      const [db = '', ...rest] = 'ns' in op ? op.ns.split('.') : [];
      const name = rest.join('.');
      switch (op.op) {
        case 'create':
          if (this.getCollection(db, name) === undefined) this.createCollection(db, name, op.options);
          break;
        case 'drop':
          this.dropCollection(db, name);
          break;
        case 'dropDatabase':
          this.dropDatabase(op.db);
          break;
        case 'rename': {
          const [fromDb = '', ...fromRest] = op.from.split('.');
          const [toDb = '', ...toRest] = op.to.split('.');
          this.renameCollection(
            { db: fromDb, name: fromRest.join('.') },
            { db: toDb, name: toRest.join('.') },
            true,
          );
          break;
        }
        case 'createIndex':
          this.createIndex(this.ensureCollection(db, name), op.spec as IndexSpec);
          break;
        case 'collMod': {
          const collection = this.getCollection(db, name);
          if (collection !== undefined) this.modifyCollection(collection, op.options, op.indexes);
          break;
        }
        case 'dropIndex': {
          const collection = this.getCollection(db, name);
          if (collection?.findIndex(op.name) !== undefined) this.dropIndex(collection, op.name);
          break;
        }
        case 'put': {
          const collection = this.ensureCollection(db, name);
          const key = canonicalKey(op.doc._id);
          const previous = collection.docs.get(key);
          for (const index of collection.indexes) {
            if (previous !== undefined) index.remove(previous.doc, key);
            index.add(op.doc, key);
          }
          collection.docs.set(key, { doc: op.doc, version: ++this.sequence });
          break;
        }
        case 'delete': {
          const collection = this.getCollection(db, name);
          if (collection !== undefined) this.commitWrite(collection, canonicalKey(op.id), null);
          break;
        }
      }
    } finally {
      this.isReplaying = false;
    }
  }

  /** Every op needed to rebuild the current state: the content of a snapshot. */
  *snapshotOps(): Generator<JournalOp> {
    for (const [db, collections] of this.databases) {
      for (const collection of collections.values()) {
        const ns = `${db}.${collection.name}`;
        yield { op: 'create', ns, options: collection.options };
        for (const index of collection.indexes) yield { op: 'createIndex', ns, spec: { ...index.spec } };
        for (const record of collection.docs.values()) yield { op: 'put', ns, doc: record.doc };
      }
    }
  }
}

function idDuplicate(collection: Collection, id: unknown): ServerError {
  const idIndex = new CollectionIndex({ name: '_id_', key: { _id: 1 } });
  return idIndex.duplicateError([id], collection.namespace);
}
