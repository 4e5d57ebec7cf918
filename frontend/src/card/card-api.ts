// What the card app asks the server. Only types come from @regulars/contracts: the card stays small, so
// it validates its few forms by hand instead of shipping zod.
import type {
  LedgerEntry,
  MemberCard,
  MemberDetail,
  MemberSessionResponse,
  OtpRequestResponse,
  OtpVerifyBody,
  Page,
  ProgramSettings,
  Reward,
  UpdateMemberBody,
} from '@regulars/contracts';
import { ApiClient } from '../shared/api/client.js';
import { localTokenStore } from '../shared/api/token-store.js';

export const cardClient = new ApiClient({ tokens: localTokenStore('regulars.card.tokens') });

export const cardApi = {
  requestCode: (phone: string) =>
    cardClient.post<OtpRequestResponse>('/auth/member/otp', { phone }, { isPublic: true }),
  verifyCode: (body: OtpVerifyBody) =>
    cardClient.post<MemberSessionResponse>('/auth/member/verify', body, { isPublic: true }),
  me: () =>
    cardClient.get<{
      kind: 'member';
      member: { id: string; name: string; phone: string; cardNumber: string };
    }>('/auth/me'),
  member: (memberId: string) => cardClient.get<MemberDetail>(`/members/${memberId}`),
  card: (memberId: string) => cardClient.get<MemberCard>(`/members/${memberId}/card`),
  ledger: (memberId: string, cursor?: string) =>
    cardClient.get<Page<LedgerEntry>>(`/members/${memberId}/ledger`, { query: { limit: 20, cursor } }),
  rewards: () => cardClient.get<Page<Reward>>('/rewards', { query: { availableNow: 'true', limit: 100 } }),
  program: () => cardClient.get<ProgramSettings>('/program'),
  updateProfile: (memberId: string, body: UpdateMemberBody) =>
    cardClient.patch<MemberDetail>(`/members/${memberId}`, body),
};
