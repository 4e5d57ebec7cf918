import { useCallback, useEffect, useState } from 'react';
import type { LedgerEntry, Redemption } from '@regulars/contracts';
import { formatDateTime, formatPoints } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { describeApply } from './till-instruction.js';
import './desk.css';

type History = {
  entries: LedgerEntry[];
  cursor: string | null;
  redemptions: Map<string, Redemption>;
  /** Reward names by id, for "Redeemed: Free coffee". */
  rewardNames: Map<string, string>;
};

/**
 * The member's recent ledger at the till, newest first, in the desk's words (never the server's
 * internal references). A redemption still in force can be cancelled from here. `refreshKey` changes
 * after every sale, redemption, cancel or refund so the list follows.
 */
export function MemberHistory({
  memberId,
  refreshKey,
  onCancelRedemption,
}: {
  memberId: string;
  refreshKey: number;
  onCancelRedemption(redemption: { id: string; label: string }): void;
}) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const [history, setHistory] = useState<History | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [ledger, redemptions, rewards] = await Promise.all([
        staffApi.ledger(memberId),
        staffApi.memberRedemptions(memberId),
        staffApi.rewards(),
      ]);
      setHistory({
        entries: ledger.items,
        cursor: ledger.nextCursor,
        redemptions: new Map(redemptions.items.map((r) => [r.id, r])),
        rewardNames: new Map(rewards.items.map((r) => [r.id, r.name])),
      });
    } catch (caught) {
      setError(caught);
    }
  }, [memberId]);

  useEffect(() => {
    void load();
  }, [load, refreshKey]);

  const more = async () => {
    if (!history?.cursor) return;
    setLoadingMore(true);
    try {
      const page = await staffApi.ledger(memberId, history.cursor);
      setHistory({ ...history, entries: [...history.entries, ...page.items], cursor: page.nextCursor });
    } catch (caught) {
      setError(caught);
    } finally {
      setLoadingMore(false);
    }
  };

  const describe = (entry: LedgerEntry): { text: string; redemption: Redemption | null; label: string } => {
    const type = t(`ledger.type.${entry.type}` as StaffMessageKey);
    const redemption =
      entry.type === 'redeem' && entry.source.type === 'redemption'
        ? (history?.redemptions.get(entry.source.id) ?? null)
        : null;
    if (!redemption) return { text: type, redemption: null, label: type };
    const label =
      (redemption.rewardId ? history?.rewardNames.get(redemption.rewardId) : undefined) ??
      describeApply(redemption.apply, t, language, program.currency);
    const notes = [
      redemption.status === 'cancelled' ? t('desk.history.cancelled') : null,
      redemption.status === 'held' ? t('desk.history.held') : null,
      redemption.purchaseId ? t('desk.history.paidSale') : null,
    ].filter(Boolean);
    return { text: `${type}: ${label}${notes.length ? ` (${notes.join(', ')})` : ''}`, redemption, label };
  };

  return (
    <section className="panel member-history" aria-labelledby="history-title" data-testid="member-history">
      <h2 id="history-title">{t('desk.history.title')}</h2>
      {error ? <ErrorNotice error={error} onRetry={() => void load()} /> : null}
      {!history && !error ? <Loading label={t('common.loading')} /> : null}
      {history && !history.entries.length ? <EmptyState>{t('desk.history.empty')}</EmptyState> : null}
      {history?.entries.length ? (
        <table className="history-table">
          <thead>
            <tr>
              <th scope="col">{t('desk.history.when')}</th>
              <th scope="col">{t('desk.history.what')}</th>
              <th scope="col" className="num">
                {t('desk.history.points')}
              </th>
              <th scope="col">
                <span className="visually-hidden">{t('desk.history.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {history.entries.map((entry) => {
              const { text, redemption, label } = describe(entry);
              const canCancel = redemption?.status === 'completed';
              return (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.at, language)}</td>
                  <td>{text}</td>
                  <td className={`num ${entry.points >= 0 ? 'points-plus' : 'points-minus'}`}>
                    {entry.points > 0 ? '+' : ''}
                    {formatPoints(entry.points, language)}
                  </td>
                  <td>
                    {canCancel && redemption ? (
                      <button
                        type="button"
                        className="link"
                        onClick={() => onCancelRedemption({ id: redemption.id, label })}
                      >
                        {t('desk.cancelRedemption.open')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
      {history?.cursor ? (
        <button type="button" className="secondary" onClick={() => void more()} disabled={isLoadingMore}>
          {isLoadingMore ? t('common.loading') : t('common.more')}
        </button>
      ) : null}
    </section>
  );
}
