import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { RotatedWebhookSecret, WebhookDelivery, WebhookEndpoint } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { navigate } from '../router.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { DeliveryLog } from './delivery-log.js';
import { DeliveryOutcome } from './delivery-outcome.js';
import { EndpointStatus } from './endpoint-status.js';
import { EndpointFields, useEndpointForm } from './endpoint-form.js';
import { SecretReveal } from '../ui/secret-reveal.js';
import { WEBHOOK_SECRET_WORDS } from './webhook-secret-words.js';
import { WebhookErrorNotice } from './webhook-errors.js';
import { webhooksApi } from './webhooks-api.js';
import './webhooks.css';

type Dialog = 'rotate' | 'delete' | null;

/** One endpoint: its state and on/off, settings, test ping, secret rotation, deletion and delivery log. */
export function WebhookDetailScreen({ webhookId }: { webhookId: string }) {
  const { t, language } = useI18n();
  const [endpoint, setEndpoint] = useState<WebhookEndpoint | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [rotated, setRotated] = useState<RotatedWebhookSecret | null>(null);
  const [ping, setPing] = useState<WebhookDelivery | null>(null);
  const [reloadKey, setReloadKey] = useState(0);
  const [isPinging, setPinging] = useState(false);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setEndpoint(await webhooksApi.get(webhookId));
    } catch (caught) {
      setLoadError(caught);
    }
  }, [webhookId]);

  useEffect(() => {
    void load();
  }, [load]);

  /** Runs one action with the others locked; its failure is shown above the tools. */
  const act = async (run: () => Promise<void>) => {
    if (isBusy) return;
    setBusy(true);
    setActionError(null);
    setNotice(null);
    try {
      await run();
    } catch (caught) {
      setActionError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (loadError && !endpoint)
    return (
      <main className="page" id="main">
        <BackLink />
        <WebhookErrorNotice error={loadError} onRetry={() => void load()} />
      </main>
    );
  if (!endpoint) return <Loading label={t('common.loading')} />;

  const setActive = (active: boolean) =>
    act(async () => {
      setEndpoint(await webhooksApi.update(endpoint.id, { active }));
      setNotice(active ? t('webhooks.detail.turnedOn') : t('webhooks.detail.turnedOff'));
      setReloadKey((key) => key + 1);
    });
  const sendPing = () =>
    act(async () => {
      setPing(null);
      setPinging(true);
      try {
        setPing(await webhooksApi.ping(endpoint.id));
      } finally {
        setPinging(false);
      }
      setReloadKey((key) => key + 1);
      await load();
    });

  return (
    <main className="page" id="main" aria-labelledby="webhook-title">
      <BackLink />
      <h1 id="webhook-title" className="webhook-url">
        {endpoint.url}
      </h1>
      {endpoint.description ? <p>{endpoint.description}</p> : null}
      <p className="field-hint">
        {t('webhooks.detail.created', { date: formatDateTime(endpoint.createdAt, language) })}
      </p>

      <section className="panel" aria-labelledby="webhook-state-title">
        <h2 id="webhook-state-title">{t('webhooks.detail.state')}</h2>
        <EndpointStatus endpoint={endpoint} />
        <div className="webhook-tools">
          {endpoint.active ? (
            <button
              type="button"
              className="secondary"
              disabled={isBusy}
              onClick={() => void setActive(false)}
            >
              {t('webhooks.detail.turnOff')}
            </button>
          ) : (
            <button type="button" disabled={isBusy} onClick={() => void setActive(true)}>
              {endpoint.disabledReason ? t('webhooks.detail.turnOnAgain') : t('webhooks.detail.turnOn')}
            </button>
          )}
          <button type="button" disabled={isBusy} onClick={() => void sendPing()}>
            {isPinging ? t('webhooks.ping.sending') : t('webhooks.ping.send')}
          </button>
        </div>
        <div aria-live="polite">
          {notice ? (
            <Notice tone="success">
              <p>{notice}</p>
            </Notice>
          ) : null}
          {ping ? <DeliveryOutcome delivery={ping} /> : null}
        </div>
        {actionError ? <WebhookErrorNotice error={actionError} /> : null}
      </section>

      <SettingsForm key={endpoint.id} endpoint={endpoint} onSaved={(saved) => setEndpoint(saved)} />

      <section className="panel" aria-labelledby="webhook-tools-title">
        <h2 id="webhook-tools-title">{t('webhooks.detail.tools')}</h2>
        {endpoint.previousSecretExpiresAt && !rotated ? (
          <p>
            {t('webhooks.secret.previousUntil', {
              date: formatDateTime(endpoint.previousSecretExpiresAt, language),
            })}
          </p>
        ) : null}
        <div className="webhook-tools">
          <button type="button" className="secondary" disabled={isBusy} onClick={() => setDialog('rotate')}>
            {t('webhooks.rotate.open')}
          </button>
          <button type="button" className="danger" disabled={isBusy} onClick={() => setDialog('delete')}>
            {t('webhooks.delete.open')}
          </button>
        </div>
      </section>
      {rotated ? (
        <SecretReveal
          id="webhook-secret"
          words={WEBHOOK_SECRET_WORDS}
          title={t('webhooks.secret.rotatedTitle')}
          secret={rotated.secret}
          previousSecretExpiresAt={rotated.previousSecretExpiresAt}
          onDone={() => setRotated(null)}
        />
      ) : null}

      <DeliveryLog webhookId={endpoint.id} isActive={endpoint.active} reloadKey={reloadKey} />

      {dialog === 'rotate' ? (
        <ConfirmDialog
          title={t('webhooks.rotate.title')}
          confirmLabel={t('webhooks.rotate.confirm')}
          isBusy={isBusy}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            void act(async () => {
              const result = await webhooksApi.rotateSecret(endpoint.id);
              setDialog(null);
              setRotated(result);
              await load();
            }).finally(() => setDialog(null))
          }
        >
          <p>{t('webhooks.rotate.body')}</p>
        </ConfirmDialog>
      ) : null}
      {dialog === 'delete' ? (
        <ConfirmDialog
          title={t('webhooks.delete.title')}
          confirmLabel={t('webhooks.delete.confirm')}
          isDanger
          isBusy={isBusy}
          onCancel={() => setDialog(null)}
          onConfirm={() =>
            void act(async () => {
              await webhooksApi.remove(endpoint.id);
              setDialog(null);
              navigate('/webhooks');
            }).finally(() => setDialog(null))
          }
        >
          <p>{t('webhooks.delete.body', { url: endpoint.url })}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function BackLink() {
  const { t } = useI18n();
  return (
    <p>
      <a
        href="/staff/webhooks"
        onClick={(event) => {
          event.preventDefault();
          navigate('/webhooks');
        }}
      >
        ← {t('webhooks.detail.back')}
      </a>
    </p>
  );
}

/** URL, description and event types; the API checks a changed URL as it does a new one. */
function SettingsForm({
  endpoint,
  onSaved,
}: {
  endpoint: WebhookEndpoint;
  onSaved(saved: WebhookEndpoint): void;
}) {
  const { t } = useI18n();
  const form = useEndpointForm({
    url: endpoint.url,
    eventTypes: endpoint.eventTypes,
    description: endpoint.description,
  });
  const [isSaved, setSaved] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    await form.submit(async (draft) => {
      const saved = await webhooksApi.update(endpoint.id, {
        ...(draft.url === endpoint.url ? {} : { url: draft.url }),
        eventTypes: draft.eventTypes,
        description: draft.description,
      });
      setSaved(true);
      form.setDraft({ url: saved.url, eventTypes: saved.eventTypes, description: saved.description });
      onSaved(saved);
    });
  };

  return (
    <section className="panel" aria-labelledby="webhook-settings-title">
      <h2 id="webhook-settings-title">{t('webhooks.detail.settings')}</h2>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <EndpointFields form={form} idPrefix="webhook-edit" />
        <div aria-live="polite">
          {isSaved ? (
            <Notice tone="success">
              <p>{t('webhooks.detail.saved')}</p>
            </Notice>
          ) : null}
        </div>
        <button type="submit" disabled={form.isBusy}>
          {form.isBusy ? t('webhooks.detail.saving') : t('webhooks.detail.save')}
        </button>
      </form>
    </section>
  );
}
