import { useState } from 'react';
import type { Referral } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { referralsApi } from './referrals-api.js';
import { signalText } from './referral-words.js';

/** The managers' queue: referrals whose fraud score reached the threshold, each signal explained. */
export function ReferralReviewQueue() {
  const { t } = useI18n();
  const queue = useLoad(async () => (await referralsApi.list({ review: 'pending' })).items);
  const [decided, setDecided] = useState<string | null>(null);

  return (
    <section className="panel" aria-labelledby="referral-review-title">
      <h2 id="referral-review-title">{t('referrals.review.title')}</h2>
      <p className="field-hint">{t('referrals.review.hint')}</p>
      {decided ? <Notice tone="success">{decided}</Notice> : null}
      {queue.error ? (
        <ErrorNotice error={queue.error} onRetry={queue.reload} />
      ) : !queue.data ? (
        <Loading label={t('common.loading')} />
      ) : queue.data.length === 0 ? (
        <EmptyState>{t('referrals.review.empty')}</EmptyState>
      ) : (
        <ul className="stack" role="list">
          {queue.data.map((referral) => (
            <ReviewItem
              key={referral.id}
              referral={referral}
              onDecided={(message) => {
                setDecided(message);
                queue.reload();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReviewItem({ referral, onDecided }: { referral: Referral; onDecided(message: string): void }) {
  const { t, language } = useI18n();
  const [note, setNote] = useState('');
  const [noteProblem, setNoteProblem] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const noteId = `review-note-${referral.id}`;
  const names = { referrer: referral.referrer.name, friend: referral.referee.name };

  const decide = async (decision: 'approve' | 'reject') => {
    if (isBusy) return;
    if (!note.trim()) {
      setNoteProblem(t('referrals.review.noteMissing'));
      return;
    }
    setNoteProblem(null);
    setBusy(true);
    setError(null);
    try {
      await referralsApi.review(referral.id, { decision, note: note.trim() });
      onDecided(t(decision === 'approve' ? 'referrals.review.approved' : 'referrals.review.rejected', names));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="panel" aria-label={t('referrals.review.item', names)}>
      <h3>{t('referrals.review.item', names)}</h3>
      <p>
        {t('referrals.review.facts', {
          code: referral.code,
          joined: formatDateTime(referral.attributedAt, language),
          score: String(referral.score),
        })}
      </p>
      <h4>{t('referrals.review.signals')}</h4>
      <ul>
        {referral.signals.map((signal) => (
          <li key={signal.type}>
            {t(signalText(signal.type))} {t('referrals.review.weight', { weight: String(signal.weight) })}
          </li>
        ))}
      </ul>
      <div className="field">
        <label htmlFor={noteId}>{t('referrals.review.note')}</label>
        <textarea
          id={noteId}
          value={note}
          maxLength={500}
          rows={2}
          aria-invalid={noteProblem ? true : undefined}
          aria-describedby={noteProblem ? `${noteId}-error` : undefined}
          onChange={(event) => setNote(event.target.value)}
          disabled={isBusy}
        />
        {noteProblem ? (
          <p className="field-error" id={`${noteId}-error`}>
            {noteProblem}
          </p>
        ) : null}
      </div>
      {error ? <ErrorNotice error={error} /> : null}
      <div className="row">
        <button type="button" onClick={() => void decide('approve')} disabled={isBusy}>
          {t('referrals.review.approve')}
        </button>
        <button type="button" className="danger" onClick={() => void decide('reject')} disabled={isBusy}>
          {t('referrals.review.reject')}
        </button>
      </div>
    </li>
  );
}
