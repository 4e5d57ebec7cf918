// Coupon and gift-certificate codes: random characters from a CSPRNG over an alphabet a person cannot
// misread, and one check character that catches every single-character typo and every swap of two
// adjacent characters. The alphabet has 31 characters (no 0/O, 1/I/L), a prime: the check is a weighted
// sum modulo 31 with distinct non-zero weights (the ISO 7064 idea), so a change of one character changes
// the sum by (weight × difference), never a multiple of 31, and a swap of neighbours by
// (w_i − w_{i+1}) × (c_i − c_{i+1}), never a multiple of 31 either.
import { randomBytes, randomInt } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = CODE_ALPHABET.length; // 31, prime
/** Weights 1…30 are distinct and non-zero modulo 31: codes up to 29 characters plus the check one. */
export const MAX_CODE_LENGTH = BASE - 2;
const BITS_PER_CHARACTER = Math.log2(BASE);

/** What a code is made of: an optional fixed prefix, `length` random characters, one check character. */
export type CodeFormat = { prefix: string; length: number };

/** At least 60 random bits by default: 13 characters (64.4 bits). */
export const DEFAULT_CODE_LENGTH = Math.ceil(60 / BITS_PER_CHARACTER);
/** The most a batch may make one guess worth: above this, its codes are too short for its size. */
export const MAX_GUESS_PROBABILITY = 1e-9;

const INDEX = new Map([...CODE_ALPHABET].map((char, index) => [char, index]));

/** Random bits of a code of this format (the prefix and the check character add none). */
export function randomBits(format: CodeFormat): number {
  return format.length * BITS_PER_CHARACTER;
}

/**
 * The chance that one guessed code (well formed, check character right) is one of `count` codes of
 * this format: count / 31^length. A batch is refused when this exceeds MAX_GUESS_PROBABILITY.
 */
export function guessProbability(format: CodeFormat, count: number): number {
  return count / BASE ** format.length;
}

/** Why a format cannot be used for `count` codes, or null when it can. */
export function formatProblem(format: CodeFormat, count: number): string | null {
  if (!/^[A-Z0-9]{0,8}$/.test(format.prefix)) return 'the prefix is up to 8 letters or digits';
  if ([...format.prefix].some((char) => !INDEX.has(char)))
    return `the prefix uses only ${CODE_ALPHABET} (no 0, O, 1, I or L, which are easy to misread)`;
  if (
    !Number.isInteger(format.length) ||
    format.length < 6 ||
    format.length + format.prefix.length > MAX_CODE_LENGTH
  )
    return `the code has 6 to ${MAX_CODE_LENGTH - format.prefix.length} random characters`;
  const probability = guessProbability(format, count);
  if (probability > MAX_GUESS_PROBABILITY) {
    return `${count} codes of ${format.length} random characters could be guessed with probability ${probability.toExponential(1)} per attempt (at most ${MAX_GUESS_PROBABILITY}); use at least ${minimumLength(count)} characters`;
  }
  return null;
}

/** The fewest random characters that keep `count` codes under MAX_GUESS_PROBABILITY per guess. */
export function minimumLength(count: number): number {
  return Math.max(6, Math.ceil(Math.log(count / MAX_GUESS_PROBABILITY) / Math.log(BASE)));
}

/** The check character of a code body (prefix and random characters, normalised). */
export function checkCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const value = INDEX.get(body[i] ?? '');
    if (value === undefined) throw new Error(`not a code character: ${body[i]}`);
    sum += (i + 1) * value;
  }
  // The check character at position n+1 makes the weighted sum 0 modulo 31.
  const weight = body.length + 1;
  const needed = (BASE - (sum % BASE)) % BASE;
  // weight is invertible modulo the prime 31: value = needed × weight⁻¹.
  const value = (needed * inverse(weight)) % BASE;
  return CODE_ALPHABET[value] ?? '';
}

function inverse(weight: number): number {
  // Fermat: w^(p−2) mod p.
  let result = 1;
  let base = weight % BASE;
  let exponent = BASE - 2;
  while (exponent > 0) {
    if (exponent & 1) result = (result * base) % BASE;
    base = (base * base) % BASE;
    exponent >>= 1;
  }
  return result;
}

/** A new code: the prefix, random characters from the CSPRNG, the check character. */
export function generateCode(format: CodeFormat): string {
  let body = format.prefix;
  for (let i = 0; i < format.length; i++) body += CODE_ALPHABET[randomInt(BASE)];
  return body + checkCharacter(body);
}

/** The largest multiple of 31 in a byte: bytes at or above it are drawn again, so every character is equally likely. */
const REJECT_FROM = Math.floor(256 / BASE) * BASE; // 248

/**
 * `count` new codes of this format, from one CSPRNG buffer per call with rejection sampling (a byte below
 * 248 gives the character `byte % 31`, the rest are drawn again): the same distribution as `generateCode`,
 * about a hundred times faster for a batch.
 */
export function generateCodes(format: CodeFormat, count: number): string[] {
  const codes: string[] = new Array<string>(count);
  const needed = count * format.length;
  let pool = randomBytes(Math.ceil(needed * 1.05) + 16);
  let at = 0;
  for (let c = 0; c < count; c++) {
    let body = format.prefix;
    for (let i = 0; i < format.length; i++) {
      let byte: number;
      do {
        if (at >= pool.length) {
          pool = randomBytes(Math.max(64, (count - c) * format.length));
          at = 0;
        }
        byte = pool[at++] ?? 255;
      } while (byte >= REJECT_FROM);
      body += CODE_ALPHABET[byte % BASE];
    }
    codes[c] = body + checkCharacter(body);
  }
  return codes;
}

/** What a person typed or a scanner read, as the code it stands for: upper case, no spaces or hyphens. */
export function normaliseCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

/** Whether a normalised code is well formed: only code characters, and its check character right. */
export function isWellFormed(code: string): boolean {
  if (code.length < 2 || [...code].some((char) => !INDEX.has(char))) return false;
  return checkCharacter(code.slice(0, -1)) === code.slice(-1);
}

/** A code in groups of four for print and screens ("ABCD-EFGH-JKMN-P"). */
export function displayCode(code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code;
}
