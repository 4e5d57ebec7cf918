import { Types } from 'mongoose';
import type { AdvanceClockBody, SandboxAdvance, SandboxClock as SandboxClockView } from '@regulars/contracts';
import { systemClock, type Clock, type SandboxClock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { SweepSummary } from '../../platform/jobs.js';
import type { Logger } from '../../platform/logger.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { addMonths } from '../ledger/ledger.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import { addDuration, parseDuration } from './duration.js';
import { SandboxAdvanceModel, SandboxClockModel, type SandboxAdvanceDoc } from './sandbox.model.js';

/** Runs every due-date sweep until nothing is due; `onPass` reports progress. */
export type SweepRunner = (
  onPass: (ran: Record<string, SweepSummary>, pass: number) => Promise<void>,
) => Promise<{ ran: Record<string, SweepSummary>; passes: number }>;

/** At most this far per advance: a typo (P50Y) should not age every lot beyond recognition. */
const MAX_ADVANCE_MONTHS = 60;

/**
 * The sandbox clock's control: moves the shared offset forward (never back), with an audit entry and a
 * `sandbox.clock_advanced` event in the same transaction, then runs every sweep until nothing is due at
 * the new time.
 */
export class SandboxService {
  private readonly waitMs: number;

  constructor(
    private readonly deps: {
      /** This process's sandbox clock; null when SANDBOX_CLOCK is off. */
      sandboxClock: SandboxClock | null;
      clock: Clock;
      audit: AuditService;
      events: EventService;
      runSweeps: SweepRunner;
      logger: Logger;
      /** How long an advance answers synchronously before handing back its id to follow (ms). */
      waitMs?: number;
    },
  ) {
    this.waitMs = deps.waitMs ?? 20_000;
  }

  get isEnabled(): boolean {
    return this.deps.sandboxClock !== null;
  }

  status(): SandboxClockView {
    return {
      enabled: this.isEnabled,
      now: this.deps.clock.now().toISOString(),
      offsetSeconds: Math.floor((this.deps.sandboxClock?.offset ?? 0) / 1000),
    };
  }

  /**
   * Moves the clock by `by` or to `to`, then sweeps. Answers once the sweeps are done, or after
   * `waitMs` with `status: 'running'` (follow it with `get`).
   */
  async advance(body: AdvanceClockBody, principal: Principal, requestId?: string): Promise<SandboxAdvance> {
    const sandboxClock = this.deps.sandboxClock;
    if (!sandboxClock) {
      throw new AppError(
        'conflict',
        'SANDBOX_DISABLED',
        'This deployment does not run the sandbox clock (SANDBOX_CLOCK=true); its time cannot be moved',
      );
    }
    const moved = await this.moveOffset(body, principal, requestId);
    sandboxClock.observe(moved.offsetMs);
    const advance: SandboxAdvanceDoc = {
      _id: new Types.ObjectId(),
      status: 'running',
      from: moved.from,
      to: moved.to,
      offsetMs: moved.offsetMs,
      ran: {},
      passes: 0,
      error: null,
      actor: actorLabel(principal),
      startedAt: systemClock.now(),
      finishedAt: null,
    };
    await SandboxAdvanceModel.create(advance);
    const sweeping = this.sweep(advance);
    let timer: NodeJS.Timeout | undefined;
    const isDone = await Promise.race([
      sweeping.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.waitMs);
      }),
    ]);
    clearTimeout(timer);
    return isDone ? toView(advance) : this.get(advance._id.toHexString());
  }

  /** One advance, with the sweeps' progress so far. */
  async get(id: string): Promise<SandboxAdvance> {
    const doc = Types.ObjectId.isValid(id) ? await SandboxAdvanceModel.findById(id).lean() : null;
    if (!doc) throw new NotFoundError('Sandbox advance', id);
    return toView(doc);
  }

  /**
   * Sets the new offset with a conditional update on the one read (a concurrent advance makes it miss:
   * read again and recompute), so two advances both apply and none moves the clock back.
   */
  private async moveOffset(body: AdvanceClockBody, principal: Principal, requestId?: string) {
    const duration = body.by === undefined ? null : parseDuration(body.by);
    if (body.by !== undefined && !duration) {
      throw new ValidationError(`by: "${body.by}" is not an ISO 8601 duration such as PT1H or P30D`);
    }
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const current = (await SandboxClockModel.findById('clock').lean())?.offsetMs ?? 0;
      const real = systemClock.now().getTime();
      const from = new Date(real + current);
      const to = duration ? addDuration(from, duration) : new Date(body.to ?? '');
      if (to.getTime() <= from.getTime()) {
        throw new ConflictError(
          'CLOCK_BACKWARDS',
          `The clock only moves forward: ${to.toISOString()} is not after the sandbox time ${from.toISOString()}`,
          { now: from.toISOString(), requested: to.toISOString() },
        );
      }
      if (to.getTime() > addMonths(from, MAX_ADVANCE_MONTHS).getTime()) {
        throw new ValidationError(
          `The clock moves at most 5 years at once (to ${addMonths(from, MAX_ADVANCE_MONTHS).toISOString()}); advance in steps`,
          [{ path: body.by === undefined ? 'to' : 'by', message: 'more than 5 years ahead' }],
        );
      }
      const offsetMs = to.getTime() - real;
      const isMoved = await runInTransaction(async (session) => {
        try {
          const result = await SandboxClockModel.updateOne(
            { _id: 'clock', offsetMs: current },
            { $set: { offsetMs, updatedAt: new Date(real) } },
            { session, upsert: current === 0 },
          );
          if (result.matchedCount + result.upsertedCount !== 1) return false;
        } catch (error) {
          // The first advance raced another one that created the document: read again.
          if ((error as { code?: number }).code === 11000) return false;
          throw error;
        }
        await this.deps.audit.record({
          actor: principal,
          action: 'sandbox.clock_advanced',
          entity: { type: 'sandbox_clock', id: 'clock' },
          before: { now: from.toISOString(), offsetSeconds: Math.floor(current / 1000) },
          after: { now: to.toISOString(), offsetSeconds: Math.floor(offsetMs / 1000) },
          reason: body.by === undefined ? `to ${body.to ?? ''}` : `by ${body.by}`,
          ...(requestId ? { requestId } : {}),
          session,
        });
        await this.deps.events.append(session, {
          type: 'sandbox.clock_advanced',
          occurredAt: from,
          payload: {
            from: from.toISOString(),
            to: to.toISOString(),
            offsetSeconds: Math.floor(offsetMs / 1000),
            ...(body.by === undefined ? { requestedTo: body.to } : { by: body.by }),
            actor: actorLabel(principal),
          },
        });
        return true;
      });
      if (isMoved) return { from, to, offsetMs };
    }
    throw new ConflictError('CLOCK_BUSY', 'The clock is being advanced by someone else; try again');
  }

  /** Runs the sweeps, recording progress after every pass; never throws (the failure is recorded). */
  private async sweep(advance: SandboxAdvanceDoc): Promise<void> {
    try {
      const { ran, passes } = await this.deps.runSweeps(async (progress, pass) => {
        advance.ran = progress;
        advance.passes = pass;
        await SandboxAdvanceModel.updateOne({ _id: advance._id }, { $set: { ran: progress, passes: pass } });
      });
      Object.assign(advance, { ran, passes, status: 'done', finishedAt: systemClock.now() });
    } catch (error) {
      this.deps.logger.error({ err: error, advance: advance._id.toHexString() }, 'sandbox sweeps failed');
      Object.assign(advance, {
        status: 'failed',
        error: error instanceof Error ? error.message : String(error),
        finishedAt: systemClock.now(),
      });
    }
    await SandboxAdvanceModel.updateOne(
      { _id: advance._id },
      {
        $set: {
          status: advance.status,
          ran: advance.ran,
          passes: advance.passes,
          error: advance.error,
          finishedAt: advance.finishedAt,
        },
      },
    ).catch((error: unknown) => this.deps.logger.error({ err: error }, 'could not record a sandbox advance'));
  }
}

function actorLabel(principal: Principal): SandboxAdvanceDoc['actor'] {
  if (principal.kind === 'anonymous') return { kind: 'anonymous', id: null, label: null };
  return {
    kind: principal.kind,
    id: principal.id,
    label: principal.kind === 'staff' ? principal.email : principal.kind === 'apiKey' ? principal.name : null,
  };
}

function toView(doc: SandboxAdvanceDoc): SandboxAdvance {
  return {
    id: doc._id.toHexString(),
    status: doc.status,
    from: doc.from.toISOString(),
    now: doc.to.toISOString(),
    offsetSeconds: Math.floor(doc.offsetMs / 1000),
    ran: doc.ran,
    passes: doc.passes,
    error: doc.error,
  };
}
