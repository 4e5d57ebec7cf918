// The server's clock as the apps see it: on a sandbox deployment business time runs ahead of the
// device's, so whatever the apps date or compare ("as of", today's date) uses this, not Date.now().
import { useEffect, useState } from 'react';
import { ApiClient } from '../api/client.js';

export type ServerClock = {
  /** True on a sandbox deployment (SANDBOX_CLOCK=true). */
  isSandbox: boolean;
  offsetSeconds: number;
  /** Server time minus device time, in ms, as of the last reading (sandbox offset plus clock skew). */
  skewMs: number;
};

const REFRESH_MS = 60_000;
const anonymous = new ApiClient({ tokens: { read: () => null, write: () => undefined } });
let current: ServerClock = { isSandbox: false, offsetSeconds: 0, skewMs: 0 };
let isLoaded = false;
const listeners = new Set<(clock: ServerClock) => void>();
let inFlight: Promise<void> | null = null;

/** Reads the server's clock again (after an advance, say) and tells every `useServerClock` user. */
export function refreshServerClock(): Promise<void> {
  inFlight ??= (async () => {
    try {
      const sentAt = Date.now();
      const answer = await anonymous.public.GET('/api/v1/sandbox/clock');
      // Half the round trip is the best guess of when the server read its clock.
      const deviceAt = (sentAt + Date.now()) / 2;
      current = {
        isSandbox: answer.enabled,
        offsetSeconds: answer.offsetSeconds,
        skewMs: answer.enabled ? Date.parse(answer.now) - deviceAt : 0,
      };
      isLoaded = true;
      for (const listener of listeners) listener(current);
    } catch {
      // Offline: keep the last reading (a card shown offline still shows its banner and dates).
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

/** The server's time now, in ms (the device's time until the first reading). */
export function serverNow(): number {
  return Date.now() + current.skewMs;
}

/** The server's clock, re-read every minute while mounted. */
export function useServerClock(): ServerClock {
  const [clock, setClock] = useState(current);
  useEffect(() => {
    listeners.add(setClock);
    if (!isLoaded) void refreshServerClock();
    const timer = setInterval(() => void refreshServerClock(), REFRESH_MS);
    return () => {
      listeners.delete(setClock);
      clearInterval(timer);
    };
  }, []);
  return clock;
}
