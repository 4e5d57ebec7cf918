// What the Coupons screen, the rules designer and the member page ask the server, typed by the OpenAPI document.
import type {
  CouponStatus,
  DocumentLanguage,
  PaperSize,
  SheetPerPage,
  CouponTemplateStatus,
  CreateCouponBatchBody,
  CreateCouponTemplateBody,
  IssueMemberCouponBody,
} from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

const byId = (id: string) => ({ params: { path: { id } } });
type WithKey = { idempotencyKey: string };
const keyed = ({ idempotencyKey }: WithKey) => ({ 'Idempotency-Key': idempotencyKey });

export const couponsApi = {
  templates: (
    query: {
      status?: CouponTemplateStatus;
      kind?: 'bearer' | 'assigned';
      cursor?: string;
      limit?: number;
    } = {},
  ) => staffClient.GET('/api/v1/coupon-templates', { params: { query: { limit: 50, ...query } } }),
  createTemplate: (body: CreateCouponTemplateBody) => staffClient.POST('/api/v1/coupon-templates', { body }),
  /** A new version with every field the designer shows (all but the kind, which never changes). */
  updateTemplate: (id: string, body: Omit<CreateCouponTemplateBody, 'kind'>) =>
    staffClient.PATCH('/api/v1/coupon-templates/{id}', { ...byId(id), body }),
  archiveTemplate: (id: string) => staffClient.POST('/api/v1/coupon-templates/{id}/archive', byId(id)),
  /** A template's batches, newest first (the last 20). */
  listBatches: (templateId: string) =>
    staffClient.GET('/api/v1/coupon-templates/{id}/batches', {
      params: { path: { id: templateId }, query: { limit: 20 } },
    }),
  createBatch: (templateId: string, body: CreateCouponBatchBody, key: WithKey) =>
    staffClient.POST('/api/v1/coupon-templates/{id}/batches', {
      ...byId(templateId),
      body,
      headers: keyed(key),
    }),
  batch: (id: string) => staffClient.GET('/api/v1/coupon-batches/{id}', byId(id)),
  /** The batch's codes as a CSV file (the bearer token is sent, so it is fetched rather than linked). */
  batchCsv: (id: string) =>
    staffClient.GET('/api/v1/coupon-batches/{id}/codes.csv', { ...byId(id), parseAs: 'blob' }),
  /** The batch's coupons as printable sheets (`perPage` on A4 or Letter), in the viewer's language. */
  batchPdf: (id: string, query: { paper: PaperSize; perPage: SheetPerPage; language: DocumentLanguage }) =>
    staffClient.GET('/api/v1/coupon-batches/{id}/codes.pdf', {
      params: { path: { id }, query },
      parseAs: 'blob',
    }),
  memberCoupons: (memberId: string, query: { status?: CouponStatus; cursor?: string } = {}) =>
    staffClient.GET('/api/v1/members/{id}/coupons', {
      params: { path: { id: memberId }, query: { limit: 20, ...query } },
    }),
  giveCoupon: (memberId: string, body: IssueMemberCouponBody, key: WithKey) =>
    staffClient.POST('/api/v1/members/{id}/coupons', { ...byId(memberId), body, headers: keyed(key) }),
};

/** Saves `blob` as a file named `filename` (the browser's download). */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the click; the URL is no longer needed after this turn.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
