import type { MemberDetail } from '@regulars/contracts';
import { formatDate, formatDateTime, formatPoints } from '../../shared/format.js';
import { useI18n } from '../card-i18n.js';

/** Available points in big type, then pending points with their dates and points expiring soon. */
export function BalanceSummary({ member, savedAt }: { member: MemberDetail | null; savedAt: string | null }) {
  const { t, language } = useI18n();
  if (!member) return null;
  const { available, pending, expiringSoon } = member.balance;
  // A card saved for offline use by an older version has no pendingLots: show the total only.
  const pendingLots = member.balance.pendingLots ?? [];
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
                  {t('balance.pendingOn', {
                    points: points(lot.points),
                    date: formatDate(lot.availableAt, language),
                  })}
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
                {t('balance.expiringOn', {
                  points: points(lot.points),
                  date: formatDate(lot.expiresAt, language),
                })}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {savedAt ? (
        <p className="field-hint">{t('balance.asOf', { time: formatDateTime(savedAt, language) })}</p>
      ) : null}
    </section>
  );
}
