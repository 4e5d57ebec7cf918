import { describe, expect, it } from 'vitest';
import { EventLoopMonitor } from './event-loop.js';
import type { Logger } from './logger.js';

function capturingLogger() {
  const warnings: Array<{ fields: unknown; message: string }> = [];
  const logger = {
    warn: (fields: unknown, message: string) => warnings.push({ fields, message }),
  } as unknown as Logger;
  return { logger, warnings };
}

const block = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // keep the event loop busy, as a CPU-heavy request would
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('EventLoopMonitor', () => {
  it('measures a blocked event loop and warns about the window it happened in', async () => {
    const { logger, warnings } = capturingLogger();
    const monitor = new EventLoopMonitor(logger, { windowSeconds: 0.5, warnAfterMs: 100 });
    try {
      await sleep(50);
      block(300);
      await sleep(700);
      const seen = warnings.map((w) => (w.fields as { eventLoop: { maxMs: number } }).eventLoop.maxMs);
      expect(Math.max(...seen)).toBeGreaterThanOrEqual(250);
      expect(warnings[0]?.message).toMatch(/^event loop blocked for up to \d+(\.\d+)? ms in the last/);
    } finally {
      monitor.stop();
    }
  });

  it('stays quiet and reports small delays while nothing blocks', async () => {
    const { logger, warnings } = capturingLogger();
    const monitor = new EventLoopMonitor(logger, { windowSeconds: 0.2, warnAfterMs: 1000 });
    try {
      await sleep(500);
      const stats = monitor.stats();
      expect(stats.windowSeconds).toBeGreaterThan(0);
      expect(stats.maxMs).toBeLessThan(1000);
      expect(stats.p50Ms).toBeLessThanOrEqual(stats.p99Ms);
      expect(warnings).toEqual([]);
    } finally {
      monitor.stop();
    }
  });
});
