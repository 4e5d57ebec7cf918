import { useState, type ReactNode } from 'react';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../staff-i18n.js';

/** A signing secret shown the one time the API gives it, with a copy button and a warning. */
export function SecretReveal({
  title,
  secret,
  previousSecretExpiresAt,
  onDone,
  extraAction,
}: {
  title: string;
  secret: string;
  previousSecretExpiresAt?: string | null;
  onDone(): void;
  extraAction?: ReactNode;
}) {
  const { t, language } = useI18n();
  const [copy, setCopy] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copySecret = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopy('copied');
    } catch {
      setCopy('failed');
    }
  };
  return (
    <section className="panel secret-reveal" aria-labelledby="secret-title">
      <h2 id="secret-title">{title}</h2>
      <Notice tone="warning">
        <p>{t('webhooks.secret.once')}</p>
      </Notice>
      <div className="field">
        <label htmlFor="webhook-secret">{t('webhooks.secret.label')}</label>
        <div className="row">
          <input
            id="webhook-secret"
            className="secret-value"
            readOnly
            value={secret}
            onFocus={(event) => event.target.select()}
          />
          <button type="button" onClick={() => void copySecret()}>
            {t('webhooks.secret.copy')}
          </button>
        </div>
        <p className="field-hint" aria-live="polite">
          {copy === 'copied' ? t('webhooks.secret.copied') : null}
          {copy === 'failed' ? t('webhooks.secret.copyFailed') : null}
        </p>
      </div>
      {previousSecretExpiresAt ? (
        <p>
          {t('webhooks.secret.previousUntil', { date: formatDateTime(previousSecretExpiresAt, language) })}
        </p>
      ) : null}
      <div className="row">
        {extraAction}
        <button type="button" className="secondary" onClick={onDone}>
          {t('webhooks.secret.done')}
        </button>
      </div>
    </section>
  );
}
