import {
  ClaimReferralBody,
  MemberReferral,
  ObjectIdString,
  Page,
  PageQuery,
  Referral,
  ReferralCodeOpened,
  ReferralCodeText,
  ReferralFunnel,
  ReferralFunnelQuery,
  ReferralHousehold,
  ReferralHouseholdBody,
  ReferralListQuery,
  ReferralDeviceBody,
  ReferralTerms,
  ReferralTermsBody,
  ReferralTermsHistory,
  ReviewReferralBody,
} from '@regulars/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import { reply, type Api } from '../../platform/http.js';
import { ALL_STAFF, MANAGERS, STORE_STAFF, principalKey } from '../../platform/principal.js';
import { assertOwnData } from '../members/member.routes.js';
import type { ReferralService } from './referral.service.js';

const IdParams = z.object({ id: ObjectIdString });
const CodeParams = z.object({ code: ReferralCodeText });
/** Who reads referrals: marketers (the funnel, terms) and managers (the review queue). */
const READERS = ['admin', 'manager', 'marketer'] as const;

/** Refer-a-friend: terms, codes, attribution (card and desk), the review queue, households and the funnel. */
export function registerReferralRoutes(
  api: Api,
  deps: { referrals: ReferralService; publicUrl: string | undefined },
): void {
  const referrals = deps.referrals;
  const originOf = (req: Request) => deps.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  api.route({
    method: 'get',
    path: '/referral-terms',
    operationId: 'getReferralTerms',
    summary: 'The current referral terms and every earlier version, newest first',
    tags: ['Referrals'],
    access: { staff: READERS },
    response: { schema: ReferralTermsHistory },
    handler: async () => referrals.history(),
  });

  api.route({
    method: 'put',
    path: '/referral-terms',
    operationId: 'saveReferralTerms',
    summary:
      'Save the referral terms as a new version (audited); referrals keep the version they started under',
    tags: ['Referrals'],
    access: { staff: ['admin', 'marketer'] },
    body: ReferralTermsBody,
    idempotency: 'optional',
    response: { status: 200, schema: ReferralTerms },
    errors: [
      'REFERRAL_CLEARING_TOO_SHORT',
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_ARCHIVED',
      'COUPON_TEMPLATE_KIND_MISMATCH',
    ],
    handler: async ({ body, principal }) => referrals.saveTerms(body, principal),
  });

  api.route({
    method: 'get',
    path: '/referral-codes/:code',
    operationId: 'checkReferralCode',
    summary: 'Whether a typed referral code exists (whose it is, by first name), before joining with it',
    tags: ['Referrals'],
    access: { public: true },
    params: CodeParams,
    response: { schema: ReferralCodeOpened },
    errors: ['REFERRAL_CODE_NOT_FOUND'],
    rateLimits: ({ req }) => [
      { bucket: 'referral-code-checks', key: req.ip ?? 'unknown', limit: 30, windowSeconds: 60 },
    ],
    handler: async ({ params }) => referrals.checkCode(params.code),
  });

  api.route({
    method: 'post',
    path: '/referral-codes/:code/opens',
    operationId: 'openReferralLink',
    summary: 'A share link was opened (counted in the funnel): whose code it is, by first name',
    tags: ['Referrals'],
    access: { public: true },
    params: CodeParams,
    response: { status: 200, schema: ReferralCodeOpened },
    errors: ['REFERRAL_CODE_NOT_FOUND'],
    rateLimits: ({ req }) => [
      { bucket: 'referral-opens', key: req.ip ?? 'unknown', limit: 60, windowSeconds: 60 },
    ],
    handler: async ({ params }) => referrals.openLink(params.code),
  });

  api.route({
    method: 'get',
    path: '/members/:id/referral',
    operationId: 'getMemberReferral',
    summary: "The member's referral code, share link, friends with their status, and who referred them",
    tags: ['Referrals'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read'] },
    params: IdParams,
    response: { schema: MemberReferral },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, principal, req }) => {
      assertOwnData(principal, params.id);
      return referrals.memberView(params.id, originOf(req));
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/referral',
    operationId: 'claimReferral',
    summary: "Give a friend's referral code: on the card after joining, or at the desk when enrolling",
    description:
      'One referral per member (the first valid code wins), never their own, before their first purchase. ' +
      'Fraud signals are scored; a score at the threshold sends the referral to the review queue.',
    tags: ['Referrals'],
    access: { staff: STORE_STAFF, member: true, apiKey: ['members:write'] },
    params: IdParams,
    owner: (path, principal) => assertOwnData(principal, String(path.id ?? '')),
    body: ClaimReferralBody,
    idempotency: 'optional',
    response: { status: 201, schema: Referral },
    errors: [
      'MEMBER_NOT_FOUND',
      'REFERRAL_CODE_NOT_FOUND',
      'REFERRAL_OWN_CODE',
      'ALREADY_REFERRED',
      'REFERRAL_TOO_LATE',
      'REFERRALS_NOT_ACTIVE',
    ],
    // A member trying code after code is guessing; a desk enrols many friends an hour.
    rateLimits: ({ principal }) =>
      principal.kind === 'member'
        ? [{ bucket: 'referral-claims', key: principalKey(principal), limit: 10, windowSeconds: 3600 }]
        : [],
    handler: async ({ params, body, principal, req }) => {
      assertOwnData(principal, params.id);
      return referrals.claim({
        memberId: params.id,
        code: body.code,
        deviceId: body.deviceId ?? null,
        // The card's address says where the friend joined; a till's is the store's, shared by every customer.
        address: principal.kind === 'member' ? (req.ip ?? null) : null,
        principal,
      });
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/referral/devices',
    operationId: 'recordReferralDevice',
    summary:
      "The card reports the device it runs on (a fraud signal when a friend joins on the referrer's device)",
    tags: ['Referrals'],
    access: { member: true },
    params: IdParams,
    owner: (path, principal) => assertOwnData(principal, String(path.id ?? '')),
    body: ReferralDeviceBody,
    response: { status: 204 },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, body, principal }) => {
      assertOwnData(principal, params.id);
      await referrals.recordDevice(params.id, body.deviceId);
      return reply(204, undefined);
    },
  });

  api.route({
    method: 'get',
    path: '/referrals',
    operationId: 'listReferrals',
    summary: 'Referrals, newest first; filter by status, review status, referrer or friend',
    tags: ['Referrals'],
    access: { staff: READERS },
    query: ReferralListQuery,
    response: { schema: Page(Referral) },
    errors: ['INVALID_CURSOR'],
    handler: async ({ query }) => referrals.list(query),
  });

  api.route({
    method: 'get',
    path: '/referrals/funnel',
    operationId: 'getReferralFunnel',
    summary:
      'The funnel (link opens, joins, qualified, cleared, rewarded, cost, K-factor), overall or for one referrer',
    tags: ['Referrals'],
    access: { staff: READERS },
    query: ReferralFunnelQuery,
    response: { schema: ReferralFunnel },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ query }) => referrals.funnel(query.referrerId),
  });

  api.route({
    method: 'get',
    path: '/referrals/:id',
    operationId: 'getReferral',
    summary: 'One referral with its signals, review and rewards',
    tags: ['Referrals'],
    access: { staff: READERS },
    params: IdParams,
    response: { schema: Referral },
    errors: ['REFERRAL_NOT_FOUND'],
    handler: async ({ params }) => referrals.toResponse(await referrals.get(params.id)),
  });

  api.route({
    method: 'post',
    path: '/referrals/:id/review',
    operationId: 'reviewReferral',
    summary: 'Approve or reject a referral in the review queue, with a note (audited)',
    tags: ['Referrals'],
    access: { staff: MANAGERS },
    params: IdParams,
    body: ReviewReferralBody,
    response: { status: 200, schema: Referral },
    errors: ['REFERRAL_NOT_FOUND', 'REFERRAL_NOT_IN_REVIEW'],
    handler: async ({ params, body, principal }) => referrals.review(params.id, body, principal),
  });

  api.route({
    method: 'get',
    path: '/referral-households',
    operationId: 'listReferralHouseholds',
    summary: 'The household allow-list: members who share a device or address on purpose',
    tags: ['Referrals'],
    access: { staff: MANAGERS },
    query: PageQuery.strict(),
    response: { schema: Page(ReferralHousehold) },
    errors: ['INVALID_CURSOR'],
    handler: async ({ query }) => referrals.listHouseholds(query),
  });

  api.route({
    method: 'post',
    path: '/referral-households',
    operationId: 'addReferralHousehold',
    summary: 'Add a household to the allow-list (audited)',
    tags: ['Referrals'],
    access: { staff: MANAGERS },
    body: ReferralHouseholdBody,
    response: { status: 201, schema: ReferralHousehold },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ body, principal }) => referrals.addHousehold(body, principal),
  });

  api.route({
    method: 'delete',
    path: '/referral-households/:id',
    operationId: 'removeReferralHousehold',
    summary: 'Remove a household from the allow-list (audited)',
    tags: ['Referrals'],
    access: { staff: MANAGERS },
    params: IdParams,
    response: { status: 204 },
    errors: ['REFERRAL_HOUSEHOLD_NOT_FOUND'],
    handler: async ({ params, principal }) => {
      await referrals.removeHousehold(params.id, principal);
      return reply(204, undefined);
    },
  });
}
