import {
  createRegularsClient,
  RegularsApiError,
  RegularsNetworkError,
  type RegularsClient,
  type RetryOptions,
} from '@regulars/client';
import { ApiError, NetworkError } from './errors.js';
import { tokensFrom, type Tokens, type TokenStore } from './token-store.js';

/** Renew the access token this long before it expires, so that a request never races the expiry. */
const REFRESH_MARGIN_MS = 30_000;

/** The apps' one error shape: ApiError for a refusal, NetworkError for no answer. */
function appError(error: unknown): unknown {
  if (error instanceof RegularsApiError)
    return new ApiError({
      status: error.status,
      code: error.code,
      message: error.message,
      details: error.details,
    });
  if (error instanceof RegularsNetworkError) return new NetworkError(error.cause);
  return error;
}

/** The same typed method, throwing the apps' error classes. */
function withAppErrors<Call extends (...args: never[]) => Promise<unknown>>(call: Call): Call {
  const wrapped = async (...args: Parameters<Call>) => {
    try {
      return await call(...args);
    } catch (error) {
      throw appError(error);
    }
  };
  // The wrapper has the very parameters and answer of `call`; TypeScript cannot say so of a generic one.
  return wrapped as Call;
}

type Methods = Pick<RegularsClient, 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'>;

function methodsOf(client: RegularsClient): Methods {
  return {
    GET: withAppErrors(client.GET),
    POST: withAppErrors(client.POST),
    PUT: withAppErrors(client.PUT),
    PATCH: withAppErrors(client.PATCH),
    DELETE: withAppErrors(client.DELETE),
  };
}

/**
 * What both apps send through: @regulars/client (typed by path, idempotency keys, safe retries) with the
 * session's bearer token, automatic refresh and the one error shape. Refresh tokens are single-use, so
 * refreshes are serialised: concurrent 401s share one refresh, and a token already renewed by another
 * request (or another tab) is adopted instead of spent twice. `public` calls (sign-in, the sandbox clock)
 * never read or wait for the tokens.
 */
export class ApiClient {
  private refreshing: Promise<Tokens | null> | null = null;
  private readonly anonymous: RegularsClient;
  readonly GET: Methods['GET'];
  readonly POST: Methods['POST'];
  readonly PUT: Methods['PUT'];
  readonly PATCH: Methods['PATCH'];
  readonly DELETE: Methods['DELETE'];
  /** Calls sent without the bearer token (sign-in endpoints, the sandbox clock). */
  readonly public: Methods;

  constructor(
    private readonly options: {
      tokens: TokenStore;
      /** Called when the session is gone (refresh refused); the app shows its sign-in screen. */
      onSignedOut?: () => void;
      /** The server's origin; the page's own by default. */
      baseUrl?: string;
      /** How reads and idempotent writes are retried after a lost connection, a 429 or a 503. */
      retry?: RetryOptions;
    },
  ) {
    const baseUrl = options.baseUrl ?? '';
    // Sign-in and refresh calls are not idempotent on the server: no automatic key, so never retried.
    this.anonymous = createRegularsClient({ baseUrl, idempotencyKeys: 'manual', retry: options.retry });
    const signedIn = createRegularsClient({
      baseUrl,
      retry: options.retry,
      auth: { accessToken: () => this.accessToken(), renew: (rejected) => this.renew(rejected) },
    });
    ({
      GET: this.GET,
      POST: this.POST,
      PUT: this.PUT,
      PATCH: this.PATCH,
      DELETE: this.DELETE,
    } = methodsOf(signedIn));
    this.public = methodsOf(this.anonymous);
  }

  get tokens(): TokenStore {
    return this.options.tokens;
  }

  isSignedIn(): boolean {
    return this.options.tokens.read() !== null;
  }

  startSession(pair: { accessToken: string; refreshToken: string; expiresIn: number }): void {
    this.options.tokens.write(tokensFrom(pair));
  }

  /** Revokes the refresh token on the server (best effort) and forgets the session locally. */
  async signOut(): Promise<void> {
    const tokens = this.options.tokens.read();
    this.options.tokens.write(null);
    if (!tokens) return;
    try {
      await this.anonymous.POST('/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } });
    } catch {
      // Offline or already revoked: the local session is gone either way.
    }
  }

  /** The token for the next request, renewed first when it is about to expire. */
  private async accessToken(): Promise<string | null> {
    let tokens = this.options.tokens.read();
    if (tokens && tokens.expiresAt - Date.now() < REFRESH_MARGIN_MS) tokens = await this.refresh(tokens);
    return tokens?.accessToken ?? null;
  }

  /** The server refused `rejected` (401): the token to send again with, or null when the session is over. */
  private async renew(rejected: string): Promise<string | null> {
    const stored = this.options.tokens.read();
    if (!stored) return null;
    if (stored.accessToken !== rejected) return stored.accessToken;
    return (await this.refresh(stored))?.accessToken ?? null;
  }

  /** Renews `used`; null when the server refused (the session is over). */
  private refresh(used: Tokens): Promise<Tokens | null> {
    if (this.refreshing) return this.refreshing;
    const run = async (): Promise<Tokens | null> => {
      // Another request or tab may already have renewed the pair: then the stored one is newer.
      const stored = this.options.tokens.read();
      if (!stored) return null;
      if (stored.refreshToken !== used.refreshToken) return stored;
      const { data, error, response } = await this.anonymous.raw.POST('/api/v1/auth/refresh', {
        body: { refreshToken: used.refreshToken },
      });
      if (data) {
        const tokens = tokensFrom(data);
        this.options.tokens.write(tokens);
        return tokens;
      }
      if (response.status === 401 || response.status === 400) {
        this.options.tokens.write(null);
        this.options.onSignedOut?.();
        return null;
      }
      throw new RegularsApiError({
        status: response.status,
        code: error?.error.code ?? `HTTP_${response.status}`,
        message: error?.error.message ?? (response.statusText || 'Request failed'),
        details: error?.error.details,
        requestId: response.headers.get('X-Request-Id'),
      });
    };
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    // Web Locks (secure origins only) serialise refreshes across tabs; one tab is still serialised without.
    const locked = locks
      ? locks.request('regulars-token-refresh', () => run()).then((tokens) => tokens)
      : run();
    const promise = locked.finally(() => {
      this.refreshing = null;
    });
    this.refreshing = promise;
    return promise;
  }
}

/**
 * The answer of a route whose OpenAPI entry has no answer schema yet (typed `undefined`), as `Declared`.
 * Once the document describes the route, its own type wins and `Declared` is ignored.
 */
export type Documented<Answer, Declared> = [Answer] extends [undefined] ? Declared : Answer;

/** Types an answer with `Declared` while the document does not describe it (see Documented). */
export function documented<Declared>() {
  return <Answer>(answer: Promise<Answer>) => answer as Promise<Documented<Answer, Declared>>;
}
