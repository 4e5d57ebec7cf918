import type { Document } from 'bson';
import {
  canonicalKey,
  collectPathValues,
  compareValues,
  isNumeric,
  isPlainObject,
  newDocument,
  numericValue,
  toPlain,
  typeRank,
} from './bson-values.js';
import { compileFilter, type Predicate } from './query-matcher.js';
import { ErrorCode, ServerError, unsupported } from './server-error.js';

/** An index definition as `createIndexes` receives it and `listIndexes` returns it. */
export interface IndexSpec {
  name: string;
  key: Document;
  unique?: boolean;
  sparse?: boolean;
  partialFilterExpression?: Document;
  expireAfterSeconds?: number;
  /** Kept by the index, not used by the planner or by `hint` (collMod can change it). */
  hidden?: boolean;
  /** Other options the client gave at creation, returned as given by listIndexes. */
  extra?: Document;
}

interface IndexField {
  path: string;
  parts: string[];
  direction: 1 | -1;
}

interface OrderedEntry {
  values: unknown[];
  id: string;
}

/** Inclusive/exclusive bounds on the first field of an index, for range scans. */
export interface RangeBounds {
  lower?: { value: unknown; isInclusive: boolean };
  upper?: { value: unknown; isInclusive: boolean };
}

function compareTuples(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return 0;
}

/** Renders a key value the way MongoDB prints it in E11000 messages. */
export function formatKeyValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (isNumeric(value)) return String(numericValue(value));
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (typeof value === 'object' && (value as { _bsontype?: string })._bsontype === 'ObjectId') {
    return `ObjectId('${(value as { toHexString(): string }).toHexString()}')`;
  }
  if (Array.isArray(value)) return `[ ${value.map(formatKeyValue).join(', ')} ]`;
  if (isPlainObject(value))
    return `{ ${Object.entries(value)
      .map(([k, v]) => `${k}: ${formatKeyValue(v)}`)
      .join(', ')} }`;
  return JSON.stringify(toPlain(value));
}

const supportedIndexTypes = new Set([1, -1]);

/**
 * One secondary (or unique) index: a hash map from key to document ids for equality lookups,
 * and a sorted array, built on first use, for ranges and sorts.
 */
export class CollectionIndex {
  readonly spec: IndexSpec;
  readonly fields: IndexField[];
  private readonly partial: Predicate | undefined;
  private readonly hash = new Map<string, Set<string>>();
  private ordered: OrderedEntry[] | undefined;
  /** Keys of each indexed document, so removal does not need the old document's key computation twice. */
  private readonly keysById = new Map<string, string[]>();

  constructor(spec: IndexSpec) {
    this.spec = spec;
    this.fields = Object.entries(spec.key).map(([path, direction]) => {
      const n = isNumeric(direction) ? Number(numericValue(direction)) : Number.NaN;
      if (!supportedIndexTypes.has(n)) {
        const kind = String(direction);
        if (kind === 'text') throw unsupported('Text indexes', ErrorCode.CannotCreateIndex);
        if (kind === '2d' || kind === '2dsphere' || kind === 'geoHaystack')
          throw unsupported('Geospatial indexes', ErrorCode.CannotCreateIndex);
        throw unsupported(`Index type '${kind}'`, ErrorCode.CannotCreateIndex);
      }
      return { path, parts: path.split('.'), direction: n as 1 | -1 };
    });
    if (this.fields.length === 0)
      throw new ServerError(ErrorCode.CannotCreateIndex, 'Index keys cannot be empty.');
    this.partial =
      spec.partialFilterExpression === undefined ? undefined : compileFilter(spec.partialFilterExpression);
  }

  get isUnique(): boolean {
    return this.spec.unique === true;
  }

  /** Whether the planner may answer any query from this index (partial and sparse ones may miss documents). */
  get isUsableForQueries(): boolean {
    return this.partial === undefined && this.spec.sparse !== true && this.spec.hidden !== true;
  }

  /**
   * Whether a query whose equalities are `equalities` (path → value) only matches documents this index
   * holds: always for a full index; for a partial one, when every condition of its filter is a field
   * condition that the query's equality on that field satisfies (`{ status: 'active' }` for a query on
   * `status: 'active'`, `{ memberId: { $type: 'objectId' } }` for one on a member's id), as MongoDB
   * uses a partial index only for a query that implies its filter.
   */
  isUsableWith(equalities: ReadonlyMap<string, unknown>): boolean {
    if (this.isUsableForQueries) return true;
    if (this.partial === undefined || this.spec.sparse === true || this.spec.hidden === true) return false;
    const conditions = this.partialConditions();
    if (conditions === undefined) return false;
    return conditions.every(({ path, matches }) => {
      if (!equalities.has(path)) return false;
      return matches(documentWith(path, equalities.get(path)));
    });
  }

  private partialConditionsCache: Array<{ path: string; matches: Predicate }> | null | undefined;

  /** The partial filter as one predicate per field (undefined when it is not only field conditions). */
  private partialConditions(): Array<{ path: string; matches: Predicate }> | undefined {
    if (this.partialConditionsCache !== undefined) return this.partialConditionsCache ?? undefined;
    const out: Array<{ path: string; matches: Predicate }> = [];
    const collect = (filter: Document): boolean => {
      for (const [path, condition] of Object.entries(filter)) {
        if (path === '$and' && Array.isArray(condition)) {
          if (!condition.every((part) => isPlainObject(part) && collect(part as Document))) return false;
          continue;
        }
        if (path.startsWith('$')) return false;
        out.push({ path, matches: compileFilter({ [path]: condition }) });
      }
      return true;
    };
    const isSimple =
      this.spec.partialFilterExpression !== undefined && collect(this.spec.partialFilterExpression);
    this.partialConditionsCache = isSimple && out.length > 0 ? out : null;
    return this.partialConditionsCache ?? undefined;
  }

  /** The key tuples a document contributes (several when a field is an array). */
  private keyTuples(doc: Document): unknown[][] | undefined {
    if (this.partial !== undefined && !this.partial(doc)) return undefined;
    const perField: unknown[][] = [];
    // Most documents have one value per indexed field (no arrays): their one tuple is built directly.
    const tuple: unknown[] = [];
    let isMultikey = false;
    for (const field of this.fields) {
      const values: unknown[] = [];
      collectPathValues(doc, field.parts, values);
      if (values.length > 1) isMultikey = true;
      tuple.push(values[0]);
      perField.push(values.length === 0 ? [undefined] : values);
    }
    if (!isMultikey) {
      if (this.spec.sparse === true && tuple.every((value) => value === undefined)) return undefined;
      return [tuple];
    }
    if (
      this.spec.sparse === true &&
      perField.every((values) => values.length === 1 && values[0] === undefined)
    )
      return undefined;
    let tuples: unknown[][] = [[]];
    for (const values of perField) {
      if (values.length > 1 && tuples.length > 1) {
        throw new ServerError(
          171,
          `cannot index parallel arrays [${this.fields.map((f) => f.path).join('] [')}]`,
        );
      }
      tuples = tuples.flatMap((tuple) => values.map((value) => [...tuple, value]));
    }
    return tuples;
  }

  private static tupleKey(tuple: unknown[]): string {
    return tuple.length === 1 ? canonicalKey(tuple[0]) : tuple.map(canonicalKey).join('|');
  }

  /** Throws E11000 if inserting `doc` (stored under `id`) would duplicate a key; `isVisible` hides ids being replaced. */
  checkUnique(
    doc: Document,
    id: string,
    namespace: string,
    isOwner: (otherId: string) => boolean = () => false,
  ): void {
    if (!this.isUnique) return;
    const tuples = this.keyTuples(doc);
    if (tuples === undefined) return;
    for (const tuple of tuples) {
      const holders = this.hash.get(CollectionIndex.tupleKey(tuple));
      if (holders === undefined) continue;
      for (const holder of holders) {
        if (holder !== id && !isOwner(holder)) throw this.duplicateError(tuple, namespace);
      }
    }
  }

  /** The E11000 error MongoDB reports for a duplicate of `tuple` in this index. */
  duplicateError(tuple: unknown[], namespace: string): ServerError {
    const keyValue = newDocument();
    this.fields.forEach((field, i) => {
      keyValue[field.path] = tuple[i] ?? null;
    });
    const rendered = this.fields.map((field, i) => `${field.path}: ${formatKeyValue(tuple[i])}`).join(', ');
    return new ServerError(
      ErrorCode.DuplicateKey,
      `E11000 duplicate key error collection: ${namespace} index: ${this.spec.name} dup key: { ${rendered} }`,
      { details: { keyPattern: { ...this.spec.key }, keyValue } },
    );
  }

  /** The E11000 error for `doc`'s tuple whose key string is `key`. */
  duplicateErrorForKey(doc: Document, key: string, namespace: string): ServerError {
    const tuple = (this.keyTuples(doc) ?? []).find((t) => CollectionIndex.tupleKey(t) === key) ?? [];
    return this.duplicateError(tuple, namespace);
  }

  /** The key strings of `doc` in this index, used to find other holders of the same key. */
  keysOf(doc: Document): string[] {
    const tuples = this.keyTuples(doc);
    return tuples === undefined ? [] : [...new Set(tuples.map(CollectionIndex.tupleKey))];
  }

  /** Ids holding a key string, for unique checks against views other than the committed state. */
  holdersOf(key: string): ReadonlySet<string> | undefined {
    return this.hash.get(key);
  }

  add(doc: Document, id: string): void {
    const tuples = this.keyTuples(doc);
    if (tuples === undefined) return;
    const keys: string[] = [];
    for (const tuple of tuples) {
      const key = CollectionIndex.tupleKey(tuple);
      if (keys.includes(key)) continue;
      keys.push(key);
      let holders = this.hash.get(key);
      if (holders === undefined) {
        holders = new Set();
        this.hash.set(key, holders);
      }
      holders.add(id);
      if (this.ordered !== undefined) {
        const entry = { values: tuple, id };
        this.ordered.splice(this.lowerBound(tuple, true), 0, entry);
      }
    }
    this.keysById.set(id, keys);
  }

  remove(doc: Document, id: string): void {
    const keys = this.keysById.get(id);
    if (keys === undefined) return;
    this.keysById.delete(id);
    for (const key of keys) {
      const holders = this.hash.get(key);
      holders?.delete(id);
      if (holders !== undefined && holders.size === 0) this.hash.delete(key);
    }
    if (this.ordered !== undefined) {
      const tuples = this.keyTuples(doc) ?? [];
      for (const tuple of tuples) {
        let position = this.lowerBound(tuple, false);
        while (position < this.ordered.length) {
          const entry = this.ordered[position] as OrderedEntry;
          if (compareTuples(entry.values, tuple) !== 0) break;
          if (entry.id === id) {
            this.ordered.splice(position, 1);
            break;
          }
          position++;
        }
      }
    }
  }

  /** Whether an update from `before` to `after` changes this index's keys (most updates do not). */
  isAffectedBy(before: Document, after: Document): boolean {
    const a = this.keysOf(before);
    const b = this.keysOf(after);
    return a.length !== b.length || a.some((key, i) => key !== b[i]);
  }

  /** Ids whose full key equals `tuple` (equality on every indexed field). */
  lookup(tuple: unknown[]): ReadonlySet<string> | undefined {
    return this.hash.get(CollectionIndex.tupleKey(tuple));
  }

  private ensureOrdered(): OrderedEntry[] {
    if (this.ordered === undefined) {
      // Rebuilt from the hash on first range use; afterwards maintained incrementally.
      throw new Error('ordered index not built');
    }
    return this.ordered;
  }

  /** Builds the sorted view from documents when a range or sort first needs it. */
  buildOrdered(documents: Iterable<[string, Document]>): void {
    if (this.ordered !== undefined) return;
    const entries: OrderedEntry[] = [];
    for (const [id, doc] of documents) {
      if (!this.keysById.has(id)) continue;
      const seen = new Set<string>();
      for (const tuple of this.keyTuples(doc) ?? []) {
        const key = CollectionIndex.tupleKey(tuple);
        if (seen.has(key)) continue;
        seen.add(key);
        entries.push({ values: tuple, id });
      }
    }
    entries.sort((a, b) => compareTuples(a.values, b.values));
    this.ordered = entries;
  }

  get hasOrdered(): boolean {
    return this.ordered !== undefined;
  }

  /** First position whose tuple is >= (or > when `isAfterEqual`) the given tuple prefix. */
  private lowerBound(tuple: unknown[], isAfterEqual: boolean): number {
    const entries = this.ordered ?? [];
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const c = compareTuples((entries[middle] as OrderedEntry).values.slice(0, tuple.length), tuple);
      if (c < 0 || (isAfterEqual && c === 0)) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Ids whose first field lies within the bounds, in index order; `keysExamined` counts the scan. */
  range(bounds: RangeBounds, counter: { keysExamined: number }): string[] {
    const entries = this.ensureOrdered();
    const { lower, upper } = bounds;
    let position = lower === undefined ? 0 : this.lowerBound([lower.value], !lower.isInclusive);
    if (lower === undefined && upper !== undefined) {
      // Comparisons are type-bracketed: start at the first key of the bound's type.
      position = this.firstOfRank(typeRank(upper.value));
    }
    const rank = typeRank(lower?.value ?? upper?.value);
    const ids: string[] = [];
    for (; position < entries.length; position++) {
      const entry = entries[position] as OrderedEntry;
      counter.keysExamined++;
      const first = entry.values[0];
      if (typeRank(first) !== rank) break;
      if (upper !== undefined) {
        const c = compareValues(first, upper.value);
        if (c > 0 || (c === 0 && !upper.isInclusive)) break;
      }
      ids.push(entry.id);
    }
    return ids;
  }

  /**
   * Ids whose first fields equal `prefix` and whose next field (if `next` is given) lies within its
   * bounds, in index order: a compound index serving equality on its leading fields and a range on the
   * one after them (`{ status: 'pending', dueAt: { $lte: now } }` on `{ status: 1, dueAt: 1 }`).
   */
  prefixRange(prefix: unknown[], next: RangeBounds | undefined, counter: { keysExamined: number }): string[] {
    const entries = this.ensureOrdered();
    const k = prefix.length;
    const lower = next?.lower;
    const upper = next?.upper;
    let position =
      lower === undefined
        ? this.lowerBound(prefix, false)
        : this.lowerBound([...prefix, lower.value], !lower.isInclusive);
    const rank = next === undefined ? undefined : typeRank(lower?.value ?? upper?.value);
    const seen = new Set<string>();
    const ids: string[] = [];
    for (; position < entries.length; position++) {
      const entry = entries[position] as OrderedEntry;
      counter.keysExamined++;
      if (compareTuples(entry.values.slice(0, k), prefix) !== 0) break;
      if (rank !== undefined) {
        const value = entry.values[k];
        // Comparisons are type-bracketed: keys of a lower type come first, those of a higher one end it.
        const valueRank = typeRank(value);
        if (valueRank < rank) continue;
        if (valueRank > rank) break;
        if (upper !== undefined) {
          const c = compareValues(value, upper.value);
          if (c > 0 || (c === 0 && !upper.isInclusive)) break;
        }
      }
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      ids.push(entry.id);
    }
    return ids;
  }

  private firstOfRank(rank: number): number {
    const entries = this.ordered ?? [];
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (typeRank((entries[middle] as OrderedEntry).values[0]) < rank) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** All ids in index order (ascending or descending), each once: serves sorts. */
  orderedIds(direction: 1 | -1): string[] {
    const entries = this.ensureOrdered();
    const seen = new Set<string>();
    const ids: string[] = [];
    const n = entries.length;
    for (let i = 0; i < n; i++) {
      const entry = entries[direction === 1 ? i : n - 1 - i] as OrderedEntry;
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
      ids.push(entry.id);
    }
    return ids;
  }

  /** Every indexed document id (for TTL sweeps over the indexed field). */
  indexedIds(): IterableIterator<string> {
    return this.keysById.keys();
  }

  /** The listIndexes representation. */
  describe(): Document {
    const out: Document = { v: 2, key: this.spec.key, name: this.spec.name };
    if (this.spec.unique === true) out.unique = true;
    if (this.spec.sparse === true) out.sparse = true;
    if (this.spec.partialFilterExpression !== undefined)
      out.partialFilterExpression = this.spec.partialFilterExpression;
    if (this.spec.expireAfterSeconds !== undefined) out.expireAfterSeconds = this.spec.expireAfterSeconds;
    if (this.spec.hidden === true) out.hidden = true;
    return out;
  }

  /** The listIndexes entry: the significant options plus whatever else the client gave at creation. */
  describeForListing(): Document {
    const out = this.describe();
    for (const [key, value] of Object.entries(this.spec.extra ?? {})) if (!(key in out)) out[key] = value;
    return out;
  }
}

/** Default index name, as MongoDB derives it: `a_1_b_-1`. */
export function defaultIndexName(key: Document): string {
  return Object.entries(key)
    .map(
      ([field, direction]) =>
        `${field}_${String(isNumeric(direction) ? numericValue(direction) : direction)}`,
    )
    .join('_');
}

/** Normalises a createIndexes spec, rejecting options this server cannot honour. */
export function parseIndexSpec(raw: unknown): IndexSpec {
  if (!isPlainObject(raw) || !isPlainObject(raw.key))
    throw new ServerError(
      ErrorCode.FailedToParse,
      "The 'key' field is a required property of an index specification",
    );
  if (raw.collation !== undefined && isPlainObject(raw.collation) && raw.collation.locale !== 'simple') {
    throw unsupported('collation not supported: non-simple collation on an index', ErrorCode.NotImplemented);
  }
  const spec: IndexSpec = {
    name: typeof raw.name === 'string' ? raw.name : defaultIndexName(raw.key),
    key: raw.key,
  };
  if (raw.unique === true) spec.unique = true;
  if (raw.sparse === true) spec.sparse = true;
  if (isPlainObject(raw.partialFilterExpression)) spec.partialFilterExpression = raw.partialFilterExpression;
  if (raw.expireAfterSeconds !== undefined)
    spec.expireAfterSeconds = Number(numericValue(raw.expireAfterSeconds));
  if (raw.hidden === true) spec.hidden = true;
  const known = new Set([
    'v',
    'key',
    'name',
    'ns',
    'unique',
    'sparse',
    'partialFilterExpression',
    'expireAfterSeconds',
    'hidden',
  ]);
  const extra = newDocument();
  for (const [key, value] of Object.entries(raw)) if (!known.has(key)) extra[key] = value;
  if (Object.keys(extra).length > 0) spec.extra = extra;
  return spec;
}

/** A document with `value` at a dotted `path` (to test one field's condition against a query's value). */
function documentWith(path: string, value: unknown): Document {
  const parts = path.split('.');
  const root: Document = {};
  let cursor: Document = root;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) cursor[part] = value;
    else {
      const next: Document = {};
      cursor[part] = next;
      cursor = next;
    }
  });
  return root;
}
