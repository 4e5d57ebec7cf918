import { useState, type FormEvent } from 'react';
import type { CreatedWebhookEndpoint } from '@regulars/contracts';
import { TextField } from '../../shared/ui/field.js';
import { useI18n } from '../staff-i18n.js';
import { EventTypePicker } from './event-type-picker.js';
import { WebhookErrorNotice, describeWebhookError } from './webhook-errors.js';
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
  const [url, setUrl] = useState('');
  const [eventTypes, setEventTypes] = useState<string[]>([]);
  const [description, setDescription] = useState('');
  const [problems, setProblems] = useState<{ url?: string; eventTypes?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const missing = {
      ...(url.trim() ? {} : { url: t('webhooks.form.urlMissing') }),
      ...(eventTypes.length ? {} : { eventTypes: t('webhooks.events.missing') }),
    };
    setProblems(missing);
    setError(null);
    if (missing.url || missing.eventTypes) return;
    setBusy(true);
    try {
      onCreated(
        await webhooksApi.create({
          url: url.trim(),
          eventTypes,
          description: description.trim(),
          active: true,
        }),
      );
    } catch (caught) {
      const described = describeWebhookError(caught, t);
      if (described?.field) setProblems({ [described.field]: described.message });
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="webhook-form-title">
      <h2 id="webhook-form-title">{t('webhooks.form.title')}</h2>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('webhooks.form.url')}
          hint={t('webhooks.form.urlHint')}
          type="url"
          inputMode="url"
          autoComplete="off"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          error={problems.url}
          disabled={isBusy}
        />
        <EventTypePicker
          value={eventTypes}
          onChange={setEventTypes}
          error={problems.eventTypes}
          isDisabled={isBusy}
        />
        <div className="field">
          <label htmlFor="webhook-description">{t('webhooks.form.description')}</label>
          <textarea
            id="webhook-description"
            rows={2}
            maxLength={500}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            aria-describedby="webhook-description-hint"
            disabled={isBusy}
          />
          <p className="field-hint" id="webhook-description-hint">
            {t('webhooks.form.descriptionHint')}
          </p>
        </div>
        {error ? <WebhookErrorNotice error={error} /> : null}
        <div className="row">
          <button type="submit" disabled={isBusy}>
            {isBusy ? t('webhooks.form.submitting') : t('webhooks.form.submit')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
