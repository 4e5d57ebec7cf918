// A sale keyed in twice (a second Enter, a cashier unsure the first one went through) records two
// purchases. The desk remembers what it recorded in the last minute and asks before the same total for
// the same member is recorded again. A real second sale stays possible: the cashier confirms it.

/** How long a recorded sale counts as "just recorded". */
export const DUPLICATE_WINDOW_MS = 60_000;

export type RecordedSale = { memberId: string; totalMinor: number; currency: string; at: number };

/**
 * The sale recorded within the window before `at` that `next` repeats (same member, same total and
 * currency), if any. A sale in the future of `at` (a clock set back) does not count.
 */
export function findDuplicateSale(
  recent: readonly RecordedSale[],
  next: Omit<RecordedSale, 'at'>,
  at: number,
): RecordedSale | null {
  for (let i = recent.length - 1; i >= 0; i--) {
    const sale = recent[i];
    if (!sale) continue;
    const age = at - sale.at;
    if (
      age >= 0 &&
      age < DUPLICATE_WINDOW_MS &&
      sale.memberId === next.memberId &&
      sale.totalMinor === next.totalMinor &&
      sale.currency === next.currency
    ) {
      return sale;
    }
  }
  return null;
}

/** `recent` with `sale` added and what has left the window dropped (the list stays short). */
export function rememberSale(recent: readonly RecordedSale[], sale: RecordedSale): RecordedSale[] {
  return [...recent.filter((s) => sale.at - s.at < DUPLICATE_WINDOW_MS && s.at <= sale.at), sale];
}
