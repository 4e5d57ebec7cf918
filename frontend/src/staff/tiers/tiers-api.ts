// What the tier ladder designer and a member's tier panel ask the server, typed by the OpenAPI document.
import type {
  ClearTierOverrideBody,
  PublishTierLadderBody,
  SetTierOverrideBody,
  TierLadderDraft,
} from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

const byId = (id: string) => ({ params: { path: { id } } });

export const tiersApi = {
  ladder: () => staffClient.GET('/api/v1/tiers/ladder'),
  preview: (body: TierLadderDraft) => staffClient.POST('/api/v1/tiers/preview', { body }),
  publish: (body: PublishTierLadderBody) => staffClient.POST('/api/v1/tiers/ladder', { body }),
  memberTier: (id: string) => staffClient.GET('/api/v1/members/{id}/tier', byId(id)),
  setOverride: (id: string, body: SetTierOverrideBody) =>
    staffClient.POST('/api/v1/members/{id}/tier/override', { ...byId(id), body }),
  clearOverride: (id: string, body: ClearTierOverrideBody) =>
    staffClient.POST('/api/v1/members/{id}/tier/override/clear', { ...byId(id), body }),
};
