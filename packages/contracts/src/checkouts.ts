import { z } from './zod.js';
import { CurrencyCode, ObjectIdString } from './common.js';
import { ExpiringPoints, PendingPoints, PointsBalance } from './members.js';
import { RewardKind } from './rewards.js';
import { RuleBreakdown } from './ledger.js';
import { StampsAddedSummary, WalletStampCard } from './stamps.js';
import { WalletCoupon } from './coupons.js';
import {
  GIFT_CERTIFICATE_SALE_MAX,
  GIFT_CERTIFICATE_VALUE_MAX,
  WalletGiftCertificate,
} from './gift-certificates.js';

const Sku = z.string().trim().min(1).max(64);
const Minor = z.number().int('amounts are integers in minor units (cents)');
const DateTime = z.string().datetime({ offset: true });

/**
 * What a basket line sells: a `product` (the default), or a `giftCertificate` — stored value sold at the
 * till, one certificate per unit worth `unitPriceMinor` (its face value), issued when the sale completes.
 */
export const CheckoutItemKind = z.enum(['product', 'giftCertificate']).openapi('CheckoutItemKind');
export type CheckoutItemKind = z.infer<typeof CheckoutItemKind>;

/** One basket line as the till sends it: the checkout computes the discounts itself. */
export const CheckoutItemInput = z
  .object({
    /** The POS's own SKU (for a gift certificate line: its gift card item, e.g. `GIFT-CARD`). */
    sku: Sku,
    name: z.string().trim().max(200).optional(),
    category: z.string().trim().max(100).optional(),
    /**
     * `giftCertificate` sells certificates: `unitPriceMinor` is each one's value (at least 1, at most the
     * program's cap on a balance), `quantity` how many. Such a line takes no discount and is paid in money
     * only (neither points nor a gift certificate pay for it), and it earns no points.
     */
    kind: CheckoutItemKind.optional(),
    quantity: z.number().int('quantity is a whole number').min(1).max(100_000),
    unitPriceMinor: Minor.min(0, 'prices are not negative').max(1_000_000_000),
  })
  .strict()
  .superRefine((item, ctx) => {
    if (item.kind !== 'giftCertificate') return;
    if (item.unitPriceMinor < 1 || item.unitPriceMinor > GIFT_CERTIFICATE_VALUE_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['unitPriceMinor'],
        message: `a gift certificate is worth 1 to ${GIFT_CERTIFICATE_VALUE_MAX} minor units`,
      });
    if (item.quantity > GIFT_CERTIFICATE_SALE_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['quantity'],
        message: `a line sells at most ${GIFT_CERTIFICATE_SALE_MAX} gift certificates`,
      });
  })
  .openapi('CheckoutItemInput');
export type CheckoutItemInput = z.infer<typeof CheckoutItemInput>;

const CheckoutItems = z.array(CheckoutItemInput).min(1, 'a basket has at least one line').max(500);

/** Who is at the till: the scanned card (`cardCode`, the QR payload) or a member found by the cashier. */
export const CheckoutMemberInput = z
  .union([
    z.object({ cardCode: z.string().trim().min(3).max(100) }).strict(),
    z.object({ memberId: ObjectIdString }).strict(),
  ])
  .openapi('CheckoutMemberInput');

/** `POST /api/v1/checkouts`: opens a checkout for a basket, with or without a member. */
export const OpenCheckoutBody = z
  .object({
    storeId: ObjectIdString,
    member: CheckoutMemberInput.optional(),
    currency: CurrencyCode,
    items: CheckoutItems,
    channel: z.string().trim().max(40).optional(),
  })
  .strict()
  .openapi('OpenCheckoutBody');
export type OpenCheckoutBody = z.infer<typeof OpenCheckoutBody>;

/** `PUT /api/v1/checkouts/:id/items`: the whole basket again (lines added, removed or changed). */
export const ReplaceCheckoutItemsBody = z
  .object({ items: CheckoutItems })
  .strict()
  .openapi('ReplaceCheckoutItemsBody');
export type ReplaceCheckoutItemsBody = z.infer<typeof ReplaceCheckoutItemsBody>;

/**
 * `tierDiscount` is member pricing: applied by the checkout itself when it opens with a member whose tier
 * gives a discount percent (the discount card), never through `POST /applied`.
 */
export const CheckoutInstrumentType = z
  .enum(['reward', 'points', 'stampReward', 'coupon', 'giftCertificate', 'tierDiscount'])
  .openapi('CheckoutInstrumentType');
export type CheckoutInstrumentType = z.infer<typeof CheckoutInstrumentType>;

/** `POST /api/v1/checkouts/:id/applied`: holds an instrument for this checkout. */
export const ApplyToCheckoutBody = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('reward'), rewardId: ObjectIdString }).strict(),
    z
      .object({
        type: z.literal('points'),
        /** Points to pay with (each worth the program's point value). */
        points: z.number().int('points are whole numbers').min(1).max(10_000_000),
      })
      .strict(),
    z.object({ type: z.literal('stampReward'), stampRewardId: ObjectIdString }).strict(),
    z
      .object({
        type: z.literal('coupon'),
        /** The code as typed (case, spaces and hyphens do not matter) or the QR payload scanned. */
        code: z.string().trim().min(4).max(120).optional(),
        /** A coupon in the member's wallet, picked from the offers. */
        couponId: ObjectIdString.optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('giftCertificate'),
        /** The certificate's code as typed, or the QR payload scanned. */
        code: z.string().trim().min(4).max(120).optional(),
        /**
         * A certificate the member claimed into their wallet, picked from the offers (the till has no code
         * for it: the server keeps only a hash). Another member's answers as an unknown code.
         */
        giftCertificateId: ObjectIdString.optional(),
        /** How much of it to use (default: as much as the certificate and the basket allow). */
        amountMinor: Minor.min(1, 'the amount is at least 1').max(1_000_000_000).optional(),
      })
      .strict(),
    z
      .object({
        type: z.literal('code'),
        /**
         * A code typed or scanned at the till when the cashier does not say what it is: the checkout
         * finds whether it is a coupon's or a gift certificate's (a certificate takes as much as it can).
         */
        code: z.string().trim().min(4).max(120),
      })
      .strict(),
  ])
  .refine((body) => body.type !== 'coupon' || (body.code === undefined) !== (body.couponId === undefined), {
    message: 'give the coupon’s code or its couponId (one of them)',
    path: ['code'],
  })
  .refine(
    (body) =>
      body.type !== 'giftCertificate' || (body.code === undefined) !== (body.giftCertificateId === undefined),
    { message: 'give the gift certificate’s code or its giftCertificateId (one of them)', path: ['code'] },
  )
  .openapi('ApplyToCheckoutBody');
export type ApplyToCheckoutBody = z.infer<typeof ApplyToCheckoutBody>;

/** `POST /api/v1/checkouts/:id/complete` (Idempotency-Key required). */
export const CompleteCheckoutBody = z
  .object({
    /** The POS's own receipt id; unique per store. */
    externalId: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .openapi('CompleteCheckoutBody');
export type CompleteCheckoutBody = z.infer<typeof CompleteCheckoutBody>;

export const CheckoutStatus = z
  .enum(['open', 'completed', 'cancelled', 'expired', 'undone'])
  .openapi('CheckoutStatus');
export type CheckoutStatus = z.infer<typeof CheckoutStatus>;

/** A basket line with what the applied instruments take off it. */
export const CheckoutLine = z
  .object({
    sku: z.string(),
    name: z.string().nullable(),
    category: z.string().nullable(),
    /** `giftCertificate`: certificates sold (no discount, paid in money only, no points earned). */
    kind: CheckoutItemKind,
    quantity: z.number().int(),
    unitPriceMinor: z.number().int(),
    /** quantity × unit price. */
    grossMinor: z.number().int(),
    /** Rewards and other discounts on this line (they earn nothing). */
    discountMinor: z.number().int(),
    /** The part of this line paid with points (it earns nothing). */
    paidWithPointsMinor: z.number().int(),
    /** The part of this line paid with gift certificates (money paid earlier: it earns like cash). */
    paidWithGiftCertificatesMinor: z.number().int(),
    /** What the customer pays for this line. */
    toPayMinor: z.number().int(),
  })
  .openapi('CheckoutLine');
export type CheckoutLine = z.infer<typeof CheckoutLine>;

/** A discount (the reward kinds), or a tender: points or a gift certificate's stored value. */
export const InstrumentKind = z
  .union([RewardKind, z.literal('points_payment'), z.literal('stored_value')])
  .openapi('CheckoutInstrumentKind');

/** Why an instrument does not fit the basket (it is dropped, or refused when applied). */
export const InstrumentMisfit = z
  .enum([
    'NO_MATCHING_ITEM',
    'EXCEEDS_TOTAL',
    'MIN_BASKET_NOT_MET',
    'NOT_APPLICABLE_TO_ITEMS',
    'GIFT_CERTIFICATE_NOT_PAYABLE',
  ])
  .openapi('CheckoutInstrumentMisfit');
export type InstrumentMisfit = z.infer<typeof InstrumentMisfit>;

/** What an instrument does to this basket: its amount and the lines it touches. */
export const CheckoutAppliedInstrument = z
  .object({
    id: ObjectIdString,
    type: CheckoutInstrumentType,
    /** What the receipt prints ("Free espresso"). */
    label: z.string(),
    kind: InstrumentKind,
    rewardId: ObjectIdString.nullable(),
    stampRewardId: ObjectIdString.nullable(),
    /** The coupon applied (type `coupon`). */
    couponId: ObjectIdString.nullable(),
    /** The gift certificate tendered (type `giftCertificate`). */
    giftCertificateId: ObjectIdString.nullable(),
    /** Points this instrument holds (spent on completion, given back on cancel or expiry). */
    points: z.number().int(),
    /** What it takes off the basket now. */
    amountMinor: z.number().int(),
    lines: z.array(z.object({ index: z.number().int(), amountMinor: z.number().int() })),
  })
  .openapi('CheckoutAppliedInstrument');
export type CheckoutAppliedInstrument = z.infer<typeof CheckoutAppliedInstrument>;

/** An instrument taken off the checkout by a basket change, and why. */
export const CheckoutDroppedInstrument = z
  .object({
    id: ObjectIdString,
    type: CheckoutInstrumentType,
    label: z.string(),
    /**
     * `NO_MATCHING_ITEM` (the free product left the basket), `EXCEEDS_TOTAL` (points or a certificate worth
     * more than what is left to pay), `MIN_BASKET_NOT_MET` (a coupon's minimum), `NOT_APPLICABLE_TO_ITEMS`
     * (none of the coupon's products is left), `GIFT_CERTIFICATE_NOT_PAYABLE` (points or a certificate
     * would have to pay for a gift certificate sold in the basket: they pay the other lines only).
     */
    reason: InstrumentMisfit,
    message: z.string(),
  })
  .openapi('CheckoutDroppedInstrument');
export type CheckoutDroppedInstrument = z.infer<typeof CheckoutDroppedInstrument>;

/** Something the member could use on this basket, and why it applies (or what is missing). */
export const CheckoutOffer = z
  .object({
    type: CheckoutInstrumentType,
    rewardId: ObjectIdString.nullable(),
    stampRewardId: ObjectIdString.nullable(),
    /** An assigned coupon in the member's wallet (type `coupon`). */
    couponId: ObjectIdString.nullable(),
    /**
     * A gift certificate the member claimed into their wallet (type `giftCertificate`): its id (apply it
     * with `{ type: "giftCertificate", giftCertificateId }`), last 4 characters and what is available on it
     * (the balance less what open checkouts hold); `amountMinor` is what it would pay of this basket.
     */
    giftCertificate: z
      .object({ id: ObjectIdString, last4: z.string(), availableMinor: z.number().int() })
      .nullable(),
    label: z.string(),
    kind: InstrumentKind,
    /** Points it costs (for `points`: the most the member can pay with on this basket). */
    points: z.number().int(),
    /** What it would take off this basket. */
    amountMinor: z.number().int(),
    /** True when it can be applied now. */
    isApplicable: z.boolean(),
    /**
     * `AFFORDABLE`, `UNLOCKED`, `IN_WALLET` (an assigned coupon that fits, a wallet gift certificate with
     * something to pay), `NEEDS_POINTS`, `NEEDS_ITEM`,
     * `OUT_OF_STOCK`, `LIMIT_REACHED`, `NOTHING_TO_PAY`, `MIN_BASKET_NOT_MET`, `NOT_APPLICABLE_TO_ITEMS`,
     * `NOT_STACKABLE` (it does not combine with what is applied).
     */
    reason: z.enum([
      'AFFORDABLE',
      'UNLOCKED',
      'IN_WALLET',
      'NEEDS_POINTS',
      'NEEDS_ITEM',
      'OUT_OF_STOCK',
      'LIMIT_REACHED',
      'NOTHING_TO_PAY',
      'MIN_BASKET_NOT_MET',
      'NOT_APPLICABLE_TO_ITEMS',
      'NOT_STACKABLE',
    ]),
    /** The basket the coupon needs (`MIN_BASKET_NOT_MET`), null otherwise. */
    minBasketMinor: z.number().int().nullable(),
    /** Points still missing (`NEEDS_POINTS`). */
    missingPoints: z.number().int(),
    /** The SKU the basket needs (`NEEDS_ITEM`). */
    sku: z.string().nullable(),
    expiresAt: DateTime.nullable(),
  })
  .openapi('CheckoutOffer');
export type CheckoutOffer = z.infer<typeof CheckoutOffer>;

export const CheckoutTotals = z
  .object({
    subtotalMinor: z.number().int(),
    discountMinor: z.number().int(),
    paidWithPointsMinor: z.number().int(),
    paidWithGiftCertificatesMinor: z.number().int(),
    /** What is left to pay in cash or by card. */
    toPayMinor: z.number().int(),
  })
  .openapi('CheckoutTotals');

/**
 * A receipt line to print: an item, a gift certificate sold (`gift_certificate_sale`), a discount ("Free
 * espresso −€2.40"), points or a certificate paid (`gift_certificate`).
 */
export const ReceiptLine = z
  .object({
    kind: z.enum(['item', 'gift_certificate_sale', 'discount', 'points_payment', 'gift_certificate']),
    label: z.string(),
    quantity: z.number().int().nullable(),
    /** Points paid (`points_payment`), null otherwise. */
    points: z.number().int().nullable(),
    /** Negative for discounts and points paid. */
    amountMinor: z.number().int(),
  })
  .openapi('ReceiptLine');

/**
 * A gift certificate the sale issued. Its code is stored nowhere in clear (a keyed hash, and `last4`): the
 * answer to the completion that issued it is the one place it is shown (`codeShown: true`, with `code`,
 * `displayCode`, `qrPayload` and the `print` request for its A6 PDF). A replay of that completion (same
 * Idempotency-Key) and the checkout read later answer `codeShown: false` and nulls: block it and sell
 * another if the first answer was lost.
 */
export const SoldGiftCertificate = z
  .object({
    id: ObjectIdString,
    last4: z.string(),
    valueMinor: z.number().int(),
    currency: z.string(),
    expiresAt: DateTime.nullable(),
    codeShown: z.boolean(),
    /** The full code (normalised: upper case, no separators), or null when not shown. */
    code: z.string().nullable(),
    /** The code in groups of four with its check character, as the PDF prints it. */
    displayCode: z.string().nullable(),
    /** The signed QR payload the PDF prints (the desk refuses a forged one). */
    qrPayload: z.string().nullable(),
    /** The request that downloads its A6 PDF. */
    print: z
      .object({
        method: z.literal('POST'),
        path: z.literal('/api/v1/gift-certificates/print'),
        body: z.object({ codes: z.array(z.string()), layout: z.literal('single') }),
      })
      .nullable(),
  })
  .openapi('SoldGiftCertificate');
export type SoldGiftCertificate = z.infer<typeof SoldGiftCertificate>;

/**
 * What completing a checkout recorded; the same for every retry with the same Idempotency-Key (except
 * that a sold certificate's code is shown to the first answer only, see SoldGiftCertificate).
 */
export const CheckoutReceipt = z
  .object({
    checkoutId: ObjectIdString,
    purchaseId: ObjectIdString,
    externalId: z.string().nullable(),
    currency: z.string(),
    lines: z.array(ReceiptLine),
    totals: CheckoutTotals,
    redemptionIds: z.array(ObjectIdString),
    pointsSpent: z.number().int(),
    pointsEarned: z.number().int(),
    /** `pending` while the points earned wait for the return window. */
    pointsStatus: z.enum(['active', 'pending']),
    breakdown: z.array(RuleBreakdown),
    /** What the sale did to the member's stamp cards (stamps added, rewards unlocked). */
    stamps: z.array(StampsAddedSummary),
    /** The member's balance after the sale (null for an anonymous sale). */
    balance: z.object({ available: z.number().int(), pending: z.number().int() }).nullable(),
    /** Gift certificates the sale sold (its `giftCertificate` lines), one per unit. */
    giftCertificates: z.array(SoldGiftCertificate),
    completedAt: DateTime,
  })
  .openapi('CheckoutReceipt');
export type CheckoutReceipt = z.infer<typeof CheckoutReceipt>;

export const Checkout = z
  .object({
    id: ObjectIdString,
    status: CheckoutStatus,
    storeId: ObjectIdString,
    currency: z.string(),
    /** The member at the till (null: an anonymous sale), with what a cashier may read. */
    member: z
      .object({
        id: ObjectIdString,
        name: z.string(),
        cardNumber: z.string(),
        balance: PointsBalance,
      })
      .nullable(),
    lines: z.array(CheckoutLine),
    applied: z.array(CheckoutAppliedInstrument),
    /** Instruments the last basket change took off, with the reason (empty otherwise). */
    dropped: z.array(CheckoutDroppedInstrument),
    offers: z.array(CheckoutOffer),
    totals: CheckoutTotals,
    /** Points paying `toPayMinor` would earn through the published rules (0 without a member). */
    earnPreview: z.object({ points: z.number().int(), breakdown: z.array(RuleBreakdown) }),
    expiresAt: DateTime,
    createdAt: DateTime,
    /** Set once completed. */
    receipt: CheckoutReceipt.nullable(),
    /** Set when the sale was undone at the till: the full refund that reversed it. */
    undo: z
      .object({
        refundId: ObjectIdString,
        /** Points spent on the sale given back. */
        pointsRestored: z.number().int(),
        /** Points earned on the sale taken back. */
        pointsReversed: z.number().int(),
        undoneAt: DateTime,
      })
      .nullable(),
  })
  .openapi('Checkout');
export type Checkout = z.infer<typeof Checkout>;

/** The member's wallet: everything they hold, one section per module. */
export const MemberWallet = z
  .object({
    memberId: ObjectIdString,
    points: PointsBalance.extend({
      /** Points held by open checkouts (already out of `available`; back if the checkout is cancelled). */
      held: z.number().int(),
      pendingLots: z.array(PendingPoints),
      expiringSoon: z.array(ExpiringPoints),
    }),
    rewards: z.object({
      /** Rewards the member can afford now, cheapest first. */
      affordable: z.array(
        z.object({ rewardId: ObjectIdString, name: z.string(), pointsCost: z.number().int() }),
      ),
      /** The cheapest reward out of reach, and the points still missing (null when none). */
      next: z
        .object({
          rewardId: ObjectIdString,
          name: z.string(),
          pointsCost: z.number().int(),
          missingPoints: z.number().int(),
          /** 0–100: the share of its cost the member has. */
          progressPercent: z.number().int(),
        })
        .nullable(),
    }),
    /** Stamp cards: stamps on the current card and the rewards full cards unlocked (usable now). */
    stampCards: z.array(WalletStampCard),
    /** Assigned coupons (usable now or later, newest validity last), each with its code and QR. */
    coupons: z.array(WalletCoupon),
    /** Gift certificates claimed into the wallet or issued to the member, each with what it holds and its QR. */
    giftCertificates: z.array(WalletGiftCertificate),
    tags: z.array(z.string()),
  })
  .openapi('MemberWallet');
export type MemberWallet = z.infer<typeof MemberWallet>;
