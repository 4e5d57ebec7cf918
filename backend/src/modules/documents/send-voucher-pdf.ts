import type { ServerResponse } from 'node:http';
import { documentFonts } from './document-fonts.js';
import {
  OutputClosedError,
  pageGrid,
  renderVoucherPdf,
  type VoucherDocument,
  type VoucherLayout,
} from './voucher-pdf.js';

/**
 * Answers a request (an express Response, or any node:http response) with the PDF of `vouchers` as a download named `filename`, streamed as it is drawn.
 * Everything that can fail before the first byte (the layout, the fonts) fails first, so that the route
 * still answers with the error shape. Once bytes are sent a failure can no longer be answered: the
 * connection is cut (the client sees an incomplete download, never a truncated file taken for whole)
 * and the error is thrown on for the log. A client that goes away mid-download just ends it.
 */
export async function sendVoucherPdf(
  res: ServerResponse,
  {
    filename,
    vouchers,
    layout,
  }: {
    filename: string;
    vouchers: Iterable<VoucherDocument> | AsyncIterable<VoucherDocument>;
    layout: VoucherLayout;
  },
): Promise<void> {
  pageGrid(layout);
  documentFonts();
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/pdf');
  res.setHeader('Content-Disposition', attachment(filename));
  // The codes in clear are bearer secrets: no cache on the way may keep them.
  res.setHeader('Cache-Control', 'no-store');
  try {
    await renderVoucherPdf(vouchers, layout, res);
  } catch (error) {
    // The client went away: there is no one left to answer, and nothing went wrong here.
    if (error instanceof OutputClosedError) return;
    if (res.headersSent) res.destroy(error instanceof Error ? error : undefined);
    else
      for (const header of ['Content-Type', 'Content-Disposition', 'Cache-Control']) res.removeHeader(header);
    throw error;
  }
}

/** `attachment; filename="…"` with an ASCII fallback and the exact name in RFC 5987 form. */
export function attachment(filename: string): string {
  const fallback = filename.replace(/[^A-Za-z0-9._-]+/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
