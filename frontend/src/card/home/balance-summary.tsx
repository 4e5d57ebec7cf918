import type { LedgerEntry, MemberDetail } from '@regulars/contracts';
import { formatDate, formatDateTime, formatPoints } from '../../shared/format.js';
import { useI18n } from '../card-i18n.js';

const DAY_MS = 86_400_000;

/**
 * When the pending points become available: each recent earn entry still inside the program's pending
 * window, dated `earned + pendingDays`. (The balance itself only carries the pending total.)
 */
export function pendingByDate(entries: LedgerEntry[], pendingDays: number, now: number): { points: number; availableAt: string }[] {
  if (pendingDays <= 0) return [];
  return entries
    .filter((entry) => entry.type === 'earn' && entry.points > 0)
    .map((entry) => ({ points: entry.points, availableAt: new Date(Date.parse(entry.at) + pendingDays * DAY_MS).toISOString() }))
    .filter((lot) => Date.parse(lot.availableAt) > now)
    .sort((a, b) => a.availableAt.localeCompare(b.availableAt));
}

/** Available points in big type, then pending points with their dates and points expiring soon. */
export function BalanceSummary({
  member,
  recentEntries,
  pendingDays,
  savedAt,
}: {
  member: MemberDetail | null;
  recentEntries: LedgerEntry[];
  pendingDays: number;
  savedAt: string | null;
}) {
  const { t, language } = useI18n();
  if (!member) return null;
  const { available, pending, expiringSoon } = member.balance;
  const pendingLots = pendingByDate(recentEntries, pendingDays, Date.now());
  const points = (count: number) => t.plural('balance.points', count);
  return (
    <section className="panel balance" aria-labelledby="balance-title">
      <h2 id="balance-title">{t('balance.title')}</h2>
      <p className="balance-available">
        <span className="balance-label">{t('balance.available')}</span>
        <strong className="balance-value" data-testid="balance-available">
          {formatPoints(available, language)}
        </strong>
      </p>
      {pending > 0 ? (
        <div className="balance-pending">
          <p>
            <span className="balance-label">{t('balance.pending')}</span>{' '}
            <strong data-testid="balance-pending">{points(pending)}</strong>
          </p>
          {pendingLots.length ? (
            <ul className="plain-list">
              {pendingLots.map((lot, index) => (
                <li key={index}>
                  {t('balance.pendingOn', { points: points(lot.points), date: formatDate(lot.availableAt, language) })}
                </li>
              ))}
            </ul>
          ) : (
            <p className="field-hint">{t('balance.pendingHint')}</p>
          )}
        </div>
      ) : null}
      {expiringSoon.length ? (
        <div className="balance-expiring">
          <p className="balance-label">{t('balance.expiring')}</p>
          <ul className="plain-list">
            {expiringSoon.map((lot, index) => (
              <li key={index}>
                {t('balance.expiringOn', { points: points(lot.points), date: formatDate(lot.expiresAt, language) })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {savedAt ? <p className="field-hint">{t('balance.asOf', { time: formatDateTime(savedAt, language) })}</p> : null}
    </section>
  );
}
