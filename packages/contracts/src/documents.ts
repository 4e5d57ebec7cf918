import { z } from './zod.js';

/** The papers batch sheets of coupons and gift certificates print on. */
export const PAPER_SIZES = ['A4', 'Letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

/** How many vouchers one sheet holds (each count has its grid: 8 is 2 × 4). */
export const SHEET_PER_PAGE = [1, 2, 3, 4, 6, 8, 9, 10, 12] as const;
export type SheetPerPage = (typeof SHEET_PER_PAGE)[number];

/** `?paper=A4&perPage=8`: the sheet layout of a batch's printable PDF. */
export const VoucherSheetQuery = z
  .object({
    paper: z.enum(PAPER_SIZES).default('A4').openapi({ description: 'The paper the sheets print on' }),
    perPage: z.coerce
      .number()
      .int()
      .refine((n): n is SheetPerPage => (SHEET_PER_PAGE as readonly number[]).includes(n), {
        message: `a sheet holds ${SHEET_PER_PAGE.join(', ')} vouchers`,
      })
      .default(8)
      .openapi({ type: 'integer', enum: [...SHEET_PER_PAGE], description: 'Vouchers per page' }),
  })
  .strict();
export type VoucherSheetQuery = z.infer<typeof VoucherSheetQuery>;
