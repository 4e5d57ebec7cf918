// What the designer's number fields show and accept. The draft keeps integers (points, minor units, basis
// points); people type "1.5" for a multiplier and "12.50" for an amount, and may pass through "1." or an
// empty field on the way, which must neither show NaN nor be rounded away while they type.
import { currencyDigits, parseMoneyToMinor } from '../../shared/format.js';

/** A numeric field's codec: how a stored value reads, and what a typed text stores (null: not a value). */
export type NumericCodec = {
  format(value: number): string;
  parse(text: string): number | null;
};

/** A plain number ("12", "-3", "1.5" with "," accepted as the decimal mark). */
export const plainNumber: NumericCodec = {
  format: (value) => String(value),
  parse: (text) => {
    const clean = text.trim().replace(',', '.');
    if (!/^-?(\d+\.?\d*|\.\d+)$/.test(clean)) return null;
    const value = Number(clean);
    return Number.isFinite(value) ? value : null;
  },
};

/** A multiplier typed as "1.5" (×1.5), stored in basis points (15 000); at most four decimals. */
export const multiplierBasisPoints: NumericCodec = {
  format: (basisPoints) => String(basisPoints / 10_000),
  parse: (text) => {
    const clean = text.trim().replace(',', '.');
    const match = /^(\d*)(?:\.(\d*))?$/.exec(clean);
    if (!match || clean === '' || clean === '.') return null;
    const fraction = match[2] ?? '';
    if (fraction.length > 4) return null;
    // On the digits, not through a float: "1.1" is 11 000 exactly.
    const basisPoints = Number(match[1] || '0') * 10_000 + Number(fraction.padEnd(4, '0'));
    return Number.isSafeInteger(basisPoints) ? basisPoints : null;
  },
};

/** An amount typed in the program's currency ("12.50", "12,5") and stored in minor units (1250). */
export function moneyMinor(currency: string): NumericCodec {
  const digits = currencyDigits(currency);
  return {
    format: (minor) => (minor / 10 ** digits).toFixed(digits),
    parse: (text) => parseMoneyToMinor(text, currency),
  };
}

/** What a field holds while someone types: the text and the value of the draft it left behind. */
export type TypedText = { text: string; value: number | undefined };

/** What typing `text` does to the draft: empty clears it, a value sets it, anything else leaves `current`. */
export function typedText(codec: NumericCodec, text: string, current: number | undefined): TypedText {
  if (text.trim() === '') return { text, value: undefined };
  const parsed = codec.parse(text);
  return { text, value: parsed === null ? current : parsed };
}

/**
 * The text a numeric field shows: what is being typed ("1.", "", "1.2x") as long as the draft still holds
 * the value that typing left, otherwise (the JSON view or a reset changed it) the draft's value.
 */
export function numericText(codec: NumericCodec, value: number | undefined, typed: TypedText | null): string {
  if (typed && typed.value === value) return typed.text;
  return value === undefined ? '' : codec.format(value);
}
