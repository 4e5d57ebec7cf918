import { NetworkError } from '../../shared/api/errors.js';
import { Notice } from '../../shared/ui/notice.js';
import { useErrorText } from '../card-errors.js';
import { useI18n } from '../card-i18n.js';

/** A failed load in plain words (the server's refusal in the member's language), with a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry(): void }) {
  const { t } = useI18n();
  const text = useErrorText(error);
  const message = error instanceof NetworkError ? t('app.error.network') : (text ?? t('app.error.generic'));
  return (
    <Notice
      tone="error"
      action={
        <button type="button" className="secondary" onClick={onRetry}>
          {t('app.retry')}
        </button>
      }
    >
      {message}
    </Notice>
  );
}
