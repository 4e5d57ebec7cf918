import type { Document } from 'bson';
import 'mingo/init/system';
import { Aggregator } from 'mingo';
import {
  cloneValue,
  collectPathValues,
  compareValues,
  isNumeric,
  isPlainObject,
  numericValue,
  toPlain,
} from './bson-values.js';
import { compileFilter } from './query-matcher.js';
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

type ProjectionTree = { [field: string]: ProjectionTree | true | ((value: unknown) => unknown) };

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

function elemMatchOperator(operand: unknown): (value: unknown) => unknown {
  const predicate = compileFilter(operand as Document);
  return (value) => {
    if (!Array.isArray(value)) return undefined;
    const found = value.find((element) => isPlainObject(element) && predicate(element));
    return found === undefined ? undefined : [found];
  };
}

function insertPath(tree: ProjectionTree, path: string, leaf: true | ((value: unknown) => unknown)): void {
  const parts = path.split('.');
  let node = tree;
  for (let i = 0; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const next = node[part];
    if (next === undefined || typeof next !== 'object') node[part] = {};
    node = node[part] as ProjectionTree;
  }
  node[parts[parts.length - 1] as string] = leaf;
}

function projectInclude(value: unknown, tree: ProjectionTree): unknown {
  if (Array.isArray(value)) {
    return value
      .filter((element) => isPlainObject(element) || Array.isArray(element))
      .map((element) => projectInclude(element, tree));
  }
  if (!isPlainObject(value)) return undefined;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const node = tree[key];
    if (node === undefined) continue;
    if (node === true) out[key] = cloneValue(value[key]);
    else if (typeof node === 'function') {
      const projected = node(value[key]);
      if (projected !== undefined) out[key] = projected;
    } else {
      const projected = projectInclude(value[key], node);
      if (projected !== undefined) out[key] = projected;
    }
  }
  return out;
}

function projectExclude(value: unknown, tree: ProjectionTree): unknown {
  if (Array.isArray(value))
    return value.map((element) =>
      isPlainObject(element) || Array.isArray(element) ? projectExclude(element, tree) : element,
    );
  if (!isPlainObject(value)) return value;
  const out: Document = {};
  for (const key of Object.keys(value)) {
    const node = tree[key];
    if (node === true) continue;
    if (node === undefined) out[key] = cloneValue(value[key]);
    else if (typeof node === 'function') out[key] = node(value[key]);
    else out[key] = projectExclude(value[key], node);
  }
  return out;
}

/** A compiled find projection. */
export type Projector = (doc: Document) => Document;

/** Compiles a find/findAndModify projection (inclusion, exclusion, `$slice`, `$elemMatch`, expressions). */
export function compileProjection(spec: unknown): Projector | undefined {
  if (spec === undefined || spec === null || (isPlainObject(spec) && Object.keys(spec).length === 0))
    return undefined;
  if (!isPlainObject(spec)) throw new ServerError(ErrorCode.BadValue, 'projection must be an object');
  const tree: ProjectionTree = {};
  let mode: 'include' | 'exclude' | undefined;
  let includeId = true;
  let needsExpressions = false;
  for (const [path, value] of Object.entries(spec)) {
    if (path.endsWith('.$')) throw unsupported('The positional projection operator ($)');
    if (isPlainObject(value)) {
      const operator = Object.keys(value)[0];
      if (operator === '$slice') insertPath(tree, path, sliceOperator(value.$slice));
      else if (operator === '$elemMatch') {
        insertPath(tree, path, elemMatchOperator(value.$elemMatch));
        mode ??= 'include';
      } else if (operator === '$meta') throw unsupported('Projection of $meta (text score)');
      else needsExpressions = true;
      continue;
    }
    if (!isNumeric(value) && typeof value !== 'boolean') {
      needsExpressions = true;
      continue;
    }
    const include = isTruthyFlag(value);
    if (path === '_id') {
      includeId = include;
      continue;
    }
    const wanted = include ? 'include' : 'exclude';
    if (mode !== undefined && mode !== wanted && !Object.values(spec).some(isPlainObject)) {
      throw new ServerError(
        31254,
        `Cannot do ${wanted === 'exclude' ? 'exclusion' : 'inclusion'} on field ${path} in ${mode === 'exclude' ? 'exclusion' : 'inclusion'} projection`,
      );
    }
    mode = wanted;
    insertPath(tree, path, true);
  }
  if (needsExpressions) {
    // Computed fields need the expression engine; mingo evaluates them on plain values.
    const aggregator = new Aggregator([{ $project: toPlain(spec) }]);
    return (doc) => (aggregator.run([toPlain(doc) as Document])[0] ?? {}) as Document;
  }
  const onlyId = mode === undefined && includeId && Object.keys(tree).length === 0 && '_id' in spec;
  if (mode === 'include' || onlyId) {
    if (includeId) tree._id = true;
    return (doc) => projectInclude(doc, tree) as Document;
  }
  if (!includeId) tree._id = true;
  return (doc) => projectExclude(doc, tree) as Document;
}
