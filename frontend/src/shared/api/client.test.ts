import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './client.js';
import { ApiError, NetworkError } from './errors.js';
import type { Tokens, TokenStore } from './token-store.js';

function memoryStore(initial: Tokens | null): TokenStore & { current: Tokens | null } {
  const store = {
    current: initial,
    read: () => store.current,
    write: (tokens: Tokens | null) => {
      store.current = tokens;
    },
  };
  return store;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

type Call = { url: string; init: RequestInit };

/** A fake server: a valid access token per refresh, each refresh token accepted once. */
function fakeServer() {
  const calls: Call[] = [];
  let generation = 1;
  const usedRefreshTokens = new Set<string>();
  const fetchMock = vi.fn(async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    if (url.endsWith('/auth/refresh')) {
      const { refreshToken } = JSON.parse(String(init.body)) as { refreshToken: string };
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (usedRefreshTokens.has(refreshToken) || refreshToken !== `refresh-${generation}`)
        return json(401, { error: { code: 'UNAUTHORIZED', message: 'reused' } });
      usedRefreshTokens.add(refreshToken);
      generation += 1;
      return json(200, {
        accessToken: `access-${generation}`,
        refreshToken: `refresh-${generation}`,
        expiresIn: 900,
      });
    }
    const auth = new Headers(init.headers).get('Authorization');
    if (auth !== `Bearer access-${generation}`)
      return json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } });
    return json(200, { ok: true, idempotencyKey: new Headers(init.headers).get('Idempotency-Key') });
  });
  return { calls, fetchMock };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ApiClient', () => {
  it('renews an expired access token once for concurrent requests (a refresh token is single-use)', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    // The stored access token is stale (the server is at generation 1 but we pretend it expired).
    const store = memoryStore({
      accessToken: 'stale',
      refreshToken: 'refresh-1',
      expiresAt: Date.now() + 600_000,
    });
    const client = new ApiClient({ tokens: store });
    const results = await Promise.all([client.get('/a'), client.get('/b'), client.get('/c')]);
    expect(results).toHaveLength(3);
    expect(server.calls.filter((call) => call.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(store.current?.refreshToken).toBe('refresh-2');
  });

  it('refreshes ahead of the expiry instead of waiting for a 401', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    const store = memoryStore({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: Date.now() + 1_000,
    });
    await new ApiClient({ tokens: store }).get('/a');
    expect(server.calls.map((call) => call.url)).toEqual(['/api/v1/auth/refresh', '/api/v1/a']);
  });

  it('signs out when the refresh is refused', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(401, { error: { code: 'UNAUTHORIZED', message: 'no' } })),
    );
    const store = memoryStore({
      accessToken: 'x',
      refreshToken: 'refresh-x',
      expiresAt: Date.now() + 600_000,
    });
    const onSignedOut = vi.fn();
    await expect(new ApiClient({ tokens: store, onSignedOut }).get('/a')).rejects.toMatchObject({
      status: 401,
    });
    expect(store.current).toBeNull();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('sends the Idempotency-Key it is given and turns a lost connection into a NetworkError', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    const client = new ApiClient({
      tokens: memoryStore({
        accessToken: 'access-1',
        refreshToken: 'refresh-1',
        expiresAt: Date.now() + 600_000,
      }),
    });
    await expect(client.post('/purchases', { total: 1 }, { idempotencyKey: 'key-1' })).resolves.toMatchObject(
      { idempotencyKey: 'key-1' },
    );
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))),
    );
    await expect(client.post('/purchases', { total: 1 }, { idempotencyKey: 'key-1' })).rejects.toBeInstanceOf(
      NetworkError,
    );
  });

  it('maps the error shape to an ApiError with code, message and details', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () =>
        json(409, {
          error: {
            code: 'INSUFFICIENT_POINTS',
            message: 'Not enough points: 120 of 150',
            details: { available: 120, required: 150 },
          },
        }),
      ),
    );
    const error = await new ApiClient({ tokens: memoryStore(null) })
      .post('/redemptions', {})
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: 'INSUFFICIENT_POINTS',
      message: 'Not enough points: 120 of 150',
      details: { available: 120, required: 150 },
    });
  });
});
