import type { Model } from 'mongoose';
import { Types } from 'mongoose';
import { AppError } from './errors.js';

/**
 * The one pagination convention: keyset pagination on `_id`, newest first by default.
 * Request `?limit=50&cursor=<opaque>`; response `{ items, nextCursor }` (null on the last page).
 * Cursors are stable under inserts: a page never repeats or skips an item.
 */
export type PageRequest = { limit: number; cursor?: string | undefined; order?: 'newest' | 'oldest' };

export function encodeCursor(id: Types.ObjectId | string): string {
  return Buffer.from(String(id)).toString('base64url');
}

export function decodeCursor(cursor: string): Types.ObjectId {
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!Types.ObjectId.isValid(raw) || raw.length !== 24) {
    throw new AppError('bad_request', 'INVALID_CURSOR', 'The cursor is not valid; start again without one');
  }
  return new Types.ObjectId(raw);
}

export async function paginate<T extends { _id: Types.ObjectId }, R = T>(
  model: Model<T>,
  filter: Record<string, unknown>,
  page: PageRequest,
  map: (doc: T) => R,
): Promise<{ items: R[]; nextCursor: string | null }> {
  const newestFirst = (page.order ?? 'newest') === 'newest';
  const query: Record<string, unknown> = { ...filter };
  if (page.cursor) query._id = { [newestFirst ? '$lt' : '$gt']: decodeCursor(page.cursor) };
  const docs = (await model
    .find(query)
    .sort({ _id: newestFirst ? -1 : 1 })
    .limit(page.limit + 1)
    .lean()) as unknown as T[];
  const hasMore = docs.length > page.limit;
  const items = hasMore ? docs.slice(0, page.limit) : docs;
  const last = items[items.length - 1];
  return { items: items.map(map), nextCursor: hasMore && last ? encodeCursor(last._id) : null };
}
