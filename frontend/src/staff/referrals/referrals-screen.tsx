import { useState } from 'react';
import type { StaffRole } from '@regulars/contracts';
import { useI18n } from '../staff-i18n.js';
import { hasRole, useSession } from '../session.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ReferralTermsEditor } from './referral-terms-editor.js';
import { ReferralReviewQueue } from './referral-review-queue.js';
import { ReferralList } from './referral-list.js';
import { ReferralFunnelPanel } from './referral-funnel.js';

const TERMS_EDITORS: readonly StaffRole[] = ['admin', 'marketer'];
const REVIEWERS: readonly StaffRole[] = ['admin', 'manager'];

type Tab = 'terms' | 'review' | 'list' | 'funnel';

/** Refer-a-friend for staff: the terms, the review queue, every referral and the funnel. */
export function ReferralsScreen() {
  const { t } = useI18n();
  const session = useSession();
  const tabs: { tab: Tab; label: StaffMessageKey }[] = [
    ...(hasRole(session, TERMS_EDITORS)
      ? [{ tab: 'terms' as const, label: 'referrals.tab.terms' as const }]
      : []),
    ...(hasRole(session, REVIEWERS)
      ? [{ tab: 'review' as const, label: 'referrals.tab.review' as const }]
      : []),
    { tab: 'list', label: 'referrals.tab.list' },
    { tab: 'funnel', label: 'referrals.tab.funnel' },
  ];
  const [tab, setTab] = useState<Tab>(tabs[0]?.tab ?? 'list');

  return (
    <main className="page" id="main" aria-labelledby="referrals-title">
      <div className="page-heading">
        <h1 id="referrals-title">{t('referrals.title')}</h1>
      </div>
      <p>{t('referrals.intro')}</p>
      <nav aria-label={t('referrals.tabs')}>
        <ul className="row" role="list">
          {tabs.map((item) => (
            <li key={item.tab}>
              <button
                type="button"
                className={item.tab === tab ? undefined : 'secondary'}
                aria-pressed={item.tab === tab}
                onClick={() => setTab(item.tab)}
              >
                {t(item.label)}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      {tab === 'terms' ? <ReferralTermsEditor /> : null}
      {tab === 'review' ? <ReferralReviewQueue /> : null}
      {tab === 'list' ? <ReferralList /> : null}
      {tab === 'funnel' ? <ReferralFunnelPanel /> : null}
    </main>
  );
}
