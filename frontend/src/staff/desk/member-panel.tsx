import { useEffect, useState } from 'react';
import type { MemberDetail, MemberTier } from '@regulars/contracts';
import { staffApi } from '../staff-api.js';
import { formatDate, formatPoints } from '../../shared/format.js';
import { useI18n } from '../staff-i18n.js';
import type { Identified } from './identify-panel.js';
import { shownMemberName } from '../members/member-identity.js';

/** The member at the till: name, card, what they can spend now and what is pending or expiring. */
export function MemberPanel({ identified, detail }: { identified: Identified; detail: MemberDetail | null }) {
  const { t, language } = useI18n();
  const member = identified.member;
  const balance = detail?.balance ?? { ...member.balance, expiringSoon: [] };
  const tier = useMemberTier(member.id, detail);
  return (
    <section className="panel member-panel" aria-labelledby="member-title" data-testid="member-panel">
      <h2 id="member-title">{shownMemberName(member, t)}</h2>
      <p className="field-hint">
        {t('desk.member.card', { number: member.cardNumber })}
        {member.deletedAt ? '' : ` · ${member.phone}`}
        {identified.method === 'card_code' ? ` · ${t('desk.member.verified')}` : ''}
      </p>
      {tier ? (
        <p className="member-tier" data-testid="desk-tier">
          {t('desk.member.tier', { tier: tier.tier.name })}
          {tier.override ? ` · ${t('desk.member.tierSetByShop', { reason: tier.override.reason })}` : ''}
        </p>
      ) : null}
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

/** The member's tier (null: no ladder yet, or not loaded); read again when the member's detail reloads. */
function useMemberTier(memberId: string, detail: MemberDetail | null): MemberTier | null {
  const [tier, setTier] = useState<MemberTier | null>(null);
  const reload = detail?.tier ?? null;
  useEffect(() => {
    let isCurrent = true;
    staffApi
      .memberTier(memberId)
      .then((answer) => {
        if (isCurrent) setTier(answer);
      })
      // Not loaded (offline, or refused): the desk shows no tier. No ladder answers null.
      .catch(() => {
        if (isCurrent) setTier(null);
      });
    return () => {
      isCurrent = false;
    };
  }, [memberId, reload]);
  return tier;
}
