/** When and how long to wait before sending a request again. */
export type RetryOptions = {
  /** Retries after the first attempt (default 3); 0 turns retrying off. */
  retries?: number;
  /** The first backoff when the answer names no Retry-After (default 250 ms); it doubles, with jitter. */
  baseDelayMs?: number;
  /** The longest wait (default 30 s): an answer asking for longer (Retry-After) is surfaced, not waited for. */
  maxDelayMs?: number;
  /** How to wait (default setTimeout); tests and UIs may hook it, e.g. to show "retrying in 3 s". */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
};

export type RetryPolicy = Required<RetryOptions>;

const RETRIED_STATUSES = new Set([429, 503]);

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  const given = options === false ? { retries: 0 } : (options ?? {});
  return {
    retries: given.retries ?? 3,
    baseDelayMs: given.baseDelayMs ?? 250,
    maxDelayMs: given.maxDelayMs ?? 30_000,
    sleep: given.sleep ?? sleep,
  };
}

/**
 * A retry may only repeat what cannot be done twice by accident: a read; a keyed write refused with 429 or
 * 503 (the API does nothing on those refusals, and the key makes a repeat harmless anyway); and after a lost
 * answer, a keyed write only to an operation that honours the key (`isKeyHonoured`: the server replays its
 * first answer instead of writing again; any other write may have happened).
 */
export function isRetrySafe(
  request: Request,
  outcome: { isRefusal: boolean; isKeyHonoured: boolean },
): boolean {
  if (request.method === 'GET' || request.method === 'HEAD') return true;
  if (!request.headers.has('Idempotency-Key')) return false;
  return outcome.isRefusal || outcome.isKeyHonoured;
}

export function isRetriedStatus(status: number): boolean {
  return RETRIED_STATUSES.has(status);
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(response: Response | undefined, now = Date.now()): number | null {
  const value = response?.headers.get('Retry-After')?.trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The wait before retry number `attempt` (1-based), or null when it would exceed the policy's cap. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, response?: Response): number | null {
  const asked = retryAfterMs(response);
  if (asked !== null) return asked <= policy.maxDelayMs ? asked : null;
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  // Full jitter on the upper half, so that many tills cut off together do not come back in step.
  return Math.min(policy.maxDelayMs, backoff / 2 + Math.random() * (backoff / 2));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
