import type { PurchaseCreated, Redemption, RedemptionCancelled, RefundCreated } from '@regulars/contracts';
import { formatDate, formatMoney, formatPoints } from '../../shared/format.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { describeApply } from './till-instruction.js';

export type DeskOutcome =
  | { kind: 'purchase'; purchase: PurchaseCreated; totalMinor: number }
  | { kind: 'redemption'; redemption: Redemption; label: string }
  | { kind: 'redemptionCancelled'; cancelled: RedemptionCancelled; label: string }
  | { kind: 'refund'; refund: RefundCreated };

/** The confirmation after each action, with what the till must apply, announced to screen readers. */
export function DeskOutcomePanel({
  outcome,
  onRefund,
  onCancelRedemption,
}: {
  outcome: DeskOutcome;
  onRefund?(): void;
  /** Offered after a redemption, for when the till could not apply it. */
  onCancelRedemption?(): void;
}) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const points = (n: number) => formatPoints(n, language);
  return (
    <section className="panel outcome" role="status" aria-live="polite" data-testid="desk-outcome">
      {outcome.kind === 'purchase' ? (
        <>
          <h2>
            {t('desk.outcome.purchaseTitle', {
              total: formatMoney(outcome.totalMinor, program.currency, language),
            })}
          </h2>
          <p className="outcome-big" data-testid="points-earned">
            {t('desk.outcome.earned', { points: points(outcome.purchase.pointsEarned) })}
          </p>
          {outcome.purchase.status === 'pending' ? (
            <p>
              {t('desk.outcome.pendingUntil', { date: formatDate(outcome.purchase.availableAt, language) })}
            </p>
          ) : null}
          {outcome.purchase.breakdown.length ? (
            <ul className="plain-list breakdown">
              {outcome.purchase.breakdown.map((line) => (
                <li key={`${line.ruleId}-${line.ruleVersion}`}>
                  {line.ruleName} (v{line.ruleVersion}): +{points(line.points)}
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            {t('desk.outcome.balance', {
              available: points(outcome.purchase.balance.available),
              pending: points(outcome.purchase.balance.pending),
            })}
          </p>
          {onRefund ? (
            <button type="button" className="secondary" onClick={onRefund}>
              {t('desk.refund.open')}
            </button>
          ) : null}
        </>
      ) : null}
      {outcome.kind === 'redemption' ? (
        <>
          <h2>
            {t('desk.outcome.redeemedTitle', {
              reward: outcome.label,
              points: points(outcome.redemption.pointsSpent),
            })}
          </h2>
          <p className="outcome-big till-instruction" data-testid="till-instruction">
            {t('desk.outcome.tillMust')}{' '}
            {describeApply(outcome.redemption.apply, t, language, program.currency)}
          </p>
          <p>
            {t('desk.outcome.balance', {
              available: points(outcome.redemption.balance.available),
              pending: points(outcome.redemption.balance.pending),
            })}
          </p>
          {onCancelRedemption ? (
            <button type="button" className="secondary" onClick={onCancelRedemption}>
              {t('desk.cancelRedemption.open')}
            </button>
          ) : null}
        </>
      ) : null}
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
