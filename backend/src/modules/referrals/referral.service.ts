import { createHash } from 'node:crypto';
import { Types, type ClientSession } from 'mongoose';
import type {
  DomainEvent,
  MemberReferral,
  Referral,
  ReferralCodeOpened,
  ReferralFunnel,
  ReferralHousehold,
  ReferralHouseholdBody,
  ReferralListQuery,
  ReferralRejectReason,
  ReferralSignal,
  ReferralTerms,
  ReferralTermsBody,
  ReferralTermsHistory,
  ReviewReferralBody,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { paginate } from '../../platform/pagination.js';
import { principalKey, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CouponService } from '../coupons/coupon.service.js';
import type { EventService } from '../events/event.service.js';
import type { GiftCertificateService } from '../gift-certificates/gift-certificate.service.js';
import { lotDates, type LedgerService } from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { MemberModel, type Member } from '../members/member.model.js';
import type { ProgramService, ProgramSettings } from '../program/program.service.js';
import { PurchaseModel } from '../purchases/purchase.model.js';
import { CouponTemplateModel } from '../coupons/coupon.model.js';
import { generateReferralCode, normaliseEmail, normaliseReferralCode, phoneKey } from './referral-code.js';
import {
  ReferralCapCounterModel,
  ReferralCodeModel,
  ReferralHouseholdModel,
  ReferralModel,
  ReferralStatsModel,
  ReferralTermsModel,
  type ReferralCodeDoc,
  type ReferralDoc,
  ReferralStatsMarkModel,
  type ReferralStatField,
  type ReferralTermsDoc,
  type RewardGivenDoc,
} from './referral.model.js';

const DAY_MS = 24 * 3600_000;
/** A referral claimed from an address that claimed this many or more in the last day is a signal. */
const ADDRESS_DAY_LIMIT = 3;
/** The referrer buying at the friend's store this close to the friend's first purchase is a signal. */
const SAME_TILL_MS = 15 * 60_000;
const DEVICE_IDS_MAX = 10;

/** Each signal's weight in the score (0–100; the terms' threshold decides the review). */
export const SIGNAL_WEIGHTS = {
  same_email: 60,
  same_phone: 60,
  same_device: 50,
  many_from_address: 30,
  referrer_at_same_till: 40,
} as const;

/** Signals a household (on the allow-list) shares on purpose: they do not count between its members. */
const HOUSEHOLD_SIGNALS = new Set(['same_device', 'many_from_address', 'referrer_at_same_till']);

type Deps = {
  clock: Clock;
  audit: AuditService;
  events: EventService;
  program: ProgramService;
  ledger: LedgerService;
  coupons: CouponService;
  giftCertificates: GiftCertificateService;
};

const costOf = (payload: Record<string, unknown>) =>
  typeof payload.costMinor === 'number' ? payload.costMinor : 0;
/** What each event adds to the funnel. */
const STAT_OF_EVENT: Partial<
  Record<string, (payload: Record<string, unknown>) => Partial<Record<ReferralStatField, number>>>
> = {
  'referral.attributed': (p) => ({ joins: 1, rewardsCostMinor: costOf(p) }),
  'referral.qualified': () => ({ qualified: 1 }),
  'referral.rewarded': (p) => ({ cleared: 1, rewarded: 1, rewardsCostMinor: costOf(p) }),
  'referral.rejected': () => ({ rejected: 1 }),
  'referral.reversed': () => ({ reversed: 1 }),
};

type ClearOutcome = 'rewarded' | 'deferred' | 'rejected' | 'skipped';

/**
 * Refer-a-friend: terms (versioned), personal codes, the referral's state machine
 * (attributed → qualified → cleared → rewarded, or rejected / reversed), fraud signals with a review
 * queue, caps taken with conditional updates, and the funnel's pre-aggregates. The friend's purchases
 * and refunds reach it as events (`purchase.recorded`, `refund.recorded`); clearing is a due date swept
 * on the injected clock.
 */
export class ReferralService {
  private readonly versions = new Map<number, ReferralTermsDoc>();

  constructor(private readonly deps: Deps) {}

  // ── Terms ─────────────────────────────────────────────────────────────────────────────────────────

  async currentTerms(session?: ClientSession): Promise<ReferralTermsDoc | null> {
    const query = ReferralTermsModel.findOne().sort({ version: -1 });
    if (session) query.session(session);
    return query.lean();
  }

  /** A version of the terms (versions never change once saved: kept in memory after the first read). */
  private async termsVersion(version: number, session: ClientSession): Promise<ReferralTermsDoc> {
    const known = this.versions.get(version);
    if (known) return known;
    const terms = await ReferralTermsModel.findOne({ version }).session(session).lean();
    if (!terms) throw new Error(`referral terms version ${version} is missing`);
    this.versions.set(version, terms);
    return terms;
  }

  async history(): Promise<ReferralTermsHistory> {
    const versions = await ReferralTermsModel.find().sort({ version: -1 }).limit(100).lean();
    const mapped = versions.map(toTermsResponse);
    return { current: mapped[0] ?? null, versions: mapped };
  }

  /** Saves the terms as a new version (audited, `referral.terms_changed`); refuses a clearing window shorter than the return window. */
  async saveTerms(body: ReferralTermsBody, principal: Principal): Promise<ReferralTerms> {
    const program = await this.deps.program.get();
    if (body.clearingDays < program.pendingDays) {
      throw new AppError(
        'unprocessable',
        'REFERRAL_CLEARING_TOO_SHORT',
        `The clearing window (${body.clearingDays} days) is shorter than the program's return window (${program.pendingDays} days)`,
        { clearingDays: body.clearingDays, returnWindowDays: program.pendingDays },
      );
    }
    for (const reward of [body.referrerReward, body.refereeReward]) {
      if (reward?.kind === 'coupon') await this.assertCouponTemplate(reward.couponTemplateId);
    }
    const now = this.deps.clock.now();
    const saved = await runInTransaction(async (session) => {
      const before = await this.currentTerms(session);
      const doc: ReferralTermsDoc = {
        _id: new Types.ObjectId(),
        version: (before?.version ?? 0) + 1,
        ...body,
        createdAt: now,
        createdBy: principal.kind === 'staff' ? principal.email : principalKey(principal),
      };
      try {
        await ReferralTermsModel.collection.insertOne(doc, { session });
      } catch (error) {
        if ((error as { code?: number }).code === 11000)
          throw new RetryTransaction('terms saved concurrently');
        throw error;
      }
      await this.deps.audit.record({
        actor: principal,
        action: 'referral_terms.save',
        entity: { type: 'referral_terms', id: String(doc.version) },
        before: before ? toTermsResponse(before) : null,
        after: toTermsResponse(doc),
        session,
      });
      await this.deps.events.append(session, {
        type: 'referral.terms_changed',
        occurredAt: now,
        subject: { termsVersion: String(doc.version) },
        payload: { version: doc.version, isActive: doc.isActive },
      });
      return doc;
    });
    return toTermsResponse(saved);
  }

  private async assertCouponTemplate(id: string): Promise<void> {
    const template = await CouponTemplateModel.findById(id).lean();
    if (!template) throw new NotFoundError('Coupon template', id);
    if (template.status === 'archived') {
      throw new ConflictError('COUPON_TEMPLATE_ARCHIVED', `"${template.terms.name}" is archived`);
    }
    if (template.kind !== 'assigned') {
      throw new ConflictError(
        'COUPON_TEMPLATE_KIND_MISMATCH',
        `"${template.terms.name}" makes bearer coupons: a referral reward needs an assigned template`,
        { kind: template.kind, needed: 'assigned' },
      );
    }
  }

  // ── Codes ─────────────────────────────────────────────────────────────────────────────────────────

  /** The member's code, created on first use (a collision draws another suffix). */
  async codeFor(memberId: Types.ObjectId, name: string): Promise<ReferralCodeDoc> {
    const existing = await ReferralCodeModel.findOne({ memberId }).lean();
    if (existing) return existing;
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const doc: ReferralCodeDoc = {
        _id: new Types.ObjectId(),
        memberId,
        code: generateReferralCode(name),
        deviceIds: [],
        linkOpens: 0,
        createdAt: this.deps.clock.now(),
      };
      try {
        await ReferralCodeModel.collection.insertOne(doc);
        await ReferralStatsModel.updateOne({ _id: 'all' }, { $inc: { referrers: 1 } }, { upsert: true });
        return doc;
      } catch (error) {
        const dup = error as { code?: number; keyPattern?: Record<string, unknown> };
        if (dup.code !== 11000) throw error;
        const raced = await ReferralCodeModel.findOne({ memberId }).lean();
        if (raced) return raced;
      }
    }
    throw new Error('no free referral code after 10 attempts');
  }

  async recordDevice(memberId: string, deviceId: string): Promise<void> {
    const member = await this.member(memberId);
    const code = await this.codeFor(member._id, member.name);
    if (code.deviceIds.includes(deviceId)) return;
    await ReferralCodeModel.updateOne(
      { _id: code._id },
      { $push: { deviceIds: { $each: [deviceId], $slice: -DEVICE_IDS_MAX } } },
    );
  }

  /** A share link was opened: counts it and says whose code it is (first name only). */
  async openLink(text: string): Promise<ReferralCodeOpened> {
    const code = await this.findCode(text);
    const member = await MemberModel.findById(code.memberId, { name: 1 }).lean();
    await ReferralCodeModel.updateOne({ _id: code._id }, { $inc: { linkOpens: 1 } });
    await ReferralStatsModel.bulkWrite(
      ['all', code.memberId.toHexString()].map((_id) => ({
        updateOne: { filter: { _id }, update: { $inc: { linkOpens: 1 } }, upsert: true },
      })),
    );
    const terms = await this.currentTerms();
    return {
      code: code.code,
      referrerName: firstName(member?.name ?? ''),
      isActive: terms?.isActive ?? false,
    };
  }

  /** Whose a typed code is, without counting it as a link opened. */
  async checkCode(text: string): Promise<ReferralCodeOpened> {
    const code = await this.findCode(text);
    const [member, terms] = await Promise.all([
      MemberModel.findById(code.memberId, { name: 1 }).lean(),
      this.currentTerms(),
    ]);
    return {
      code: code.code,
      referrerName: firstName(member?.name ?? ''),
      isActive: terms?.isActive ?? false,
    };
  }

  private async findCode(text: string): Promise<ReferralCodeDoc> {
    const code = await ReferralCodeModel.findOne({ code: normaliseReferralCode(text) }).lean();
    if (!code) throw new NotFoundError('Referral code', normaliseReferralCode(text));
    return code;
  }

  // ── Attribution ──────────────────────────────────────────────────────────────────────────────────

  /**
   * The friend gives a code (on the card or at the desk): one referral per friend, never oneself, before
   * the first purchase, while the terms are active. Scores the fraud signals; at or above the threshold
   * the referral goes to the review queue. A welcome reward `on join` is given in the same transaction.
   */
  async claim(input: {
    memberId: string;
    code: string;
    deviceId: string | null;
    address: string | null;
    principal: Principal;
  }): Promise<Referral> {
    const friend = await this.member(input.memberId);
    const code = await this.findCode(input.code);
    if (code.memberId.equals(friend._id)) {
      throw new AppError('unprocessable', 'REFERRAL_OWN_CODE', 'You cannot use your own referral code');
    }
    if (await ReferralModel.exists({ refereeId: friend._id })) {
      throw new ConflictError('ALREADY_REFERRED', 'This member was already referred by someone');
    }
    if (friend.stats.purchaseCount > 0) {
      throw new ConflictError(
        'REFERRAL_TOO_LATE',
        'A referral code counts only before the first purchase, and this member has bought already',
      );
    }
    const terms = await this.currentTerms();
    if (!terms?.isActive) {
      throw new ConflictError('REFERRALS_NOT_ACTIVE', 'Referral codes cannot be used now');
    }
    const referrer = await this.member(code.memberId.toHexString());
    const now = this.deps.clock.now();
    const addressHash = input.address ? hashAddress(input.address) : null;
    const signals = await this.attributionSignals({
      friend,
      referrer,
      code,
      addressHash,
      now,
      deviceId: input.deviceId,
    });
    const score = Math.min(
      100,
      signals.reduce((sum, s) => sum + s.weight, 0),
    );
    const isForReview = score >= terms.reviewThreshold;
    const doc: ReferralDoc = {
      _id: new Types.ObjectId(),
      referrerId: referrer._id,
      refereeId: friend._id,
      code: code.code,
      termsVersion: terms.version,
      status: 'attributed',
      rejectReason: null,
      attributedAt: now,
      attributionEndsAt: new Date(now.getTime() + terms.attributionDays * DAY_MS),
      qualifyingPurchaseId: null,
      qualifyingStoreId: null,
      qualifiedAt: null,
      clearsAt: null,
      clearedAt: null,
      rewardedAt: null,
      rejectedAt: null,
      reversedAt: null,
      deferredByCap: false,
      addressHash,
      deviceId: input.deviceId,
      score,
      signals,
      review: { status: isForReview ? 'pending' : 'none', decidedBy: null, decidedAt: null, note: null },
      referrerReward: null,
      refereeReward: null,
      reversal: null,
    };
    const program = await this.deps.program.get();
    try {
      await runInTransaction(async (session) => {
        await ReferralModel.collection.insertOne(doc, { session });
        if (terms.refereeReward && terms.refereeRewardOn === 'join') {
          const given = await this.give(session, {
            reward: terms.refereeReward,
            memberId: friend._id,
            referral: doc,
            side: 'referee',
            program,
            now,
          });
          await ReferralModel.updateOne({ _id: doc._id }, { $set: { refereeReward: given } }, { session });
          doc.refereeReward = given;
        }
        await this.append(session, 'referral.attributed', doc, now, {
          code: doc.code,
          termsVersion: doc.termsVersion,
          score,
          costMinor: doc.refereeReward?.costMinor ?? 0,
        });
        if (isForReview) await this.appendReviewRequested(session, doc, now);
        await this.deps.audit.record({
          actor: input.principal,
          action: 'referral.attribute',
          entity: { type: 'referral', id: doc._id.toHexString() },
          after: { referrerId: String(referrer._id), refereeId: String(friend._id), code: doc.code, score },
          session,
        });
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        throw new ConflictError('ALREADY_REFERRED', 'This member was already referred by someone');
      }
      throw error;
    }
    return this.toResponse(doc);
  }

  private async attributionSignals(input: {
    friend: Member;
    referrer: Member;
    code: ReferralCodeDoc;
    deviceId: string | null;
    addressHash: string | null;
    now: Date;
  }): Promise<ReferralSignal[]> {
    const { friend, referrer } = input;
    const isHousehold = await this.isHousehold(friend._id, referrer._id);
    const signals: ReferralSignal[] = [];
    if (friend.email && referrer.email && normaliseEmail(friend.email) === normaliseEmail(referrer.email)) {
      signals.push({
        type: 'same_email',
        weight: SIGNAL_WEIGHTS.same_email,
        explanation: `Both emails reach the same mailbox (${normaliseEmail(friend.email)}) once dots and +tags are ignored`,
      });
    }
    if (phoneKey(friend.phone) === phoneKey(referrer.phone)) {
      signals.push({
        type: 'same_phone',
        weight: SIGNAL_WEIGHTS.same_phone,
        explanation: 'Both phone numbers are the same number (ignoring the country prefix)',
      });
    }
    if (input.deviceId && input.code.deviceIds.includes(input.deviceId)) {
      signals.push({
        type: 'same_device',
        weight: SIGNAL_WEIGHTS.same_device,
        explanation: "The friend joined on a device the referrer's card uses",
      });
    }
    if (input.addressHash) {
      const sameAddress = await ReferralModel.countDocuments({
        addressHash: input.addressHash,
        attributedAt: { $gt: new Date(input.now.getTime() - DAY_MS) },
      });
      if (sameAddress + 1 >= ADDRESS_DAY_LIMIT) {
        signals.push({
          type: 'many_from_address',
          weight: SIGNAL_WEIGHTS.many_from_address,
          explanation: `${sameAddress + 1} referrals were claimed from the same network address within a day`,
        });
      }
    }
    return isHousehold ? signals.filter((s) => !HOUSEHOLD_SIGNALS.has(s.type)) : signals;
  }

  private async isHousehold(a: Types.ObjectId, b: Types.ObjectId): Promise<boolean> {
    return (await ReferralHouseholdModel.exists({ memberIds: { $all: [a, b] } })) !== null;
  }

  // ── Events: the friend's purchases and refunds ───────────────────────────────────────────────────

  /** The subscriber's handler: idempotent (each step is a conditional update on the referral's state). */
  async handleEvents(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      if (event.type === 'purchase.recorded' && event.memberId) await this.onPurchase(event);
      if (event.type === 'refund.recorded') await this.onRefund(event);
    }
    await this.countEvents(events);
  }

  /** The friend's first purchase after attribution: qualified (waits for clearing) or rejected under the minimum. */
  private async onPurchase(event: DomainEvent): Promise<void> {
    const refereeId = new Types.ObjectId(event.memberId ?? '');
    const referral = await ReferralModel.findOne({ refereeId, status: 'attributed' }).lean();
    if (!referral) return;
    const purchaseId = new Types.ObjectId(String(event.payload.purchaseId));
    const purchase = await PurchaseModel.findById(purchaseId).lean();
    if (!purchase) return;
    await runInTransaction(async (session) => {
      const terms = await this.termsVersion(referral.termsVersion, session);
      const now = this.deps.clock.now();
      const paid = purchase.totalMinor - purchase.refundedMinor;
      if (purchase.occurredAt > referral.attributionEndsAt) {
        await this.reject(session, referral, 'attribution_expired', now, 'attributed');
        return;
      }
      if (paid < terms.minimumPurchaseMinor) {
        await this.reject(session, referral, 'first_purchase_below_minimum', now, 'attributed');
        return;
      }
      const signals = [...referral.signals];
      const sameTill = await this.referrerAtSameTill(referral, purchase.storeId, purchase.occurredAt);
      if (sameTill) signals.push(sameTill);
      const score = Math.min(
        100,
        signals.reduce((sum, s) => sum + s.weight, 0),
      );
      const isForReview = referral.review.status === 'none' && score >= terms.reviewThreshold;
      const clearsAt = new Date(purchase.occurredAt.getTime() + terms.clearingDays * DAY_MS);
      const changed = await ReferralModel.findOneAndUpdate(
        { _id: referral._id, status: 'attributed' },
        {
          $set: {
            status: 'qualified',
            qualifyingPurchaseId: purchase._id,
            qualifyingStoreId: purchase.storeId,
            qualifiedAt: now,
            clearsAt,
            signals,
            score,
            ...(isForReview ? { 'review.status': 'pending' } : {}),
          },
        },
        { new: true, session },
      ).lean();
      if (!changed) return;
      await this.append(session, 'referral.qualified', changed, now, {
        purchaseId: purchase._id.toHexString(),
        paidMinor: paid,
        clearsAt: clearsAt.toISOString(),
      });
      if (isForReview) await this.appendReviewRequested(session, changed, now);
    });
  }

  private async referrerAtSameTill(
    referral: ReferralDoc,
    storeId: Types.ObjectId,
    at: Date,
  ): Promise<ReferralSignal | null> {
    if (await this.isHousehold(referral.referrerId, referral.refereeId)) return null;
    const near = await PurchaseModel.exists({
      memberId: referral.referrerId,
      storeId,
      occurredAt: {
        $gte: new Date(at.getTime() - SAME_TILL_MS),
        $lte: new Date(at.getTime() + SAME_TILL_MS),
      },
    });
    if (!near) return null;
    return {
      type: 'referrer_at_same_till',
      weight: SIGNAL_WEIGHTS.referrer_at_same_till,
      explanation:
        "The referrer's own card was used at the same store within 15 minutes of the friend's first purchase",
    };
  }

  /**
   * A refund of the qualifying purchase: before the reward, a purchase that falls under the minimum is
   * rejected (`refunded`); after it, the rewards are reversed (points clawed back under the program's
   * negative-balance policy, unused coupons voided, what cannot be taken back recorded).
   */
  private async onRefund(event: DomainEvent): Promise<void> {
    const purchaseId = new Types.ObjectId(String(event.payload.purchaseId));
    const referral = await ReferralModel.findOne({ qualifyingPurchaseId: purchaseId }).lean();
    if (!referral || !['qualified', 'rewarded'].includes(referral.status)) return;
    const purchase = await PurchaseModel.findById(purchaseId).lean();
    if (!purchase) return;
    await runInTransaction(async (session) => {
      const terms = await this.termsVersion(referral.termsVersion, session);
      const paid = purchase.totalMinor - purchase.refundedMinor;
      if (paid >= terms.minimumPurchaseMinor && !purchase.isFullyRefunded) return;
      const now = this.deps.clock.now();
      if (referral.status === 'qualified') {
        await this.reject(session, referral, 'refunded', now, 'qualified');
        return;
      }
      await this.reverse(session, referral, String(event.payload.refundId), now);
    });
  }

  private async reverse(
    session: ClientSession,
    referral: ReferralDoc,
    refundId: string,
    now: Date,
  ): Promise<void> {
    const changed = await ReferralModel.findOneAndUpdate(
      { _id: referral._id, status: 'rewarded' },
      { $set: { status: 'reversed', reversedAt: now } },
      { new: true, session },
    ).lean();
    if (!changed) return;
    const program = await this.deps.program.get();
    const reversal = {
      pointsTaken: 0,
      pointsDebt: 0,
      pointsWrittenOff: 0,
      couponsVoided: 0,
      unrecoveredMinor: 0,
    };
    for (const [side, given] of [
      ['referrer', changed.referrerReward],
      ['referee', changed.refereeReward],
    ] as const) {
      if (!given) continue;
      const memberId = side === 'referrer' ? changed.referrerId : changed.refereeId;
      if (given.kind === 'points' && given.points) {
        const taken = await this.deps.ledger.clawBackInSession(session, {
          memberId,
          type: 'refund_reversal',
          points: given.points,
          reason: 'Referral reward reversed: the friend’s purchase was refunded',
          source: { type: 'referral', id: changed._id.toHexString() },
          actor: null,
          at: now,
          dedupeKey: `referral-reverse:${changed._id.toHexString()}:${side}`,
          preferredLotId: null,
          policy: program.negativeBalancePolicy,
        });
        reversal.pointsTaken += taken.taken;
        reversal.pointsDebt += taken.debtAdded;
        reversal.pointsWrittenOff += taken.writtenOff;
      } else if (given.kind === 'coupon' && given.couponId) {
        const voided = await this.deps.coupons.voidUnusedInSession(session, {
          couponId: given.couponId,
          reason: 'referral reversed: the friend’s purchase was refunded',
          now,
        });
        if (voided) reversal.couponsVoided += 1;
        else reversal.unrecoveredMinor += given.costMinor;
      } else {
        // A gift certificate's value is the member's stored money: it is not taken back, it is recorded.
        reversal.unrecoveredMinor += given.costMinor;
      }
    }
    await ReferralModel.updateOne({ _id: changed._id }, { $set: { reversal } }, { session });
    await this.append(session, 'referral.reversed', changed, now, { refundId, ...reversal });
  }

  private async reject(
    session: ClientSession,
    referral: ReferralDoc,
    reason: ReferralRejectReason,
    now: Date,
    from: ReferralDoc['status'],
  ): Promise<boolean> {
    const changed = await ReferralModel.findOneAndUpdate(
      { _id: referral._id, status: from },
      { $set: { status: 'rejected', rejectReason: reason, rejectedAt: now } },
      { new: true, session },
    ).lean();
    if (!changed) return false;
    await this.append(session, 'referral.rejected', changed, now, { reason });
    return true;
  }

  // ── Clearing (the sweep) ─────────────────────────────────────────────────────────────────────────

  /**
   * Due referrals on the injected clock, walked by indexed cursor in batches: attributed ones past their
   * attribution window are rejected; qualified ones past `clearsAt` (not waiting for a review) clear and
   * are rewarded within the caps. Every step is a conditional update: a rerun does nothing twice.
   */
  async clearDue(
    options: { batchSize?: number; concurrency?: number } = {},
  ): Promise<{ rewarded: number; deferred: number; rejected: number; expired: number }> {
    const batchSize = options.batchSize ?? 500;
    const concurrency = options.concurrency ?? 8;
    const now = this.deps.clock.now();
    const result = { rewarded: 0, deferred: 0, rejected: 0, expired: 0 };
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const filter: Record<string, unknown> = { status: 'attributed', attributionEndsAt: { $lte: now } };
      if (lastId) filter._id = { $gt: lastId };
      const due = await ReferralModel.find(filter).sort({ _id: 1 }).limit(batchSize).lean();
      for (const referral of due) {
        const isRejected = await runInTransaction((session) =>
          this.reject(session, referral, 'attribution_expired', now, 'attributed'),
        );
        if (isRejected) result.expired += 1;
      }
      if (due.length < batchSize) break;
      lastId = due[due.length - 1]?._id ?? null;
    }
    lastId = null;
    for (;;) {
      const filter: Record<string, unknown> = {
        status: 'qualified',
        clearsAt: { $lte: now },
        'review.status': { $ne: 'pending' },
      };
      if (lastId) filter._id = { $gt: lastId };
      const due = await ReferralModel.find(filter, { _id: 1 }).sort({ _id: 1 }).limit(batchSize).lean();
      for (let i = 0; i < due.length; i += concurrency) {
        const outcomes = await Promise.all(due.slice(i, i + concurrency).map((r) => this.clearOne(r._id)));
        for (const outcome of outcomes) if (outcome !== 'skipped') result[outcome] += 1;
      }
      if (due.length < batchSize) break;
      lastId = due[due.length - 1]?._id ?? null;
    }
    return result;
  }

  /**
   * Clears one due referral in one transaction: the purchase is still at or above the minimum (else
   * rejected `refunded`), the caps are taken (conditional `$inc` below the cap: of 100 concurrent
   * clearings under a cap of 5, exactly 5 pass), then both rewards are given.
   */
  async clearOne(id: Types.ObjectId): Promise<ClearOutcome> {
    const program = await this.deps.program.get();
    return runInTransaction(async (session) => {
      const now = this.deps.clock.now();
      const referral = await ReferralModel.findOne({
        _id: id,
        status: 'qualified',
        clearsAt: { $lte: now },
        'review.status': { $ne: 'pending' },
      })
        .session(session)
        .lean();
      if (!referral) return 'skipped';
      const terms = await this.termsVersion(referral.termsVersion, session);
      const purchase = referral.qualifyingPurchaseId
        ? await PurchaseModel.findById(referral.qualifyingPurchaseId).session(session).lean()
        : null;
      if (!purchase || purchase.totalMinor - purchase.refundedMinor < terms.minimumPurchaseMinor) {
        await this.reject(session, referral, 'refunded', now, 'qualified');
        return 'rejected';
      }
      const cap = await this.takeCaps(session, referral, terms, program, now);
      if (cap === 'lifetime' || (cap === 'monthly' && terms.capPolicy === 'reject')) {
        await this.reject(session, referral, 'CAP_REACHED', now, 'qualified');
        return 'rejected';
      }
      if (cap === 'monthly') {
        const next = startOfNextMonth(now, program.timeZone);
        const moved = await ReferralModel.updateOne(
          { _id: referral._id, status: 'qualified' },
          { $set: { clearsAt: next, deferredByCap: true } },
          { session },
        );
        return moved.modifiedCount === 1 ? 'deferred' : 'skipped';
      }
      const referrerReward = await this.give(session, {
        reward: terms.referrerReward,
        memberId: referral.referrerId,
        referral,
        side: 'referrer',
        program,
        now,
      });
      const refereeReward =
        terms.refereeReward && terms.refereeRewardOn === 'first_purchase'
          ? await this.give(session, {
              reward: terms.refereeReward,
              memberId: referral.refereeId,
              referral,
              side: 'referee',
              program,
              now,
            })
          : referral.refereeReward;
      const changed = await ReferralModel.findOneAndUpdate(
        { _id: referral._id, status: 'qualified' },
        { $set: { status: 'rewarded', clearedAt: now, rewardedAt: now, referrerReward, refereeReward } },
        { new: true, session },
      ).lean();
      if (!changed) throw new RetryTransaction('referral cleared concurrently');
      const cost =
        referrerReward.costMinor +
        (refereeReward && refereeReward !== referral.refereeReward ? refereeReward.costMinor : 0);
      await this.append(session, 'referral.cleared', changed, now, {
        purchaseId: purchase._id.toHexString(),
      });
      await this.append(session, 'referral.rewarded', changed, now, {
        costMinor: cost,
        referrerReward: rewardPayload(referrerReward),
        refereeReward: refereeReward ? rewardPayload(refereeReward) : null,
      });
      return 'rewarded';
    });
  }

  /**
   * Takes one reward of the referrer's lifetime and monthly caps, each a conditional `$inc` (count below
   * the cap) on a counter created beforehand: answers the cap that refused (the transaction then writes
   * no count), or null when both had room.
   */
  private async takeCaps(
    session: ClientSession,
    referral: ReferralDoc,
    terms: ReferralTermsDoc,
    program: ProgramSettings,
    now: Date,
  ): Promise<'monthly' | 'lifetime' | null> {
    const caps: Array<{ period: string; cap: number; name: 'monthly' | 'lifetime' }> = [];
    if (terms.lifetimeCap !== null)
      caps.push({ period: 'lifetime', cap: terms.lifetimeCap, name: 'lifetime' });
    if (terms.monthlyCap !== null) {
      caps.push({ period: localMonth(now, program.timeZone), cap: terms.monthlyCap, name: 'monthly' });
    }
    const takenIds: string[] = [];
    for (const { period, cap, name } of caps) {
      const _id = `${referral.referrerId.toHexString()}:${period}`;
      const taken = await ReferralCapCounterModel.updateOne(
        { _id, count: { $lt: cap } },
        { $inc: { count: 1 } },
        { session },
      );
      if (taken.modifiedCount === 1) {
        takenIds.push(_id);
        continue;
      }
      const exists = await ReferralCapCounterModel.exists({ _id }).session(session);
      if (exists) {
        // The other cap's count was taken in this transaction, which goes on to reject or defer: give it back.
        for (const takenId of takenIds) {
          await ReferralCapCounterModel.updateOne({ _id: takenId }, { $inc: { count: -1 } }, { session });
        }
        return name;
      }
      takenIds.push(_id);
      try {
        await ReferralCapCounterModel.create([{ _id, referrerId: referral.referrerId, period, count: 1 }], {
          session,
        });
      } catch (error) {
        if ((error as { code?: number }).code === 11000)
          throw new RetryTransaction('cap counter created concurrently');
        throw error;
      }
    }
    return null;
  }

  private async give(
    session: ClientSession,
    input: {
      reward: ReferralTermsDoc['referrerReward'];
      memberId: Types.ObjectId;
      referral: ReferralDoc;
      side: 'referrer' | 'referee';
      program: ProgramSettings;
      now: Date;
    },
  ): Promise<RewardGivenDoc> {
    const { reward, referral, now } = input;
    const id = referral._id.toHexString();
    if (reward.kind === 'points') {
      await this.deps.ledger.creditInSession(session, {
        memberId: input.memberId,
        type: 'earn',
        points: reward.points,
        reason:
          input.side === 'referrer'
            ? 'Referral reward: a friend you invited'
            : 'Welcome reward: joined with a friend’s code',
        source: { type: 'referral', id },
        actor: null,
        at: now,
        dedupeKey: `referral:${id}:${input.side}`,
        now,
        availableAt: now,
        expiresAt: lotDates(input.program, now).expiresAt,
        lotSource: { type: 'referral', id },
      });
      return {
        kind: 'points',
        points: reward.points,
        couponId: null,
        giftCertificateId: null,
        costMinor: reward.points * input.program.pointValueMinor,
        givenAt: now,
      };
    }
    if (reward.kind === 'coupon') {
      const coupon = await this.deps.coupons.issueForReferralInSession(session, {
        templateId: reward.couponTemplateId,
        memberId: input.memberId,
        referralId: referral._id,
        now,
      });
      const template = await CouponTemplateModel.findById(coupon.templateId).session(session).lean();
      const discount = template?.terms.discount;
      return {
        kind: 'coupon',
        points: null,
        couponId: coupon._id,
        giftCertificateId: null,
        costMinor: discount?.kind === 'fixed' ? discount.amountMinor : 0,
        givenAt: now,
      };
    }
    const issued = await this.deps.giftCertificates.issueInSession(session, input.program, {
      valueMinor: reward.valueMinor,
      currency: input.program.currency,
      channel: 'campaign',
      campaign: 'referral',
      batchId: null,
      purchaseId: null,
      memberId: input.memberId,
      reason: `Referral reward (referral ${id})`,
      actor: { kind: 'system', id: null, label: 'referrals' },
      requestKey: null,
      now,
    });
    return {
      kind: 'giftCertificate',
      points: null,
      couponId: null,
      giftCertificateId: issued.doc._id,
      costMinor: reward.valueMinor,
      givenAt: now,
    };
  }

  // ── Review queue ─────────────────────────────────────────────────────────────────────────────────

  /** A manager's decision on a referral in the queue (audited, `referral.reviewed`). */
  async review(id: string, body: ReviewReferralBody, principal: Principal): Promise<Referral> {
    const referral = await this.get(id);
    if (referral.review.status !== 'pending') {
      throw new ConflictError('REFERRAL_NOT_IN_REVIEW', 'This referral is not waiting for a review');
    }
    const now = this.deps.clock.now();
    const decidedBy = principal.kind === 'staff' ? principal.email : principalKey(principal);
    await runInTransaction(async (session) => {
      const changed = await ReferralModel.findOneAndUpdate(
        { _id: referral._id, 'review.status': 'pending' },
        {
          $set: {
            'review.status': body.decision === 'approve' ? 'approved' : 'rejected',
            'review.decidedBy': decidedBy,
            'review.decidedAt': now,
            'review.note': body.note,
          },
        },
        { new: true, session },
      ).lean();
      if (!changed) throw new ConflictError('REFERRAL_NOT_IN_REVIEW', 'This referral was decided meanwhile');
      await this.append(session, 'referral.reviewed', changed, now, { decision: body.decision });
      if (body.decision === 'reject' && ['attributed', 'qualified'].includes(changed.status)) {
        await this.reject(session, changed, 'review_rejected', now, changed.status);
      }
      await this.deps.audit.record({
        actor: principal,
        action: `referral.review.${body.decision}`,
        entity: { type: 'referral', id },
        before: { review: referral.review, status: referral.status },
        after: { review: changed.review, signals: changed.signals, score: changed.score },
        reason: body.note,
        session,
      });
    });
    return this.toResponse(await this.get(id));
  }

  // ── Reads ────────────────────────────────────────────────────────────────────────────────────────

  async get(id: string): Promise<ReferralDoc> {
    const doc = /^[0-9a-f]{24}$/i.test(id) ? await ReferralModel.findById(id).lean() : null;
    if (!doc) throw new NotFoundError('Referral', id);
    return doc;
  }

  async list(query: ReferralListQuery) {
    const filter: Record<string, unknown> = {};
    if (query.status) filter.status = query.status;
    if (query.review) filter['review.status'] = query.review;
    if (query.referrerId) filter.referrerId = new Types.ObjectId(query.referrerId);
    if (query.refereeId) filter.refereeId = new Types.ObjectId(query.refereeId);
    const page = await paginate(ReferralModel, filter, { ...query, list: 'referrals' }, (d) => d);
    return { items: await this.toResponses(page.items), nextCursor: page.nextCursor };
  }

  async funnel(referrerId: string | undefined): Promise<ReferralFunnel> {
    if (referrerId) await this.member(referrerId);
    const [stats, program] = await Promise.all([
      ReferralStatsModel.findById(referrerId ?? 'all').lean(),
      this.deps.program.get(),
    ]);
    const s = {
      linkOpens: stats?.linkOpens ?? 0,
      joins: stats?.joins ?? 0,
      qualified: stats?.qualified ?? 0,
      cleared: stats?.cleared ?? 0,
      rewarded: stats?.rewarded ?? 0,
      rejected: stats?.rejected ?? 0,
      reversed: stats?.reversed ?? 0,
      referrers: stats?.referrers ?? 0,
      rewardsCostMinor: stats?.rewardsCostMinor ?? 0,
    };
    const kFactor = referrerId
      ? s.joins
      : s.referrers === 0
        ? 0
        : Math.round((s.joins / s.referrers) * 100) / 100;
    return { referrerId: referrerId ?? null, ...s, currency: program.currency, kFactor };
  }

  /** What the member's card shows: the code and link, the terms in short, each friend, and their own referral. */
  async memberView(memberId: string, origin: string): Promise<MemberReferral> {
    const member = await this.member(memberId);
    const [code, terms, program] = await Promise.all([
      this.codeFor(member._id, member.name),
      this.currentTerms(),
      this.deps.program.get(),
    ]);
    const [friends, own] = await Promise.all([
      ReferralModel.find({ referrerId: member._id }).sort({ _id: -1 }).limit(200).lean(),
      ReferralModel.findOne({ refereeId: member._id }).lean(),
    ]);
    const names = await memberNames([...friends.map((f) => f.refereeId), ...(own ? [own.referrerId] : [])]);
    const purchases = await PurchaseModel.find(
      { _id: { $in: friends.flatMap((f) => (f.qualifyingPurchaseId ? [f.qualifyingPurchaseId] : [])) } },
      { occurredAt: 1 },
    ).lean();
    const boughtAt = new Map(purchases.map((p) => [p._id.toHexString(), p.occurredAt]));
    return {
      code: code.code,
      shareUrl: `${origin.replace(/\/$/, '')}/card/?ref=${encodeURIComponent(code.code)}`,
      isActive: terms?.isActive ?? false,
      offer: terms
        ? {
            referrerReward: terms.referrerReward,
            refereeReward: terms.refereeReward,
            minimumPurchaseMinor: terms.minimumPurchaseMinor,
          }
        : null,
      currency: program.currency,
      friends: friends.map((f) => ({
        name: firstName(names.get(f.refereeId.toHexString()) ?? ''),
        status: f.status,
        rejectReason: f.rejectReason,
        joinedAt: f.attributedAt.toISOString(),
        firstPurchaseAt: f.qualifyingPurchaseId
          ? (boughtAt.get(f.qualifyingPurchaseId.toHexString())?.toISOString() ?? null)
          : null,
        rewardDueAt: f.status === 'qualified' ? (f.clearsAt?.toISOString() ?? null) : null,
        rewardedAt: f.rewardedAt?.toISOString() ?? null,
        isUnderReview: f.review.status === 'pending',
      })),
      referredBy: own
        ? {
            referrerName: firstName(names.get(own.referrerId.toHexString()) ?? ''),
            status: own.status,
            rewardDueAt: own.status === 'qualified' ? (own.clearsAt?.toISOString() ?? null) : null,
            rewardedAt: own.rewardedAt?.toISOString() ?? null,
          }
        : null,
    };
  }

  // ── Households ───────────────────────────────────────────────────────────────────────────────────

  async addHousehold(body: ReferralHouseholdBody, principal: Principal): Promise<ReferralHousehold> {
    const ids = [...new Set(body.memberIds.map((id) => id.toLowerCase()))].map(
      (id) => new Types.ObjectId(id),
    );
    const found = await MemberModel.find({ _id: { $in: ids } }, { _id: 1 }).lean();
    const missing = ids.find((id) => !found.some((m) => m._id.equals(id)));
    if (missing) throw new NotFoundError('Member', missing.toHexString());
    const doc = {
      _id: new Types.ObjectId(),
      memberIds: ids,
      note: body.note,
      createdAt: this.deps.clock.now(),
      createdBy: principal.kind === 'staff' ? principal.email : principalKey(principal),
    };
    await runInTransaction(async (session) => {
      await ReferralHouseholdModel.collection.insertOne(doc, { session });
      await this.deps.audit.record({
        actor: principal,
        action: 'referral_household.add',
        entity: { type: 'referral_household', id: doc._id.toHexString() },
        after: { memberIds: ids.map(String), note: body.note },
        session,
      });
    });
    return (await this.householdResponses([doc]))[0] as ReferralHousehold;
  }

  async listHouseholds(query: { limit: number; cursor?: string | undefined }) {
    const page = await paginate(
      ReferralHouseholdModel,
      {},
      { ...query, list: 'referral-households' },
      (d) => d,
    );
    return { items: await this.householdResponses(page.items), nextCursor: page.nextCursor };
  }

  async removeHousehold(id: string, principal: Principal): Promise<void> {
    const doc = /^[0-9a-f]{24}$/i.test(id) ? await ReferralHouseholdModel.findById(id).lean() : null;
    if (!doc) throw new NotFoundError('Referral household', id);
    await runInTransaction(async (session) => {
      await ReferralHouseholdModel.deleteOne({ _id: doc._id }, { session });
      await this.deps.audit.record({
        actor: principal,
        action: 'referral_household.remove',
        entity: { type: 'referral_household', id },
        before: { memberIds: doc.memberIds.map(String), note: doc.note },
        session,
      });
    });
  }

  private async householdResponses(
    docs: ReadonlyArray<{
      _id: Types.ObjectId;
      memberIds: Types.ObjectId[];
      note: string;
      createdAt: Date;
      createdBy: string | null;
    }>,
  ): Promise<ReferralHousehold[]> {
    const names = await memberNames(docs.flatMap((d) => d.memberIds));
    return docs.map((d) => ({
      id: d._id.toHexString(),
      members: d.memberIds.map((m) => ({ id: m.toHexString(), name: names.get(m.toHexString()) ?? '' })),
      note: d.note,
      createdAt: d.createdAt.toISOString(),
      createdBy: d.createdBy,
    }));
  }

  // ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

  private async member(id: string): Promise<Member> {
    const member = /^[0-9a-f]{24}$/i.test(id) ? await MemberModel.findById(id).lean() : null;
    if (!member) throw new NotFoundError('Member', id);
    return member;
  }

  /**
   * The funnel's pre-aggregates follow the `referral.*` events (the subscriber): outside the state
   * changes, so that a clearing never contends on a shared counter. Each event counts once: its id is
   * marked in the same transaction as the `$inc` (a redelivered event finds its mark and is skipped).
   */
  async countEvents(events: readonly DomainEvent[]): Promise<void> {
    for (const event of events) {
      const inc = STAT_OF_EVENT[event.type]?.(event.payload);
      const referrerId = event.payload.referrerId;
      if (!inc || typeof referrerId !== 'string') continue;
      await runInTransaction(async (session) => {
        try {
          await ReferralStatsMarkModel.create([{ _id: event.id }], { session });
        } catch (error) {
          if ((error as { code?: number }).code === 11000) return;
          throw error;
        }
        for (const _id of ['all', referrerId]) {
          await ReferralStatsModel.updateOne({ _id }, { $inc: inc }, { upsert: true, session });
        }
      });
    }
  }

  private async append(
    session: ClientSession,
    type:
      | 'referral.attributed'
      | 'referral.qualified'
      | 'referral.cleared'
      | 'referral.rewarded'
      | 'referral.rejected'
      | 'referral.reversed'
      | 'referral.review_requested'
      | 'referral.reviewed',
    referral: ReferralDoc,
    occurredAt: Date,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.events.append(session, {
      type,
      occurredAt,
      memberId: referral.referrerId,
      subject: { referralId: referral._id, refereeId: referral.refereeId },
      payload: {
        referralId: referral._id.toHexString(),
        referrerId: referral.referrerId.toHexString(),
        refereeId: referral.refereeId.toHexString(),
        status: referral.status,
        ...extra,
      },
    });
  }

  private async appendReviewRequested(
    session: ClientSession,
    referral: ReferralDoc,
    now: Date,
  ): Promise<void> {
    await this.append(session, 'referral.review_requested', referral, now, {
      score: referral.score,
      signals: referral.signals.map((s) => s.type),
    });
  }

  async toResponse(doc: ReferralDoc): Promise<Referral> {
    return (await this.toResponses([doc]))[0] as Referral;
  }

  async toResponses(docs: readonly ReferralDoc[]): Promise<Referral[]> {
    const names = await memberNames(docs.flatMap((d) => [d.referrerId, d.refereeId]));
    return docs.map((d) => ({
      id: d._id.toHexString(),
      referrer: { id: d.referrerId.toHexString(), name: names.get(d.referrerId.toHexString()) ?? '' },
      referee: { id: d.refereeId.toHexString(), name: names.get(d.refereeId.toHexString()) ?? '' },
      code: d.code,
      termsVersion: d.termsVersion,
      status: d.status,
      rejectReason: d.rejectReason,
      attributedAt: d.attributedAt.toISOString(),
      attributionEndsAt: d.attributionEndsAt.toISOString(),
      qualifyingPurchaseId: d.qualifyingPurchaseId?.toHexString() ?? null,
      qualifiedAt: d.qualifiedAt?.toISOString() ?? null,
      clearsAt: d.clearsAt?.toISOString() ?? null,
      clearedAt: d.clearedAt?.toISOString() ?? null,
      rewardedAt: d.rewardedAt?.toISOString() ?? null,
      rejectedAt: d.rejectedAt?.toISOString() ?? null,
      reversedAt: d.reversedAt?.toISOString() ?? null,
      deferredByCap: d.deferredByCap,
      score: d.score,
      signals: d.signals,
      review: {
        status: d.review.status,
        decidedBy: d.review.decidedBy,
        decidedAt: d.review.decidedAt?.toISOString() ?? null,
        note: d.review.note,
      },
      referrerReward: d.referrerReward ? rewardResponse(d.referrerReward) : null,
      refereeReward: d.refereeReward ? rewardResponse(d.refereeReward) : null,
      reversal: d.reversal,
    }));
  }
}

function toTermsResponse(doc: ReferralTermsDoc): ReferralTerms {
  return {
    version: doc.version,
    isActive: doc.isActive,
    referrerReward: doc.referrerReward,
    refereeReward: doc.refereeReward,
    refereeRewardOn: doc.refereeRewardOn,
    minimumPurchaseMinor: doc.minimumPurchaseMinor,
    clearingDays: doc.clearingDays,
    attributionDays: doc.attributionDays,
    monthlyCap: doc.monthlyCap,
    lifetimeCap: doc.lifetimeCap,
    capPolicy: doc.capPolicy,
    reviewThreshold: doc.reviewThreshold,
    createdAt: doc.createdAt.toISOString(),
    createdBy: doc.createdBy,
  };
}

function rewardResponse(given: RewardGivenDoc) {
  return {
    kind: given.kind,
    points: given.points,
    couponId: given.couponId?.toHexString() ?? null,
    giftCertificateId: given.giftCertificateId?.toHexString() ?? null,
    costMinor: given.costMinor,
    givenAt: given.givenAt.toISOString(),
  };
}

function rewardPayload(given: RewardGivenDoc) {
  const { givenAt: _givenAt, ...rest } = rewardResponse(given);
  return rest;
}

async function memberNames(ids: readonly Types.ObjectId[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const members = await MemberModel.find({ _id: { $in: ids } }, { name: 1 }).lean();
  return new Map(members.map((m) => [m._id.toHexString(), m.name]));
}

/** What a friend sees of another member: the first name. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? '';
}

/** Addresses are kept as a keyed hash: comparable within the day, never readable. */
function hashAddress(address: string): string {
  return createHash('sha256').update(`referral-address:${address}`).digest('hex').slice(0, 32);
}

/** `YYYY-MM` of `at` in `timeZone`. */
export function localMonth(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })
    .format(at)
    .slice(0, 7);
}

/** The instant the next calendar month starts in `timeZone` (its 1st at 00:00 local time). */
export function startOfNextMonth(at: Date, timeZone: string): Date {
  const [year, month] = localMonth(at, timeZone).split('-').map(Number) as [number, number];
  const utcGuess = Date.UTC(month === 12 ? year + 1 : year, month === 12 ? 0 : month, 1);
  // The zone's offset at that instant (twice: the first guess may sit across a DST change).
  let instant = utcGuess;
  for (let i = 0; i < 2; i += 1) instant = utcGuess - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(at.getTime() / 1000) * 1000;
}
