import {
  DeletedMember,
  MemberWallet,
  BlockMemberBody,
  CreateMemberBody,
  IdentifyMemberBody,
  IdentifyMemberResponse,
  MemberCard,
  MemberDetail,
  MemberLookupQuery,
  MemberSummary,
  ObjectIdString,
  Page,
  RotatedCard,
  UpdateMemberBody,
} from '@regulars/contracts';
import { z } from 'zod';
import { ForbiddenError } from '../../platform/errors.js';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MANAGERS, STORE_STAFF, principalKey, type Principal } from '../../platform/principal.js';
import type { RateLimitRule } from '../../platform/rate-limit.js';
import { toBalance, type LedgerService } from '../ledger/ledger.service.js';
import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from './card-code.js';
import type { Member } from './member.model.js';
import type { MemberService } from './member.service.js';
import type { WalletService } from './wallet.service.js';

const IdParams = z.object({ id: ObjectIdString });
const CARD_CODE_CHECKS_PER_MIN = 30;

/**
 * Finding a member by what a person can type (a card number, a phone, an email) is also a way to test
 * numbers in bulk: each credential may identify so many members a minute, shared by every way to do it.
 */
/** "Maria García López" → "Maria G.": what a till that may not read members shows. */
function greetingName(name: string): string {
  const [first = '', ...others] = name.trim().split(/\s+/);
  const initial = others[0]?.[0];
  return initial ? `${first} ${initial.toUpperCase()}.` : first;
}

function identifyLimit(principal: Principal, limit: number): RateLimitRule {
  return {
    bucket: 'identify',
    key: principalKey(principal),
    limit,
    windowSeconds: 60,
    message: 'Too many members looked up from this account',
  };
}

/** A member may only ever reach their own data; staff and API keys are checked by the route's access. */
export function assertOwnData(principal: Principal, memberId: string): void {
  if (principal.kind === 'member' && principal.id !== memberId) {
    throw new ForbiddenError('Members can only see and change their own data');
  }
}

export function toMemberSummary(m: Member) {
  return {
    id: m._id.toHexString(),
    cardNumber: m.cardNumber,
    name: m.name,
    phone: m.phone,
    email: m.email,
    tier: m.tier,
    isBlocked: m.isBlocked,
    deletedAt: m.deletedAt?.toISOString() ?? null,
    joinedAt: m.joinedAt.toISOString(),
  };
}

export function toMemberStats(m: Member) {
  const s = m.stats;
  return {
    purchaseCount: s.purchaseCount,
    totalSpentMinor: s.totalSpentMinor,
    averageOrderMinor: s.purchaseCount > 0 ? Math.floor(s.totalSpentMinor / s.purchaseCount) : 0,
    firstPurchaseAt: s.firstPurchaseAt?.toISOString() ?? null,
    lastPurchaseAt: s.lastPurchaseAt?.toISOString() ?? null,
  };
}

const TOTP = {
  algorithm: 'SHA1' as const,
  digits: TOTP_DIGITS as 6,
  periodSeconds: TOTP_PERIOD_SECONDS as 30,
  payloadFormat: 'RGL1:<cardNumber>:<code>' as const,
};

/** `GET /members/:id`: the member with the balance brought up to date. */
export async function memberDetail(
  deps: { members: MemberService; ledger: LedgerService },
  id: string,
): Promise<MemberDetail> {
  const before = await deps.members.get(id);
  await deps.ledger.settle(before._id);
  const m = await deps.members.get(id);
  return {
    ...toMemberSummary(m),
    birthDate: m.birthDate,
    consents: m.consents,
    tags: m.tags,
    balance: {
      ...toBalance(m.points),
      pendingLots: await deps.ledger.pendingLots(m._id),
      expiringSoon: await deps.ledger.expiringSoon(m._id),
    },
    stats: toMemberStats(m),
  };
}

export function registerMemberRoutes(
  api: Api,
  deps: { members: MemberService; ledger: LedgerService; wallet: WalletService; identifyPerMin: number },
): void {
  const detail = (id: string) => memberDetail(deps, id);

  api.route({
    method: 'post',
    path: '/members',
    operationId: 'createMember',
    summary: 'Register a member at the till (members join themselves through the one-time-code sign-in)',
    tags: ['Members'],
    access: { staff: ALL_STAFF, apiKey: ['members:write'] },
    body: CreateMemberBody,
    idempotency: 'optional',
    response: { schema: MemberSummary },
    errors: ['MEMBER_EXISTS', 'VALIDATION_FAILED'],
    handler: async ({ body, principal }) => toMemberSummary(await deps.members.create(body, principal)),
  });

  api.route({
    method: 'get',
    path: '/members',
    operationId: 'listMembers',
    summary:
      'Find members by phone, card number, email or the start of any word of the name, with filters (newest first)',
    description:
      'A lookup by phone, card number or email counts against the same per-credential quota as `POST /members/identify`. ' +
      '`name` matches every member with a word starting with each word given, accents and case aside. `tag`, `blocked`, `joinedFrom`/`joinedTo` and `storeId` (where the member was registered) narrow any lookup, or list all members.',
    tags: ['Members'],
    access: { staff: ALL_STAFF, apiKey: ['members:read'] },
    query: MemberLookupQuery,
    rateLimits: ({ req, principal }) =>
      ['phone', 'cardNumber', 'email'].some((field) => req.query[field] !== undefined)
        ? [identifyLimit(principal, deps.identifyPerMin)]
        : [],
    response: { schema: Page(MemberSummary) },
    handler: async ({ query }) => {
      const page = await deps.members.lookup(query);
      return { items: page.items.map(toMemberSummary), nextCursor: page.nextCursor };
    },
  });

  api.route({
    method: 'post',
    path: '/members/identify',
    operationId: 'identifyMember',
    summary: 'Who is at the till: a scanned card QR payload, a typed card number or a phone number',
    description:
      'A QR payload `RGL1:<cardNumber>:<code>` is checked as an RFC 6238 TOTP (30 s, ±1 step). A card number or phone identifies only; redemptions that present `cardCode` need the QR code. ' +
      'An API key without `members:read` gets no `phone` or `email` and the name shortened to the first name and an initial.',
    tags: ['Members'],
    access: { staff: STORE_STAFF, apiKey: ['members:read', 'purchases:write', 'redemptions:write'] },
    body: IdentifyMemberBody,
    // Guessing a member's 6-digit code needs many tries within 90 s: cap the tries per card too.
    rateLimits: ({ body, principal }) => {
      const card = /^RGL1:(\d{12}):/.exec(body.code.trim())?.[1];
      const perCredential = identifyLimit(principal, deps.identifyPerMin);
      return card
        ? [
            perCredential,
            {
              bucket: 'card-code',
              key: card,
              limit: CARD_CODE_CHECKS_PER_MIN,
              windowSeconds: 60,
              message: 'Too many card codes tried for this card',
            },
          ]
        : [perCredential];
    },
    response: { status: 200, schema: IdentifyMemberResponse },
    errors: [
      'CARD_CODE_INVALID',
      'CARD_CODE_EXPIRED',
      'CARD_NUMBER_INVALID',
      'MEMBER_NOT_FOUND',
      'RATE_LIMITED',
    ],
    handler: async ({ body, principal }) => {
      const found = await deps.members.identify(body.code);
      await deps.ledger.settle(found.member._id);
      const member = await deps.members.get(found.member._id.toHexString());
      const summary = { ...toMemberSummary(member), balance: toBalance(member.points) };
      if (principal.kind !== 'apiKey' || principal.scopes.includes('members:read'))
        return { method: found.method, member: summary };
      const { phone: _phone, email: _email, ...rest } = summary;
      return { method: found.method, member: { ...rest, name: greetingName(summary.name) } };
    },
  });

  api.route({
    method: 'get',
    path: '/members/:id',
    operationId: 'getMember',
    summary: 'A member with balance (available, pending, expiring soon) and purchase stats',
    tags: ['Members'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read'] },
    params: IdParams,
    response: { schema: MemberDetail },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      return detail(params.id);
    },
  });

  api.route({
    method: 'get',
    path: '/members/:id/wallet',
    operationId: 'getMemberWallet',
    summary:
      'Everything the member holds: points (available, held by open checkouts, pending, expiring soon), rewards in reach, tags',
    description:
      'One read for the card and the desk. Each module adds its section (stamp cards, coupons, tier and clubs, subscriptions, referral) as it lands.',
    tags: ['Members'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read'] },
    params: IdParams,
    response: { schema: MemberWallet },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      return deps.wallet.get(params.id);
    },
  });

  api.route({
    method: 'patch',
    path: '/members/:id',
    operationId: 'updateMember',
    summary: 'Change profile fields and marketing consents per channel',
    description: 'The phone (how the member signs in) is changed by staff and integrations only.',
    tags: ['Members'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:write'] },
    params: IdParams,
    body: UpdateMemberBody,
    response: { status: 200, schema: MemberDetail },
    errors: ['MEMBER_NOT_FOUND', 'MEMBER_EXISTS', 'MEMBER_DELETED'],
    handler: async ({ params, body, principal }) => {
      assertOwnData(principal, params.id);
      if (principal.kind === 'member' && body.phone !== undefined)
        throw new ForbiddenError('The phone you sign in with is changed by staff at the till');
      await deps.members.update(params.id, body, principal);
      return detail(params.id);
    },
  });

  api.route({
    method: 'delete',
    path: '/members/:id',
    operationId: 'deleteMember',
    summary: 'The member deletes their own account: personal data erased, card blocked, ledger kept',
    description:
      'Erases the name (shown as "Deleted member"), phone, email, birth date, consents and tags, and their copies in the audit log; blocks the card and replaces its secret, so its QR codes are refused at the till and every session ends. The ledger, the purchases and the balance stay for the books. Emits `member.deleted`. Only the member may call it.',
    tags: ['Members'],
    access: { member: true },
    params: IdParams,
    response: { status: 200, schema: DeletedMember },
    errors: ['MEMBER_NOT_FOUND', 'MEMBER_DELETED'],
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      const erased = await deps.members.erase(params.id, principal);
      return { id: params.id, deletedAt: erased.deletedAt.toISOString() };
    },
  });

  for (const action of ['block', 'unblock'] as const) {
    api.route({
      method: 'post',
      path: `/members/:id/${action}`,
      operationId: `${action}Member`,
      summary:
        action === 'block' ? 'Block a member: no earning, no redemptions (audit-logged)' : 'Unblock a member',
      tags: ['Members'],
      access: { staff: MANAGERS },
      params: IdParams,
      body: action === 'block' ? BlockMemberBody : BlockMemberBody.partial().openapi('UnblockMemberBody'),
      response: { status: 200, schema: MemberSummary },
      errors: action === 'block' ? ['MEMBER_NOT_FOUND'] : ['MEMBER_NOT_FOUND', 'MEMBER_DELETED'],
      handler: async ({ params, body, principal }) =>
        toMemberSummary(await deps.members.setBlocked(params.id, action === 'block', body.reason, principal)),
    });
  }

  api.route({
    method: 'get',
    path: '/members/:id/card',
    operationId: 'getMemberCard',
    summary: "The member's own card: number and TOTP secret for the offline QR code",
    tags: ['Members'],
    access: { member: true },
    params: IdParams,
    response: { schema: MemberCard },
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      const m = await deps.members.get(params.id);
      return {
        cardNumber: m.cardNumber,
        cardSecret: m.cardSecret,
        rotatedAt: m.cardSecretRotatedAt.toISOString(),
        totp: TOTP,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/card/rotate',
    operationId: 'rotateMemberCard',
    summary: 'Replace the card secret (lost phone): codes from the old secret stop working at once',
    description: 'The member gets the new secret in the answer; staff (manager and up) get only the date.',
    tags: ['Members'],
    access: { staff: MANAGERS, member: true },
    params: IdParams,
    response: { status: 200, schema: z.union([MemberCard, RotatedCard]) },
    errors: ['MEMBER_NOT_FOUND', 'MEMBER_DELETED'],
    handler: async ({ params, principal }) => {
      assertOwnData(principal, params.id);
      const m = await deps.members.rotateCardSecret(params.id, principal);
      const rotatedAt = m.cardSecretRotatedAt.toISOString();
      if (principal.kind !== 'member') return { cardNumber: m.cardNumber, rotatedAt };
      return { cardNumber: m.cardNumber, cardSecret: m.cardSecret, rotatedAt, totp: TOTP };
    },
  });
}
