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
  /**
   * Every prefix of every word of the name, lowercased without accents ("Ana María" → a, an, ana, m, ma,
   * mar, …): a search by the start of any word is an indexed equality. Absent on members stored before it
   * existed until migration 002 (`backfillNameTokens`) gives them theirs.
   */
  nameTokens?: string[];
  /** The store the member joined at (the staff or till that registered them), null for a sign-up. */
  joinedStoreId?: Types.ObjectId | null;
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
    nameTokens: { type: [String], default: undefined },
    joinedStoreId: { type: Schema.Types.ObjectId, default: null },
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
memberSchema.index({ nameTokens: 1, _id: -1 });
memberSchema.index({ tags: 1, _id: -1 });
memberSchema.index(
  { joinedStoreId: 1, _id: -1 },
  { partialFilterExpression: { joinedStoreId: { $type: 'objectId' } } },
);

export const MemberModel = mongoose.model<Member>('Member', memberSchema);

/** The key names are searched by: lowercase, accents removed ("Álvaro" → "alvaro"). */
export function nameKeyOf(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();
}

/** A word longer than this is searched by its first NAME_TOKEN_MAX_LENGTH letters. */
export const NAME_TOKEN_MAX_LENGTH = 20;

/** The words of a name or a search, as nameKeyOf writes them ("García-López, Ana" → garcia, lopez, ana). */
export function nameWordsOf(text: string): string[] {
  return nameKeyOf(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .map((word) => word.slice(0, NAME_TOKEN_MAX_LENGTH));
}

/** Every prefix of every word of the name (see Member.nameTokens), each once. */
export function nameTokensOf(name: string): string[] {
  const tokens = new Set<string>();
  for (const word of nameWordsOf(name)) {
    for (let end = 1; end <= word.length; end += 1) tokens.add(word.slice(0, end));
  }
  return [...tokens];
}

/**
 * Gives members stored before name tokens existed theirs, in batches by _id. Idempotent (a member with
 * tokens is never read again) and safe from several processes at once; migration 002-member-name-tokens runs it.
 */
export async function backfillNameTokens(batchSize = 500): Promise<number> {
  let updated = 0;
  for (;;) {
    const batch = await MemberModel.find({ nameTokens: { $exists: false } }, { name: 1 })
      .sort({ _id: 1 })
      .limit(batchSize)
      .lean();
    if (batch.length === 0) return updated;
    const result = await MemberModel.bulkWrite(
      batch.map((m) => ({
        updateOne: {
          filter: { _id: m._id, nameTokens: { $exists: false } },
          update: { $set: { nameTokens: nameTokensOf(m.name) } },
        },
      })),
      { ordered: false },
    );
    updated += result.modifiedCount;
  }
}
