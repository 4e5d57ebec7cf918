import { ApiError, NetworkError, fieldIssuesOf, type FieldIssue } from '../../shared/api/errors.js';
import { errorText } from '../../shared/errors/error-texts.js';
import type { Language } from '../../shared/i18n/i18n.js';
import { FIELDS } from '@regulars/rules';
import type { StaffT } from '../staff-i18n.js';
import { isStaffMessageKey, type StaffMessageKey } from '../staff-messages.js';

export type DescribedError = { message: string; issues: FieldIssue[]; isConnectionLost: boolean };

function numberDetail(details: unknown, key: string): number | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const value = (details as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : undefined;
}

/** What the screen knows that an error lacks: the balance and cost, money in the program's currency. */
export type ErrorContext = {
  available?: number;
  required?: number;
  money?: (minor: number) => string;
  /** The viewer's language, for the texts of the error catalogue (English when not given). */
  language?: Language;
};

/**
 * Turns any failure into a sentence for staff in their language: our wording for the common codes, the
 * error catalogue's text (shared/errors) for every code the desk can meet, a general sentence with the
 * code otherwise; never the server's English message, a stack trace or raw JSON. `context` fills in what
 * the error lacks (the balance and the cost for "not enough points").
 */
export function describeError(error: unknown, t: StaffT, context: ErrorContext = {}): DescribedError {
  if (error instanceof NetworkError)
    return { message: t('error.connectionLost'), issues: [], isConnectionLost: true };
  if (!(error instanceof ApiError))
    return { message: t('error.unexpected'), issues: [], isConnectionLost: false };
  const issues = fieldIssuesOf(error);
  switch (error.code) {
    case 'INSUFFICIENT_POINTS': {
      const available = numberDetail(error.details, 'available') ?? context.available;
      const required =
        numberDetail(error.details, 'required') ??
        numberDetail(error.details, 'requested') ??
        context.required;
      return {
        message:
          available !== undefined && required !== undefined
            ? t('error.insufficientPoints', { available, required })
            : t('error.insufficientPointsPlain'),
        issues: [],
        isConnectionLost: false,
      };
    }
    case 'OUT_OF_STOCK':
      return { message: t('error.outOfStock'), issues: [], isConnectionLost: false };
    case 'LIMIT_REACHED':
      return { message: t('error.limitReached'), issues: [], isConnectionLost: false };
    case 'STAMP_CARD_NOT_AVAILABLE':
      return { message: t('error.stampCardNotAvailable'), issues: [], isConnectionLost: false };
    case 'EFFECT_NOT_AVAILABLE': {
      // details: [{ path, kind, name, message }], one per part nothing carries out yet.
      // Named as the designer labels them ("Issue a coupon", "Tiers"), not by their JSON names.
      const names = Array.isArray(error.details)
        ? error.details.flatMap((part: unknown) => {
            const { kind, name } = (part ?? {}) as { kind?: unknown; name?: unknown };
            if (typeof name !== 'string') return [];
            // A condition is named by its field's label ("member tier"), as the field picker shows it.
            if (kind === 'condition') return [FIELDS[name as keyof typeof FIELDS]?.label ?? name];
            const key = kind === 'audience' ? `rules.form.${name}` : `rules.effect.${name}`;
            return [isStaffMessageKey(key) ? t(key) : name];
          })
        : [];
      return {
        message: t('error.effectNotAvailable', { names: names.join(', ') }),
        issues: [],
        isConnectionLost: false,
      };
    }
    case 'REDEMPTION_SETTLED':
      return { message: t('error.redemptionSettled'), issues: [], isConnectionLost: false };
    case 'REDEMPTION_ALREADY_CANCELLED':
      return { message: t('error.redemptionAlreadyCancelled'), issues: [], isConnectionLost: false };
    case 'CHECKOUT_COMPLETED':
      return { message: t('error.checkoutCompleted'), issues: [], isConnectionLost: false };
    case 'CHECKOUT_EXPIRED':
      return { message: t('error.checkoutExpired'), issues: [], isConnectionLost: false };
    case 'CHECKOUT_CANCELLED':
      return { message: t('error.checkoutCancelled'), issues: [], isConnectionLost: false };
    case 'CHECKOUT_UNDO_CLOSED':
      return { message: t('error.checkoutUndoClosed'), issues: [], isConnectionLost: false };
    case 'MIN_BASKET_NOT_MET': {
      const min = numberDetail(error.details, 'minBasketMinor');
      const basket = numberDetail(error.details, 'basketMinor');
      return {
        message:
          min !== undefined && basket !== undefined && context.money
            ? t('error.minBasketNotMet', { min: context.money(min), basket: context.money(basket) })
            : t('error.minBasketNotMetPlain'),
        issues: [],
        isConnectionLost: false,
      };
    }
    case 'INSTRUMENT_NOT_APPLICABLE':
      return { message: t('error.instrumentNotApplicable'), issues: [], isConnectionLost: false };
    case 'REDEMPTION_HELD':
      return { message: t('error.redemptionHeld'), issues: [], isConnectionLost: false };
    case 'REDEMPTION_NOT_FOUND':
      return { message: t('error.redemptionNotFound'), issues: [], isConnectionLost: false };
    case 'MEMBER_EXISTS':
      return { message: t('error.memberExists'), issues: [], isConnectionLost: false };
    case 'STORE_MISMATCH':
      return { message: t('error.storeMismatch'), issues: [], isConnectionLost: false };
    case 'FORBIDDEN':
      return { message: t('error.forbidden'), issues: [], isConnectionLost: false };
    case 'UNAUTHORIZED':
      return { message: t('error.signedOut'), issues: [], isConnectionLost: false };
    case 'RATE_LIMITED':
      return { message: t('error.rateLimited'), issues: [], isConnectionLost: false };
    default: {
      const plain = PLAIN_MESSAGES[error.code];
      if (plain) return { message: t(plain), issues: [], isConnectionLost: false };
      const text = errorText(error, context.language ?? 'en', { money: context.money });
      if (text) return { message: text, issues, isConnectionLost: false };
      if (error.status >= 500) return { message: t('error.server'), issues: [], isConnectionLost: false };
      return { message: t('error.withCode', { code: error.code }), issues, isConnectionLost: false };
    }
  }
}

/** Codes said in one fixed sentence (no detail to fill in). */
const PLAIN_MESSAGES: Partial<Record<string, StaffMessageKey>> = {
  REPORT_RANGE_INVALID: 'error.reportRangeInvalid',
  REPORT_RANGE_TOO_LONG: 'error.reportRangeTooLong',
  CODE_NOT_FOUND: 'error.codeNotFound',
  COUPON_NOT_FOUND: 'error.couponNotFound',
  COUPON_EXPIRED: 'error.couponExpired',
  COUPON_NOT_YET_ACTIVE: 'error.couponNotYetActive',
  COUPON_ALREADY_USED: 'error.couponAlreadyUsed',
  COUPON_LIMIT_REACHED: 'error.couponLimitReached',
  COUPON_NOT_STACKABLE: 'error.couponNotStackable',
  COUPON_VOIDED: 'error.couponVoided',
  COUPON_TEMPLATE_NOT_FOUND: 'error.couponTemplateNotFound',
  COUPON_TEMPLATE_ARCHIVED: 'error.couponTemplateArchived',
  COUPON_TEMPLATE_KIND_MISMATCH: 'error.couponTemplateKindMismatch',
  COUPON_TEMPLATE_NOT_AVAILABLE: 'error.couponTemplateNotAvailable',
  COUPON_BATCH_NOT_FOUND: 'error.couponBatchNotFound',
  COUPON_BATCH_NOT_READY: 'error.couponBatchNotReady',
  NOT_APPLICABLE_TO_ITEMS: 'error.notApplicableToItems',
  QR_SIGNATURE_INVALID: 'error.qrSignatureInvalid',
  GIFT_CERTIFICATE_NOT_FOUND: 'error.giftCertificateNotFound',
  GIFT_CERTIFICATE_BLOCKED: 'error.giftCertificateBlocked',
  GIFT_CERTIFICATE_EXPIRED: 'error.giftCertificateExpired',
  GIFT_CERTIFICATE_EMPTY: 'error.giftCertificateEmpty',
  GIFT_CERTIFICATE_CURRENCY: 'error.giftCertificateCurrency',
  GIFT_CERTIFICATE_RELOAD_CAP: 'error.giftCertificateReloadCap',
  GIFT_CERTIFICATE_ALREADY_ISSUED: 'error.giftCertificateAlreadyIssued',
  GIFT_CERTIFICATE_CLAIMED: 'error.giftCertificateClaimed',
  GIFT_CERTIFICATE_INSUFFICIENT_BALANCE: 'error.giftCertificateInsufficientBalance',
  GIFT_CERTIFICATE_NOT_PAYABLE: 'error.giftCertificateNotPayable',
  GIFT_CERTIFICATE_VALUE_CAP: 'error.giftCertificateValueCap',
  GIFT_CERTIFICATE_VOIDED: 'error.giftCertificateVoided',
  GIFT_CERTIFICATE_ALREADY_SPENT: 'error.giftCertificateAlreadySpent',
  GIFT_CERTIFICATE_REFUND_BY_ITEM: 'error.giftCertificateRefundByItem',
};
