import mongoose, { Schema, type Types } from 'mongoose';
import type {
  GiftCertificateChannel,
  GiftCertificateEntryType,
  GiftCertificateStatus,
} from '@regulars/contracts';
import type { EntryActor } from '../ledger/ledger.service.js';

/** Who issued a certificate or wrote an entry (the system when no one did). */
export type GiftCertificateActor = NonNullable<EntryActor>;

/**
 * A gift certificate (stored value). The code is never stored in clear: `codeHash` is a keyed hash
 * (HMAC-SHA256 under a key derived from the server secret) for look-up, `last4` shows it afterwards.
 * Only a certificate claimed into a member's wallet keeps its code, encrypted (`encryptedCode`,
 * AES-256-GCM under another derived key), so that the card can draw its QR.
 *
 * `balanceMinor` is the sum of its entries; `heldMinor` the sum of its holds (open checkouts);
 * `availableMinor` = balance − held is what a hold may take, so that a hold is one conditional update
 * (`availableMinor >= n`). `pnpm ledger:verify` proves all three.
 */
export type GiftCertificateDoc = {
  _id: Types.ObjectId;
  codeHash: string;
  last4: string;
  currency: string;
  initialValueMinor: number;
  balanceMinor: number;
  heldMinor: number;
  availableMinor: number;
  status: GiftCertificateStatus;
  /** Null: it never expires. The expiry sweep's due date. */
  expiresAt: Date | null;
  expiredAt: Date | null;
  blockedAt: Date | null;
  blockedReason: string | null;
  memberId: Types.ObjectId | null;
  claimedAt: Date | null;
  /** `iv.tag.ciphertext` (base64url), claimed certificates only. */
  encryptedCode: string | null;
  channel: GiftCertificateChannel;
  campaign: string | null;
  batchId: Types.ObjectId | null;
  /** The sale that sold it (channel `sale`). */
  purchaseId: Types.ObjectId | null;
  issuedBy: GiftCertificateActor;
  /** `<key space> <Idempotency-Key>` of the request that issued it: a retry is recognised, never re-issued. */
  requestKey: string | null;
  /** The program-time-zone day of issue (`YYYY-MM-DD`): the liability report's age bucket. */
  issueDay: string;
  issuedAt: Date;
  updatedAt: Date;
};

const certificateSchema = new Schema<GiftCertificateDoc>(
  {
    codeHash: { type: String, required: true },
    last4: { type: String, required: true },
    currency: { type: String, required: true },
    initialValueMinor: { type: Number, required: true },
    balanceMinor: { type: Number, required: true },
    heldMinor: { type: Number, required: true },
    availableMinor: { type: Number, required: true },
    status: { type: String, enum: ['active', 'blocked', 'expired', 'voided'], required: true },
    expiresAt: { type: Date, default: null },
    expiredAt: { type: Date, default: null },
    blockedAt: { type: Date, default: null },
    blockedReason: { type: String, default: null },
    memberId: { type: Schema.Types.ObjectId, default: null },
    claimedAt: { type: Date, default: null },
    encryptedCode: { type: String, default: null },
    channel: { type: String, enum: ['staff', 'campaign', 'sale'], required: true },
    campaign: { type: String, default: null },
    batchId: { type: Schema.Types.ObjectId, default: null },
    purchaseId: { type: Schema.Types.ObjectId, default: null },
    issuedBy: { type: Schema.Types.Mixed, required: true },
    requestKey: { type: String, default: null },
    issueDay: { type: String, required: true },
    issuedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'gift_certificates', versionKey: false },
);
certificateSchema.index({ codeHash: 1 }, { unique: true });
certificateSchema.index(
  { requestKey: 1 },
  { unique: true, partialFilterExpression: { requestKey: { $type: 'string' } } },
);
// Staff look-up by the last 4 characters; the wallet; a batch; the expiry sweep (by _id cursor).
certificateSchema.index({ last4: 1, _id: -1 });
certificateSchema.index({ memberId: 1, _id: -1 });
certificateSchema.index({ batchId: 1, _id: 1 });
certificateSchema.index({ status: 1, expiresAt: 1, _id: 1 });

export const GiftCertificateModel = mongoose.model<GiftCertificateDoc>('GiftCertificate', certificateSchema);

/**
 * One entry of a certificate's own append-only ledger. `amountMinor` is signed; the certificate's balance
 * is the sum of its entries. A hold is not an entry (nothing has changed hands yet): it is a
 * GiftCertificateHold, and its commit writes the `redeem` entry.
 */
export type GiftCertificateEntryDoc = {
  _id: Types.ObjectId;
  certificateId: Types.ObjectId;
  type: GiftCertificateEntryType;
  amountMinor: number;
  balanceAfterMinor: number;
  currency: string;
  reason: string;
  actor: GiftCertificateActor;
  purchaseId: Types.ObjectId | null;
  checkoutId: string | null;
  refundId: Types.ObjectId | null;
  /** One entry per operation: `redeem:<checkout>`, `refund:<refund>`… (a retry writes nothing twice). */
  dedupeKey: string | null;
  createdAt: Date;
};

const entrySchema = new Schema<GiftCertificateEntryDoc>(
  {
    certificateId: { type: Schema.Types.ObjectId, required: true },
    type: {
      type: String,
      enum: ['issue', 'redeem', 'reload', 'refund', 'expire', 'adjust', 'void'],
      required: true,
    },
    amountMinor: { type: Number, required: true },
    balanceAfterMinor: { type: Number, required: true },
    currency: { type: String, required: true },
    reason: { type: String, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    purchaseId: { type: Schema.Types.ObjectId, default: null },
    checkoutId: { type: String, default: null },
    refundId: { type: Schema.Types.ObjectId, default: null },
    dedupeKey: { type: String, default: null },
    createdAt: { type: Date, required: true },
  },
  { collection: 'gift_certificate_entries', versionKey: false },
);
entrySchema.index({ certificateId: 1, _id: 1 });
// A refund finds the redemptions of its purchase.
entrySchema.index(
  { purchaseId: 1, type: 1 },
  { partialFilterExpression: { purchaseId: { $type: 'objectId' } } },
);
entrySchema.index(
  { dedupeKey: 1 },
  { unique: true, partialFilterExpression: { dedupeKey: { $type: 'string' } } },
);

export const GiftCertificateEntryModel = mongoose.model<GiftCertificateEntryDoc>(
  'GiftCertificateEntry',
  entrySchema,
);

/** An amount an open checkout holds on a certificate (reserved out of `availableMinor`). */
export type GiftCertificateHoldDoc = {
  _id: Types.ObjectId;
  certificateId: Types.ObjectId;
  checkoutId: string;
  amountMinor: number;
  heldAt: Date;
};

const holdSchema = new Schema<GiftCertificateHoldDoc>(
  {
    certificateId: { type: Schema.Types.ObjectId, required: true },
    checkoutId: { type: String, required: true },
    amountMinor: { type: Number, required: true },
    heldAt: { type: Date, required: true },
  },
  { collection: 'gift_certificate_holds', versionKey: false },
);
holdSchema.index({ certificateId: 1, checkoutId: 1 }, { unique: true });

export const GiftCertificateHoldModel = mongoose.model<GiftCertificateHoldDoc>(
  'GiftCertificateHold',
  holdSchema,
);

/**
 * The liability report's pre-aggregate: per currency and day of issue, the sums of every entry type,
 * written with `$inc` in the transaction of each entry. The report reads these rows (one per day of
 * issue), never the ledger.
 */
export type GiftCertificateDayTotals = {
  _id: string;
  currency: string;
  issueDay: string;
  certificates: number;
  issue: number;
  redeem: number;
  reload: number;
  refund: number;
  expire: number;
  adjust: number;
  /** Sold certificates taken back by the refund of their sale (absent on rows that never had one). */
  void?: number;
  /** The sum of all of them: what the certificates of that day still hold. */
  outstanding: number;
};

const dayTotalsSchema = new Schema<GiftCertificateDayTotals>(
  {
    _id: { type: String, required: true },
    currency: { type: String, required: true },
    issueDay: { type: String, required: true },
    certificates: { type: Number, required: true },
    issue: { type: Number, required: true },
    redeem: { type: Number, required: true },
    reload: { type: Number, required: true },
    refund: { type: Number, required: true },
    expire: { type: Number, required: true },
    adjust: { type: Number, required: true },
    void: { type: Number, default: undefined },
    outstanding: { type: Number, required: true },
  },
  { collection: 'gift_certificate_day_totals', versionKey: false },
);

export const GiftCertificateDayTotalsModel = mongoose.model<GiftCertificateDayTotals>(
  'GiftCertificateDayTotals',
  dayTotalsSchema,
);
