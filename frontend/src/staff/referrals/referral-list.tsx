import { useState } from 'react';
import type { Referral, ReferralStatus } from '@regulars/contracts';
import { formatDate } from '../../shared/format.js';
import { SelectField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { referralsApi } from './referrals-api.js';
import { REFERRAL_STATUSES, reasonText, statusLabel } from './referral-words.js';

type Loaded = { items: Referral[]; nextCursor: string | null };

/** Every referral, newest first, by status; "Show more" reads the next page. */
export function ReferralList() {
  const { t, language } = useI18n();
  const [status, setStatus] = useState<ReferralStatus | ''>('');
  const [more, setMore] = useState<Loaded | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [isMoreBusy, setMoreBusy] = useState(false);
  const first = useLoad(async () => {
    setMore(null);
    return referralsApi.list(status ? { status } : {});
  }, status);

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const nextCursor = more ? more.nextCursor : (first.data?.nextCursor ?? null);

  const showMore = async () => {
    if (!nextCursor || isMoreBusy) return;
    setMoreBusy(true);
    setMoreError(null);
    try {
      const page = await referralsApi.list({ ...(status ? { status } : {}), cursor: nextCursor });
      setMore({ items: [...(more?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (caught) {
      setMoreError(caught);
    } finally {
      setMoreBusy(false);
    }
  };

  const date = (iso: string | null) => (iso ? formatDate(iso, language) : '—');
  return (
    <section className="panel" aria-labelledby="referral-list-title">
      <h2 id="referral-list-title">{t('referrals.list.title')}</h2>
      <SelectField
        label={t('referrals.list.status')}
        value={status}
        onChange={(event) => setStatus(event.target.value as ReferralStatus | '')}
      >
        <option value="">{t('referrals.list.all')}</option>
        {REFERRAL_STATUSES.map((value) => (
          <option key={value} value={value}>
            {t(statusLabel(value))}
          </option>
        ))}
      </SelectField>
      {first.error ? (
        <ErrorNotice error={first.error} onRetry={first.reload} />
      ) : !first.data ? (
        <Loading label={t('common.loading')} />
      ) : items.length === 0 ? (
        <EmptyState>{t('referrals.list.empty')}</EmptyState>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('referrals.list.referrer')}</th>
              <th scope="col">{t('referrals.list.friend')}</th>
              <th scope="col">{t('referrals.list.statusColumn')}</th>
              <th scope="col">{t('referrals.list.joined')}</th>
              <th scope="col">{t('referrals.list.clears')}</th>
              <th scope="col">{t('referrals.list.score')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((referral) => (
              <tr key={referral.id}>
                <td>{referral.referrer.name}</td>
                <td>{referral.referee.name}</td>
                <td>
                  {t(statusLabel(referral.status))}
                  {referral.rejectReason ? ` · ${reasonText(referral.rejectReason, t) ?? ''}` : ''}
                  {referral.review.status === 'pending' ? ` · ${t('referrals.list.inReview')}` : ''}
                </td>
                <td>{date(referral.attributedAt)}</td>
                <td>{date(referral.clearsAt)}</td>
                <td>{referral.score}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {moreError ? <ErrorNotice error={moreError} /> : null}
      {nextCursor ? (
        <button type="button" className="secondary" onClick={() => void showMore()} disabled={isMoreBusy}>
          {t('common.more')}
        </button>
      ) : null}
    </section>
  );
}
