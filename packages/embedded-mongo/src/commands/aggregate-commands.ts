import { ObjectId, type Document } from 'bson';
import 'mingo/init/system';
import { Aggregator } from 'mingo';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { cloneValue, isPlainObject, toNumber, toPlain } from '../bson-values.js';
import { compileFilter } from '../query-matcher.js';
import { parseSort } from '../sort-projection.js';
import { ErrorCode, ServerError, unsupported } from '../server-error.js';
import type { Collection } from '../storage-engine.js';
import { collectionName, optionalDocument, readDocuments } from './command-helpers.js';
import { replyWithCursor } from './crud-commands.js';

const unsupportedStages: Record<string, [string, number]> = {
  $changeStream: ['Change streams ($changeStream)', ErrorCode.Location40573],
  $geoNear: ['Geospatial queries ($geoNear)', ErrorCode.NoQueryExecutionPlans],
  $search: ['Atlas Search ($search)', ErrorCode.NotImplemented],
  $searchMeta: ['Atlas Search ($searchMeta)', ErrorCode.NotImplemented],
  $vectorSearch: ['Vector search ($vectorSearch)', ErrorCode.NotImplemented],
  $collStats: ['The $collStats stage', ErrorCode.NotImplemented],
  $indexStats: ['The $indexStats stage', ErrorCode.NotImplemented],
  $currentOp: ['The $currentOp stage', ErrorCode.NotImplemented],
  $listSessions: ['The $listSessions stage', ErrorCode.NotImplemented],
  $planCacheStats: ['The $planCacheStats stage', ErrorCode.NotImplemented],
  $function: ['JavaScript execution ($function)', ErrorCode.NotImplemented],
  $accumulator: ['JavaScript execution ($accumulator)', ErrorCode.NotImplemented],
  $where: ['JavaScript execution ($where)', ErrorCode.NotImplemented],
  $text: ['Text search ($text)', ErrorCode.IndexNotFound],
};

/** Walks a pipeline (sub-pipelines included) and rejects features this server does not implement. */
function rejectUnsupported(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(rejectUnsupported);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, nested] of Object.entries(value)) {
    const feature = unsupportedStages[key];
    if (feature !== undefined) throw unsupported(feature[0], feature[1]);
    rejectUnsupported(nested);
  }
}

function hasDecimal(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDecimal);
  if (isPlainObject(value)) return Object.values(value).some(hasDecimal);
  return (
    value !== null &&
    typeof value === 'object' &&
    (value as { _bsontype?: string })._bsontype === 'Decimal128'
  );
}

/** Converts documents for mingo, refusing Decimal128 (mingo would compute with binary floats). */
function forExpressions(docs: Document[]): Document[] {
  return docs.map((doc) => {
    if (hasDecimal(doc))
      throw unsupported('Decimal128 arithmetic (Decimal128 values in aggregation expressions)');
    return toPlain(doc) as Document;
  });
}

function mingoError(error: unknown): ServerError {
  if (error instanceof ServerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ServerError(
    /unknown|unrecognized|invalid.*operator/i.test(message) ? 40324 : ErrorCode.BadValue,
    `aggregation failed: ${message}`,
  );
}

const TEMPORARY_ID = '__embeddedMongoComputedId';

function isComputedValue(value: unknown): boolean {
  return (typeof value === 'string' && value.startsWith('$')) || isPlainObject(value);
}

/**
 * mingo keeps the input `_id` when `$project` computes a new one (MongoDB replaces it), so such a
 * stage is rewritten into stages mingo evaluates correctly, keeping `_id` as the first field.
 */
export function rewriteComputedIdProjections(stages: Document[]): Document[] {
  return stages.flatMap((stage) => {
    if (isPlainObject(stage.$facet)) {
      const facets: Document = {};
      for (const [name, sub] of Object.entries(stage.$facet))
        facets[name] = Array.isArray(sub) ? rewriteComputedIdProjections(sub as Document[]) : sub;
      return [{ $facet: facets }];
    }
    const projection: unknown = stage.$project;
    if (!isPlainObject(projection) || !isComputedValue(projection._id)) return [stage];
    const { _id: idExpression, ...rest } = projection;
    return [
      { $addFields: { [TEMPORARY_ID]: idExpression } },
      { $project: { ...rest, _id: 0, [TEMPORARY_ID]: 1 } },
      { $replaceWith: { $mergeObjects: [{ _id: `$${TEMPORARY_ID}` }, '$$ROOT'] } },
      { $project: { [TEMPORARY_ID]: 0 } },
    ];
  });
}

function runPipeline(context: CommandContext, docs: Document[], stages: Document[]): Document[] {
  if (stages.length === 0) return docs;
  const collectionResolver = (name: string): Document[] =>
    forExpressions(readDocuments(context, context.engine.getCollection(context.db, name), {}).docs);
  try {
    const plainStages = rewriteComputedIdProjections(toPlain(stages) as Document[]);
    return new Aggregator(plainStages, { collectionResolver }).run(forExpressions(docs)) as Document[];
  } catch (error) {
    throw mingoError(error);
  }
}

function withId(doc: Document): Document {
  return doc._id === undefined ? { _id: new ObjectId(), ...doc } : doc;
}

function target(spec: unknown, db: string): { db: string; name: string } {
  if (typeof spec === 'string') return { db, name: spec };
  if (isPlainObject(spec) && typeof spec.coll === 'string')
    return { db: typeof spec.db === 'string' ? spec.db : db, name: spec.coll };
  throw new ServerError(ErrorCode.FailedToParse, 'invalid output namespace');
}

/** `$out`: replaces the target collection's documents with the results, all or nothing. */
function writeOut(context: CommandContext, results: Document[], spec: unknown): void {
  const { engine } = context;
  const to = target(spec, context.db);
  const collection = engine.ensureCollection(to.db, to.name);
  const previous = [...collection.docs.entries()].map(([key, record]) => ({ key, doc: record.doc }));
  for (const { key } of previous) engine.remove(collection, key);
  try {
    for (const doc of results) engine.insert(collection, withId(doc));
  } catch (error) {
    for (const key of [...collection.docs.keys()]) engine.remove(collection, key);
    for (const { doc } of previous) engine.insert(collection, doc);
    throw error;
  }
}

/** `$merge`: upserts each result into the target by the `on` fields. */
function writeMerge(context: CommandContext, results: Document[], spec: unknown): void {
  const { engine } = context;
  const options: Document = isPlainObject(spec) ? spec : { into: spec };
  const to = target(options.into, context.db);
  const collection = engine.ensureCollection(to.db, to.name);
  const on: string[] =
    options.on === undefined
      ? ['_id']
      : Array.isArray(options.on)
        ? options.on.map(String)
        : [String(options.on)];
  const whenMatched: unknown = options.whenMatched ?? 'merge';
  const whenNotMatched: unknown = options.whenNotMatched ?? 'insert';
  for (const result of results) {
    const filter: Document = {};
    for (const field of on) filter[field] = result[field] ?? null;
    const match = engine.query(collection, { filter, predicate: compileFilter(filter), sort: [], limit: 1 })
      .entries[0];
    if (match === undefined) {
      if (whenNotMatched === 'insert') engine.insert(collection, withId(result));
      else if (whenNotMatched === 'fail')
        throw new ServerError(
          13113,
          `$merge could not find a matching document in the target collection for at least one document in the source collection`,
        );
      continue;
    }
    if (whenMatched === 'keepExisting') continue;
    if (whenMatched === 'fail')
      throw engine.findById(collection, match.doc._id) === undefined
        ? new ServerError(ErrorCode.BadValue, '$merge failed')
        : new ServerError(
            ErrorCode.DuplicateKey,
            `E11000 duplicate key error collection: ${collection.namespace} index: _id_`,
          );
    let next: Document;
    if (whenMatched === 'replace') next = { ...result, _id: match.doc._id };
    else if (whenMatched === 'merge') next = { ...cloneValue(match.doc), ...result, _id: match.doc._id };
    else if (Array.isArray(whenMatched)) {
      const merged = new Aggregator(toPlain(whenMatched) as Document[], { variables: { new: result } }).run([
        toPlain(match.doc) as Document,
      ])[0];
      next = { ...(merged as Document), _id: match.doc._id };
    } else throw new ServerError(ErrorCode.BadValue, `Unsupported whenMatched mode: ${String(whenMatched)}`);
    engine.replace(collection, match.key, next);
  }
}

interface PreparedPipeline {
  filter?: Document;
  sort?: unknown;
  rest: Document[];
  output?: { stage: '$out' | '$merge'; spec: unknown };
}

/** Splits a pipeline into the prefix the query engine runs (with indexes) and the rest for mingo. */
function preparePipeline(pipeline: Document[]): PreparedPipeline {
  const prepared: PreparedPipeline = { rest: [] };
  let i = 0;
  const first = pipeline[0];
  if (first !== undefined && isPlainObject(first.$match) && Object.keys(first).length === 1) {
    prepared.filter = first.$match;
    i = 1;
  }
  const next = pipeline[i];
  if (next !== undefined && isPlainObject(next.$sort)) {
    parseSort(next.$sort);
    prepared.sort = next.$sort;
    i++;
  }
  prepared.rest = pipeline.slice(i);
  const last = prepared.rest[prepared.rest.length - 1];
  if (last !== undefined && ('$out' in last || '$merge' in last)) {
    prepared.output =
      '$out' in last ? { stage: '$out', spec: last.$out } : { stage: '$merge', spec: last.$merge };
    prepared.rest = prepared.rest.slice(0, -1);
  }
  for (const stage of prepared.rest) {
    if ('$out' in stage || '$merge' in stage)
      throw new ServerError(40601, '$out/$merge can only be the final stage in the pipeline');
  }
  return prepared;
}

function aggregate(context: CommandContext): Document {
  const { command, db, engine } = context;
  const pipeline: unknown = command.pipeline;
  if (!Array.isArray(pipeline) || !pipeline.every(isPlainObject))
    throw new ServerError(ErrorCode.TypeMismatch, "'pipeline' option must be specified as an array");
  rejectUnsupported(pipeline);
  if (typeof command.aggregate !== 'string') throw unsupported('Database-level aggregation (aggregate: 1)');
  if (command.explain === true) return explainQuery(context, { aggregate: command.aggregate, pipeline });
  if (!isPlainObject(command.cursor))
    throw new ServerError(
      ErrorCode.FailedToParse,
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  const name = collectionName(command);
  const prepared = preparePipeline(pipeline as Document[]);
  if (prepared.output !== undefined && context.txn !== undefined) {
    throw new ServerError(263, `${prepared.output.stage} cannot be used in a transaction`);
  }
  const { docs } = readDocuments(context, engine.getCollection(db, name), {
    filter: prepared.filter,
    sort: prepared.sort,
  });
  const results = runPipeline(context, docs, prepared.rest);
  if (prepared.output !== undefined) {
    if (prepared.output.stage === '$out') writeOut(context, results, prepared.output.spec);
    else writeMerge(context, results, prepared.output.spec);
    return replyWithCursor(context, `${db}.${name}`, [], {});
  }
  const batchSize = command.cursor.batchSize === undefined ? undefined : toNumber(command.cursor.batchSize);
  return replyWithCursor(context, `${db}.${name}`, results, { batchSize });
}

function planStage(
  plan: ReturnType<CommandContext['engine']['query']>['plan'],
  collection: Collection | undefined,
  filter: Document | undefined,
): Document {
  if (plan.stage === 'COLLSCAN') return { stage: 'COLLSCAN', filter: filter ?? {}, direction: 'forward' };
  if (plan.stage === 'IDHACK') return { stage: 'IDHACK' };
  const index = collection?.findIndex(plan.indexName);
  return {
    stage: 'FETCH',
    filter: filter ?? {},
    inputStage: { stage: 'IXSCAN', indexName: plan.indexName, keyPattern: index?.spec.key ?? {} },
  };
}

/** Runs the read part of a command and reports the plan and execution statistics. */
function explainQuery(context: CommandContext, inner: Document): Document {
  const name = Object.keys(inner)[0];
  const collectionField = inner[name ?? ''];
  if (typeof collectionField !== 'string')
    throw new ServerError(ErrorCode.BadValue, 'explain needs a command on a collection');
  let filter: Document | undefined;
  let sort: unknown;
  switch (name) {
    case 'find':
      filter = optionalDocument(inner, 'filter');
      sort = inner.sort;
      break;
    case 'count':
    case 'distinct':
    case 'findAndModify':
    case 'findandmodify':
      filter = optionalDocument(inner, 'query');
      sort = inner.sort;
      break;
    case 'aggregate': {
      const prepared = preparePipeline(Array.isArray(inner.pipeline) ? (inner.pipeline as Document[]) : []);
      filter = prepared.filter;
      sort = prepared.sort;
      break;
    }
    case 'update':
    case 'delete': {
      const statements: unknown = inner[name === 'update' ? 'updates' : 'deletes'];
      const firstStatement: unknown = Array.isArray(statements) ? statements[0] : undefined;
      filter =
        isPlainObject(firstStatement) && isPlainObject(firstStatement.q) ? firstStatement.q : undefined;
      break;
    }
    default:
      throw unsupported(`explain of ${String(name)}`, ErrorCode.CommandNotSupported);
  }
  const collection = context.engine.getCollection(context.db, collectionField);
  const sortKeys = parseSort(sort);
  const result =
    collection === undefined
      ? undefined
      : context.engine.query(collection, {
          filter,
          predicate: compileFilter(filter),
          sort: sortKeys,
          txn: context.txn,
          limit: inner.limit === undefined ? undefined : toNumber(inner.limit) + toNumber(inner.skip),
        });
  const plan = result === undefined ? { stage: 'EOF' } : planStage(result.plan, collection, filter);
  const keysExamined =
    result?.plan.stage === 'IXSCAN'
      ? result.plan.keysExamined
      : result?.plan.stage === 'IDHACK'
        ? result.plan.ids.length
        : 0;
  return {
    explainVersion: '1',
    queryPlanner: {
      namespace: `${context.db}.${collectionField}`,
      parsedQuery: filter ?? {},
      winningPlan: plan,
      rejectedPlans: [],
    },
    executionStats: {
      executionSuccess: true,
      nReturned: result?.entries.length ?? 0,
      executionTimeMillis: 0,
      totalKeysExamined: keysExamined,
      totalDocsExamined: result?.docsExamined ?? 0,
      executionStages: plan,
    },
    serverInfo: { host: context.server.host, port: context.server.port, version: '7.0.0' },
    ok: 1,
  };
}

function explain(context: CommandContext): Document {
  const inner = optionalDocument(context.command, 'explain');
  if (inner === undefined)
    throw new ServerError(ErrorCode.BadValue, 'explain command requires a nested object');
  if (
    inner.collation !== undefined &&
    !(isPlainObject(inner.collation) && inner.collation.locale === 'simple')
  ) {
    throw unsupported('collation not supported: only the simple (binary) collation');
  }
  return explainQuery(context, inner);
}

/** aggregate (with $lookup, $out, $merge) and explain. */
export const aggregateCommands: Record<string, CommandHandler> = { aggregate, explain };
