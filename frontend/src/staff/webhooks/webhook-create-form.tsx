import type { FormEvent } from 'react';
import type { CreatedWebhookEndpoint } from '@regulars/contracts';
import { useI18n } from '../staff-i18n.js';
import { EndpointFields, useEndpointForm } from './endpoint-form.js';
import { webhooksApi } from './webhooks-api.js';

/** "Add endpoint": URL, event types from the catalogue, description; the API's refusals in words. */
export function WebhookCreateForm({
  onCreated,
  onCancel,
}: {
  onCreated(created: CreatedWebhookEndpoint): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const form = useEndpointForm({ url: '', eventTypes: [], description: '' });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void form.submit(async (draft) => onCreated(await webhooksApi.create({ ...draft, active: true })));
  };

  return (
    <section className="panel" aria-labelledby="webhook-form-title">
      <h2 id="webhook-form-title">{t('webhooks.form.title')}</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <EndpointFields form={form} idPrefix="webhook" />
        <div className="row">
          <button type="submit" disabled={form.isBusy}>
            {form.isBusy ? t('webhooks.form.submitting') : t('webhooks.form.submit')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={form.isBusy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
