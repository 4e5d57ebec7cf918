import type { WebhookDelivery } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../staff-i18n.js';

/** Milliseconds in the viewer's language ("120 ms"). */
export function formatLatency(ms: number, language: string): string {
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(
    ms,
  );
}

/** How a delivery sent now went: delivered with the answer's status and time, or why not. */
export function DeliveryOutcome({ delivery, lead }: { delivery: WebhookDelivery; lead?: string }) {
  const { t, language } = useI18n();
  const lines: string[] = lead ? [lead] : [];
  if (delivery.status === 'delivered') {
    lines.push(
      t('webhooks.outcome.delivered', {
        status: delivery.responseStatus ?? '',
        latency: formatLatency(delivery.latencyMs ?? 0, language),
      }),
    );
  } else if (delivery.responseStatus !== null) {
    lines.push(t('webhooks.outcome.rejected', { status: delivery.responseStatus }));
  } else if (delivery.error) {
    lines.push(t('webhooks.outcome.noAnswer', { error: delivery.error }));
  }
  if (delivery.status === 'pending' && delivery.nextAttemptAt)
    lines.push(t('webhooks.outcome.pending', { date: formatDateTime(delivery.nextAttemptAt, language) }));
  return (
    <Notice tone={delivery.status === 'delivered' ? 'success' : 'error'}>
      {lines.map((line) => (
        <p key={line} data-testid="delivery-outcome">
          {line}
        </p>
      ))}
    </Notice>
  );
}
