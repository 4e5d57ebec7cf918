import type { WalletStampCard } from '@regulars/contracts';
import { formatDate } from '../../shared/format.js';
import { useI18n } from '../card-i18n.js';

/** Each stamp card as a grid of its stamps, how many to the next reward, and the rewards it unlocked. */
export function StampCards({ cards }: { cards: readonly WalletStampCard[] | undefined }) {
  const { t, language } = useI18n();
  if (!cards || cards.length === 0) return null;
  return (
    <section className="panel stamp-cards" aria-labelledby="stamp-cards-title">
      <h2 id="stamp-cards-title">{t('stamps.title')}</h2>
      {cards.map((card) => (
        <article key={card.definitionId} className="stamp-card" data-testid="stamp-card">
          <h3>{card.name}</h3>
          <ol
            className="stamp-grid"
            aria-label={t('stamps.progress', { stamps: card.stamps, threshold: card.threshold })}
          >
            {Array.from({ length: card.threshold }, (_, index) => (
              <li
                key={index}
                className={index < card.stamps ? 'stamp is-stamped' : 'stamp'}
                aria-hidden="true"
              />
            ))}
          </ol>
          <p data-testid="stamps-to-go">{t.plural('stamps.toGo', card.threshold - card.stamps)}</p>
          {card.rewards.length ? (
            <ul className="plain-list stamp-rewards">
              {card.rewards.map((reward) => (
                <li key={reward.id} data-testid="stamp-reward">
                  {t('stamps.reward', {
                    reward: reward.rewardName,
                    date: formatDate(reward.expiresAt, language),
                  })}
                </li>
              ))}
            </ul>
          ) : null}
        </article>
      ))}
    </section>
  );
}
