import { useEffect, useState, type FormEvent } from 'react';
import type { SandboxAdvance } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { newIdempotencyKey } from '../../shared/api/idempotency.js';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { sandboxPlural, sandboxText, type SandboxMessageKey } from '../../shared/sandbox/sandbox-messages.js';
import { refreshServerClock, serverNow, useServerClock } from '../../shared/sandbox/server-clock.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

const STEPS: { by: string; label: SandboxMessageKey }[] = [
  { by: 'PT1H', label: 'advance.hour' },
  { by: 'P1D', label: 'advance.day' },
  { by: 'P7D', label: 'advance.week' },
  { by: 'P30D', label: 'advance.month' },
];

/** Counts each sweep reports, in words; a sweep this screen does not know yet is still named. */
const SWEEP_WORDS: Record<string, Record<string, string | null>> = {
  'ledger.activate-points': { activated: 'sweep.activated' },
  'ledger.expire-points': { expired: 'sweep.expired', points: 'sweep.points' },
  'checkouts.expire': { expired: 'sweep.checkoutsExpired' },
  'stamps.expire-rewards': { expired: 'sweep.stampRewardsExpired' },
  // The breakage (an amount in minor units) is in the liability report, in money: not counted here.
  'gift-certificates.expire': { expired: 'sweep.giftCertificatesExpired', breakageMinor: null },
  'coupons.expire': { expired: 'sweep.couponsExpired' },
  'webhooks.deliver': {
    delivered: 'sweep.webhooksDelivered',
    retrying: 'sweep.webhooksRetrying',
    failed: 'sweep.webhooksFailed',
  },
};

type State =
  | { status: 'idle' }
  | { status: 'working'; progress: SandboxAdvance | null }
  | { status: 'done'; advance: SandboxAdvance }
  | { status: 'failed'; error: unknown };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The admin's "Advance time": moves the sandbox clock and says what the due jobs did. */
export function SandboxScreen() {
  const { language } = useI18n();
  const s = (key: SandboxMessageKey, params?: Record<string, string | number>) =>
    sandboxText(language, key, params);
  const clock = useServerClock();
  const [state, setState] = useState<State>({ status: 'idle' });
  const [target, setTarget] = useState('');
  const [targetProblem, setTargetProblem] = useState<string | null>(null);
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    setNow(serverNow());
    const timer = setInterval(() => setNow(serverNow()), 1000);
    return () => clearInterval(timer);
  }, [clock]);
  const isWorking = state.status === 'working';

  const advance = async (body: { by: string } | { to: string }) => {
    if (isWorking) return;
    setState({ status: 'working', progress: null });
    try {
      // One key per click: a retry after a lost answer can never move the clock twice.
      let result = await staffApi.advanceClock(body, { idempotencyKey: newIdempotencyKey() });
      // A long advance answers 202 while its sweeps run: follow it until it is done.
      while (result.status === 'running') {
        setState({ status: 'working', progress: result });
        await sleep(1000);
        result = await staffApi.sandboxAdvance(result.id);
      }
      setState({ status: 'done', advance: result });
    } catch (error) {
      setState({ status: 'failed', error });
    } finally {
      await refreshServerClock();
    }
  };

  const submitDate = (event: FormEvent) => {
    event.preventDefault();
    const at = target ? new Date(target) : null;
    if (!at || Number.isNaN(at.getTime()) || at.getTime() <= serverNow()) {
      setTargetProblem(s('advance.toDateMissing'));
      return;
    }
    setTargetProblem(null);
    void advance({ to: at.toISOString() });
  };

  if (!clock.isSandbox) {
    return (
      <main className="page" id="main" aria-labelledby="sandbox-title">
        <h1 id="sandbox-title">{s('advance.disabledTitle')}</h1>
        <p>{s('advance.disabled')}</p>
      </main>
    );
  }

  return (
    <main className="page" id="main" aria-labelledby="sandbox-title">
      <h1 id="sandbox-title">{s('advance.title')}</h1>
      <p>{s('advance.intro')}</p>
      <p data-testid="sandbox-now">
        <strong>{s('advance.now', { time: formatDateTime(new Date(now).toISOString(), language) })}</strong>
      </p>
      <section className="panel" aria-labelledby="sandbox-by">
        <h2 id="sandbox-by">{s('advance.by')}</h2>
        <div className="row sandbox-steps">
          {STEPS.map((step) => (
            <button
              key={step.by}
              type="button"
              disabled={isWorking}
              onClick={() => void advance({ by: step.by })}
            >
              {s(step.label)}
            </button>
          ))}
        </div>
        <form className="row" onSubmit={submitDate} noValidate>
          <div className="field">
            <label htmlFor="sandbox-to">{s('advance.toDate')}</label>
            <input
              id="sandbox-to"
              type="datetime-local"
              value={target}
              onChange={(event) => setTarget(event.target.value)}
              aria-invalid={targetProblem ? true : undefined}
              aria-describedby={targetProblem ? 'sandbox-to-problem' : undefined}
              disabled={isWorking}
            />
            {targetProblem ? (
              <p id="sandbox-to-problem" className="field-error">
                {targetProblem}
              </p>
            ) : null}
          </div>
          <button type="submit" className="secondary" disabled={isWorking}>
            {s('advance.toDateSubmit')}
          </button>
        </form>
      </section>
      <div aria-live="polite">
        {state.status === 'working' ? (
          <Notice tone="info">
            <p>{s('advance.working')}</p>
            {state.progress ? <p>{s('advance.running', { passes: state.progress.passes })}</p> : null}
          </Notice>
        ) : null}
        {state.status === 'done' ? <Outcome advance={state.advance} language={language} /> : null}
      </div>
      {state.status === 'failed' ? (
        state.error instanceof ApiError && state.error.code === 'CLOCK_BACKWARDS' ? (
          <Notice tone="error">{s('error.backwards')}</Notice>
        ) : state.error instanceof ApiError && state.error.code === 'SANDBOX_DISABLED' ? (
          <Notice tone="error">{s('error.disabled')}</Notice>
        ) : (
          <ErrorNotice error={state.error} />
        )
      ) : null}
    </main>
  );
}

function Outcome({ advance, language }: { advance: SandboxAdvance; language: string }) {
  const lines = Object.entries(advance.ran).flatMap(([job, counts]) =>
    Object.entries(counts)
      .filter(([what, count]) => count > 0 && SWEEP_WORDS[job]?.[what] !== null)
      .map(([what, count]) => {
        const words = SWEEP_WORDS[job]?.[what];
        return words
          ? sandboxPlural(language, words, count)
          : sandboxText(language, 'sweep.unknown', { job, what, count });
      }),
  );
  const moved = sandboxText(language, 'advance.moved', {
    from: formatDateTime(advance.from, language),
    to: formatDateTime(advance.now, language),
  });
  if (advance.status === 'failed') {
    return (
      <Notice tone="warning">
        <p>{moved}</p>
        <p>{sandboxText(language, 'advance.failed', { error: advance.error ?? '' })}</p>
      </Notice>
    );
  }
  return (
    <Notice tone="success">
      <p data-testid="sandbox-moved">{moved}</p>
      {lines.length ? (
        <ul className="plain-list" data-testid="sandbox-ran">
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : (
        <p>{sandboxText(language, 'advance.nothing')}</p>
      )}
    </Notice>
  );
}
