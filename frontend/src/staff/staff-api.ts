// What the staff portal asks the server, typed by path from the API's OpenAPI document (@regulars/client).
import type {
  ApplyToCheckoutBody,
  CheckoutItemInput,
  OpenCheckoutBody,
  CreateAdjustmentBody,
  CreateMemberBody,
  CreatePurchaseBody,
  CreateRedemptionBody,
  CreateRefundBody,
  MemberLookupQuery,
  RuleStatus,
  SimulateBody,
} from '@regulars/contracts';
import type { TemplateParam } from '@regulars/rules';
import { ApiClient } from '../shared/api/client.js';
import { ApiError } from '../shared/api/errors.js';
import { localTokenStore } from '../shared/api/token-store.js';

export const staffClient = new ApiClient({ tokens: localTokenStore('regulars.staff.tokens') });

// The document has no answer schema for GET /rule-templates yet (see Documented).
export type RuleTemplateView = { id: string; name: string; description: string; params: TemplateParam[] };
type WithKey = { idempotencyKey: string };
/** The caller's key for a write the cashier may retry by hand, reused by the client's own retries. */
const keyed = ({ idempotencyKey }: WithKey) => ({ 'Idempotency-Key': idempotencyKey });
const byId = (id: string) => ({ params: { path: { id } } });

export const staffApi = {
  login: (email: string, password: string) =>
    staffClient.public.POST('/api/v1/auth/staff/login', { body: { email, password } }),
  /** The signed-in staff account; a member or key token here is refused as a sign-in would be. */
  me: async () => {
    const me = await staffClient.GET('/api/v1/auth/me');
    if (me.kind !== 'staff')
      throw new ApiError({ status: 401, code: 'UNAUTHENTICATED', message: 'Sign in with a staff account' });
    return me;
  },
  /** Sets the queue dashboard's cookie (admins); the dashboard never takes a token in its URL. */
  queueDashboardSession: () => staffClient.POST('/api/v1/admin/queue-dashboard/session'),
  program: () => staffClient.GET('/api/v1/program'),
  stores: () => staffClient.GET('/api/v1/stores'),

  identify: (code: string) => staffClient.POST('/api/v1/members/identify', { body: { code } }),
  /** Enrols a customer at the till (the same key on a retry never creates two members). */
  createMember: (body: CreateMemberBody, key: WithKey) =>
    staffClient.POST('/api/v1/members', { body, headers: keyed(key) }),
  member: (id: string) => staffClient.GET('/api/v1/members/{id}', byId(id)),
  /** Whose a typed referral code is (404 REFERRAL_CODE_NOT_FOUND), before enrolling with it. */
  checkReferralCode: (code: string) =>
    staffClient.public.GET('/api/v1/referral-codes/{code}', { params: { path: { code } } }),
  /** Gives a friend's referral code for a member just enrolled at the desk. */
  claimReferral: (memberId: string, code: string) =>
    staffClient.POST('/api/v1/members/{id}/referral', { ...byId(memberId), body: { code } }),
  findMembers: (query: Partial<MemberLookupQuery>) =>
    staffClient.GET('/api/v1/members', { params: { query: { limit: 20, ...query } } }),
  ledger: (id: string, cursor?: string) =>
    staffClient.GET('/api/v1/members/{id}/ledger', {
      params: { path: { id }, query: { limit: 20, cursor } },
    }),
  adjust: (id: string, body: CreateAdjustmentBody, key: WithKey) =>
    staffClient.POST('/api/v1/members/{id}/adjustments', { ...byId(id), body, headers: keyed(key) }),

  rewards: () =>
    staffClient.GET('/api/v1/rewards', { params: { query: { availableNow: 'true', limit: 100 } } }),
  purchase: (body: CreatePurchaseBody, key: WithKey) =>
    staffClient.POST('/api/v1/purchases', { body, headers: keyed(key) }),
  redeem: (body: CreateRedemptionBody, key: WithKey) =>
    staffClient.POST('/api/v1/redemptions', { body, headers: keyed(key) }),
  /** A member's redemptions, newest first (their status: cancelled, or linked to a sale). */
  memberRedemptions: (memberId: string) =>
    staffClient.GET('/api/v1/redemptions', { params: { query: { memberId, limit: 200 } } }),
  redemption: (id: string) => staffClient.GET('/api/v1/redemptions/{id}', byId(id)),
  cancelRedemption: (id: string, key: WithKey) =>
    staffClient.POST('/api/v1/redemptions/{id}/cancel', { ...byId(id), headers: keyed(key) }),
  refund: (purchaseId: string, body: CreateRefundBody, key: WithKey) =>
    staffClient.POST('/api/v1/purchases/{id}/refunds', { ...byId(purchaseId), body, headers: keyed(key) }),

  wallet: (id: string) => staffClient.GET('/api/v1/members/{id}/wallet', byId(id)),
  memberTier: (id: string) => staffClient.GET('/api/v1/members/{id}/tier', byId(id)),
  openCheckout: (body: OpenCheckoutBody) => staffClient.POST('/api/v1/checkouts', { body }),
  checkout: (id: string) => staffClient.GET('/api/v1/checkouts/{id}', byId(id)),
  replaceCheckoutItems: (id: string, items: CheckoutItemInput[]) =>
    staffClient.PUT('/api/v1/checkouts/{id}/items', { ...byId(id), body: { items } }),
  applyToCheckout: (id: string, body: ApplyToCheckoutBody) =>
    staffClient.POST('/api/v1/checkouts/{id}/applied', { ...byId(id), body }),
  removeFromCheckout: (id: string, appliedId: string) =>
    staffClient.DELETE('/api/v1/checkouts/{id}/applied/{appliedId}', {
      params: { path: { id, appliedId } },
    }),
  cancelCheckout: (id: string) => staffClient.POST('/api/v1/checkouts/{id}/cancel', byId(id)),
  /** What a gift certificate holds, by its typed code or scanned QR (the desk's balance check). */
  giftCertificateBalance: (code: string) =>
    staffClient.POST('/api/v1/gift-certificates/balance', { body: { code } }),
  completeCheckout: (id: string, key: WithKey) =>
    staffClient.POST('/api/v1/checkouts/{id}/complete', { ...byId(id), body: {}, headers: keyed(key) }),
  undoCheckout: (id: string, key: WithKey) =>
    staffClient.POST('/api/v1/checkouts/{id}/undo', { ...byId(id), headers: keyed(key) }),

  rules: (status?: RuleStatus) =>
    staffClient.GET('/api/v1/rules', { params: { query: { status, limit: 200 } } }),
  rule: (id: string) => staffClient.GET('/api/v1/rules/{id}', byId(id)),
  createRule: (definition: Record<string, unknown>) =>
    staffClient.POST('/api/v1/rules', { body: { definition } }),
  updateRule: (id: string, definition: Record<string, unknown>) =>
    staffClient.PATCH('/api/v1/rules/{id}', { ...byId(id), body: { definition } }),
  ruleAction: (id: string, action: 'publish' | 'pause' | 'resume' | 'archive') =>
    staffClient.POST(`/api/v1/rules/{id}/${action}`, byId(id)),
  ruleVersions: (id: string) => staffClient.GET('/api/v1/rules/{id}/versions', byId(id)),
  republishRuleVersion: (id: string, version: number) =>
    staffClient.POST('/api/v1/rules/{id}/versions/{version}/republish', {
      params: { path: { id, version } },
    }),
  catalogTerms: (kind: 'category' | 'sku') =>
    staffClient.GET('/api/v1/catalog/terms', { params: { query: { kind } } }),
  simulate: (body: SimulateBody) => staffClient.POST('/api/v1/rules/simulate', { body }),
  templates: () => staffClient.GET('/api/v1/rule-templates'),
  advanceClock: (body: { by: string } | { to: string }, key: WithKey) =>
    staffClient.POST('/api/v1/sandbox/clock/advance', { body, headers: keyed(key) }),
  sandboxAdvance: (id: string) => staffClient.GET('/api/v1/sandbox/clock/advances/{id}', byId(id)),
  instantiate: (templateId: string, params: Record<string, unknown>) =>
    staffClient.POST('/api/v1/rule-templates/{id}/instantiate', { ...byId(templateId), body: { params } }),
};
