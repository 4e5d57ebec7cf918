/**
 * One error type for everything the API refuses on purpose. Services throw these; only the error
 * middleware turns them into HTTP responses (services never mention status codes directly).
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'rate_limited'
  | 'unavailable';

const STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  unprocessable: 422,
  payload_too_large: 413,
  rate_limited: 429,
  unavailable: 503,
};

export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: unknown;

  constructor(kind: ErrorKind, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return STATUS[this.kind];
  }
}

/** Input that does not satisfy the schema. `details` lists `{ path, message }` per problem. */
export class ValidationError extends AppError {
  constructor(message: string, details?: unknown) {
    super('bad_request', 'VALIDATION_FAILED', message, details);
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id?: string) {
    super(
      'not_found',
      `${entity.toUpperCase().replace(/\s+/g, '_')}_NOT_FOUND`,
      id ? `${entity} ${id} was not found` : `${entity} was not found`,
    );
  }
}

export class UnauthenticatedError extends AppError {
  constructor(
    message = 'Sign in first: this request needs a valid access token or API key',
    code = 'UNAUTHENTICATED',
  ) {
    super('unauthenticated', code, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this', code = 'FORBIDDEN') {
    super('forbidden', code, message);
  }
}

export class ConflictError extends AppError {
  constructor(code: string, message: string, details?: unknown) {
    super('conflict', code, message, details);
  }
}

export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;
  /** The limit that refused, for the `RateLimit-*` headers of the 429. */
  readonly limit: { limit: number; remaining: number; resetSeconds: number } | undefined;
  constructor(
    retryAfterSeconds: number,
    message = 'Too many requests; try again later',
    limit?: { limit: number; remaining: number; resetSeconds: number },
  ) {
    super('rate_limited', 'RATE_LIMITED', `${message} (retry in ${retryAfterSeconds} s)`, {
      retryAfterSeconds,
    });
    this.retryAfterSeconds = retryAfterSeconds;
    this.limit = limit;
  }
}

/** The part of the platform a request needed and could not reach. */
export type UnavailablePart = 'mongo' | 'redis';

const UNAVAILABLE_NAMES: Record<UnavailablePart, string> = { mongo: 'The database', redis: 'Redis' };

/**
 * A dependency is unreachable: 503 SERVICE_UNAVAILABLE naming it, with Retry-After. Nothing the request
 * asked for was done (a transaction that could not commit was aborted), so the client may simply retry.
 */
export class ServiceUnavailableError extends AppError {
  readonly retryAfterSeconds: number;
  constructor(part: UnavailablePart, retryAfterSeconds = 5) {
    super(
      'unavailable',
      'SERVICE_UNAVAILABLE',
      `${UNAVAILABLE_NAMES[part]} is not reachable right now; nothing was changed. Try again in a few seconds`,
      { part, retryAfterSeconds },
    );
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The one error shape of the API: `{ error: { code, message, details? } }`. */
export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, ...(details !== undefined ? { details } : {}) } };
}
