import { useState, type FormEvent } from 'react';
import type { CreateRedemptionBody, Redemption, Reward } from '@regulars/contracts';
import { formatMoney, formatPoints } from '../../shared/format.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { useDeskStore } from './device-store.js';
import { describeReward } from './till-instruction.js';

type Pending = { body: CreateRedemptionBody; label: string; cost: number };

/** Redeem a reward from the catalogue, or pay part of the bill with points. */
export function RedeemPanel({
  memberId,
  available,
  cardCode,
  onRedeemed,
}: {
  memberId: string;
  available: number;
  cardCode: string | null;
  onRedeemed(redemption: Redemption, label: string): void;
}) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const { store } = useDeskStore();
  // Where the redemption is made: the device's store, as for the sale it pays for.
  const at = store ? { storeId: store.id } : {};
  const loaded = useLoad(() => staffApi.rewards());
  const rewards: Reward[] | null = loaded.data?.items ?? null;
  const loadError = loaded.error;
  const [pointsText, setPointsText] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const { state, submit, reset, isLocked } = useSubmission<Redemption>();

  const confirm = async () => {
    if (!pending) return;
    const result = await submit((idempotencyKey) => staffApi.redeem(pending.body, { idempotencyKey }));
    if (result) {
      onRedeemed(result, pending.label);
      setPending(null);
      setPointsText('');
      reset();
    }
  };

  const payWithPoints = (event: FormEvent) => {
    event.preventDefault();
    const points = Number(pointsText);
    if (!Number.isInteger(points) || points <= 0) {
      setInvalid(t('desk.redeem.badPoints'));
      return;
    }
    setInvalid(null);
    reset();
    setPending({
      body: { memberId, points, ...at, ...(cardCode ? { cardCode } : {}) },
      label: t('desk.redeem.pointsLabel', {
        points,
        value: formatMoney(points * program.pointValueMinor, program.currency, language),
      }),
      cost: points,
    });
  };

  return (
    <section className="panel redeem" aria-labelledby="redeem-title">
      <h2 id="redeem-title">{t('desk.redeem.title')}</h2>
      {loadError ? <ErrorNotice error={loadError} /> : null}
      {!rewards && !loadError ? <Loading label={t('common.loading')} /> : null}
      {rewards && !rewards.length ? <EmptyState>{t('desk.redeem.none')}</EmptyState> : null}
      {rewards?.length ? (
        <ul className="reward-grid">
          {[...rewards]
            .sort((a, b) => a.pointsCost - b.pointsCost)
            .map((reward) => {
              const missing = reward.pointsCost - available;
              return (
                <li key={reward.id}>
                  <button
                    type="button"
                    className={`reward-button ${missing > 0 ? 'is-short' : ''}`}
                    onClick={() => {
                      reset();
                      setPending({
                        body: { memberId, rewardId: reward.id, ...at, ...(cardCode ? { cardCode } : {}) },
                        label: reward.name,
                        cost: reward.pointsCost,
                      });
                    }}
                    aria-describedby={`reward-${reward.id}-status`}
                  >
                    <span className="reward-button-name">{reward.name}</span>
                    <span className="reward-button-cost">
                      {t('desk.redeem.cost', { points: formatPoints(reward.pointsCost, language) })}
                    </span>
                    <span className="reward-button-status" id={`reward-${reward.id}-status`}>
                      {missing > 0
                        ? t('desk.redeem.missing', { points: formatPoints(missing, language) })
                        : describeReward(reward, t, language, program.currency)}
                    </span>
                  </button>
                </li>
              );
            })}
        </ul>
      ) : null}
      <form className="row pay-with-points" onSubmit={payWithPoints} noValidate>
        <div className="field">
          <label htmlFor="pay-points">
            {t('desk.redeem.payWithPoints', {
              value: formatMoney(program.pointValueMinor, program.currency, language),
            })}
          </label>
          <input
            id="pay-points"
            inputMode="numeric"
            value={pointsText}
            onChange={(e) => setPointsText(e.target.value)}
            aria-invalid={invalid ? true : undefined}
          />
          {invalid ? <p className="field-error">{invalid}</p> : null}
        </div>
        <button type="submit" className="secondary">
          {t('desk.redeem.pay')}
        </button>
      </form>
      {state.status === 'failed' && !pending ? <ErrorNotice error={state.error} /> : null}
      {pending ? (
        <ConfirmDialog
          title={t('desk.redeem.confirmTitle')}
          confirmLabel={state.status === 'connectionLost' ? t('desk.retrySafely') : t('desk.redeem.confirm')}
          isBusy={state.status === 'submitting'}
          onConfirm={() => void confirm()}
          onCancel={() => {
            if (state.status === 'submitting') return;
            setPending(null);
            reset();
          }}
        >
          <p>
            {t('desk.redeem.confirmBody', {
              reward: pending.label,
              points: formatPoints(pending.cost, language),
              available: formatPoints(available, language),
            })}
          </p>
          {state.status === 'connectionLost' ? (
            <Notice tone="warning">{t('desk.redeem.connectionLost')}</Notice>
          ) : null}
          {state.status === 'failed' ? (
            <ErrorNotice error={state.error} context={{ available, required: pending.cost }} />
          ) : null}
          {isLocked && state.status === 'submitting' ? <Loading label={t('desk.redeem.redeeming')} /> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
