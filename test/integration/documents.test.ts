// Printed coupons and gift certificates, read back as a person and a scanner would: the text layer of
// the PDF (poppler's pdftotext) holds every code and the labels in the document's language, and every QR,
// rendered at 150 dpi by poppler's pdftoppm and decoded by jsQR, gives back its signed payload, which
// SignedCodes reads back to its code (and refuses when it was signed with another key).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { PassThrough, Writable } from 'node:stream';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayCode, generateCode, normaliseCode } from '../../backend/src/modules/coupons/coupon-code.js';
import {
  DOCUMENT_TEXTS,
  formatDocumentDate,
  formatDocumentMoney,
  type DocumentLanguage,
} from '../../backend/src/modules/documents/document-texts.js';
import { sendVoucherPdf } from '../../backend/src/modules/documents/send-voucher-pdf.js';
import {
  EmptyDocumentError,
  OutputClosedError,
  pageGrid,
  renderVoucherPdf,
  type VoucherDocument,
  type VoucherLayout,
} from '../../backend/src/modules/documents/voucher-pdf.js';
import { SHEET_PER_PAGE, VoucherPdfQuery, VoucherSheetQuery } from '@regulars/contracts';
import { ForgedCodeError, SignedCodes, type SignedCodeKind } from '../../backend/src/platform/signed-code.js';

// jsqr is CommonJS with `exports.default`: with NodeNext types its default import is the module object,
// while vitest hands over the function itself.
type JsQR = typeof jsQRModule.default;
const jsQR: JsQR = (jsQRModule as unknown as { default?: JsQR }).default ?? (jsQRModule as unknown as JsQR);
const DPI = 150;
const signer = new SignedCodes('documents-test-secret-0123456789abcdef');
const work = mkdtempSync(path.join(os.tmpdir(), 'regulars-documents-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
beforeAll(() => {
  for (const tool of ['pdftoppm', 'pdftotext', 'pdfinfo'])
    if (spawnSync(tool, ['-v']).error)
      throw new Error(`${tool} is missing: install Debian's poppler-utils (npm test installs it when root)`);
});

function makeVoucher(overrides: Partial<VoucherDocument> & { kind?: SignedCodeKind } = {}): VoucherDocument {
  const { kind = 'giftCertificate', ...rest } = overrides;
  const language = rest.language ?? 'en';
  const code = generateCode({ prefix: kind === 'coupon' ? 'SPR' : 'GFT', length: 13 });
  return {
    merchantName: 'Café Centro',
    title: kind === 'coupon' ? 'Spring welcome' : DOCUMENT_TEXTS[language].giftCertificate,
    valueText: kind === 'coupon' ? '−15 %' : formatDocumentMoney(2500, 'EUR', language),
    displayCode: displayCode(code),
    qrPayload: signer.sign(kind, code),
    expiryText: formatDocumentDate(new Date('2027-12-31T12:00:00Z'), { language, timeZone: 'Europe/Madrid' }),
    termsText: 'Redeemable in any Café Centro store. Not exchangeable for cash.',
    language,
    ...rest,
  };
}

async function render(vouchers: VoucherDocument[], layout: VoucherLayout): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await renderVoucherPdf(vouchers, layout, out);
  return Buffer.concat(chunks);
}

let files = 0;
function save(pdf: Buffer): string {
  const file = path.join(work, `document-${++files}.pdf`);
  writeFileSync(file, pdf);
  return file;
}

const textOf = (file: string) =>
  execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
const infoOf = (file: string) => execFileSync('pdfinfo', [file], { encoding: 'utf8' });

/** Renders every page at 150 dpi and decodes the QR of every voucher box, page by page, box by box. */
function decodeQrCodes(file: string, layout: VoucherLayout): Array<string | null> {
  const prefix = path.join(work, `page-${files}`);
  execFileSync('pdftoppm', ['-r', String(DPI), '-png', file, prefix]);
  const pages = readdirSync(work)
    .filter((name) => name.startsWith(path.basename(prefix) + '-') && name.endsWith('.png'))
    .sort();
  const cells = pageGrid(layout).cells;
  const scale = DPI / 72;
  const found: Array<string | null> = [];
  for (const page of pages) {
    const png = PNG.sync.read(readFileSync(path.join(work, page)));
    for (const cell of cells) {
      const x0 = Math.floor(cell.x * scale);
      const y0 = Math.floor(cell.y * scale);
      const w = Math.min(png.width - x0, Math.ceil(cell.w * scale));
      const h = Math.min(png.height - y0, Math.ceil(cell.h * scale));
      const crop = new Uint8ClampedArray(w * h * 4);
      for (let row = 0; row < h; row++) {
        const from = ((y0 + row) * png.width + x0) * 4;
        crop.set(png.data.subarray(from, from + w * 4), row * w * 4);
      }
      found.push(jsQR(crop, w, h)?.data ?? null);
    }
  }
  return found;
}

describe('printed coupons and gift certificates (renderVoucherPdf)', () => {
  it('prints every code of a batch sheet in its text layer, and every QR decodes to a payload that reads back to its code', async () => {
    const layout: VoucherLayout = { kind: 'sheet', paper: 'A4', perPage: 8 };
    const vouchers = [
      ...Array.from({ length: 6 }, () => makeVoucher({ kind: 'coupon' })),
      ...Array.from({ length: 5 }, () => makeVoucher()),
    ];
    const file = save(await render(vouchers, layout));

    expect(infoOf(file)).toMatch(/Pages:\s+2\n/);
    expect(infoOf(file)).toMatch(/Page size:\s+595\.2\d* x 841\.89 pts \(A4\)/);
    const text = textOf(file);
    for (const voucher of vouchers) expect(text).toContain(voucher.displayCode);
    expect(text).toContain('Valid until December 31, 2027');
    expect(text).toContain('€25.00');

    const decoded = decodeQrCodes(file, layout);
    // 11 vouchers on two pages of 8: the last 5 boxes of page 2 are empty.
    expect(decoded.slice(0, 11)).toEqual(vouchers.map((v) => v.qrPayload));
    expect(decoded.slice(11)).toEqual([null, null, null, null, null]);
    for (const [index, payload] of decoded.slice(0, 11).entries()) {
      const voucher = vouchers[index]!;
      expect(signer.read(payload!)).toEqual({
        kind: index < 6 ? 'coupon' : 'giftCertificate',
        code: normaliseCode(voucher.displayCode),
      });
    }
  });

  it('decodes every QR of the densest sheet (12 on a Letter page) and of an A6 certificate', async () => {
    const sheet: VoucherLayout = { kind: 'sheet', paper: 'Letter', perPage: 12 };
    // Long texts take room from nothing but themselves: they are shrunk and cut, the QR keeps its inch.
    const vouchers = Array.from({ length: 12 }, (_, i) =>
      makeVoucher({
        kind: 'coupon',
        ...(i % 2 && {
          merchantName: 'Кофейня «Центральная» и партнёры по всему городу',
          termsText: 'Valid on weekdays before noon, one per visit, not with other offers. '.repeat(12),
        }),
      }),
    );
    const sheetFile = save(await render(vouchers, sheet));
    expect(infoOf(sheetFile)).toMatch(/Page size:\s+612 x 792 pts \(letter\)/);
    expect(decodeQrCodes(sheetFile, sheet)).toEqual(vouchers.map((v) => v.qrPayload));

    const single: VoucherLayout = { kind: 'single' };
    const certificates = [makeVoucher(), makeVoucher({ expiryText: null })];
    const singleFile = save(await render(certificates, single));
    expect(infoOf(singleFile)).toMatch(/Pages:\s+2\n/);
    expect(infoOf(singleFile)).toMatch(/Page size:\s+297\.6\d* x 419\.5\d* pts\n/);
    expect(decodeQrCodes(singleFile, single)).toEqual(certificates.map((v) => v.qrPayload));
    expect(textOf(singleFile)).toContain('No expiry date');
  });

  it.each(SHEET_PER_PAGE.filter((perPage) => perPage !== 8))(
    'prints a full A4 sheet of %i whose codes and QR codes all read back',
    async (perPage) => {
      const layout: VoucherLayout = { kind: 'sheet', paper: 'A4', perPage };
      const vouchers = Array.from({ length: perPage }, (_, i) =>
        makeVoucher({ kind: i % 2 ? 'coupon' : 'giftCertificate' }),
      );
      const file = save(await render(vouchers, layout));
      expect(infoOf(file)).toMatch(/Pages:\s+1\n/);
      const text = textOf(file);
      for (const voucher of vouchers) expect(text).toContain(voucher.displayCode);
      expect(decodeQrCodes(file, layout)).toEqual(vouchers.map((v) => v.qrPayload));
    },
  );

  it('prints a QR that the desk refuses when it was not signed with the program key (a forged certificate)', async () => {
    const forger = new SignedCodes('someone-else-entirely-0123456789abcdef');
    const code = generateCode({ prefix: 'GFT', length: 13 });
    const layout: VoucherLayout = { kind: 'single' };
    const file = save(
      await render([makeVoucher({ qrPayload: forger.sign('giftCertificate', code) })], layout),
    );
    const [payload] = decodeQrCodes(file, layout);
    expect(payload).toBe(forger.sign('giftCertificate', code));
    expect(() => signer.read(payload!)).toThrow(ForgedCodeError);
    // A real payload with its code changed by one character is refused too.
    const genuine = signer.sign('giftCertificate', code);
    const altered = genuine.replace(
      code,
      `${code.slice(0, -2)}${code.at(-2) === '2' ? '3' : '2'}${code.at(-1)}`,
    );
    expect(() => signer.read(altered)).toThrow(ForgedCodeError);
  });

  it.each<[DocumentLanguage, string[]]>([
    [
      'ru',
      [
        'Подарочный сертификат',
        'Действителен до 31 декабря 2027 г.',
        'Покажите этот код на кассе',
        'Условия:',
      ],
    ],
    [
      'ro',
      ['Certificat cadou', 'Valabil până la 31 decembrie 2027', 'Arătați acest cod la casă', 'Condiții:'],
    ],
    [
      'es',
      [
        'Cheque regalo',
        'Válido hasta el 31 de diciembre de 2027',
        'Muestre este código en caja',
        'Condiciones:',
      ],
    ],
  ])('prints the labels of a %s document in its language', async (language, labels) => {
    const layout: VoucherLayout = { kind: 'sheet', paper: 'A4', perPage: 4 };
    const vouchers = [
      makeVoucher({ language }),
      makeVoucher({ language, termsText: 'Только в магазинах Центр' }),
    ];
    const file = save(await render(vouchers, layout));
    const text = textOf(file).replace(/\u00a0|\u202f/g, ' ');
    for (const label of labels) expect(text).toContain(label);
    expect(text).toContain(formatDocumentMoney(2500, 'EUR', language).replace(/\u00a0|\u202f/g, ' '));
    if (language === 'ru') expect(text).toContain('Только в магазинах Центр');
    expect(decodeQrCodes(file, layout).slice(0, 2)).toEqual(vouchers.map((v) => v.qrPayload));
  });

  it('streams: pages reach the output while later vouchers are still being read', async () => {
    let received = 0;
    const receivedWhenPulled: number[] = [];
    async function* cursor() {
      for (let i = 0; i < 40; i++) {
        receivedWhenPulled.push(received);
        await new Promise((resolve) => setImmediate(resolve));
        yield makeVoucher();
      }
    }
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        setImmediate(callback);
      },
    });
    await renderVoucherPdf(cursor(), { kind: 'single' }, out);
    expect(receivedWhenPulled[39]).toBeGreaterThan(20 * 1000);
    expect(out.writableFinished).toBe(true);
  });

  it('holds memory flat however long the batch (pages are written as they end, word layouts forgotten)', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heapAt = new Map<number, number>();
    async function* cursor() {
      for (let i = 0; i <= 2400; i++) {
        if (i === 600 || i === 2400) {
          gc();
          heapAt.set(i, process.memoryUsage().heapUsed);
        }
        yield makeVoucher();
      }
    }
    const out = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    await renderVoucherPdf(cursor(), { kind: 'sheet', paper: 'A4', perPage: 12 }, out);
    // Keeping what 1,800 vouchers drew would take more than 15 MiB (their codes' layouts alone).
    expect((heapAt.get(2400)! - heapAt.get(600)!) / 2 ** 20).toBeLessThan(5);
  }, 90_000);

  it('stops drawing, and closes the cursor, when the output goes away', async () => {
    let pulled = 0;
    let isClosed = false;
    async function* cursor() {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield makeVoucher();
        }
      } finally {
        isClosed = true;
      }
    }
    const out = new PassThrough({ highWaterMark: 1024 });
    out.once('data', () => out.destroy());
    await expect(renderVoucherPdf(cursor(), { kind: 'single' }, out)).rejects.toThrow(OutputClosedError);
    expect(isClosed).toBe(true);
    expect(pulled).toBeLessThan(10);
  });

  it('refuses an empty batch and a sheet it does not print before writing a byte', async () => {
    const out = new PassThrough();
    let written = 0;
    out.on('data', (chunk: Buffer) => (written += chunk.length));
    await expect(renderVoucherPdf([], { kind: 'single' }, out)).rejects.toThrow(EmptyDocumentError);
    await expect(
      renderVoucherPdf([makeVoucher()], { kind: 'sheet', paper: 'A4', perPage: 7 }, out),
    ).rejects.toThrow(RangeError);
    expect(written).toBe(0);
  });
});

describe('sendVoucherPdf', () => {
  const vouchers = [makeVoucher(), makeVoucher()];
  // A route as the lead wires it: the layout from the query, errors answered in the error shape.
  const app = async (req: IncomingMessage, res: ServerResponse) => {
    const perPage = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('perPage') ?? 8);
    try {
      await sendVoucherPdf(res, {
        filename: 'Café Centro – spring.pdf',
        vouchers,
        layout: { kind: 'sheet', paper: 'A4', perPage },
      });
    } catch (error) {
      if (res.headersSent) return;
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'INTERNAL', message: String(error) } }));
    }
  };

  it('answers a PDF download that the client may not cache', async () => {
    const res = await request(app)
      .get('/codes.pdf')
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="Caf_Centro_spring.pdf"; filename*=UTF-8''Caf%C3%A9%20Centro%20%E2%80%93%20spring.pdf`,
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body as Buffer;
    expect(body.subarray(0, 5).toString()).toBe('%PDF-');
    expect(body.subarray(-6).toString()).toContain('%%EOF');
    expect(textOf(save(body))).toContain(vouchers[1]!.displayCode);
  });

  it('ends quietly, and stops reading the batch, when the client goes away mid-download', async () => {
    let pulled = 0;
    let isClosed = false;
    async function* cursor() {
      try {
        for (let i = 0; i < 2000; i++) {
          pulled++;
          yield makeVoucher();
        }
      } finally {
        isClosed = true;
      }
    }
    let outcome: Promise<void> | undefined;
    const server = createServer((_req, res) => {
      outcome = sendVoucherPdf(res, {
        filename: 'batch.pdf',
        vouchers: cursor(),
        layout: { kind: 'single' },
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      await new Promise<void>((resolve, reject) => {
        const req = get({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.once('error', (error) => (req.destroyed ? undefined : reject(error)));
      });
      await expect(outcome).resolves.toBeUndefined();
    } finally {
      server.close();
    }
    expect(isClosed).toBe(true);
    expect(pulled).toBeLessThan(2000);
  });

  it('fails before the first byte on a layout it does not print, so the route still answers an error', async () => {
    const res = await request(app).get('/codes.pdf?perPage=5');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBeUndefined();
  });
});

describe('VoucherSheetQuery and VoucherPdfQuery (the query of a PDF route)', () => {
  it('defaults to 8 per A4 page in English, and reads the query string', () => {
    expect(VoucherSheetQuery.parse({})).toEqual({ language: 'en', paper: 'A4', perPage: 8 });
    expect(VoucherSheetQuery.parse({ paper: 'Letter', perPage: '12', language: 'ru' })).toEqual({
      language: 'ru',
      paper: 'Letter',
      perPage: 12,
    });
    expect(VoucherPdfQuery.parse({ language: 'ro' })).toEqual({ language: 'ro' });
  });

  it('refuses a sheet it does not print, a language it does not speak and an unknown field', () => {
    for (const query of [
      { perPage: '7' },
      { perPage: 'eight' },
      { paper: 'A3' },
      { language: 'fr' },
      { size: 'A4' },
    ])
      expect(VoucherSheetQuery.safeParse(query).success, JSON.stringify(query)).toBe(false);
  });
});
