import { useCallback, useEffect, useState } from 'react';
import { WEBHOOK_DELIVERY_STATUSES, type WebhookDelivery } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { SelectField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { DeliveryOutcome, formatLatency } from './delivery-outcome.js';
import { WebhookErrorNotice } from './webhook-errors.js';
import { webhooksApi } from './webhooks-api.js';

type Status = WebhookDelivery['status'];

const STATUS_BADGE: Record<Status, string> = {
  pending: 'badge-draft',
  delivered: 'badge-published',
  failed: 'badge-failed',
  cancelled: 'badge-archived',
};

/**
 * The endpoint's delivery log, newest first, page by page, filtered by status, with "Redeliver" on each
 * event delivery. `reloadKey` changes when something else sent a delivery (a test ping).
 */
export function DeliveryLog({
  webhookId,
  isActive,
  reloadKey,
}: {
  webhookId: string;
  isActive: boolean;
  reloadKey: number;
}) {
  const { t, language } = useI18n();
  const [status, setStatus] = useState<Status | ''>('');
  const [deliveries, setDeliveries] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const [redelivering, setRedelivering] = useState<string | null>(null);
  const [redelivered, setRedelivered] = useState<WebhookDelivery | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await webhooksApi.deliveries(webhookId, { status: status || undefined });
      setDeliveries(page.items);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  }, [webhookId, status]);

  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  const more = async () => {
    if (!cursor || isLoadingMore) return;
    setLoadingMore(true);
    try {
      const page = await webhooksApi.deliveries(webhookId, { status: status || undefined, cursor });
      setDeliveries((previous) => [...(previous ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoadingMore(false);
    }
  };

  const redeliver = async (delivery: WebhookDelivery) => {
    if (redelivering) return;
    setRedelivering(delivery.id);
    setRedelivered(null);
    setError(null);
    try {
      setRedelivered(await webhooksApi.redeliver(webhookId, delivery.id));
      await load();
    } catch (caught) {
      setError(caught);
    } finally {
      setRedelivering(null);
    }
  };

  const none = t('webhooks.log.none');
  return (
    <section className="panel" aria-labelledby="delivery-log-title">
      <div className="page-heading">
        <h2 id="delivery-log-title">{t('webhooks.log.title')}</h2>
        <SelectField
          label={t('webhooks.log.filter')}
          value={status}
          onChange={(event) => setStatus(event.target.value as Status | '')}
        >
          <option value="">{t('webhooks.log.filterAll')}</option>
          {WEBHOOK_DELIVERY_STATUSES.map((value) => (
            <option key={value} value={value}>
              {t(`webhooks.delivery.${value}` as StaffMessageKey)}
            </option>
          ))}
        </SelectField>
        <button type="button" className="secondary" onClick={() => void load()}>
          {t('webhooks.log.refresh')}
        </button>
      </div>
      <div aria-live="polite">
        {redelivered ? (
          <DeliveryOutcome delivery={redelivered} lead={t('webhooks.outcome.redelivered')} />
        ) : null}
      </div>
      {error ? <WebhookErrorNotice error={error} onRetry={() => void load()} /> : null}
      {!deliveries ? (
        error ? null : (
          <Loading label={t('common.loading')} />
        )
      ) : deliveries.length === 0 ? (
        <EmptyState>{status ? t('webhooks.log.emptyFiltered') : t('webhooks.log.empty')}</EmptyState>
      ) : (
        <table className="delivery-log" data-testid="delivery-log">
          <thead>
            <tr>
              <th scope="col">{t('webhooks.log.when')}</th>
              <th scope="col">{t('webhooks.log.eventType')}</th>
              <th scope="col">{t('webhooks.log.status')}</th>
              <th scope="col" className="num">
                {t('webhooks.log.attempts')}
              </th>
              <th scope="col" className="num">
                {t('webhooks.log.response')}
              </th>
              <th scope="col" className="num">
                {t('webhooks.log.latency')}
              </th>
              <th scope="col">{t('webhooks.log.nextRetry')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('webhooks.log.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((delivery) => (
              <tr key={delivery.id} data-testid="delivery-row">
                <td>{formatDateTime(delivery.createdAt, language)}</td>
                <td>
                  <code>{delivery.eventType}</code>
                  {delivery.kind !== 'event' ? (
                    <span className="field-hint"> {t(`webhooks.kind.${delivery.kind}`)}</span>
                  ) : null}
                  <details className="delivery-details">
                    <summary>{t('webhooks.log.details')}</summary>
                    <dl>
                      <dt>{t('webhooks.log.eventId')}</dt>
                      <dd>
                        <code>{delivery.eventId}</code>
                      </dd>
                      <dt>{t('webhooks.log.lastAttempt')}</dt>
                      <dd>
                        {delivery.lastAttemptAt ? formatDateTime(delivery.lastAttemptAt, language) : none}
                      </dd>
                      <dt>{t('webhooks.log.deliveredAt')}</dt>
                      <dd>{delivery.deliveredAt ? formatDateTime(delivery.deliveredAt, language) : none}</dd>
                      {delivery.error ? (
                        <>
                          <dt>{t('webhooks.log.error')}</dt>
                          <dd>{delivery.error}</dd>
                        </>
                      ) : null}
                      {delivery.responseBody ? (
                        <>
                          <dt>{t('webhooks.log.responseBody')}</dt>
                          <dd>
                            <pre>{delivery.responseBody}</pre>
                          </dd>
                        </>
                      ) : null}
                    </dl>
                  </details>
                </td>
                <td>
                  <span className={`badge ${STATUS_BADGE[delivery.status]}`} data-testid="delivery-status">
                    {t(`webhooks.delivery.${delivery.status}`)}
                  </span>
                </td>
                <td className="num">{delivery.attempts}</td>
                <td className="num">{delivery.responseStatus ?? none}</td>
                <td className="num">
                  {delivery.latencyMs === null ? none : formatLatency(delivery.latencyMs, language)}
                </td>
                <td>{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt, language) : none}</td>
                <td>
                  {delivery.kind !== 'ping' ? (
                    <button
                      type="button"
                      className="link"
                      disabled={!isActive || redelivering !== null}
                      title={isActive ? undefined : t('webhooks.log.redeliverOff')}
                      onClick={() => void redeliver(delivery)}
                    >
                      {t('webhooks.log.redeliver')}
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cursor ? (
        <button type="button" className="secondary" disabled={isLoadingMore} onClick={() => void more()}>
          {t('webhooks.log.more')}
        </button>
      ) : null}
    </section>
  );
}
