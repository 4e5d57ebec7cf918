import type { MemberWallet } from '@regulars/contracts';
import { formatPoints } from '../../shared/format.js';
import { useI18n } from '../card-i18n.js';

/** How far the member is from the next reward, and the points held by a sale at the till right now. */
export function WalletProgress({ wallet }: { wallet: MemberWallet | null }) {
  const { t, language } = useI18n();
  if (!wallet) return null;
  const next = wallet.rewards.next;
  const held = wallet.points.held;
  if (!next && held === 0) return null;
  return (
    <section className="panel wallet-progress" aria-labelledby="next-reward-title">
      {next ? (
        <>
          <h2 id="next-reward-title">{t('wallet.nextTitle')}</h2>
          <p data-testid="next-reward">
            {t('wallet.next', {
              points: formatPoints(next.missingPoints, language),
              reward: next.name,
            })}
          </p>
          <div
            className="progress"
            role="progressbar"
            aria-label={t('wallet.progressLabel', { reward: next.name })}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={next.progressPercent}
          >
            <span className="progress-bar" style={{ width: `${next.progressPercent}%` }} />
          </div>
        </>
      ) : (
        <h2 id="next-reward-title" className="visually-hidden">
          {t('wallet.nextTitle')}
        </h2>
      )}
      {held > 0 ? (
        <p className="field-hint" data-testid="points-held">
          {t('wallet.held', { points: formatPoints(held, language) })}
        </p>
      ) : null}
    </section>
  );
}
