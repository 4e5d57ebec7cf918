// `pnpm bench:documents`: the PDF of 1,000 gift certificates (BENCH_CERTIFICATES) on A4 sheets of 8
// (BENCH_PER_PAGE), served by sendVoucherPdf over HTTP on 127.0.0.1 and downloaded in full: the time to
// the first and to the last byte, the file's size, the peak RSS of the process above what it used
// before (garbage included), and the heap the download left behind after a garbage collection (the PDF
// is streamed and nothing of a page is kept, so this stays flat whatever the batch's size). The
// certificates come from an async generator, as from a database cursor; each has a fresh code and its
// signed QR payload. Three runs (BENCH_RUNS) and their median. Target: ≤ 30 s for 1,000.
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { displayCode, generateCode } from '../modules/coupons/coupon-code.js';
import { sendVoucherPdf } from '../modules/documents/send-voucher-pdf.js';
import {
  DOCUMENT_TEXTS,
  formatDocumentDate,
  formatDocumentMoney,
} from '../modules/documents/document-texts.js';
import type { VoucherDocument } from '../modules/documents/voucher-pdf.js';
import { SignedCodes } from '../platform/signed-code.js';

const CERTIFICATES = Number(process.env.BENCH_CERTIFICATES ?? 1000);
const PER_PAGE = Number(process.env.BENCH_PER_PAGE ?? 8);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_SECONDS = 30;

const signer = new SignedCodes('bench-documents-secret-0123456789abcdef');
const expiryText = formatDocumentDate(new Date('2027-12-31T12:00:00Z'), {
  language: 'en',
  timeZone: 'Europe/Madrid',
});

async function* certificates(count: number): AsyncGenerator<VoucherDocument> {
  for (let i = 0; i < count; i++) {
    const code = generateCode({ prefix: 'GFT', length: 13 });
    yield {
      merchantName: 'Café Centro',
      title: DOCUMENT_TEXTS.en.giftCertificate,
      valueText: formatDocumentMoney(2500 + (i % 8) * 500, 'EUR', 'en'),
      displayCode: displayCode(code),
      qrPayload: signer.sign('giftCertificate', code),
      expiryText,
      termsText:
        'Redeemable in any Café Centro store for food and drinks. Not exchangeable for cash. Partial use allowed; the balance stays on the certificate.',
      language: 'en',
    };
  }
}

type Run = {
  firstByteMs: number;
  lastByteMs: number;
  bytes: number;
  peakRssMiB: number;
  heapAfterMiB: number;
};

async function download(port: number): Promise<Run> {
  global.gc?.();
  const { rss: rssBefore, heapUsed: heapBefore } = process.memoryUsage();
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  const started = performance.now();
  let firstByteMs = 0;
  let bytes = 0;
  await new Promise<void>((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/certificates.pdf' }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
      });
      res.once('end', resolve);
      res.once('error', reject);
    }).once('error', reject);
  });
  const lastByteMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // What the download left behind once the garbage is collected (the script runs with --expose-gc).
  global.gc?.();
  const heapAfterMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  return { firstByteMs, lastByteMs, bytes, peakRssMiB: (peakRss - rssBefore) / 2 ** 20, heapAfterMiB };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
};

async function main(): Promise<void> {
  const server = createServer((_req, res) => {
    sendVoucherPdf(res, {
      filename: 'certificates.pdf',
      vouchers: certificates(CERTIFICATES),
      layout: { kind: 'sheet', paper: 'A4', perPage: PER_PAGE },
    }).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pages = Math.ceil(CERTIFICATES / PER_PAGE);
  console.log(`PDF of ${CERTIFICATES} certificates, ${PER_PAGE} per A4 page (${pages} pages), ${RUNS} runs`);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await download(port);
    runs.push(run);
    console.log(
      `run ${i + 1}: first byte ${run.firstByteMs.toFixed(0)} ms, last byte ${(run.lastByteMs / 1000).toFixed(2)} s, ` +
        `${(run.bytes / 2 ** 20).toFixed(2)} MiB, peak RSS +${run.peakRssMiB.toFixed(1)} MiB, ` +
        `heap after GC ${run.heapAfterMiB >= 0 ? '+' : ''}${run.heapAfterMiB.toFixed(1)} MiB`,
    );
  }
  server.close();
  const seconds = median(runs.map((r) => r.lastByteMs)) / 1000;
  console.log(
    `median: last byte ${seconds.toFixed(2)} s (${(CERTIFICATES / seconds).toFixed(0)} certificates/s), ` +
      `first byte ${median(runs.map((r) => r.firstByteMs)).toFixed(0)} ms, ` +
      `peak RSS +${median(runs.map((r) => r.peakRssMiB)).toFixed(1)} MiB; target ≤ ${TARGET_SECONDS} s for 1,000: ` +
      (CERTIFICATES === 1000 ? (seconds <= TARGET_SECONDS ? 'met' : 'NOT met') : 'n/a at this size'),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
