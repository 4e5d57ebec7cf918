// The Webhooks screen as an admin uses it, in Debian's Chromium: a real receiver on 127.0.0.1, an endpoint
// for points.* added in the portal (its secret shown once), a test ping delivered with a valid signature, a
// purchase at the till that makes a points.earned delivery appear in the log, and the endpoint turned off.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, screenshot, watchConsole } from './support/chromium.js';

type Received = { headers: IncomingHttpHeaders; body: string; json: { id: string; type: string } };

// The refused URL answers 400 on purpose; Chromium logs it.
const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
let receiver: Server;
let receiverUrl = '';
const received: Received[] = [];
const contexts: BrowserContext[] = [];
const consoleProblems: string[][] = [];
let portal: Page;
let secret = '';

/** Verifies a Regulars-Signature header as docs/webhooks.md tells receivers to. */
function hasValidSignature(header: string | string[] | undefined, body: string, key: string): boolean {
  const parts = String(header ?? '')
    .split(',')
    .map((part) => part.split('=') as [string, string]);
  const t = parts.find(([name]) => name === 't')?.[1];
  if (!t) return false;
  const expected = createHmac('sha256', key).update(`${t}.${body}`).digest();
  return parts
    .filter(([name]) => name === 'v1')
    .some(([, value]) => {
      const given = Buffer.from(value, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function open(): Promise<Page> {
  const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  contexts.push(context);
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return context.newPage();
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${app.baseUrl}/staff/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('demo1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body, json: JSON.parse(body) as Received['json'] });
      // `/gone` plays a receiver that was shut down for good.
      if (request.url === '/gone') response.writeHead(410, { 'Content-Type': 'text/plain' }).end('gone');
      else response.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/regulars`;
  app = await startE2eApp();
  // The dispatcher and the delivery run are repeatable jobs: the e2e app does not start them by itself.
  await app.runtime.startWorkers();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

describe('the Webhooks screen in Chromium', () => {
  it('lets an admin add a points.* endpoint, refusing a non-http URL in words, and shows its secret once', async () => {
    portal = await open();
    await signIn(portal, 'admin@example.com');
    await portal.getByRole('link', { name: 'Webhooks' }).click();
    await portal.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await portal.getByText('No endpoints yet.', { exact: false }).waitFor();

    await portal.getByRole('button', { name: 'Add endpoint' }).click();
    await portal.getByLabel('Endpoint URL').fill('ftp://files.example.com/hooks');
    await portal.getByLabel('All points.* events').check();
    expect(await portal.getByLabel('points.earned').isChecked()).toBe(true);
    await portal.getByLabel('Description (optional)').fill('Till sync');
    await portal.getByRole('button', { name: 'Add endpoint' }).click();
    await portal.getByText('The address must start with https:// (or http://).').waitFor();

    await portal.getByLabel('Endpoint URL').fill(receiverUrl);
    await portal.getByRole('button', { name: 'Add endpoint' }).click();
    await portal.getByRole('heading', { name: 'Endpoint added' }).waitFor();
    await portal.getByText('it will not be shown again', { exact: false }).waitFor();
    secret = await portal.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await portal.getByRole('button', { name: 'I have saved it' }).click();
    expect(await portal.getByRole('textbox', { name: 'Signing secret' }).count()).toBe(0);
    const row = portal.getByRole('row').filter({ hasText: receiverUrl });
    await row.getByText('points.*', { exact: true }).waitFor();
    await row.getByText('Active', { exact: true }).waitFor();
  });

  it('sends a test ping and shows it delivered; the receiver got it with a valid signature', async () => {
    await portal.getByRole('link', { name: receiverUrl }).click();
    await portal.getByRole('heading', { name: receiverUrl, level: 1 }).waitFor();
    await portal.getByRole('button', { name: 'Send test ping' }).click();
    await expect
      .poll(() => portal.getByTestId('delivery-outcome').first().textContent())
      .toMatch(/^Delivered: the receiver answered 200 in \d+ ms\.$/);
    const ping = received.find((r) => r.json.type === 'webhook.ping');
    expect(ping).toBeDefined();
    expect(hasValidSignature(ping?.headers['regulars-signature'], ping?.body ?? '', secret)).toBe(true);
    expect(hasValidSignature(ping?.headers['regulars-signature'], ping?.body ?? '', 'whsec_wrong')).toBe(
      false,
    );
    await portal.getByTestId('delivery-row').first().getByText('webhook.ping').waitFor();
  });

  it('shows the points.earned delivery of a purchase at the till in the log', async () => {
    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const member = await api<{ id: string }>(app.baseUrl, 'POST', '/members', {
      token: cashier,
      body: { name: 'Webb Hooker', phone: '+34 611 444 555' },
    });
    expect(member.status).toBe(201);
    const stores = await api<{ items: { id: string }[] }>(app.baseUrl, 'GET', '/stores', { token: cashier });
    const purchase = await api<{ pointsEarned: number }>(app.baseUrl, 'POST', '/purchases', {
      token: cashier,
      idempotencyKey: 'e2e-webhooks-purchase',
      body: {
        memberId: member.body.id,
        storeId: stores.body.items[0]?.id,
        currency: 'EUR',
        totalMinor: 2500,
        items: [{ sku: 'BEANS', name: 'Coffee beans', quantity: 1, unitPriceMinor: 2500 }],
      },
    });
    expect(purchase.status).toBe(201);
    expect(purchase.body.pointsEarned).toBeGreaterThan(0);

    const earnedRow = portal.getByTestId('delivery-row').filter({ hasText: 'points.earned' });
    await expect
      .poll(
        async () => {
          await portal.getByRole('button', { name: 'Refresh' }).click();
          return (await earnedRow.count()) > 0
            ? earnedRow.first().getByTestId('delivery-status').textContent()
            : null;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('Delivered');
    const earned = received.find((r) => r.json.type === 'points.earned');
    expect(hasValidSignature(earned?.headers['regulars-signature'], earned?.body ?? '', secret)).toBe(true);
    // The event id is there for the admin who integrates (deduplication), in the row's details.
    await earnedRow.first().getByText('Details').click();
    await earnedRow
      .first()
      .getByText(earned?.json.id ?? 'missing')
      .waitFor();
    expect(received.some((r) => r.json.type === 'purchase.recorded')).toBe(false);
    await screenshot(portal, 'staff-webhooks-endpoint', { fullPage: true });
  });

  it('rotates the secret after a confirmation, and redelivers the event signed with both secrets', async () => {
    await portal.getByRole('button', { name: 'Rotate secret…' }).click();
    await portal.getByRole('dialog', { name: 'Rotate the signing secret?' }).waitFor();
    await portal.getByRole('button', { name: 'Rotate secret', exact: true }).click();
    await portal.getByRole('heading', { name: 'New signing secret' }).waitFor();
    await portal.getByText('The previous secret also signs deliveries until', { exact: false }).waitFor();
    const newSecret = await portal.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await portal.getByRole('button', { name: 'I have saved it' }).click();

    const earnedId = received.find((r) => r.json.type === 'points.earned')?.json.id;
    await portal
      .getByTestId('delivery-row')
      .filter({ hasText: 'points.earned' })
      .first()
      .getByRole('button', { name: 'Redeliver' })
      .click();
    await portal.getByText('Sent again.').waitFor();
    const copies = received.filter((r) => r.json.type === 'points.earned');
    expect(copies).toHaveLength(2);
    expect(copies[1]?.json.id).toBe(earnedId);
    for (const key of [secret, newSecret])
      expect(hasValidSignature(copies[1]?.headers['regulars-signature'], copies[1]?.body ?? '', key)).toBe(
        true,
      );
    await expect
      .poll(() => portal.getByTestId('delivery-row').first().textContent())
      .toContain('Sent again by hand');

    // The filter asks the server for one status only.
    await portal.getByLabel('Show').selectOption('failed');
    await portal.getByText('No deliveries with this status.').waitFor();
    await portal.getByLabel('Show').selectOption('');
    await expect.poll(() => portal.getByTestId('delivery-row').count()).toBe(3);
  });

  it('edits the settings, refusing a non-http URL in words, then turns the endpoint off', async () => {
    await portal.getByLabel('Endpoint URL').fill('mailto:ops@example.com');
    await portal.getByLabel('Description (optional)').fill('Till sync, EU stores');
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal.getByText('The address must start with https:// (or http://).').waitFor();
    await portal.getByLabel('Endpoint URL').fill(receiverUrl);
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal.getByText('Changes saved.').waitFor();
    await portal.locator('p', { hasText: 'Till sync, EU stores' }).waitFor();

    await portal.getByRole('button', { name: 'Turn off' }).click();
    await portal.getByText('Turned off.', { exact: false }).waitFor();
    await portal.getByTestId('webhook-status').getByText('Off', { exact: true }).waitFor();
    await portal.getByRole('button', { name: 'Turn on' }).waitFor();
    const admin = await staffToken(app.baseUrl, 'admin@example.com');
    const list = await api<{ items: { url: string; active: boolean }[] }>(app.baseUrl, 'GET', '/webhooks', {
      token: admin,
    });
    expect(list.body.items).toEqual([
      expect.objectContaining({ url: receiverUrl, active: false, description: 'Till sync, EU stores' }),
    ]);
  });

  it('has no Webhooks screen for cashiers', async () => {
    const cashierPortal = await open();
    await signIn(cashierPortal, 'cashier@example.com');
    expect(await cashierPortal.getByRole('link', { name: 'Webhooks' }).count()).toBe(0);
  });

  it('shows an endpoint Regulars disabled after a 410 Gone with the reason, turns it on again, and deletes it', async () => {
    const admin = await staffToken(app.baseUrl, 'admin@example.com');
    const goneUrl = receiverUrl.replace('/hooks/regulars', '/gone');
    const gone = await api<{ id: string }>(app.baseUrl, 'POST', '/webhooks', {
      token: admin,
      body: { url: goneUrl, eventTypes: ['member.*'], description: 'Old CRM' },
    });
    expect(gone.status).toBe(201);
    const member = await api(app.baseUrl, 'POST', '/members', {
      token: admin,
      body: { name: 'Gonzalo Gone', phone: '+34 611 666 777' },
    });
    expect(member.status).toBe(201);
    await expect
      .poll(
        async () => {
          const endpoint = await api<{ disabledReason: string | null }>(
            app.baseUrl,
            'GET',
            `/webhooks/${gone.body.id}`,
            {
              token: admin,
            },
          );
          return endpoint.body.disabledReason;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe('gone');

    await portal.getByRole('link', { name: 'All endpoints' }).click();
    const row = portal.getByRole('row').filter({ hasText: goneUrl });
    await row.getByText('Disabled', { exact: true }).waitFor();
    await row.getByText('Answered 410 Gone, so Regulars turned it off.').waitFor();
    await row.getByText('Failing since', { exact: false }).waitFor();
    await row.getByRole('link', { name: goneUrl }).click();
    const failed = portal.getByTestId('delivery-row').filter({ hasText: 'member.created' });
    expect(await failed.getByTestId('delivery-status').textContent()).toBe('Failed');
    expect(await failed.getByRole('cell', { name: '410', exact: true }).count()).toBe(1);
    expect(await failed.getByRole('button', { name: 'Redeliver' }).isDisabled()).toBe(true);
    await portal.getByRole('button', { name: 'Turn on again' }).click();
    await portal.getByText('Turned on.', { exact: false }).waitFor();
    await portal.getByTestId('webhook-status').getByText('Active', { exact: true }).waitFor();

    await portal.getByRole('button', { name: 'Delete endpoint…' }).click();
    await portal
      .getByRole('dialog', { name: 'Delete this endpoint?' })
      .getByText(goneUrl, { exact: false })
      .waitFor();
    await portal.getByRole('button', { name: 'Delete endpoint', exact: true }).click();
    await portal.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    // The list loads again after the deletion: the other endpoint is there, the deleted one is not.
    await portal.getByRole('row').filter({ hasText: receiverUrl }).waitFor();
    expect(await portal.getByRole('row').filter({ hasText: goneUrl }).count()).toBe(0);
  });

  it('logged no errors in the browser', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
