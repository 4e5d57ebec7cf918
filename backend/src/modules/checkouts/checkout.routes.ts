import {
  ApplyToCheckoutBody,
  Checkout,
  CheckoutReceipt,
  CompleteCheckoutBody,
  ObjectIdString,
  OpenCheckoutBody,
  ReplaceCheckoutItemsBody,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { STORE_STAFF } from '../../platform/principal.js';
import { requestKeyOf } from '../ledger/request-key.js';
import type { CheckoutService } from './checkout.service.js';

const IdParams = z.object({ id: ObjectIdString });
const access = { staff: STORE_STAFF, apiKey: ['checkouts:write'] } as const;
const CLOSED = ['CHECKOUT_COMPLETED', 'CHECKOUT_CANCELLED', 'CHECKOUT_EXPIRED'] as const;

export function registerCheckoutRoutes(api: Api, deps: { checkouts: CheckoutService }): void {
  api.route({
    method: 'post',
    path: '/checkouts',
    operationId: 'openCheckout',
    summary:
      'Open a checkout for a basket: offers, holds and one completion (the recommended till integration)',
    description:
      'Identify the member with the scanned `cardCode` (it is used up by this checkout) or a `memberId`; without one the sale is anonymous. ' +
      'The answer prices the basket, lists `offers` (rewards, unlocked stamp rewards, pay-with-points, each with why it applies or what is missing) ' +
      'and previews the points paying would earn. A line of `kind: giftCertificate` sells gift certificates (one per unit, worth `unitPriceMinor`; no member needed): ' +
      'no discount touches it, neither points nor a gift certificate pay for it, it earns no points, and completion issues the certificates. ' +
      "An open checkout expires after the program's `checkoutTtlMinutes` (default 15) since its last change.",
    tags: ['Checkouts'],
    access,
    body: OpenCheckoutBody,
    response: { schema: Checkout },
    errors: [
      'VALIDATION_FAILED',
      'CURRENCY_NOT_SUPPORTED',
      'STORE_NOT_FOUND',
      'STORE_MISMATCH',
      'STORE_INACTIVE',
      'MEMBER_NOT_FOUND',
      'MEMBER_BLOCKED',
      'CARD_CODE_INVALID',
      'CARD_CODE_EXPIRED',
      'CARD_CODE_USED',
      'GIFT_CERTIFICATE_VALUE_CAP',
    ],
    handler: async ({ body, principal }) => deps.checkouts.open(body, principal),
  });

  api.route({
    method: 'get',
    path: '/checkouts/:id',
    operationId: 'getCheckout',
    summary: 'A checkout: priced lines, applied instruments, offers, totals and, once completed, its receipt',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    response: { schema: Checkout },
    errors: ['CHECKOUT_NOT_FOUND', 'STORE_MISMATCH'],
    handler: async ({ params, principal }) => deps.checkouts.get(params.id, principal),
  });

  api.route({
    method: 'put',
    path: '/checkouts/:id/items',
    operationId: 'replaceCheckoutItems',
    summary: 'Replace the basket; instruments that no longer fit are released and listed in `dropped`',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    body: ReplaceCheckoutItemsBody,
    response: { status: 200, schema: Checkout },
    errors: [
      'CHECKOUT_NOT_FOUND',
      'STORE_MISMATCH',
      'VALIDATION_FAILED',
      ...CLOSED,
      'GIFT_CERTIFICATE_VALUE_CAP',
    ],
    handler: async ({ params, body, principal }) =>
      deps.checkouts.replaceItems(params.id, body.items, principal),
  });

  api.route({
    method: 'post',
    path: '/checkouts/:id/applied',
    operationId: 'applyToCheckout',
    summary:
      'Apply a reward, points or an unlocked stamp reward: it is held for this checkout until it completes',
    description:
      'The hold is a conditional spend: the member’s available balance drops by it at once, so two tills cannot spend the same points ' +
      '(409 `INSUFFICIENT_POINTS` with `{ available, required }`). A discount is spread over the lines and capped at what is left; ' +
      'a free product takes one unit of its line; points pay what is left after the discounts.',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    body: ApplyToCheckoutBody,
    response: { schema: Checkout },
    errors: [
      'CHECKOUT_NOT_FOUND',
      'STORE_MISMATCH',
      'VALIDATION_FAILED',
      ...CLOSED,
      'CHECKOUT_MEMBER_REQUIRED',
      'MEMBER_BLOCKED',
      'REWARD_NOT_FOUND',
      'REWARD_NOT_AVAILABLE',
      'STAMP_REWARD_NOT_FOUND',
      'STAMP_REWARD_NOT_AVAILABLE',
      'INSUFFICIENT_POINTS',
      'OUT_OF_STOCK',
      'LIMIT_REACHED',
      'INSTRUMENT_NOT_APPLICABLE',
      // A coupon (or an unclassified code) held through the coupons module's port.
      'CODE_NOT_FOUND',
      'RATE_LIMITED',
      'COUPON_NOT_FOUND',
      'COUPON_EXPIRED',
      'COUPON_NOT_YET_ACTIVE',
      'COUPON_ALREADY_USED',
      'COUPON_VOIDED',
      'COUPON_LIMIT_REACHED',
      'COUPON_NOT_STACKABLE',
      'COUPON_CONDITIONS_NOT_MET',
      'COUPON_DISCOUNT_CURRENCY',
      'MIN_BASKET_NOT_MET',
      'NOT_APPLICABLE_TO_ITEMS',
      'GIFT_CERTIFICATE_NOT_FOUND',
      'GIFT_CERTIFICATE_BLOCKED',
      'GIFT_CERTIFICATE_EXPIRED',
      'GIFT_CERTIFICATE_EMPTY',
      'GIFT_CERTIFICATE_INSUFFICIENT_BALANCE',
      'GIFT_CERTIFICATE_NOTHING_TO_PAY',
      'GIFT_CERTIFICATE_ALREADY_APPLIED',
      'GIFT_CERTIFICATE_CURRENCY',
      'GIFT_CERTIFICATE_VOIDED',
      'GIFT_CERTIFICATE_NOT_PAYABLE',
      'QR_SIGNATURE_INVALID',
    ],
    // The address counts wrong coupon codes beside the credential (RATE_LIMIT_COUPON_MISSES_PER_MIN).
    handler: async ({ params, body, principal, req }) =>
      deps.checkouts.apply(params.id, body, principal, { clientIp: req.ip ?? null }),
  });

  api.route({
    method: 'delete',
    path: '/checkouts/:id/applied/:appliedId',
    operationId: 'removeFromCheckout',
    summary: 'Take an applied instrument off the checkout and give its hold back',
    tags: ['Checkouts'],
    access,
    params: z.object({ id: ObjectIdString, appliedId: ObjectIdString }),
    response: { status: 200, schema: Checkout },
    errors: ['CHECKOUT_NOT_FOUND', 'CHECKOUT_INSTRUMENT_NOT_FOUND', 'STORE_MISMATCH', ...CLOSED],
    handler: async ({ params, principal }) => deps.checkouts.remove(params.id, params.appliedId, principal),
  });

  api.route({
    method: 'post',
    path: '/checkouts/:id/cancel',
    operationId: 'cancelCheckout',
    summary: 'Cancel an open checkout: every hold is given back',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    response: { status: 200, schema: Checkout },
    errors: ['CHECKOUT_NOT_FOUND', 'STORE_MISMATCH', ...CLOSED],
    handler: async ({ params, principal }) => deps.checkouts.cancel(params.id, principal),
  });

  api.route({
    method: 'post',
    path: '/checkouts/:id/undo',
    operationId: 'undoCheckout',
    summary: 'Undo a sale just completed at the till: a full refund of its purchase (points spent come back)',
    description:
      'For the cashier until the next customer: allowed for 10 minutes after completion while nothing of the sale was refunded ' +
      '(409 `CHECKOUT_UNDO_CLOSED` afterwards: a manager refunds the purchase). The same `Idempotency-Key` replays.',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    idempotency: 'required',
    response: { status: 200, schema: Checkout },
    errors: [
      'CHECKOUT_NOT_FOUND',
      'STORE_MISMATCH',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'CHECKOUT_NOT_COMPLETED',
      'CHECKOUT_UNDO_CLOSED',
      'GIFT_CERTIFICATE_ALREADY_SPENT',
    ],
    handler: async ({ params, principal, req }) =>
      deps.checkouts.undo(params.id, { principal, requestKey: requestKeyOf(req, principal) }),
  });

  api.route({
    method: 'post',
    path: '/checkouts/:id/complete',
    operationId: 'completeCheckout',
    summary: 'Complete the sale: the purchase, its redemptions and the points earned, in one transaction',
    description:
      'Send an `Idempotency-Key`: retries with it get the same receipt and record once; another key gets 409 `CHECKOUT_COMPLETED`. ' +
      '`externalId` (the receipt number) is unique per store. Points are earned on what was paid: the rules see the discounted lines (never a gift certificate sold). ' +
      'Gift certificates sold are issued in the same transaction; their codes are in this answer only (`giftCertificates[].codeShown: true`): ' +
      'a replay with the same key answers them by their last 4 characters (`codeShown: false`), as codes are kept nowhere in clear.',
    tags: ['Checkouts'],
    access,
    params: IdParams,
    body: CompleteCheckoutBody,
    idempotency: 'required',
    response: { status: 200, schema: CheckoutReceipt },
    errors: [
      'CHECKOUT_NOT_FOUND',
      'STORE_MISMATCH',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'VALIDATION_FAILED',
      ...CLOSED,
      'MEMBER_BLOCKED',
      'PURCHASE_EXISTS',
    ],
    handler: async ({ params, body, principal, req, recordAnswer }) =>
      deps.checkouts.complete(params.id, body, {
        principal,
        requestKey: requestKeyOf(req, principal),
        recordAnswer,
      }),
  });
}
