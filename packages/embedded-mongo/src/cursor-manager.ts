import { calculateObjectSize, Long, type Document } from 'bson';
import { MAX_BSON_SIZE } from './storage-engine.js';

interface OpenCursor {
  namespace: string;
  docs: Document[];
  position: number;
  lastUsed: number;
}

/** Reply size budget for one batch, leaving room for the reply envelope. */
const BATCH_BYTES = MAX_BSON_SIZE - 64 * 1024;
const IDLE_TIMEOUT_MS = 10 * 60 * 1000;

/** A batch of results and the cursor id to continue with (0 when exhausted). */
export interface Batch {
  docs: Document[];
  cursorId: Long;
}

/** Holds materialised query results and hands them out in batches (find, aggregate, list* commands). */
export class CursorManager {
  private readonly cursors = new Map<string, OpenCursor>();
  private nextId = BigInt(Date.now()) * 1000n;

  /** Returns the first batch and registers a cursor when results remain. */
  open(namespace: string, docs: Document[], options: { batchSize?: number; isSingleBatch?: boolean }): Batch {
    const first = takeBatch(docs, 0, options.batchSize ?? 101);
    if (options.isSingleBatch === true || first.length >= docs.length)
      return { docs: first, cursorId: Long.ZERO };
    this.sweep();
    const id = ++this.nextId;
    this.cursors.set(id.toString(), { namespace, docs, position: first.length, lastUsed: Date.now() });
    return { docs: first, cursorId: Long.fromBigInt(id) };
  }

  /** The next batch of an open cursor, or undefined when the id is unknown. */
  next(id: Long, namespace: string, batchSize: number | undefined): Batch | undefined {
    const key = id.toString();
    const cursor = this.cursors.get(key);
    if (cursor === undefined || cursor.namespace !== namespace) return undefined;
    const docs = takeBatch(cursor.docs, cursor.position, batchSize ?? Number.POSITIVE_INFINITY);
    cursor.position += docs.length;
    cursor.lastUsed = Date.now();
    if (cursor.position >= cursor.docs.length) {
      this.cursors.delete(key);
      return { docs, cursorId: Long.ZERO };
    }
    return { docs, cursorId: id };
  }

  /** Closes cursors; returns which ids existed. */
  kill(ids: Long[]): { killed: Long[]; notFound: Long[] } {
    const killed: Long[] = [];
    const notFound: Long[] = [];
    for (const id of ids) (this.cursors.delete(id.toString()) ? killed : notFound).push(id);
    return { killed, notFound };
  }

  get openCount(): number {
    return this.cursors.size;
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_TIMEOUT_MS;
    for (const [key, cursor] of this.cursors) if (cursor.lastUsed < cutoff) this.cursors.delete(key);
  }
}

function takeBatch(docs: Document[], start: number, batchSize: number): Document[] {
  const end = Math.min(docs.length, start + batchSize);
  if (end - start <= 100) return docs.slice(start, end);
  // Large batches are cut at the 16 MiB reply limit.
  let bytes = 0;
  let i = start;
  for (; i < end; i++) {
    bytes += calculateObjectSize(docs[i] as Document);
    if (bytes > BATCH_BYTES && i > start) break;
  }
  return docs.slice(start, i);
}
