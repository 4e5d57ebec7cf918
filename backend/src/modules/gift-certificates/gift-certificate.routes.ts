import {
  AdjustGiftCertificateBody,
  ClaimGiftCertificateBody,
  GiftCertificate,
  GiftCertificateBalance,
  GiftCertificateBalanceBody,
  GiftCertificateBatch,
  GiftCertificateDetail,
  GiftCertificateLiabilityReport,
  GiftCertificateListQuery,
  GiftCertificateStatusBody,
  IssueGiftCertificateBatchBody,
  IssueGiftCertificateBody,
  IssuedGiftCertificate,
  ObjectIdString,
  Page,
  ReloadGiftCertificateBody,
  WalletGiftCertificate,
  WalletGiftCertificateList,
} from '@regulars/contracts';
import type { Request } from 'express';
import { z } from 'zod';
import type { Clock } from '../../platform/clock.js';
import type { Api } from '../../platform/http.js';
import { ALL_STAFF, MANAGERS, STORE_STAFF, type Principal } from '../../platform/principal.js';
import type { StaffRole } from '@regulars/contracts';
import { requestKeyOf } from '../ledger/request-key.js';
import type { ProgramService } from '../program/program.service.js';
import { liabilityReport } from './gift-certificate-liability.js';
import type { GiftCertificateService } from './gift-certificate.service.js';

const IdParams = z.object({ id: ObjectIdString });
/** Who issues free value: managers, and marketers for campaigns. */
const ISSUERS: readonly StaffRole[] = ['admin', 'manager', 'marketer'];
const KEY_NOTE =
  'An `Idempotency-Key` is honoured differently from other calls: the full code is kept nowhere, so a retry with the same key answers `409 GIFT_CERTIFICATE_ALREADY_ISSUED` (with the id) instead of issuing again or replaying the code.';

/** Who is guessing codes, for the wrong-code limit: the credential and the address. */
export const guesser = (req: Request, principal: Principal) => ({ principal, ip: req.ip ?? null });

/** Gift certificates: staff and integrations issue, check, reload, block; members claim into their wallet. */
export function registerGiftCertificateRoutes(
  api: Api,
  deps: { giftCertificates: GiftCertificateService; program: ProgramService; clock: Clock },
): void {
  const certificates = deps.giftCertificates;

  api.route({
    method: 'post',
    path: '/gift-certificates',
    operationId: 'issueGiftCertificate',
    summary: 'Issue one gift certificate free (staff or a campaign); its full code is in this answer only',
    description: `The code is stored as a keyed hash: afterwards it shows by its last 4 characters. With \`memberId\` it goes straight into that member's wallet. ${KEY_NOTE}`,
    tags: ['Gift certificates'],
    access: { staff: ISSUERS, apiKey: ['giftCertificates:write'] },
    body: IssueGiftCertificateBody,
    response: { schema: IssuedGiftCertificate },
    errors: ['GIFT_CERTIFICATE_CURRENCY', 'GIFT_CERTIFICATE_ALREADY_ISSUED', 'MEMBER_NOT_FOUND'],
    handler: async ({ body, principal, req }) =>
      certificates.issue(body, { principal, requestKey: requestKeyOf(req, principal) }),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/batches',
    operationId: 'issueGiftCertificateBatch',
    summary: 'Issue N bearer gift certificates of one value; the CSV of their codes is in this answer only',
    description: KEY_NOTE,
    tags: ['Gift certificates'],
    access: { staff: ISSUERS, apiKey: ['giftCertificates:write'] },
    body: IssueGiftCertificateBatchBody,
    response: { schema: GiftCertificateBatch },
    errors: ['GIFT_CERTIFICATE_CURRENCY', 'GIFT_CERTIFICATE_ALREADY_ISSUED'],
    handler: async ({ body, principal, req }) =>
      certificates.issueBatch(body, { principal, requestKey: requestKeyOf(req, principal) }),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/balance',
    operationId: 'checkGiftCertificateBalance',
    summary: 'What a gift certificate holds, by its typed code or scanned QR',
    description:
      'Wrong codes are limited to 10 a minute per credential and per address: past that every code is refused with `429` and `Retry-After` until the minute ends. A scanned QR whose signature does not match is refused before any look-up.',
    tags: ['Gift certificates'],
    access: {
      staff: ALL_STAFF,
      apiKey: ['giftCertificates:read', 'giftCertificates:write', 'checkouts:write'],
    },
    body: GiftCertificateBalanceBody,
    response: { status: 200, schema: GiftCertificateBalance },
    errors: ['GIFT_CERTIFICATE_NOT_FOUND', 'QR_SIGNATURE_INVALID', 'RATE_LIMITED'],
    handler: async ({ body, principal, req }) => certificates.balance(body.code, guesser(req, principal)),
  });

  api.route({
    method: 'get',
    path: '/gift-certificates',
    operationId: 'listGiftCertificates',
    summary: 'Gift certificates, newest first; `last4` looks one up by the last 4 characters of its code',
    tags: ['Gift certificates'],
    access: { staff: ALL_STAFF, apiKey: ['giftCertificates:read'] },
    query: GiftCertificateListQuery,
    response: { schema: Page(GiftCertificate) },
    handler: async ({ query }) => certificates.list(query),
  });

  api.route({
    method: 'get',
    path: '/gift-certificates/:id',
    operationId: 'getGiftCertificate',
    summary: 'One gift certificate with its whole ledger (issue, redeem, reload, refund, expire, adjust)',
    tags: ['Gift certificates'],
    access: { staff: ALL_STAFF, apiKey: ['giftCertificates:read'] },
    params: IdParams,
    response: { schema: GiftCertificateDetail },
    errors: ['GIFT_CERTIFICATE_NOT_FOUND'],
    handler: async ({ params }) => certificates.detail(params.id),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/:id/reloads',
    operationId: 'reloadGiftCertificate',
    summary: "Add value to a gift certificate, up to the program's cap on its balance",
    tags: ['Gift certificates'],
    access: { staff: MANAGERS, apiKey: ['giftCertificates:write'] },
    params: IdParams,
    body: ReloadGiftCertificateBody,
    idempotency: 'optional',
    response: { status: 200, schema: GiftCertificate },
    errors: [
      'GIFT_CERTIFICATE_NOT_FOUND',
      'GIFT_CERTIFICATE_BLOCKED',
      'GIFT_CERTIFICATE_EXPIRED',
      'GIFT_CERTIFICATE_VOIDED',
      'GIFT_CERTIFICATE_RELOAD_CAP',
    ],
    handler: async ({ params, body, principal }) => certificates.reload(params.id, body, principal),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/:id/adjustments',
    operationId: 'adjustGiftCertificate',
    summary: "Correct a gift certificate's balance (signed amount, with a reason; audited)",
    tags: ['Gift certificates'],
    access: { staff: MANAGERS },
    params: IdParams,
    body: AdjustGiftCertificateBody,
    idempotency: 'optional',
    response: { status: 200, schema: GiftCertificate },
    errors: [
      'GIFT_CERTIFICATE_NOT_FOUND',
      'GIFT_CERTIFICATE_EXPIRED',
      'GIFT_CERTIFICATE_VOIDED',
      'GIFT_CERTIFICATE_INSUFFICIENT_BALANCE',
    ],
    handler: async ({ params, body, principal }) => certificates.adjust(params.id, body, principal),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/:id/block',
    operationId: 'blockGiftCertificate',
    summary: 'Block a gift certificate (lost, stolen, under review): the till refuses it; audited',
    tags: ['Gift certificates'],
    access: { staff: STORE_STAFF, apiKey: ['giftCertificates:write'] },
    params: IdParams,
    body: GiftCertificateStatusBody,
    idempotency: 'optional',
    response: { status: 200, schema: GiftCertificate },
    errors: ['GIFT_CERTIFICATE_NOT_FOUND', 'GIFT_CERTIFICATE_EXPIRED', 'GIFT_CERTIFICATE_VOIDED'],
    handler: async ({ params, body, principal }) =>
      certificates.setBlocked(params.id, { isBlocked: true, reason: body.reason }, principal),
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/:id/unblock',
    operationId: 'unblockGiftCertificate',
    summary: 'Unblock a gift certificate; audited',
    tags: ['Gift certificates'],
    access: { staff: MANAGERS, apiKey: ['giftCertificates:write'] },
    params: IdParams,
    body: GiftCertificateStatusBody,
    idempotency: 'optional',
    response: { status: 200, schema: GiftCertificate },
    errors: ['GIFT_CERTIFICATE_NOT_FOUND', 'GIFT_CERTIFICATE_EXPIRED', 'GIFT_CERTIFICATE_VOIDED'],
    handler: async ({ params, body, principal }) =>
      certificates.setBlocked(params.id, { isBlocked: false, reason: body.reason }, principal),
  });

  api.route({
    method: 'get',
    path: '/reports/gift-certificates/liability',
    operationId: 'getGiftCertificateLiability',
    summary:
      'What gift certificates still hold by age of issue (0–90, 91–180, 181–365, >365 days), and the issued, redeemed and expired totals, per currency',
    tags: ['Gift certificates'],
    access: { staff: MANAGERS },
    response: { schema: GiftCertificateLiabilityReport },
    handler: async () => liabilityReport(deps.clock.now(), (await deps.program.get()).timeZone),
  });

  api.route({
    method: 'post',
    path: '/me/gift-certificates/claim',
    operationId: 'claimGiftCertificate',
    summary: "Claim a bearer gift certificate into the signed-in member's wallet by typing its code",
    description:
      'Claiming one already in your wallet answers it again. Wrong codes count against the same limit as balance checks.',
    tags: ['Gift certificates'],
    access: { member: true },
    body: ClaimGiftCertificateBody,
    response: { status: 200, schema: WalletGiftCertificate },
    errors: [
      'GIFT_CERTIFICATE_NOT_FOUND',
      'QR_SIGNATURE_INVALID',
      'GIFT_CERTIFICATE_CLAIMED',
      'GIFT_CERTIFICATE_EXPIRED',
      'GIFT_CERTIFICATE_VOIDED',
      'RATE_LIMITED',
    ],
    handler: async ({ body, principal, req }) => {
      if (principal.kind !== 'member') throw new Error('member route called by another principal');
      return certificates.claim(principal.id, body.code, guesser(req, principal));
    },
  });

  api.route({
    method: 'get',
    path: '/me/gift-certificates',
    operationId: 'listMyGiftCertificates',
    summary:
      "The signed-in member's gift certificates (the wallet's section), each with its QR to show at the till",
    tags: ['Gift certificates'],
    access: { member: true },
    response: { schema: WalletGiftCertificateList },
    handler: async ({ principal }) => {
      if (principal.kind !== 'member') throw new Error('member route called by another principal');
      return { items: await certificates.walletSection(principal.id) };
    },
  });
}
