import mongoose, { Schema, type Types } from 'mongoose';
import type { LedgerEntryType } from '@regulars/contracts';

export type LotChange = { lotId: Types.ObjectId; delta: number };
export type RuleCredit = { ruleId: string; ruleVersion: number; ruleName: string; points: number };
export type EntrySourceType = 'purchase' | 'redemption' | 'refund' | 'lot' | 'adjustment' | 'referral';

/**
 * One append-only ledger entry. Invariant (checked by ledger:verify):
 * `points = Σ lotChanges.delta − debtDelta`; a member's balance is the sum of `points`.
 */
export type LedgerEntryDoc = {
  _id: Types.ObjectId;
  memberId: Types.ObjectId;
  type: LedgerEntryType;
  points: number;
  reason: string;
  source: { type: EntrySourceType; id: string };
  rules: RuleCredit[];
  lotChanges: LotChange[];
  /** + when the entry created debt, − when it paid some off. */
  debtDelta: number;
  /** Points a clawback could not take under the floor_at_zero policy. */
  writtenOff: number;
  actor: { kind: string; id: string | null; label: string | null } | null;
  at: Date;
  /** One entry per cause (`earn:<purchaseId>`, `expire:<lotId>`…): a retried job or request cannot write it twice. */
  dedupeKey: string;
};

const entrySchema = new Schema<LedgerEntryDoc>(
  {
    memberId: { type: Schema.Types.ObjectId, required: true },
    type: { type: String, required: true },
    points: { type: Number, required: true },
    reason: { type: String, required: true },
    source: { type: { type: String, required: true }, id: { type: String, required: true } },
    rules: {
      type: [{ _id: false, ruleId: String, ruleVersion: Number, ruleName: String, points: Number }],
      default: [],
    },
    lotChanges: { type: [{ _id: false, lotId: Schema.Types.ObjectId, delta: Number }], default: [] },
    debtDelta: { type: Number, default: 0 },
    writtenOff: { type: Number, default: 0 },
    actor: { type: Schema.Types.Mixed, default: null },
    at: { type: Date, required: true },
    dedupeKey: { type: String, required: true, unique: true },
  },
  { collection: 'ledger_entries', versionKey: false },
);
entrySchema.index({ memberId: 1, _id: -1 });

export const LedgerEntryModel = mongoose.model<LedgerEntryDoc>('LedgerEntry', entrySchema);
