import type { RedemptionCancelled, RefundCreated } from '@regulars/contracts';
import { formatMoney, formatPoints } from '../../shared/format.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';

export type DeskOutcome =
  | { kind: 'redemptionCancelled'; cancelled: RedemptionCancelled; label: string }
  | { kind: 'refund'; refund: RefundCreated };

/** The confirmation after each action, with what the till must apply, announced to screen readers. */
export function DeskOutcomePanel({ outcome }: { outcome: DeskOutcome }) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const points = (n: number) => formatPoints(n, language);
  return (
    <section className="panel outcome" role="status" aria-live="polite" data-testid="desk-outcome">
      {outcome.kind === 'redemptionCancelled' ? (
        <>
          <h2>{t('desk.cancelRedemption.doneTitle', { reward: outcome.label })}</h2>
          <p className="outcome-big">
            {t('desk.cancelRedemption.done', { points: points(outcome.cancelled.pointsReturned) })}
          </p>
          {outcome.cancelled.pointsExpired > 0 ? (
            <p>{t('desk.cancelRedemption.expired', { points: points(outcome.cancelled.pointsExpired) })}</p>
          ) : null}
          <p>
            {t('desk.outcome.balance', {
              available: points(outcome.cancelled.balance.available),
              pending: points(outcome.cancelled.balance.pending),
            })}
          </p>
        </>
      ) : null}
      {outcome.kind === 'refund' ? (
        <>
          <h2>
            {t('desk.outcome.refundTitle', {
              amount: formatMoney(outcome.refund.amountMinor, program.currency, language),
            })}
          </h2>
          <p>
            {t('desk.refund.done', {
              reversed: points(outcome.refund.pointsReversed),
              restored: points(outcome.refund.pointsRestored),
            })}
          </p>
          <p>
            {t('desk.outcome.balance', {
              available: points(outcome.refund.balance.available),
              pending: points(outcome.refund.balance.pending),
            })}
          </p>
        </>
      ) : null}
    </section>
  );
}
