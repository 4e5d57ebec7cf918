import { z } from './zod.js';

/** The sandbox clock as every process reads it (docs/sandbox.md). */
export const SandboxClock = z
  .object({
    /** False on a deployment without SANDBOX_CLOCK=true: the clock is the system time and cannot move. */
    enabled: z.boolean(),
    /** Business time: the system time plus the offset. */
    now: z.string().datetime({ offset: true }),
    /** How far ahead of the system time the clock is, in whole seconds. */
    offsetSeconds: z.number().int(),
  })
  .openapi('SandboxClock');
export type SandboxClock = z.infer<typeof SandboxClock>;

/** An ISO 8601 duration such as PT1H, P1D, P7D, P1M or P1Y2M10DT2H30M (no negative or fractional parts). */
export const ISO_DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

export const AdvanceClockBody = z
  .object({
    by: z
      .string()
      .max(40)
      .refine(
        (value) => ISO_DURATION.test(value) && value !== 'P' && !value.endsWith('T'),
        'expected an ISO 8601 duration such as PT1H, P1D or P30D',
      )
      .optional(),
    to: z.string().datetime({ offset: true }).optional(),
  })
  .strict()
  .refine((body) => (body.by === undefined) !== (body.to === undefined), {
    message: 'give either by (an ISO 8601 duration) or to (an ISO date-time), not both',
  })
  .openapi('AdvanceClockBody');
export type AdvanceClockBody = z.infer<typeof AdvanceClockBody>;

/** Counts per sweep, e.g. `{ 'ledger.activate-points': { activated: 12 } }`. */
export const SweepCounts = z.record(z.string(), z.record(z.string(), z.number()));
export type SweepCounts = z.infer<typeof SweepCounts>;

/** One advance of the clock and the sweeps it ran. */
export const SandboxAdvance = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'done', 'failed']),
    from: z.string().datetime({ offset: true }),
    now: z.string().datetime({ offset: true }),
    offsetSeconds: z.number().int(),
    /** What each sweep did, summed over its passes; complete once `status` is `done`. */
    ran: SweepCounts,
    passes: z.number().int(),
    error: z.string().nullable(),
  })
  .openapi('SandboxAdvance');
export type SandboxAdvance = z.infer<typeof SandboxAdvance>;
