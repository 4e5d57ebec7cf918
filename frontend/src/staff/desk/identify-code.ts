// What the cashier typed or scanned into the identify field, read the way the server reads it
// (members/member.service.ts `identify`): a QR payload, a 12-digit card number, or else a phone.

/** The code is looked up as a phone number (not a scanned QR payload, not a card number). */
export function isPhoneLookup(code: string): boolean {
  const text = code.trim();
  if (text.toUpperCase().startsWith('RGL')) return false;
  const digits = text.replace(/[\s-]/g, '');
  return !(/^\d{12}$/.test(digits) && !digits.startsWith('0'));
}
