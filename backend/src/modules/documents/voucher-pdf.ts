// Printable coupons and gift certificates: one voucher on an A6 page, or sheets of N per A4 or Letter
// page with cut marks. Each voucher shows the merchant, its title and value, the code in clear (with its
// check character, for a person to type) and a QR of its signed payload (for the desk's scanner, which
// refuses a QR whose MAC does not check), its expiry and terms, in its language.
//
// The PDF is streamed: every finished page goes to `out` as it is drawn, and drawing waits while `out`
// is full, so a batch of any size holds one page in memory (plus the fonts' used glyphs, written at
// the end), never the whole file.
import type { Writable } from 'node:stream';
import { setImmediate } from 'node:timers/promises';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { PAPER_SIZES, SHEET_PER_PAGE, type PaperSize, type SheetPerPage } from '@regulars/contracts';
import { documentFonts } from './document-fonts.js';
import { DOCUMENT_TEXTS, type DocumentLanguage } from './document-texts.js';

/** One printed coupon or gift certificate: plain data, formatted by the module that issues it. */
export type VoucherDocument = {
  merchantName: string;
  /** "Gift certificate" (DOCUMENT_TEXTS[language].giftCertificate) or the coupon template's name. */
  title: string;
  /** The value as a person reads it: "€25.00" (formatDocumentMoney), "−15 %", "Free espresso". */
  valueText: string;
  /** The code in clear with its check character, in groups (coupon-code.ts displayCode). */
  displayCode: string;
  /** What the QR encodes: SignedCodes.sign(kind, code) (platform/signed-code.ts). */
  qrPayload: string;
  /** The last valid day (formatDocumentDate, in the program's time zone), or null when it never expires. */
  expiryText: string | null;
  /** The conditions of use, printed small; may be empty. */
  termsText: string;
  language: DocumentLanguage;
};

/** The grid (columns × rows) of each number of vouchers per sheet, on a portrait page. */
const SHEET_GRIDS: Record<SheetPerPage, readonly [number, number]> = {
  1: [1, 1],
  2: [1, 2],
  3: [1, 3],
  4: [2, 2],
  6: [2, 3],
  8: [2, 4],
  9: [3, 3],
  10: [2, 5],
  12: [3, 4],
};

/** One voucher on an A6 page, or sheets (VoucherSheetQuery) of `perPage` on A4 or Letter with cut marks. */
export type VoucherLayout = { kind: 'single' } | { kind: 'sheet'; paper: PaperSize; perPage: number };

/** The output closed before the document was complete (a client that went away). */
export class OutputClosedError extends Error {
  constructor() {
    super('The output closed before the document was complete');
  }
}

/** Nothing to print: the caller answers before a byte is sent. */
export class EmptyDocumentError extends Error {
  constructor() {
    super('There is no voucher to print');
  }
}

// Points (1/72 inch).
const MM = 72 / 25.4;
const PAGE_SIZES: Record<PaperSize | 'A6', [number, number]> = {
  A6: [105 * MM, 148 * MM],
  A4: [210 * MM, 297 * MM],
  Letter: [8.5 * 72, 11 * 72],
};
/** The sheet's margin, where the cut marks are: inside what office printers can print. */
const SHEET_MARGIN = 12 * MM;
const CUT_MARK_LENGTH = 6 * MM;
const CUT_MARK_GAP = 2 * MM;
/** QR codes need four light modules around them to be found by a scanner (ISO/IEC 18004). */
const QR_QUIET_MODULES = 4;
const SMALLEST_TEXT = 5;
/**
 * The smallest QR box: 34 mm with its quiet zone, so that the symbol itself (25 or 29 modules of 33 or 37)
 * is about an inch wide, which phones and desk scanners read from paper without trouble.
 */
const SMALLEST_QR = 96;
const INK = '#111111';
const MUTED = '#555555';
const FRAME = '#b0b0b0';

type Box = { x: number; y: number; w: number; h: number };
type Grid = { size: [number, number]; cells: Box[]; cutMarks: boolean };

/** The page size and the boxes of one page's vouchers; throws RangeError for a layout we do not print. */
export function pageGrid(layout: VoucherLayout): Grid {
  if (layout.kind === 'single') {
    const [w, h] = PAGE_SIZES.A6;
    return { size: [w, h], cells: [{ x: 0, y: 0, w, h }], cutMarks: false };
  }
  const grid = (SHEET_GRIDS as Record<number, readonly [number, number]>)[layout.perPage];
  if (!grid)
    throw new RangeError(`A sheet holds ${SHEET_PER_PAGE.join(', ')} vouchers, not ${layout.perPage}`);
  if (!PAPER_SIZES.includes(layout.paper)) throw new RangeError(`Unknown paper ${String(layout.paper)}`);
  const [w, h] = PAGE_SIZES[layout.paper];
  const [columns, rows] = grid;
  const cellW = (w - 2 * SHEET_MARGIN) / columns;
  const cellH = (h - 2 * SHEET_MARGIN) / rows;
  const cells: Box[] = [];
  for (let row = 0; row < rows; row++)
    for (let column = 0; column < columns; column++)
      cells.push({ x: SHEET_MARGIN + column * cellW, y: SHEET_MARGIN + row * cellH, w: cellW, h: cellH });
  return { size: [w, h], cells, cutMarks: true };
}

/**
 * Writes the PDF of `vouchers` (an array, or an async iterable such as a database cursor) to `out`, and
 * ends it. Resolves once `out` has taken the last byte; rejects if `out` fails or closes first (a client
 * that went away), and stops drawing then. Throws EmptyDocumentError, before writing anything, when
 * there is nothing to print, MissingFontError when the fonts are not installed, and RangeError for a
 * layout it does not print. A failure while drawing leaves `out` open, for the caller to answer on it if
 * nothing was sent yet or to destroy it (sendVoucherPdf does both).
 */
export async function renderVoucherPdf(
  vouchers: Iterable<VoucherDocument> | AsyncIterable<VoucherDocument>,
  layout: VoucherLayout,
  out: Writable,
): Promise<void> {
  const grid = pageGrid(layout);
  const fonts = documentFonts();
  const iterator =
    Symbol.asyncIterator in vouchers ? vouchers[Symbol.asyncIterator]() : vouchers[Symbol.iterator]();
  let next = await iterator.next();
  if (next.done) throw new EmptyDocumentError();
  const first = next.value;

  const doc = new PDFDocument({
    autoFirstPage: false,
    margin: 0,
    size: grid.size,
    lang: first.language,
    displayTitle: true,
    info: {
      Title: `${first.merchantName} — ${first.title}`,
      Author: first.merchantName,
      Creator: 'Regulars',
    },
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.registerFont('mono', fonts.mono);
  const sink = streamTo(out);
  doc.on('data', (chunk: Buffer) => sink.write(chunk));
  const ended = new Promise<void>((resolve) => doc.once('end', resolve));

  try {
    let slot = 0;
    while (!next.done) {
      if (slot === 0) {
        forgetWordLayouts(doc);
        doc.addPage({ size: grid.size, margin: 0 });
        if (grid.cutMarks) drawCutMarks(doc, grid);
      }
      sink.check();
      drawVoucher(doc, next.value, grid.cells[slot] as Box);
      slot = (slot + 1) % grid.cells.length;
      // A page is written when the next one starts: wait for `out` before drawing more.
      if (slot === 0) await sink.ready();
      next = await iterator.next();
    }
    doc.end();
    await ended;
    await sink.end();
  } catch (error) {
    await iterator.return?.();
    throw error;
  }
}

/** The most word layouts a font keeps (about 8 KiB each) before forgetWordLayouts empties its cache. */
const MAX_CACHED_WORDS = 1000;

/**
 * pdfkit keeps the layout of every word it has set, per font, for the life of the document: every
 * voucher's code is a new word, so a batch of 10,000 would hold 80 MiB of layouts by its end. Without
 * the cache rendering is 4.6 times slower (the labels and terms are laid out again for every voucher),
 * so a font's cache is emptied, between pages, once it holds MAX_CACHED_WORDS words: memory stays
 * bounded, and repeated words are laid out again only then. (`_fontFamilies` and `layoutCache` are
 * pdfkit 0.17's; the memory test in test/integration/documents.test.ts fails if a new version moves
 * them.)
 */
function forgetWordLayouts(doc: PDFKit.PDFDocument): void {
  const fonts = (doc as unknown as { _fontFamilies?: Record<string, { layoutCache?: object }> })
    ._fontFamilies;
  for (const font of Object.values(fonts ?? {}))
    if (font.layoutCache && Object.keys(font.layoutCache).length > MAX_CACHED_WORDS)
      font.layoutCache = Object.create(null);
}

/** Writes to `out` as a pipe would, but lets the producer wait for `drain` and learn that `out` failed. */
function streamTo(out: Writable) {
  let failure: Error | null = null;
  const fail = (error?: Error) => {
    failure ??= error ?? new OutputClosedError();
  };
  out.on('error', fail);
  out.once('close', () => {
    if (!out.writableFinished) fail();
  });
  const wait = (event: 'drain' | 'finish') =>
    new Promise<void>((resolve, reject) => {
      const done = () => {
        out.off(event, done);
        out.off('close', closed);
        if (failure) reject(failure);
        else resolve();
      };
      const closed = () => {
        fail();
        done();
      };
      out.once(event, done);
      out.once('close', closed);
    });
  const check = () => {
    if (out.destroyed && !out.writableFinished) fail();
    if (failure) throw failure;
  };
  return {
    write(chunk: Buffer) {
      if (!failure && !out.destroyed) out.write(chunk);
    },
    /** Throws if `out` failed or closed. */
    check,
    /**
     * Resolves when `out` can take more: after its `drain` when it is full, else on the next turn of
     * the event loop, so that a long document never keeps the process from serving other requests.
     */
    async ready() {
      check();
      if (out.writableNeedDrain) await wait('drain');
      else await setImmediate();
      check();
    },
    async end() {
      check();
      const finished = wait('finish');
      out.end();
      await finished;
    },
  };
}

function drawCutMarks(doc: PDFKit.PDFDocument, grid: Grid): void {
  const [pageW, pageH] = grid.size;
  const xs = [...new Set(grid.cells.flatMap((c) => [c.x, c.x + c.w]).map((v) => Math.round(v * 100) / 100))];
  const ys = [...new Set(grid.cells.flatMap((c) => [c.y, c.y + c.h]).map((v) => Math.round(v * 100) / 100))];
  const top = Math.min(...ys);
  const bottom = Math.max(...ys);
  const left = Math.min(...xs);
  const right = Math.max(...xs);
  doc.save().lineWidth(0.5).strokeColor(INK);
  // In the margins, where a guillotine's blade goes: one mark per cut line, at both ends.
  for (const x of xs) {
    doc.moveTo(x, top - CUT_MARK_GAP).lineTo(x, Math.max(0, top - CUT_MARK_GAP - CUT_MARK_LENGTH));
    doc.moveTo(x, bottom + CUT_MARK_GAP).lineTo(x, Math.min(pageH, bottom + CUT_MARK_GAP + CUT_MARK_LENGTH));
  }
  for (const y of ys) {
    doc.moveTo(left - CUT_MARK_GAP, y).lineTo(Math.max(0, left - CUT_MARK_GAP - CUT_MARK_LENGTH), y);
    doc.moveTo(right + CUT_MARK_GAP, y).lineTo(Math.min(pageW, right + CUT_MARK_GAP + CUT_MARK_LENGTH), y);
  }
  // Small crosses where inner cut lines meet, for scissors.
  const arm = 1.5 * MM;
  for (const x of xs.slice(1, -1))
    for (const y of ys.slice(1, -1)) {
      doc.moveTo(x - arm, y).lineTo(x + arm, y);
      doc.moveTo(x, y - arm).lineTo(x, y + arm);
    }
  doc.stroke().restore();
}

type Sizes = { merchant: number; title: number; value: number; code: number; label: number; terms: number };

function sizesFor(scale: number): Sizes {
  const at = (points: number) => Math.max(SMALLEST_TEXT, points * scale);
  return { merchant: at(11), title: at(10), value: at(24), code: at(13), label: at(8), terms: at(7) };
}

function lineHeight(doc: PDFKit.PDFDocument, font: string, size: number): number {
  return doc.font(font).fontSize(size).currentLineHeight(true);
}

/**
 * One line of text in `width`: shrunk (to 70 % at most) to fit, then cut with an ellipsis. Returns the
 * height it took.
 */
function drawLine(
  doc: PDFKit.PDFDocument,
  text: string,
  at: {
    x: number;
    y: number;
    width: number;
    font: string;
    size: number;
    color: string;
    align?: 'left' | 'center';
  },
): number {
  let size = at.size;
  doc.font(at.font).fontSize(size);
  const smallest = Math.max(SMALLEST_TEXT, at.size * 0.7);
  while (size > smallest && doc.widthOfString(text) > at.width)
    doc.fontSize((size = Math.max(smallest, size * 0.92)));
  let shown = text;
  if (doc.widthOfString(shown) > at.width) {
    while (shown.length > 1 && doc.widthOfString(`${shown}…`) > at.width) shown = shown.slice(0, -1);
    shown = `${shown.trimEnd()}…`;
  }
  doc
    .fillColor(at.color)
    .text(shown, at.x, at.y, { width: at.width, align: at.align ?? 'left', lineBreak: false });
  return doc.currentLineHeight(true);
}

/** The size (shrunk down to the smallest) at which a paragraph fits `room`, and the height it then takes. */
function fitParagraph(
  doc: PDFKit.PDFDocument,
  text: string,
  { width, size: wanted, room }: { width: number; size: number; room: number },
): { size: number; height: number } {
  if (!text || room < SMALLEST_TEXT) return { size: wanted, height: 0 };
  let size = wanted;
  doc.font('regular').fontSize(size);
  while (size > SMALLEST_TEXT && doc.heightOfString(text, { width }) > room)
    doc.fontSize((size = Math.max(SMALLEST_TEXT, size * 0.9)));
  return { size, height: Math.min(room, doc.heightOfString(text, { width })) };
}

/** A paragraph at the size fitParagraph found, clipped with an ellipsis if it still does not fit. */
function drawParagraph(
  doc: PDFKit.PDFDocument,
  text: string,
  at: { x: number; y: number; width: number; height: number; size: number; align: 'left' | 'center' },
): void {
  if (!text || at.height < SMALLEST_TEXT) return;
  doc
    .font('regular')
    .fontSize(at.size)
    .fillColor(MUTED)
    .text(text, at.x, at.y, { width: at.width, align: at.align, height: at.height, ellipsis: true });
}

/** The QR of `payload` as vector squares (error correction M), quiet zone included in `size`. */
function drawQr(doc: PDFKit.PDFDocument, payload: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const count = modules.size;
  const module = size / (count + 2 * QR_QUIET_MODULES);
  const left = x + QR_QUIET_MODULES * module;
  const top = y + QR_QUIET_MODULES * module;
  // Runs of dark modules in a row as one rectangle, slightly taller so that rows do not show seams.
  for (let row = 0; row < count; row++) {
    let column = 0;
    while (column < count) {
      if (!modules.get(row, column)) {
        column++;
        continue;
      }
      const start = column;
      while (column < count && modules.get(row, column)) column++;
      doc.rect(left + start * module, top + row * module, (column - start) * module, module + 0.05);
    }
  }
  doc.fill(INK);
}

function expiryLine(voucher: VoucherDocument): string {
  const texts = DOCUMENT_TEXTS[voucher.language];
  return voucher.expiryText === null ? texts.noExpiry : `${texts.validUntil} ${voucher.expiryText}`;
}

/** A voucher in its box: stacked (QR in the middle) when the box is tall, side by side when it is wide. */
function drawVoucher(doc: PDFKit.PDFDocument, voucher: VoucherDocument, box: Box): void {
  const pad = Math.max(8, Math.min(box.w, box.h) * 0.06);
  doc
    .save()
    .lineWidth(0.5)
    .strokeColor(FRAME)
    .roundedRect(box.x + pad / 2, box.y + pad / 2, box.w - pad, box.h - pad, pad / 2)
    .stroke()
    .restore();
  const inner = { x: box.x + pad, y: box.y + pad, w: box.w - 2 * pad, h: box.h - 2 * pad };
  // The arrangement with the larger text, unless its QR would be below the smallest.
  const terms = voucher.termsText ? `${DOCUMENT_TEXTS[voucher.language].terms}: ${voucher.termsText}` : '';
  const stacked = planStacked(doc, inner, terms);
  const side = planSide(doc, inner);
  const isStacked =
    stacked.qr >= SMALLEST_QR && side.qr >= SMALLEST_QR ? stacked.scale >= side.scale : stacked.qr >= side.qr;
  if (isStacked) drawStacked(doc, voucher, inner, stacked);
  else drawSide(doc, voucher, inner, side);
}

type StackedPlan = { scale: number; sizes: Sizes; gap: number; qr: number };

// Stacked, as on an A6 card (265 × 387 points inside its padding): merchant, title, value; the QR; the
// code, the expiry, the scan hint; the terms in what is left.
function planStacked(doc: PDFKit.PDFDocument, inner: Box, terms: string): StackedPlan {
  const scale = Math.min(2, inner.w / 265, inner.h / 387);
  const sizes = sizesFor(scale);
  const gap = 4 * Math.max(scale, 0.5);
  const fixed =
    lineHeight(doc, 'bold', sizes.merchant) +
    lineHeight(doc, 'regular', sizes.title) +
    lineHeight(doc, 'bold', sizes.value) +
    lineHeight(doc, 'mono', sizes.code) +
    2 * lineHeight(doc, 'regular', sizes.label) +
    5 * gap;
  // The terms keep up to six lines of the box, as long as the QR stays at its smallest; at least two.
  const termsLine = lineHeight(doc, 'regular', sizes.terms);
  const termsHeight = terms ? doc.heightOfString(terms, { width: inner.w }) : 0;
  const wanted = Math.min(termsHeight, 6 * termsLine);
  const qrRoom = inner.h - fixed;
  const qr = Math.min(
    inner.w * 0.8,
    Math.max(qrRoom - wanted, Math.min(SMALLEST_QR, qrRoom - 2 * termsLine)),
  );
  return { scale, sizes, gap, qr };
}

function drawStacked(doc: PDFKit.PDFDocument, voucher: VoucherDocument, inner: Box, plan: StackedPlan): void {
  const { sizes, gap, qr } = plan;
  const texts = DOCUMENT_TEXTS[voucher.language];
  const line = { x: inner.x, width: inner.w, align: 'center' as const };
  const terms = voucher.termsText ? `${texts.terms}: ${voucher.termsText}` : '';
  const fixed =
    lineHeight(doc, 'bold', sizes.merchant) +
    lineHeight(doc, 'regular', sizes.title) +
    lineHeight(doc, 'bold', sizes.value) +
    qr +
    lineHeight(doc, 'mono', sizes.code) +
    2 * lineHeight(doc, 'regular', sizes.label) +
    4 * gap;
  const fit = fitParagraph(doc, terms, { width: inner.w, size: sizes.terms, room: inner.h - fixed });
  // What is left over goes above and below, so that the voucher sits in the middle of its box.
  let y = inner.y + Math.max(0, (inner.h - fixed - fit.height) / 2);
  y += drawLine(doc, voucher.merchantName, { ...line, y, font: 'bold', size: sizes.merchant, color: INK });
  y += drawLine(doc, voucher.title, { ...line, y, font: 'regular', size: sizes.title, color: MUTED });
  y += gap;
  y += drawLine(doc, voucher.valueText, { ...line, y, font: 'bold', size: sizes.value, color: INK });
  y += gap;
  drawQr(doc, voucher.qrPayload, inner.x + (inner.w - qr) / 2, y, qr);
  y += qr + gap;
  y += drawLine(doc, voucher.displayCode, { ...line, y, font: 'mono', size: sizes.code, color: INK });
  y += drawLine(doc, texts.scanHint, { ...line, y, font: 'regular', size: sizes.label, color: MUTED });
  y += gap;
  y += drawLine(doc, expiryLine(voucher), { ...line, y, font: 'regular', size: sizes.label, color: INK });
  drawParagraph(doc, terms, { ...line, y, height: inner.y + inner.h - y, size: fit.size });
}

type SidePlan = { scale: number; sizes: Sizes; gap: number; qr: number };

// Side by side, as on an A6 card turned landscape (388 × 265 points inside): texts on the left, the QR
// on the right with the scan hint under it.
function planSide(doc: PDFKit.PDFDocument, inner: Box): SidePlan {
  const scale = Math.min(2, inner.w / 388, inner.h / 265);
  const sizes = sizesFor(scale);
  const gap = 4 * Math.max(scale, 0.5);
  const hint = lineHeight(doc, 'regular', sizes.label);
  const qr = Math.min(inner.w * 0.42, inner.h - hint);
  return { scale, sizes, gap, qr };
}

function drawSide(doc: PDFKit.PDFDocument, voucher: VoucherDocument, inner: Box, plan: SidePlan): void {
  const { sizes, gap, qr } = plan;
  const texts = DOCUMENT_TEXTS[voucher.language];
  const line = { x: inner.x, width: inner.w - qr - gap, align: 'left' as const };
  const terms = voucher.termsText ? `${texts.terms}: ${voucher.termsText}` : '';
  const fixed =
    lineHeight(doc, 'bold', sizes.merchant) +
    lineHeight(doc, 'regular', sizes.title) +
    lineHeight(doc, 'bold', sizes.value) +
    2 * lineHeight(doc, 'regular', sizes.label) +
    lineHeight(doc, 'mono', sizes.code) +
    3 * gap;
  const fit = fitParagraph(doc, terms, { width: line.width, size: sizes.terms, room: inner.h - fixed });
  const hint = lineHeight(doc, 'regular', sizes.label);
  const qrX = inner.x + inner.w - qr;
  const qrY = inner.y + Math.max(0, (inner.h - qr - hint) / 2);
  drawQr(doc, voucher.qrPayload, qrX, qrY, qr);
  drawLine(doc, texts.scanHint, {
    x: qrX,
    y: qrY + qr,
    width: qr,
    font: 'regular',
    size: sizes.label,
    color: MUTED,
    align: 'center',
  });
  let y = inner.y + Math.max(0, (inner.h - fixed - fit.height) / 2);
  y += drawLine(doc, voucher.merchantName, { ...line, y, font: 'bold', size: sizes.merchant, color: INK });
  y += drawLine(doc, voucher.title, { ...line, y, font: 'regular', size: sizes.title, color: MUTED });
  y += gap;
  y += drawLine(doc, voucher.valueText, { ...line, y, font: 'bold', size: sizes.value, color: INK });
  y += gap;
  y += drawLine(doc, texts.code, { ...line, y, font: 'regular', size: sizes.label, color: MUTED });
  y += drawLine(doc, voucher.displayCode, { ...line, y, font: 'mono', size: sizes.code, color: INK });
  y += gap;
  y += drawLine(doc, expiryLine(voucher), { ...line, y, font: 'regular', size: sizes.label, color: INK });
  drawParagraph(doc, terms, { ...line, y, height: inner.y + inner.h - y, size: fit.size });
}
