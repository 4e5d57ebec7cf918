/**
 * The one source of business time. Services take a Clock so that expiry, tiers and campaigns can be
 * tested, and so that a sandbox deployment can move time forward (docs/sandbox.md).
 *
 * Security windows (access and refresh tokens, one-time codes, card codes, rate limits, idempotency-key
 * retention) never use the injected clock: they use `systemClock` explicitly, because moving a sandbox
 * clock must not be a way to skip them.
 */
export type Clock = { now(): Date };

/** Real time. The only clock for security windows; the business clock everywhere else outside sandboxes. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests and simulations that only moves when told to. */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string | number = Date.now()) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string | number): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/**
 * Business time on a sandbox deployment: the system time plus an offset shared by every process through
 * the database. Each process re-reads the offset once a second (so all processes agree within about a
 * second) and never lets its offset shrink: time does not run backwards, even on a stale read.
 */
export class SandboxClock implements Clock {
  private offsetMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly options: {
      /** Reads the shared offset in milliseconds (0 when none was ever set). */
      readOffset: () => Promise<number>;
      refreshMs?: number;
      onError?: (error: unknown) => void;
      real?: Clock;
    },
  ) {}

  now(): Date {
    return new Date((this.options.real ?? systemClock).now().getTime() + this.offsetMs);
  }

  /** How far ahead of the system time this process's clock is, in milliseconds. */
  get offset(): number {
    return this.offsetMs;
  }

  /** Reads the offset once, then keeps it fresh until `stop()`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => {
      this.refresh().catch((error: unknown) => this.options.onError?.(error));
    }, this.options.refreshMs ?? 1000);
    // The refresh must not keep a process alive that is otherwise done.
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Re-reads the shared offset now (one read in flight at a time). */
  refresh(): Promise<void> {
    this.refreshing ??= this.options
      .readOffset()
      .then((offsetMs) => this.observe(offsetMs))
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }

  /** Takes an offset this process knows to be current (it just wrote it); an older one is ignored. */
  observe(offsetMs: number): void {
    if (offsetMs > this.offsetMs) this.offsetMs = offsetMs;
  }
}
