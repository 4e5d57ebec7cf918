// What the card app asks the server, typed by path from the API's OpenAPI document (@regulars/client).
// The card stays small, so it validates its few forms by hand instead of shipping zod.
import type { OtpVerifyBody, UpdateMemberBody } from '@regulars/contracts';
import { ApiClient, documented } from '../shared/api/client.js';
import { NetworkError } from '../shared/api/errors.js';
import { localTokenStore } from '../shared/api/token-store.js';
import { readCachedCard, writeCachedCard } from './card-cache.js';

export const cardClient = new ApiClient({ tokens: localTokenStore('regulars.card.tokens') });

const byId = (id: string) => ({ params: { path: { id } } });

export const cardApi = {
  requestCode: (phone: string) => cardClient.public.POST('/api/v1/auth/member/otp', { body: { phone } }),
  verifyCode: (body: OtpVerifyBody) => cardClient.public.POST('/api/v1/auth/member/verify', { body }),
  me: () =>
    documented<{ kind: 'member'; member: { id: string; name: string; phone: string; cardNumber: string } }>()(
      cardClient.GET('/api/v1/auth/me'),
    ),
  member: (memberId: string) => cardClient.GET('/api/v1/members/{id}', byId(memberId)),
  wallet: (memberId: string) => cardClient.GET('/api/v1/members/{id}/wallet', byId(memberId)),
  /** The member's coupons, newest first: `active` ones (usable now or later), or all of them. */
  coupons: (memberId: string, query: { status?: 'active'; limit: number }) =>
    cardClient.GET('/api/v1/members/{id}/coupons', { params: { path: { id: memberId }, query } }),
  /** Claims a bearer gift certificate into the signed-in member's wallet by its typed code. */
  claimGiftCertificate: (code: string) =>
    cardClient.POST('/api/v1/me/gift-certificates/claim', { body: { code } }),
  card: (memberId: string) => cardClient.GET('/api/v1/members/{id}/card', byId(memberId)),
  ledger: (memberId: string, cursor?: string) =>
    cardClient.GET('/api/v1/members/{id}/ledger', {
      params: { path: { id: memberId }, query: { limit: 20, cursor } },
    }),
  /**
   * The rewards available now, kept on the phone as they come; offline, the ones it saw last (the
   * banner says as of when).
   */
  rewards: () =>
    cardClient.GET('/api/v1/rewards', { params: { query: { availableNow: 'true', limit: 100 } } }).then(
      (page) => {
        const card = readCachedCard();
        if (card) writeCachedCard({ ...card, rewards: page.items });
        return page;
      },
      (error: unknown) => {
        const saved = readCachedCard()?.rewards;
        if (error instanceof NetworkError && saved) return { items: saved, nextCursor: null };
        throw error;
      },
    ),
  /** Before anyone signs in: the program's name and its terms and privacy links. */
  signUpInfo: () => cardClient.public.GET('/api/v1/program/sign-up'),
  /** The member's own data as JSON (profile, wallet, ledger, purchases). */
  exportData: (memberId: string) => cardClient.GET('/api/v1/members/{id}/data-export', byId(memberId)),
  /** Deletes the member's account: personal data erased, card blocked; the ledger stays. */
  deleteAccount: (memberId: string) => cardClient.DELETE('/api/v1/members/{id}', byId(memberId)),
  program: () => cardClient.GET('/api/v1/program'),
  updateProfile: (memberId: string, body: UpdateMemberBody) =>
    cardClient.PATCH('/api/v1/members/{id}', { ...byId(memberId), body }),
};
