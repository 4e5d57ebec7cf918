import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { ValidationError } from '../../platform/errors.js';

/** Normalises a phone number to E.164 (`+34600123456`), reading national numbers in the program's country. */
export function normalisePhone(input: string, defaultCountry: string): string {
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode);
  // A code goes to a mobile, which has no extension; accepting one would also give one number many
  // spellings (`ext. 1`, `ext. 2`…), each a way around limits counted per number.
  if (parsed?.ext !== undefined) {
    throw new ValidationError(
      `phone: "${input}" has an extension; give the mobile number alone, e.g. +34 600 123 456`,
      [{ path: 'phone', message: 'extensions are not accepted' }],
    );
  }
  if (!parsed || !parsed.isPossible()) {
    throw new ValidationError(
      `phone: "${input}" is not a phone number; use the international format, e.g. +34 600 123 456`,
      [{ path: 'phone', message: 'not a valid phone number' }],
    );
  }
  return parsed.number;
}

/** Like normalisePhone, but answers null instead of throwing (for lookups that try several readings). */
export function tryNormalisePhone(input: string, defaultCountry: string): string | null {
  const parsed = parsePhoneNumberFromString(input, defaultCountry as CountryCode);
  return parsed && parsed.isPossible() ? parsed.number : null;
}
