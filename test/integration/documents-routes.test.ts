// The printable PDFs over HTTP: a coupon batch's sheets and gift certificates printed by their codes.
// The text layer (poppler's pdftotext) holds every code in its display form; wrong input gets its error
// shape before any byte of PDF.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLedgerWorld, type LedgerWorld } from './ledger-helpers.js';

let world: LedgerWorld;
const work = mkdtempSync(path.join(os.tmpdir(), 'regulars-pdf-routes-'));
beforeAll(async () => {
  world = await createLedgerWorld();
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  await world.close();
});

type Parser = Parameters<ReturnType<LedgerWorld['app']['request']['get']>['parse']>[0];
/** supertest keeps a binary answer as a Buffer with this parser. */
const binary: Parser = (res, done) => {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

function textOf(pdf: Buffer): string {
  const file = path.join(work, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

const group = (code: string) => code.match(/.{1,4}/g)?.join('-') ?? code;

describe('printing', () => {
  it('prints a coupon batch on sheets, every code in clear; an empty batch is refused with 409', async () => {
    const template = await world.app.request
      .post('/api/v1/coupon-templates')
      .set(world.marketer.auth)
      .send({
        name: 'Autumn flyer',
        discount: { kind: 'fixed', amountMinor: 300 },
        validity: { type: 'relative', daysFromIssue: 30 },
        kind: 'bearer',
      })
      .expect(201);
    const batch = await world.app.request
      .post(`/api/v1/coupon-templates/${template.body.id}/batches`)
      .set(world.marketer.auth)
      .send({ count: 10 })
      .expect(202);
    // Before its job ran: no codes yet.
    const early = await world.app.request
      .get(`/api/v1/coupon-batches/${batch.body.id}/codes.pdf`)
      .set(world.marketer.auth)
      .expect(409);
    expect(early.body.error.code).toBe('COUPON_BATCH_NOT_READY');
    await world.app.runtime.services.coupons.runBatch(new Types.ObjectId(batch.body.id as string));
    const pdf = await world.app.request
      .get(`/api/v1/coupon-batches/${batch.body.id}/codes.pdf?paper=Letter&perPage=4&language=es`)
      .set(world.marketer.auth)
      .buffer(true)
      .parse(binary)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['cache-control']).toBe('no-store');
    const text = textOf(pdf.body as Buffer);
    const csv = await world.app.request
      .get(`/api/v1/coupon-batches/${batch.body.id}/codes.csv`)
      .set(world.marketer.auth)
      .expect(200);
    const displays = csv.text
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[1] ?? '');
    expect(displays).toHaveLength(10);
    for (const display of displays) expect(text).toContain(display);
    expect(text).toContain('Autumn flyer');
    expect(text).toContain('Válido hasta el');
    // A cashier may not print a batch.
    await world.app.request
      .get(`/api/v1/coupon-batches/${batch.body.id}/codes.pdf`)
      .set(world.cashier.auth)
      .expect(403);
  });

  it('prints gift certificates by their codes with what they hold; a wrong code is 404 and no PDF', async () => {
    const issued = await world.app.request
      .post('/api/v1/gift-certificates/batches')
      .set(world.manager.auth)
      .set('Idempotency-Key', randomUUID())
      .send({ count: 3, valueMinor: 2000, reason: 'Prizes of the raffle' })
      .expect(201);
    const codes = (issued.body.csv as string)
      .trim()
      .split('\n')
      .slice(1)
      .map((row) => row.split(',')[0] ?? '');
    expect(codes).toHaveLength(3);
    const pdf = await world.app.request
      .post('/api/v1/gift-certificates/print')
      .set(world.manager.auth)
      .send({ codes, layout: 'single' })
      .buffer(true)
      .parse(binary)
      .expect(200);
    const text = textOf(pdf.body as Buffer);
    for (const code of codes) expect(text).toContain(group(code));
    expect(text).toContain('€20.00');
    expect(text).toContain('Gift certificate');
    const wrong = await world.app.request
      .post('/api/v1/gift-certificates/print')
      .set(world.manager.auth)
      .send({ codes: [...codes, 'ABCD-EFGH-JKMN-P'] })
      .expect(404);
    expect(wrong.body.error.code).toBe('GIFT_CERTIFICATE_NOT_FOUND');
    await world.app.request
      .post('/api/v1/gift-certificates/print')
      .set(world.manager.auth)
      .send({ codes: [] })
      .expect(400);
  });
});
