import mongoose, { Schema, type Types } from 'mongoose';
import type { WalletKind } from './wallet-kinds.js';

export type MemberConsents = { email: boolean; sms: boolean; push: boolean };

export type MemberStats = {
  purchaseCount: number;
  totalSpentMinor: number;
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
};

/**
 * The member's points, cached from the ledger so that spends can be gated by one conditional atomic
 * update. `pnpm ledger:verify` proves it equals the entries and lots: available = active lots' remaining
 * − debt, pending = pending lots' remaining, available + pending = sum of entries.
 */
export type MemberPoints = {
  available: number;
  pending: number;
  /** Points owed after a refund clawed back more than was left (negative balance policy `allow`). */
  debt: number;
  /** Points a refund could not claw back under the `floor_at_zero` policy (recorded, never collected). */
  writtenOff: number;
};

/**
 * How much of one of a rule's per-member limits the member used in the limit's current period
 * (`periodKey`: `2025-06-01`, `2025-W22`, `2025-06` or `all`). A counter of an earlier period counts as
 * zero and is overwritten by the next use, so there is one per rule and period, whatever the history.
 */
export type RuleUsageCounter = { periodKey: string; times: number; points: number };

export type Member = {
  _id: Types.ObjectId;
  name: string;
  /** Lowercased name without accents, for prefix search. */
  nameKey: string;
  /** E.164, unique. */
  phone: string;
  /** Lowercased, unique when present. */
  email: string | null;
  birthDate: string | null;
  consents: MemberConsents;
  /** 12 digits, the last a Luhn check digit. */
  cardNumber: string;
  /** Base32 TOTP secret shared with the member's card (QR codes are computed offline from it). */
  cardSecret: string;
  cardSecretRotatedAt: Date;
  isBlocked: boolean;
  /** When the member deleted their account (personal fields erased, blocked for good); null otherwise. */
  deletedAt: Date | null;
  tier: string | null;
  tags: string[];
  joinedAt: Date;
  stats: MemberStats;
  points: MemberPoints;
  /**
   * Rule limits used, keyed `<ruleId>|<period>`. Kept on the member, which every accrual reads and
   * writes anyway, so that enforcing limits costs no extra round trip.
   */
  ruleUsage?: Record<string, RuleUsageCounter>;
  /**
   * The kinds of instrument the member's wallet ever held (`wallet-kinds.ts`): the till reads only those.
   * Absent on members created before it existed (everything is read for them).
   */
  walletKinds?: WalletKind[];
  createdAt: Date;
  updatedAt: Date;
};

const memberSchema = new Schema<Member>(
  {
    name: { type: String, required: true },
    nameKey: { type: String, required: true },
    phone: { type: String, required: true, unique: true },
    email: { type: String, default: null },
    birthDate: { type: String, default: null },
    consents: {
      email: { type: Boolean, default: false },
      sms: { type: Boolean, default: false },
      push: { type: Boolean, default: false },
    },
    cardNumber: { type: String, required: true, unique: true },
    cardSecret: { type: String, required: true },
    cardSecretRotatedAt: { type: Date, required: true },
    isBlocked: { type: Boolean, default: false },
    deletedAt: { type: Date, default: null },
    tier: { type: String, default: null },
    tags: { type: [String], default: [] },
    joinedAt: { type: Date, required: true },
    stats: {
      purchaseCount: { type: Number, default: 0 },
      totalSpentMinor: { type: Number, default: 0 },
      firstPurchaseAt: { type: Date, default: null },
      lastPurchaseAt: { type: Date, default: null },
    },
    points: {
      available: { type: Number, default: 0 },
      pending: { type: Number, default: 0 },
      debt: { type: Number, default: 0 },
      writtenOff: { type: Number, default: 0 },
    },
    ruleUsage: { type: Schema.Types.Mixed, default: undefined },
    walletKinds: { type: [String], default: [] },
  },
  { collection: 'members', timestamps: true, versionKey: false },
);
memberSchema.index({ email: 1 }, { unique: true, partialFilterExpression: { email: { $type: 'string' } } });
memberSchema.index({ nameKey: 1 });

export const MemberModel = mongoose.model<Member>('Member', memberSchema);

/** The key names are searched by: lowercase, accents removed ("Álvaro" → "alvaro"). */
export function nameKeyOf(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}
