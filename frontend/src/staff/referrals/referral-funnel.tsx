import { formatMoney, formatPoints } from '../../shared/format.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { referralsApi } from './referrals-api.js';

/** The overall funnel: link opens to rewarded friends, what the rewards cost, and the K-factor. */
export function ReferralFunnelPanel() {
  const { t, language } = useI18n();
  const funnel = useLoad(() => referralsApi.funnel());
  if (funnel.error) return <ErrorNotice error={funnel.error} onRetry={funnel.reload} />;
  if (!funnel.data) return <Loading label={t('common.loading')} />;
  const data = funnel.data;
  const stats: [StaffMessageKey, string][] = [
    ['referrals.funnel.referrers', formatPoints(data.referrers, language)],
    ['referrals.funnel.linkOpens', formatPoints(data.linkOpens, language)],
    ['referrals.funnel.joins', formatPoints(data.joins, language)],
    ['referrals.funnel.qualified', formatPoints(data.qualified, language)],
    ['referrals.funnel.cleared', formatPoints(data.cleared, language)],
    ['referrals.funnel.rewarded', formatPoints(data.rewarded, language)],
    ['referrals.funnel.rejected', formatPoints(data.rejected, language)],
    ['referrals.funnel.reversed', formatPoints(data.reversed, language)],
    ['referrals.funnel.cost', formatMoney(data.rewardsCostMinor, data.currency, language)],
    [
      'referrals.funnel.kFactor',
      new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
        data.kFactor,
      ),
    ],
  ];
  return (
    <section className="panel" aria-labelledby="referral-funnel-title">
      <h2 id="referral-funnel-title">{t('referrals.funnel.title')}</h2>
      <dl className="stat-grid">
        {stats.map(([label, value]) => (
          <div className="panel stat" key={label}>
            <dt className="stat-label">{t(label)}</dt>
            <dd className="stat-value">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="field-hint">{t('referrals.funnel.kFactorHint')}</p>
    </section>
  );
}
