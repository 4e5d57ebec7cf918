import { describe, expect, it } from 'vitest';
import { certificateEnding, instrumentScanKind, isInstrumentScan, isPhoneLookup } from './identify-code.js';

describe('isPhoneLookup', () => {
  it('reads national and international phone numbers as phones', () => {
    expect(isPhoneLookup('612 345 678')).toBe(true);
    expect(isPhoneLookup('+34 612-345-678')).toBe(true);
    // Twelve digits with a leading 0 cannot be a card number (cards never start with 0).
    expect(isPhoneLookup('034612345678')).toBe(true);
  });

  it('does not offer to enrol a scanned card or a typed card number', () => {
    expect(isPhoneLookup('RGL1:123456789012:123456')).toBe(false);
    expect(isPhoneLookup(' rgl1:123456789012:123456 ')).toBe(false);
    expect(isPhoneLookup('1234 5678 9012')).toBe(false);
    expect(isPhoneLookup('1234-5678-9012')).toBe(false);
  });
});

describe('instrumentScanKind', () => {
  it('tells a printed coupon or gift certificate QR from a card or a phone', () => {
    expect(instrumentScanKind('RG1.C.WELCOME7K2M9.ABCDEFGHJK')).toBe('coupon');
    expect(instrumentScanKind(' rg1.g.7K2M9QWERTY.ABCDEFGHJK ')).toBe('giftCertificate');
    expect(instrumentScanKind('RGL1:123456789012:123456')).toBeNull();
    expect(instrumentScanKind('612 345 678')).toBeNull();
    expect(isInstrumentScan('RG1.X.CODE.MAC')).toBe(false);
  });
});

describe('certificateEnding', () => {
  it('keeps the last characters of a certificate label, for the desk to name it in its language', () => {
    expect(certificateEnding('Gift certificate ····RT2A')).toBe('····RT2A');
    expect(certificateEnding('Store credit')).toBe('Store credit');
  });
});
