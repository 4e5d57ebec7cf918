import createClient, {
  type Client,
  type FetchResponse,
  type MaybeOptionalInit,
  type Middleware,
} from 'openapi-fetch';
import type { HttpMethod, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import { apiErrorFrom, RegularsNetworkError } from './errors.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { isRetriedStatus, isRetrySafe, retryDelayMs, retryPolicy, type RetryOptions } from './retry.js';
import { idempotentOperations, type paths } from './schema.js';

/** Every path of the Regulars API with its methods, parameters, bodies and answers (generated). */
export type RegularsPaths = paths;

/** The openapi-fetch client underneath: `{ data, error, response }` answers, for callers that want headers. */
export type RegularsRawClient = Client<paths, 'application/json'>;

/** Where a signed-in app keeps its bearer token (staff or member sessions). */
export type AuthHooks = {
  /** The access token for the next request (null sends none); may renew an expiring one first. */
  accessToken: () => string | null | Promise<string | null>;
  /** The API refused `rejected` with a 401: resolve a renewed token to send the request once more, or null. */
  renew?: (rejected: string) => Promise<string | null>;
};

export type RegularsClientOptions = {
  /** The server's origin, e.g. `https://loyalty.example.com` (paths start with `/api/v1`). */
  baseUrl: string;
  /** An API key (`rgl_…`), sent as `X-Api-Key`: how a POS or an e-commerce backend authenticates. */
  apiKey?: string;
  /** A bearer token, fixed or from hooks that renew it. */
  auth?: string | AuthHooks;
  /**
   * `auto` (default) sends a fresh Idempotency-Key on every POST, PUT, PATCH and DELETE that has none, the
   * same on each retry; `manual` sends only the keys given in `headers`.
   */
  idempotencyKeys?: 'auto' | 'manual';
  /**
   * Retries of network errors, 429 and 503 (honouring Retry-After) when a repeat is harmless (see
   * isRetrySafe): reads, keyed writes refused, lost keyed writes to operations that honour the key; false: none.
   */
  retry?: RetryOptions | false;
  /** A fetch to send through (default globalThis.fetch). */
  fetch?: (request: Request) => Promise<Response>;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
};

type InitParam<Init> =
  RequiredKeysOf<Init> extends never
    ? [(Init & { [key: string]: unknown })?]
    : [Init & { [key: string]: unknown }];

/** The body of an operation's success answer (undefined for 204). */
export type SuccessData<Answer> = Answer extends { data: infer Data }
  ? [Data] extends [never]
    ? undefined
    : Data
  : never;

/** One HTTP method, typed by path: the answer's body, or a thrown RegularsApiError / RegularsNetworkError. */
export type RegularsMethod<Method extends HttpMethod> = <
  Path extends PathsWithMethod<paths, Method>,
  Init extends MaybeOptionalInit<paths[Path], Method>,
>(
  url: Path,
  ...init: InitParam<Init>
) => Promise<
  paths[Path][Method] extends infer Operation extends Record<string | number, unknown>
    ? SuccessData<FetchResponse<Operation, Init, 'application/json'>>
    : never
>;

/** The Regulars API, typed by path and method. */
export type RegularsClient = {
  GET: RegularsMethod<'get'>;
  POST: RegularsMethod<'post'>;
  PUT: RegularsMethod<'put'>;
  PATCH: RegularsMethod<'patch'>;
  DELETE: RegularsMethod<'delete'>;
  /** The same client answering `{ data, error, response }` (headers such as Idempotent-Replayed), no throw. */
  raw: RegularsRawClient;
};

const KEYED_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

type Outcome = { response: Response; error?: undefined } | { response?: undefined; error: unknown };

function isAbort(error: unknown, request: Request): boolean {
  return request.signal.aborted || (error instanceof Error && error.name === 'AbortError');
}

/**
 * Authentication, idempotency keys and safe retries, as one openapi-fetch middleware: a retry re-sends the
 * request exactly as first sent (same key, same body), and a renewed token re-sends it once more.
 */
function transport(
  options: RegularsClientOptions,
  send: (request: Request) => Promise<Response>,
): Middleware {
  const policy = retryPolicy(options.retry);
  const sent = new Map<
    string,
    { template: Request; token: string | null; isKeyHonoured: boolean; isSettled: boolean }
  >();
  const given = options.auth;
  const auth: AuthHooks | undefined = typeof given === 'string' ? { accessToken: () => given } : given;

  const attempt = async (request: Request): Promise<Outcome> => {
    try {
      return { response: await send(request) };
    } catch (error) {
      return { error };
    }
  };

  /** Retries `outcome` while it is worth it and safe; the final answer, or the network error thrown. */
  const settle = async (
    { template, isKeyHonoured }: { template: Request; isKeyHonoured: boolean },
    first: Outcome,
  ): Promise<Response> => {
    let outcome = first;
    for (let retry = 1; ; retry += 1) {
      const isWorthIt = outcome.response
        ? isRetriedStatus(outcome.response.status)
        : !isAbort(outcome.error, template);
      const delay =
        isWorthIt &&
        retry <= policy.retries &&
        isRetrySafe(template, { isRefusal: outcome.response !== undefined, isKeyHonoured })
          ? retryDelayMs(policy, retry, outcome.response)
          : null;
      if (delay === null) {
        if (outcome.response) return outcome.response;
        if (isAbort(outcome.error, template)) throw outcome.error;
        throw new RegularsNetworkError(outcome.error);
      }
      await outcome.response?.body?.cancel();
      await policy.sleep(delay, template.signal);
      outcome = await attempt(template.clone());
    }
  };

  return {
    async onRequest({ request, id, schemaPath }) {
      for (const [name, value] of Object.entries(options.headers ?? {})) request.headers.set(name, value);
      let token: string | null = null;
      if (options.apiKey) request.headers.set('X-Api-Key', options.apiKey);
      else if (auth) {
        token = await auth.accessToken();
        if (token) request.headers.set('Authorization', `Bearer ${token}`);
      }
      if (
        (options.idempotencyKeys ?? 'auto') === 'auto' &&
        KEYED_METHODS.has(request.method) &&
        !request.headers.has('Idempotency-Key')
      )
        request.headers.set('Idempotency-Key', newIdempotencyKey());
      sent.set(id, {
        template: request.clone(),
        token,
        isKeyHonoured: idempotentOperations.has(`${request.method} ${schemaPath}`),
        isSettled: false,
      });
      return request;
    },
    async onResponse({ response, id }) {
      const entry = sent.get(id);
      sent.delete(id);
      if (!entry) return response;
      let answer = entry.isSettled ? response : await settle(entry, { response });
      if (answer.status === 401 && entry.token && auth?.renew) {
        const renewed = await auth.renew(entry.token);
        if (renewed) {
          await answer.body?.cancel();
          const again = entry.template.clone();
          again.headers.set('Authorization', `Bearer ${renewed}`);
          answer = await settle({ ...entry, template: again }, await attempt(again.clone()));
        }
      }
      return answer;
    },
    async onError({ error, id }) {
      const entry = sent.get(id);
      if (!entry) return error instanceof Error ? error : new RegularsNetworkError(error);
      try {
        // The retried answer goes on to onResponse (for a 401 renewal), already settled.
        const answer = await settle(entry, { error });
        entry.isSettled = true;
        return answer;
      } catch (failure) {
        sent.delete(id);
        return failure instanceof Error ? failure : new RegularsNetworkError(failure);
      }
    },
  };
}

/** A client for the Regulars API: typed by path and method, authenticated, idempotent, retrying safely. */
export function createRegularsClient(options: RegularsClientOptions): RegularsClient {
  // The global fetch is looked up per request (not once here), so that a page or a test may replace it.
  const send = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const raw = createClient<paths, 'application/json'>({ baseUrl: options.baseUrl, fetch: send });
  raw.use(transport(options, send));
  const call =
    (method: HttpMethod) =>
    async (url: string, init?: object): Promise<unknown> => {
      // openapi-fetch's own methods are generic per path; the typed surface is RegularsMethod above.
      const request = raw.request as (
        method: HttpMethod,
        url: string,
        init?: object,
      ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
      const { data, error, response } = await request(method, url, init);
      if (!response.ok) throw apiErrorFrom(response, error);
      return data;
    };
  return {
    GET: call('get') as RegularsMethod<'get'>,
    POST: call('post') as RegularsMethod<'post'>,
    PUT: call('put') as RegularsMethod<'put'>,
    PATCH: call('patch') as RegularsMethod<'patch'>,
    DELETE: call('delete') as RegularsMethod<'delete'>,
    raw,
  };
}
