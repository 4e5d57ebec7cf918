import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { formatIssuePath } from '@regulars/contracts';
import { AppError, RateLimitedError, ServiceUnavailableError, errorBody } from './errors.js';
import { isMongoUnreachable } from './mongo.js';
import type { Logger } from './logger.js';
import { setRateLimitHeaders } from './rate-limit.js';

type ErrorResponse = { status: number; code: string; message: string; details?: unknown };

/** Maps every failure to the one error shape; anything unexpected becomes a 500 that hides internals. */
export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (isMongoUnreachable(error)) error = new ServiceUnavailableError('mongo');
    const mapped = mapError(error);
    if (error instanceof ServiceUnavailableError) {
      // An outage answers every request with this: one line each, no stack.
      (req.log ?? logger).warn({ reqId: req.id, details: error.details }, error.message);
    } else if (mapped.status >= 500) {
      // Without pino-http (log level above info) req.log is absent: name the request ourselves.
      if (req.log) req.log.error({ err: error }, 'request failed');
      else
        logger.error(
          { err: error, reqId: req.id, method: req.method, url: req.originalUrl },
          'request failed',
        );
    }
    if (error instanceof RateLimitedError || error instanceof ServiceUnavailableError)
      res.set('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof RateLimitedError && error.limit) setRateLimitHeaders(res, error.limit);
    if (res.headersSent) return;
    res.status(mapped.status).json(errorBody(mapped.code, mapped.message, mapped.details));
  };
}

function mapError(error: unknown): ErrorResponse {
  if (error instanceof AppError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
    return {
      status: 400,
      code: 'VALIDATION_FAILED',
      message: `Invalid input: ${details[0]?.path}: ${details[0]?.message}`,
      details,
    };
  }
  const e = error as {
    code?: unknown;
    keyValue?: unknown;
    type?: unknown;
    status?: unknown;
    name?: unknown;
    expose?: unknown;
  };
  if (e && e.code === 11000) {
    const fields = e.keyValue && typeof e.keyValue === 'object' ? Object.keys(e.keyValue) : [];
    return {
      status: 409,
      code: 'DUPLICATE',
      message: fields.length
        ? `Another record already has this ${fields.join(', ')}`
        : 'This record already exists',
      details: { fields },
    };
  }
  // body-parser errors carry a `type` and a 4xx `status`.
  if (e && e.type === 'entity.parse.failed') {
    return { status: 400, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON' };
  }
  if (e && e.type === 'entity.too.large') {
    return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large (limit 1 MB)' };
  }
  if (e && e.type === 'encoding.unsupported') {
    return {
      status: 415,
      code: 'UNSUPPORTED_ENCODING',
      message: 'Unsupported Content-Encoding: send the body as is, or with gzip, deflate or br',
    };
  }
  if (e && e.type === 'charset.unsupported') {
    return { status: 415, code: 'UNSUPPORTED_ENCODING', message: 'Send the body as UTF-8 JSON' };
  }
  // The router could not percent-decode a path segment (`/members/%E0%A4%A`).
  if (error instanceof URIError && e.status === 400) {
    return {
      status: 400,
      code: 'BAD_PATH_ENCODING',
      message: 'The request path is not valid percent-encoding',
    };
  }
  if (e && e.name === 'CastError') {
    return { status: 400, code: 'VALIDATION_FAILED', message: 'An identifier in the request is not valid' };
  }
  // Any other refusal of a client's request by express or its parsers (http-errors with a 4xx status).
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return { status: e.status, code: 'BAD_REQUEST', message: 'The request could not be understood' };
  }
  return {
    status: 500,
    code: 'INTERNAL',
    message: 'Something went wrong on our side; the error has been logged',
  };
}

/** 404 in the error shape for anything under /api that no route matched. */
export const notFoundHandler: RequestHandler = (req, res) => {
  res
    .status(404)
    .json({ error: { code: 'ROUTE_NOT_FOUND', message: `No endpoint ${req.method} ${req.path}` } });
};

/**
 * Refuses JSON bodies whose keys start with `$` or contain NUL: they have no business in our API and are
 * the usual vehicle of NoSQL operator injection.
 */
export const rejectOperatorKeys: RequestHandler = (req, _res, next) => {
  const offending = findOperatorKey(req.body, '');
  if (offending !== null) {
    next(
      new AppError(
        'bad_request',
        'INVALID_FIELD_NAME',
        `Field names may not start with "$": ${offending || '(root)'}`,
      ),
    );
    return;
  }
  next();
};

function findOperatorKey(value: unknown, path: string, depth = 0): string | null {
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findOperatorKey(value[i], `${path}[${i}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    const here = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('\u0000')) return here;
    const found = findOperatorKey(inner, here, depth + 1);
    if (found !== null) return found;
  }
  return null;
}
