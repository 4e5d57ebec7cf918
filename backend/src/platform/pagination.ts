import type { Model } from 'mongoose';
import { Types } from 'mongoose';
import { AppError } from './errors.js';

/**
 * The one pagination convention: keyset pagination on `_id`, newest first by default.
 * Request `?limit=50&cursor=<opaque>`; response `{ items, nextCursor }` (null on the last page).
 * Cursors are stable under inserts: a page never repeats or skips an item.
 */
export type PageRequest = {
  limit: number;
  cursor?: string | undefined;
  order?: 'newest' | 'oldest';
  /** Names the list in its cursors, so that a cursor of another list is refused instead of misread. */
  list?: string;
};

export function encodeCursor(id: Types.ObjectId | string, list?: string): string {
  return Buffer.from(list ? `${list}:${String(id)}` : String(id)).toString('base64url');
}

/** The value a cursor carries, after checking it names `list` (INVALID_CURSOR otherwise). */
export function decodeCursorValue(cursor: string, list?: string): string {
  const raw = Buffer.from(cursor, 'base64url').toString();
  const separator = raw.lastIndexOf(':');
  const cursorList = separator >= 0 ? raw.slice(0, separator) : undefined;
  if (cursorList !== list) {
    throw new AppError(
      'bad_request',
      'INVALID_CURSOR',
      `This cursor belongs to ${cursorList ? `the ${cursorList} list` : 'another list'}; start again without one`,
    );
  }
  return separator >= 0 ? raw.slice(separator + 1) : raw;
}

export function decodeCursor(cursor: string, list?: string): Types.ObjectId {
  const id = decodeCursorValue(cursor, list);
  if (!Types.ObjectId.isValid(id) || id.length !== 24) {
    throw new AppError('bad_request', 'INVALID_CURSOR', 'The cursor is not valid; start again without one');
  }
  return new Types.ObjectId(id);
}

/** A `{ $gte, $lt }` condition for an ISO `from`/`to` range, or undefined when neither is given. */
export function timeRange(range: { from?: string | undefined; to?: string | undefined }) {
  if (!range.from && !range.to) return undefined;
  return {
    ...(range.from ? { $gte: new Date(range.from) } : {}),
    ...(range.to ? { $lt: new Date(range.to) } : {}),
  };
}

export async function paginate<T extends { _id: Types.ObjectId }, R = T>(
  model: Model<T>,
  filter: Record<string, unknown>,
  page: PageRequest,
  map: (doc: T) => R,
): Promise<{ items: R[]; nextCursor: string | null }> {
  const newestFirst = (page.order ?? 'newest') === 'newest';
  const query: Record<string, unknown> = { ...filter };
  if (page.cursor) query._id = { [newestFirst ? '$lt' : '$gt']: decodeCursor(page.cursor, page.list) };
  const docs = (await model
    .find(query)
    .sort({ _id: newestFirst ? -1 : 1 })
    .limit(page.limit + 1)
    .lean()) as unknown as T[];
  const hasMore = docs.length > page.limit;
  const items = hasMore ? docs.slice(0, page.limit) : docs;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: hasMore && last ? encodeCursor(last._id, page.list) : null };
}
