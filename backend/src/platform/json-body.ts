import express, { type RequestHandler } from 'express';
import { AppError } from './errors.js';

/** The most a JSON body may hold, whatever the route: checked before any handler sees it. */
export const JSON_BODY_LIMITS = {
  bytes: 1024 * 1024,
  /**
   * Nesting of objects and arrays, the body itself at depth 1. A rule may nest 48 levels of its own
   * (packages/rules limits) inside a request envelope of a few more.
   */
  maxDepth: 64,
  /** Keys of all objects together: a simulation of 1,000 inline rules stays well under it. */
  maxKeys: 20_000,
} as const;

// The errors body-parser raises on purpose, each with its own `type`; anything else with a 4xx status
// came from the decompression stream (zlib or brotli refusing corrupt data).
const BODY_PARSER_TYPES = new Set([
  'entity.parse.failed',
  'entity.too.large',
  'entity.verify.failed',
  'encoding.unsupported',
  'charset.unsupported',
  'request.aborted',
  'request.size.invalid',
  'stream.encoding.set',
  'stream.not.readable',
]);

/**
 * Parses JSON bodies (gzip, deflate and br inflated) and refuses, with a precise 4xx, a body that
 * cannot be decoded or is deeper or wider than JSON_BODY_LIMITS.
 */
export function jsonBody(): RequestHandler[] {
  const parse = express.json({
    limit: JSON_BODY_LIMITS.bytes,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });
  const parseOrExplain: RequestHandler = (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      next(error === undefined ? undefined : explainBodyError(error));
    });
  };
  const checkShape: RequestHandler = (req, _res, next) => {
    next(shapeError(req.body) ?? undefined);
  };
  return [parseOrExplain, checkShape];
}

function explainBodyError(error: unknown): unknown {
  const e = error as { type?: unknown; status?: unknown } | null;
  if (!e || typeof e !== 'object') return error;
  if (e.type === 'request.aborted')
    return new AppError('bad_request', 'REQUEST_ABORTED', 'The request body ended before its length');
  if (e.type === 'request.size.invalid')
    return new AppError(
      'bad_request',
      'BAD_CONTENT_LENGTH',
      'The request body does not match its Content-Length',
    );
  if (typeof e.type === 'string' && BODY_PARSER_TYPES.has(e.type)) return error;
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError(
      'bad_request',
      'BAD_ENCODING',
      'The request body could not be decoded as its Content-Encoding says',
    );
  return error;
}

/** Walks the parsed body without recursion and stops at the first limit passed. */
function shapeError(body: unknown): AppError | null {
  if (body === null || typeof body !== 'object') return null;
  const stack: Array<{ value: object; depth: number }> = [{ value: body, depth: 1 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (depth > JSON_BODY_LIMITS.maxDepth)
      return new AppError(
        'payload_too_large',
        'BODY_TOO_DEEP',
        `The request body nests deeper than ${JSON_BODY_LIMITS.maxDepth} levels`,
        { limit: JSON_BODY_LIMITS.maxDepth },
      );
    const children = Array.isArray(value) ? (value as unknown[]) : Object.values(value);
    if (!Array.isArray(value)) {
      keys += children.length;
      if (keys > JSON_BODY_LIMITS.maxKeys)
        return new AppError(
          'payload_too_large',
          'BODY_TOO_MANY_KEYS',
          `The request body has more than ${JSON_BODY_LIMITS.maxKeys} keys`,
          { limit: JSON_BODY_LIMITS.maxKeys },
        );
    }
    for (const child of children)
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}
