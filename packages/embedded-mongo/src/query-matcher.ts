import type { Document } from 'bson';
import {
  bsonTypeName,
  canonicalKey,
  compareValues,
  getPath,
  isNumeric,
  isPlainObject,
  newDocument,
  numericValue,
  typeNumbers,
  typeRank,
  valuesEqual,
} from './bson-values.js';
import { compileExprPredicate } from './expression-engine.js';
import { ErrorCode, ServerError, unsupported } from './server-error.js';

/** A compiled query filter. */
export type Predicate = (doc: Document) => boolean;

type ValueTest = (value: unknown) => boolean;
interface OperatorTest {
  test: ValueTest;
  /** Whether the test also applies to each element of an array (most operators) or only to the array. */
  elementWise: boolean;
}

const geoOperators = new Set([
  '$near',
  '$nearSphere',
  '$geoWithin',
  '$geoIntersects',
  '$within',
  '$box',
  '$center',
]);

function badValue(message: string): ServerError {
  return new ServerError(ErrorCode.BadValue, message);
}

/** Emulates the 'x' (extended) flag JS lacks: drops unescaped whitespace and #-comments. */
function stripExtendedSyntax(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '\\') {
      out += source.slice(i, i + 2);
      i++;
    } else if (char === '#') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (!/\s/.test(char)) {
      out += char;
    }
  }
  return out;
}

/** Converts a BSON or JS regular expression into a JS RegExp ('x' is emulated by stripping whitespace). */
export function toRegExp(pattern: unknown, options = ''): RegExp {
  let source: string;
  let flags = options;
  if (pattern instanceof RegExp) {
    source = pattern.source;
    flags = pattern.flags + options;
  } else if (pattern !== null && typeof pattern === 'object' && 'pattern' in pattern) {
    const regex = pattern as { pattern: string; options: string };
    source = regex.pattern;
    flags = regex.options + options;
  } else if (typeof pattern === 'string') {
    source = pattern;
  } else {
    throw badValue('$regex has to be a string');
  }
  if (flags.includes('x')) source = stripExtendedSyntax(source);
  const jsFlags = [...new Set(flags.split(''))].filter((flag) => 'imsu'.includes(flag)).join('');
  try {
    return new RegExp(source, jsFlags);
  } catch (error) {
    throw new ServerError(51091, `Regular expression is invalid: ${(error as Error).message}`);
  }
}

function isRegexValue(value: unknown): boolean {
  return (
    value instanceof RegExp ||
    (value !== null &&
      typeof value === 'object' &&
      (value as { _bsontype?: string })._bsontype === 'BSONRegExp')
  );
}

function regexTest(regex: RegExp): ValueTest {
  return (value) => {
    if (typeof value === 'string') {
      regex.lastIndex = 0;
      return regex.test(value);
    }
    if (isRegexValue(value)) {
      const other = toRegExp(value);
      return other.source === regex.source && other.flags === regex.flags;
    }
    return false;
  };
}

function equalityTest(operand: unknown): ValueTest {
  if (operand === null) return (value) => value === null || value === undefined;
  if (typeof operand === 'string') return (value) => value === operand;
  return (value) => valuesEqual(value, operand);
}

/**
 * `$in`'s test. A long list of plain values (the `_id: { $in: [...200 ids] }` of a batch) is looked up
 * by canonical key, which is equal exactly when the values are, instead of compared item by item.
 */
function membershipTest(operand: unknown[]): ValueTest {
  const regexes = operand.filter(isRegexValue).map((item) => regexTest(toRegExp(item)));
  const values = operand.filter((item) => !isRegexValue(item));
  if (values.length <= 8) {
    const alternatives = [...values.map(equalityTest), ...regexes];
    return (value) => alternatives.some((alternative) => alternative(value));
  }
  const keys = new Set(values.map(canonicalKey));
  return (value) => keys.has(canonicalKey(value)) || regexes.some((regex) => regex(value));
}

function comparisonTest(operator: string, operand: unknown): ValueTest {
  const operandRank = typeRank(operand);
  const accept = (c: number): boolean =>
    operator === '$gt' ? c > 0 : operator === '$gte' ? c >= 0 : operator === '$lt' ? c < 0 : c <= 0;
  if (operandRank === 1 || operandRank === 13) return (value) => accept(compareValues(value, operand));
  if (isNumeric(operand)) {
    const target = numericValue(operand);
    if (typeof target === 'number' && !Number.isNaN(target)) {
      return (value) => {
        if (typeof value === 'number') return accept(value < target ? -1 : value > target ? 1 : 0);
        return typeRank(value) === 3 && accept(compareValues(value, operand));
      };
    }
  }
  // Comparisons only match values of the same type bracket, as in MongoDB.
  return (value) => typeRank(value) === operandRank && accept(compareValues(value, operand));
}

function typeTest(operand: unknown): ValueTest {
  const wanted = (Array.isArray(operand) ? operand : [operand]).map((t) => {
    if (typeof t === 'string') return t;
    if (isNumeric(t)) {
      const name = typeNumbers[Number(numericValue(t))];
      if (name !== undefined) return name;
    }
    throw badValue(`Invalid $type: ${String(t)}`);
  });
  return (value) => {
    const name = bsonTypeName(value);
    if (name === 'missing') return false;
    return wanted.some(
      (w) => w === name || (w === 'number' && ['int', 'long', 'double', 'decimal'].includes(name)),
    );
  };
}

/** Resolves a dotted path to its terminal values (arrays at the end are kept whole). */
function resolvePath(value: unknown, parts: readonly string[], index: number, out: unknown[]): void {
  if (index === parts.length) {
    out.push(value);
    return;
  }
  const part = parts[index] as string;
  if (Array.isArray(value)) {
    const position = /^\d+$/.test(part) ? Number(part) : -1;
    if (position >= 0) {
      resolvePath(value[position], parts, index + 1, out);
      return;
    }
    if (value.length === 0) out.push(undefined);
    for (const element of value) {
      if (isPlainObject(element)) resolvePath(element[part], parts, index + 1, out);
    }
    return;
  }
  if (isPlainObject(value)) resolvePath(value[part], parts, index + 1, out);
  else out.push(undefined);
}

function pathMatcher(path: string, tests: OperatorTest[]): Predicate {
  const parts = path.split('.');
  const matchesValue = (value: unknown): boolean =>
    tests.every(
      ({ test, elementWise }) => test(value) || (elementWise && Array.isArray(value) && value.some(test)),
    );
  if (parts.length === 1) return (doc) => matchesValue(doc[path]);
  return (doc) => {
    const terminals: unknown[] = [];
    resolvePath(doc, parts, 0, terminals);
    // Each operator may be satisfied by a different terminal value, like MongoDB's per-predicate semantics.
    return tests.every(({ test, elementWise }) =>
      terminals.some((value) => test(value) || (elementWise && Array.isArray(value) && value.some(test))),
    );
  };
}

function existsMatcher(path: string): Predicate {
  const parts = path.split('.');
  return (doc) => {
    const terminals: unknown[] = [];
    resolvePath(doc, parts, 0, terminals);
    return terminals.some((value) => value !== undefined);
  };
}

function isOperatorObject(value: unknown): value is Document {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

function elemMatchTest(spec: unknown): ValueTest {
  if (!isPlainObject(spec)) throw badValue('$elemMatch needs an Object');
  const keys = Object.keys(spec);
  const isValueSpec =
    keys.length > 0 && keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k));
  if (isValueSpec) {
    const predicate = compileFieldCondition('', spec);
    return (array) => Array.isArray(array) && array.some((element) => predicate({ '': element }));
  }
  const predicate = compileFilter(spec);
  return (array) =>
    Array.isArray(array) && array.some((element) => isPlainObject(element) && predicate(element));
}

/** Compiles the condition on one field: an operator object, a regex or an equality value. */
export function compileFieldCondition(path: string, condition: unknown): Predicate {
  if (isRegexValue(condition))
    return pathMatcher(path, [{ test: regexTest(toRegExp(condition)), elementWise: true }]);
  if (!isOperatorObject(condition))
    return pathMatcher(path, [{ test: equalityTest(condition), elementWise: true }]);

  const tests: OperatorTest[] = [];
  const negations: Predicate[] = [];
  const others: Predicate[] = [];
  const regexOptions = typeof condition.$options === 'string' ? condition.$options : '';
  for (const [operator, operand] of Object.entries(condition)) {
    switch (operator) {
      case '$eq':
        tests.push({ test: equalityTest(operand), elementWise: true });
        break;
      case '$ne':
        negations.push(pathMatcher(path, [{ test: equalityTest(operand), elementWise: true }]));
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        tests.push({ test: comparisonTest(operator, operand), elementWise: true });
        break;
      case '$in':
      case '$nin': {
        if (!Array.isArray(operand)) throw badValue(`${operator} needs an array`);
        const test = membershipTest(operand);
        if (operator === '$in') tests.push({ test, elementWise: true });
        else negations.push(pathMatcher(path, [{ test, elementWise: true }]));
        break;
      }
      case '$exists':
        (operand === false || (isNumeric(operand) && numericValue(operand) === 0) ? negations : others).push(
          existsMatcher(path),
        );
        break;
      case '$type':
        tests.push({ test: typeTest(operand), elementWise: true });
        break;
      case '$size': {
        if (!isNumeric(operand)) throw badValue('$size needs a number');
        const size = Number(numericValue(operand));
        tests.push({ test: (value) => Array.isArray(value) && value.length === size, elementWise: false });
        break;
      }
      case '$all': {
        if (!Array.isArray(operand)) throw badValue('$all needs an array');
        if (operand.length === 0) {
          others.push(() => false);
          break;
        }
        for (const item of operand) {
          if (isPlainObject(item) && '$elemMatch' in item)
            others.push(pathMatcher(path, [{ test: elemMatchTest(item.$elemMatch), elementWise: false }]));
          else others.push(compileFieldCondition(path, item));
        }
        break;
      }
      case '$elemMatch':
        tests.push({ test: elemMatchTest(operand), elementWise: false });
        break;
      case '$regex':
        tests.push({ test: regexTest(toRegExp(operand, regexOptions)), elementWise: true });
        break;
      case '$options':
        if (!('$regex' in condition)) throw badValue('$options needs a $regex');
        break;
      case '$not': {
        if (!isRegexValue(operand) && !isOperatorObject(operand))
          throw badValue('$not needs a regex or a document');
        negations.push(compileFieldCondition(path, operand));
        break;
      }
      case '$mod': {
        if (!Array.isArray(operand) || operand.length !== 2)
          throw badValue('malformed mod, needs to be an array of 2 elements');
        const divisor = Math.trunc(Number(numericValue(operand[0])));
        const remainder = Math.trunc(Number(numericValue(operand[1])));
        if (divisor === 0) throw badValue('divisor cannot be 0');
        tests.push({
          test: (value) =>
            isNumeric(value) && Math.trunc(Number(numericValue(value))) % divisor === remainder,
          elementWise: true,
        });
        break;
      }
      case '$comment':
        break;
      default:
        if (geoOperators.has(operator))
          throw unsupported(`Geospatial query operator ${operator}`, ErrorCode.NoQueryExecutionPlans);
        if (operator.startsWith('$bits')) throw unsupported(`Query operator ${operator}`);
        throw badValue(`unknown operator: ${operator}`);
    }
  }
  const positive = tests.length > 0 ? pathMatcher(path, tests) : undefined;
  return (doc) =>
    (positive === undefined || positive(doc)) &&
    others.every((p) => p(doc)) &&
    negations.every((p) => !p(doc));
}

/** Options of a filter: `$$variables` bound by a command's `let`, visible to `$expr`. */
export interface FilterOptions {
  variables?: Document;
}

/**
 * The index of the first element of the array at `prefix` that satisfies the filter's conditions on
 * that array (what the positional `$` of updates and projections designates), or -1.
 */
export function matchedArrayIndex(doc: Document, prefix: string, filter: Document): number {
  const array = getPath(doc, prefix);
  if (!Array.isArray(array)) return -1;
  const conditions: Predicate[] = [];
  const collect = (f: Document): void => {
    for (const [key, condition] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(condition)) condition.forEach((c) => collect(c as Document));
      else if (key === prefix) conditions.push(compileFieldCondition('v', condition));
      else if (key.startsWith(prefix + '.'))
        conditions.push(compileFieldCondition('v.' + key.slice(prefix.length + 1), condition));
    }
  };
  collect(filter);
  if (conditions.length === 0) return -1;
  return array.findIndex((element) => {
    const wrapper = newDocument();
    wrapper.v = element;
    if (conditions.every((c) => c(wrapper))) return true;
    // A condition on the whole array (e.g. $elemMatch) holds for the element when it holds for [element].
    wrapper.v = [element];
    return conditions.every((c) => c(wrapper));
  });
}

/** Compiles a MongoDB query filter into a predicate over stored documents. */
export function compileFilter(filter: Document | undefined, options: FilterOptions = {}): Predicate {
  if (filter === undefined || filter === null) return () => true;
  if (!isPlainObject(filter)) throw badValue('filter must be an object');
  const predicates: Predicate[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    if (!key.startsWith('$')) {
      predicates.push(compileFieldCondition(key, condition));
      continue;
    }
    switch (key) {
      case '$and':
      case '$or':
      case '$nor': {
        if (!Array.isArray(condition) || condition.length === 0)
          throw badValue(`${key} must be a nonempty array`);
        const parts = condition.map((c) => compileFilter(c as Document, options));
        if (key === '$and') predicates.push((doc) => parts.every((p) => p(doc)));
        else if (key === '$or') predicates.push((doc) => parts.some((p) => p(doc)));
        else predicates.push((doc) => !parts.some((p) => p(doc)));
        break;
      }
      case '$expr':
        predicates.push(compileExprPredicate(condition, options));
        break;
      case '$comment':
        break;
      case '$text':
        throw unsupported('Text search ($text)', ErrorCode.IndexNotFound);
      case '$where':
        throw unsupported('JavaScript execution ($where)');
      case '$jsonSchema':
        throw unsupported('$jsonSchema validation');
      default:
        throw badValue(`unknown top level operator: ${key}`);
    }
  }
  if (predicates.length === 0) return () => true;
  if (predicates.length === 1) return predicates[0] as Predicate;
  return (doc) => predicates.every((p) => p(doc));
}
