/** An access token, the single-use refresh token that renews it, and when the access token expires. */
export type Tokens = { accessToken: string; refreshToken: string; expiresAt: number };

/** Where a signed-in session keeps its tokens. */
export interface TokenStore {
  read(): Tokens | null;
  write(tokens: Tokens | null): void;
}

function isTokens(value: unknown): value is Tokens {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.accessToken === 'string' &&
    typeof candidate.refreshToken === 'string' &&
    typeof candidate.expiresAt === 'number'
  );
}

/** Tokens in localStorage, so that a reload or a second tab keeps the session. */
export function localTokenStore(key: string): TokenStore {
  return {
    read() {
      try {
        const raw = localStorage.getItem(key);
        const parsed: unknown = raw ? JSON.parse(raw) : null;
        return isTokens(parsed) ? parsed : null;
      } catch {
        return null;
      }
    },
    write(tokens) {
      if (tokens) localStorage.setItem(key, JSON.stringify(tokens));
      else localStorage.removeItem(key);
    },
  };
}

/** Tokens as the sign-in endpoints return them, with the expiry turned into a timestamp. */
export function tokensFrom(pair: { accessToken: string; refreshToken: string; expiresIn: number }): Tokens {
  return {
    accessToken: pair.accessToken,
    refreshToken: pair.refreshToken,
    expiresAt: Date.now() + pair.expiresIn * 1000,
  };
}
