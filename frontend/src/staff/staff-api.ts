// What the staff portal asks the server, typed with the shared contracts.
import type {
  Adjustment,
  CreateAdjustmentBody,
  CreatePurchaseBody,
  CreateRedemptionBody,
  CreateRefundBody,
  IdentifyMemberResponse,
  LedgerEntry,
  MemberDetail,
  MemberLookupQuery,
  MemberSummary,
  Page,
  ProgramSettings,
  PurchaseCreated,
  Redemption,
  RedemptionCancelled,
  RefundCreated,
  Reward,
  RuleStatus,
  SandboxAdvance,
  RuleVersionView,
  RuleView,
  SimulateBody,
  SimulationResult,
  StaffLoginResponse,
  StaffSummary,
  Store,
} from '@regulars/contracts';
import type { TemplateParam } from '@regulars/rules';
import { ApiClient } from '../shared/api/client.js';
import { localTokenStore } from '../shared/api/token-store.js';

export const staffClient = new ApiClient({ tokens: localTokenStore('regulars.staff.tokens') });

export type RuleTemplateView = { id: string; name: string; description: string; params: TemplateParam[] };
type WithKey = { idempotencyKey: string };

export const staffApi = {
  login: (email: string, password: string) =>
    staffClient.post<StaffLoginResponse>('/auth/staff/login', { email, password }, { isPublic: true }),
  me: () => staffClient.get<{ kind: 'staff'; staff: StaffSummary }>('/auth/me'),
  /** Sets the queue dashboard's cookie (admins); the dashboard never takes a token in its URL. */
  queueDashboardSession: () => staffClient.post<void>('/admin/queue-dashboard/session'),
  program: () => staffClient.get<ProgramSettings>('/program'),
  stores: () => staffClient.get<{ items: Store[] }>('/stores'),

  identify: (code: string) => staffClient.post<IdentifyMemberResponse>('/members/identify', { code }),
  member: (id: string) => staffClient.get<MemberDetail>(`/members/${id}`),
  findMembers: (query: Partial<MemberLookupQuery>) =>
    staffClient.get<Page<MemberSummary>>('/members', { query: { limit: 20, ...query } }),
  ledger: (id: string, cursor?: string) =>
    staffClient.get<Page<LedgerEntry>>(`/members/${id}/ledger`, { query: { limit: 20, cursor } }),
  adjust: (id: string, body: CreateAdjustmentBody, { idempotencyKey }: WithKey) =>
    staffClient.post<Adjustment>(`/members/${id}/adjustments`, body, { idempotencyKey }),

  rewards: () => staffClient.get<Page<Reward>>('/rewards', { query: { availableNow: 'true', limit: 100 } }),
  purchase: (body: CreatePurchaseBody, { idempotencyKey }: WithKey) =>
    staffClient.post<PurchaseCreated>('/purchases', body, { idempotencyKey }),
  redeem: (body: CreateRedemptionBody, { idempotencyKey }: WithKey) =>
    staffClient.post<Redemption>('/redemptions', body, { idempotencyKey }),
  redemption: (id: string) => staffClient.get<Redemption>(`/redemptions/${id}`),
  cancelRedemption: (id: string, { idempotencyKey }: WithKey) =>
    staffClient.post<RedemptionCancelled>(`/redemptions/${id}/cancel`, {}, { idempotencyKey }),
  refund: (purchaseId: string, body: CreateRefundBody, { idempotencyKey }: WithKey) =>
    staffClient.post<RefundCreated>(`/purchases/${purchaseId}/refunds`, body, { idempotencyKey }),

  rules: (status?: RuleStatus) =>
    staffClient.get<Page<RuleView>>('/rules', { query: { status, limit: 200 } }),
  rule: (id: string) => staffClient.get<RuleView>(`/rules/${id}`),
  createRule: (definition: Record<string, unknown>) => staffClient.post<RuleView>('/rules', { definition }),
  updateRule: (id: string, definition: Record<string, unknown>) =>
    staffClient.patch<RuleView>(`/rules/${id}`, { definition }),
  ruleAction: (id: string, action: 'publish' | 'pause' | 'resume' | 'archive') =>
    staffClient.post<RuleView>(`/rules/${id}/${action}`),
  ruleVersions: (id: string) =>
    staffClient.get<Page<RuleVersionView> | { items: RuleVersionView[] }>(`/rules/${id}/versions`),
  simulate: (body: SimulateBody) => staffClient.post<SimulationResult>('/rules/simulate', body),
  templates: () => staffClient.get<{ items: RuleTemplateView[] }>('/rule-templates'),
  advanceClock: (body: { by: string } | { to: string }, { idempotencyKey }: WithKey) =>
    staffClient.post<SandboxAdvance>('/sandbox/clock/advance', body, { idempotencyKey }),
  sandboxAdvance: (id: string) => staffClient.get<SandboxAdvance>(`/sandbox/clock/advances/${id}`),
  instantiate: (templateId: string, params: Record<string, unknown>) =>
    staffClient.post<RuleView>(`/rule-templates/${templateId}/instantiate`, { params }),
};
