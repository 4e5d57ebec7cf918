// What a printed coupon or gift certificate says besides its own data, in the four languages of the
// product, and the formatting of the money and dates a caller puts on it. A person reads the paper: no
// internal id, money in the program's currency, dates in the program's time zone.

import { DOCUMENT_LANGUAGES, type DocumentLanguage } from '@regulars/contracts';

export { DOCUMENT_LANGUAGES, type DocumentLanguage };

export type DocumentTexts = {
  /** Before the expiry date: "Valid until 31 December 2027". */
  validUntil: string;
  /** In place of the expiry date when there is none. */
  noExpiry: string;
  /** The label over the code in clear. */
  code: string;
  /** The label before the terms. */
  terms: string;
  /** The title of a gift certificate (a coupon's title is its template's name). */
  giftCertificate: string;
  /** Under the QR code. */
  scanHint: string;
  /** The terms printed on a gift certificate. */
  certificateTerms: string;
};

export const DOCUMENT_TEXTS: Record<DocumentLanguage, DocumentTexts> = {
  en: {
    validUntil: 'Valid until',
    noExpiry: 'No expiry date',
    code: 'Code',
    terms: 'Terms',
    giftCertificate: 'Gift certificate',
    scanHint: 'Show this code at the till',
    certificateTerms:
      'Pays for all or part of a purchase in our shops; what is left stays on it. Not exchangeable for cash.',
  },
  es: {
    validUntil: 'Válido hasta el',
    noExpiry: 'Sin fecha de caducidad',
    code: 'Código',
    terms: 'Condiciones',
    giftCertificate: 'Cheque regalo',
    scanHint: 'Muestre este código en caja',
    certificateTerms:
      'Paga toda o parte de una compra en nuestras tiendas; lo que sobra queda en el cheque. No canjeable por dinero.',
  },
  ru: {
    validUntil: 'Действителен до',
    noExpiry: 'Без срока действия',
    code: 'Код',
    terms: 'Условия',
    giftCertificate: 'Подарочный сертификат',
    scanHint: 'Покажите этот код на кассе',
    certificateTerms:
      'Оплачивает покупку в наших магазинах полностью или частично; остаток сохраняется. Не обменивается на деньги.',
  },
  ro: {
    validUntil: 'Valabil până la',
    noExpiry: 'Fără dată de expirare',
    code: 'Cod',
    terms: 'Condiții',
    giftCertificate: 'Certificat cadou',
    scanHint: 'Arătați acest cod la casă',
    certificateTerms:
      'Plătește integral sau parțial o cumpărătură în magazinele noastre; restul rămâne pe el. Nu se schimbă pe bani.',
  },
};

/** Whether a value is one of the document languages (the program's or a member's language). */
export function isDocumentLanguage(value: string): value is DocumentLanguage {
  return (DOCUMENT_LANGUAGES as readonly string[]).includes(value);
}

const currencyDigits = new Map<string, number>();

function minorDigits(currency: string): number {
  let digits = currencyDigits.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
    currencyDigits.set(currency, digits);
  }
  return digits;
}

/**
 * An amount in minor units as a person reads it in that language: 2500 EUR → "€25.00" (en), "25,00 €"
 * (es, ru, ro). The same rule as the card and the desk (frontend/src/shared/format.ts): the currency's
 * own number of decimals.
 */
export function formatDocumentMoney(
  amountMinor: number,
  currency: string,
  language: DocumentLanguage,
): string {
  const digits = minorDigits(currency);
  return new Intl.NumberFormat(language, { style: 'currency', currency }).format(amountMinor / 10 ** digits);
}

/**
 * A day as printed on a document ("31 December 2027", "31 декабря 2027 г."), in the program's time zone:
 * the last day a code is valid is the day the merchant's staff and customers live in.
 */
export function formatDocumentDate(
  date: Date,
  { language, timeZone }: { language: DocumentLanguage; timeZone: string },
): string {
  return new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone }).format(date);
}
