import { useCallback, useEffect, useRef, useState } from 'react';
import type { LedgerEntry, Page } from '@regulars/contracts';
import { ApiError } from '../shared/api/errors.js';
import { cardApi } from './card-api.js';
import { serverNow } from '../shared/sandbox/server-clock.js';
import { readCachedCard, writeCachedCard, type CachedCard } from './card-cache.js';

const REFRESH_EVERY_MS = 30_000;
/** Coupons still to use that the card lists (a wallet holds a handful), and the latest coupons of any state. */
const USABLE_COUPONS = 100;
const RECENT_COUPONS = 20;

export type CardState = {
  card: CachedCard;
  /** The newest ledger entries (first page), from the phone until the server answers; null before ever fetched. */
  recent: Page<LedgerEntry> | null;
  isRefreshing: boolean;
  error: unknown;
  refresh(): Promise<void>;
};

/**
 * The member's card: shown at once from the phone's cache, then refreshed from the server when online
 * (on open, every 30 s while visible, when the network returns, when the app comes back to the front or regains focus).
 */
/** Why the card signed itself out: the session ended, or the card was blocked at the till. */
export type SignOutReason = 'ended' | 'blocked';

export function useCard(initial: CachedCard, onSignedOut: (reason: SignOutReason) => void): CardState {
  const [card, setCard] = useState<CachedCard>(initial);
  const [isRefreshing, setRefreshing] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inFlight = useRef(false);

  const refresh = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setRefreshing(true);
    try {
      const current = readCachedCard() ?? initial;
      const [member, wallet, usableCoupons, recentCoupons, secret, program, ledger] = await Promise.all([
        cardApi.member(current.memberId),
        cardApi.wallet(current.memberId),
        cardApi.coupons(current.memberId, { status: 'active', limit: USABLE_COUPONS }),
        cardApi.coupons(current.memberId, { limit: RECENT_COUPONS }),
        cardApi.card(current.memberId),
        cardApi.program(),
        cardApi.ledger(current.memberId),
      ]);
      const next: CachedCard = {
        memberId: member.id,
        name: member.name,
        phone: member.phone,
        cardNumber: secret.cardNumber,
        cardSecret: secret.cardSecret,
        member,
        wallet,
        coupons: {
          usable: usableCoupons.items,
          past: recentCoupons.items.filter((coupon) => !usableCoupons.items.some((c) => c.id === coupon.id)),
        },
        program: { name: program.name, currency: program.currency },
        history: ledger,
        rewards: current.rewards,
        // The server's time, so that "as of" agrees with the dates it sends (a sandbox runs ahead).
        savedAt: new Date(serverNow()).toISOString(),
      };
      writeCachedCard(next);
      setCard(next);
      setError(null);
      // The rewards, for the Rewards tab offline: saved on the phone as they come (after the card, which
      // the member is looking at, so that it is not kept waiting).
      cardApi.rewards().catch(() => undefined);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401)
        onSignedOut(caught.code === 'MEMBER_SESSION_BLOCKED' ? 'blocked' : 'ended');
      else setError(caught);
    } finally {
      inFlight.current = false;
      setRefreshing(false);
    }
  }, [initial, onSignedOut]);

  useEffect(() => {
    void refresh();
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    const onOnline = () => void refresh();
    // A window that regains focus without having been hidden (another app over it on a tablet or a
    // desktop) fires no visibilitychange; the balance after a sale should show as soon as it is looked at.
    const onFocus = () => void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible' && navigator.onLine) void refresh();
    }, REFRESH_EVERY_MS);
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener('online', onOnline);
    window.addEventListener('focus', onFocus);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener('online', onOnline);
      window.removeEventListener('focus', onFocus);
    };
  }, [refresh]);

  return { card, recent: card.history, isRefreshing, error, refresh };
}
