import { Types } from 'mongoose';
import type { CreateAdjustmentBody } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import type { MemberService } from '../members/member.service.js';
import type { ProgramService } from '../program/program.service.js';
import { AdjustmentModel, type Adjustment } from './adjustment.model.js';
import { actorOf, lotDates, type Balance, type LedgerService } from './ledger.service.js';
import { runInTransaction } from './transaction.js';

/**
 * Manual adjustments (manager and up): a credit becomes a lot like earned points (same expiry); a
 * debit is spent like a redemption and refused with INSUFFICIENT_POINTS beyond the balance.
 */
export class AdjustmentService {
  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      members: MemberService;
      ledger: LedgerService;
      audit: AuditService;
      events: EventService;
    },
  ) {}

  async create(
    memberId: string,
    input: CreateAdjustmentBody,
    ctx: { principal: Principal; requestKey: string | null; requestId?: string },
  ): Promise<{ adjustment: Adjustment; balance: Balance }> {
    const member = await this.deps.members.get(memberId);
    if (ctx.requestKey) {
      const existing = await AdjustmentModel.findOne({ requestKey: ctx.requestKey }).lean();
      if (existing) return { adjustment: existing, balance: await this.deps.ledger.balance(member._id) };
    }
    const program = await this.deps.program.get();
    const now = this.deps.clock.now();
    try {
      return await runInTransaction(async (session) => {
        const before = await this.deps.ledger.balance(member._id, session);
        const id = new Types.ObjectId();
        const common = {
          memberId: member._id,
          type: 'adjust' as const,
          reason: input.reason,
          source: { type: 'adjustment' as const, id: id.toHexString() },
          actor: actorOf(ctx.principal),
          at: now,
          dedupeKey: `adjust:${id.toHexString()}`,
        };
        if (input.points > 0) {
          const dates = lotDates(program, now);
          await this.deps.ledger.creditInSession(session, {
            ...common,
            points: input.points,
            now,
            availableAt: now,
            expiresAt: dates.expiresAt,
            lotSource: { type: 'adjustment', id: id.toHexString() },
          });
        } else {
          await this.deps.ledger.debitInSession(session, { ...common, points: -input.points, now });
        }
        const adjustment: Adjustment = {
          _id: id,
          memberId: member._id,
          points: input.points,
          reason: input.reason,
          actor: actorOf(ctx.principal),
          requestKey: ctx.requestKey,
          createdAt: now,
        };
        await AdjustmentModel.collection.insertOne(adjustment, { session });
        const balance = await this.deps.ledger.balance(member._id, session);
        // The reason is staff's free text (it may name the customer): subscribers get the numbers.
        await this.deps.events.append(session, {
          type: 'points.adjusted',
          occurredAt: now,
          memberId: member._id,
          subject: { adjustmentId: id },
          payload: {
            adjustmentId: id.toHexString(),
            points: input.points,
            // Who, by id only: a staff actor's label is an email.
            actor: adjustment.actor ? { kind: adjustment.actor.kind, id: adjustment.actor.id } : null,
          },
        });
        await this.deps.audit.record({
          actor: ctx.principal,
          action: 'points.adjust',
          entity: { type: 'member', id: memberId },
          before,
          after: balance,
          reason: input.reason,
          ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
          session,
        });
        return { adjustment, balance };
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000 && ctx.requestKey) {
        const existing = await AdjustmentModel.findOne({ requestKey: ctx.requestKey }).lean();
        if (existing) return { adjustment: existing, balance: await this.deps.ledger.balance(member._id) };
      }
      throw error;
    }
  }
}

export function toAdjustmentResponse(a: Adjustment, balance: Balance) {
  return {
    id: a._id.toHexString(),
    memberId: a.memberId.toHexString(),
    points: a.points,
    reason: a.reason,
    balance,
    createdAt: a.createdAt.toISOString(),
  };
}
