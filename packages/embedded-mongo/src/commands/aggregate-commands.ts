import { ObjectId, type Document } from 'bson';
import type { CommandContext, CommandHandler } from '../command-context.js';
import { cloneValue, isPlainObject, newDocument, toNumber, withIdFirst } from '../bson-values.js';
import { evaluateLet, isKnownStage, runStages } from '../expression-engine.js';
import { compileFilter } from '../query-matcher.js';
import { parseSort } from '../sort-projection.js';
import { ErrorCode, ServerError, unsupported } from '../server-error.js';
import type { Collection } from '../storage-engine.js';
import { collectionName, optionalDocument, readDocuments } from './command-helpers.js';
import { replyWithCursor } from './crud-commands.js';

const unsupportedStages = new Map<string, [string, number]>(
  Object.entries({
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
  } satisfies Record<string, [string, number]>),
);

/** Walks a pipeline (sub-pipelines included) and rejects features this server does not implement. */
function rejectUnsupported(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(rejectUnsupported);
    return;
  }
  if (!isPlainObject(value)) return;
  for (const [key, nested] of Object.entries(value)) {
    const feature = unsupportedStages.get(key);
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

/** Refuses Decimal128 values reaching expressions (mingo would compute with binary floats). */
function refuseDecimals(docs: Document[]): Document[] {
  for (const doc of docs)
    if (hasDecimal(doc))
      throw unsupported('Decimal128 arithmetic (Decimal128 values in aggregation expressions)');
  return docs;
}

/** Every stage must be a one-field document naming a stage this server runs, as MongoDB checks first. */
function validateStages(pipeline: unknown[]): void {
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1)
      throw new ServerError(40323, 'A pipeline stage specification object must contain exactly one field.');
    const name = Object.keys(stage)[0] as string;
    if (name === '$out' || name === '$merge') continue;
    if (!isKnownStage(name)) throw new ServerError(40324, `Unrecognized pipeline stage name: '${name}'`);
    const spec: unknown = stage[name];
    if (name === '$lookup' && isPlainObject(spec) && Array.isArray(spec.pipeline))
      validateStages(spec.pipeline);
    if (name === '$unionWith' && isPlainObject(spec) && Array.isArray(spec.pipeline))
      validateStages(spec.pipeline);
    if (name === '$facet' && isPlainObject(spec))
      for (const sub of Object.values(spec)) if (Array.isArray(sub)) validateStages(sub);
  }
}

function runPipeline(
  context: CommandContext,
  docs: Document[],
  stages: Document[],
  variables: Document | undefined,
): Document[] {
  if (stages.length === 0) return docs;
  const collectionResolver = (name: string): Document[] =>
    refuseDecimals(readDocuments(context, context.engine.getCollection(context.db, name), {}).docs);
  return runStages(refuseDecimals(docs), stages, { collectionResolver, variables });
}

function withId(doc: Document): Document {
  return doc._id === undefined ? withIdFirst(doc, new ObjectId()) : doc;
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
    const filter = newDocument();
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
    if (whenMatched === 'replace') next = withIdFirst(result, match.doc._id);
    else if (whenMatched === 'merge') {
      const merged = cloneValue(match.doc);
      for (const key of Object.keys(result)) merged[key] = result[key];
      next = withIdFirst(merged, match.doc._id);
    } else if (Array.isArray(whenMatched)) {
      const variables = newDocument();
      variables.new = result;
      const merged = runStages([match.doc], whenMatched as Document[], { variables })[0] ?? newDocument();
      next = withIdFirst(merged, match.doc._id);
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
  validateStages(pipeline);
  if (typeof command.aggregate !== 'string') throw unsupported('Database-level aggregation (aggregate: 1)');
  const variables = evaluateLet(command.let);
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
    variables,
    hint: command.hint,
  });
  const results = runPipeline(context, docs, prepared.rest, variables);
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
