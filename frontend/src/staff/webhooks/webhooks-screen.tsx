import { useCallback, useEffect, useState } from 'react';
import type { CreatedWebhookEndpoint, WebhookEndpoint } from '@regulars/contracts';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { navigate } from '../router.js';
import { useI18n } from '../staff-i18n.js';
import { EndpointStatus } from './endpoint-status.js';
import { SecretReveal } from '../ui/secret-reveal.js';
import { WEBHOOK_SECRET_WORDS } from './webhook-secret-words.js';
import { WebhookCreateForm } from './webhook-create-form.js';
import { WebhookErrorNotice } from './webhook-errors.js';
import { webhooksApi } from './webhooks-api.js';
import './webhooks.css';

/** The admin's list of webhook endpoints, the "Add endpoint" form and the secret of a new one, once. */
export function WebhooksScreen() {
  const { t } = useI18n();
  const [endpoints, setEndpoints] = useState<WebhookEndpoint[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isAdding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhookEndpoint | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      setEndpoints((await webhooksApi.list()).items);
    } catch (caught) {
      setError(caught);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main className="page" id="main" aria-labelledby="webhooks-title">
      <div className="page-heading">
        <h1 id="webhooks-title">{t('webhooks.title')}</h1>
        {!isAdding && !created ? (
          <button type="button" onClick={() => setAdding(true)}>
            {t('webhooks.add')}
          </button>
        ) : null}
      </div>
      <p>{t('webhooks.intro')}</p>
      {created ? (
        <SecretReveal
          id="webhook-secret"
          words={WEBHOOK_SECRET_WORDS}
          title={t('webhooks.secret.createdTitle')}
          secret={created.secret}
          onDone={() => setCreated(null)}
          extraAction={
            <button type="button" onClick={() => navigate(`/webhooks/${created.id}`)}>
              {t('webhooks.secret.open')}
            </button>
          }
        />
      ) : null}
      {isAdding ? (
        <WebhookCreateForm
          onCancel={() => setAdding(false)}
          onCreated={(endpoint) => {
            setAdding(false);
            setCreated(endpoint);
            void load();
          }}
        />
      ) : null}
      <section className="panel" aria-labelledby="webhooks-list-title">
        <h2 id="webhooks-list-title">{t('webhooks.list.title')}</h2>
        {error ? (
          <WebhookErrorNotice error={error} onRetry={() => void load()} />
        ) : !endpoints ? (
          <Loading label={t('common.loading')} />
        ) : endpoints.length === 0 ? (
          <EmptyState>{t('webhooks.list.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('webhooks.list.url')}</th>
                <th scope="col">{t('webhooks.list.events')}</th>
                <th scope="col">{t('webhooks.list.status')}</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map((endpoint) => (
                <tr key={endpoint.id}>
                  <td className="webhook-url">
                    <a
                      href={`/staff/webhooks/${endpoint.id}`}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(`/webhooks/${endpoint.id}`);
                      }}
                    >
                      {endpoint.url}
                    </a>
                    {endpoint.description ? <p className="field-hint">{endpoint.description}</p> : null}
                  </td>
                  <td>
                    {endpoint.eventTypes.map((type) => (
                      <code key={type}>{type} </code>
                    ))}
                  </td>
                  <td>
                    <EndpointStatus endpoint={endpoint} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
