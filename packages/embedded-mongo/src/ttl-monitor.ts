import type { StorageEngine } from './storage-engine.js';

/** Background sweep that deletes documents whose TTL index date has expired. */
export class TtlMonitor {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly engine: StorageEngine,
    intervalMs: number,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => this.sweep(), intervalMs);
    this.timer.unref();
  }

  /** Removes expired documents now; returns how many were removed. */
  sweep(now = Date.now()): number {
    let removed = 0;
    try {
      for (const db of this.engine.listDatabaseNames()) {
        for (const collection of this.engine.listCollections(db)) {
          for (const index of collection.indexes) {
            const seconds = index.spec.expireAfterSeconds;
            if (seconds === undefined || index.fields.length !== 1) continue;
            collection.ensureOrdered(index);
            // Dates sort together; everything up to now - expireAfterSeconds has expired.
            const cutoff = new Date(now - seconds * 1000);
            const ids = index.range({ upper: { value: cutoff, isInclusive: true } }, { keysExamined: 0 });
            for (const id of new Set(ids)) {
              const record = collection.docs.get(id);
              if (record === undefined) continue;
              this.engine.remove(collection, id);
              removed++;
            }
          }
        }
      }
      this.engine.flush();
    } catch (error) {
      this.log(`TTL sweep failed: ${(error as Error).message}`);
    }
    return removed;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
