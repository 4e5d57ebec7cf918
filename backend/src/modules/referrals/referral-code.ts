import { randomInt } from 'node:crypto';

/** Characters a person can read aloud without confusion (no 0/O, 1/I/L, 5/S, 2/Z, 8/B). */
const ALPHABET = '34679ACDEFGHJKMNPQRTUVWXY';
const SUFFIX_LENGTH = 4;
const PREFIX_MAX = 10;

/**
 * A code people can say aloud: the first name in capitals (letters only, accents dropped, at most 10;
 * `FRIEND` when nothing is left), a dash and four characters of a look-alike-free alphabet: `MARIA-7K3F`.
 */
export function generateReferralCode(name: string): string {
  const first = name.trim().split(/\s+/)[0] ?? '';
  const letters = first
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '')
    .slice(0, PREFIX_MAX);
  let suffix = '';
  for (let i = 0; i < SUFFIX_LENGTH; i += 1) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${letters || 'FRIEND'}-${suffix}`;
}

/**
 * A code as typed or spoken back: any case, spaces or no dash (`maria 7k3f`, `MARIA7K3F`); look-alikes
 * read as the character the alphabet has (O→0 is not in it, so O stays a letter of the name part).
 */
export function normaliseReferralCode(text: string): string {
  const compact = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
  if (compact.length <= SUFFIX_LENGTH) return compact;
  return `${compact.slice(0, -SUFFIX_LENGTH)}-${compact.slice(-SUFFIX_LENGTH)}`;
}

/**
 * An email as one mailbox: lower case, `+tag` dropped; for Gmail (and googlemail.com) dots in the local
 * part dropped too, since Gmail ignores them (`m.a.r.i.a+promo@GoogleMail.com` → `maria@gmail.com`).
 */
export function normaliseEmail(email: string): string {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  if (at < 1) return lower;
  let local = lower.slice(0, at);
  let domain = lower.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return `${local}@${domain}`;
}

/** A phone as digits only, the last nine (the national number without a country prefix or trunk zero). */
export function phoneKey(phone: string): string {
  return phone.replace(/\D/g, '').slice(-9);
}
