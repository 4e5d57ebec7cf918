import { describe, expect, it } from 'vitest';
import { isWellFormed } from '../coupons/coupon-code.js';
import { GiftCertificateCodes } from './gift-certificate-code.js';

const codes = new GiftCertificateCodes('a-test-secret-of-at-least-32-characters!!');

describe('GiftCertificateCodes', () => {
  it('makes well-formed 14-character codes and hashes them under a key of its own', () => {
    const code = codes.generate();
    expect(code).toHaveLength(14);
    expect(isWellFormed(code)).toBe(true);
    expect(codes.hash(code)).toBe(codes.hash(code));
    expect(codes.hash(code)).not.toContain(code);
    expect(new GiftCertificateCodes('another-secret-of-at-least-32-characters').hash(code)).not.toBe(
      codes.hash(code),
    );
  });

  it('reads a typed code in any case with spaces and hyphens, and its signed QR', () => {
    const code = codes.generate();
    const typed = ` ${code.slice(0, 4).toLowerCase()}-${code.slice(4)} `;
    expect(codes.read(typed)).toEqual({ kind: 'code', code });
    expect(codes.read(codes.qrPayload(code))).toEqual({ kind: 'code', code });
  });

  it('calls a QR with a wrong MAC forged, and a typo or a coupon QR malformed (never looked up)', () => {
    const code = codes.generate();
    const qr = codes.qrPayload(code);
    expect(codes.read(`${qr.slice(0, -1)}${qr.endsWith('A') ? 'B' : 'A'}`)).toEqual({ kind: 'forged' });
    const typo = `${code.slice(0, 3)}${code[3] === '2' ? '3' : '2'}${code.slice(4)}`;
    expect(codes.read(typo)).toEqual({ kind: 'malformed' });
    expect(codes.read(codes.signed.sign('coupon', code))).toEqual({ kind: 'malformed' });
  });

  it("encrypts a claimed certificate's code bound to its id", () => {
    const code = codes.generate();
    const id = '665f00000000000000000001';
    const sealed = codes.encrypt(code, id);
    expect(sealed).not.toContain(code);
    expect(codes.decrypt(sealed, id)).toBe(code);
    expect(() => codes.decrypt(sealed, '665f00000000000000000002')).toThrow();
  });
});
