import { ApiError } from '../../shared/api/errors.js';
import { Notice } from '../../shared/ui/notice.js';
import type { StaffT } from '../staff-i18n.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** Which form field a refusal is about, so the sentence can stand under it. */
export type WebhookErrorField = 'url' | 'eventTypes' | null;

function detail(error: ApiError, key: string): string {
  const details = error.details;
  if (typeof details !== 'object' || details === null) return '';
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

/**
 * The webhooks API's own refusals as sentences in the viewer's language (codes from its routes' error
 * lists); null for anything else, which the portal's ErrorNotice describes.
 */
export function describeWebhookError(
  error: unknown,
  t: StaffT,
): { message: string; field: WebhookErrorField } | null {
  if (!(error instanceof ApiError)) return null;
  switch (error.code) {
    case 'WEBHOOK_URL_INVALID':
      return { message: t('webhooks.error.urlInvalid'), field: 'url' };
    case 'WEBHOOK_URL_SCHEME':
      return { message: t('webhooks.error.urlScheme'), field: 'url' };
    case 'WEBHOOK_TARGET_PRIVATE':
      return {
        message: t('webhooks.error.targetPrivate', {
          address: detail(error, 'address') || detail(error, 'host'),
        }),
        field: 'url',
      };
    case 'WEBHOOK_TARGET_UNRESOLVABLE':
      return {
        message: t('webhooks.error.targetUnresolvable', { host: detail(error, 'host') }),
        field: 'url',
      };
    case 'EVENT_TYPE_UNKNOWN':
      return { message: t('webhooks.error.eventTypeUnknown'), field: 'eventTypes' };
    case 'EVENT_FILTER_TOO_LONG':
      return { message: t('webhooks.error.filterTooLong'), field: 'eventTypes' };
    case 'WEBHOOK_NOT_FOUND':
      return { message: t('webhooks.error.notFound'), field: null };
    case 'WEBHOOK_DELIVERY_NOT_FOUND':
      return { message: t('webhooks.error.deliveryNotFound'), field: null };
    case 'WEBHOOK_DISABLED':
      return { message: t('webhooks.error.disabled'), field: null };
    case 'WEBHOOK_PING_NOT_REDELIVERABLE':
      return { message: t('webhooks.error.pingNotRedeliverable'), field: null };
    default:
      return null;
  }
}

/** A failure of a webhooks call in words: ours for the webhooks codes, the portal's for the rest. */
export function WebhookErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const described = describeWebhookError(error, t);
  if (!described) return <ErrorNotice error={error} onRetry={onRetry} />;
  return (
    <Notice tone="error">
      <p>{described.message}</p>
    </Notice>
  );
}
