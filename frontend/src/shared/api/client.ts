import { ApiError, NetworkError } from './errors.js';
import { tokensFrom, type Tokens, type TokenStore } from './token-store.js';

type Query = Record<string, string | number | boolean | undefined | null>;

export type RequestOptions = {
  query?: Query;
  body?: unknown;
  /** Sent as the Idempotency-Key header; create it once per user attempt and reuse it on retry. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Sent without the bearer token (sign-in endpoints). */
  isPublic?: boolean;
};

/** Renew the access token this long before it expires, so that a request never races the expiry. */
const REFRESH_MARGIN_MS = 30_000;

/**
 * The typed fetch wrapper both apps use: bearer token, automatic refresh, the one error shape.
 * Refresh tokens are single-use, so refreshes are serialised: concurrent 401s share one refresh, and a
 * token already renewed by another request (or another tab) is adopted instead of spent twice.
 */
export class ApiClient {
  private refreshing: Promise<Tokens | null> | null = null;

  constructor(
    private readonly options: {
      tokens: TokenStore;
      /** Called when the session is gone (refresh refused); the app shows its sign-in screen. */
      onSignedOut?: () => void;
      baseUrl?: string;
    },
  ) {}

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
      await this.send('POST', '/auth/logout', {
        body: { refreshToken: tokens.refreshToken },
        isPublic: true,
      });
    } catch {
      // Offline or already revoked: the local session is gone either way.
    }
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (options.isPublic) return this.parse<T>(await this.send(method, path, options));
    let tokens = this.options.tokens.read();
    if (tokens && tokens.expiresAt - Date.now() < REFRESH_MARGIN_MS)
      tokens = (await this.refresh(tokens)) ?? null;
    let response = await this.send(method, path, options, tokens?.accessToken);
    if (response.status === 401 && tokens) {
      const renewed = await this.refresh(tokens);
      if (renewed) response = await this.send(method, path, options, renewed.accessToken);
    }
    return this.parse<T>(response);
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    accessToken?: string,
  ): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (accessToken) headers.Authorization = `Bearer ${accessToken}`;
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    try {
      return await fetch(this.url(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        cache: 'no-store',
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new NetworkError(error);
    }
  }

  private url(path: string, query?: Query): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    return `${this.options.baseUrl ?? '/api/v1'}${path}${search ? `?${search}` : ''}`;
  }

  private async parse<T>(response: Response): Promise<T> {
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let body: unknown = undefined;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.ok) return body as T;
    const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)
      ?.error;
    throw new ApiError({
      status: response.status,
      code: typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      message: typeof error?.message === 'string' ? error.message : response.statusText || 'Request failed',
      details: error?.details,
    });
  }

  /** Renews `used`; null when the server refused (the session is over). */
  private refresh(used: Tokens): Promise<Tokens | null> {
    if (this.refreshing) return this.refreshing;
    const run = async (): Promise<Tokens | null> => {
      // Another request or tab may already have renewed the pair: then the stored one is newer.
      const stored = this.options.tokens.read();
      if (!stored) return null;
      if (stored.refreshToken !== used.refreshToken) return stored;
      const response = await this.send('POST', '/auth/refresh', {
        body: { refreshToken: used.refreshToken },
        isPublic: true,
      });
      if (response.ok) {
        const tokens = tokensFrom(
          (await response.json()) as { accessToken: string; refreshToken: string; expiresIn: number },
        );
        this.options.tokens.write(tokens);
        return tokens;
      }
      if (response.status === 401 || response.status === 400) {
        this.options.tokens.write(null);
        this.options.onSignedOut?.();
        return null;
      }
      return this.parse<never>(response);
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
