import type { WebhookEndpoint } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { useI18n } from '../staff-i18n.js';

/** Active, off (by staff) or disabled (by Regulars, with the reason), and since when it fails. */
export function EndpointStatus({ endpoint }: { endpoint: WebhookEndpoint }) {
  const { t, language } = useI18n();
  const isDisabled = !endpoint.active && endpoint.disabledReason !== null;
  return (
    <div className="endpoint-status" data-testid="webhook-status">
      {endpoint.active ? (
        <span className="badge badge-published">{t('webhooks.status.active')}</span>
      ) : isDisabled ? (
        <span className="badge badge-failed">{t('webhooks.status.disabled')}</span>
      ) : (
        <span className="badge badge-archived">{t('webhooks.status.off')}</span>
      )}
      {endpoint.disabledReason === 'failing' ? (
        <p className="field-hint">{t('webhooks.reason.failing')}</p>
      ) : null}
      {endpoint.disabledReason === 'gone' ? <p className="field-hint">{t('webhooks.reason.gone')}</p> : null}
      {!endpoint.active && !isDisabled ? <p className="field-hint">{t('webhooks.reason.off')}</p> : null}
      {isDisabled && endpoint.disabledAt ? (
        <p className="field-hint">
          {t('webhooks.disabledAt', { date: formatDateTime(endpoint.disabledAt, language) })}
        </p>
      ) : null}
      {endpoint.failingSince ? (
        <p className="field-hint">
          {t('webhooks.failingSince', { date: formatDateTime(endpoint.failingSince, language) })}
        </p>
      ) : null}
    </div>
  );
}
