import { z } from 'zod';
import { ObjectIdString, PrintGiftCertificatesBody, VoucherSheetQuery } from '@regulars/contracts';
import type { Api } from '../../platform/http.js';
import { ConflictError } from '../../platform/errors.js';
import { MARKETERS } from '../../platform/principal.js';
import { displayCode } from '../coupons/coupon-code.js';
import type { CouponTemplateService } from '../coupons/coupon-template.service.js';
import type { CouponService } from '../coupons/coupon.service.js';
import { guesser } from '../gift-certificates/gift-certificate.routes.js';
import type { GiftCertificateService } from '../gift-certificates/gift-certificate.service.js';
import type { ProgramService } from '../program/program.service.js';
import { couponTermsText, couponValueText } from './coupon-texts.js';
import { DOCUMENT_TEXTS, formatDocumentDate, formatDocumentMoney } from './document-texts.js';
import { sendVoucherPdf } from './send-voucher-pdf.js';
import type { VoucherDocument } from './voucher-pdf.js';

const PDF = {
  schema: z.string().openapi({ format: 'binary' }),
  mediaType: 'application/pdf',
  description: 'The PDF, streamed as it is drawn',
} as const;

/** Who prints what: the marketers who make coupon batches; the staff who issue gift certificates. */
const CERTIFICATE_ISSUERS = ['admin', 'manager', 'marketer'] as const;
/** Printing needs the code in hand: a cashier prints the certificate they just sold at the till. */
const CERTIFICATE_PRINTERS = [...CERTIFICATE_ISSUERS, 'cashier'] as const;

/** Printable coupons and gift certificates: the documents module draws what the coupon and certificate modules hold. */
export function registerDocumentRoutes(
  api: Api,
  deps: {
    coupons: CouponService;
    templates: CouponTemplateService;
    giftCertificates: GiftCertificateService;
    program: ProgramService;
  },
): void {
  const { coupons, templates, giftCertificates, program } = deps;

  api.route({
    method: 'get',
    path: '/coupon-batches/:id/codes.pdf',
    operationId: 'printCouponBatch',
    summary: "A batch's coupons as sheets to print and cut: each with its code in clear and its signed QR",
    description:
      'N per A4 or Letter page (`perPage`), in the viewer’s language; the codes are bearer secrets, so the answer is never cached.',
    tags: ['Coupons'],
    access: { staff: MARKETERS, apiKey: ['coupons:write'] },
    params: z.object({ id: ObjectIdString }),
    query: VoucherSheetQuery,
    response: PDF,
    errors: ['COUPON_BATCH_NOT_FOUND', 'COUPON_BATCH_NOT_READY'],
    handler: async ({ params, query, res }) => {
      const batch = await coupons.getBatch(params.id);
      if (batch.generated === 0) {
        throw new ConflictError(
          'COUPON_BATCH_NOT_READY',
          `Batch ${params.id} has no codes yet (${batch.status}): print it once they are generated`,
        );
      }
      const [settings, terms] = await Promise.all([
        program.get(),
        templates.termsOf(batch.templateId, batch.templateVersion),
      ]);
      const { language } = query;
      const valueText = couponValueText(terms.discount, { currency: settings.currency, language });
      const termsText = couponTermsText(terms, language);
      async function* vouchers(): AsyncGenerator<VoucherDocument> {
        for await (const page of coupons.batchCodes(batch)) {
          for (const coupon of page) {
            yield {
              merchantName: settings.name,
              title: terms.name,
              valueText,
              displayCode: displayCode(coupon.code),
              qrPayload: coupon.qrPayload,
              expiryText: formatDocumentDate(coupon.validUntil, { language, timeZone: settings.timeZone }),
              termsText,
              language,
            };
          }
        }
      }
      await sendVoucherPdf(res, {
        filename: `coupons-${params.id}.pdf`,
        vouchers: vouchers(),
        layout: { kind: 'sheet', paper: query.paper, perPage: query.perPage },
      });
      return undefined;
    },
  });

  api.route({
    method: 'post',
    path: '/gift-certificates/print',
    operationId: 'printGiftCertificates',
    summary:
      'Gift certificates to print, by the codes the issuing answer or CSV gave (kept nowhere in clear)',
    description:
      'Each certificate with what it holds now, its expiry, its code in clear and its signed QR; one per A6 page (`layout: single`) or sheets. Wrong codes count against the wrong-code limit (10 a minute), as at the till.',
    tags: ['Gift certificates'],
    access: { staff: CERTIFICATE_PRINTERS, apiKey: ['giftCertificates:write'] },
    body: PrintGiftCertificatesBody,
    response: { ...PDF, status: 200 },
    errors: ['GIFT_CERTIFICATE_NOT_FOUND', 'QR_SIGNATURE_INVALID', 'RATE_LIMITED'],
    handler: async ({ body, principal, req, res }) => {
      const settings = await program.get();
      const codeGuesser = guesser(req, principal);
      const { language } = body;
      // Every code is checked before the first byte: a wrong one answers its error, not half a PDF.
      const vouchers: VoucherDocument[] = [];
      for (const text of body.codes) {
        const { certificate, code, qrPayload } = await giftCertificates.printable(text, codeGuesser);
        vouchers.push({
          merchantName: settings.name,
          title: DOCUMENT_TEXTS[language].giftCertificate,
          valueText: formatDocumentMoney(certificate.availableMinor, certificate.currency, language),
          displayCode: displayCode(code),
          qrPayload,
          expiryText: certificate.expiresAt
            ? formatDocumentDate(certificate.expiresAt, { language, timeZone: settings.timeZone })
            : null,
          termsText: DOCUMENT_TEXTS[language].certificateTerms,
          language,
        });
      }
      await sendVoucherPdf(res, {
        filename: vouchers.length === 1 ? 'gift-certificate.pdf' : 'gift-certificates.pdf',
        vouchers,
        layout:
          body.layout === 'single'
            ? { kind: 'single' }
            : { kind: 'sheet', paper: body.paper, perPage: body.perPage },
      });
      return undefined;
    },
  });
}
