import { Double, Int32, Long, type Document } from 'bson';

/**
 * Value helpers shared by the query engine, the indexes and the update engine.
 *
 * Documents are kept exactly as deserialized with `promoteValues: false`, so numbers arrive as
 * Int32 / Double / Long wrappers and are written back with the type the client chose. Every helper
 * here also accepts plain JS numbers (produced by aggregation expressions).
 */

/**
 * The prototype of every document the server holds: an empty object with no prototype of its own. A
 * user's field name is data, so `doc.constructor`, `doc.toString` or `doc.__proto__` must read the
 * document's own field (or nothing), never something inherited from `Object.prototype`, and writing
 * `doc['__proto__'] = x` must create a field instead of changing the object's prototype. Objects made
 * with `Object.create(DOCUMENT_PROTOTYPE)` stay in V8's fast mode (`Object.create(null)` objects do not).
 */
const DOCUMENT_PROTOTYPE: object = Object.freeze(Object.create(null) as object);

/** A new empty document (no inherited properties: any string is a safe key). */
export function newDocument(): Document {
  return Object.create(DOCUMENT_PROTOTYPE) as Document;
}

/**
 * Re-parents, in place, every embedded document of a value freshly decoded from BSON (a command or a
 * journal record) onto DOCUMENT_PROTOTYPE, so no later lookup by field name can reach Object.prototype.
 * The BSON decoder already stores a field named `__proto__` as an own property.
 */
export function adoptDocuments<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (const element of value) if (element !== null && typeof element === 'object') adoptDocuments(element);
    return value;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== DOCUMENT_PROTOTYPE) return value;
  if (prototype === Object.prototype) Object.setPrototypeOf(value, DOCUMENT_PROTOTYPE);
  const doc = value as Document;
  for (const key in doc) {
    const nested: unknown = doc[key];
    if (nested !== null && typeof nested === 'object') adoptDocuments(nested);
  }
  return value;
}

/** A copy of `doc` (shallow) with `_id` as its first field: `id` when given, else the document's own. */
export function withIdFirst(doc: Document, id: unknown = doc._id): Document {
  const out = newDocument();
  if (id !== undefined) out._id = id;
  for (const key of Object.keys(doc)) if (key !== '_id') out[key] = doc[key];
  return out;
}

/** A JS object that is a BSON embedded document (not an array and not a BSON value class). */
export function isPlainObject(value: unknown): value is Document {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  if ('_bsontype' in value) return false;
  return !(value instanceof Date) && !(value instanceof RegExp) && !(value instanceof Uint8Array);
}

function bsonType(value: object): string | undefined {
  const tag = (value as { _bsontype?: unknown })._bsontype;
  return typeof tag === 'string' ? tag : undefined;
}

/** True for every numeric representation (JS number, Int32, Double, Long, Decimal128). */
export function isNumeric(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  if (value === null || typeof value !== 'object') return false;
  const tag = bsonType(value);
  return tag === 'Int32' || tag === 'Double' || tag === 'Long' || tag === 'Decimal128';
}

/** The numeric value as a JS number or, for int64 outside the safe range, a bigint. */
export function numericValue(value: unknown): number | bigint {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (value !== null && typeof value === 'object') {
    const tag = bsonType(value);
    if (tag === 'Int32' || tag === 'Double') return (value as Int32 | Double).value;
    if (tag === 'Long') {
      const long = value as Long;
      const asNumber = long.toNumber();
      return Number.isSafeInteger(asNumber) ? asNumber : long.toBigInt();
    }
    if (tag === 'Decimal128') return Number.parseFloat(String(value));
  }
  return Number.NaN;
}

/** Numeric value as a JS number (lossy for huge int64, fine for options like limit or skip). */
export function toNumber(value: unknown, fallback = 0): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const n = numericValue(value);
  return typeof n === 'bigint' ? Number(n) : Number.isNaN(n) ? fallback : n;
}

/** Which numeric BSON type a value has: drives result types of arithmetic. */
export type NumericKind = 'int' | 'long' | 'double' | 'decimal';

export function numericKind(value: unknown): NumericKind {
  if (typeof value === 'number')
    return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? 'int' : 'double';
  if (typeof value === 'bigint') return 'long';
  const tag = value !== null && typeof value === 'object' ? bsonType(value) : undefined;
  if (tag === 'Int32') return 'int';
  if (tag === 'Long') return 'long';
  if (tag === 'Decimal128') return 'decimal';
  return 'double';
}

/** Builds a number of the given kind, widening int32 to int64 on overflow like MongoDB. */
export function makeNumber(kind: NumericKind, value: number | bigint): unknown {
  if (kind === 'double' || kind === 'decimal') return new Double(Number(value));
  if (typeof value === 'bigint') {
    return kind === 'int' && value >= -0x80000000n && value <= 0x7fffffffn
      ? new Int32(Number(value))
      : Long.fromBigInt(value);
  }
  if (kind === 'int' && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff)
    return new Int32(value);
  if (Number.isSafeInteger(value)) return Long.fromNumber(value);
  return new Double(value);
}

/** The wider of two numeric kinds (int < long < double). */
export function widerKind(a: NumericKind, b: NumericKind): NumericKind {
  const order: NumericKind[] = ['int', 'long', 'double', 'decimal'];
  return order[Math.max(order.indexOf(a), order.indexOf(b))] ?? 'double';
}

/** Rank of a value in MongoDB's cross-type sort order (MinKey < null < numbers < strings < ...). */
export function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 2;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    case 'object':
      break;
    default:
      return 5;
  }
  if (Array.isArray(value)) return 6;
  if (value instanceof Date) return 10;
  if (value instanceof RegExp) return 12;
  if (value instanceof Uint8Array) return 7;
  switch (bsonType(value)) {
    case undefined:
      return 5;
    case 'MinKey':
      return 1;
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
}

function compareNumbers(a: unknown, b: unknown): number {
  const x = numericValue(a);
  const y = numericValue(b);
  if (typeof x === 'number' && typeof y === 'number') {
    // MongoDB orders NaN below every other number and treats NaN as equal to NaN.
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
    if (Number.isNaN(y)) return 1;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const bx = typeof x === 'bigint' ? x : Number.isInteger(x) ? BigInt(x) : undefined;
  const by = typeof y === 'bigint' ? y : Number.isInteger(y) ? BigInt(y) : undefined;
  if (bx !== undefined && by !== undefined) return bx < by ? -1 : bx > by ? 1 : 0;
  const nx = Number(x);
  const ny = Number(y);
  return nx < ny ? -1 : nx > ny ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  // MongoDB's simple collation compares UTF-8 bytes; for the BMP this equals code unit order.
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The bytes and subtype of a BSON binary (a bare Uint8Array is generic binary, subtype 0). */
function binaryParts(value: unknown): { bytes: Uint8Array; subtype: number } {
  if (value instanceof Uint8Array) return { bytes: value, subtype: 0 };
  const binary = value as { buffer: Uint8Array; position?: number; sub_type: number };
  const length = binary.position ?? binary.buffer.length;
  return { bytes: binary.buffer.subarray(0, length), subtype: binary.sub_type };
}

/** MongoDB's binary order: length first, then subtype, then the bytes. */
function compareBinary(a: unknown, b: unknown): number {
  const x = binaryParts(a);
  const y = binaryParts(b);
  if (x.bytes.length !== y.bytes.length) return x.bytes.length < y.bytes.length ? -1 : 1;
  if (x.subtype !== y.subtype) return x.subtype < y.subtype ? -1 : 1;
  return Buffer.compare(x.bytes, y.bytes);
}

/** Total order over BSON values, as MongoDB sorts and compares them. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3:
      return compareNumbers(a, b);
    case 4:
      return compareStrings(String(a), String(b));
    case 5:
      return compareDocuments(a as Document, b as Document);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      const n = Math.min(x.length, y.length);
      for (let i = 0; i < n; i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
    }
    case 7:
      return compareBinary(a, b);
    case 8:
      return compareObjectIds(a, b);
    case 9:
      return a === b ? 0 : a === false ? -1 : 1;
    case 10:
      return Math.sign((a as Date).getTime() - (b as Date).getTime());
    case 11:
      return (a as Long).compare(b as Long);
    default:
      return compareStrings(String(a), String(b));
  }
}

/** ObjectIds order by their 12 bytes (the same order as their hex strings, without making the strings). */
function compareObjectIds(a: unknown, b: unknown): number {
  const x = (a as { id?: unknown }).id;
  const y = (b as { id?: unknown }).id;
  if (x instanceof Uint8Array && y instanceof Uint8Array) {
    for (let i = 0; i < 12; i++) {
      const d = (x[i] as number) - (y[i] as number);
      if (d !== 0) return d < 0 ? -1 : 1;
    }
    return 0;
  }
  return compareStrings(
    (a as { toHexString(): string }).toHexString(),
    (b as { toHexString(): string }).toHexString(),
  );
}

function compareDocuments(a: Document, b: Document): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const rankCompare = typeRank(a[fa]) - typeRank(b[fb]);
    if (rankCompare !== 0) return rankCompare < 0 ? -1 : 1;
    const nameCompare = compareStrings(fa, fb);
    if (nameCompare !== 0) return nameCompare;
    const valueCompare = compareValues(a[fa], b[fb]);
    if (valueCompare !== 0) return valueCompare;
  }
  return ka.length === kb.length ? 0 : ka.length < kb.length ? -1 : 1;
}

/** Equality as MongoDB's `$eq` sees it: numbers equal across types, documents field by field. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return typeRank(a) === typeRank(b) && compareValues(a, b) === 0;
}

function numberKey(value: unknown): string {
  const n = numericValue(value);
  if (typeof n === 'bigint') return n.toString();
  if (Number.isNaN(n)) return 'NaN';
  if (Number.isInteger(n) && !Number.isSafeInteger(n) && Number.isFinite(n)) return BigInt(n).toString();
  return n === 0 ? '0' : String(n);
}

/**
 * A string that is equal for two values exactly when `valuesEqual` holds: the key of hash indexes,
 * `_id` lookups, `$group`/`distinct` buckets.
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'z';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
    case 'bigint':
      return 'n' + numberKey(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      break;
    default:
      return 'u' + String(value);
  }
  if (Array.isArray(value)) return '[' + value.map(canonicalKey).join(',') + ']';
  if (value instanceof Date) return 'd' + value.getTime();
  if (value instanceof RegExp) return 'r' + JSON.stringify(value.source) + value.flags;
  if (value instanceof Uint8Array) return 'b0:' + Buffer.from(value).toString('base64');
  switch (bsonType(value)) {
    case undefined:
      return (
        '{' +
        Object.entries(value)
          .map(([k, v]) => JSON.stringify(k) + ':' + canonicalKey(v))
          .join(',') +
        '}'
      );
    case 'ObjectId':
      return 'o' + (value as { toHexString(): string }).toHexString();
    case 'Int32':
    case 'Double':
    case 'Long':
    case 'Decimal128':
      return 'n' + numberKey(value);
    case 'Binary': {
      const { bytes, subtype } = binaryParts(value);
      return 'b' + subtype + ':' + Buffer.from(bytes).toString('base64');
    }
    case 'Timestamp':
      return 'T' + (value as Long).toString();
    case 'BSONRegExp': {
      const regex = value as { pattern: string; options: string };
      return 'r' + JSON.stringify(regex.pattern) + regex.options;
    }
    case 'MinKey':
      return 'm';
    case 'MaxKey':
      return 'M';
    case 'BSONSymbol':
      return JSON.stringify(String(value));
    default:
      return 'x' + JSON.stringify(value);
  }
}

/** Deep copy of plain documents and arrays; BSON value objects are immutable and shared. */
export function cloneValue<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isPlainObject(value)) {
    const copy = newDocument();
    for (const key of Object.keys(value)) copy[key] = cloneValue(value[key]);
    return copy as T;
  }
  return value;
}

/**
 * A document's own field, never an inherited property. Stored documents and decoded commands have no
 * inherited properties (see DOCUMENT_PROTOTYPE); this guards the objects a client library or mingo made.
 */
export function ownField(doc: Document, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(doc, name) ? doc[name] : undefined;
}

/** Reads a dotted path without traversing arrays except by numeric component. */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (Array.isArray(current)) {
      const index = Number(part);
      if (!Number.isInteger(index)) return undefined;
      current = current[index];
    } else if (isPlainObject(current)) {
      current = ownField(current, part);
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * Every value a dotted path reaches, traversing arrays the way MongoDB queries and indexes do.
 * Arrays at the end of the path are expanded into their elements (multikey semantics).
 */
export function collectPathValues(doc: unknown, parts: readonly string[], out: unknown[], index = 0): void {
  if (index === parts.length) {
    if (Array.isArray(doc)) {
      if (doc.length === 0) out.push(undefined);
      for (const element of doc) out.push(element);
    } else {
      out.push(doc);
    }
    return;
  }
  const part = parts[index] as string;
  if (Array.isArray(doc)) {
    const position = Number(part);
    if (Number.isInteger(position) && position >= 0) {
      collectPathValues(doc[position], parts, out, index + 1);
      return;
    }
    for (const element of doc) {
      if (isPlainObject(element)) collectPathValues(ownField(element, part), parts, out, index + 1);
    }
    return;
  }
  if (isPlainObject(doc)) collectPathValues(ownField(doc, part), parts, out, index + 1);
  else out.push(undefined);
}

/** Converts stored values into plain JS values (numbers unwrapped), e.g. to print them in messages. */
export function toPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPlain);
  if (isPlainObject(value)) {
    const copy = newDocument();
    for (const key of Object.keys(value)) copy[key] = toPlain(value[key]);
    return copy;
  }
  if (value !== null && typeof value === 'object') {
    const tag = bsonType(value);
    if (tag === 'Int32' || tag === 'Double') return (value as Int32 | Double).value;
    if (tag === 'Long') {
      const n = (value as Long).toNumber();
      return Number.isSafeInteger(n) ? n : value;
    }
    if (tag === 'BSONRegExp') {
      const regex = value as { pattern: string; options: string };
      return new RegExp(regex.pattern, regex.options.replace(/[^imsu]/g, ''));
    }
  }
  return value;
}

/** Name of a value's BSON type as `$type` reports it. */
export function bsonTypeName(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) && Math.abs(value) <= 0x7fffffff ? 'int' : 'double';
    case 'bigint':
      return 'long';
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    default:
      break;
  }
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'date';
  if (value instanceof RegExp) return 'regex';
  if (value instanceof Uint8Array) return 'binData';
  const names: Record<string, string> = {
    Int32: 'int',
    Double: 'double',
    Long: 'long',
    Decimal128: 'decimal',
    ObjectId: 'objectId',
    Binary: 'binData',
    Timestamp: 'timestamp',
    BSONRegExp: 'regex',
    MinKey: 'minKey',
    MaxKey: 'maxKey',
    Code: 'javascript',
    BSONSymbol: 'symbol',
    DBRef: 'object',
  };
  const tag = typeof value === 'object' ? bsonType(value) : undefined;
  return tag === undefined ? 'object' : (names[tag] ?? 'object');
}

/** The numeric `$type` aliases MongoDB accepts. */
export const typeNumbers: Record<number, string> = {
  1: 'double',
  2: 'string',
  3: 'object',
  4: 'array',
  5: 'binData',
  6: 'undefined',
  7: 'objectId',
  8: 'bool',
  9: 'date',
  10: 'null',
  11: 'regex',
  13: 'javascript',
  14: 'symbol',
  16: 'int',
  17: 'timestamp',
  18: 'long',
  19: 'decimal',
  [-1]: 'minKey',
  127: 'maxKey',
};
