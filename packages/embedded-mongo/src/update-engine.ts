import { Double, Int32, Long, ObjectId, Timestamp, type Document } from 'bson';
import {
  bsonTypeName,
  cloneValue,
  compareValues,
  getPath,
  isNumeric,
  isPlainObject,
  newDocument,
  numericKind,
  numericValue,
  toPlain,
  valuesEqual,
  widerKind,
  withIdFirst,
} from './bson-values.js';
import { runStages } from './expression-engine.js';
import { compileFieldCondition, compileFilter, matchedArrayIndex, type Predicate } from './query-matcher.js';
import { parseSort, compileSort } from './sort-projection.js';
import { ErrorCode, ServerError, unsupported } from './server-error.js';

/** Context of one update: upsert insert or not, array filters and the query (for the `$` operator). */
export interface UpdateContext {
  isInsert: boolean;
  arrayFilters?: Document[];
  filter?: Document;
  /** `$$variables` bound by the command's `let` (pipeline updates). */
  variables?: Document;
}

/** The updated document and whether anything changed. */
export interface UpdateResult {
  doc: Document;
  isModified: boolean;
}

const updateOperators = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$setOnInsert',
  '$currentDate',
  '$push',
  '$addToSet',
  '$pull',
  '$pullAll',
  '$pop',
  '$bit',
]);

const pipelineUpdateStages = new Set([
  '$addFields',
  '$set',
  '$project',
  '$unset',
  '$replaceRoot',
  '$replaceWith',
]);

function fail(code: number, message: string): never {
  throw new ServerError(code, message);
}

/** Whether an update document is a replacement (no `$` operators) rather than an operator update. */
export function isReplacement(update: unknown): boolean {
  if (!isPlainObject(update)) return false;
  const keys = Object.keys(update);
  return keys.length === 0 || !keys[0]!.startsWith('$');
}

/** Checks an update's shape before any document is touched, so errors do not depend on the data. */
export function validateUpdate(update: unknown): void {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = isPlainObject(stage) ? Object.keys(stage)[0] : undefined;
      if (name === undefined || !pipelineUpdateStages.has(name))
        fail(ErrorCode.InvalidOptions, `${String(name)} is not allowed to be used within an update`);
    }
    return;
  }
  if (!isPlainObject(update))
    fail(ErrorCode.FailedToParse, 'Update argument must be either an object or an array');
  if (isReplacement(update)) {
    for (const key of Object.keys(update)) {
      if (key.startsWith('$'))
        fail(
          ErrorCode.DollarPrefixedFieldName,
          `The dollar ($) prefixed field '${key}' in '${key}' is not allowed in the context of an update's replacement document.`,
        );
    }
    return;
  }
  for (const [operator, fields] of Object.entries(update)) {
    if (!updateOperators.has(operator))
      fail(
        ErrorCode.FailedToParse,
        `Unknown modifier: ${operator}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    if (!isPlainObject(fields))
      fail(
        ErrorCode.FailedToParse,
        `Modifiers operate on fields but we found type ${bsonTypeName(fields)} instead.`,
      );
  }
}

function arithmetic(operator: '$inc' | '$mul', current: unknown, operand: unknown): unknown {
  const kind = widerKind(numericKind(current), numericKind(operand));
  if (kind === 'decimal') throw unsupported('Decimal128 arithmetic');
  const a = numericValue(current);
  const b = numericValue(operand);
  if (kind === 'double')
    return new Double(operator === '$inc' ? Number(a) + Number(b) : Number(a) * Number(b));
  const result = operator === '$inc' ? BigInt(a) + BigInt(b) : BigInt(a) * BigInt(b);
  if (kind === 'int' && result >= -0x80000000n && result <= 0x7fffffffn) return new Int32(Number(result));
  return Long.fromBigInt(result);
}

function describe(doc: Document): string {
  return `{_id: ${String(doc._id)}}`;
}

/** Walks to the parent of the last path component, creating objects on the way when asked. */
function resolveParent(
  root: Document,
  parts: string[],
  isCreating: boolean,
): { parent: Document | unknown[]; key: string } | undefined {
  let node: unknown = root;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    let next: unknown;
    if (Array.isArray(node)) {
      const index = Number(part);
      if (!Number.isInteger(index) || index < 0) {
        if (!isCreating) return undefined;
        fail(28, `Cannot create field '${part}' in element {${parts.slice(0, i).join('.')}: [...]}`);
      }
      next = node[index];
      if (next === undefined || next === null) {
        if (!isCreating) return undefined;
        while (node.length < index) node.push(null);
        next = newDocument();
        node[index] = next;
      }
    } else if (isPlainObject(node)) {
      next = node[part];
      if (next === undefined) {
        if (!isCreating) return undefined;
        next = newDocument();
        node[part] = next;
      }
    } else {
      return undefined;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) {
      if (!isCreating) return undefined;
      fail(
        28,
        `Cannot create field '${parts[i + 1] ?? ''}' in element {${part}: ${JSON.stringify(toPlain(next))}}`,
      );
    }
    node = next;
  }
  if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
  return { parent: node, key: parts[parts.length - 1] as string };
}

function readSlot(parent: Document | unknown[], key: string): unknown {
  return Array.isArray(parent) ? parent[Number(key)] : parent[key];
}

function writeSlot(parent: Document | unknown[], key: string, value: unknown): void {
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0) fail(28, `Cannot create field '${key}' in an array`);
    while (parent.length < index) parent.push(null);
    parent[index] = value;
  } else {
    parent[key] = value;
  }
}

function removeSlot(parent: Document | unknown[], key: string): boolean {
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index >= parent.length) return false;
    parent[index] = null;
    return true;
  }
  if (!(key in parent)) return false;
  delete parent[key];
  return true;
}

/** Finds the array index the query matched, for the positional `$` operator. */
function positionalIndex(doc: Document, prefix: string, filter: Document | undefined): number {
  const index = filter === undefined ? -1 : matchedArrayIndex(doc, prefix, filter);
  if (index >= 0) return index;
  return fail(ErrorCode.BadValue, 'The positional operator did not find the match needed from the query.');
}

/** `$`, `$[]` and `$[identifier]`: every other `$`-prefixed component (`$street`, `$*`) is a field name. */
function isPositionalToken(part: string): boolean {
  return part === '$' || (part.startsWith('$[') && part.endsWith(']'));
}

/** Expands `$`, `$[]` and `$[identifier]` into the concrete paths they designate in this document. */
function expandPath(
  doc: Document,
  path: string,
  context: UpdateContext,
  filters: Map<string, Predicate>,
): string[][] {
  const parts = path.split('.');
  if (!parts.some(isPositionalToken)) return [parts];
  let results: string[][] = [[]];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (!isPositionalToken(part)) {
      results = results.map((r) => [...r, part]);
      continue;
    }
    const next: string[][] = [];
    for (const prefix of results) {
      const array = getPath(doc, prefix.join('.'));
      if (part === '$') {
        if (context.isInsert)
          fail(ErrorCode.BadValue, 'The positional operator did not find the match needed from the query.');
        next.push([...prefix, String(positionalIndex(doc, prefix.join('.'), context.filter))]);
        continue;
      }
      if (!Array.isArray(array)) {
        if (context.isInsert && array === undefined) continue;
        fail(
          ErrorCode.BadValue,
          `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
        );
      }
      const identifier = part.slice(2, -1);
      const predicate = identifier === '' ? undefined : filters.get(identifier);
      if (identifier !== '' && predicate === undefined)
        fail(ErrorCode.BadValue, `No array filter found for identifier '${identifier}' in path '${path}'`);
      array.forEach((element, index) => {
        const wrapper = newDocument();
        wrapper[identifier] = element;
        if (predicate === undefined || predicate(wrapper)) next.push([...prefix, String(index)]);
      });
    }
    results = next;
  }
  return results;
}

function compileArrayFilters(arrayFilters: Document[] | undefined): Map<string, Predicate> {
  const filters = new Map<string, Predicate>();
  for (const filter of arrayFilters ?? []) {
    const identifiers = new Set(Object.keys(filter).map((k) => k.split('.')[0] as string));
    const identifier = [...identifiers][0];
    if (identifiers.size !== 1 || identifier === undefined)
      fail(
        ErrorCode.FailedToParse,
        'Error parsing array filter: each array filter must use a single top-level field name',
      );
    if (filters.has(identifier))
      fail(
        ErrorCode.FailedToParse,
        `Found multiple array filters with the same top-level field name ${identifier}`,
      );
    filters.set(identifier, compileFilter(filter));
  }
  return filters;
}

function checkConflicts(paths: string[]): void {
  const sorted = [...paths].sort();
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as string;
    const current = sorted[i] as string;
    if (current === previous || current.startsWith(previous + '.')) {
      fail(
        ErrorCode.ConflictingUpdateOperators,
        `Updating the path '${current}' would create a conflict at '${previous}'`,
      );
    }
  }
}

const queryLevelOperators = new Set([
  '$and',
  '$or',
  '$nor',
  '$expr',
  '$comment',
  '$where',
  '$text',
  '$jsonSchema',
]);

/**
 * `$pull`'s condition applied to each element as MongoDB does: a document whose fields are field names
 * or query-level operators (`$or`, `$and`, `$nor`, … — what mongoose's `pull(subdoc)` sends) is a query
 * against each document element; an operator object (`{$gte: 6}`, `{$in: […]}`, `{$elemMatch: …}`) is a
 * condition on each element's value; anything else is an equality.
 */
function pullMatcher(condition: unknown): (element: unknown) => boolean {
  if (isPlainObject(condition)) {
    const keys = Object.keys(condition);
    const isValueCondition =
      keys.length > 0 && keys.every((key) => key.startsWith('$') && !queryLevelOperators.has(key));
    if (isValueCondition) {
      const test = compileFieldCondition('v', condition);
      return (element) => {
        const wrapper = newDocument();
        wrapper.v = element;
        return test(wrapper);
      };
    }
    const predicate = compileFilter(condition);
    return (element) => isPlainObject(element) && predicate(element);
  }
  return (element) => valuesEqual(element, condition);
}

function isSameValue(a: unknown, b: unknown): boolean {
  return valuesEqual(a, b) && bsonTypeName(a) === bsonTypeName(b);
}

function applyPush(
  operator: '$push' | '$addToSet',
  current: unknown,
  operand: unknown,
  doc: Document,
  path: string,
): unknown[] | undefined {
  if (current !== undefined && !Array.isArray(current)) {
    fail(
      ErrorCode.BadValue,
      `The field '${path}' must be an array but is of type ${bsonTypeName(current)} in document ${describe(doc)}`,
    );
  }
  const array = current === undefined ? [] : [...current];
  const hasModifiers = isPlainObject(operand) && '$each' in operand;
  const items = hasModifiers ? (operand.$each as unknown) : [operand];
  if (!Array.isArray(items))
    fail(ErrorCode.BadValue, `The argument to $each in ${operator} must be an array`);
  if (operator === '$addToSet') {
    let added = false;
    for (const item of items) {
      if (!array.some((existing) => valuesEqual(existing, item))) {
        array.push(cloneValue(item));
        added = true;
      }
    }
    return added || current === undefined ? array : undefined;
  }
  const options = hasModifiers ? operand : {};
  const position = options.$position === undefined ? array.length : Number(numericValue(options.$position));
  const at = position < 0 ? Math.max(0, array.length + position) : Math.min(position, array.length);
  array.splice(at, 0, ...items.map(cloneValue));
  if (options.$sort !== undefined) {
    const sortSpec = options.$sort;
    if (isPlainObject(sortSpec)) {
      const comparator = compileSort(parseSort(sortSpec));
      if (comparator !== undefined)
        array.sort((a, b) => comparator(isPlainObject(a) ? a : {}, isPlainObject(b) ? b : {}));
    } else {
      const direction = Number(numericValue(sortSpec));
      array.sort((a, b) => compareValues(a, b) * direction);
    }
  }
  if (options.$slice !== undefined) {
    const n = Number(numericValue(options.$slice));
    const sliced = n >= 0 ? array.slice(0, n) : array.slice(n);
    return sliced;
  }
  return array;
}

/** Applies one operator to one concrete path of a working copy; returns whether it changed anything. */
function applyOperator(
  doc: Document,
  operator: string,
  parts: string[],
  operand: unknown,
  path: string,
): boolean {
  const isRemoval =
    operator === '$unset' ||
    operator === '$pull' ||
    operator === '$pullAll' ||
    operator === '$pop' ||
    operator === '$rename';
  const slot = resolveParent(doc, parts, !isRemoval);
  if (slot === undefined) return false;
  const { parent, key } = slot;
  const current = readSlot(parent, key);
  switch (operator) {
    case '$set':
    case '$setOnInsert':
      if (current !== undefined && isSameValue(current, operand)) return false;
      writeSlot(parent, key, cloneValue(operand));
      return true;
    case '$unset':
      return removeSlot(parent, key);
    case '$inc':
    case '$mul': {
      if (!isNumeric(operand))
        fail(
          ErrorCode.TypeMismatch,
          `Cannot ${operator === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${JSON.stringify(toPlain(operand))}}`,
        );
      if (current !== undefined && !isNumeric(current)) {
        fail(
          ErrorCode.TypeMismatch,
          `Cannot apply ${operator} to a value of non-numeric type. ${describe(doc)} has the field '${key}' of non-numeric type ${bsonTypeName(current)}`,
        );
      }
      const next = arithmetic(
        operator,
        current ?? (operator === '$inc' ? new Int32(0) : operand),
        current === undefined && operator === '$mul' ? new Int32(0) : operand,
      );
      writeSlot(parent, key, next);
      return current === undefined || !isSameValue(current, next);
    }
    case '$min':
    case '$max': {
      const c = current === undefined ? undefined : compareValues(operand, current);
      if (c !== undefined && (operator === '$min' ? c >= 0 : c <= 0)) return false;
      writeSlot(parent, key, cloneValue(operand));
      return true;
    }
    case '$currentDate': {
      const wantsTimestamp = isPlainObject(operand) && operand.$type === 'timestamp';
      writeSlot(
        parent,
        key,
        wantsTimestamp ? new Timestamp({ t: Math.floor(Date.now() / 1000), i: 1 }) : new Date(),
      );
      return true;
    }
    case '$push':
    case '$addToSet': {
      const next = applyPush(operator, current, operand, doc, path);
      if (next === undefined) return false;
      writeSlot(parent, key, next);
      return true;
    }
    case '$pull':
    case '$pullAll': {
      if (current === undefined) return false;
      if (!Array.isArray(current)) fail(ErrorCode.BadValue, 'Cannot apply $pull to a non-array value');
      let matches: (element: unknown) => boolean;
      if (operator === '$pullAll') {
        if (!Array.isArray(operand)) fail(ErrorCode.BadValue, '$pullAll requires an array argument');
        matches = (element) => operand.some((item) => valuesEqual(element, item));
      } else matches = pullMatcher(operand);
      const kept = current.filter((element) => !matches(element));
      if (kept.length === current.length) return false;
      writeSlot(parent, key, kept);
      return true;
    }
    case '$pop': {
      if (current === undefined) return false;
      if (!Array.isArray(current))
        fail(
          ErrorCode.TypeMismatch,
          `Path '${path}' contains an element of non-array type '${bsonTypeName(current)}'`,
        );
      if (current.length === 0) return false;
      writeSlot(parent, key, Number(numericValue(operand)) < 0 ? current.slice(1) : current.slice(0, -1));
      return true;
    }
    case '$bit': {
      if (!isPlainObject(operand)) fail(ErrorCode.BadValue, '$bit needs an object');
      let value = BigInt(current === undefined ? 0 : numericValue(current));
      for (const [bitOp, arg] of Object.entries(operand)) {
        const n = BigInt(numericValue(arg));
        value =
          bitOp === 'and'
            ? value & n
            : bitOp === 'or'
              ? value | n
              : bitOp === 'xor'
                ? value ^ n
                : fail(ErrorCode.BadValue, `Unknown $bit operator ${bitOp}`);
      }
      const kind = widerKind(numericKind(current ?? 0), numericKind(Object.values(operand)[0]));
      const next =
        kind === 'int'
          ? new Int32(Number(BigInt.asIntN(32, value)))
          : Long.fromBigInt(BigInt.asIntN(64, value));
      writeSlot(parent, key, next);
      return current === undefined || !isSameValue(current, next);
    }
    default:
      return fail(ErrorCode.FailedToParse, `Unknown modifier: ${operator}`);
  }
}

function applyRename(doc: Document, from: string, to: unknown): boolean {
  if (typeof to !== 'string')
    fail(ErrorCode.BadValue, `The 'to' field for $rename must be a string: ${from}: ${String(to)}`);
  if (from === to)
    fail(ErrorCode.BadValue, `The source and target field for $rename must differ: ${from}: "${to}"`);
  const value = getPath(doc, from);
  if (value === undefined) return false;
  const source = resolveParent(doc, from.split('.'), false);
  if (source === undefined || Array.isArray(source.parent))
    fail(
      ErrorCode.BadValue,
      `The source field cannot be an array element, '${from}' in doc with _id: ${String(doc._id)}`,
    );
  delete source.parent[source.key];
  applyOperator(doc, '$set', to.split('.'), value, to);
  return true;
}

function applyPipeline(doc: Document, pipeline: Document[], variables: Document | undefined): Document {
  return runStages([doc], pipeline, { variables })[0] ?? newDocument();
}

/** Applies an update (operators, replacement or pipeline) to a copy of `doc`. */
export function applyUpdate(
  doc: Document,
  update: Document | Document[],
  context: UpdateContext,
): UpdateResult {
  if (Array.isArray(update)) {
    const result = applyPipeline(doc, update, context.variables);
    const next = withIdFirst(result, result._id ?? doc._id);
    return { doc: next, isModified: !isSameDocument(doc, next) };
  }
  if (isReplacement(update)) {
    if (!context.isInsert && update._id !== undefined && !valuesEqual(update._id, doc._id)) {
      fail(
        ErrorCode.ImmutableField,
        "After applying the update, the (immutable) field '_id' was found to have been altered",
      );
    }
    const next = withIdFirst(cloneValue(update), update._id ?? doc._id);
    return { doc: next, isModified: !isSameDocument(doc, next) };
  }
  const working = cloneValue(doc);
  const filters = compileArrayFilters(context.arrayFilters);
  const targets: string[] = [];
  const steps: Array<() => boolean> = [];
  for (const [operator, fields] of Object.entries(update)) {
    if (operator === '$setOnInsert' && !context.isInsert) continue;
    for (const [path, operand] of Object.entries(fields as Document)) {
      // MongoDB 5.0+: an update may create a `$`-prefixed top-level field only when it inserts (upsert).
      for (const target of operator === '$rename' ? [path, String(operand)] : [path]) {
        if (!context.isInsert && target.startsWith('$'))
          fail(
            ErrorCode.DollarPrefixedFieldName,
            `The dollar ($) prefixed field '${target.split('.')[0] ?? target}' in '${target}' is not valid for storage.`,
          );
      }
      if (operator === '$rename') {
        targets.push(path, String(operand));
        steps.push(() => applyRename(working, path, operand));
        continue;
      }
      for (const parts of expandPath(working, path, context, filters)) {
        targets.push(parts.join('.'));
        steps.push(() => applyOperator(working, operator, parts, operand, path));
      }
    }
  }
  checkConflicts(targets);
  let isModified = false;
  for (const step of steps) if (step()) isModified = true;
  if (!context.isInsert && !valuesEqual(working._id, doc._id)) {
    fail(
      ErrorCode.ImmutableField,
      `Performing an update on the path '_id' would modify the immutable field '_id'`,
    );
  }
  return { doc: working, isModified };
}

function keepIdFirst(doc: Document): Document {
  if (Object.keys(doc)[0] === '_id' || !Object.prototype.hasOwnProperty.call(doc, '_id')) return doc;
  return withIdFirst(doc);
}

function isSameDocument(a: Document, b: Document): boolean {
  return valuesEqual(a, b);
}

/** Builds the document an upsert inserts before its update is applied: equality fields of the filter. */
export function seedFromFilter(filter: Document | undefined, isReplacementUpdate: boolean): Document {
  const seed = newDocument();
  const visit = (f: Document): void => {
    for (const [key, condition] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(condition)) {
        condition.forEach((c) => isPlainObject(c) && visit(c));
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isReplacementUpdate && key !== '_id') continue;
      let value: unknown = condition;
      if (isPlainObject(condition) && Object.keys(condition)[0]?.startsWith('$')) {
        if (!('$eq' in condition)) continue;
        value = condition.$eq;
      }
      if (
        value instanceof RegExp ||
        (isPlainObject(value) === false &&
          typeof value === 'object' &&
          value !== null &&
          (value as { _bsontype?: string })._bsontype === 'BSONRegExp')
      )
        continue;
      if (getPath(seed, key) !== undefined) {
        fail(54, `cannot infer query fields to set, path '${key}' is matched twice`);
      }
      applyOperator(seed, '$set', key.split('.'), value, key);
    }
  };
  if (filter !== undefined) visit(filter);
  return seed;
}

/** Assembles the upserted document: seed, update applied as an insert, `_id` first (generated if absent). */
export function buildUpsertDocument(
  filter: Document | undefined,
  update: Document | Document[],
  context: Omit<UpdateContext, 'isInsert'>,
): Document {
  const replacement = !Array.isArray(update) && isReplacement(update);
  const seed = seedFromFilter(filter, replacement);
  const { doc } = applyUpdate(seed, update, { ...context, isInsert: true });
  if (replacement && seed._id !== undefined && doc._id !== undefined && !valuesEqual(seed._id, doc._id)) {
    fail(
      ErrorCode.ImmutableField,
      "After applying the update, the (immutable) field '_id' was found to have been altered",
    );
  }
  if (doc._id === undefined) return withIdFirst(doc, new ObjectId());
  return keepIdFirst(doc);
}
