import { describeAhead, sandboxText } from './sandbox-messages.js';
import { useServerClock } from './server-clock.js';

/** On a sandbox deployment, says so on every screen, with how far ahead the clock is. */
export function SandboxBanner({ language }: { language: string }) {
  const clock = useServerClock();
  if (!clock.isSandbox) return null;
  return (
    <div className="sandbox-banner" role="status" data-testid="sandbox-banner">
      {clock.offsetSeconds >= 60
        ? sandboxText(language, 'banner.ahead', { ahead: describeAhead(language, clock.offsetSeconds) })
        : sandboxText(language, 'banner.realTime')}
    </div>
  );
}
