import type { MemberDetail } from '@regulars/contracts';
import { formatDate, formatPoints } from '../../shared/format.js';
import { useI18n } from '../staff-i18n.js';
import type { Identified } from './identify-panel.js';

/** The member at the till: name, card, what they can spend now and what is pending or expiring. */
export function MemberPanel({ identified, detail }: { identified: Identified; detail: MemberDetail | null }) {
  const { t, language } = useI18n();
  const member = identified.member;
  const balance = detail?.balance ?? { ...member.balance, expiringSoon: [] };
  return (
    <section className="panel member-panel" aria-labelledby="member-title" data-testid="member-panel">
      <h2 id="member-title">{member.name}</h2>
      <p className="field-hint">
        {t('desk.member.card', { number: member.cardNumber })} · {member.phone}
        {identified.method === 'card_code' ? ` · ${t('desk.member.verified')}` : ''}
      </p>
      {member.isBlocked ? <p className="field-error">{t('desk.member.blocked')}</p> : null}
      <dl className="balance-grid">
        <div>
          <dt>{t('desk.member.available')}</dt>
          <dd className="balance-big" data-testid="desk-available">
            {formatPoints(balance.available, language)}
          </dd>
        </div>
        <div>
          <dt>{t('desk.member.pending')}</dt>
          <dd>{formatPoints(balance.pending, language)}</dd>
        </div>
      </dl>
      {balance.expiringSoon.length ? (
        <p className="field-hint">
          {balance.expiringSoon
            .map((lot) =>
              t('desk.member.expiring', { points: lot.points, date: formatDate(lot.expiresAt, language) }),
            )
            .join(' · ')}
        </p>
      ) : null}
    </section>
  );
}
