// The join flow's referral calls, loaded only when a code was given: check a code (and count a share
// link's opening), and give it once the friend has a card.
import { cardClient } from '../card-api.js';
import { deviceId } from './device-id.js';

/** Counts a share link's opening (the funnel's first step). */
export function openReferralLink(code: string) {
  return cardClient.public.POST('/api/v1/referral-codes/{code}/opens', { params: { path: { code } } });
}

/** Whose a typed code is and whether invitations run (404 REFERRAL_CODE_NOT_FOUND for an unknown code). */
export function checkReferralCode(code: string) {
  return cardClient.public.GET('/api/v1/referral-codes/{code}', { params: { path: { code } } });
}

/** Gives the friend's code for the member who just joined, with this device's id. */
export function claimReferral(memberId: string, code: string) {
  return cardClient.POST('/api/v1/members/{id}/referral', {
    params: { path: { id: memberId } },
    body: { code, deviceId: deviceId() },
  });
}
