import { useEffect, useMemo, useState } from 'react';
import type { MemberTier } from '@regulars/contracts';
import { formatDate, formatMoney, formatPoints } from '../../shared/format.js';
import { cardClient } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { tierTexts } from './tier-messages.js';

/**
 * The member's tier with a progress bar: what it takes to reach the next tier ("€85 more to Gold") and
 * to keep this one ("spend €40 before 31 Dec to keep Gold"). Shows nothing while there is no ladder or
 * no connection. `refreshKey` changes when the card reloads (after a purchase the tier may have moved).
 */
export function TierBadge({
  memberId,
  currency,
  refreshKey,
}: {
  memberId: string;
  currency: string;
  refreshKey: string | null;
}) {
  const { language } = useI18n();
  const t = useMemo(() => tierTexts(language), [language]);
  const [tier, setTier] = useState<MemberTier | null>(null);
  useEffect(() => {
    let isCurrent = true;
    cardClient
      .GET('/api/v1/members/{id}/tier', { params: { path: { id: memberId } } })
      .then((answer) => {
        if (isCurrent) setTier(answer);
      })
      // No ladder yet (null) or offline: the badge stays hidden.
      .catch(() => undefined);
    return () => {
      isCurrent = false;
    };
  }, [memberId, refreshKey]);
  if (!tier) return null;
  const amount = (value: number) =>
    tier.basis === 'spend' ? formatMoney(value, currency, language) : formatPoints(value, language);
  const next = tier.next;
  const progress = next
    ? Math.min(100, Math.floor((tier.qualifyingValue * 100) / Math.max(1, next.threshold)))
    : 100;
  return (
    <section className="panel tier-badge" aria-labelledby="tier-title" data-testid="tier-badge">
      <h2 id="tier-title">{t('tier.title')}</h2>
      <p className="tier-name" data-testid="tier-name">
        {t('tier.member', { tier: tier.tier.name })}
      </p>
      {next ? (
        <>
          <p data-testid="tier-next">
            {tier.basis === 'spend'
              ? t('tier.toNextSpend', { amount: amount(next.remaining), tier: next.name })
              : t('tier.toNextPoints', { points: amount(next.remaining), tier: next.name })}
          </p>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('tier.progressLabel', { tier: next.name })}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress}
          >
            <span className="progress-bar" style={{ width: `${progress}%` }} />
          </div>
        </>
      ) : (
        <p>{t('tier.top')}</p>
      )}
      {tier.keep ? (
        <p data-testid="tier-keep">
          {tier.basis === 'spend'
            ? t('tier.keepSpend', {
                amount: amount(tier.keep.remaining),
                date: formatDate(tier.keep.by, language),
                tier: tier.tier.name,
              })
            : t('tier.keepPoints', {
                points: amount(tier.keep.remaining),
                date: formatDate(tier.keep.by, language),
                tier: tier.tier.name,
              })}
        </p>
      ) : tier.qualifiedUntil ? (
        <p className="field-hint">
          {t('tier.keptUntil', { tier: tier.tier.name, date: formatDate(tier.qualifiedUntil, language) })}
        </p>
      ) : null}
      {tier.override ? <p className="field-hint">{t('tier.setByShop')}</p> : null}
    </section>
  );
}
