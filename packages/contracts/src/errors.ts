import { z } from './zod.js';
import { StampRewardStatus } from './stamps.js';

/** One problem of a refused input: where (`items[2].quantity`) and what; `limit` for a size limit exceeded. */
export const ValidationIssue = z
  .object({ path: z.string(), message: z.string(), limit: z.number().int().optional() })
  .openapi('ValidationIssue');
const Issues = z.array(ValidationIssue).openapi('ValidationIssues');
const Limit = z.object({ limit: z.number().int() });

/** An error code: its HTTP status, what it means, and the shape of its `details` when it has any. */
export type ErrorCodeSpec = { status: number; description: string; details?: z.ZodTypeAny };

/**
 * Every `error.code` the API answers with. Each code has one status; the OpenAPI document lists, per
 * operation and status, the codes that operation can give (`code` as an enum, `details` typed).
 */
export const ERROR_CATALOGUE = {
  // 400: the request itself is wrong
  VALIDATION_FAILED: {
    status: 400,
    description: 'A field is missing, of the wrong type or out of range; `details` lists `{ path, message }`',
    details: Issues,
  },
  MALFORMED_JSON: { status: 400, description: 'The body is not JSON' },
  BAD_ENCODING: { status: 400, description: 'The body cannot be decoded as its `Content-Encoding` says' },
  BAD_PATH_ENCODING: { status: 400, description: 'A path segment is not valid percent-encoding' },
  BAD_CONTENT_LENGTH: { status: 400, description: 'The `Content-Length` does not match the body' },
  REQUEST_ABORTED: { status: 400, description: 'The body ended before its length' },
  BAD_REQUEST: { status: 400, description: 'The request could not be understood' },
  INVALID_FIELD_NAME: { status: 400, description: 'A field name starts with `$` or contains NUL' },
  IDEMPOTENCY_KEY_REQUIRED: { status: 400, description: 'Send an `Idempotency-Key` header' },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    description: 'The `Idempotency-Key` is empty, too long or not printable',
  },
  INVALID_CURSOR: {
    status: 400,
    description: 'A cursor from another list, or a broken one: start again without it',
  },
  REPORT_RANGE_INVALID: { status: 400, description: "A report's `to` is before its `from`" },
  REPORT_RANGE_TOO_LONG: {
    status: 400,
    description: 'A report range longer than 5 years (1,830 days)',
    details: Limit,
  },
  EVENT_TYPE_UNKNOWN: {
    status: 400,
    description: 'An event type or pattern that matches nothing in the catalogue',
    details: z.object({ pattern: z.string() }),
  },
  EVENT_FILTER_TOO_LONG: {
    status: 400,
    description: 'More than 50 types or patterns in one filter',
    details: z.object({ limit: z.number().int(), given: z.number().int() }),
  },
  WEBHOOK_URL_INVALID: {
    status: 400,
    description: 'The webhook URL is not a URL, or carries credentials',
    details: z.object({ url: z.string() }),
  },
  WEBHOOK_URL_SCHEME: {
    status: 400,
    description: 'A webhook URL must be http or https',
    details: z.object({ scheme: z.string() }),
  },
  WEBHOOK_TARGET_PRIVATE: {
    status: 400,
    description:
      'In production, a webhook URL pointing to a private, loopback or link-local address (unless WEBHOOK_ALLOW_PRIVATE)',
    details: z.object({ host: z.string(), address: z.string() }),
  },
  WEBHOOK_TARGET_UNRESOLVABLE: {
    status: 400,
    description: "The webhook URL's host does not resolve",
    details: z.object({ host: z.string() }),
  },
  // 401: who is calling is unknown or not valid
  UNAUTHENTICATED: { status: 401, description: 'Sign in first, or send an API key' },
  INVALID_AUTHORIZATION_HEADER: { status: 401, description: 'Use `Authorization: Bearer <token>`' },
  INVALID_TOKEN: { status: 401, description: 'The access token is not valid' },
  TOKEN_EXPIRED: { status: 401, description: 'The access token has expired; refresh it' },
  INVALID_API_KEY: { status: 401, description: 'The API key is not valid' },
  API_KEY_REVOKED: { status: 401, description: 'The API key has been revoked' },
  ACCOUNT_DISABLED: { status: 401, description: 'The staff account is disabled' },
  INVALID_CREDENTIALS: { status: 401, description: 'Wrong email or password' },
  INVALID_REFRESH_TOKEN: { status: 401, description: 'The refresh token is not valid; sign in again' },
  REFRESH_TOKEN_EXPIRED: { status: 401, description: 'The refresh token has expired; sign in again' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    description: 'A refresh token was used twice: the whole session was revoked; sign in again',
  },
  OTP_INVALID: { status: 401, description: 'Wrong one-time code' },
  OTP_EXPIRED: { status: 401, description: 'The one-time code has expired' },
  OTP_NOT_FOUND: { status: 401, description: 'No valid one-time code for this phone' },
  OTP_USED: { status: 401, description: 'The one-time code was already used' },
  OTP_ATTEMPTS_EXCEEDED: { status: 401, description: 'Too many wrong codes; request a new one' },
  MEMBER_SESSION_BLOCKED: {
    status: 401,
    description: 'The card is blocked: the member cannot sign in, and open sessions end at once',
  },
  // 403: known, but not allowed
  FORBIDDEN: { status: 403, description: 'Your role or kind of credential may not do this' },
  INSUFFICIENT_SCOPE: { status: 403, description: 'The API key lacks the scope this needs' },
  STORE_MISMATCH: { status: 403, description: 'The credential is bound to another store' },
  // 404
  ROUTE_NOT_FOUND: { status: 404, description: 'No endpoint has this method and path' },
  API_KEY_NOT_FOUND: { status: 404, description: 'Unknown API key id' },
  MEMBER_NOT_FOUND: { status: 404, description: 'Unknown member' },
  PURCHASE_NOT_FOUND: { status: 404, description: 'Unknown purchase' },
  REDEMPTION_NOT_FOUND: { status: 404, description: 'Unknown redemption' },
  REFUND_NOT_FOUND: { status: 404, description: 'Unknown refund' },
  REWARD_NOT_FOUND: { status: 404, description: 'Unknown reward' },
  REWARD_IMAGE_NOT_FOUND: { status: 404, description: 'The reward has no image' },
  STAMP_CARD_NOT_FOUND: { status: 404, description: 'Unknown stamp card definition' },
  STAMP_REWARD_NOT_FOUND: { status: 404, description: "Unknown stamp reward, or not this member's" },
  RULE_NOT_FOUND: { status: 404, description: 'Unknown rule' },
  TIER_LADDER_NOT_FOUND: { status: 404, description: 'No tier ladder is published yet' },
  RULE_VERSION_NOT_FOUND: { status: 404, description: 'The rule has no published version with this number' },
  RULE_TEMPLATE_NOT_FOUND: { status: 404, description: 'Unknown rule template' },
  SANDBOX_ADVANCE_NOT_FOUND: { status: 404, description: 'Unknown clock advance' },
  STAFF_NOT_FOUND: { status: 404, description: 'Unknown staff account' },
  STORE_NOT_FOUND: { status: 404, description: 'Unknown store' },
  WEBHOOK_NOT_FOUND: { status: 404, description: 'Unknown webhook endpoint' },
  WEBHOOK_DELIVERY_NOT_FOUND: { status: 404, description: 'Unknown delivery of this endpoint' },
  CHECKOUT_NOT_FOUND: { status: 404, description: 'Unknown checkout' },
  GIFT_CERTIFICATE_NOT_FOUND: {
    status: 404,
    description: 'No gift certificate has this code (or id); wrong codes count against a strict limit',
  },
  CHECKOUT_INSTRUMENT_NOT_FOUND: {
    status: 404,
    description: 'No instrument with this id is applied to the checkout',
  },
  COUPON_NOT_FOUND: {
    status: 404,
    description:
      'No usable coupon has this code (or id): unknown, or assigned to another member (the same answer, in the same time)',
  },
  COUPON_TEMPLATE_NOT_FOUND: { status: 404, description: 'Unknown coupon template' },
  REFERRAL_NOT_FOUND: { status: 404, description: 'Unknown referral' },
  REFERRAL_CODE_NOT_FOUND: {
    status: 404,
    description: 'No member has this referral code (check the spelling: `MARIA-7K3F`)',
  },
  REFERRAL_HOUSEHOLD_NOT_FOUND: { status: 404, description: 'Unknown household on the referral allow-list' },
  COUPON_BATCH_NOT_FOUND: { status: 404, description: 'Unknown coupon batch' },
  COUPON_BATCH_NOT_READY: {
    status: 409,
    description: 'The batch has no codes yet: print it once its job has generated them',
  },
  // 409: the state of things does not allow it
  DUPLICATE: {
    status: 409,
    description: 'Another record already has this value',
    details: z.object({ fields: z.array(z.string()) }),
  },
  IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    description: 'A request with this `Idempotency-Key` is still running; retry shortly',
  },
  INSUFFICIENT_POINTS: {
    status: 409,
    description: 'The balance does not cover it; nothing was spent',
    details: z.object({ available: z.number().int(), pending: z.number().int(), required: z.number().int() }),
  },
  OUT_OF_STOCK: { status: 409, description: 'The reward is out of stock' },
  LIMIT_REACHED: {
    status: 409,
    description: 'The member reached the per-member limit of this reward',
    details: z.object({ limit: z.number().int(), used: z.number().int() }),
  },
  REWARD_NOT_AVAILABLE: { status: 409, description: 'The reward cannot be redeemed now' },
  STAMP_CARD_ARCHIVED: {
    status: 409,
    description: 'The stamp card is archived: it can no longer be changed',
  },
  STAMP_REWARD_NOT_AVAILABLE: {
    status: 409,
    description:
      'The stamp reward is not usable now: already held by a checkout, used, expired or locked; `details.status` says which',
    details: z.object({ status: StampRewardStatus }),
  },
  CARD_CODE_USED: {
    status: 409,
    description: 'This QR code was already used: one code authorises one purchase and one redemption',
    details: z.object({ use: z.string() }),
  },
  MEMBER_BLOCKED: { status: 409, description: 'The member is blocked' },
  MEMBER_DELETED: {
    status: 409,
    description: 'The member deleted their account: the profile and the card can no longer change',
  },
  ALREADY_REFERRED: {
    status: 409,
    description: 'The member was already referred (the first valid code wins); nothing was changed',
  },
  REFERRAL_TOO_LATE: {
    status: 409,
    description: 'A referral code counts only before the first purchase: this member has bought already',
  },
  REFERRALS_NOT_ACTIVE: {
    status: 409,
    description: 'The program has no active referral terms: codes cannot be used now',
  },
  REFERRAL_NOT_IN_REVIEW: {
    status: 409,
    description: 'The referral is not waiting for a review (decided already, or never sent to the queue)',
  },
  REFERRAL_OWN_CODE: { status: 422, description: 'A member cannot use their own referral code' },
  REFERRAL_CLEARING_TOO_SHORT: {
    status: 422,
    description:
      "The clearing window is shorter than the program's return window (`pendingDays`): a returned purchase would be rewarded",
    details: z.object({ clearingDays: z.number().int(), returnWindowDays: z.number().int() }),
  },
  GIFT_CERTIFICATE_BLOCKED: { status: 409, description: 'The gift certificate is blocked' },
  GIFT_CERTIFICATE_VOIDED: {
    status: 409,
    description: 'The gift certificate was sold at the till and taken back by the refund of that sale',
  },
  GIFT_CERTIFICATE_NOT_PAYABLE: {
    status: 409,
    description:
      'A gift certificate sold in this basket cannot be paid with points or another gift certificate: they pay the other lines only',
    details: z.object({ leftToPayMinor: z.number().int(), giftCertificatesMinor: z.number().int() }),
  },
  GIFT_CERTIFICATE_ALREADY_SPENT: {
    status: 409,
    description:
      'A gift certificate this refund would take back has been spent (in part or in full) or is in use: a sold certificate is refunded only unspent',
    details: z.object({
      certificates: z.array(
        z.object({
          last4: z.string(),
          initialValueMinor: z.number().int(),
          balanceMinor: z.number().int(),
          availableMinor: z.number().int(),
          spentMinor: z.number().int(),
        }),
      ),
    }),
  },
  GIFT_CERTIFICATE_EXPIRED: {
    status: 409,
    description: 'The gift certificate expired (its balance was recorded as breakage)',
    details: z.object({ expiresAt: z.string() }),
  },
  GIFT_CERTIFICATE_EMPTY: { status: 409, description: 'The gift certificate has no balance left' },
  GIFT_CERTIFICATE_INSUFFICIENT_BALANCE: {
    status: 409,
    description: 'The gift certificate holds less than asked (open checkouts may hold part of it)',
    details: z.object({ availableMinor: z.number().int(), requestedMinor: z.number().int() }),
  },
  GIFT_CERTIFICATE_NOTHING_TO_PAY: {
    status: 409,
    description: 'Nothing is left to pay in this checkout: a gift certificate has nothing to take',
  },
  GIFT_CERTIFICATE_ALREADY_APPLIED: {
    status: 409,
    description: 'This gift certificate is already applied to this checkout',
  },
  GIFT_CERTIFICATE_ALREADY_ISSUED: {
    status: 409,
    description:
      'This `Idempotency-Key` already issued: the code was shown once and is not kept; block it and issue again if it was lost',
    details: z.object({ id: z.string() }),
  },
  GIFT_CERTIFICATE_CLAIMED: {
    status: 409,
    description: "The gift certificate is in another member's wallet",
  },
  WEBHOOK_DISABLED: {
    status: 409,
    description: 'The webhook endpoint is turned off: turn it on first',
    details: z.object({ disabledReason: z.enum(['gone', 'failing']).or(z.null()) }),
  },
  WEBHOOK_PING_NOT_REDELIVERABLE: {
    status: 409,
    description: 'A test ping is not redelivered: send a new ping',
  },
  MEMBER_EXISTS: {
    status: 409,
    description: 'A member with this phone or email already exists',
    details: z.object({ field: z.string() }).optional(),
  },
  PURCHASE_EXISTS: {
    status: 409,
    description: 'The receipt (`externalId`) was already recorded for this store',
    details: z.object({ purchaseId: z.string() }),
  },
  PURCHASE_ALREADY_REFUNDED: { status: 409, description: 'The purchase was refunded in full already' },
  REDEMPTION_ALREADY_APPLIED: {
    status: 409,
    description: 'The redemption already paid for another purchase',
  },
  REDEMPTION_ALREADY_CANCELLED: { status: 409, description: 'The redemption was already cancelled' },
  REDEMPTION_CHANGED: { status: 409, description: 'A redemption changed meanwhile; retry' },
  REDEMPTION_SETTLED: {
    status: 409,
    description: 'The redemption paid for a recorded purchase: refund that purchase instead',
    details: z.object({ purchaseId: z.string() }),
  },
  REDEMPTION_HELD: {
    status: 409,
    description: 'The redemption is held by an open checkout: remove it there, or cancel the checkout',
    details: z.object({ checkoutId: z.string().nullable() }),
  },
  CHECKOUT_COMPLETED: {
    status: 409,
    description:
      'The checkout was completed already (by a request with another `Idempotency-Key`): nothing more can change',
    details: z.object({ purchaseId: z.string().nullable() }),
  },
  CHECKOUT_CANCELLED: { status: 409, description: 'The checkout was cancelled: open a new one' },
  CHECKOUT_NOT_COMPLETED: { status: 409, description: 'Only a completed sale can be undone' },
  CHECKOUT_UNDO_CLOSED: {
    status: 409,
    description:
      'The sale can no longer be undone at the till (10 minutes after completion, or it was refunded or undone already): a manager refunds it',
  },
  CHECKOUT_EXPIRED: {
    status: 409,
    description: 'The checkout expired and its holds were released: open a new one',
  },
  CHECKOUT_MEMBER_REQUIRED: {
    status: 409,
    description: 'Rewards and points need a member at the checkout: open it with the card or the member',
  },
  COUPON_EXPIRED: {
    status: 409,
    description: 'The coupon is past its validity',
    details: z.object({ validUntil: z.string() }),
  },
  COUPON_NOT_YET_ACTIVE: {
    status: 409,
    description: 'The coupon cannot be used yet (a bounce-back coupon before its return window closes)',
    details: z.object({ validFrom: z.string() }),
  },
  COUPON_ALREADY_USED: {
    status: 409,
    description: 'The coupon was used up (or another checkout holds its last use)',
    details: z.object({ uses: z.number().int(), maxUses: z.number().int(), held: z.number().int() }),
  },
  COUPON_VOIDED: {
    status: 409,
    description: 'The coupon was voided (its purchase was refunded, or by staff)',
  },
  COUPON_LIMIT_REACHED: {
    status: 409,
    description:
      "The coupon's template reached a limit: uses per member (`scope: member`) or uses of all its coupons (`scope: total`)",
    details: z.object({
      scope: z.enum(['member', 'total']),
      limit: z.number().int(),
      used: z.number().int(),
    }),
  },
  COUPON_NOT_STACKABLE: {
    status: 409,
    description:
      'The coupon does not combine with what the checkout already holds (another coupon, or a reward)',
    details: z.object({ conflictsWith: z.enum(['coupon', 'reward']) }),
  },
  COUPON_TEMPLATE_CHANGED: {
    status: 409,
    description: 'Someone else changed the coupon template meanwhile (a new version): reload it',
  },
  COUPON_TEMPLATE_ARCHIVED: {
    status: 409,
    description: 'The coupon template is archived: it issues no more coupons',
  },
  COUPON_TEMPLATE_KIND_MISMATCH: {
    status: 409,
    description: 'Batches make bearer coupons; assignment, staff and rules issue assigned ones',
    details: z.object({ kind: z.enum(['bearer', 'assigned']), needed: z.enum(['bearer', 'assigned']) }),
  },
  INSTRUMENT_NOT_APPLICABLE: {
    status: 409,
    description:
      'The instrument does not fit this basket (its free product is not in it, or nothing is left to discount)',
    details: z.object({ reason: z.enum(['NO_MATCHING_ITEM', 'EXCEEDS_TOTAL']) }),
  },
  CODE_NOT_FOUND: {
    status: 404,
    description: 'No coupon or gift certificate has this code (check it for a typo)',
  },
  STORE_CODE_TAKEN: { status: 409, description: 'Another store has this code' },
  STORE_INACTIVE: { status: 409, description: 'The store is closed (inactive)' },
  STAFF_EXISTS: { status: 409, description: 'A staff account with this email exists' },
  RULE_ARCHIVED: { status: 409, description: 'An archived rule cannot change' },
  RULE_CHANGED: { status: 409, description: 'Someone else changed the rule meanwhile; reload it' },
  NOTHING_TO_PUBLISH: { status: 409, description: 'The draft has no changes to publish' },
  INVALID_RULE_STATUS: { status: 409, description: 'The rule is not in a status that allows this' },
  SANDBOX_DISABLED: { status: 409, description: 'This deployment has no sandbox clock' },
  CLOCK_BACKWARDS: {
    status: 409,
    description: 'The sandbox clock only moves forward',
    details: z.object({ now: z.string(), requested: z.string() }),
  },
  CLOCK_BUSY: { status: 409, description: 'The sandbox clock is being advanced by someone else' },
  // 413 / 415: the body is beyond what the API reads
  PAYLOAD_TOO_LARGE: { status: 413, description: 'A JSON body over 1 MB' },
  BODY_TOO_DEEP: { status: 413, description: 'A JSON body nested deeper than 64 levels', details: Limit },
  BODY_TOO_MANY_KEYS: { status: 413, description: 'A JSON body with more than 20,000 keys', details: Limit },
  REWARD_IMAGE_TOO_LARGE: {
    status: 413,
    description: 'A reward image over 256 KB (decoded); `details.limit` is the cap in bytes',
    details: Limit,
  },
  UNSUPPORTED_ENCODING: {
    status: 415,
    description: 'A `Content-Encoding` other than gzip, deflate or br, or a charset other than UTF-8',
  },
  // 422: understood, but refused by a business rule
  REWARD_IMAGE_INVALID: {
    status: 422,
    description: 'The image is not a JPEG, PNG or WebP (its bytes say so, whatever its name), or not base64',
  },
  IDEMPOTENCY_KEY_REUSED: { status: 422, description: 'The `Idempotency-Key` was used for another request' },
  RULE_INVALID: {
    status: 422,
    description: 'The rule language refuses this definition; `details` lists `{ path, message }`',
    details: Issues,
  },
  TIER_LADDER_NO_BASE: {
    status: 422,
    description: 'A ladder starts with its base tier, whose threshold is 0',
  },
  TIER_THRESHOLDS_NOT_INCREASING: {
    status: 422,
    description:
      "Each tier's threshold must be above the one before it (no overlap, no tie); `details` lists `{ path, message }`",
    details: Issues,
  },
  TIER_CODE_DUPLICATE: {
    status: 422,
    description: 'Two tiers of the ladder have the same code; `details` lists `{ path, message }`',
    details: Issues,
  },
  TIER_UNKNOWN: { status: 422, description: 'The published ladder has no tier with this code' },
  TIER_OVERRIDE_REASON_REQUIRED: {
    status: 422,
    description: 'A manual tier override (or its removal) needs a reason',
  },
  TIER_OVERRIDE_UNTIL_INVALID: {
    status: 422,
    description:
      '`fixed_until` needs an `until` in the future; `floor` takes no `until` (it lasts until removed)',
  },
  STAMP_CARD_NOT_AVAILABLE: {
    status: 422,
    description:
      'An `addStamps` effect names no active stamp card definition (published or resumed); `details` lists `{ path, cardId }`',
    details: z.array(z.object({ path: z.string(), cardId: z.string() })),
  },
  EFFECT_NOT_AVAILABLE: {
    status: 422,
    description:
      'The rule uses an effect, audience or condition field that no module carries out yet (published, resumed or simulated); `details` lists `{ path, kind, name, message }`',
    details: z.array(
      z.object({
        path: z.string(),
        kind: z.enum(['effect', 'audience', 'condition']),
        name: z.string(),
        message: z.string(),
      }),
    ),
  },
  RULE_TOO_COMPLEX: {
    status: 422,
    description: 'The rule is beyond the size and nesting limits',
    details: Issues,
  },
  SIMULATION_TOO_EXPENSIVE: {
    status: 422,
    description:
      'The simulation computed longer than `SIMULATION_BUDGET_MS`: simulate fewer rules or a smaller basket',
    details: z.object({ budgetMs: z.number().int() }),
  },
  RULE_SET_CONFLICT: {
    status: 422,
    description: 'The rule does not fit with the published rules',
    details: Issues,
  },
  TOTAL_MISMATCH: {
    status: 422,
    description: '`totalMinor` differs from the sum of the lines',
    details: z.object({ totalMinor: z.number().int(), linesTotalMinor: z.number().int() }),
  },
  LINE_DEDUCTIONS_EXCEED_LINE: {
    status: 422,
    description: 'A line’s discount and points exceed its price',
    details: z.object({ index: z.number().int() }),
  },
  GIFT_CERTIFICATE_CURRENCY: {
    status: 422,
    description: 'The gift certificate is in another currency than the sale (or the program)',
    details: z.object({ certificateCurrency: z.string(), currency: z.string() }),
  },
  GIFT_CERTIFICATE_VALUE_CAP: {
    status: 422,
    description:
      "A gift certificate sold at the till is worth more than the program's cap on a balance (`giftCertificateReloadCapMinor`)",
    details: z.object({ capMinor: z.number().int(), valueMinor: z.number().int(), index: z.number().int() }),
  },
  GIFT_CERTIFICATE_REFUND_BY_ITEM: {
    status: 422,
    description:
      'An amount refund would reach the gift certificates the sale sold: refund those by their line (`items`), or the whole sale',
    details: z.object({
      refundableGoodsMinor: z.number().int(),
      giftCertificatesMinor: z.number().int(),
    }),
  },
  GIFT_CERTIFICATE_RELOAD_CAP: {
    status: 422,
    description: "The reload would take the balance above the program's `giftCertificateReloadCapMinor`",
    details: z.object({
      capMinor: z.number().int(),
      balanceMinor: z.number().int(),
      amountMinor: z.number().int(),
    }),
  },
  CURRENCY_NOT_SUPPORTED: {
    status: 422,
    description: 'Another currency than the program’s',
    details: z.object({ expected: z.string(), given: z.string() }),
  },
  OCCURRED_IN_FUTURE: { status: 422, description: 'A sale more than 5 minutes ahead of the server clock' },
  REDEMPTION_NOT_APPLICABLE: { status: 422, description: 'The redemption cannot pay for this purchase' },
  CARD_CODE_EXPIRED: { status: 422, description: 'The scanned code is stale: ask for a fresh one' },
  CARD_CODE_INVALID: { status: 422, description: 'The scanned code is not a card code' },
  CARD_CODE_MEMBER_MISMATCH: { status: 422, description: 'The scanned code belongs to another member' },
  CARD_NUMBER_INVALID: { status: 422, description: 'The typed card number fails its check digit' },
  MIN_BASKET_NOT_MET: {
    status: 422,
    description:
      'The basket (after the other discounts) is below the coupon’s minimum; `details` has both amounts',
    details: z.object({ minBasketMinor: z.number().int(), basketMinor: z.number().int() }),
  },
  NOT_APPLICABLE_TO_ITEMS: {
    status: 422,
    description: 'No line of the basket is one the coupon applies to (its SKUs or categories)',
    details: z.object({ skus: z.array(z.string()), categories: z.array(z.string()) }),
  },
  COUPON_CONDITIONS_NOT_MET: {
    status: 422,
    description:
      'A condition of the coupon does not hold for this sale: `store`, `tags` (the member has none of them) or `firstPurchase`',
    details: z.object({ condition: z.enum(['store', 'tags', 'firstPurchase']) }),
  },
  QR_SIGNATURE_INVALID: {
    status: 422,
    description:
      'The scanned QR claims to be a code of this program but its signature does not match (forged)',
  },
  COUPON_TEMPLATE_NOT_AVAILABLE: {
    status: 422,
    description:
      'An `issueCoupon` effect names no active assigned coupon template (published or resumed); `details` lists `{ path, couponTemplateId }`',
    details: z.array(z.object({ path: z.string(), couponTemplateId: z.string() })),
  },
  COUPON_VALIDITY_ENDED: {
    status: 422,
    description: 'The validity window has already ended: nothing could ever use these coupons',
    details: z.object({ endsAt: z.string() }),
  },
  COUPON_CODE_FORMAT_WEAK: {
    status: 422,
    description:
      'The code format is not allowed, or too short for this many codes (a guess would hit one with probability above 1e-9)',
    details: z.object({ minimumLength: z.number().int() }),
  },
  COUPON_DISCOUNT_CURRENCY: {
    status: 422,
    description: 'The template’s fixed discount is in another currency than the program’s now',
    details: z.object({ expected: z.string(), given: z.string() }),
  },
  REFUND_EXCEEDS_PURCHASE: {
    status: 422,
    description: 'More than was paid, across all refunds',
    details: z.union([
      z.object({
        totalMinor: z.number().int(),
        refundedMinor: z.number().int(),
        refundableMinor: z.number().int(),
      }),
      z.object({ sku: z.string(), bought: z.number().int(), returned: z.number().int() }),
    ]),
  },
  REFUND_ITEM_NOT_FOUND: {
    status: 422,
    description: 'A SKU that is not on the receipt',
    details: z.object({ sku: z.string() }),
  },
  SIGNUP_REQUIRED: {
    status: 422,
    description: 'No member has this phone: send `signup` to join',
    details: z.object({ field: z.literal('signup') }),
  },
  // 429 / 503: try again later (`Retry-After`)
  RATE_LIMITED: {
    status: 429,
    description: 'Slow down; `Retry-After` says when',
    details: z.object({ retryAfterSeconds: z.number().int() }),
  },
  SERVICE_UNAVAILABLE: {
    status: 503,
    description: 'The database or Redis is unreachable; nothing was changed. Retry with the same key',
    details: z.object({ part: z.enum(['mongo', 'redis']), retryAfterSeconds: z.number().int() }),
  },
  LEDGER_BUSY: {
    status: 503,
    description: 'Too many simultaneous changes to one member; retry with the same key',
  },
  MESSAGE_DELIVERY_FAILED: { status: 503, description: 'The one-time code could not be sent; try again' },
} satisfies Record<string, ErrorCodeSpec>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as [ErrorCode, ...ErrorCode[]];
