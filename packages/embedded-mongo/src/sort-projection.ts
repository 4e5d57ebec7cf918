import type { Document } from 'bson';
import {
  collectPathValues,
  compareValues,
  isNumeric,
  isPlainObject,
  newDocument,
  numericValue,
} from './bson-values.js';
import { compileFieldCondition, matchedArrayIndex } from './query-matcher.js';
import { ErrorCode, ServerError, unsupported } from './server-error.js';

/** Orders two documents; negative when the first sorts first. */
export type Comparator = (a: Document, b: Document) => number;

/** One sort key: a dotted path and a direction (1 or -1). */
export interface SortKey {
  path: string;
  direction: 1 | -1;
}

/** Parses a sort specification, rejecting `$meta` (text score) sorts. */
export function parseSort(spec: unknown): SortKey[] {
  if (spec === undefined || spec === null) return [];
  if (!isPlainObject(spec)) throw new ServerError(ErrorCode.BadValue, 'sort must be an object');
  return Object.entries(spec).map(([path, direction]) => {
    if (isPlainObject(direction)) throw unsupported('Sorting by $meta (text score)');
    const n = Number(numericValue(direction));
    if (n !== 1 && n !== -1) throw new ServerError(ErrorCode.BadValue, `bad sort specification for ${path}`);
    return { path, direction: n };
  });
}

/** The value a document sorts by for one key: arrays sort by their smallest (ascending) or largest element. */
function sortValue(doc: Document, key: SortKey): unknown {
  const direct = key.path.includes('.') ? undefined : doc[key.path];
  if (!key.path.includes('.') && !Array.isArray(direct)) return direct;
  const values: unknown[] = [];
  collectPathValues(doc, key.path.split('.'), values);
  let best: unknown = values[0];
  for (let i = 1; i < values.length; i++) {
    const c = compareValues(values[i], best);
    if (key.direction === 1 ? c < 0 : c > 0) best = values[i];
  }
  return best;
}

/** Builds a comparator implementing MongoDB's sort semantics (BSON type order, multikey rules). */
export function compileSort(keys: SortKey[]): Comparator | undefined {
  if (keys.length === 0) return undefined;
  return (a, b) => {
    for (const key of keys) {
      if (key.path === '$natural') continue;
      const c = compareValues(sortValue(a, key), sortValue(b, key));
      if (c !== 0) return c * key.direction;
    }
    return 0;
  };
}

function isTruthyFlag(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  return isNumeric(value) && numericValue(value) !== 0;
}

function sliceOperator(operand: unknown): (value: unknown) => unknown {
  const args = Array.isArray(operand)
    ? operand.map((v) => Number(numericValue(v)))
    : [Number(numericValue(operand))];
  return (value) => {
    if (!Array.isArray(value)) return value;
    if (args.length === 1) {
      const n = args[0] as number;
      return n >= 0 ? value.slice(0, n) : value.slice(n);
    }
    const [skip = 0, limit = 0] = args;
    const start = skip < 0 ? Math.max(0, value.length + skip) : skip;
    return value.slice(start, start + limit);
  };
}

function isSliceOperand(operand: unknown): boolean {
  return isNumeric(operand) || (Array.isArray(operand) && operand.length === 2 && operand.every(isNumeric));
}

/** `$elemMatch` projection: the first element matching the condition (operators alone or a filter). */
function elemMatchOperator(operand: unknown): (value: unknown) => unknown {
  if (!isPlainObject(operand)) throw new ServerError(ErrorCode.BadValue, '$elemMatch needs an Object');
  const predicate = compileFieldCondition('v', { $elemMatch: operand });
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const found = value.find((element) => {
      const wrapper = newDocument();
      wrapper.v = [element];
      return predicate(wrapper);
    });
    return found === undefined ? undefined : [found];
  };
}

type Leaf =
  | { kind: 'include' }
  | { kind: 'exclude' }
  | { kind: 'computed'; expression: unknown }
  | { kind: 'operator'; apply: (value: unknown) => unknown; isInclusion: boolean }
  | { kind: 'positional'; path: string };

/** A projection as a tree of field names (a Map: field names are data, never object keys). */
interface ProjectionNode {
  children: Map<string, ProjectionNode>;
  leaf?: Leaf;
  hasComputed: boolean;
}

function newNode(): ProjectionNode {
  return { children: new Map(), hasComputed: false };
}

/** Evaluates an aggregation expression against the root document (computed projection fields). */
export type ExpressionEvaluator = (root: Document, expression: unknown) => unknown;

/** How a projection is read: find's language (`$slice`, `$elemMatch`, `a.$`) or `$project`'s. */
export interface ProjectionOptions {
  isAggregation?: boolean;
  evaluate?: ExpressionEvaluator;
  /** The query, for the positional `$` projection. */
  filter?: Document;
}

function parseProjection(spec: Document, options: ProjectionOptions) {
  const root = newNode();
  let includes = 0;
  let excludes = 0;
  let computed = 0;
  let idFlag: boolean | undefined;
  const add = (path: string, leaf: Leaf): void => {
    const parts = path.split('.');
    let node = root;
    const trail: ProjectionNode[] = [];
    for (const part of parts) {
      if (node.leaf !== undefined)
        throw new ServerError(31250, `Path collision at ${path} remaining portion ${part}`);
      let child = node.children.get(part);
      if (child === undefined) {
        child = newNode();
        node.children.set(part, child);
      }
      trail.push(node);
      node = child;
    }
    if (node.leaf !== undefined || node.children.size > 0)
      throw new ServerError(31250, `Path collision at ${path}`);
    node.leaf = leaf;
    if (leaf.kind === 'computed') for (const ancestor of [...trail, node]) ancestor.hasComputed = true;
  };
  const visit = (prefix: string, fields: Document): void => {
    for (const [key, value] of Object.entries(fields)) {
      if (key.startsWith('$'))
        throw new ServerError(
          16410,
          `FieldPath field names may not start with '$'. Consider using $getField or $setField.`,
        );
      const path = prefix === '' ? key : `${prefix}.${key}`;
      if (key.endsWith('.$') || key === '$') {
        if (options.isAggregation === true)
          throw new ServerError(31324, 'Cannot use positional projection in aggregation projection');
        const arrayPath = path.slice(0, -2);
        add(arrayPath, { kind: 'positional', path: arrayPath });
        includes++;
        continue;
      }
      if (isPlainObject(value)) {
        const keys = Object.keys(value);
        const operator = keys[0];
        if (operator === undefined)
          throw new ServerError(
            51270,
            `An empty sub-projection is not a valid value. Found empty object at path ${path}`,
          );
        if (!operator.startsWith('$')) {
          visit(path, value); // embedded syntax: {child: {name: 1}} is {'child.name': 1}
          continue;
        }
        if (operator === '$meta') throw unsupported('Projection of $meta (text score)');
        if (
          options.isAggregation !== true &&
          keys.length === 1 &&
          operator === '$slice' &&
          isSliceOperand(value.$slice)
        ) {
          add(path, { kind: 'operator', apply: sliceOperator(value.$slice), isInclusion: false });
          continue;
        }
        if (options.isAggregation !== true && keys.length === 1 && operator === '$elemMatch') {
          if (prefix !== '' || key.includes('.'))
            throw new ServerError(ErrorCode.BadValue, 'Cannot use $elemMatch projection on a nested field.');
          add(path, { kind: 'operator', apply: elemMatchOperator(value.$elemMatch), isInclusion: true });
          includes++;
          continue;
        }
        add(path, { kind: 'computed', expression: value });
        computed++;
        continue;
      }
      if (isNumeric(value) || typeof value === 'boolean') {
        const include = isTruthyFlag(value);
        if (path === '_id') {
          idFlag = include;
          continue;
        }
        add(path, { kind: include ? 'include' : 'exclude' });
        if (include) includes++;
        else excludes++;
        continue;
      }
      add(path, { kind: 'computed', expression: value });
      computed++;
    }
  };
  visit('', spec);
  if (excludes > 0 && includes + computed > 0) {
    throw new ServerError(
      31254,
      `Invalid projection: cannot do exclusion in inclusion projection (or inclusion in exclusion projection)`,
    );
  }
  const isInclusion =
    includes + computed > 0 || (excludes === 0 && idFlag === true && root.children.size === 0);
  return { root, isInclusion, idFlag };
}

/** A compiled find/findAndModify/`$project` projection. */
export type Projector = (doc: Document) => Document;

/**
 * Compiles a projection as MongoDB 4.4+ does, for find, findAndModify and `$project` alike: inclusion
 * (only the named fields exist in the output, `_id` first, computed fields after the included ones),
 * exclusion, embedded-document syntax, computed fields (`{n: '$name'}`, literals, expressions), and in
 * find's language `$slice`, `$elemMatch` (operator-only conditions too) and the positional `a.$`.
 */
export function compileProjection(spec: unknown, options: ProjectionOptions = {}): Projector | undefined {
  if (spec === undefined || spec === null || (isPlainObject(spec) && Object.keys(spec).length === 0))
    return undefined;
  if (!isPlainObject(spec)) throw new ServerError(ErrorCode.BadValue, 'projection must be an object');
  const { root, isInclusion, idFlag } = parseProjection(spec, options);
  const evaluate: ExpressionEvaluator =
    options.evaluate ??
    (() => {
      throw new ServerError(ErrorCode.BadValue, 'computed projection fields need an expression evaluator');
    });
  const filter = options.filter;

  const includeValue = (node: ProjectionNode, value: unknown, rootDoc: Document): unknown => {
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const element of value) {
        if (isPlainObject(element) || Array.isArray(element)) out.push(includeValue(node, element, rootDoc));
        else if (node.hasComputed) out.push(includeDocument(node, newDocument(), rootDoc, false));
      }
      return out;
    }
    if (isPlainObject(value)) return includeDocument(node, value, rootDoc, false);
    return node.hasComputed ? includeDocument(node, newDocument(), rootDoc, false) : undefined;
  };

  const includeDocument = (
    node: ProjectionNode,
    doc: Document,
    rootDoc: Document,
    isRoot: boolean,
  ): Document => {
    const out = newDocument();
    if (isRoot) {
      const idNode = node.children.get('_id');
      if (idNode?.leaf?.kind === 'computed') {
        const id = evaluate(rootDoc, idNode.leaf.expression);
        if (id !== undefined) out._id = id;
      } else if (idFlag !== false && idNode === undefined && doc._id !== undefined) out._id = doc._id;
    }
    for (const key of Object.keys(doc)) {
      const child = node.children.get(key);
      if (child === undefined) continue;
      const value: unknown = doc[key];
      const leaf = child.leaf;
      if (leaf === undefined) {
        const projected = includeValue(child, value, rootDoc);
        if (projected !== undefined) out[key] = projected;
      } else if (leaf.kind === 'include') out[key] = value;
      else if (leaf.kind === 'operator') {
        const projected = leaf.apply(value);
        if (projected !== undefined) out[key] = projected;
      } else if (leaf.kind === 'positional') {
        if (!Array.isArray(value)) continue;
        const index = filter === undefined ? -1 : matchedArrayIndex(rootDoc, leaf.path, filter);
        if (index < 0)
          throw new ServerError(
            51246,
            "Executor error during find command :: caused by :: positional operator '.$' couldn't find a matching element in the array",
          );
        out[key] = [value[index]];
      }
    }
    if (!node.hasComputed) return out;
    for (const [key, child] of node.children) {
      if (isRoot && key === '_id') continue;
      if (child.leaf?.kind === 'computed') {
        const value = evaluate(rootDoc, child.leaf.expression);
        if (value !== undefined) out[key] = value;
      } else if (
        child.leaf === undefined &&
        child.hasComputed &&
        !Object.prototype.hasOwnProperty.call(doc, key)
      ) {
        out[key] = includeDocument(child, newDocument(), rootDoc, false);
      }
    }
    return out;
  };

  const excludeValue = (node: ProjectionNode, value: unknown): unknown => {
    if (Array.isArray(value))
      return value.map((element) =>
        isPlainObject(element) || Array.isArray(element) ? excludeValue(node, element) : element,
      );
    return isPlainObject(value) ? excludeDocument(node, value, false) : value;
  };

  const excludeDocument = (node: ProjectionNode, doc: Document, isRoot: boolean): Document => {
    const out = newDocument();
    for (const key of Object.keys(doc)) {
      const value: unknown = doc[key];
      if (isRoot && key === '_id' && idFlag === false) continue;
      const child = node.children.get(key);
      if (child === undefined) out[key] = value;
      else if (child.leaf === undefined) out[key] = excludeValue(child, value);
      else if (child.leaf.kind === 'operator') out[key] = child.leaf.apply(value);
      else if (child.leaf.kind !== 'exclude') out[key] = value;
    }
    return out;
  };

  if (isInclusion) return (doc) => includeDocument(root, doc, doc, true);
  return (doc) => excludeDocument(root, doc, true);
}
