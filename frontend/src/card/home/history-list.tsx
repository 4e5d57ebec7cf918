import { useEffect, useState } from 'react';
import type { LedgerEntry, Page } from '@regulars/contracts';
import { formatDate, formatDateTime, formatPoints } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import type { CardMessageKey } from '../card-messages.js';
import { LoadError } from './load-error.js';

/**
 * What a member reads under the kind of entry: the rules that gave the points, or the note staff wrote
 * with an adjustment. The server's `reason` is for the books (it names receipts and ids), not for the card.
 */
function describeEntry(entry: LedgerEntry): string | null {
  if (entry.type === 'adjust') return entry.reason;
  if (entry.type === 'earn' && entry.rules.length) return entry.rules.map((rule) => rule.ruleName).join(', ');
  return null;
}

const NONE: Page<LedgerEntry> = { items: [], nextCursor: null };

/**
 * The member's ledger, newest first, one page at a time. Offline, the first page the phone saved, marked
 * "as of" when it was seen; "No activity yet" only from a page that has been read and is empty.
 */
export function HistoryList({
  memberId,
  saved,
  savedAt,
  isOffline,
}: {
  memberId: string;
  /** The first page: the phone's copy until the server answers; null if never fetched. */
  saved: Page<LedgerEntry> | null;
  savedAt: string | null;
  isOffline: boolean;
}) {
  const { t, language } = useI18n();
  const firstPage = saved ?? NONE;
  const [more, setMore] = useState<LedgerEntry[]>([]);
  const [cursor, setCursor] = useState<string | null>(firstPage.nextCursor);
  const [isLoading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The first page refreshes with the card; pages loaded after it may then repeat an entry.
  const seen = new Set(firstPage.items.map((entry) => entry.id));
  const entries = [...firstPage.items, ...more.filter((entry) => !seen.has(entry.id))];
  useEffect(() => {
    if (!more.length) setCursor(firstPage.nextCursor);
  }, [firstPage, more.length]);

  const loadMore = async () => {
    setLoading(true);
    setError(null);
    try {
      if (!cursor) return;
      const page = await cardApi.ledger(memberId, cursor);
      setMore((previous) => [...previous, ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  if (!saved)
    return isOffline ? (
      <EmptyState>{t('history.offlineNoData')}</EmptyState>
    ) : (
      <Loading label={t('app.loading')} />
    );
  if (!entries.length) return <EmptyState>{t('history.empty')}</EmptyState>;
  return (
    <div>
      {isOffline && savedAt ? (
        <p className="field-hint" data-testid="history-as-of">
          {t('balance.asOf', { time: formatDateTime(savedAt, language) })}
        </p>
      ) : null}
      <ul className="plain-list history">
        {entries.map((entry) => (
          <li key={entry.id} className="history-entry">
            <div>
              <p className="history-type">{t(`history.type.${entry.type}` as CardMessageKey)}</p>
              {describeEntry(entry) ? <p className="history-reason">{describeEntry(entry)}</p> : null}
              <p className="field-hint">{formatDate(entry.at, language)}</p>
            </div>
            <span className={entry.points >= 0 ? 'points-plus' : 'points-minus'}>
              {entry.points >= 0 ? '+' : '−'}
              {formatPoints(Math.abs(entry.points), language)}
            </span>
          </li>
        ))}
      </ul>
      {error ? <LoadError error={error} onRetry={() => void loadMore()} /> : null}
      {cursor && !isOffline ? (
        <button type="button" className="secondary" onClick={() => void loadMore()} disabled={isLoading}>
          {isLoading ? t('app.loading') : t('history.more')}
        </button>
      ) : null}
    </div>
  );
}
