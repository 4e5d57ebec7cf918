import { createHash } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { ErrorBody, formatIssuePath } from '@regulars/contracts';
import express, { type Request, type Response, type Router } from 'express';
import { z, type ZodTypeAny } from 'zod';
import { AppError, ForbiddenError, UnauthenticatedError, ValidationError } from './errors.js';
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

export type RouteSpec<B extends ZodTypeAny, Q extends ZodTypeAny, P extends ZodTypeAny> = {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  /** Express-style path relative to /api/v1, e.g. `/members/:id`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  /** Success status and schema; documented in the OpenAPI document. */
  response?: { status?: number; schema?: ZodTypeAny; description?: string };
  /** Error codes this route may answer with, documented for integrators. */
  errors?: string[];
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
      if (result.headers) res.set(result.headers);
      if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    });
  }

  private document(spec: RouteSpec<ZodTypeAny, ZodTypeAny, ZodTypeAny>): void {
    const status = spec.response?.status ?? (spec.method === 'post' ? 201 : 200);
    const security: Array<Record<string, string[]>> = spec.access.public
      ? []
      : [
          ...(spec.access.staff || spec.access.member ? [{ bearer: [] }] : []),
          ...(spec.access.apiKey ? [{ apiKey: [] }] : []),
        ];
    const who = describeAccess(spec.access);
    const headers = spec.idempotency
      ? z.object({
          'idempotency-key': spec.idempotency === 'required' ? z.string() : z.string().optional(),
        })
      : undefined;
    this.deps.registry.registerPath({
      method: spec.method,
      path: `${this.deps.basePath}${spec.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`,
      summary: spec.summary,
      description: [
        spec.description,
        `**Who may call:** ${who}.`,
        spec.errors?.length ? `**Error codes:** ${spec.errors.join(', ')}.` : '',
      ]
        .filter(Boolean)
        .join('\n\n'),
      tags: spec.tags,
      security,
      request: {
        ...(spec.params && spec.params instanceof z.ZodObject ? { params: spec.params } : {}),
        ...(spec.query && spec.query instanceof z.ZodObject ? { query: spec.query } : {}),
        ...(headers ? { headers } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
      },
      responses: {
        [status]: {
          description: spec.response?.description ?? 'Success',
          ...(spec.response?.schema
            ? { content: { 'application/json': { schema: spec.response.schema } } }
            : {}),
        },
        default: { description: 'Error', content: { 'application/json': { schema: ErrorBody } } },
      },
    });
  }
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
