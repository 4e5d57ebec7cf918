import { randomBytes } from 'node:crypto';
import type { MemberSignup } from '@regulars/contracts';
import type { Clock } from '../../platform/clock.js';
import { ConflictError } from '../../platform/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ProgramService } from '../program/program.service.js';
import { generateCardNumber } from './card-number.js';
import { MemberModel, nameKeyOf, type Member } from './member.model.js';
import { normalisePhone } from './phone.js';

export type CreateMemberInput = MemberSignup & { phone: string };

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A fresh 160-bit TOTP secret in base32 (RFC 4226 recommends 160 bits). */
export function generateCardSecret(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Members: sign-up, lookup. The ledger module builds balances and stats on top of this. */
export class MemberService {
  constructor(private readonly deps: { clock: Clock; program: ProgramService; audit: AuditService }) {}

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
        const member = await MemberModel.create({
          name: input.name,
          nameKey: nameKeyOf(input.name),
          phone,
          email,
          birthDate: input.birthDate ?? null,
          consents: { email: false, sms: false, push: false, ...input.consents },
          cardNumber: generateCardNumber(),
          cardSecret: generateCardSecret(),
          cardSecretRotatedAt: now,
          joinedAt: now,
        });
        const created = member.toObject();
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
        });
        return created;
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
}
