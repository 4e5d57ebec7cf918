import { useEffect, useState } from 'react';
import type { Redemption, RedemptionCancelled } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatPoints } from '../../shared/format.js';
import { Loading } from '../../shared/ui/spinner.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';

/** The sale a 409 REDEMPTION_SETTLED names (`details.purchaseId`). */
function purchaseIdOf(details: unknown): string | null {
  if (typeof details !== 'object' || details === null) return null;
  const id = (details as { purchaseId?: unknown }).purchaseId;
  return typeof id === 'string' ? id : null;
}

/**
 * Cancels a redemption that did not go through at the till. One that paid for a recorded sale is never
 * cancelled on its own: the dialog says so and offers the refund of that sale instead (to managers).
 */
export function CancelRedemptionDialog({
  redemptionId,
  onDone,
  onClose,
  onRefundSale,
}: {
  redemptionId: string;
  onDone(cancelled: RedemptionCancelled): void;
  onClose(): void;
  /** Offered when the redemption paid for a sale and the viewer may refund it. */
  onRefundSale?: (purchaseId: string) => void;
}) {
  const { t, language } = useI18n();
  const [redemption, setRedemption] = useState<Redemption | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const { state, submit } = useSubmission<RedemptionCancelled>();

  useEffect(() => {
    let isCurrent = true;
    staffApi
      .redemption(redemptionId)
      .then((loaded) => isCurrent && setRedemption(loaded))
      .catch((caught: unknown) => isCurrent && setLoadError(caught));
    return () => {
      isCurrent = false;
    };
  }, [redemptionId]);

  if (!redemption) {
    return (
      <ConfirmDialog
        title={t('desk.cancelRedemption.title')}
        confirmLabel={t('desk.cancelRedemption.ok')}
        onConfirm={onClose}
        onCancel={onClose}
      >
        {loadError ? <ErrorNotice error={loadError} /> : <Loading label={t('common.loading')} />}
      </ConfirmDialog>
    );
  }
  if (redemption.status === 'cancelled' || redemption.status === 'held') {
    // Nothing to cancel here: cancelled already, or held by an open checkout that owns it.
    return (
      <ConfirmDialog
        title={t('desk.cancelRedemption.title')}
        confirmLabel={t('desk.cancelRedemption.ok')}
        onConfirm={onClose}
        onCancel={onClose}
      >
        <p>
          {t(redemption.status === 'cancelled' ? 'error.redemptionAlreadyCancelled' : 'error.redemptionHeld')}
        </p>
      </ConfirmDialog>
    );
  }
  const purchaseId = redemption.purchaseId;
  if (purchaseId) {
    return (
      <ConfirmDialog
        title={t('desk.cancelRedemption.settledTitle')}
        confirmLabel={onRefundSale ? t('desk.cancelRedemption.refundSale') : t('desk.cancelRedemption.ok')}
        onConfirm={() => (onRefundSale ? onRefundSale(purchaseId) : onClose())}
        onCancel={onClose}
      >
        <p data-testid="redemption-settled">{t('desk.cancelRedemption.settled')}</p>
        {onRefundSale ? null : <p>{t('desk.cancelRedemption.askManager')}</p>}
      </ConfirmDialog>
    );
  }
  const confirm = async () => {
    const result = await submit((idempotencyKey) =>
      staffApi.cancelRedemption(redemptionId, { idempotencyKey }),
    );
    if (result) onDone(result);
  };
  // Refused for good (linked to a sale, held by an open checkout, or cancelled, meanwhile): the message says why, and the primary
  // action is no longer "give the points back" but what can still be done.
  const refusal = state.status === 'failed' && state.error instanceof ApiError ? state.error : null;
  const settledSaleId = refusal?.code === 'REDEMPTION_SETTLED' ? purchaseIdOf(refusal.details) : null;
  const isFinal =
    refusal?.code === 'REDEMPTION_SETTLED' ||
    refusal?.code === 'REDEMPTION_ALREADY_CANCELLED' ||
    refusal?.code === 'REDEMPTION_HELD';
  if (isFinal) {
    return (
      <ConfirmDialog
        title={t('desk.cancelRedemption.title')}
        confirmLabel={
          settledSaleId && onRefundSale
            ? t('desk.cancelRedemption.refundSale')
            : t('desk.cancelRedemption.ok')
        }
        onConfirm={() => (settledSaleId && onRefundSale ? onRefundSale(settledSaleId) : onClose())}
        onCancel={onClose}
      >
        <ErrorNotice error={state.status === 'failed' ? state.error : null} />
      </ConfirmDialog>
    );
  }
  return (
    <ConfirmDialog
      title={t('desk.cancelRedemption.title')}
      confirmLabel={
        state.status === 'connectionLost' ? t('desk.retrySafely') : t('desk.cancelRedemption.confirm')
      }
      isDanger
      isBusy={state.status === 'submitting'}
      onConfirm={() => void confirm()}
      onCancel={() => state.status !== 'submitting' && onClose()}
    >
      <p>{t('desk.cancelRedemption.body', { points: formatPoints(redemption.pointsSpent, language) })}</p>
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
    </ConfirmDialog>
  );
}
