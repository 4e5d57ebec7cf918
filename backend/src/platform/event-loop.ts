import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Logger } from './logger.js';

/** Event-loop delay over the last window, in milliseconds. */
export type EventLoopStats = {
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Length of the window these figures cover. */
  windowSeconds: number;
};

const round = (nanoseconds: number) => Math.round(nanoseconds / 1e4) / 100;

/**
 * Watches how late the event loop runs (perf_hooks' delay histogram). One process serves every request,
 * so a stall here is what every caller waits for: the figures are in `GET /api/health?details=true`, and
 * a window whose worst delay passes `warnAfterMs` is logged as a warning.
 */
export class EventLoopMonitor {
  private readonly histogram: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private last: EventLoopStats = { meanMs: 0, p50Ms: 0, p99Ms: 0, maxMs: 0, windowSeconds: 0 };
  private windowStartedAt = Date.now();

  constructor(
    private readonly logger: Logger,
    options: { windowSeconds?: number; warnAfterMs?: number } = {},
  ) {
    const windowSeconds = options.windowSeconds ?? 10;
    const warnAfterMs = options.warnAfterMs ?? 200;
    this.histogram.enable();
    this.timer = setInterval(() => {
      this.last = this.current();
      this.histogram.reset();
      this.windowStartedAt = Date.now();
      if (this.last.maxMs >= warnAfterMs)
        this.logger.warn(
          { eventLoop: this.last },
          `event loop blocked for up to ${this.last.maxMs} ms in the last ${this.last.windowSeconds} s`,
        );
    }, windowSeconds * 1000);
    this.timer.unref();
  }

  private current(): EventLoopStats {
    const h = this.histogram;
    const empty = h.count === 0;
    return {
      meanMs: empty ? 0 : round(h.mean),
      p50Ms: empty ? 0 : round(h.percentile(50)),
      p99Ms: empty ? 0 : round(h.percentile(99)),
      maxMs: empty ? 0 : round(h.max),
      windowSeconds: Math.round((Date.now() - this.windowStartedAt) / 100) / 10,
    };
  }

  /** The last complete window, or the one in progress when none has completed yet. */
  stats(): EventLoopStats {
    return this.last.windowSeconds > 0 ? this.last : this.current();
  }

  stop(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}
