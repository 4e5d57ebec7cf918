import { Types, type ClientSession } from 'mongoose';
import type {
  AdjustGiftCertificateBody,
  GiftCertificate,
  GiftCertificateBalance,
  GiftCertificateBatch,
  GiftCertificateChannel,
  GiftCertificateDetail,
  GiftCertificateEntry,
  GiftCertificateEntryType,
  GiftCertificateListQuery,
  IssueGiftCertificateBatchBody,
  IssueGiftCertificateBody,
  IssuedGiftCertificate,
  ReloadGiftCertificateBody,
  WalletGiftCertificate,
} from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { paginate } from '../../platform/pagination.js';
import type { Principal } from '../../platform/principal.js';
import type { RateLimiter, RateLimitRule } from '../../platform/rate-limit.js';
import { displayCode } from '../coupons/coupon-code.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { EventModel, type EventDoc } from '../events/event.model.js';
import { actorOf as entryActorOf, addMonths } from '../ledger/ledger.service.js';
import { RetryTransaction, runInTransaction } from '../ledger/transaction.js';
import { MemberModel } from '../members/member.model.js';
import type { ProgramService, ProgramSettings } from '../program/program.service.js';
import type { SoldCertificate } from '../checkouts/instrument-port.js';
import type { GiftCertificateCodes } from './gift-certificate-code.js';
import { markWallet } from '../members/wallet-kinds.js';
import {
  GiftCertificateDayTotalsModel,
  GiftCertificateEntryModel,
  GiftCertificateModel,
  type GiftCertificateDoc,
  type GiftCertificateActor,
  type GiftCertificateEntryDoc,
} from './gift-certificate.model.js';

type EntryActor = GiftCertificateActor;
const SYSTEM: GiftCertificateActor = { kind: 'system', id: null, label: null };
/** The ledger's actor of a principal (never null: the system acts for an anonymous caller). */
export const actorOf = (principal: Principal): GiftCertificateActor => entryActorOf(principal) ?? SYSTEM;

/** Wrong codes one credential, or one address, may try per minute (as for coupon codes). */
export const WRONG_CODES_PER_MIN = 10;

/** Who is trying a code: the credential and the address each get WRONG_CODES_PER_MIN wrong ones a minute. */
export type CodeGuesser = { principal: Principal; ip: string | null };

type NewCertificate = {
  valueMinor: number;
  currency: string;
  channel: GiftCertificateChannel;
  campaign: string | null;
  batchId: Types.ObjectId | null;
  purchaseId: Types.ObjectId | null;
  /** The checkout that sold it (on its issue entry). */
  checkoutId?: Types.ObjectId | null;
  memberId: Types.ObjectId | null;
  reason: string;
  actor: EntryActor;
  requestKey: string | null;
  now: Date;
};

type EntryInput = {
  type: GiftCertificateEntryType;
  amountMinor: number;
  reason: string;
  actor: EntryActor;
  purchaseId?: Types.ObjectId | null;
  checkoutId?: string | null;
  refundId?: Types.ObjectId | null;
  dedupeKey?: string | null;
  now: Date;
};

/** A certificate credited back by a refund (in the refund's answer). */
export type GiftCertificateRefundCredit = { id: string; last4: string; amountMinor: number };

/** A sold certificate the refund of its sale took back (in the refund's answer). */
export type GiftCertificateVoided = { id: string; last4: string; amountMinor: number };

/**
 * Gift certificates: stored value with its own append-only ledger. Every change of a balance is a
 * conditional `$inc` on the certificate plus one entry (and the liability pre-aggregate), in one
 * transaction; the balance is the sum of the entries. The checkout holds amounts through
 * GiftCertificateInstrument (this service's holdInSession / releaseInSession / commitInSession).
 */
export class GiftCertificateService {
  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      events: EventService;
      audit: AuditService;
      codes: GiftCertificateCodes;
      rateLimiter: RateLimiter;
    },
  ) {}

  // ---- issue ------------------------------------------------------------------------------------------

  /** One certificate, free (staff or a campaign); its full code is in this answer only. */
  async issue(
    body: IssueGiftCertificateBody,
    ctx: { principal: Principal; requestKey: string | null },
  ): Promise<IssuedGiftCertificate> {
    await this.refuseRepeatedKey(ctx.requestKey);
    const program = await this.deps.program.get();
    const currency = this.currencyOf(body.currency, program);
    const memberId = body.memberId ? new Types.ObjectId(body.memberId) : null;
    if (memberId && !(await memberExists(memberId))) throw new NotFoundError('Member', body.memberId);
    const now = this.deps.clock.now();
    const issued = await this.withRepeatedKeyGuard(ctx.requestKey, () =>
      runInTransaction(async (session) => {
        const created = await this.issueInSession(session, program, {
          valueMinor: body.valueMinor,
          currency,
          channel: body.campaign ? 'campaign' : 'staff',
          campaign: body.campaign ?? null,
          batchId: null,
          purchaseId: null,
          memberId,
          reason: body.reason,
          actor: actorOf(ctx.principal),
          requestKey: ctx.requestKey,
          now,
        });
        return created;
      }),
    );
    return this.toIssued(issued.doc, issued.code);
  }

  /** N bearer certificates of one value; the CSV of their codes is this answer only. */
  async issueBatch(
    body: IssueGiftCertificateBatchBody,
    ctx: { principal: Principal; requestKey: string | null },
  ): Promise<GiftCertificateBatch> {
    await this.refuseRepeatedKey(ctx.requestKey);
    const program = await this.deps.program.get();
    const currency = this.currencyOf(body.currency, program);
    const now = this.deps.clock.now();
    const batchId = new Types.ObjectId();
    const issued = await this.withRepeatedKeyGuard(ctx.requestKey, () =>
      runInTransaction(async (session) => {
        return this.issueManyInSession(
          session,
          program,
          {
            valueMinor: body.valueMinor,
            currency,
            channel: body.campaign ? 'campaign' : 'staff',
            campaign: body.campaign ?? null,
            batchId,
            purchaseId: null,
            memberId: null,
            reason: body.reason,
            actor: actorOf(ctx.principal),
            requestKey: ctx.requestKey,
            now,
          },
          body.count,
        );
      }),
    );
    const expiresAt = issued[0]?.doc.expiresAt ?? null;
    const header = 'code,displayCode,last4,valueMinor,currency,expiresAt,qrPayload';
    const rows = issued.map(({ doc, code }) =>
      [
        code,
        displayCode(code),
        doc.last4,
        doc.initialValueMinor,
        doc.currency,
        doc.expiresAt?.toISOString() ?? '',
        this.deps.codes.qrPayload(code),
      ].join(','),
    );
    return {
      batchId: batchId.toHexString(),
      count: issued.length,
      valueMinor: body.valueMinor,
      currency,
      expiresAt: expiresAt?.toISOString() ?? null,
      csv: `${[header, ...rows].join('\n')}\n`,
    };
  }

  /**
   * Writes a new certificate, its issue entry, the day's totals and the event in `session` (the sale at the
   * till calls this in the checkout's transaction).
   */
  async issueInSession(
    session: ClientSession,
    program: ProgramSettings,
    input: NewCertificate,
  ): Promise<{ doc: GiftCertificateDoc; code: string }> {
    const [issued] = await this.issueManyInSession(session, program, input, 1);
    if (!issued) throw new Error('no gift certificate issued');
    return issued;
  }

  /**
   * `count` certificates of one kind: each collection written in one command (a batch of 1000 is a few
   * round trips, not thousands). A code whose hash is taken (a collision: about one in 2^64 per pair, and
   * checked first) makes the transaction retry with new codes, so an issue never fails on one. The request
   * key, when given, goes on the first certificate (it answers for the whole batch).
   */
  async issueManyInSession(
    session: ClientSession,
    program: ProgramSettings,
    input: NewCertificate,
    count: number,
  ): Promise<Array<{ doc: GiftCertificateDoc; code: string }>> {
    const codes = await this.freshCodes(count, session);
    const expiresAt =
      program.giftCertificateExpiryMonths > 0
        ? addMonths(input.now, program.giftCertificateExpiryMonths)
        : null;
    const issueDay = localDay(input.now, program.timeZone);
    const issued = codes.map((code, index) => {
      const id = new Types.ObjectId();
      const doc: GiftCertificateDoc = {
        _id: id,
        codeHash: this.deps.codes.hash(code),
        last4: code.slice(-4),
        currency: input.currency,
        initialValueMinor: input.valueMinor,
        balanceMinor: input.valueMinor,
        heldMinor: 0,
        availableMinor: input.valueMinor,
        status: 'active',
        expiresAt,
        expiredAt: null,
        blockedAt: null,
        blockedReason: null,
        memberId: input.memberId,
        claimedAt: input.memberId ? input.now : null,
        encryptedCode: input.memberId ? this.deps.codes.encrypt(code, id.toHexString()) : null,
        channel: input.channel,
        campaign: input.campaign,
        batchId: input.batchId,
        purchaseId: input.purchaseId,
        issuedBy: input.actor,
        requestKey: index === 0 ? input.requestKey : null,
        issueDay,
        issuedAt: input.now,
        updatedAt: input.now,
      };
      return { doc, code };
    });
    const docs = issued.map((i) => i.doc);
    if (input.memberId) await markWallet(session, [input.memberId], 'giftCertificates');
    try {
      await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).insertMany(docs, { session });
    } catch (error) {
      const e = error as { code?: number; keyPattern?: Record<string, unknown> };
      if (e.code === 11000 && e.keyPattern && 'codeHash' in e.keyPattern)
        throw new RetryTransaction('gift certificate code collision');
      throw error;
    }
    const entries: GiftCertificateEntryDoc[] = docs.map((doc) => ({
      _id: new Types.ObjectId(),
      certificateId: doc._id,
      type: 'issue',
      amountMinor: input.valueMinor,
      balanceAfterMinor: input.valueMinor,
      currency: doc.currency,
      reason: input.reason,
      actor: input.actor,
      purchaseId: input.purchaseId,
      checkoutId: input.checkoutId?.toHexString() ?? null,
      refundId: null,
      dedupeKey: null,
      createdAt: input.now,
    }));
    await nativeCollection<GiftCertificateEntryDoc>(GiftCertificateEntryModel).insertMany(entries, {
      session,
    });
    await this.incDayTotals(session, {
      currency: input.currency,
      issueDay,
      type: 'issue',
      amountMinor: input.valueMinor * docs.length,
      certificates: docs.length,
    });
    const events = docs.map((doc) =>
      this.deps.events.document({
        type: 'gift_certificate.issued',
        occurredAt: input.now,
        memberId: input.memberId,
        subject: {
          giftCertificateId: doc._id,
          ...(input.batchId ? { batchId: input.batchId } : {}),
          ...(input.purchaseId ? { purchaseId: input.purchaseId } : {}),
        },
        payload: {
          giftCertificateId: doc._id.toHexString(),
          last4: doc.last4,
          currency: doc.currency,
          valueMinor: input.valueMinor,
          channel: input.channel,
          campaign: input.campaign,
          batchId: input.batchId?.toHexString() ?? null,
          purchaseId: input.purchaseId?.toHexString() ?? null,
          expiresAt: doc.expiresAt?.toISOString() ?? null,
        },
      }),
    );
    await nativeCollection<EventDoc>(EventModel).insertMany(events, { session });
    return issued;
  }

  /**
   * Certificates sold at the till (GiftCertificateSalePort), in the checkout's transaction: bearer, channel
   * `sale`, linked to the purchase and the checkout, "Sold at the till" by the cashier or the API key.
   */
  async sellInSession(
    session: ClientSession,
    input: {
      valueMinor: number;
      count: number;
      currency: string;
      purchaseId: Types.ObjectId;
      checkoutId: Types.ObjectId;
      actor: EntryActor | null;
      now: Date;
    },
  ): Promise<SoldCertificate[]> {
    const program = await this.deps.program.get();
    const issued = await this.issueManyInSession(
      session,
      program,
      {
        valueMinor: input.valueMinor,
        currency: this.currencyOf(input.currency, program),
        channel: 'sale',
        campaign: null,
        batchId: null,
        purchaseId: input.purchaseId,
        checkoutId: input.checkoutId,
        memberId: null,
        reason: 'Sold at the till',
        actor: input.actor ?? SYSTEM,
        requestKey: null,
        now: input.now,
      },
      input.count,
    );
    return issued.map(({ doc, code }) => ({
      id: doc._id,
      last4: doc.last4,
      valueMinor: doc.initialValueMinor,
      currency: doc.currency,
      expiresAt: doc.expiresAt,
      code,
      displayCode: displayCode(code),
      qrPayload: this.deps.codes.qrPayload(code),
    }));
  }

  /** `count` codes none of which is taken (checked against the index before the insert). */
  private async freshCodes(count: number, session: ClientSession): Promise<string[]> {
    const codes = new Set<string>();
    while (codes.size < count) {
      const wanted = Array.from({ length: count - codes.size }, () => this.deps.codes.generate());
      const taken = new Set(
        (
          await GiftCertificateModel.find(
            { codeHash: { $in: wanted.map((c) => this.deps.codes.hash(c)) } },
            { codeHash: 1 },
          )
            .session(session)
            .lean()
        ).map((d) => d.codeHash),
      );
      for (const code of wanted) if (!taken.has(this.deps.codes.hash(code))) codes.add(code);
    }
    return [...codes];
  }

  private currencyOf(given: string | undefined, program: ProgramSettings): string {
    const currency = given ?? program.currency;
    if (currency !== program.currency) {
      throw new AppError(
        'unprocessable',
        'GIFT_CERTIFICATE_CURRENCY',
        `Gift certificates are issued in the program's currency ${program.currency}, not ${currency}`,
        { certificateCurrency: currency, currency: program.currency },
      );
    }
    return currency;
  }

  /**
   * An issue's answer holds the code, which is kept nowhere: a retry with the same Idempotency-Key
   * cannot be answered again, and says so instead of issuing a second certificate.
   */
  private async refuseRepeatedKey(requestKey: string | null): Promise<void> {
    if (!requestKey) return;
    const existing = await GiftCertificateModel.findOne({ requestKey }, { _id: 1 }).lean();
    if (existing) throw alreadyIssued(existing._id);
  }

  private async withRepeatedKeyGuard<T>(requestKey: string | null, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const e = error as { code?: number; keyPattern?: Record<string, unknown> };
      if (requestKey && e.code === 11000 && e.keyPattern && 'requestKey' in e.keyPattern)
        await this.refuseRepeatedKey(requestKey);
      throw error;
    }
  }

  // ---- reading ----------------------------------------------------------------------------------------

  async get(id: string): Promise<GiftCertificateDoc> {
    const doc = Types.ObjectId.isValid(id) ? await GiftCertificateModel.findById(id).lean() : null;
    if (!doc) throw new NotFoundError('Gift certificate', id);
    return doc;
  }

  async detail(id: string): Promise<GiftCertificateDetail> {
    const doc = await this.get(id);
    const entries = await GiftCertificateEntryModel.find({ certificateId: doc._id }).sort({ _id: 1 }).lean();
    return { ...toGiftCertificate(doc), entries: entries.map(toEntry) };
  }

  /** Newest first; `last4` is the staff look-up by the end of a code. */
  list(query: GiftCertificateListQuery) {
    const filter = {
      ...(query.last4 ? { last4: query.last4 } : {}),
      ...(query.status ? { status: query.status } : {}),
      ...(query.memberId ? { memberId: new Types.ObjectId(query.memberId) } : {}),
      ...(query.batchId ? { batchId: new Types.ObjectId(query.batchId) } : {}),
    };
    return paginate(
      GiftCertificateModel,
      filter,
      { limit: query.limit, cursor: query.cursor, list: 'gift-certificates' },
      toGiftCertificate,
    );
  }

  /** What a code holds. A wrong code counts against the guesser's limit; past it, every code is refused. */
  async balance(text: string, guesser: CodeGuesser): Promise<GiftCertificateBalance> {
    const doc = await this.findByCode(text, guesser);
    const now = this.deps.clock.now();
    return {
      last4: doc.last4,
      currency: doc.currency,
      balanceMinor: doc.balanceMinor,
      availableMinor: doc.availableMinor,
      status: isPastExpiry(doc, now) ? 'expired' : doc.status,
      expiresAt: doc.expiresAt?.toISOString() ?? null,
    };
  }

  /**
   * The certificate a typed code or a scanned QR names. Refused before any look-up when the guesser is
   * over its limit of wrong codes, or when a QR is forged; a code that names nothing counts as wrong.
   */
  async findByCode(text: string, guesser: CodeGuesser, session?: ClientSession): Promise<GiftCertificateDoc> {
    const rules = guessRules(guesser);
    await this.deps.rateLimiter.assertNoneExceeded(rules);
    const read = this.deps.codes.read(text);
    if (read.kind === 'forged') {
      throw new AppError(
        'unprocessable',
        'QR_SIGNATURE_INVALID',
        'This QR code was not issued by this program (its signature does not match)',
      );
    }
    const doc =
      read.kind === 'code'
        ? await GiftCertificateModel.findOne({ codeHash: this.deps.codes.hash(read.code) })
            .session(session ?? null)
            .lean()
        : null;
    if (doc) return doc;
    await this.deps.rateLimiter.consumeAll(rules);
    throw certificateNotFound();
  }

  /**
   * A certificate to print, by the code its holder gives (the issuing answer, the batch's CSV): the
   * document shows the code in clear and its signed QR, which the server can only make from that code.
   */
  async printable(
    text: string,
    guesser: CodeGuesser,
  ): Promise<{ certificate: GiftCertificateDoc; code: string; qrPayload: string }> {
    const certificate = await this.findByCode(text, guesser);
    const read = this.deps.codes.read(text);
    if (read.kind !== 'code') throw new Error('a certificate found by its code has a well-formed code');
    return { certificate, code: read.code, qrPayload: this.deps.codes.qrPayload(read.code) };
  }

  // ---- changes by staff -------------------------------------------------------------------------------

  /** Adds value, refused above the program's cap on the balance (422 GIFT_CERTIFICATE_RELOAD_CAP). */
  async reload(id: string, body: ReloadGiftCertificateBody, principal: Principal): Promise<GiftCertificate> {
    const found = await this.get(id);
    const program = await this.deps.program.get();
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const current = await this.readInSession(session, found._id);
      assertUsable(current, now);
      const cap = program.giftCertificateReloadCapMinor;
      if (current.balanceMinor + body.amountMinor > cap) {
        throw new AppError(
          'unprocessable',
          'GIFT_CERTIFICATE_RELOAD_CAP',
          `A reload of ${body.amountMinor} would take the balance to ${current.balanceMinor + body.amountMinor}, above the cap of ${cap}`,
          { capMinor: cap, balanceMinor: current.balanceMinor, amountMinor: body.amountMinor },
        );
      }
      const after = await this.credit(session, current, body.amountMinor, now, {
        balanceMinor: { $lte: cap - body.amountMinor },
        status: 'active',
      });
      await this.writeEntry(session, after, {
        type: 'reload',
        amountMinor: body.amountMinor,
        reason: body.reason,
        actor: actorOf(principal),
        now,
      });
      await this.appendEvent(session, 'gift_certificate.reloaded', after, now, {
        amountMinor: body.amountMinor,
        balanceMinor: after.balanceMinor,
      });
      return toGiftCertificate(after);
    });
  }

  /** A manager's correction, up or down (never below what is held or zero). */
  async adjust(id: string, body: AdjustGiftCertificateBody, principal: Principal): Promise<GiftCertificate> {
    const found = await this.get(id);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const current = await this.readInSession(session, found._id);
      if (current.status === 'voided') throw voided(current);
      if (current.status === 'expired') throw expired(current);
      if (current.availableMinor + body.amountMinor < 0) {
        throw new ConflictError(
          'GIFT_CERTIFICATE_INSUFFICIENT_BALANCE',
          `The certificate has ${current.availableMinor} available; it cannot go down by ${-body.amountMinor}`,
          { availableMinor: current.availableMinor, requestedMinor: -body.amountMinor },
        );
      }
      const after = await this.credit(session, current, body.amountMinor, now, {
        availableMinor: { $gte: -body.amountMinor },
        status: { $ne: 'expired' },
      });
      await this.writeEntry(session, after, {
        type: 'adjust',
        amountMinor: body.amountMinor,
        reason: body.reason,
        actor: actorOf(principal),
        now,
      });
      await this.appendEvent(session, 'gift_certificate.adjusted', after, now, {
        amountMinor: body.amountMinor,
        balanceMinor: after.balanceMinor,
      });
      await this.deps.audit.record({
        actor: principal,
        action: 'gift_certificate.adjust',
        entity: { type: 'gift_certificate', id: after._id.toHexString() },
        before: { balanceMinor: current.balanceMinor },
        after: { balanceMinor: after.balanceMinor },
        reason: body.reason,
        session,
      });
      return toGiftCertificate(after);
    });
  }

  /** Blocks (the till refuses it) or unblocks, audited; doing it twice answers the certificate again. */
  async setBlocked(
    id: string,
    input: { isBlocked: boolean; reason: string },
    principal: Principal,
  ): Promise<GiftCertificate> {
    const found = await this.get(id);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const current = await this.readInSession(session, found._id);
      if (current.status === 'voided') throw voided(current);
      if (current.status === 'expired') throw expired(current);
      const wanted = input.isBlocked ? 'blocked' : 'active';
      if (current.status === wanted) return toGiftCertificate(current);
      const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
        { _id: current._id, status: current.status },
        {
          $set: {
            status: wanted,
            blockedAt: input.isBlocked ? now : null,
            blockedReason: input.isBlocked ? input.reason : null,
            updatedAt: now,
          },
        },
        { returnDocument: 'after', session },
      );
      if (!after) throw new RetryTransaction('gift certificate status changed');
      await this.appendEvent(
        session,
        input.isBlocked ? 'gift_certificate.blocked' : 'gift_certificate.unblocked',
        after,
        now,
        {},
      );
      await this.deps.audit.record({
        actor: principal,
        action: input.isBlocked ? 'gift_certificate.block' : 'gift_certificate.unblock',
        entity: { type: 'gift_certificate', id: after._id.toHexString() },
        before: { status: current.status },
        after: { status: after.status },
        reason: input.reason,
        session,
      });
      return toGiftCertificate(after);
    });
  }

  // ---- the member's wallet ----------------------------------------------------------------------------

  /**
   * The signed-in member claims a bearer certificate by typing its code: it moves into their wallet, and
   * its code is kept encrypted so that the card can show its QR. Claiming one's own again answers it.
   */
  async claim(memberId: string, text: string, guesser: CodeGuesser): Promise<WalletGiftCertificate> {
    const member = new Types.ObjectId(memberId);
    const found = await this.findByCode(text, guesser);
    const read = this.deps.codes.read(text);
    if (read.kind !== 'code') throw new Error('a found certificate has a readable code');
    const now = this.deps.clock.now();
    const doc = await runInTransaction(async (session) => {
      const current = await this.readInSession(session, found._id);
      if (current.memberId?.equals(member)) return current;
      if (current.memberId)
        throw new ConflictError(
          'GIFT_CERTIFICATE_CLAIMED',
          "This gift certificate is in another member's wallet",
        );
      if (current.status === 'voided') throw voided(current);
      if (current.status === 'expired' || isPastExpiry(current, now)) throw expired(current);
      const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
        { _id: current._id, memberId: null },
        {
          $set: {
            memberId: member,
            claimedAt: now,
            encryptedCode: this.deps.codes.encrypt(read.code, current._id.toHexString()),
            updatedAt: now,
          },
        },
        { returnDocument: 'after', session },
      );
      if (!after) throw new RetryTransaction('gift certificate claimed concurrently');
      await markWallet(session, [member], 'giftCertificates');
      await this.appendEvent(session, 'gift_certificate.claimed', after, now, {});
      return after;
    });
    return this.toWallet(doc);
  }

  /** The `giftCertificates` section of the wallet: claimed certificates still worth something, soonest expiry first. */
  async walletSection(memberId: Types.ObjectId | string): Promise<WalletGiftCertificate[]> {
    const now = this.deps.clock.now();
    const docs = await GiftCertificateModel.find({
      memberId: new Types.ObjectId(String(memberId)),
      status: { $ne: 'expired' },
    })
      .sort({ _id: -1 })
      .lean();
    return docs
      .filter((d) => !isPastExpiry(d, now) && (d.balanceMinor > 0 || d.status === 'blocked'))
      .sort(
        (a, b) =>
          (a.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY) -
          (b.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY),
      )
      .map((d) => this.toWallet(d));
  }

  private toWallet(doc: GiftCertificateDoc): WalletGiftCertificate {
    if (!doc.encryptedCode) throw new Error(`claimed gift certificate ${doc._id.toHexString()} has no code`);
    const code = this.deps.codes.decrypt(doc.encryptedCode, doc._id.toHexString());
    return {
      id: doc._id.toHexString(),
      last4: doc.last4,
      currency: doc.currency,
      balanceMinor: doc.balanceMinor,
      availableMinor: doc.availableMinor,
      status: doc.status,
      expiresAt: doc.expiresAt?.toISOString() ?? null,
      qrPayload: this.deps.codes.qrPayload(code),
    };
  }

  // ---- refunds ----------------------------------------------------------------------------------------

  /**
   * In the refund's transaction, credits back each certificate that paid for the purchase its share:
   * after refunds totalling R of a total T, floor(paid × R / T) of what the certificate paid is back (all
   * of it on a full refund), so partial refunds add up exactly. One entry per refund and certificate
   * (`refund:<refund>:<certificate>`): a retried refund credits nothing twice. A blocked or empty
   * certificate is credited too (it is the customer's money); an expired one is credited and, being past
   * its expiry, its credit is breakage at once (the entries say both).
   */
  async creditForRefundInSession(
    session: ClientSession,
    input: {
      purchaseId: Types.ObjectId;
      refundId: Types.ObjectId;
      refundedMinor: number;
      totalMinor: number;
      isFullyRefunded: boolean;
      actor: EntryActor | null;
      now: Date;
    },
  ): Promise<GiftCertificateRefundCredit[]> {
    const entries = await GiftCertificateEntryModel.find({
      purchaseId: input.purchaseId,
      type: { $in: ['redeem', 'refund'] },
    })
      .session(session)
      .lean();
    if (entries.length === 0) return [];
    const byCertificate = new Map<string, { paid: number; refunded: number }>();
    for (const entry of entries) {
      const key = entry.certificateId.toHexString();
      const t = byCertificate.get(key) ?? { paid: 0, refunded: 0 };
      if (entry.type === 'redeem') t.paid += -entry.amountMinor;
      else t.refunded += entry.amountMinor;
      byCertificate.set(key, t);
    }
    const credits: GiftCertificateRefundCredit[] = [];
    for (const [id, t] of [...byCertificate.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const target = input.isFullyRefunded
        ? t.paid
        : input.totalMinor === 0
          ? 0
          : Math.floor((t.paid * input.refundedMinor) / input.totalMinor);
      const amount = target - t.refunded;
      if (amount <= 0) continue;
      const current = await this.readInSession(session, new Types.ObjectId(id));
      const after = await this.credit(session, current, amount, input.now, {});
      const reason = `Refund of purchase ${input.purchaseId.toHexString()}`;
      await this.writeEntry(session, after, {
        type: 'refund',
        amountMinor: amount,
        reason,
        actor: input.actor ?? SYSTEM,
        purchaseId: input.purchaseId,
        refundId: input.refundId,
        dedupeKey: `refund:${input.refundId.toHexString()}:${id}`,
        now: input.now,
      });
      await this.appendEvent(session, 'gift_certificate.refunded', after, input.now, {
        amountMinor: amount,
        balanceMinor: after.balanceMinor,
        purchaseId: input.purchaseId.toHexString(),
        refundId: input.refundId.toHexString(),
      });
      if (after.status === 'expired') await this.expireInSession(session, after, input.now, input.now);
      credits.push({ id, last4: after.last4, amountMinor: amount });
    }
    return credits;
  }

  /**
   * In the refund's transaction, takes back the certificates a sale sold whose lines this refund returns:
   * `lines` says how many of each value. A sold certificate is refunded only unspent — whole, not held,
   * not expired — the way a shop takes back a gift card still in its envelope: the unspent ones of that
   * value are voided first (a `void` entry of their whole value, status `voided`, the liability moves),
   * and when fewer are unspent than the refund returns it is refused with 409
   * GIFT_CERTIFICATE_ALREADY_SPENT (the amounts in the details), so that nothing is written. The refund
   * gives the money back, so a voided certificate is never credited nor reactivated; each is voided once
   * (a conditional update and the entry's `void:<certificate>` key).
   */
  async voidForRefundInSession(
    session: ClientSession,
    input: {
      purchaseId: Types.ObjectId;
      refundId: Types.ObjectId;
      lines: Array<{ valueMinor: number; count: number }>;
      actor: EntryActor | null;
      now: Date;
    },
  ): Promise<GiftCertificateVoided[]> {
    const wanted = input.lines.filter((l) => l.count > 0);
    if (wanted.length === 0) return [];
    const sold = await GiftCertificateModel.find({
      purchaseId: input.purchaseId,
      channel: 'sale',
      status: { $ne: 'voided' },
    })
      .sort({ _id: 1 })
      .session(session)
      .lean();
    const isUnspent = (c: GiftCertificateDoc) =>
      c.status !== 'expired' &&
      !isPastExpiry(c, input.now) &&
      c.heldMinor === 0 &&
      c.balanceMinor === c.initialValueMinor;
    const chosen: GiftCertificateDoc[] = [];
    const spent: GiftCertificateDoc[] = [];
    for (const line of wanted) {
      const ofValue = sold.filter((c) => c.initialValueMinor === line.valueMinor);
      const unspent = ofValue.filter(isUnspent);
      if (unspent.length < line.count) spent.push(...ofValue.filter((c) => !isUnspent(c)));
      chosen.push(...unspent.slice(0, line.count));
    }
    if (spent.length > 0) {
      throw new ConflictError(
        'GIFT_CERTIFICATE_ALREADY_SPENT',
        `${spent.map((c) => `····${c.last4}`).join(', ')}: a gift certificate sold here has been spent or is in use, so its sale cannot be refunded (only an unspent certificate is taken back)`,
        {
          certificates: spent.map((c) => ({
            last4: c.last4,
            initialValueMinor: c.initialValueMinor,
            balanceMinor: c.balanceMinor,
            availableMinor: c.availableMinor,
            spentMinor: c.initialValueMinor - c.balanceMinor,
          })),
        },
      );
    }
    const voided: GiftCertificateVoided[] = [];
    for (const current of chosen) {
      const value = current.balanceMinor;
      const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
        {
          _id: current._id,
          status: { $in: ['active', 'blocked'] },
          balanceMinor: value,
          heldMinor: 0,
        },
        {
          $set: { status: 'voided', updatedAt: input.now },
          $inc: { balanceMinor: -value, availableMinor: -value },
        },
        { returnDocument: 'after', session },
      );
      if (!after) throw new RetryTransaction('gift certificate changed while voiding');
      await this.writeEntry(session, after, {
        type: 'void',
        amountMinor: -value,
        reason: `Sale refunded: purchase ${input.purchaseId.toHexString()}`,
        actor: input.actor ?? SYSTEM,
        purchaseId: input.purchaseId,
        refundId: input.refundId,
        dedupeKey: `void:${after._id.toHexString()}`,
        now: input.now,
      });
      await this.appendEvent(session, 'gift_certificate.voided', after, input.now, {
        amountMinor: value,
        purchaseId: input.purchaseId.toHexString(),
        refundId: input.refundId.toHexString(),
      });
      voided.push({ id: after._id.toHexString(), last4: after.last4, amountMinor: value });
    }
    return voided;
  }

  // ---- expiry -----------------------------------------------------------------------------------------

  /**
   * Expires certificates past their `expiresAt` on the injected clock: the remaining balance becomes an
   * `expire` entry (breakage). Walks them by `_id` in batches; each is a conditional update, so a rerun
   * expires nothing twice. A certificate an open checkout holds waits for the hold to end (the checkout
   * expires within its TTL) and is expired by a later pass.
   */
  async expireDue(options: { batchSize?: number } = {}): Promise<{ expired: number; breakageMinor: number }> {
    const batchSize = options.batchSize ?? 500;
    const due = this.deps.clock.now();
    let expiredCount = 0;
    let breakageMinor = 0;
    let lastId: Types.ObjectId | null = null;
    for (;;) {
      const filter: Record<string, unknown> = {
        status: { $in: ['active', 'blocked'] },
        expiresAt: { $lte: due },
        heldMinor: 0,
      };
      if (lastId) filter._id = { $gt: lastId };
      const docs = await GiftCertificateModel.find(filter, { _id: 1 })
        .sort({ _id: 1 })
        .limit(batchSize)
        .lean();
      for (const { _id } of docs) {
        const now = this.deps.clock.now();
        const result = await runInTransaction(async (session) => {
          const current = await GiftCertificateModel.findOne({
            _id,
            status: { $in: ['active', 'blocked'] },
            expiresAt: { $lte: now },
            heldMinor: 0,
          })
            .session(session)
            .lean();
          if (!current?.expiresAt) return null;
          return this.expireInSession(session, current, current.expiresAt, now);
        });
        if (result !== null) {
          expiredCount += 1;
          breakageMinor += result;
        }
      }
      if (docs.length < batchSize) break;
      lastId = docs[docs.length - 1]?._id ?? null;
    }
    return { expired: expiredCount, breakageMinor };
  }

  /** Status expired and the remaining balance out as breakage; answers the breakage. */
  private async expireInSession(
    session: ClientSession,
    current: GiftCertificateDoc,
    occurredAt: Date,
    now: Date,
  ): Promise<number> {
    const breakage = current.balanceMinor;
    const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
      { _id: current._id, balanceMinor: breakage, heldMinor: 0 },
      {
        $set: { status: 'expired', expiredAt: current.expiredAt ?? now, updatedAt: now },
        $inc: { balanceMinor: -breakage, availableMinor: -breakage },
      },
      { returnDocument: 'after', session },
    );
    if (!after) throw new RetryTransaction('gift certificate changed while expiring');
    if (breakage > 0) {
      await this.writeEntry(session, after, {
        type: 'expire',
        amountMinor: -breakage,
        reason: `Expired on ${current.expiresAt?.toISOString() ?? now.toISOString()}`,
        actor: SYSTEM,
        now,
      });
    }
    await this.appendEvent(session, 'gift_certificate.expired', after, occurredAt, {
      breakageMinor: breakage,
    });
    return breakage;
  }

  // ---- the checkout's holds (GiftCertificateInstrument) -----------------------------------------------

  async readInSession(session: ClientSession, id: Types.ObjectId): Promise<GiftCertificateDoc> {
    const doc = await GiftCertificateModel.findById(id).session(session).lean();
    if (!doc) throw new NotFoundError('Gift certificate', id.toHexString());
    return doc;
  }

  /** `$inc` of balance and available by `amount` (signed), under `guard`; answers the certificate after it. */
  async credit(
    session: ClientSession,
    current: GiftCertificateDoc,
    amount: number,
    now: Date,
    guard: Record<string, unknown>,
  ): Promise<GiftCertificateDoc> {
    const after = await nativeCollection<GiftCertificateDoc>(GiftCertificateModel).findOneAndUpdate(
      { _id: current._id, ...guard },
      { $inc: { balanceMinor: amount, availableMinor: amount }, $set: { updatedAt: now } },
      { returnDocument: 'after', session },
    );
    if (!after) throw new RetryTransaction('gift certificate changed concurrently');
    return after;
  }

  /** Appends one entry, its day's totals and (for a new certificate) the day's count, in `session`. */
  async writeEntry(session: ClientSession, after: GiftCertificateDoc, input: EntryInput): Promise<void> {
    const entry: GiftCertificateEntryDoc = {
      _id: new Types.ObjectId(),
      certificateId: after._id,
      type: input.type,
      amountMinor: input.amountMinor,
      balanceAfterMinor: after.balanceMinor,
      currency: after.currency,
      reason: input.reason,
      actor: input.actor,
      purchaseId: input.purchaseId ?? null,
      checkoutId: input.checkoutId ?? null,
      refundId: input.refundId ?? null,
      dedupeKey: input.dedupeKey ?? null,
      createdAt: input.now,
    };
    await nativeCollection<GiftCertificateEntryDoc>(GiftCertificateEntryModel).insertOne(entry, { session });
    await this.incDayTotals(session, {
      currency: after.currency,
      issueDay: after.issueDay,
      type: input.type,
      amountMinor: input.amountMinor,
      certificates: 0,
    });
  }

  /** `$inc` of the liability pre-aggregate's row of one currency and day of issue. */
  private async incDayTotals(
    session: ClientSession,
    input: {
      currency: string;
      issueDay: string;
      type: GiftCertificateEntryType;
      amountMinor: number;
      certificates: number;
    },
  ): Promise<void> {
    try {
      await GiftCertificateDayTotalsModel.updateOne(
        { _id: `${input.currency}:${input.issueDay}` },
        {
          $inc: {
            [input.type]: input.amountMinor,
            outstanding: input.amountMinor,
            certificates: input.certificates,
          },
          $setOnInsert: { currency: input.currency, issueDay: input.issueDay },
        },
        { upsert: true, session },
      );
    } catch (error) {
      // Two first certificates of a day racing to create its row: the loser retries and finds it.
      if ((error as { code?: number }).code === 11000)
        throw new RetryTransaction('day totals created concurrently');
      throw error;
    }
  }

  async appendEvent(
    session: ClientSession,
    type:
      | 'gift_certificate.redeemed'
      | 'gift_certificate.reloaded'
      | 'gift_certificate.refunded'
      | 'gift_certificate.adjusted'
      | 'gift_certificate.blocked'
      | 'gift_certificate.unblocked'
      | 'gift_certificate.claimed'
      | 'gift_certificate.expired'
      | 'gift_certificate.voided',
    doc: GiftCertificateDoc,
    occurredAt: Date,
    extra: Record<string, unknown>,
  ): Promise<void> {
    await this.deps.events.append(session, {
      type,
      occurredAt,
      memberId: doc.memberId,
      subject: { giftCertificateId: doc._id },
      payload: {
        giftCertificateId: doc._id.toHexString(),
        last4: doc.last4,
        currency: doc.currency,
        ...extra,
      },
    });
  }

  toIssued(doc: GiftCertificateDoc, code: string): IssuedGiftCertificate {
    return {
      ...toGiftCertificate(doc),
      code,
      displayCode: displayCode(code),
      qrPayload: this.deps.codes.qrPayload(code),
    };
  }
}

/** The per-credential and per-address limits of wrong codes. */
export function guessRules(guesser: CodeGuesser): RateLimitRule[] {
  const message = 'Too many wrong gift certificate codes';
  const rules: RateLimitRule[] = [];
  if (guesser.principal.kind !== 'anonymous') {
    rules.push({
      bucket: 'gift-certificate-code',
      key: `${guesser.principal.kind}:${guesser.principal.id}`,
      limit: WRONG_CODES_PER_MIN,
      windowSeconds: 60,
      message,
    });
  }
  if (guesser.ip) {
    rules.push({
      bucket: 'gift-certificate-code',
      key: `ip:${guesser.ip}`,
      limit: WRONG_CODES_PER_MIN,
      windowSeconds: 60,
      message,
    });
  }
  return rules;
}

/** The one answer for a code that names no certificate (and for an id of a certificate in no wallet of the member's). */
export function certificateNotFound(): AppError {
  return new AppError('not_found', 'GIFT_CERTIFICATE_NOT_FOUND', 'No gift certificate has this code');
}

/** Refuses a certificate the till cannot take from (blocked or expired). */
export function assertUsable(doc: GiftCertificateDoc, now: Date): void {
  if (doc.status === 'voided') throw voided(doc);
  if (doc.status === 'expired' || isPastExpiry(doc, now)) throw expired(doc);
  if (doc.status === 'blocked')
    throw new ConflictError('GIFT_CERTIFICATE_BLOCKED', `Gift certificate ····${doc.last4} is blocked`);
}

export function isPastExpiry(doc: GiftCertificateDoc, now: Date): boolean {
  return doc.expiresAt !== null && doc.expiresAt <= now;
}

function expired(doc: GiftCertificateDoc): ConflictError {
  const at = (doc.expiresAt ?? doc.expiredAt ?? new Date(0)).toISOString();
  return new ConflictError('GIFT_CERTIFICATE_EXPIRED', `Gift certificate ····${doc.last4} expired on ${at}`, {
    expiresAt: at,
  });
}

function voided(doc: GiftCertificateDoc): ConflictError {
  return new ConflictError(
    'GIFT_CERTIFICATE_VOIDED',
    `Gift certificate ····${doc.last4} was taken back by the refund of the sale that sold it`,
  );
}

function alreadyIssued(id: Types.ObjectId): ConflictError {
  return new ConflictError(
    'GIFT_CERTIFICATE_ALREADY_ISSUED',
    'This Idempotency-Key already issued gift certificates; their codes were shown once and are not kept. Block them and issue again if the answer was lost',
    { id: id.toHexString() },
  );
}

async function memberExists(id: Types.ObjectId): Promise<boolean> {
  return (await MemberModel.exists({ _id: id })) !== null;
}

/** `YYYY-MM-DD` of `at` in `timeZone`. */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);
}

export function toGiftCertificate(doc: GiftCertificateDoc): GiftCertificate {
  return {
    id: doc._id.toHexString(),
    last4: doc.last4,
    currency: doc.currency,
    initialValueMinor: doc.initialValueMinor,
    balanceMinor: doc.balanceMinor,
    heldMinor: doc.heldMinor,
    availableMinor: doc.availableMinor,
    status: doc.status,
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    memberId: doc.memberId?.toHexString() ?? null,
    channel: doc.channel,
    campaign: doc.campaign,
    batchId: doc.batchId?.toHexString() ?? null,
    purchaseId: doc.purchaseId?.toHexString() ?? null,
    issuedBy: doc.issuedBy,
    issuedAt: doc.issuedAt.toISOString(),
    blockedReason: doc.blockedReason,
    updatedAt: doc.updatedAt.toISOString(),
  };
}

function toEntry(entry: GiftCertificateEntryDoc): GiftCertificateEntry {
  return {
    id: entry._id.toHexString(),
    type: entry.type,
    amountMinor: entry.amountMinor,
    balanceAfterMinor: entry.balanceAfterMinor,
    reason: entry.reason,
    actor: entry.actor,
    purchaseId: entry.purchaseId?.toHexString() ?? null,
    checkoutId: entry.checkoutId,
    refundId: entry.refundId?.toHexString() ?? null,
    createdAt: entry.createdAt.toISOString(),
  };
}
