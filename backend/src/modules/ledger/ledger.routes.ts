import {
  Adjustment,
  CreateAdjustmentBody,
  LedgerEntry,
  LedgerVerifyResult,
  ObjectIdString,
  Page,
  PageQuery,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ADMINS, ALL_STAFF, MANAGERS } from '../../platform/principal.js';
import { assertOwnData } from '../members/member.routes.js';
import type { MemberService } from '../members/member.service.js';
import { toAdjustmentResponse, type AdjustmentService } from './adjustment.service.js';
import type { LedgerVerifyService } from './ledger-verify.service.js';
import type { LedgerService } from './ledger.service.js';
import { requestKeyOf } from './request-key.js';

export function registerLedgerRoutes(
  api: Api,
  deps: {
    ledger: LedgerService;
    adjustments: AdjustmentService;
    verifier: LedgerVerifyService;
    members: MemberService;
  },
): void {
  api.route({
    method: 'get',
    path: '/members/:id/ledger',
    operationId: 'listLedgerEntries',
    summary: "A member's ledger entries, newest first",
    tags: ['Ledger'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read'] },
    params: z.object({ id: ObjectIdString }),
    query: PageQuery.strict(),
    response: { schema: Page(LedgerEntry) },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, query, principal }) => {
      assertOwnData(principal, params.id);
      await deps.members.get(params.id);
      return deps.ledger.listEntries(params.id, { limit: query.limit, cursor: query.cursor });
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/adjustments',
    operationId: 'createAdjustment',
    summary: 'Add or remove points by hand, with a reason (audit-logged)',
    tags: ['Ledger'],
    access: { staff: MANAGERS },
    params: z.object({ id: ObjectIdString }),
    body: CreateAdjustmentBody,
    idempotency: 'required',
    response: { schema: Adjustment },
    errors: ['MEMBER_NOT_FOUND', 'INSUFFICIENT_POINTS', 'IDEMPOTENCY_KEY_REQUIRED'],
    handler: async ({ params, body, principal, req, requestId }) => {
      const { adjustment, balance } = await deps.adjustments.create(params.id, body, {
        principal,
        requestKey: requestKeyOf(req, principal),
        requestId,
      });
      return toAdjustmentResponse(adjustment, balance);
    },
  });

  api.route({
    method: 'get',
    path: '/admin/ledger/verify',
    operationId: 'verifyLedger',
    summary: 'Check that every cached balance equals its ledger entries and lots',
    tags: ['Ledger'],
    access: { staff: ADMINS },
    response: { schema: LedgerVerifyResult },
    handler: async () => deps.verifier.verify(),
  });
}
