// What the cashier typed or scanned into the identify field, read the way the server reads it
// (members/member.service.ts `identify`): a QR payload, a 12-digit card number, or else a phone.

/** The code is looked up as a phone number (not a scanned QR payload, not a card number). */
export function isPhoneLookup(code: string): boolean {
  const text = code.trim();
  if (text.toUpperCase().startsWith('RGL')) return false;
  const digits = text.replace(/[\s-]/g, '');
  return !(/^\d{12}$/.test(digits) && !digits.startsWith('0'));
}

/** What a printed coupon's or gift certificate's QR payload (`RG1.C.…` / `RG1.G.…`) stands for, or null. */
export function instrumentScanKind(code: string): 'coupon' | 'giftCertificate' | null {
  const text = code.trim().toUpperCase();
  if (text.startsWith('RG1.C.')) return 'coupon';
  if (text.startsWith('RG1.G.')) return 'giftCertificate';
  return null;
}

/** The code is a printed coupon's or gift certificate's QR payload, not a member card. */
export function isInstrumentScan(code: string): boolean {
  return instrumentScanKind(code) !== null;
}

/**
 * The end of a gift certificate's code as the API labels it ("Gift certificate ····RT2A" → "····RT2A"),
 * for the desk to say "Gift certificate" in the cashier's language.
 */
export function certificateEnding(label: string): string {
  const at = label.indexOf('····');
  return at >= 0 ? label.slice(at) : label;
}
