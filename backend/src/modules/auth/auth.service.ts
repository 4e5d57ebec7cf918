import { randomInt, timingSafeEqual } from 'node:crypto';
import type { MemberSignup } from '@regulars/contracts';
import bcrypt from 'bcryptjs';
import type { Clock } from '../../platform/clock.js';
import { AppError, UnauthenticatedError } from '../../platform/errors.js';
import type { Logger } from '../../platform/logger.js';
import type { Principal } from '../../platform/principal.js';
import type { MemberService } from '../members/member.service.js';
import type { MessageSender } from '../messaging/message-sender.js';
import { StaffModel, toStaffSummary } from '../staff/staff.model.js';
import { OtpModel } from './otp.model.js';
import { sha256, type TokenService } from './token.service.js';
import { MemberModel } from '../members/member.model.js';

const OTP_TTL_MS = 5 * 60_000;

/** Sign-in for staff (email + password) and members (phone + one-time code). */
export class AuthService {
  constructor(
    private readonly deps: {
      clock: Clock;
      tokens: TokenService;
      members: MemberService;
      messages: MessageSender;
      otpMaxAttempts: number;
      logger: Logger;
      /** The cost of real password hashes, which the dummy hash must match. */
      bcryptCost: number;
    },
  ) {}

  /**
   * Compared against when the email is unknown, at the cost real hashes have, so that an unknown email
   * takes as long as a wrong password and the answer time does not tell which emails exist.
   */
  private dummyHash: Promise<string> | null = null;

  /** The hash a sign-in with an unknown email is compared against (made once, at the configured cost). */
  dummyPasswordHash(): Promise<string> {
    this.dummyHash ??= bcrypt.hash('not-a-real-password', this.deps.bcryptCost);
    return this.dummyHash;
  }

  async staffLogin(email: string, password: string) {
    const staff = await StaffModel.findOne({ email: email.toLowerCase() }).lean();
    const matches = await bcrypt.compare(password, staff?.passwordHash ?? (await this.dummyPasswordHash()));
    if (!staff || !matches) throw new UnauthenticatedError('Wrong email or password', 'INVALID_CREDENTIALS');
    if (!staff.isActive)
      throw new UnauthenticatedError('This staff account is disabled; ask an admin', 'ACCOUNT_DISABLED');
    const summary = toStaffSummary(staff);
    const pair = await this.deps.tokens.issuePair({ kind: 'staff', ...summary });
    return { ...pair, staff: summary };
  }

  /**
   * The holder of a staff access token as the account stands now, read on every request: disabling an
   * account or changing its role or store takes effect on the next call, not when the token expires.
   */
  async currentPrincipal(principal: Principal): Promise<Principal> {
    if (principal.kind === 'member') {
      // Blocking a card ends its sessions at once, not when the access token expires.
      const member = await MemberModel.findById(principal.id, { isBlocked: 1 }).lean();
      if (!member) throw new UnauthenticatedError('This card no longer exists', 'INVALID_TOKEN');
      if (member.isBlocked)
        throw new UnauthenticatedError('This card is blocked; ask at the till', 'MEMBER_SESSION_BLOCKED');
      return principal;
    }
    if (principal.kind !== 'staff') return principal;
    const staff = await StaffModel.findById(principal.id, {
      email: 1,
      name: 1,
      role: 1,
      storeId: 1,
      isActive: 1,
    }).lean();
    if (!staff) throw new UnauthenticatedError('This staff account no longer exists', 'INVALID_TOKEN');
    if (!staff.isActive)
      throw new UnauthenticatedError('This staff account is disabled; ask an admin', 'ACCOUNT_DISABLED');
    const { id, role, storeId, email } = toStaffSummary(staff);
    return { kind: 'staff', id, role, storeId, email };
  }

  /** Rotates a refresh token (staff or member) into a new pair. */
  async refresh(refreshToken: string) {
    const { subject, familyId } = await this.deps.tokens.spend(refreshToken);
    if (subject.kind === 'staff') {
      const staff = await StaffModel.findById(subject.id).lean();
      if (!staff || !staff.isActive) {
        await this.deps.tokens.revokeFamily(familyId);
        throw new UnauthenticatedError('This staff account is disabled; ask an admin', 'ACCOUNT_DISABLED');
      }
      return this.deps.tokens.issuePair({ kind: 'staff', ...toStaffSummary(staff) }, familyId);
    }
    const member = await MemberModel.findById(subject.id).lean();
    if (!member || member.isBlocked) {
      await this.deps.tokens.revokeFamily(familyId);
      throw new UnauthenticatedError('This card is blocked; ask at the till', 'MEMBER_SESSION_BLOCKED');
    }
    return this.deps.tokens.issuePair({ kind: 'member', id: subject.id }, familyId);
  }

  logout(refreshToken: string): Promise<void> {
    return this.deps.tokens.revoke(refreshToken);
  }

  /** The phone in E.164, as codes are sent and counted; 400 for what is not a mobile number. */
  normalisePhone(rawPhone: string): Promise<string> {
    return this.deps.members.normalisePhone(rawPhone);
  }

  /**
   * Sends a 6-digit code valid for 5 minutes; a new request replaces any earlier code for that phone.
   * The answer never says whether the phone is a member's (anyone may call this); the code's owner
   * learns it on verifying, from `SIGNUP_REQUIRED`.
   */
  async requestOtp(rawPhone: string) {
    const phone = await this.deps.members.normalisePhone(rawPhone);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const now = this.deps.clock.now();
    const expiresAt = new Date(now.getTime() + OTP_TTL_MS);
    await OtpModel.updateMany({ phone, consumedAt: null }, { $set: { consumedAt: now } });
    await OtpModel.create({ phone, codeHash: sha256(`${phone}:${code}`), createdAt: now, expiresAt });
    try {
      await this.deps.messages.send({
        channel: 'sms',
        to: phone,
        purpose: 'otp',
        text: `Your Regulars code is ${code}. It expires in 5 minutes.`,
      });
    } catch (error) {
      this.deps.logger.error({ err: error }, 'could not deliver a one-time code');
      throw new AppError(
        'unavailable',
        'MESSAGE_DELIVERY_FAILED',
        'We could not send the code right now; try again in a minute',
      );
    }
    return {
      sent: true as const,
      phone,
      expiresAt: expiresAt.toISOString(),
      ...(this.deps.messages.isDevelopment ? { devCode: code } : {}),
    };
  }

  /** Checks a code; on success signs the member in, creating the member when sign-up details are given. */
  async verifyOtp(input: { phone: string; code: string; signup?: MemberSignup | undefined }) {
    const phone = await this.deps.members.normalisePhone(input.phone);
    const now = this.deps.clock.now();
    // Count the attempt before comparing, atomically, so parallel guesses cannot exceed the limit.
    const otp = await OtpModel.findOneAndUpdate(
      { phone, consumedAt: null, expiresAt: { $gt: now }, attempts: { $lt: this.deps.otpMaxAttempts } },
      { $inc: { attempts: 1 } },
      { new: true, sort: { createdAt: -1 }, lean: true },
    );
    if (!otp) {
      const latest = await OtpModel.findOne({ phone }).sort({ createdAt: -1 }).lean();
      if (latest && latest.consumedAt === null && latest.expiresAt > now) {
        throw new UnauthenticatedError('Too many wrong codes; request a new code', 'OTP_ATTEMPTS_EXCEEDED');
      }
      if (latest && latest.consumedAt === null) {
        throw new UnauthenticatedError('The code has expired; request a new code', 'OTP_EXPIRED');
      }
      throw new UnauthenticatedError('No valid code for this phone; request a new code', 'OTP_NOT_FOUND');
    }
    const expected = Buffer.from(otp.codeHash);
    const given = Buffer.from(sha256(`${phone}:${input.code}`));
    if (!timingSafeEqual(expected, given)) {
      const left = this.deps.otpMaxAttempts - otp.attempts;
      throw new UnauthenticatedError(
        left > 0
          ? `Wrong code; ${left} attempt${left === 1 ? '' : 's'} left`
          : 'Wrong code; request a new code',
        'OTP_INVALID',
      );
    }
    let member = await this.deps.members.findByPhone(phone);
    let isNewMember = false;
    if (!member) {
      if (!input.signup) {
        // The code stays usable: the app now asks for the name and sends it again with the same code.
        await OtpModel.updateOne({ _id: otp._id }, { $inc: { attempts: -1 } });
        throw new AppError(
          'unprocessable',
          'SIGNUP_REQUIRED',
          'This phone is not registered yet: send your name to join',
          {
            field: 'signup',
          },
        );
      }
    }
    if (member?.isBlocked)
      throw new UnauthenticatedError('This card is blocked; ask at the till', 'MEMBER_SESSION_BLOCKED');
    // Spend the code atomically: of two requests racing with the same correct code, only one signs in.
    const consumed = await OtpModel.updateOne(
      { _id: otp._id, consumedAt: null },
      { $set: { consumedAt: now } },
    );
    if (consumed.modifiedCount !== 1)
      throw new UnauthenticatedError('This code was already used; request a new code', 'OTP_USED');
    if (!member) {
      member = await this.deps.members.create(
        { ...(input.signup as MemberSignup), phone },
        { kind: 'anonymous' },
      );
      isNewMember = true;
    }
    const pair = await this.deps.tokens.issuePair({ kind: 'member', id: String(member._id) });
    return {
      ...pair,
      member: {
        id: String(member._id),
        name: member.name,
        phone: member.phone,
        cardNumber: member.cardNumber,
      },
      isNewMember,
    };
  }
}
