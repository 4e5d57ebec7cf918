import { useState } from 'react';
import { TextField } from '../../shared/ui/field.js';
import { useI18n } from '../staff-i18n.js';
import { EventTypePicker } from './event-type-picker.js';
import { WebhookErrorNotice, describeWebhookError } from './webhook-errors.js';

/** What the create and settings forms edit: the endpoint's URL, event types and description. */
export type EndpointDraft = { url: string; eventTypes: string[]; description: string };

type Problems = { url?: string; eventTypes?: string };

/**
 * The state both endpoint forms share: the draft, what is missing or refused on each field, an error
 * for a notice, and `submit`, which checks the draft, runs `save` with it trimmed and puts the API's
 * refusals on their field (or in the notice). Resolves whether it saved.
 */
export function useEndpointForm(initial: EndpointDraft) {
  const { t } = useI18n();
  const [draft, setDraft] = useState(initial);
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (save: (draft: EndpointDraft) => Promise<void>): Promise<boolean> => {
    if (isBusy) return false;
    setError(null);
    const missing: Problems = {
      ...(draft.url.trim() ? {} : { url: t('webhooks.form.urlMissing') }),
      ...(draft.eventTypes.length ? {} : { eventTypes: t('webhooks.events.missing') }),
    };
    setProblems(missing);
    if (missing.url || missing.eventTypes) return false;
    setBusy(true);
    try {
      await save({ ...draft, url: draft.url.trim(), description: draft.description.trim() });
      return true;
    } catch (caught) {
      const described = describeWebhookError(caught, t);
      if (described?.field) setProblems({ [described.field]: described.message });
      else setError(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };

  return { draft, setDraft, problems, error, isBusy, submit };
}

export type EndpointForm = ReturnType<typeof useEndpointForm>;

/** The fields of an endpoint form (URL, event types, description) and its error notice. */
export function EndpointFields({ form, idPrefix }: { form: EndpointForm; idPrefix: string }) {
  const { t } = useI18n();
  const { draft, setDraft, problems, error, isBusy } = form;
  return (
    <>
      <TextField
        label={t('webhooks.form.url')}
        hint={t('webhooks.form.urlHint')}
        type="url"
        inputMode="url"
        autoComplete="off"
        value={draft.url}
        onChange={(event) => setDraft({ ...draft, url: event.target.value })}
        error={problems.url}
        disabled={isBusy}
      />
      <EventTypePicker
        value={draft.eventTypes}
        onChange={(eventTypes) => setDraft({ ...draft, eventTypes })}
        error={problems.eventTypes}
        isDisabled={isBusy}
      />
      <div className="field">
        <label htmlFor={`${idPrefix}-description`}>{t('webhooks.form.description')}</label>
        <textarea
          id={`${idPrefix}-description`}
          rows={2}
          maxLength={500}
          value={draft.description}
          onChange={(event) => setDraft({ ...draft, description: event.target.value })}
          aria-describedby={`${idPrefix}-description-hint`}
          disabled={isBusy}
        />
        <p className="field-hint" id={`${idPrefix}-description-hint`}>
          {t('webhooks.form.descriptionHint')}
        </p>
      </div>
      {error ? <WebhookErrorNotice error={error} /> : null}
    </>
  );
}
