import { useState } from 'react';
import type { Checkout, CheckoutReceipt } from '@regulars/contracts';
import { formatMoney, formatPoints } from '../../shared/format.js';
import { staffApi } from '../staff-api.js';
import { certificateEnding } from './identify-code.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { SoldGiftCertificates } from './sell-gift-certificate.js';

/**
 * The completed sale: what to print, the points, the new balance, and Undo until the next customer
 * (a full refund of the sale: the points it spent come back, those it earned are taken back).
 */
export function ReceiptPanel({
  receipt,
  onUndone,
}: {
  receipt: CheckoutReceipt;
  onUndone(checkout: Checkout): void;
}) {
  const { t, language } = useI18n();
  const money = (minor: number) => formatMoney(minor, receipt.currency, language);
  const points = (n: number) => formatPoints(n, language);
  const [isConfirming, setConfirming] = useState(false);
  const [undone, setUndone] = useState<Checkout | null>(null);
  const undo = useSubmission<Checkout>();

  const runUndo = async () => {
    const result = await undo.submit((idempotencyKey) =>
      staffApi.undoCheckout(receipt.checkoutId, { idempotencyKey }),
    );
    setConfirming(false);
    if (result) {
      setUndone(result);
      onUndone(result);
    }
  };

  return (
    <section className="panel outcome receipt" role="status" aria-live="polite" data-testid="desk-receipt">
      <h2>{t('desk.receipt.title', { total: money(receipt.totals.toPayMinor) })}</h2>
      <table className="lines-table receipt-lines">
        <tbody>
          {receipt.lines.map((line, index) => (
            <tr
              key={index}
              className={line.kind === 'item' || line.kind === 'gift_certificate_sale' ? '' : 'applied-line'}
            >
              <td>
                {line.kind === 'item'
                  ? t('desk.checkout.line', { quantity: line.quantity ?? 1, name: line.label })
                  : line.kind === 'gift_certificate_sale'
                    ? t('desk.checkout.line', {
                        quantity: line.quantity ?? 1,
                        name: t('desk.sellCertificate.line', {
                          value: money(Math.round(line.amountMinor / (line.quantity ?? 1))),
                        }),
                      })
                    : line.kind === 'points_payment'
                      ? t('desk.receipt.pointsPaid', { points: points(line.points ?? 0) })
                      : line.kind === 'gift_certificate'
                        ? `${t('desk.code.giftCertificate')} ${certificateEnding(line.label)}`
                        : line.label}
              </td>
              <td className="amount">
                {line.amountMinor < 0 ? `−${money(-line.amountMinor)}` : money(line.amountMinor)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <SoldGiftCertificates certificates={receipt.giftCertificates} />
      <p className="outcome-big" data-testid="points-earned">
        {t('desk.receipt.earned', { points: points(receipt.pointsEarned) })}
        {receipt.pointsSpent > 0
          ? ` · ${t('desk.receipt.spent', { points: points(receipt.pointsSpent) })}`
          : ''}
      </p>
      {receipt.pointsStatus === 'pending' ? <p>{t('desk.receipt.pendingNote')}</p> : null}
      {(receipt.stamps ?? []).map((card) => (
        <p key={card.definitionId} data-testid="receipt-stamps">
          {t('desk.receipt.stamps', {
            name: card.name,
            stamps: points(card.stamps),
            balance: points(card.balance),
            threshold: points(card.threshold),
          })}
          {card.rewardsUnlocked.length ? ` ${t('desk.receipt.stampUnlocked', { name: card.name })}` : ''}
        </p>
      ))}
      {receipt.balance && !undone ? (
        <p data-testid="receipt-balance">
          {t('desk.receipt.balance', {
            available: points(receipt.balance.available),
            pending: points(receipt.balance.pending),
          })}
        </p>
      ) : null}
      {undone?.undo ? (
        <p data-testid="receipt-undone">
          {t('desk.receipt.undone', {
            restored: points(undone.undo.pointsRestored),
            reversed: points(undone.undo.pointsReversed),
          })}
        </p>
      ) : null}
      {undone?.member ? (
        <p>
          {t('desk.receipt.balance', {
            available: points(undone.member.balance.available),
            pending: points(undone.member.balance.pending),
          })}
        </p>
      ) : null}
      {undo.state.status === 'failed' ? <ErrorNotice error={undo.state.error} /> : null}
      {!undone ? (
        <button
          type="button"
          className="secondary"
          onClick={() => setConfirming(true)}
          disabled={undo.isLocked}
        >
          {t('desk.receipt.undo')}
        </button>
      ) : null}
      {isConfirming ? (
        <ConfirmDialog
          title={t('desk.receipt.undoTitle')}
          confirmLabel={t('desk.receipt.undoConfirm')}
          isDanger
          isBusy={undo.state.status === 'submitting'}
          onConfirm={() => void runUndo()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t('desk.receipt.undoBody')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
