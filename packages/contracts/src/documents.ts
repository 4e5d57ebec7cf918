import { z } from './zod.js';

/** The papers batch sheets of coupons and gift certificates print on. */
export const PAPER_SIZES = ['A4', 'Letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** How many vouchers one sheet holds (each count has its grid: 8 is 2 × 4). */
export const SHEET_PER_PAGE = [1, 2, 3, 4, 6, 8, 9, 10, 12] as const;
export type SheetPerPage = (typeof SHEET_PER_PAGE)[number];

/** The languages coupons and gift certificates print in. */
export const DOCUMENT_LANGUAGES = ['en', 'es', 'ru', 'ro'] as const;
export type DocumentLanguage = (typeof DOCUMENT_LANGUAGES)[number];

/**
 * `?language=ru`: the language a printable PDF is in (its labels, dates and money), the viewer's own
 * (the program has none).
 */
export const VoucherPdfQuery = z
  .object({
    language: z
      .enum(DOCUMENT_LANGUAGES)
      .default('en')
      .openapi({ description: 'The language of the printed texts' }),
  })
  .strict();
export type VoucherPdfQuery = z.infer<typeof VoucherPdfQuery>;

/** `?paper=A4&perPage=8&language=en`: the sheet layout and language of a batch's printable PDF. */
export const VoucherSheetQuery = VoucherPdfQuery.extend({
  paper: z.enum(PAPER_SIZES).default('A4').openapi({ description: 'The paper the sheets print on' }),
  perPage: z.coerce
    .number()
    .int()
    .refine((n): n is SheetPerPage => (SHEET_PER_PAGE as readonly number[]).includes(n), {
      message: `a sheet holds ${SHEET_PER_PAGE.join(', ')} vouchers`,
    })
    .default(8)
    .openapi({ type: 'integer', enum: [...SHEET_PER_PAGE], description: 'Vouchers per page' }),
}).strict();
export type VoucherSheetQuery = z.infer<typeof VoucherSheetQuery>;

/**
 * `POST /api/v1/gift-certificates/print`: the printable PDF of certificates whose codes the caller holds
 * (the answer or the CSV that issued them: a code is kept nowhere in clear). One per A6 page (`single`)
 * or sheets of `perPage` on A4 or Letter.
 */
export const PrintGiftCertificatesBody = z
  .object({
    codes: z.array(z.string().trim().min(4).max(120)).min(1, 'give at least one code').max(1000),
    layout: z.enum(['single', 'sheet']).default('sheet'),
    paper: z.enum(PAPER_SIZES).default('A4'),
    perPage: z
      .number()
      .int()
      .refine((n): n is SheetPerPage => (SHEET_PER_PAGE as readonly number[]).includes(n), {
        message: `a sheet holds ${SHEET_PER_PAGE.join(', ')} vouchers`,
      })
      .default(8),
    language: z.enum(DOCUMENT_LANGUAGES).default('en'),
  })
  .strict()
  .openapi('PrintGiftCertificatesBody');
export type PrintGiftCertificatesBody = z.infer<typeof PrintGiftCertificatesBody>;
