// Sales this desk completed in the last minute, to ask before recording the same total for the same
// member twice (a double tap, or a second till's receipt typed again). Kept in memory: a reload forgets.

/** How long a sale counts as "just recorded". */
export const REPEAT_WINDOW_MS = 60_000;

type Sale = { memberId: string; totalMinor: number; at: number };
const recent: Sale[] = [];

export function rememberSale(memberId: string, totalMinor: number, now: number = Date.now()): void {
  recent.push({ memberId, totalMinor, at: now });
  while (recent.length > 0 && (recent[0]?.at ?? now) <= now - REPEAT_WINDOW_MS) recent.shift();
}

/** Whether this member had a sale of this total completed here less than a minute ago. */
export function isRepeatSale(memberId: string, totalMinor: number, now: number = Date.now()): boolean {
  return recent.some(
    (sale) =>
      sale.memberId === memberId && sale.totalMinor === totalMinor && now - sale.at < REPEAT_WINDOW_MS,
  );
}

/** For tests: forget every sale. */
export function forgetSales(): void {
  recent.length = 0;
}
