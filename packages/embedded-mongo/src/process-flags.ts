import os from 'node:os';

/**
 * Node flags for a process that runs the embedded server. It keeps every document and index in its heap,
 * and Node's default old-space limit (about 4 GiB) is reached near a million coupons with their indexes
 * (`pnpm bench:coupons`); a database process may use half the machine's memory, at least the default
 * and at most 16 GiB.
 */
export function embeddedServerNodeFlags(totalMemoryBytes: number = os.totalmem()): string[] {
  const halfMiB = Math.floor(totalMemoryBytes / 1024 / 1024 / 2);
  return [`--max-old-space-size=${Math.max(4096, Math.min(16_384, halfMiB))}`];
}
