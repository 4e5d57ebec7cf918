import {
  CreateRedemptionBody,
  ObjectIdString,
  Page,
  Redemption,
  RedemptionCancelled,
  RedemptionListQuery,
} from '@regulars/contracts';
import { z } from 'zod';
import { ForbiddenError } from '../../platform/errors.js';
import { reply, type Api } from '../../platform/http.js';
import { ALL_STAFF, STORE_STAFF, storeScopeOf } from '../../platform/principal.js';
import { toBalance, type LedgerService } from '../ledger/ledger.service.js';
import { requestKeyOf } from '../ledger/request-key.js';
import { MemberModel } from '../members/member.model.js';
import { toRedemptionResponse, type RedemptionService } from './redemption.service.js';

export function registerRedemptionRoutes(
  api: Api,
  deps: { redemptions: RedemptionService; ledger: LedgerService },
): void {
  api.route({
    method: 'post',
    path: '/redemptions',
    operationId: 'createRedemption',
    summary: "Redeem a reward, or pay with points, from the member's available points",
    description:
      'Send `{ memberId, rewardId, cardCode? }` or `{ memberId, points, cardCode? }` with an `Idempotency-Key`. ' +
      'Points are spent from the lots that expire soonest. A refusal (409 INSUFFICIENT_POINTS, OUT_OF_STOCK, LIMIT_REACHED…) changes nothing. ' +
      'A `cardCode` (the scanned QR payload) must belong to the member and authorises one redemption. ' +
      '`dryRun: true` runs every check and answers 200 with what would be spent (`dryRun: true` in the answer), writing nothing.',
    tags: ['Redemptions'],
    access: { staff: STORE_STAFF, apiKey: ['redemptions:write'] },
    body: CreateRedemptionBody,
    idempotency: 'required',
    response: {
      schema: Redemption,
      others: [
        {
          status: 200,
          description: 'A dry run: what the redemption would do (`dryRun: true`); nothing was written',
        },
      ],
    },
    errors: [
      'INSUFFICIENT_POINTS',
      'OUT_OF_STOCK',
      'LIMIT_REACHED',
      'REWARD_NOT_AVAILABLE',
      'REWARD_NOT_FOUND',
      'MEMBER_NOT_FOUND',
      'MEMBER_BLOCKED',
      'CARD_CODE_USED',
      'CARD_CODE_EXPIRED',
      'CARD_CODE_MEMBER_MISMATCH',
      'STORE_MISMATCH',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
    ],
    handler: async ({ body, principal, req }) => {
      const { redemption, balance, isDryRun } = await deps.redemptions.create(body, {
        principal,
        requestKey: requestKeyOf(req, principal),
      });
      const answer = toRedemptionResponse(redemption, balance, isDryRun);
      return isDryRun ? reply(200, answer) : answer;
    },
  });

  api.route({
    method: 'get',
    path: '/redemptions',
    operationId: 'listRedemptions',
    summary:
      'Redemptions, newest first, by member, store, purchase, status and time (a member sees only their own)',
    tags: ['Redemptions'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['redemptions:write', 'purchases:read'] },
    query: RedemptionListQuery,
    response: { schema: Page(Redemption) },
    errors: ['STORE_MISMATCH', 'INVALID_CURSOR', 'FORBIDDEN'],
    handler: async ({ query, principal }) => {
      if (principal.kind === 'member' && query.memberId && query.memberId !== principal.id) {
        throw new ForbiddenError('Members can only see their own redemptions');
      }
      const memberId = principal.kind === 'member' ? principal.id : query.memberId;
      const storeId = storeScopeOf(principal, query.storeId);
      const page = await deps.redemptions.list({
        ...query,
        ...(memberId ? { memberId } : {}),
        ...(storeId ? { storeId } : {}),
      });
      const members = await MemberModel.find(
        { _id: { $in: [...new Set(page.items.map((r) => r.memberId.toHexString()))] } },
        { points: 1 },
      ).lean();
      const balances = new Map(members.map((m) => [m._id.toHexString(), toBalance(m.points)]));
      return {
        items: page.items.map((r) =>
          toRedemptionResponse(r, balances.get(r.memberId.toHexString()) ?? { available: 0, pending: 0 }),
        ),
        nextCursor: page.nextCursor,
      };
    },
  });

  api.route({
    method: 'get',
    path: '/redemptions/:id',
    operationId: 'getRedemption',
    summary: 'One redemption',
    tags: ['Redemptions'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['redemptions:write'] },
    params: z.object({ id: ObjectIdString }),
    response: { schema: Redemption },
    errors: ['REDEMPTION_NOT_FOUND'],
    handler: async ({ params, principal }) => {
      const redemption = await deps.redemptions.get(params.id);
      if (principal.kind === 'member' && redemption.memberId.toHexString() !== principal.id) {
        throw new ForbiddenError('Members can only see their own redemptions');
      }
      return toRedemptionResponse(redemption, await deps.ledger.balance(redemption.memberId));
    },
  });

  api.route({
    method: 'post',
    path: '/redemptions/:id/cancel',
    operationId: 'cancelRedemption',
    summary:
      'Cancel a redemption that did not go through at the till: points go back to their original lots (expired lots stay expired)',
    description:
      'A redemption linked to a recorded purchase (`purchaseId`) cannot be cancelled on its own: 409 `REDEMPTION_SETTLED` with `details.purchaseId`. Refund that purchase instead; the refund gives the spent points back in proportion. A redemption held by an open checkout (status `held`) is released through its checkout: 409 `REDEMPTION_HELD`.',
    tags: ['Redemptions'],
    access: { staff: STORE_STAFF, apiKey: ['redemptions:write'] },
    params: z.object({ id: ObjectIdString }),
    idempotency: 'optional',
    response: { status: 200, schema: RedemptionCancelled },
    errors: [
      'REDEMPTION_NOT_FOUND',
      'STORE_MISMATCH',
      'REDEMPTION_ALREADY_CANCELLED',
      'REDEMPTION_SETTLED',
      'REDEMPTION_HELD',
    ],
    handler: async ({ params, principal }) => {
      const result = await deps.redemptions.cancel(params.id, principal);
      return {
        ...toRedemptionResponse(result.redemption, result.balance),
        pointsReturned: result.pointsReturned,
        pointsExpired: result.pointsExpired,
      };
    },
  });
}
