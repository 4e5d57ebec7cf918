// Numbers, money and dates for people, in the page's language. Money travels as integer minor units.

export function formatPoints(points: number, language: string): string {
  return new Intl.NumberFormat(language).format(points);
}

/** How many decimals a currency has (EUR 2, JPY 0): the same in every language, so asked in one. */
export function currencyDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

export function formatMoney(minor: number, currency: string, language: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(minor / 10 ** digits);
}

/**
 * Parses what a cashier types ("12.5", "12,50", "1 234,00") into integer minor units, or null when it is
 * not an amount. Done on the digits, never through a float, so 0.1 + 0.2 never happens.
 */
export function parseMoneyToMinor(text: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const clean = text.trim().replace(/[\s\u00a0']/g, '');
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(clean);
  if (!match) return null;
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : null;
}

export function formatDate(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatDateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}
