import type { Document } from 'bson';
import 'mingo/init/system';
import { Aggregator } from 'mingo';
import { computeValue, Context, initOptions, OpType, type Options } from 'mingo/core';
import { Query } from 'mingo/query';
import { $first as firstAccumulator, $last as lastAccumulator } from 'mingo/operators/accumulator';
import { isPlainObject, newDocument, toPlain, withIdFirst } from './bson-values.js';
import { ErrorCode, ServerError } from './server-error.js';
import { compileProjection } from './sort-projection.js';

/**
 * The bridge to mingo, which evaluates aggregation expressions and the stages this server does not run
 * itself. mingo keeps documents in ordinary JavaScript objects and reads and writes them with `obj[key]`,
 * so a field named `constructor` would read `Object`, and one named `__proto__` would change an
 * object's prototype. Everything handed to mingo therefore goes through a bijective renaming of the
 * names that could collide — the names of `Object.prototype`, `$`-prefixed field names (data since
 * MongoDB 5.0) and names that already start with the marker — in the documents and in every field
 * name and field path of the pipeline; results are renamed back. Ordinary names pass unchanged.
 */

const MARKER = '\uFFFFfield:';
const prototypeNames = new Set<string>([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function isRiskyName(name: string): boolean {
  return name.charCodeAt(0) === 36 /* $ */ || prototypeNames.has(name) || name.startsWith(MARKER);
}

/** The name mingo sees for a field name. */
export function encodeName(name: string): string {
  return isRiskyName(name) ? MARKER + name : name;
}

function decodeName(name: string): string {
  return name.startsWith(MARKER) ? name.slice(MARKER.length) : name;
}

/** A dotted field path, each component renamed (positional or `$`-prefixed components included). */
function encodePath(path: string): string {
  if (!path.includes('.')) return encodeName(path);
  return path.split('.').map(encodeName).join('.');
}

/** A stored document or literal value for mingo: plain objects, numbers unwrapped, names renamed. */
export function encodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(encodeValue);
  if (isPlainObject(value)) {
    const out: Document = {};
    for (const key of Object.keys(value)) out[encodeName(key)] = encodeValue(value[key]);
    return out;
  }
  return toPlain(value);
}

/** A value mingo produced, back into a server document: names restored, no inherited properties. */
export function decodeValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeValue);
  if (isPlainObject(value)) {
    const out = newDocument();
    for (const key of Object.keys(value)) {
      const nested: unknown = value[key];
      if (nested !== undefined) out[decodeName(key)] = decodeValue(nested);
    }
    return out;
  }
  return value;
}

const userVariable = /^[a-z\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*$/;

/** Rejects variable names MongoDB rejects (which also keeps `__proto__` out of mingo's variable maps). */
export function checkVariableName(name: string): void {
  if (!userVariable.test(name))
    throw new ServerError(16867, `'${name}' starts with an invalid character for a user variable name`);
}

function encodeFieldNameOperand(operand: unknown): unknown {
  if (typeof operand === 'string') return encodeName(operand);
  if (isPlainObject(operand) && typeof operand.$literal === 'string') return encodeName(operand.$literal);
  return encodeExpression(operand);
}

/** `$getField` / `$setField` / `$unsetField`: the field operand is a literal field name, never a path. */
function encodeFieldOperator(operand: unknown): unknown {
  if (!isPlainObject(operand) || Object.keys(operand)[0] === '$literal')
    return encodeFieldNameOperand(operand);
  const out: Document = {};
  for (const [key, value] of Object.entries(operand))
    out[key] = key === 'field' ? encodeFieldNameOperand(value) : encodeExpression(value);
  return out;
}

/** An aggregation expression: object keys are field names, `$`-strings are field paths. */
export function encodeExpression(expression: unknown): unknown {
  if (typeof expression === 'string') {
    if (expression.charCodeAt(0) !== 36) return expression;
    if (expression.startsWith('$$')) {
      const dot = expression.indexOf('.');
      return dot < 0 ? expression : expression.slice(0, dot + 1) + encodePath(expression.slice(dot + 1));
    }
    return '$' + encodePath(expression.slice(1));
  }
  if (Array.isArray(expression)) return expression.map(encodeExpression);
  if (!isPlainObject(expression)) return toPlain(expression);
  const out: Document = {};
  for (const [key, value] of Object.entries(expression)) {
    if (key.charCodeAt(0) !== 36) {
      out[encodePath(key)] = encodeExpression(value);
      continue;
    }
    switch (key) {
      case '$literal':
        out[key] = encodeValue(value);
        break;
      case '$getField':
      case '$setField':
      case '$unsetField':
        out[key] = encodeFieldOperator(value);
        break;
      case '$let': {
        const spec = isPlainObject(value) ? value : {};
        const vars: Document = {};
        for (const [name, variable] of Object.entries(isPlainObject(spec.vars) ? spec.vars : {})) {
          checkVariableName(name);
          vars[name] = encodeExpression(variable);
        }
        out[key] = { vars, in: encodeExpression(spec.in) };
        break;
      }
      default:
        out[key] = encodeExpression(value);
    }
  }
  return out;
}

/** A query filter (`$match`, `$elemMatch`, …): keys are paths, values are literals or operators. */
export function encodeQuery(filter: unknown): unknown {
  if (!isPlainObject(filter)) return encodeValue(filter);
  const out: Document = {};
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$nor')
      out[key] = Array.isArray(value) ? value.map(encodeQuery) : value;
    else if (key === '$expr') out[key] = encodeExpression(value);
    else if (key.charCodeAt(0) === 36) out[key] = encodeValue(value);
    else out[encodePath(key)] = encodeCondition(value);
  }
  return out;
}

function encodeCondition(condition: unknown): unknown {
  if (!isPlainObject(condition)) return encodeValue(condition);
  const first = Object.keys(condition)[0];
  if (first === undefined || !first.startsWith('$')) return encodeValue(condition);
  const out: Document = {};
  for (const [operator, operand] of Object.entries(condition)) {
    if (operator === '$elemMatch') {
      const keys = isPlainObject(operand) ? Object.keys(operand) : [];
      const isValueSpec =
        keys.length > 0 &&
        keys.every((k) => k.startsWith('$') && !['$and', '$or', '$nor', '$expr'].includes(k));
      out[operator] = isValueSpec ? encodeCondition(operand) : encodeQuery(operand);
    } else if (operator === '$not') out[operator] = encodeCondition(operand);
    else if (operator === '$all' && Array.isArray(operand))
      out[operator] = operand.map((item) => encodeCondition(item));
    else out[operator] = encodeValue(operand);
  }
  return out;
}

function encodeSortSpec(spec: unknown): unknown {
  if (!isPlainObject(spec)) return spec;
  const out: Document = {};
  for (const [key, value] of Object.entries(spec)) out[encodePath(key)] = toPlain(value);
  return out;
}

function encodeNames(value: unknown): unknown {
  if (typeof value === 'string') return encodePath(value);
  if (Array.isArray(value)) return value.map(encodeNames);
  return value;
}

/** One stage's specification, with the fields that hold plain field names (as strings) renamed. */
function encodeStage(name: string, spec: unknown): unknown {
  switch (name) {
    case '$match':
      return encodeQuery(spec);
    case '$sort':
      return encodeSortSpec(spec);
    case '$count':
    case '$unset':
      return encodeNames(spec);
    case '$unwind':
      if (!isPlainObject(spec)) return encodeExpression(spec);
      return {
        ...spec,
        path: encodeExpression(spec.path),
        ...(typeof spec.includeArrayIndex === 'string'
          ? { includeArrayIndex: encodePath(spec.includeArrayIndex) }
          : {}),
      };
    case '$lookup': {
      if (!isPlainObject(spec)) return spec;
      const out: Document = { ...spec };
      for (const field of ['localField', 'foreignField', 'as'])
        if (typeof spec[field] === 'string') out[field] = encodePath(spec[field] as string);
      if (isPlainObject(spec.let)) {
        const variables: Document = {};
        for (const [variable, value] of Object.entries(spec.let)) {
          checkVariableName(variable);
          variables[variable] = encodeExpression(value);
        }
        out.let = variables;
      }
      if (Array.isArray(spec.pipeline)) out.pipeline = encodePipeline(spec.pipeline as Document[]);
      return out;
    }
    case '$graphLookup': {
      if (!isPlainObject(spec)) return spec;
      const out: Document = { ...spec, startWith: encodeExpression(spec.startWith) };
      for (const field of ['connectFromField', 'connectToField', 'as', 'depthField'])
        if (typeof spec[field] === 'string') out[field] = encodePath(spec[field] as string);
      if (spec.restrictSearchWithMatch !== undefined)
        out.restrictSearchWithMatch = encodeQuery(spec.restrictSearchWithMatch);
      return out;
    }
    case '$facet': {
      if (!isPlainObject(spec)) return spec;
      const out: Document = {};
      for (const [facet, pipeline] of Object.entries(spec))
        out[encodeName(facet)] = Array.isArray(pipeline) ? encodePipeline(pipeline as Document[]) : pipeline;
      return out;
    }
    case '$unionWith':
      if (isPlainObject(spec) && Array.isArray(spec.pipeline))
        return { ...spec, pipeline: encodePipeline(spec.pipeline as Document[]) };
      return spec;
    case '$limit':
    case '$skip':
    case '$sample':
      return toPlain(spec);
    case '$setWindowFields':
      if (!isPlainObject(spec)) return spec;
      return {
        ...(encodeExpression({ partitionBy: spec.partitionBy, output: spec.output }) as Document),
        ...(spec.sortBy === undefined ? {} : { sortBy: encodeSortSpec(spec.sortBy) }),
      };
    default:
      return encodeExpression(spec);
  }
}

/** A pipeline for mingo. */
export function encodePipeline(stages: Document[]): Document[] {
  return stages.map((stage) => {
    const out: Document = {};
    for (const [name, spec] of Object.entries(stage)) out[name] = encodeStage(name, spec);
    return out;
  });
}

// ---- operators this server evaluates itself, inside mingo -------------------------------------

/** `$first`/`$last` of an empty array is missing (mingo throws), so `$ifNull` and `$lookup` + `$first` work. */
function arrayEnd(which: 'first' | 'last') {
  const accumulator = which === 'first' ? firstAccumulator : lastAccumulator;
  return (obj: unknown, expr: unknown, options: Options): unknown => {
    // Called with the group's documents when used as a $group accumulator.
    if (Array.isArray(obj)) return accumulator(obj as Document[], expr as never, options);
    const value = computeValue(obj, expr, null, options) as unknown;
    if (value === null || value === undefined) return null;
    if (!Array.isArray(value))
      throw new ServerError(28689, `$${which}'s argument must be an array, but is ${typeof value}`);
    return value.length === 0 ? undefined : which === 'first' ? value[0] : value[value.length - 1];
  };
}

function getField(obj: unknown, expr: unknown, options: Options): unknown {
  const spec = isPlainObject(expr) && 'field' in expr ? expr : { field: expr };
  const field = computeValue(obj, spec.field, null, options) as unknown;
  if (typeof field !== 'string')
    throw new ServerError(5648602, "$getField requires 'field' to evaluate to type String");
  const input = 'input' in spec ? (computeValue(obj, spec.input, null, options) as unknown) : obj;
  if (input === null || input === undefined) return null;
  if (!isPlainObject(input)) return undefined;
  return Object.prototype.hasOwnProperty.call(input, field) ? input[field] : undefined;
}

/** `$project` with MongoDB 4.4+ semantics (the same code as find's projection). */
function project(collection: unknown, expr: unknown, options: Options): unknown {
  const projector = compileProjection(expr, {
    isAggregation: true,
    evaluate: (doc, expression) => computeValue(doc, expression, null, options) as unknown,
  });
  const iterator = collection as { map(fn: (doc: Document) => Document): unknown };
  return projector === undefined ? collection : iterator.map((doc) => projector(doc));
}

const context = Context.init({
  [OpType.PIPELINE]: { $project: project as never },
  [OpType.EXPRESSION]: {
    $first: arrayEnd('first') as never,
    $last: arrayEnd('last') as never,
    $getField: getField as never,
  },
});

/** Whether a stage name is one this server runs (anything else answers 40324). */
export function isKnownStage(name: string): boolean {
  return knownStages.has(name);
}

const knownStages = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$documents',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
]);

/** What an expression evaluation may use: `$$variables` (command `let`) and other collections. */
export interface EvaluationOptions {
  variables?: Document;
  collectionResolver?: (name: string) => Document[];
}

function mingoOptions(options: EvaluationOptions): Partial<Options> {
  return {
    context,
    variables: options.variables === undefined ? undefined : (encodeValue(options.variables) as Document),
    collectionResolver:
      options.collectionResolver === undefined
        ? undefined
        : (name: string) =>
            (options.collectionResolver as (n: string) => Document[])(name).map(encodeValue) as Document[],
  } as Partial<Options>;
}

/** Mingo's own errors, as MongoDB error codes. */
export function toAggregationError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/undefined variable/i.test(message)) return new ServerError(17276, message);
  return new ServerError(ErrorCode.BadValue, `aggregation failed: ${message}`);
}

/** Runs pipeline stages (already validated) over stored documents; returns server documents. */
export function runStages(docs: Document[], stages: Document[], options: EvaluationOptions = {}): Document[] {
  try {
    const aggregator = new Aggregator(encodePipeline(stages), mingoOptions(options) as Options);
    // MongoDB writes `_id` first in every document a stage builds ($group, $bucket, $replaceWith, …).
    return aggregator.run(docs.map(encodeValue) as Document[]).map((result) => {
      const doc = decodeValue(result) as Document;
      const first = Object.keys(doc)[0];
      return first === undefined || first === '_id' || doc._id === undefined ? doc : withIdFirst(doc);
    });
  } catch (error) {
    throw toAggregationError(error);
  }
}

/** Compiles `$expr` into a predicate over stored documents. */
export function compileExprPredicate(
  expression: unknown,
  options: EvaluationOptions = {},
): (doc: Document) => boolean {
  try {
    const query = new Query(
      { $expr: encodeExpression(expression) } as Document,
      mingoOptions(options) as Options,
    );
    return (doc) => {
      try {
        return query.test(encodeValue(doc) as Document);
      } catch (error) {
        throw toAggregationError(error);
      }
    };
  } catch (error) {
    throw toAggregationError(error);
  }
}

/** Evaluates one aggregation expression against a stored document (computed fields of find projections). */
export function evaluateOnDocument(
  doc: Document,
  expression: unknown,
  options: EvaluationOptions = {},
): unknown {
  try {
    const settings = initOptions(mingoOptions(options));
    const value = computeValue(encodeValue(doc), encodeExpression(expression), null, settings) as unknown;
    return decodeValue(value);
  } catch (error) {
    throw toAggregationError(error);
  }
}

/** Evaluates the constant expressions of a command's `let` (they may not refer to fields). */
export function evaluateLet(spec: unknown): Document | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (!isPlainObject(spec))
    throw new ServerError(
      ErrorCode.TypeMismatch,
      "BSON field 'let' is the wrong type, expected type 'object'",
    );
  const variables = newDocument();
  for (const [name, expression] of Object.entries(spec)) {
    checkVariableName(name);
    variables[name] = evaluateOnDocument(newDocument(), expression, { variables });
  }
  return variables;
}
