import type { Document } from 'bson';
import { canonicalKey, isPlainObject, typeRank } from './bson-values.js';
import type { CollectionIndex, RangeBounds } from './index-manager.js';
import type { SortKey } from './sort-projection.js';

/** How a query finds its candidate documents. */
export type QueryPlan =
  | { stage: 'COLLSCAN' }
  | { stage: 'IDHACK'; ids: string[] }
  | { stage: 'IXSCAN'; indexName: string; ids: string[]; isSorted: boolean; keysExamined: number };

interface FieldBounds {
  eq?: unknown;
  hasEq: boolean;
  in?: unknown[];
  range: RangeBounds;
}

/** What the planner needs from a collection. */
export interface PlannableCollection {
  indexes: readonly CollectionIndex[];
  ensureOrdered(index: CollectionIndex): void;
}

function isIndexableValue(value: unknown): boolean {
  if (Array.isArray(value) || value instanceof RegExp) return false;
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as { _bsontype?: string })._bsontype === 'BSONRegExp'
  )
    return false;
  if (isPlainObject(value))
    return !Object.keys(value).some((k) => k.startsWith('$')) && !Object.values(value).some(Array.isArray);
  return true;
}

function collectBounds(filter: Document, out: Map<string, FieldBounds>): void {
  for (const [path, condition] of Object.entries(filter)) {
    if (path === '$and' && Array.isArray(condition)) {
      for (const part of condition) if (isPlainObject(part)) collectBounds(part, out);
      continue;
    }
    if (path.startsWith('$')) continue;
    const bounds = out.get(path) ?? { hasEq: false, range: {} };
    out.set(path, bounds);
    const isOperatorObject = isPlainObject(condition) && Object.keys(condition)[0]?.startsWith('$') === true;
    if (!isOperatorObject) {
      if (isIndexableValue(condition)) {
        bounds.eq = condition;
        bounds.hasEq = true;
      }
      continue;
    }
    for (const [operator, operand] of Object.entries(condition as Document)) {
      if (operator === '$eq' && isIndexableValue(operand)) {
        bounds.eq = operand;
        bounds.hasEq = true;
      } else if (operator === '$in' && Array.isArray(operand) && operand.every(isIndexableValue)) {
        bounds.in = operand;
      } else if (
        operator === '$all' &&
        Array.isArray(operand) &&
        operand.length > 0 &&
        operand.every(isIndexableValue) &&
        !bounds.hasEq
      ) {
        // A document with all of the values has the first one: its index entries are the candidates (the
        // matcher checks the others), as MongoDB's planner does for $all on a multikey index.
        bounds.eq = operand[0];
        bounds.hasEq = true;
      } else if (
        (operator === '$gt' || operator === '$gte') &&
        isIndexableValue(operand) &&
        typeRank(operand) !== 2
      ) {
        bounds.range.lower = { value: operand, isInclusive: operator === '$gte' };
      } else if (
        (operator === '$lt' || operator === '$lte') &&
        isIndexableValue(operand) &&
        typeRank(operand) !== 2
      ) {
        bounds.range.upper = { value: operand, isInclusive: operator === '$lte' };
      }
    }
  }
}

function hasRange(bounds: FieldBounds | undefined): bounds is FieldBounds {
  return bounds !== undefined && (bounds.range.lower !== undefined || bounds.range.upper !== undefined);
}

/** A range whose two ends are of one type bracket (otherwise nothing can match both: no narrowing). */
function isOneBracket(range: RangeBounds): boolean {
  return (
    range.lower === undefined ||
    range.upper === undefined ||
    typeRank(range.lower.value) === typeRank(range.upper.value)
  );
}

function unionLookups(index: CollectionIndex, values: unknown[]): string[] {
  const ids = new Set<string>();
  for (const value of values) for (const id of index.lookup([value]) ?? []) ids.add(id);
  return [...ids];
}

function sortMatchesIndex(index: CollectionIndex, sort: SortKey[]): 1 | -1 | undefined {
  if (sort.length === 0 || sort.length > index.fields.length) return undefined;
  const first = sort[0] as SortKey;
  const direction = (first.direction * (index.fields[0]?.direction ?? 1)) as 1 | -1;
  const matches = sort.every(
    (key, i) =>
      index.fields[i]?.path === key.path && key.direction * (index.fields[i]?.direction ?? 1) === direction,
  );
  return matches ? direction : undefined;
}

/**
 * Picks candidate documents for a filter: `_id` lookups, then equality on a whole index key, `$in`,
 * then a range on an index's first field, then an index matching the sort; otherwise a collection scan.
 * Candidates are a superset: the full filter is always applied afterwards.
 */
export function planQuery(
  collection: PlannableCollection,
  filter: Document | undefined,
  sort: SortKey[],
): QueryPlan {
  const fields = new Map<string, FieldBounds>();
  if (filter !== undefined) collectBounds(filter, fields);
  const id = fields.get('_id');
  if (id?.hasEq === true) return { stage: 'IDHACK', ids: [canonicalKey(id.eq)] };
  if (id?.in !== undefined) return { stage: 'IDHACK', ids: [...new Set(id.in.map(canonicalKey))] };

  // A partial index answers only queries whose equalities imply its filter.
  const queryEqualities = new Map<string, unknown>();
  for (const [path, bounds] of fields) if (bounds.hasEq) queryEqualities.set(path, bounds.eq);
  let best: QueryPlan | undefined;
  const consider = (plan: QueryPlan & { stage: 'IXSCAN' }): void => {
    if (best === undefined || best.stage !== 'IXSCAN' || plan.ids.length < best.ids.length) best = plan;
  };
  const considerIds = (index: CollectionIndex, ids: string[], keysExamined = ids.length): void =>
    consider({ stage: 'IXSCAN', indexName: index.spec.name, ids, isSorted: false, keysExamined });
  for (const index of collection.indexes) {
    if (!index.isUsableWith(queryEqualities)) continue;
    const bounds = index.fields.map((field) => fields.get(field.path));
    const first = bounds[0];
    if (first === undefined) continue;
    if (bounds.every((b) => b?.hasEq === true)) {
      const ids = [...(index.lookup(bounds.map((b) => b?.eq)) ?? [])];
      considerIds(index, ids);
      continue;
    }
    if (index.fields.length === 1 && first.in !== undefined) {
      const ids = unionLookups(index, first.in);
      considerIds(index, ids);
      continue;
    }
    // Equality on two or more leading fields (and maybe a range on the next): the compound key narrows.
    const equalities = bounds.findIndex((b) => b?.hasEq !== true);
    if (equalities >= 2 || (equalities === 1 && hasRange(bounds[1]))) {
      const next = bounds[equalities];
      collection.ensureOrdered(index);
      const counter = { keysExamined: 0 };
      const ids = index.prefixRange(
        bounds.slice(0, equalities).map((b) => b?.eq),
        next && hasRange(next) && isOneBracket(next.range) ? next.range : undefined,
        counter,
      );
      considerIds(index, ids, counter.keysExamined);
      continue;
    }
    const range: RangeBounds | undefined = first.hasEq
      ? { lower: { value: first.eq, isInclusive: true }, upper: { value: first.eq, isInclusive: true } }
      : first.range.lower !== undefined || first.range.upper !== undefined
        ? first.range
        : undefined;
    if (range !== undefined) {
      if (!isOneBracket(range)) continue;
      collection.ensureOrdered(index);
      const counter = { keysExamined: 0 };
      const ids = [...new Set(index.range(range, counter))];
      considerIds(index, ids, counter.keysExamined);
    }
  }
  if (best !== undefined) return best;
  for (const index of collection.indexes) {
    if (!index.isUsableWith(queryEqualities)) continue;
    const direction = sortMatchesIndex(index, sort);
    if (direction === undefined) continue;
    collection.ensureOrdered(index);
    const ids = index.orderedIds(direction);
    return { stage: 'IXSCAN', indexName: index.spec.name, ids, isSorted: true, keysExamined: ids.length };
  }
  return { stage: 'COLLSCAN' };
}
