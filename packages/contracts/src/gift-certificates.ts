import { z } from './zod.js';
import { CurrencyCode, ObjectIdString, PageQuery } from './common.js';

/** The most one certificate may be issued for: €10,000.00 in minor units (a typo guard, not a policy). */
export const GIFT_CERTIFICATE_VALUE_MAX = 1_000_000;
/** The most certificates one batch makes (its CSV is answered at once). */
export const GIFT_CERTIFICATE_BATCH_MAX = 1000;
/** The most certificates one checkout line sells (each is issued in the sale's transaction). */
export const GIFT_CERTIFICATE_SALE_MAX = 100;

/**
 * `active`: usable; `blocked`: refused at the till until unblocked (lost, stolen, under review); `expired`:
 * past its expiry, its remaining balance recorded as breakage; `voided`: sold at the till and taken back by
 * the refund of that sale (its value left with a `void` entry; it never comes back). A balance of zero is
 * not a status: a refund or a reload makes the same certificate usable again.
 */
export const GiftCertificateStatus = z
  .enum(['active', 'blocked', 'expired', 'voided'])
  .openapi('GiftCertificateStatus');
export type GiftCertificateStatus = z.infer<typeof GiftCertificateStatus>;

/** How a certificate came to be: issued free by staff, by a campaign, or sold at the till. */
export const GiftCertificateChannel = z.enum(['staff', 'campaign', 'sale']).openapi('GiftCertificateChannel');
export type GiftCertificateChannel = z.infer<typeof GiftCertificateChannel>;

/**
 * The kinds of entries of a certificate's own ledger (append-only; the balance is their sum). `void`: the
 * sale that sold it was refunded, and its whole (unspent) value left with the money given back.
 */
export const GiftCertificateEntryType = z
  .enum(['issue', 'redeem', 'reload', 'refund', 'expire', 'adjust', 'void'])
  .openapi('GiftCertificateEntryType');
export type GiftCertificateEntryType = z.infer<typeof GiftCertificateEntryType>;

/** Who wrote an entry or issued a certificate (a staff account, an API key, the system). */
export const GiftCertificateActor = z
  .object({ kind: z.string(), id: z.string().nullable(), label: z.string().nullable() })
  .openapi('GiftCertificateActor');

const Money = z.number().int('amounts are integers in minor units');
const Reason = z.string().trim().min(1).max(500);
const DateTime = z.string().datetime({ offset: true });

/** A certificate as staff and integrations see it after issue: the code only by its last 4 characters. */
export const GiftCertificate = z
  .object({
    id: ObjectIdString,
    /** The last 4 characters of the code (its check character included), for look-up and display. */
    last4: z.string(),
    currency: z.string(),
    initialValueMinor: z.number().int(),
    /** The sum of its ledger entries (held amounts included). */
    balanceMinor: z.number().int(),
    /** Held by open checkouts (out of `availableMinor` until committed or released). */
    heldMinor: z.number().int(),
    /** What a checkout may take now: balance − held. */
    availableMinor: z.number().int(),
    status: GiftCertificateStatus,
    /** Null: it does not expire (the program's `giftCertificateExpiryMonths` was 0 when it was issued). */
    expiresAt: DateTime.nullable(),
    /** The member who claimed it into their wallet (null: a bearer certificate). */
    memberId: ObjectIdString.nullable(),
    channel: GiftCertificateChannel,
    /** The campaign that issued it (free text given at issue), or null. */
    campaign: z.string().nullable(),
    batchId: ObjectIdString.nullable(),
    /** The sale that sold it (channel `sale`), or null. */
    purchaseId: ObjectIdString.nullable(),
    issuedBy: GiftCertificateActor,
    issuedAt: DateTime,
    blockedReason: z.string().nullable(),
    updatedAt: DateTime,
  })
  .openapi('GiftCertificate');
export type GiftCertificate = z.infer<typeof GiftCertificate>;

/** The answer of an issue: the certificate with its full code, shown this once (and never again). */
export const IssuedGiftCertificate = GiftCertificate.extend({
  /** The full code (normalised: upper case, no separators), shown only in this answer. */
  code: z.string(),
  /** The code in groups of four, as printed ("ABCD-EFGH-JKMN-PQ"). */
  displayCode: z.string(),
  /** The signed QR payload (`RG1.G.<code>.<mac>`) to print: the desk refuses a forged one. */
  qrPayload: z.string(),
}).openapi('IssuedGiftCertificate');
export type IssuedGiftCertificate = z.infer<typeof IssuedGiftCertificate>;

const IssueFields = z.object({
  valueMinor: Money.min(1, 'a certificate is worth at least 1 minor unit').max(GIFT_CERTIFICATE_VALUE_MAX),
  /** The program currency (the default); another one is refused with 422 GIFT_CERTIFICATE_CURRENCY. */
  currency: CurrencyCode.optional(),
  /** Set when a campaign issues it (its name or id): the channel is then `campaign`. */
  campaign: z.string().trim().min(1).max(120).optional(),
  /** Why it is issued (kept on the issue entry). */
  reason: Reason,
});

/** `POST /api/v1/gift-certificates`: one certificate, free (staff or a campaign). */
export const IssueGiftCertificateBody = IssueFields.extend({
  /** Issue it straight into this member's wallet (claimed): the card can then show its QR. */
  memberId: ObjectIdString.optional(),
})
  .strict()
  .openapi('IssueGiftCertificateBody');
export type IssueGiftCertificateBody = z.infer<typeof IssueGiftCertificateBody>;

/** `POST /api/v1/gift-certificates/batches`: N bearer certificates of one value. */
export const IssueGiftCertificateBatchBody = IssueFields.extend({
  count: z.number().int().min(1).max(GIFT_CERTIFICATE_BATCH_MAX),
})
  .strict()
  .openapi('IssueGiftCertificateBatchBody');
export type IssueGiftCertificateBatchBody = z.infer<typeof IssueGiftCertificateBatchBody>;

/** The answer of a batch: its CSV (every full code), answered this once. */
export const GiftCertificateBatch = z
  .object({
    batchId: ObjectIdString,
    count: z.number().int(),
    valueMinor: z.number().int(),
    currency: z.string(),
    expiresAt: DateTime.nullable(),
    /** `code,displayCode,last4,valueMinor,currency,expiresAt,qrPayload` with a header line. */
    csv: z.string(),
  })
  .openapi('GiftCertificateBatch');
export type GiftCertificateBatch = z.infer<typeof GiftCertificateBatch>;

/** A typed code (any case, spaces, hyphens) or a scanned QR payload. */
const CodeInput = z.string().trim().min(1).max(200);

/** `POST /api/v1/gift-certificates/balance`: what a code holds (a wrong code counts against a strict limit). */
export const GiftCertificateBalanceBody = z
  .object({ code: CodeInput })
  .strict()
  .openapi('GiftCertificateBalanceBody');
export type GiftCertificateBalanceBody = z.infer<typeof GiftCertificateBalanceBody>;

/** What a balance check answers (no id, no member: the bearer of a code learns only what it holds). */
export const GiftCertificateBalance = z
  .object({
    last4: z.string(),
    currency: z.string(),
    balanceMinor: z.number().int(),
    availableMinor: z.number().int(),
    status: GiftCertificateStatus,
    expiresAt: DateTime.nullable(),
  })
  .openapi('GiftCertificateBalance');
export type GiftCertificateBalance = z.infer<typeof GiftCertificateBalance>;

/** `POST /api/v1/gift-certificates/:id/reloads`: adds value, up to the program's cap on the balance. */
export const ReloadGiftCertificateBody = z
  .object({ amountMinor: Money.min(1).max(GIFT_CERTIFICATE_VALUE_MAX), reason: Reason })
  .strict()
  .openapi('ReloadGiftCertificateBody');
export type ReloadGiftCertificateBody = z.infer<typeof ReloadGiftCertificateBody>;

/** `POST /api/v1/gift-certificates/:id/adjustments`: a correction by a manager (signed, never below zero). */
export const AdjustGiftCertificateBody = z
  .object({
    amountMinor: Money.min(-GIFT_CERTIFICATE_VALUE_MAX)
      .max(GIFT_CERTIFICATE_VALUE_MAX)
      .refine((n) => n !== 0, 'an adjustment changes the balance'),
    reason: Reason,
  })
  .strict()
  .openapi('AdjustGiftCertificateBody');
export type AdjustGiftCertificateBody = z.infer<typeof AdjustGiftCertificateBody>;

/** `POST /api/v1/gift-certificates/:id/block` and `/unblock`. */
export const GiftCertificateStatusBody = z
  .object({ reason: Reason })
  .strict()
  .openapi('GiftCertificateStatusBody');
export type GiftCertificateStatusBody = z.infer<typeof GiftCertificateStatusBody>;

/** `GET /api/v1/gift-certificates`: newest first; `last4` finds a certificate by the end of its code. */
export const GiftCertificateListQuery = PageQuery.extend({
  last4: z
    .string()
    .trim()
    .transform((s) => s.toUpperCase().replace(/[\s-]+/g, ''))
    .pipe(z.string().regex(/^[2-9A-HJKMNP-Z]{4}$/, 'the last 4 characters of a code'))
    .optional(),
  status: GiftCertificateStatus.optional(),
  memberId: ObjectIdString.optional(),
  batchId: ObjectIdString.optional(),
}).strict();
export type GiftCertificateListQuery = z.infer<typeof GiftCertificateListQuery>;

/** One entry of a certificate's ledger: `amountMinor` is signed (+ credit, − debit). */
export const GiftCertificateEntry = z
  .object({
    id: ObjectIdString,
    type: GiftCertificateEntryType,
    amountMinor: z.number().int(),
    balanceAfterMinor: z.number().int(),
    reason: z.string(),
    actor: GiftCertificateActor,
    purchaseId: ObjectIdString.nullable(),
    checkoutId: z.string().nullable(),
    refundId: ObjectIdString.nullable(),
    createdAt: DateTime,
  })
  .openapi('GiftCertificateEntry');
export type GiftCertificateEntry = z.infer<typeof GiftCertificateEntry>;

/** `GET /api/v1/gift-certificates/:id`: the certificate and its whole ledger, oldest entry first. */
export const GiftCertificateDetail = GiftCertificate.extend({
  entries: z.array(GiftCertificateEntry),
}).openapi('GiftCertificateDetail');
export type GiftCertificateDetail = z.infer<typeof GiftCertificateDetail>;

/** `POST /api/v1/me/gift-certificates/claim`: the signed-in member types a bearer certificate's code. */
export const ClaimGiftCertificateBody = z
  .object({ code: CodeInput })
  .strict()
  .openapi('ClaimGiftCertificateBody');
export type ClaimGiftCertificateBody = z.infer<typeof ClaimGiftCertificateBody>;

/**
 * A certificate in the member's wallet (the `giftCertificates` section): what the card shows, with the
 * signed QR to show at the till. Only claimed certificates are here, and only they keep their code
 * (encrypted) so that the card can draw the QR.
 */
export const WalletGiftCertificate = z
  .object({
    id: ObjectIdString,
    last4: z.string(),
    currency: z.string(),
    balanceMinor: z.number().int(),
    availableMinor: z.number().int(),
    status: GiftCertificateStatus,
    expiresAt: DateTime.nullable(),
    qrPayload: z.string(),
  })
  .openapi('WalletGiftCertificate');
export type WalletGiftCertificate = z.infer<typeof WalletGiftCertificate>;

export const WalletGiftCertificateList = z
  .object({ items: z.array(WalletGiftCertificate) })
  .openapi('WalletGiftCertificateList');

/** One currency's figures of the liability report. */
export const GiftCertificateLiability = z
  .object({
    currency: z.string(),
    /** What certificates still hold (the merchant owes it), by the age of their issue. */
    outstandingMinor: z.number().int(),
    outstandingByAge: z.object({
      days0To90: z.number().int(),
      days91To180: z.number().int(),
      days181To365: z.number().int(),
      over365: z.number().int(),
    }),
    certificates: z.number().int(),
    /** Issued free, by a campaign or sold at the till (a sale's money is stored value, never a discount). */
    issuedMinor: z.number().int(),
    reloadedMinor: z.number().int(),
    redeemedMinor: z.number().int(),
    refundedMinor: z.number().int(),
    /** Breakage: balances that expired. */
    expiredMinor: z.number().int(),
    /** Manual corrections (signed). */
    adjustedMinor: z.number().int(),
    /** Sold certificates taken back, unspent, by the refund of their sale. */
    voidedMinor: z.number().int(),
  })
  .openapi('GiftCertificateLiability');
export type GiftCertificateLiability = z.infer<typeof GiftCertificateLiability>;

/** `GET /api/v1/reports/gift-certificates/liability`: per currency, ages counted in the program's time zone. */
export const GiftCertificateLiabilityReport = z
  .object({ asOf: DateTime, currencies: z.array(GiftCertificateLiability) })
  .openapi('GiftCertificateLiabilityReport');
export type GiftCertificateLiabilityReport = z.infer<typeof GiftCertificateLiabilityReport>;
