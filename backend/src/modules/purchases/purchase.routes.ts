import {
  CreatePurchaseBody,
  CreateRefundBody,
  ObjectIdString,
  Page,
  PurchaseCreated,
  PurchaseDetail,
  PurchaseListQuery,
  RefundCreated,
  RefundDetail,
  RefundListQuery,
} from '@regulars/contracts';
import { z } from 'zod';
import { ForbiddenError } from '../../platform/errors.js';
import { reply, type Api } from '../../platform/http.js';
import { MANAGERS, STORE_STAFF, storeScopeOf } from '../../platform/principal.js';
import { requestKeyOf } from '../ledger/request-key.js';
import { toRefundDetail, type RefundService } from '../refunds/refund.service.js';
import { toPurchaseDetail, type PurchaseService } from './purchase.service.js';

export function registerPurchaseRoutes(
  api: Api,
  deps: { purchases: PurchaseService; refunds: RefundService },
): void {
  api.route({
    method: 'post',
    path: '/purchases',
    operationId: 'createPurchase',
    summary:
      'Record a purchase; with a member (memberId or scanned cardCode) it earns points through the published rules',
    description:
      'Send an `Idempotency-Key` (one per sale, reused on retries): the same key and body always give the first answer and earn once. ' +
      '`externalId` (the receipt number) is unique per store: another request for the same receipt gets 409 PURCHASE_EXISTS. ' +
      'Without memberId and cardCode the purchase is recorded for the KPIs and earns nothing. ' +
      'A scanned `cardCode` authorises one purchase (and one redemption): presenting it again answers 409 CARD_CODE_USED. ' +
      '`dryRun: true` evaluates the rules and answers 200 with what the purchase would earn (`dryRun: true` in the answer), writing nothing.',
    tags: ['Purchases'],
    access: { staff: STORE_STAFF, apiKey: ['purchases:write'] },
    body: CreatePurchaseBody,
    idempotency: 'required',
    response: {
      schema: PurchaseCreated,
      others: [
        {
          status: 200,
          description: 'A dry run: what the purchase would earn (`dryRun: true`); nothing was written',
        },
      ],
    },
    errors: [
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
      'VALIDATION_FAILED',
      'CURRENCY_NOT_SUPPORTED',
      'TOTAL_MISMATCH',
      'LINE_DEDUCTIONS_EXCEED_LINE',
      'OCCURRED_IN_FUTURE',
      'MEMBER_NOT_FOUND',
      'MEMBER_BLOCKED',
      'STORE_NOT_FOUND',
      'STORE_MISMATCH',
      'CARD_CODE_INVALID',
      'CARD_CODE_EXPIRED',
      'CARD_CODE_USED',
      'PURCHASE_EXISTS',
      'REDEMPTION_NOT_APPLICABLE',
    ],
    handler: async ({ body, principal, req, recordAnswer }) => {
      const answer = await deps.purchases.create(body, {
        principal,
        requestKey: requestKeyOf(req, principal),
        recordAnswer,
      });
      return answer.dryRun ? reply(200, answer) : answer;
    },
  });

  api.route({
    method: 'get',
    path: '/purchases',
    operationId: 'listPurchases',
    summary: 'Purchases, newest first, by store, member, receipt number and time of sale (reconciliation)',
    description:
      '`from` (inclusive) and `to` (exclusive) filter `occurredAt`. A caller bound to a store sees that store only ' +
      '(no `storeId` means theirs; another one is 403 STORE_MISMATCH); a member sees only their own purchases.',
    tags: ['Purchases'],
    access: {
      staff: STORE_STAFF,
      member: true,
      apiKey: ['purchases:read', 'purchases:write', 'refunds:write'],
    },
    query: PurchaseListQuery,
    response: { schema: Page(PurchaseDetail) },
    errors: ['STORE_MISMATCH', 'INVALID_CURSOR', 'FORBIDDEN'],
    handler: async ({ query, principal }) => {
      if (principal.kind === 'member' && query.memberId && query.memberId !== principal.id) {
        throw new ForbiddenError('Members can only see their own purchases');
      }
      const memberId = principal.kind === 'member' ? principal.id : query.memberId;
      const storeId = storeScopeOf(principal, query.storeId);
      return deps.purchases.list({
        ...query,
        ...(memberId ? { memberId } : {}),
        ...(storeId ? { storeId } : {}),
      });
    },
  });

  api.route({
    method: 'get',
    path: '/refunds',
    operationId: 'listRefunds',
    summary: 'Refunds, newest first, by store, member, purchase, receipt number and time (reconciliation)',
    description:
      '`from` (inclusive) and `to` (exclusive) filter when the refund was recorded; `externalId` is the refunded ' +
      "purchase's receipt number. A caller bound to a store sees that store only.",
    tags: ['Purchases'],
    access: { staff: MANAGERS, apiKey: ['purchases:read', 'refunds:write'] },
    query: RefundListQuery,
    response: { schema: Page(RefundDetail) },
    errors: ['STORE_MISMATCH', 'INVALID_CURSOR'],
    handler: async ({ query, principal }) => {
      const storeId = storeScopeOf(principal, query.storeId);
      return deps.refunds.list({ ...query, ...(storeId ? { storeId } : {}) });
    },
  });

  api.route({
    method: 'get',
    path: '/refunds/:id',
    operationId: 'getRefund',
    summary: 'One refund: the money given back and the points that followed it',
    tags: ['Purchases'],
    access: { staff: MANAGERS, apiKey: ['purchases:read', 'refunds:write'] },
    params: z.object({ id: ObjectIdString }),
    response: { schema: RefundDetail },
    errors: ['REFUND_NOT_FOUND', 'STORE_MISMATCH'],
    handler: async ({ params, principal }) => {
      const refund = await deps.refunds.get(params.id);
      storeScopeOf(principal, refund.storeId.toHexString());
      return toRefundDetail(refund);
    },
  });

  api.route({
    method: 'get',
    path: '/purchases/:id',
    operationId: 'getPurchase',
    summary: 'One purchase with its lines, points and refunds so far',
    description:
      'A caller bound to a store (a till key, a store manager or cashier) reads that store’s purchases only: another store’s is 403 `STORE_MISMATCH`, as in the lists.',
    tags: ['Purchases'],
    access: { staff: STORE_STAFF, member: true, apiKey: ['purchases:write', 'refunds:write'] },
    params: z.object({ id: ObjectIdString }),
    response: { schema: PurchaseDetail },
    errors: ['PURCHASE_NOT_FOUND', 'STORE_MISMATCH'],
    handler: async ({ params, principal }) => {
      const purchase = await deps.purchases.get(params.id);
      if (principal.kind === 'member' && purchase.memberId?.toHexString() !== principal.id) {
        throw new ForbiddenError('Members can only see their own purchases');
      }
      storeScopeOf(principal, purchase.storeId.toHexString());
      return toPurchaseDetail(purchase);
    },
  });

  api.route({
    method: 'post',
    path: '/purchases/:id/refunds',
    operationId: 'createRefund',
    summary:
      'Refund an amount or returned items: points earned are taken back and points spent given back, in proportion',
    description:
      'Give `amountMinor` or `items: [{ sku, quantity }]`. Refunds never exceed what was paid across several refunds. ' +
      'A caller bound to a store refunds that store’s purchases only (another store’s: 403 `STORE_MISMATCH`). ' +
      'Points earned on the purchase are taken back from its own lot first (still pending or not), then from the balance; ' +
      'beyond the balance the program policy applies (allow a negative balance, or floor at zero and write the rest off). ' +
      'A sale that sold gift certificates: returning their line (or refunding the whole sale) voids that many unspent certificates (`giftCertificatesVoided`); ' +
      'a spent or partly spent one refuses the refund with 409 `GIFT_CERTIFICATE_ALREADY_SPENT`, and an amount refund covers the goods only (422 `GIFT_CERTIFICATE_REFUND_BY_ITEM`).',
    tags: ['Purchases'],
    access: { staff: MANAGERS, apiKey: ['refunds:write'] },
    params: z.object({ id: ObjectIdString }),
    body: CreateRefundBody,
    idempotency: 'required',
    response: { schema: RefundCreated },
    errors: [
      'PURCHASE_NOT_FOUND',
      'STORE_MISMATCH',
      'PURCHASE_ALREADY_REFUNDED',
      'REFUND_EXCEEDS_PURCHASE',
      'REFUND_ITEM_NOT_FOUND',
      'GIFT_CERTIFICATE_ALREADY_SPENT',
      'GIFT_CERTIFICATE_REFUND_BY_ITEM',
      'IDEMPOTENCY_KEY_REQUIRED',
      'IDEMPOTENCY_KEY_REUSED',
    ],
    handler: async ({ params, body, principal, req }) =>
      deps.refunds.create(params.id, body, { principal, requestKey: requestKeyOf(req, principal) }),
  });
}
