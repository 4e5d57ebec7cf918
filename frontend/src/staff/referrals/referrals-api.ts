// What the Referrals screens ask the server, typed by the OpenAPI document.
import type {
  ReferralReviewStatus,
  ReferralStatus,
  ReferralTermsBody,
  ReviewReferralBody,
} from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

export const REFERRAL_PAGE_SIZE = 20;

export const referralsApi = {
  terms: () => staffClient.GET('/api/v1/referral-terms', {}),
  saveTerms: (body: ReferralTermsBody) => staffClient.PUT('/api/v1/referral-terms', { body }),
  list: (query: { status?: ReferralStatus; review?: ReferralReviewStatus; cursor?: string }) =>
    staffClient.GET('/api/v1/referrals', { params: { query: { limit: REFERRAL_PAGE_SIZE, ...query } } }),
  review: (id: string, body: ReviewReferralBody) =>
    staffClient.POST('/api/v1/referrals/{id}/review', { params: { path: { id } }, body }),
  funnel: () => staffClient.GET('/api/v1/referrals/funnel', { params: { query: {} } }),
  couponTemplates: () =>
    staffClient.GET('/api/v1/coupon-templates', {
      params: { query: { limit: 100, status: 'active', kind: 'assigned' } },
    }),
};
