// The client-side catalogue of server errors, keyed by error code: what a member (on the card) or a
// cashier (at the desk) reads, in their language, with the error's details formatted. The server's own
// `message` is English and meant for integrators; people read these. The card loads this module when it
// first shows an error (its own chunk); the staff portal imports it.
import type { ErrorCode } from '@regulars/contracts';
import type { ApiError } from '../api/errors.js';
import { formatDate, formatMoney, formatPoints } from '../format.js';
import { en } from './error-texts-en.js';
import { es } from './error-texts-es.js';
import { ro } from './error-texts-ro.js';
import { ru } from './error-texts-ru.js';

/** The languages of the card and the portal (i18n.tsx's LANGUAGES; named here so that this module has no JSX). */
export type Language = 'en' | 'es' | 'ru' | 'ro';

/** A fixed sentence, or one filled from `details` with a `plain` sentence for when they are missing. */
export type ErrorText = string | { text: string; plain: string };
/** One language's texts: every code English has (the test checks the placeholders are the same). */
export type ErrorTexts = Record<HumanErrorCode, ErrorText>;
/** What English, which defines the codes, must be: texts of codes of the API's catalogue. */
export type EnglishErrorTexts = Partial<Record<ErrorCode, ErrorText>>;

export type HumanErrorCode = keyof typeof en;

export const ERROR_TEXTS: Record<Language, ErrorTexts> = { en, es, ru, ro };

/** The codes people can read in their language (every one the card and the desk can meet). */
export const HUMAN_ERROR_CODES = Object.keys(en) as HumanErrorCode[];

export function hasErrorText(code: string): code is HumanErrorCode {
  return Object.prototype.hasOwnProperty.call(en, code);
}

/**
 * A detail as a person reads it: `…Minor` amounts in the currency, ISO dates in the language, counts
 * with separators, seconds as they are; anything else as it is.
 */
function formatDetail(name: string, value: unknown, language: Language, money: Money | null): string | null {
  if (typeof value === 'number') {
    if (name.endsWith('Minor')) return money ? money(value) : null;
    // A wait reads as "3600 s", like a clock, not as a count ("3,600").
    if (name.endsWith('Seconds')) return String(value);
    return formatPoints(value, language);
  }
  if (typeof value === 'string') {
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) return formatDate(value, language);
    return value;
  }
  return null;
}

/** Fills `{name}` from the details; null when one is missing (the `plain` sentence is said then). */
function fill(template: string, details: unknown, language: Language, money: Money | null): string | null {
  const values = typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : {};
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const formatted = formatDetail(name, values[name], language, money);
    if (formatted === null) missing = true;
    return formatted ?? '';
  });
  return missing ? null : text;
}

/** Formats an amount in minor units as money (the program's currency). */
export type Money = (minor: number) => string;

/**
 * The sentence for a refusal of the server in the viewer's language, or null when the code is not one
 * people meet on the card or at the desk (the caller says something general, with the code). The
 * amounts of `details` are formatted by `money`, or in `currency`; without either the plain sentence is said.
 */
export function errorText(
  error: ApiError,
  language: Language,
  options: { currency?: string | null | undefined; money?: Money | undefined } = {},
): string | null {
  if (!hasErrorText(error.code)) return null;
  const entry = ERROR_TEXTS[language][error.code] ?? en[error.code];
  if (typeof entry === 'string') return entry;
  const currency = options.currency;
  const money =
    options.money ?? (currency ? (minor: number) => formatMoney(minor, currency, language) : null);
  return fill(entry.text, error.details, language, money) ?? entry.plain;
}

/** The placeholders of a text (for the catalogue check). */
export function placeholdersOf(entry: ErrorText): string[] {
  const text = typeof entry === 'string' ? entry : entry.text;
  return [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '').sort();
}
