import {
  AssignCouponsBody,
  Coupon,
  CouponBatch,
  CouponBatchListQuery,
  CouponTemplate,
  CouponTemplateListQuery,
  CreateCouponBatchBody,
  CreateCouponTemplateBody,
  IssueMemberCouponBody,
  MemberCouponListQuery,
  ObjectIdString,
  Page,
  UpdateCouponTemplateBody,
} from '@regulars/contracts';
import { z } from 'zod';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MANAGERS, MARKETERS } from '../../platform/principal.js';
import { assertOwnData } from '../members/member.routes.js';
import type { CouponTemplateService } from './coupon-template.service.js';
import { toTemplateResponse } from './coupon-template.service.js';
import { toBatchResponse, type CouponService } from './coupon.service.js';

const IdParams = z.object({ id: ObjectIdString });
const read = { staff: MARKETERS, apiKey: ['coupons:read', 'coupons:write'] } as const;
/**
 * Templates are read by managers too: they give a member a coupon by hand (`POST /members/:id/coupons`)
 * and pick its template from the list; designing, batches and assignment stay with marketers and admins.
 */
const readTemplates = { ...read, staff: [...new Set([...MARKETERS, ...MANAGERS])] } as const;
const write = { staff: MARKETERS, apiKey: ['coupons:write'] } as const;

/** Coupon templates, batches of bearer codes, assignment to members, and a member's coupons. */
export function registerCouponRoutes(
  api: Api,
  deps: { templates: CouponTemplateService; coupons: CouponService },
): void {
  const { templates, coupons } = deps;

  api.route({
    method: 'get',
    path: '/coupon-templates',
    operationId: 'listCouponTemplates',
    summary: 'The coupon templates (newest first); filter by status or kind',
    tags: ['Coupons'],
    access: readTemplates,
    query: CouponTemplateListQuery,
    response: { schema: Page(CouponTemplate) },
    handler: async ({ query }) => templates.list(query),
  });

  api.route({
    method: 'post',
    path: '/coupon-templates',
    operationId: 'createCouponTemplate',
    summary: 'Design a coupon: discount, conditions, validity, limits, stacking, kind and code format',
    tags: ['Coupons'],
    access: write,
    body: CreateCouponTemplateBody,
    idempotency: 'optional',
    response: { schema: CouponTemplate },
    errors: ['COUPON_VALIDITY_ENDED', 'COUPON_CODE_FORMAT_WEAK', 'STORE_NOT_FOUND'],
    handler: async ({ body, principal }) => toTemplateResponse(await templates.create(body, principal)),
  });

  api.route({
    method: 'get',
    path: '/coupon-templates/:id',
    operationId: 'getCouponTemplate',
    summary: 'One coupon template (its current version)',
    tags: ['Coupons'],
    access: readTemplates,
    params: IdParams,
    response: { schema: CouponTemplate },
    errors: ['COUPON_TEMPLATE_NOT_FOUND'],
    handler: async ({ params }) => toTemplateResponse(await templates.get(params.id)),
  });

  api.route({
    method: 'patch',
    path: '/coupon-templates/:id',
    operationId: 'updateCouponTemplate',
    summary: 'Change a coupon template: a new version (coupons issued before keep their terms)',
    tags: ['Coupons'],
    access: write,
    params: IdParams,
    body: UpdateCouponTemplateBody,
    response: { status: 200, schema: CouponTemplate },
    errors: [
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_ARCHIVED',
      'COUPON_TEMPLATE_CHANGED',
      'COUPON_VALIDITY_ENDED',
      'COUPON_CODE_FORMAT_WEAK',
      'STORE_NOT_FOUND',
    ],
    handler: async ({ params, body, principal }) =>
      toTemplateResponse(await templates.update(params.id, body, principal)),
  });

  api.route({
    method: 'post',
    path: '/coupon-templates/:id/archive',
    operationId: 'archiveCouponTemplate',
    summary: 'Archive a coupon template: it issues no more coupons (issued ones stay usable until they end)',
    tags: ['Coupons'],
    access: write,
    params: IdParams,
    response: { status: 200, schema: CouponTemplate },
    errors: ['COUPON_TEMPLATE_NOT_FOUND'],
    handler: async ({ params, principal }) =>
      toTemplateResponse(await templates.archive(params.id, principal)),
  });

  api.route({
    method: 'post',
    path: '/coupon-templates/:id/batches',
    operationId: 'createCouponBatch',
    summary: 'Generate a batch of bearer codes (a job): follow its progress, then download the CSV',
    description:
      'Answers 202 with the batch at once; `GET /coupon-batches/:id` gives `generated` and `percent`. ' +
      'A batch whose codes (with the template’s earlier ones) would be guessable with probability above 1e-9 per attempt is refused (422 `COUPON_CODE_FORMAT_WEAK` with the minimum length).',
    tags: ['Coupons'],
    access: write,
    params: IdParams,
    body: CreateCouponBatchBody,
    idempotency: 'optional',
    response: { status: 202, schema: CouponBatch },
    errors: [
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_ARCHIVED',
      'COUPON_TEMPLATE_KIND_MISMATCH',
      'COUPON_CODE_FORMAT_WEAK',
    ],
    handler: async ({ params, body, principal }) =>
      toBatchResponse(await coupons.createBatch(params.id, body, principal)),
  });

  api.route({
    method: 'get',
    path: '/coupon-templates/:id/batches',
    operationId: 'listCouponBatches',
    summary: "A template's batches of bearer codes, newest first, with their progress",
    tags: ['Coupons'],
    access: read,
    params: IdParams,
    query: CouponBatchListQuery,
    response: { schema: Page(CouponBatch) },
    errors: ['COUPON_TEMPLATE_NOT_FOUND'],
    handler: async ({ params, query }) => coupons.listBatches(params.id, query),
  });

  api.route({
    method: 'get',
    path: '/coupon-batches/:id',
    operationId: 'getCouponBatch',
    summary: "A batch's progress: status, generated of count, percent",
    tags: ['Coupons'],
    access: read,
    params: IdParams,
    response: { schema: CouponBatch },
    errors: ['COUPON_BATCH_NOT_FOUND'],
    handler: async ({ params }) => toBatchResponse(await coupons.getBatch(params.id)),
  });

  api.route({
    method: 'get',
    path: '/coupon-batches/:id/codes.csv',
    operationId: 'downloadCouponBatchCodes',
    summary: "A batch's codes as CSV (code, display form, signed QR payload, validity), streamed",
    description: 'Streams the codes generated so far, in order: download it once the batch is `completed`.',
    tags: ['Coupons'],
    access: write,
    params: IdParams,
    response: { schema: z.string(), mediaType: 'text/csv', description: 'The CSV' },
    errors: ['COUPON_BATCH_NOT_FOUND'],
    handler: async ({ params, res }) => {
      const rows = coupons.batchCsv(params.id);
      // The first chunk (the header) comes after the batch was found: a 404 is still an error body.
      const first = await rows.next();
      res.status(200);
      res.set({
        'Content-Type': 'text/csv; charset=utf-8',
        'Content-Disposition': `attachment; filename="coupons-${params.id}.csv"`,
      });
      if (!first.done) res.write(first.value);
      for await (const chunk of rows) {
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/coupon-templates/:id/assign',
    operationId: 'assignCoupons',
    summary: "Issue one assigned coupon of this template into each member's wallet",
    tags: ['Coupons'],
    access: write,
    params: IdParams,
    body: AssignCouponsBody,
    idempotency: 'optional',
    response: { schema: z.object({ items: z.array(Coupon) }) },
    errors: [
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_ARCHIVED',
      'COUPON_TEMPLATE_KIND_MISMATCH',
      'MEMBER_NOT_FOUND',
    ],
    handler: async ({ params, body, principal }) => ({
      items: await coupons.toResponses(await coupons.assign(params.id, body.memberIds, principal)),
    }),
  });

  api.route({
    method: 'get',
    path: '/members/:id/coupons',
    operationId: 'listMemberCoupons',
    summary: "A member's assigned coupons (newest first), with their codes, QR payloads and terms",
    tags: ['Coupons', 'Members'],
    access: { staff: ALL_STAFF, member: true, apiKey: ['members:read', 'coupons:read'] },
    params: IdParams,
    query: MemberCouponListQuery,
    response: { schema: Page(Coupon) },
    errors: ['MEMBER_NOT_FOUND'],
    handler: async ({ params, query, principal }) => {
      assertOwnData(principal, params.id);
      return coupons.listForMember(params.id, query);
    },
  });

  api.route({
    method: 'post',
    path: '/members/:id/coupons',
    operationId: 'issueMemberCoupon',
    summary: 'Give the member a coupon by hand (an assigned template), with an optional reason',
    tags: ['Coupons', 'Members'],
    access: { staff: [...new Set([...MARKETERS, ...MANAGERS])], apiKey: ['coupons:write'] },
    params: IdParams,
    body: IssueMemberCouponBody,
    idempotency: 'optional',
    response: { schema: Coupon },
    errors: [
      'MEMBER_NOT_FOUND',
      'COUPON_TEMPLATE_NOT_FOUND',
      'COUPON_TEMPLATE_ARCHIVED',
      'COUPON_TEMPLATE_KIND_MISMATCH',
    ],
    handler: async ({ params, body, principal }) =>
      coupons.toResponse(await coupons.issueByStaff(params.id, body, principal)),
  });
}
