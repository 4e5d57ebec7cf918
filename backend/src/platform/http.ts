import { createHash } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  ERROR_CATALOGUE,
  ErrorBody,
  type ErrorCode,
  type ErrorCodeSpec,
  formatIssuePath,
} from '@regulars/contracts';
import express, { type Request, type Response, type Router } from 'express';
import { z, type ZodTypeAny } from 'zod';
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from './errors.js';
import { API_TAGS, type ApiTag, type ResponseHeaderName } from './openapi.js';
import type { AnswerRecorder, IdempotencyService } from './idempotency/idempotency.service.js';
import { type Access, type Principal, idempotencyScopeOf, storeBindingOf } from './principal.js';
import type { RateLimiter, RateLimitRule } from './rate-limit.js';
import type { WriteBatch } from './write-batch.js';

export type RouteContext<B, Q, P> = {
  body: B;
  query: Q;
  params: P;
  principal: Principal;
  req: Request;
  res: Response;
  requestId: string;
  /**
   * On idempotent routes, stores the route's answer (`body`, sent with the route's status) with the
   * writes of the operation's transaction; the answer must be what the handler then returns.
   */
  recordAnswer: ((batch: WriteBatch, body: unknown) => void) | null;
};

/** A handler may return a plain body (sent with the route's status) or a full reply. */
export type Reply = { status: number; body: unknown; headers?: Record<string, string> };
const replyBrand = Symbol('reply');
export const reply = (status: number, body: unknown, headers?: Record<string, string>): Reply =>
  ({ [replyBrand]: true, status, body, headers }) as Reply;
const isReply = (v: unknown): v is Reply =>
  typeof v === 'object' && v !== null && (v as { [replyBrand]?: true })[replyBrand] === true;

type SuccessMediaType =
  'application/json' | 'text/csv' | 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';

export type RouteSpec<B extends ZodTypeAny, Q extends ZodTypeAny, P extends ZodTypeAny> = {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express-style path relative to /api/v1, e.g. `/members/:id`. */
  path: string;
  /** The operation's name in the OpenAPI document and in generated clients: camelCase, `listPurchases`. */
  operationId: string;
  summary: string;
  description?: string;
  tags: ApiTag[];
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status and schema; documented in the OpenAPI document. */
  response?: {
    status?: number;
    schema?: ZodTypeAny;
    description?: string;
    /** The media type of the success body (`text/csv`, `application/pdf` for what the handler streams itself); JSON by default. */
    mediaType?: SuccessMediaType | SuccessMediaType[];
    /**
     * Other success answers the handler gives with `reply(status, ...)` (a dry run's 200...); `isEmpty`
     * for one without a body (a 304).
     */
    others?: Array<{ status: number; description: string; schema?: ZodTypeAny; isEmpty?: boolean }>;
  };
  /**
   * Error codes this route's own code may answer with (the platform's — authentication, validation, rate
   * limits, idempotency, outages — are added to the document by `platformErrors`).
   */
  errors?: ErrorCode[];
  /**
   * Checks whose data the path names before the body is read (a member sending a body for another
   * member's path gets 403, not a validation error about the body).
   */
  owner?: (params: Record<string, string | string[]>, principal: Principal) => void;
  /** `required`: the request must carry an Idempotency-Key; `optional`: honoured when present. */
  idempotency?: 'required' | 'optional';
  /** Strict limits that depend on the validated input (per phone, per card...). */
  rateLimits?: (ctx: {
    body: z.infer<B>;
    req: Request;
    principal: Principal;
  }) => RateLimitRule[] | Promise<RateLimitRule[]>;
  handler: (ctx: RouteContext<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<unknown>;
};

export type ApiDeps = {
  router: Router;
  registry: OpenAPIRegistry;
  idempotency: IdempotencyService;
  rateLimiter: RateLimiter;
  basePath: string;
};

/**
 * Declares routes: one definition gives the express handler (auth, validation, rate limits,
 * idempotency) and the OpenAPI entry, so the document cannot drift from the code.
 */
export class Api {
  /** Every declared route with who may call it (the authorization-matrix test walks them). */
  readonly declared: Array<{
    method: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>['method'];
    path: string;
    access: Access;
  }> = [];
  private readonly operationIds = new Set<string>();

  constructor(private readonly deps: ApiDeps) {}

  get router(): Router {
    return this.deps.router;
  }

  route<
    B extends ZodTypeAny = z.ZodUndefined,
    Q extends ZodTypeAny = z.ZodUndefined,
    P extends ZodTypeAny = z.ZodUndefined,
  >(spec: RouteSpec<B, Q, P>): void {
    this.declared.push({ method: spec.method, path: spec.path, access: spec.access });
    this.document(spec as unknown as RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>);
    const status = spec.response?.status ?? (spec.method === 'post' ? 201 : 200);
    this.deps.router[spec.method](spec.path, async (req: Request, res: Response) => {
      const principal = req.principal ?? { kind: 'anonymous' };
      authorize(spec.access, principal);
      spec.owner?.(req.params, principal);
      const body = spec.body ? parse(spec.body, req.body ?? {}, 'body') : undefined;
      const query = spec.query ? parse(spec.query, req.query, 'query') : undefined;
      const params = spec.params ? parse(spec.params, req.params, 'path') : undefined;
      if (spec.rateLimits) {
        for (const rule of await spec.rateLimits({ body, req, principal }))
          await this.deps.rateLimiter.consumeFor(res, rule);
      }
      const run = async (recordAnswer?: AnswerRecorder): Promise<Reply> => {
        const out = await spec.handler({
          body,
          query,
          params,
          principal,
          req,
          res,
          requestId: String(req.id ?? ''),
          recordAnswer: recordAnswer
            ? (batch, answer) => recordAnswer(batch, { status, body: answer })
            : null,
        });
        return isReply(out) ? out : { status, body: out };
      };
      const key = req.get('Idempotency-Key');
      let result: Reply;
      if (spec.idempotency && key !== undefined) {
        result = await this.deps.idempotency.run({
          scope: `${idempotencyScopeOf(principal)} ${spec.method.toUpperCase()} ${spec.path}`,
          key,
          fingerprint: fingerprint({
            params: req.params,
            body: req.body ?? null,
            storeBinding: storeBindingOf(principal),
          }),
          execute: run,
        });
      } else if (spec.idempotency === 'required') {
        throw new AppError(
          'bad_request',
          'IDEMPOTENCY_KEY_REQUIRED',
          'Send an Idempotency-Key header (a unique value per operation, reused on retries)',
        );
      } else {
        result = await run();
      }
      // A handler that streamed its answer (a CSV export) has sent it already.
      if (res.headersSent) return;
      if (result.headers) res.set(result.headers);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
  }

  private document(spec: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>): void {
    const status = spec.response?.status ?? (spec.method === 'post' ? 201 : 200);
    if (!/^[a-z][A-Za-z0-9]*$/.test(spec.operationId))
      throw new Error(`operationId ${spec.operationId} of ${spec.path} is not camelCase`);
    if (this.operationIds.has(spec.operationId))
      throw new Error(`operationId ${spec.operationId} is used twice (${spec.path})`);
    this.operationIds.add(spec.operationId);
    for (const tag of spec.tags) if (!(tag in API_TAGS)) throw new Error(`Undeclared tag ${tag}`);
    const security: Array<Record<string, string[]>> = spec.access.public
      ? []
      : [
          ...(spec.access.staff || spec.access.member ? [{ bearer: [] }] : []),
          ...(spec.access.apiKey ? [{ apiKey: [] }] : []),
        ];
    const who = describeAccess(spec.access);
    const headers = spec.idempotency
      ? z.object({
          'idempotency-key': (spec.idempotency === 'required' ? z.string() : z.string().optional()).openapi({
            description: 'A unique value per operation (1–255 printable characters), reused on retries',
          }),
        })
      : undefined;
    const codes = [...new Set([...platformErrors(spec), ...(spec.errors ?? [])])];
    const successHeaders: ResponseHeaderName[] = [
      'X-Request-Id',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      ...(spec.idempotency ? (['Idempotent-Replayed'] as const) : []),
    ];
    this.deps.registry.registerPath({
      method: spec.method,
      path: `${this.deps.basePath}${spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`,
      operationId: spec.operationId,
      summary: spec.summary,
      description: [spec.description, `**Who may call:** ${who}.`].filter(Boolean).join('\n\n'),
      tags: spec.tags,
      security,
      request: {
        ...(objectOf(spec.params) ? { params: objectOf(spec.params) } : {}),
        ...(objectOf(spec.query) ? { query: objectOf(spec.query) } : {}),
        ...(headers ? { headers } : {}),
        ...(spec.body
          ? { body: { required: true, content: { 'application/json': { schema: spec.body } } } }
          : {}),
      },
      responses: {
        [status]: {
          description: spec.response?.description ?? 'Success',
          headers: headerRefs(successHeaders),
          ...(spec.response?.schema
            ? {
                content: Object.fromEntries(
                  [spec.response.mediaType ?? 'application/json']
                    .flat()
                    .map((media) => [media, { schema: spec.response?.schema }]),
                ),
              }
            : {}),
        },
        ...Object.fromEntries(
          (spec.response?.others ?? []).map((other) => [
            String(other.status),
            {
              description: other.description,
              headers: headerRefs(successHeaders),
              ...(other.isEmpty
                ? {}
                : {
                    content: {
                      'application/json': { schema: other.schema ?? spec.response?.schema ?? z.unknown() },
                    },
                  }),
            },
          ]),
        ),
        ...errorResponses(codes, Boolean(spec.idempotency)),
      },
    });
  }
}

/** The codes the platform may answer any route with, before or around the route's own code. */
function platformErrors(spec: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>): ErrorCode[] {
  return [
    // The body parser and the guards in front of every route.
    'VALIDATION_FAILED',
    'MALFORMED_JSON',
    'BAD_ENCODING',
    'BAD_PATH_ENCODING',
    'BAD_CONTENT_LENGTH',
    'REQUEST_ABORTED',
    'BAD_REQUEST',
    'INVALID_FIELD_NAME',
    'PAYLOAD_TOO_LARGE',
    'BODY_TOO_DEEP',
    'BODY_TOO_MANY_KEYS',
    'UNSUPPORTED_ENCODING',
    // Credentials are checked on every request, public routes included: bad ones are refused.
    'INVALID_AUTHORIZATION_HEADER',
    'INVALID_TOKEN',
    'TOKEN_EXPIRED',
    'INVALID_API_KEY',
    'API_KEY_REVOKED',
    'ACCOUNT_DISABLED',
    'MEMBER_SESSION_BLOCKED',
    ...(spec.access.public ? [] : (['UNAUTHENTICATED', 'FORBIDDEN'] as const)),
    // Lists take the standard page, whose cursor may be broken or belong to another list.
    ...(objectOf(spec.query)?.shape.cursor ? (['INVALID_CURSOR'] as const) : []),
    ...(spec.access.apiKey?.length ? (['INSUFFICIENT_SCOPE'] as const) : []),
    ...(spec.idempotency
      ? ([
          'IDEMPOTENCY_KEY_INVALID',
          'IDEMPOTENCY_KEY_REUSED',
          'IDEMPOTENCY_IN_PROGRESS',
          ...(spec.idempotency === 'required' ? (['IDEMPOTENCY_KEY_REQUIRED'] as const) : []),
        ] as const)
      : []),
    // Writes run in transactions retried on conflicts (LEDGER_BUSY when they keep conflicting); a unique
    // index the service did not check first answers DUPLICATE.
    ...(spec.method === 'get' ? [] : (['LEDGER_BUSY', 'DUPLICATE'] as const)),
    // Every /api/v1 request passes the general rate limit, and needs MongoDB and Redis.
    'RATE_LIMITED',
    'SERVICE_UNAVAILABLE',
  ];
}

/**
 * The object a parameter schema refines (`.refine()` wraps it): the document lists its fields as parameters;
 * the refinement itself (`from` before `to`...) is checked at run time only.
 */
function objectOf(schema: ZodTypeAny | undefined): z.AnyZodObject | undefined {
  let current = schema;
  while (current instanceof z.ZodEffects) current = current.innerType() as ZodTypeAny;
  return current instanceof z.ZodObject ? current : undefined;
}

const headerRefs = (names: readonly ResponseHeaderName[]) =>
  Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));

const STATUS_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request',
  401: 'Not signed in, or the credentials are not valid',
  403: 'Not allowed',
  404: 'Not found',
  409: 'Conflict with the current state',
  413: 'Body too large',
  415: 'Unsupported encoding',
  422: 'Refused by a business rule',
  429: 'Rate limited',
  503: 'Temporarily unavailable',
};

/** One response per status: the error body with `code` as the enum of the codes of that status. */
function errorResponses(codes: ErrorCode[], isIdempotent: boolean) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const spec = ERROR_CATALOGUE[code];
    if (!spec) throw new Error(`Error code ${code} is not in ERROR_CATALOGUE`);
    byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, list]) => {
        const sorted = [...list].sort();
        const details = [...new Set(sorted.flatMap(detailsOf))];
        const detailsSchema =
          details.length === 0
            ? undefined
            : details.length === 1
              ? details[0]
              : z.union(details as unknown as [ZodTypeAny, ZodTypeAny, ...ZodTypeAny[]]);
        const headers: ResponseHeaderName[] = [
          'X-Request-Id',
          ...(status === 429 || status === 503 ? (['Retry-After'] as const) : []),
          ...(status === 429 ? (['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'] as const) : []),
          ...(isIdempotent && status !== 429 && status !== 503 ? (['Idempotent-Replayed'] as const) : []),
        ];
        return [
          String(status),
          {
            description: `${STATUS_DESCRIPTIONS[status] ?? 'Error'}: ${sorted.map((c) => `\`${c}\``).join(', ')}`,
            headers: headerRefs(headers),
            content: {
              'application/json': {
                schema: ErrorBody.extend({
                  error: z.object({
                    code: z.enum(sorted as [string, ...string[]]),
                    message: z.string(),
                    ...(detailsSchema ? { details: detailsSchema.optional() } : {}),
                  }),
                }),
              },
            },
          },
        ];
      }),
  );
}

function detailsOf(code: ErrorCode): ZodTypeAny[] {
  const spec: ErrorCodeSpec = ERROR_CATALOGUE[code];
  return spec.details ? [spec.details] : [];
}

function describeAccess(access: Access): string {
  if (access.public) return 'anyone';
  const parts: string[] = [];
  if (access.staff?.length) parts.push(`staff (${access.staff.join(', ')})`);
  if (access.member) parts.push('the signed-in member (own data only)');
  if (access.apiKey?.length) parts.push(`API keys with ${access.apiKey.join(' or ')}`);
  return parts.join('; ');
}

/** Refuses the request unless the principal is one of the kinds the route accepts. */
export function authorize(access: Access, principal: Principal): void {
  if (access.public) return;
  if (principal.kind === 'anonymous') throw new UnauthenticatedError();
  if (principal.kind === 'staff') {
    if (access.staff?.includes(principal.role)) return;
    throw new ForbiddenError(
      access.staff?.length
        ? `This needs the role ${access.staff.join(' or ')}; you are signed in as ${principal.role}`
        : 'Staff accounts cannot call this endpoint',
    );
  }
  if (principal.kind === 'member') {
    if (access.member) return;
    throw new ForbiddenError('Members cannot call this endpoint');
  }
  if (!access.apiKey?.length)
    throw new ForbiddenError('API keys cannot call this endpoint; sign in as staff');
  if (access.apiKey.some((scope) => principal.scopes.includes(scope))) return;
  throw new ForbiddenError(
    `This API key lacks the scope ${access.apiKey.join(' or ')}`,
    'INSUFFICIENT_SCOPE',
  );
}

/** Parses with zod and turns failures into one ValidationError listing every problem by path. */
export function parse<S extends ZodTypeAny>(
  schema: S,
  input: unknown,
  where: 'body' | 'query' | 'path',
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issueMessage(issue),
  }));
  const first = details[0];
  const summary = first ? `${first.path ? `${first.path}: ` : ''}${first.message}` : 'invalid input';
  throw new ValidationError(
    `Invalid request ${where}: ${summary}${details.length > 1 ? ` (and ${details.length - 1} more)` : ''}`,
    details,
  );
}

function issueMessage(issue: z.ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}`;
  return issue.message;
}

/** Canonical JSON (sorted keys) hashed: the same request body always gives the same fingerprint. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Creates a router for one API version. */
export function createRouter(): Router {
  return express.Router();
}
