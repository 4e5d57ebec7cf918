import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from './client.js';
import { ApiError, NetworkError } from './errors.js';
import type { Tokens, TokenStore } from './token-store.js';

const BASE = 'http://regulars.test';

function memoryStore(initial: Tokens | null): TokenStore & { current: Tokens | null; reads: number } {
  const store = {
    current: initial,
    reads: 0,
    read: () => {
      store.reads += 1;
      return store.current;
    },
    write: (tokens: Tokens | null) => {
      store.current = tokens;
    },
  };
  return store;
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

type Call = { url: string; method: string; headers: Headers; body: string };

/** A fake server: a valid access token per refresh, each refresh token accepted once. */
function fakeServer() {
  const calls: Call[] = [];
  let generation = 1;
  const usedRefreshTokens = new Set<string>();
  const fetchMock = vi.fn(async (request: Request) => {
    const call = {
      url: request.url,
      method: request.method,
      headers: request.headers,
      body: await request.text(),
    };
    calls.push(call);
    if (call.url.endsWith('/auth/refresh')) {
      const { refreshToken } = JSON.parse(call.body) as { refreshToken: string };
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
    if (call.headers.get('Authorization') !== `Bearer access-${generation}`)
      return json(401, { error: { code: 'UNAUTHORIZED', message: 'expired' } });
    return json(200, { ok: true, idempotencyKey: call.headers.get('Idempotency-Key') });
  });
  return { calls, fetchMock };
}

const signedIn = (expiresInMs = 600_000) =>
  memoryStore({ accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: Date.now() + expiresInMs });

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
    const client = new ApiClient({ tokens: store, baseUrl: BASE });
    const results = await Promise.all([
      client.GET('/api/v1/program'),
      client.GET('/api/v1/stores'),
      client.GET('/api/v1/rewards'),
    ]);
    expect(results).toHaveLength(3);
    expect(server.calls.filter((call) => call.url.endsWith('/auth/refresh'))).toHaveLength(1);
    expect(store.current?.refreshToken).toBe('refresh-2');
  });

  it('refreshes ahead of the expiry instead of waiting for a 401', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    await new ApiClient({ tokens: signedIn(1_000), baseUrl: BASE }).GET('/api/v1/program');
    expect(server.calls.map((call) => call.url)).toEqual([
      `${BASE}/api/v1/auth/refresh`,
      `${BASE}/api/v1/program`,
    ]);
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
    await expect(
      new ApiClient({ tokens: store, onSignedOut, baseUrl: BASE }).GET('/api/v1/program'),
    ).rejects.toMatchObject({ status: 401 });
    expect(store.current).toBeNull();
    expect(onSignedOut).toHaveBeenCalledOnce();
  });

  it('sends the Idempotency-Key it is given, on every retry, and turns a lost connection into a NetworkError', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    const client = new ApiClient({
      tokens: signedIn(),
      baseUrl: BASE,
      retry: { sleep: async () => undefined },
    });
    const body = {
      storeId: 'a'.repeat(24),
      currency: 'EUR',
      totalMinor: 325,
      items: [{ sku: 'LATTE', quantity: 1, unitPriceMinor: 325 }],
    };
    const headers = { 'Idempotency-Key': 'key-1' };
    await expect(client.POST('/api/v1/purchases', { body, headers })).resolves.toMatchObject({
      idempotencyKey: 'key-1',
    });
    const keys: (string | null)[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (request: Request) => {
        keys.push(request.headers.get('Idempotency-Key'));
        throw new TypeError('Failed to fetch');
      }),
    );
    await expect(client.POST('/api/v1/purchases', { body, headers })).rejects.toBeInstanceOf(NetworkError);
    expect(keys).toEqual(['key-1', 'key-1', 'key-1', 'key-1']);
  });

  it('sends public calls without reading or waiting for the session', async () => {
    const server = fakeServer();
    vi.stubGlobal('fetch', server.fetchMock);
    // A session that would need a refresh first: a public call must not take part in it.
    const store = signedIn(1_000);
    const client = new ApiClient({ tokens: store, baseUrl: BASE });
    await client.public.GET('/api/v1/sandbox/clock').catch(() => undefined);
    expect(store.reads).toBe(0);
    expect(server.calls.map((call) => [call.url, call.headers.get('Authorization')])).toEqual([
      [`${BASE}/api/v1/sandbox/clock`, null],
    ]);
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
    const error = await new ApiClient({ tokens: memoryStore(null), baseUrl: BASE })
      .POST('/api/v1/redemptions', { body: { memberId: 'a'.repeat(24), points: 150 } })
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
