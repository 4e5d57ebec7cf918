import { useState, type ReactNode } from 'react';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { useI18n } from '../staff-i18n.js';

/** The texts of a reveal: what the secret is and what its buttons say (each screen has its words). */
export type SecretRevealWords = Record<
  'once' | 'label' | 'copy' | 'copied' | 'copyFailed' | 'done',
  StaffMessageKey
>;

/** A secret (a webhook's signing secret, an API key) shown the one time the API gives it, with a copy button and a warning. */
export function SecretReveal({
  id,
  words,
  title,
  secret,
  previousSecretExpiresAt,
  onDone,
  extraAction,
}: {
  /** The input's id (its title's is `<id>-title`). */
  id: string;
  words: SecretRevealWords;
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
    <section className="panel secret-reveal" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <Notice tone="warning">
        <p>{t(words.once)}</p>
      </Notice>
      <div className="field">
        <label htmlFor={id}>{t(words.label)}</label>
        <div className="row">
          <input
            id={id}
            className="secret-value"
            readOnly
            value={secret}
            onFocus={(event) => event.target.select()}
          />
          <button type="button" onClick={() => void copySecret()}>
            {t(words.copy)}
          </button>
        </div>
        <p className="field-hint" aria-live="polite">
          {copy === 'copied' ? t(words.copied) : null}
          {copy === 'failed' ? t(words.copyFailed) : null}
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
          {t(words.done)}
        </button>
      </div>
    </section>
  );
}
