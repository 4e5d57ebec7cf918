// What the Gift certificates screen asks the server, typed by the OpenAPI document.
import type {
  DocumentLanguage,
  GiftCertificateStatus,
  IssueGiftCertificateBatchBody,
  IssueGiftCertificateBody,
} from '@regulars/contracts';
import { staffClient } from '../staff-api.js';

const byId = (id: string) => ({ params: { path: { id } } });
type WithKey = { idempotencyKey: string };
const keyed = ({ idempotencyKey }: WithKey) => ({ 'Idempotency-Key': idempotencyKey });

export const giftCertificatesApi = {
  issue: (body: IssueGiftCertificateBody, key: WithKey) =>
    staffClient.POST('/api/v1/gift-certificates', { body, headers: keyed(key) }),
  issueBatch: (body: IssueGiftCertificateBatchBody, key: WithKey) =>
    staffClient.POST('/api/v1/gift-certificates/batches', { body, headers: keyed(key) }),
  /** What a typed code holds (wrong codes count against a strict limit on the server). */
  balance: (code: string) => staffClient.POST('/api/v1/gift-certificates/balance', { body: { code } }),
  list: (
    query: { last4?: string; status?: GiftCertificateStatus; memberId?: string; cursor?: string } = {},
  ) => staffClient.GET('/api/v1/gift-certificates', { params: { query: { limit: 20, ...query } } }),
  detail: (id: string) => staffClient.GET('/api/v1/gift-certificates/{id}', byId(id)),
  reload: (id: string, body: { amountMinor: number; reason: string }, key: WithKey) =>
    staffClient.POST('/api/v1/gift-certificates/{id}/reloads', { ...byId(id), body, headers: keyed(key) }),
  block: (id: string, reason: string, key: WithKey) =>
    staffClient.POST('/api/v1/gift-certificates/{id}/block', {
      ...byId(id),
      body: { reason },
      headers: keyed(key),
    }),
  unblock: (id: string, reason: string, key: WithKey) =>
    staffClient.POST('/api/v1/gift-certificates/{id}/unblock', {
      ...byId(id),
      body: { reason },
      headers: keyed(key),
    }),
  /** Certificates to print by the codes their issue gave (one per A6 page, or A4 sheets of 8). */
  print: async (codes: string[], layout: 'single' | 'sheet', language: DocumentLanguage): Promise<Blob> => {
    const pdf: unknown = await staffClient.POST('/api/v1/gift-certificates/print', {
      body: { codes, layout, paper: 'A4', perPage: 8, language },
      parseAs: 'blob',
    });
    // `parseAs: 'blob'` answers a Blob; the generated type of a POST still names the document's body schema.
    return pdf as Blob;
  },
  liability: () => staffClient.GET('/api/v1/reports/gift-certificates/liability'),
};
