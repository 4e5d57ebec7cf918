import { NetworkError } from '../../shared/api/errors.js';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../card-i18n.js';

/** A failed load in plain words, with a retry. */
export function LoadError({ error, onRetry }: { error: unknown; onRetry(): void }) {
  const { t } = useI18n();
  const message =
    error instanceof NetworkError
      ? t('app.error.network')
      : t('app.error.generic', { message: error instanceof Error ? error.message : String(error) });
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
