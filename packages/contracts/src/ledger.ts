import { z } from './zod.js';
import { ObjectIdString } from './common.js';
import { PointsBalance } from './members.js';

export const LEDGER_ENTRY_TYPES = [
  'earn',
  'redeem',
  'refund_reversal',
  'refund_restore',
  'expire',
  'adjust',
  'cancel',
] as const;
export const LedgerEntryType = z.enum(LEDGER_ENTRY_TYPES).openapi('LedgerEntryType');
export type LedgerEntryType = z.infer<typeof LedgerEntryType>;

/** What caused an entry: the purchase, redemption, refund, lot (expiry) or adjustment. */
export const LedgerSource = z
  .object({
    type: z.enum(['purchase', 'redemption', 'refund', 'lot', 'adjustment', 'referral']),
    id: z.string(),
  })
  .openapi('LedgerSource');

/** Points one rule gave on a purchase, with the rule version that gave them. */
export const RuleBreakdown = z
  .object({
    ruleId: z.string(),
    ruleVersion: z.number().int(),
    ruleName: z.string(),
    points: z.number().int(),
  })
  .openapi('RuleBreakdown');
export type RuleBreakdown = z.infer<typeof RuleBreakdown>;

/** One append-only ledger entry. `points` is signed: + credits the member, − debits. */
export const LedgerEntry = z
  .object({
    id: ObjectIdString,
    type: LedgerEntryType,
    points: z.number().int(),
    /** A sentence for people: "Purchase 1234 at Centro", "Expired (earned 2024-06-01)". */
    reason: z.string(),
    source: LedgerSource,
    /** For earn entries: the rules and versions that gave the points. */
    rules: z.array(RuleBreakdown),
    /** Who made a manual adjustment. */
    actor: z.object({ kind: z.string(), id: z.string().nullable(), label: z.string().nullable() }).nullable(),
    at: z.string().datetime({ offset: true }),
  })
  .openapi('LedgerEntry');
export type LedgerEntry = z.infer<typeof LedgerEntry>;

/** `POST /api/v1/members/:id/adjustments` (manager and up, Idempotency-Key). */
export const CreateAdjustmentBody = z
  .object({
    points: z
      .number()
      .int('points are whole numbers')
      .refine((p) => p !== 0, 'an adjustment of 0 points changes nothing')
      .refine((p) => Math.abs(p) <= 1_000_000, 'at most 1,000,000 points at once'),
    reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500),
  })
  .strict()
  .openapi('CreateAdjustmentBody');
export type CreateAdjustmentBody = z.infer<typeof CreateAdjustmentBody>;

export const Adjustment = z
  .object({
    id: ObjectIdString,
    memberId: ObjectIdString,
    points: z.number().int(),
    reason: z.string(),
    balance: PointsBalance,
    createdAt: z.string().datetime({ offset: true }),
  })
  .openapi('Adjustment');
export type Adjustment = z.infer<typeof Adjustment>;

export const LedgerMismatch = z
  .object({
    check: z.string(),
    memberId: z.string().nullable(),
    entityId: z.string().nullable(),
    expected: z.number(),
    actual: z.number(),
    message: z.string(),
  })
  .openapi('LedgerMismatch');
export type LedgerMismatch = z.infer<typeof LedgerMismatch>;

/** `GET /api/v1/admin/ledger/verify` and `pnpm ledger:verify`. */
export const LedgerVerifyResult = z
  .object({
    ok: z.boolean(),
    /** Members checked (every member with any entry, lot or cached balance). */
    checked: z.number().int(),
    mismatches: z.array(LedgerMismatch),
  })
  .openapi('LedgerVerifyResult');
export type LedgerVerifyResult = z.infer<typeof LedgerVerifyResult>;
