// Points are integers and money is integer minor units; these helpers keep every computation exact
// (no float rounding creeps into a ledger entry) for values below Number.MAX_SAFE_INTEGER.
import type { Rounding } from './rule.schema.js';

/** `value × numerator ÷ denominator` rounded as asked, exact for non-negative safe integers. */
export function mulDiv(value: number, numerator: number, denominator: number, rounding: Rounding): number {
  // Split value = q·d + r so that neither product leaves the safe-integer range.
  let quotient = Math.floor(value / denominator);
  let remainder = value - quotient * denominator;
  if (remainder < 0) {
    quotient -= 1;
    remainder += denominator;
  } else if (remainder >= denominator) {
    quotient += 1;
    remainder -= denominator;
  }
  const part = remainder * numerator;
  const partQuotient = Math.floor(part / denominator);
  const rest = part - partQuotient * denominator;
  const floor = quotient * numerator + partQuotient;
  if (rest === 0 || rounding === 'floor') return floor;
  if (rounding === 'ceil') return floor + 1;
  return 2 * rest >= denominator ? floor + 1 : floor;
}
