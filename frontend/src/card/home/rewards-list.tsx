import type { Reward } from '@regulars/contracts';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { LoadError } from './load-error.js';

/** The catalogue: what the member can get now, then the rest with the points still missing. */
export function RewardsList({ available }: { available: number }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => cardApi.rewards());
  const rewards = data?.items ?? null;

  if (error) return <LoadError error={error} onRetry={reload} />;
  if (!rewards) return <Loading label={t('app.loading')} />;
  if (!rewards.length) return <EmptyState>{t('rewards.empty')}</EmptyState>;
  const sorted = [...rewards].sort((a, b) => a.pointsCost - b.pointsCost);
  const affordable = sorted.filter((reward) => reward.pointsCost <= available);
  const later = sorted.filter((reward) => reward.pointsCost > available);
  const renderReward = (reward: Reward) => {
    const missing = reward.pointsCost - available;
    return (
      <li key={reward.id} className={`reward ${missing <= 0 ? 'reward-affordable' : ''}`}>
        {reward.imageUrl ? (
          <img className="reward-image" src={reward.imageUrl} alt="" width={56} height={56} loading="lazy" />
        ) : null}
        <div className="reward-text">
          <h4 className="reward-name">{reward.name}</h4>
          {reward.description ? <p className="reward-description">{reward.description}</p> : null}
          <p className={missing <= 0 ? 'reward-status-ok' : 'reward-status-missing'}>
            {missing <= 0 ? t('rewards.affordable') : t.plural('rewards.missing', missing)}
          </p>
        </div>
        <span className="reward-cost">{t.plural('balance.points', reward.pointsCost)}</span>
      </li>
    );
  };
  return (
    <div className="rewards">
      {affordable.length ? (
        <>
          <h3>{t('rewards.affordableGroup')}</h3>
          <ul className="plain-list reward-list">{affordable.map(renderReward)}</ul>
        </>
      ) : null}
      {later.length ? (
        <>
          <h3>{t('rewards.laterGroup')}</h3>
          <ul className="plain-list reward-list">{later.map(renderReward)}</ul>
        </>
      ) : null}
    </div>
  );
}
