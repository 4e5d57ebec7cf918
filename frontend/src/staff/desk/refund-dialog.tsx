import { useState } from 'react';
import type { RefundCreated } from '@regulars/contracts';
import { currencyDigits, formatMoney, formatPoints, parseMoneyToMinor } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { TextField } from '../../shared/ui/field.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';

/** A (partial) refund of a purchase, for managers: the amount, then the points taken back. */
export function RefundDialog({
  purchaseId,
  maxMinor,
  onDone,
  onClose,
}: {
  purchaseId: string;
  maxMinor: number | null;
  onDone(refund: RefundCreated): void;
  onClose(): void;
}) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const digits = currencyDigits(program.currency);
  const [amount, setAmount] = useState(maxMinor ? (maxMinor / 10 ** digits).toFixed(digits) : '');
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [sentAmount, setSentAmount] = useState<number | null>(null);
  const { state, submit } = useSubmission<RefundCreated>();

  const confirm = async () => {
    // After a lost connection the same amount is resent with the same key.
    const amountMinor =
      state.status === 'connectionLost' && sentAmount !== null
        ? sentAmount
        : parseMoneyToMinor(amount, program.currency);
    if (amountMinor === null || amountMinor <= 0 || (maxMinor !== null && amountMinor > maxMinor)) {
      setInvalid(t('desk.refund.badAmount'));
      return;
    }
    setInvalid(null);
    setSentAmount(amountMinor);
    const result = await submit((idempotencyKey) =>
      staffApi.refund(
        purchaseId,
        { amountMinor, ...(reason.trim() ? { reason: reason.trim() } : {}) },
        { idempotencyKey },
      ),
    );
    if (result) onDone(result);
  };

  return (
    <ConfirmDialog
      title={t('desk.refund.title')}
      confirmLabel={state.status === 'connectionLost' ? t('desk.retrySafely') : t('desk.refund.confirm')}
      isDanger
      isBusy={state.status === 'submitting'}
      onConfirm={() => void confirm()}
      onCancel={onClose}
    >
      <TextField
        label={t('desk.refund.amount', { currency: program.currency })}
        hint={
          maxMinor !== null
            ? t('desk.refund.max', { amount: formatMoney(maxMinor, program.currency, language) })
            : undefined
        }
        inputMode="decimal"
        value={amount}
        onChange={(event) => setAmount(event.target.value)}
        error={invalid}
        disabled={state.status === 'connectionLost'}
      />
      <TextField
        label={t('desk.refund.reason')}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        disabled={state.status === 'connectionLost'}
      />
      {state.status === 'connectionLost' ? (
        <Notice tone="warning">{t('desk.refund.connectionLost')}</Notice>
      ) : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
      {state.status === 'done' ? (
        <Notice tone="success">
          {t('desk.refund.done', {
            reversed: formatPoints(state.result.pointsReversed, language),
            restored: formatPoints(state.result.pointsRestored, language),
          })}
        </Notice>
      ) : null}
    </ConfirmDialog>
  );
}
