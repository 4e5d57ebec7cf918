import { randomBytes } from 'node:crypto';
import { base32Encode } from './card-code.js';
import type { IdentifyMethod, MemberLookupQuery, MemberSignup, UpdateMemberBody } from '@regulars/contracts';
import { Types, type ClientSession } from 'mongoose';
import { systemClock, type Clock } from '../../platform/clock.js';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.js';
import { nativeCollection } from '../../platform/mongo.js';
import { paginate } from '../../platform/pagination.js';
import { storeBindingOf, type Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { EventService } from '../events/event.service.js';
import { runInTransaction } from '../ledger/transaction.js';
import type { ProgramService } from '../program/program.service.js';
import { matchTotp, parseCardPayload } from './card-code.js';
import { CardCodeUseModel, type CardCodeUse } from './card-code-use.model.js';
import { generateCardNumber, isValidCardNumber } from './card-number.js';
import { MemberModel, nameKeyOf, nameTokensOf, nameWordsOf, type Member } from './member.model.js';
import { normalisePhone, tryNormalisePhone } from './phone.js';

export type CreateMemberInput = MemberSignup & { phone: string };

/** A fresh 160-bit TOTP secret in base32 (RFC 4226 recommends 160 bits). */
export function generateCardSecret(): string {
  return base32Encode(randomBytes(20));
}

/** A scanned QR payload that matched: the member and the TOTP step of the code. */
export type VerifiedCardCode = { member: Member; counter: number };
export type CardCodeUsePurpose = 'purchase' | 'redemption';

/** What stands in for a deleted member's name, in every list and export (staff screens translate it). */
export const DELETED_MEMBER_NAME = 'Deleted member';

/** The personal fields the audit log copied of a member (`member.create`, `member.update`), erased with the account. */
const AUDITED_PERSONAL_FIELDS = ['name', 'phone', 'email', 'birthDate'] as const;

function memberDeleted(id: string): ConflictError {
  return new ConflictError(
    'MEMBER_DELETED',
    `The member ${id} deleted their account: the profile and the card can no longer change`,
  );
}

export function cardCodeUsed(use: CardCodeUsePurpose): ConflictError {
  return new ConflictError(
    'CARD_CODE_USED',
    `This card code was already used for a ${use}; ask the member to show the card again for a new code`,
    { use },
  );
}

/** Members: sign-up, profile, lookup, blocking, card codes. The ledger keeps their points. */
export class MemberService {
  constructor(
    private readonly deps: {
      clock: Clock;
      program: ProgramService;
      audit: AuditService;
      events: EventService;
    },
  ) {}

  async normalisePhone(phone: string): Promise<string> {
    const program = await this.deps.program.get();
    return normalisePhone(phone, program.defaultCountry);
  }

  findByPhone(phoneE164: string): Promise<Member | null> {
    return MemberModel.findOne({ phone: phoneE164 }).lean();
  }

  async create(input: CreateMemberInput, actor: Principal): Promise<Member> {
    const phone = await this.normalisePhone(input.phone);
    const email = input.email?.toLowerCase() ?? null;
    if (await MemberModel.exists({ phone })) {
      throw new ConflictError('MEMBER_EXISTS', `A member with the phone ${phone} is already registered`, {
        field: 'phone',
      });
    }
    if (email && (await MemberModel.exists({ email }))) {
      throw new ConflictError('MEMBER_EXISTS', `A member with the email ${email} is already registered`, {
        field: 'email',
      });
    }
    const now = this.deps.clock.now();
    // Card numbers are random; a collision is astronomically rare but is retried rather than assumed away.
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await runInTransaction(async (session) => {
          const [member] = await MemberModel.create(
            [
              {
                name: input.name,
                nameKey: nameKeyOf(input.name),
                nameTokens: nameTokensOf(input.name),
                joinedStoreId: storeOf(actor),
                phone,
                email,
                birthDate: input.birthDate ?? null,
                consents: { email: false, sms: false, push: false, ...input.consents },
                cardNumber: generateCardNumber(),
                cardSecret: generateCardSecret(),
                cardSecretRotatedAt: now,
                joinedAt: now,
              },
            ],
            { session },
          );
          if (!member) throw new Error('member insert returned nothing');
          const created = member.toObject();
          await this.deps.events.append(session, {
            type: 'member.created',
            occurredAt: now,
            memberId: created._id,
            storeId: storeBindingOf(actor),
            subject: { memberId: created._id },
            payload: {
              memberId: created._id.toHexString(),
              joinedAt: created.joinedAt.toISOString(),
              // Who registered the member: the member themselves (sign-up) or staff / a till.
              via: actor.kind === 'anonymous' || actor.kind === 'member' ? 'signup' : actor.kind,
              consents: { ...created.consents },
            },
          });
          await this.deps.audit.record({
            actor,
            action: 'member.create',
            entity: { type: 'member', id: String(created._id) },
            after: {
              name: created.name,
              phone: created.phone,
              email: created.email,
              cardNumber: created.cardNumber,
            },
            session,
          });
          return created;
        });
      } catch (error) {
        const dup = error as { code?: number; keyPattern?: Record<string, unknown> };
        if (dup.code === 11000 && dup.keyPattern?.cardNumber && attempt < 5) continue;
        if (dup.code === 11000) {
          throw new ConflictError('MEMBER_EXISTS', 'A member with this phone or email is already registered');
        }
        throw error;
      }
    }
  }
  async get(id: string): Promise<Member> {
    const member = Types.ObjectId.isValid(id) ? await MemberModel.findById(id).lean() : null;
    if (!member) throw new NotFoundError('Member', id);
    return member;
  }

  async update(id: string, input: UpdateMemberBody, actor: Principal): Promise<Member> {
    const before = await this.get(id);
    if (before.deletedAt) throw memberDeleted(id);
    const set: Record<string, unknown> = {};
    if (input.name !== undefined) {
      set.name = input.name;
      set.nameKey = nameKeyOf(input.name);
      set.nameTokens = nameTokensOf(input.name);
    }
    if (input.phone !== undefined) {
      const phone = await this.normalisePhone(input.phone);
      if (phone !== before.phone && (await MemberModel.exists({ phone, _id: { $ne: before._id } }))) {
        throw new ConflictError('MEMBER_EXISTS', `A member with the phone ${phone} is already registered`, {
          field: 'phone',
        });
      }
      set.phone = phone;
    }
    if (input.email !== undefined) {
      const email = input.email?.toLowerCase() ?? null;
      if (
        email &&
        email !== before.email &&
        (await MemberModel.exists({ email, _id: { $ne: before._id } }))
      ) {
        throw new ConflictError('MEMBER_EXISTS', `A member with the email ${email} is already registered`, {
          field: 'email',
        });
      }
      set.email = email;
    }
    if (input.birthDate !== undefined) set.birthDate = input.birthDate;
    for (const [channel, value] of Object.entries(input.consents ?? {})) set[`consents.${channel}`] = value;
    if (Object.keys(set).length === 0) return before;
    try {
      return await runInTransaction(async (session) => {
        const current = (await MemberModel.findById(id).session(session).lean()) ?? before;
        const after = await MemberModel.findByIdAndUpdate(
          id,
          { $set: set },
          { new: true, lean: true, session },
        );
        if (!after) throw new NotFoundError('Member', id);
        const changed = changedProfileFields(current, after);
        // A request that set what was already there changed nothing a subscriber needs to hear of.
        if (changed.length > 0) {
          await this.deps.events.append(session, {
            type: 'member.updated',
            memberId: after._id,
            subject: { memberId: after._id },
            // Which fields changed, not their values (personal data); consents are what messaging needs.
            payload: { memberId: id, changed, consents: { ...after.consents } },
          });
        }
        await this.deps.audit.record({
          actor,
          action: 'member.update',
          entity: { type: 'member', id },
          before: profileOf(current),
          after: profileOf(after),
          session,
        });
        return after;
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000)
        throw new ConflictError('MEMBER_EXISTS', 'A member with this phone or email is already registered');
      throw error;
    }
  }

  async setBlocked(
    id: string,
    isBlocked: boolean,
    reason: string | undefined,
    actor: Principal,
  ): Promise<Member> {
    const found = await this.get(id);
    // A deleted account stays blocked: nobody holds its card, and unblocking would let it earn again.
    if (found.deletedAt && !isBlocked) throw memberDeleted(id);
    return runInTransaction(async (session) => {
      const before = await MemberModel.findById(id, { isBlocked: 1 }).session(session).lean();
      if (!before) throw new NotFoundError('Member', id);
      const after = await MemberModel.findByIdAndUpdate(
        id,
        { $set: { isBlocked } },
        { new: true, lean: true, session },
      );
      if (!after) throw new NotFoundError('Member', id);
      // Blocking a blocked member is no change: no event (the audit still says who asked).
      if (before.isBlocked !== isBlocked) {
        await this.deps.events.append(session, {
          type: isBlocked ? 'member.blocked' : 'member.unblocked',
          memberId: after._id,
          storeId: storeBindingOf(actor),
          subject: { memberId: after._id },
          // The reason is staff's free text and stays in the audit log.
          payload: { memberId: id, isBlocked },
        });
      }
      await this.deps.audit.record({
        actor,
        action: isBlocked ? 'member.block' : 'member.unblock',
        entity: { type: 'member', id },
        before: { isBlocked: before.isBlocked },
        after: { isBlocked },
        ...(reason ? { reason } : {}),
        session,
      });
      return after;
    });
  }

  /**
   * Lookup by phone, card number, email or the starts of the name's words (one at a time), narrowed by
   * tag, blocked, join dates and store; newest first.
   */
  async lookup(query: MemberLookupQuery) {
    const filter: Record<string, unknown> = {};
    if (query.phone !== undefined) {
      const program = await this.deps.program.get();
      filter.phone = tryNormalisePhone(query.phone, program.defaultCountry) ?? query.phone;
    }
    if (query.cardNumber !== undefined) filter.cardNumber = query.cardNumber;
    if (query.email !== undefined) filter.email = query.email.toLowerCase();
    if (query.name !== undefined) {
      // Each word typed must start a word of the name: equalities on the indexed prefixes. The longest
      // word first: the index is read for the first value of $all, the likeliest to be rare.
      const words = [...new Set(nameWordsOf(query.name))].sort((a, b) => b.length - a.length);
      if (words.length === 0) filter._id = { $exists: false };
      else if (words.length === 1) filter.nameTokens = words[0];
      else filter.nameTokens = { $all: words };
    }
    if (query.tag !== undefined) filter.tags = query.tag;
    if (query.blocked !== undefined) filter.isBlocked = query.blocked === 'true';
    if (query.storeId !== undefined) filter.joinedStoreId = new Types.ObjectId(query.storeId);
    if (query.joinedFrom || query.joinedTo)
      filter.joinedAt = {
        ...(query.joinedFrom ? { $gte: new Date(query.joinedFrom) } : {}),
        ...(query.joinedTo ? { $lt: new Date(query.joinedTo) } : {}),
      };
    return paginate(MemberModel, filter, { limit: query.limit, cursor: query.cursor }, (m: Member) => m);
  }

  /**
   * Checks a scanned QR payload `RGL1:<cardNumber>:<code>` against the member's secret (±1 step of 30 s).
   */
  async verifyCardCode(payload: string): Promise<VerifiedCardCode> {
    const parsed = parseCardPayload(payload);
    if (!parsed) {
      throw new AppError(
        'unprocessable',
        'CARD_CODE_INVALID',
        "This is not a Regulars card code; scan the QR code on the member's card",
      );
    }
    const member = await MemberModel.findOne({ cardNumber: parsed.cardNumber }).lean();
    if (!member) throw new NotFoundError('Member', `with card ${parsed.cardNumber}`);
    // The card computes its code from the phone's real time, and a code's 30-second window is a security
    // window: the system clock, never the (sandbox) business clock.
    const counter = matchTotp(member.cardSecret, parsed.code, systemClock.now());
    if (counter === null) {
      throw new AppError(
        'unprocessable',
        'CARD_CODE_EXPIRED',
        'The card code has expired or is wrong; ask the member to show the card again',
      );
    }
    return { member, counter };
  }

  /**
   * The record that marks a card code as used for one purpose. A scanned code authorises one purchase
   * and one redemption (the same sale at the till), never more: `_id` is `<memberId>:<TOTP counter>:<use>`,
   * so the same code presented again for that use (a replayed screenshot) fails on the unique _id.
   * Kept a day (real time: codes are valid for 90 seconds at most).
   */
  cardCodeUse(verified: VerifiedCardCode, use: CardCodeUsePurpose): CardCodeUse {
    // The replay guard lives as long as the code could be replayed: real time (see identifyByCode).
    const usedAt = systemClock.now();
    return {
      _id: `${verified.member._id.toHexString()}:${verified.counter}:${use}`,
      memberId: verified.member._id,
      usedAt,
      expiresAt: new Date(usedAt.getTime() + 24 * 3600_000),
    };
  }

  /** Marks a card code as used for `use` inside the operation's transaction (see cardCodeUse). */
  async consumeCardCode(
    session: ClientSession,
    verified: VerifiedCardCode,
    use: CardCodeUsePurpose,
  ): Promise<void> {
    try {
      await nativeCollection<CardCodeUse>(CardCodeUseModel).insertOne(this.cardCodeUse(verified, use), {
        session,
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) throw cardCodeUsed(use);
      throw error;
    }
  }

  /** Whether the code was already used for `use` (answers a duplicate-key error of a batched write). */
  async isCardCodeUsed(verified: VerifiedCardCode, use: CardCodeUsePurpose): Promise<boolean> {
    const id = this.cardCodeUse(verified, use)._id;
    return (await CardCodeUseModel.countDocuments({ _id: id })) > 0;
  }

  /** Who is at the till: a scanned card code, a typed card number or a phone number. */
  async identify(code: string): Promise<{ method: IdentifyMethod; member: Member }> {
    const text = code.trim();
    if (text.toUpperCase().startsWith('RGL')) {
      return { method: 'card_code', member: (await this.verifyCardCode(text)).member };
    }
    const digits = text.replace(/[\s-]/g, '');
    if (/^\d{12}$/.test(digits) && !digits.startsWith('0')) {
      if (!isValidCardNumber(digits)) {
        throw new AppError(
          'unprocessable',
          'CARD_NUMBER_INVALID',
          `${digits} is not a valid card number (the check digit does not match); check for a typo`,
        );
      }
      const member = await MemberModel.findOne({ cardNumber: digits }).lean();
      if (!member) throw new NotFoundError('Member', `with card ${digits}`);
      return { method: 'card_number', member };
    }
    const program = await this.deps.program.get();
    const phone = tryNormalisePhone(text, program.defaultCountry);
    if (!phone) {
      throw new ValidationError(
        'code: expected a scanned card code (RGL1:…), a 12-digit card number or a phone number',
        [{ path: 'code', message: 'not a card code, card number or phone number' }],
      );
    }
    const member = await this.findByPhone(phone);
    if (!member) throw new NotFoundError('Member', `with phone ${phone}`);
    return { method: 'phone', member };
  }

  /** A new card secret: codes from the old one (a lost phone) stop working at once. */
  async rotateCardSecret(id: string, actor: Principal): Promise<Member> {
    const before = await this.get(id);
    if (before.deletedAt) throw memberDeleted(id);
    const after = await MemberModel.findByIdAndUpdate(
      id,
      { $set: { cardSecret: generateCardSecret(), cardSecretRotatedAt: this.deps.clock.now() } },
      { new: true, lean: true },
    );
    if (!after) throw new NotFoundError('Member', id);
    await this.deps.audit.record({
      actor,
      action: 'member.card_secret.rotate',
      entity: { type: 'member', id },
      // When the card was replaced, never the secrets (the audit log scrubs cardSecret anyway).
      before: { cardSecretRotatedAt: before.cardSecretRotatedAt },
      after: { cardSecretRotatedAt: after.cardSecretRotatedAt },
    });
    return after;
  }

  /**
   * The member deletes their account: the personal fields are erased (name, phone, email, birth date,
   * consents, tags) and copied nowhere, the card is blocked and its secret replaced (the QR codes on the
   * phone stop working at once, and every session ends on its next call), the audit log's copies of the
   * personal fields are erased too. The ledger, the lots, the purchases and the balance stay for the
   * books, under the same id and card number. One `member.deleted` event and one audit entry say so.
   */
  async erase(id: string, actor: Principal): Promise<Member & { deletedAt: Date }> {
    const found = await this.get(id);
    if (found.deletedAt) throw memberDeleted(id);
    const now = this.deps.clock.now();
    return runInTransaction(async (session) => {
      const after = await MemberModel.findOneAndUpdate(
        { _id: found._id, deletedAt: null },
        {
          $set: {
            name: DELETED_MEMBER_NAME,
            nameKey: nameKeyOf(DELETED_MEMBER_NAME),
            // The search by a word of the old name must not find the deleted member.
            nameTokens: nameTokensOf(DELETED_MEMBER_NAME),
            // Unique and required: a value no phone number can take, so the phone may join again.
            phone: `deleted:${id}`,
            email: null,
            birthDate: null,
            consents: { email: false, sms: false, push: false },
            tags: [],
            cardSecret: generateCardSecret(),
            cardSecretRotatedAt: now,
            isBlocked: true,
            deletedAt: now,
          },
        },
        { new: true, lean: true, session },
      );
      if (!after) throw memberDeleted(id);
      const erased = { ...after, deletedAt: now };
      await this.deps.audit.erasePersonalFields({ type: 'member', id }, AUDITED_PERSONAL_FIELDS, session);
      await this.deps.events.append(session, {
        type: 'member.deleted',
        occurredAt: now,
        memberId: after._id,
        subject: { memberId: after._id },
        payload: { memberId: id, deletedAt: now.toISOString() },
      });
      await this.deps.audit.record({
        actor,
        action: 'member.delete',
        entity: { type: 'member', id },
        before: { isBlocked: found.isBlocked, deletedAt: null },
        after: { isBlocked: true, deletedAt: now.toISOString() },
        session,
      });
      return erased;
    });
  }
}

const PROFILE_FIELDS = ['name', 'email', 'phone', 'birthDate'] as const;

/** The store a staff account or API key is bound to: where a member it registers joined. */
function storeOf(actor: Principal): Types.ObjectId | null {
  const store = storeBindingOf(actor);
  return store && Types.ObjectId.isValid(store) ? new Types.ObjectId(store) : null;
}

/** The profile fields whose value differs (`consents.sms` for a consent). */
function changedProfileFields(before: Member, after: Member): string[] {
  const changed: string[] = PROFILE_FIELDS.filter((field) => before[field] !== after[field]);
  for (const channel of ['email', 'sms', 'push'] as const) {
    if (before.consents[channel] !== after.consents[channel]) changed.push(`consents.${channel}`);
  }
  return changed;
}

function profileOf(m: Member) {
  return { name: m.name, email: m.email, phone: m.phone, birthDate: m.birthDate, consents: m.consents };
}
