import { useState } from 'react';
import type { GiftCertificateBalance } from '@regulars/contracts';
import { formatDate, formatMoney } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';

/**
 * "What is left on my gift card?": the cashier types the code (or a USB scanner types the QR) and reads
 * what it holds, what a sale in progress holds of it, until when, and whether it can be used. Nothing is
 * applied to any sale; wrong codes count against the same limit as at the till.
 */
export function BalanceCheckDialog({ onClose }: { onClose(): void }) {
  const { t, language } = useI18n();
  const [code, setCode] = useState('');
  const [isBusy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [result, setResult] = useState<GiftCertificateBalance | null>(null);
  const [isEmpty, setEmpty] = useState(false);

  const check = async () => {
    const trimmed = code.trim();
    if (!trimmed) {
      setEmpty(true);
      return;
    }
    setEmpty(false);
    setBusy(true);
    setFailure(null);
    setResult(null);
    try {
      setResult(await staffApi.giftCertificateBalance(trimmed));
      setCode('');
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(false);
    }
  };

  const money = (minor: number, currency: string) => formatMoney(minor, currency, language);
  return (
    <ConfirmDialog
      title={t('desk.balance.title')}
      confirmLabel={t('desk.balance.check')}
      isBusy={isBusy}
      onConfirm={() => void check()}
      onCancel={onClose}
    >
      <div className="field">
        <label htmlFor="balance-code">{t('desk.code.label')}</label>
        <input
          id="balance-code"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          aria-invalid={isEmpty || undefined}
        />
        {isEmpty ? (
          <p className="field-error" role="alert">
            {t('desk.code.empty')}
          </p>
        ) : null}
      </div>
      {failure ? <ErrorNotice error={failure} /> : null}
      {result ? (
        <Notice tone={result.status === 'active' && result.availableMinor > 0 ? 'success' : 'warning'}>
          <p data-testid="balance-result">
            {t('desk.balance.result', {
              last4: result.last4,
              available: money(result.availableMinor, result.currency),
            })}
          </p>
          {result.balanceMinor > result.availableMinor ? (
            <p>
              {t('desk.balance.held', {
                held: money(result.balanceMinor - result.availableMinor, result.currency),
              })}
            </p>
          ) : null}
          {result.expiresAt ? (
            <p>{t('desk.balance.expires', { date: formatDate(result.expiresAt, language) })}</p>
          ) : null}
          <p>
            {result.status !== 'active'
              ? t(`desk.balance.status.${result.status}`)
              : result.availableMinor === 0
                ? t('desk.balance.status.exhausted')
                : t('desk.balance.status.active')}
          </p>
        </Notice>
      ) : null}
    </ConfirmDialog>
  );
}
