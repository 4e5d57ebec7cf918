import { z } from './zod.js';

/** A 24-hex-character MongoDB ObjectId as it travels in JSON. */
export const ObjectIdString = z.string().regex(/^[a-f0-9]{24}$/i, 'expected a 24-character hex id');

/** The one error shape every endpoint answers with. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('ErrorResponse');
export type ErrorBody = z.infer<typeof ErrorBody>;

export const PAGE_LIMIT_DEFAULT = 50;
export const PAGE_LIMIT_MAX = 200;

/** The pagination query every list endpoint accepts: `?limit=50&cursor=<opaque>`. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT),
  cursor: z.string().max(200).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/**
 * The filters of the reconciliation lists (purchases, refunds, redemptions): a time range (`from`
 * inclusive, `to` exclusive, ISO 8601 with an offset) plus the standard page.
 */
export const TimeRangeQuery = PageQuery.extend({
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
});

/** `from` must come before `to`: a reversed range is a typo, not an empty list. */
export function checkTimeRange(range: { from?: string | undefined; to?: string | undefined }): boolean {
  return !range.from || !range.to || new Date(range.from) < new Date(range.to);
}
export const TIME_RANGE_MESSAGE = { message: '`from` must be before `to`', path: ['to'] };

/** Every list endpoint answers `{ items, nextCursor }`; `nextCursor` is null on the last page. */
export function Page<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Renders an issue path the way users read it: `items[2].quantity`. */
export function formatIssuePath(path: ReadonlyArray<string | number>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/** Integer amount in minor units of a currency (cents): never a float. */
export const MinorAmount = z.number().int('amounts are integers in minor units (cents)');
export const NonNegativeMinor = MinorAmount.min(0);

/** ISO 4217 currency code. */
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as EUR');
