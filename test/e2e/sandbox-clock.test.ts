// The sandbox clock as its people use it, in Debian's Chromium: a customer with pending points, an admin
// who moves time 30 days forward in the portal, and the card that then shows the points spendable and
// expiring soon, with the sandbox banner on every screen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, PHONE, launchChromium, screenshot, watchConsole } from './support/chromium.js';

const DAY = 24 * 3600_000;
const isExpectedNoise = (text: string) => /net::ERR_|status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const consoleProblems: string[][] = [];
let card: Page;
let memberId = '';

async function open(options: typeof PHONE | typeof DESKTOP): Promise<Page> {
  const context = await browser.newContext({ ...options, locale: 'en-US', serviceWorkers: 'block' });
  contexts.push(context);
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return context.newPage();
}

beforeAll(async () => {
  app = await startE2eApp({ env: { SANDBOX_CLOCK: 'true' } });
  browser = await launchChromium();
  const admin = await staffToken(app.baseUrl, 'admin@example.com');
  // Points pend 14 days and last 2 months, so that 30 days later they are spendable and expire soon.
  const program = await api(app.baseUrl, 'PATCH', '/program', {
    token: admin,
    body: { pendingDays: 14, expiryMonths: 2 },
  });
  expect(program.status).toBe(200);
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
});

describe('the sandbox clock in Chromium', () => {
  it('shows the sandbox banner on the card from the first screen, and pending points after a purchase', async () => {
    card = await open(PHONE);
    await card.goto(`${app.baseUrl}/card/`);
    await expect
      .poll(() => card.getByTestId('sandbox-banner').textContent())
      .toBe('Sandbox — the clock runs on real time');
    await card.getByLabel('Mobile phone number').fill('+34 611 222 333');
    await card.getByRole('button', { name: 'Send me a code' }).click();
    const code = /(\d{6})/.exec((await card.getByTestId('dev-code').textContent()) ?? '')?.[1] ?? '';
    // The code first: only the phone's owner learns whether it is a member's.
    await card.getByLabel('Code').fill(code);
    await card.getByRole('button', { name: 'Continue' }).click();
    await card.getByLabel('Your name').fill('Sandra Box');
    await card.getByRole('button', { name: 'Create my card' }).click();
    await expect.poll(() => card.getByTestId('balance-available').textContent()).toBe('0');

    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const found = await api<{ items: { id: string }[] }>(
      app.baseUrl,
      'GET',
      '/members?phone=%2B34611222333',
      {
        token: cashier,
      },
    );
    memberId = found.body.items[0]?.id ?? '';
    const stores = await api<{ items: { id: string }[] }>(app.baseUrl, 'GET', '/stores', { token: cashier });
    const clock = await api<{ now: string }>(app.baseUrl, 'GET', '/sandbox/clock');
    // A sale ten days ago: pending for four more days, expiring about fifty days from now.
    const purchase = await api<{ status: string; pointsEarned: number }>(app.baseUrl, 'POST', '/purchases', {
      token: cashier,
      idempotencyKey: 'e2e-sandbox-purchase',
      body: {
        memberId,
        storeId: stores.body.items[0]?.id,
        currency: 'EUR',
        totalMinor: 2000,
        occurredAt: new Date(Date.parse(clock.body.now) - 10 * DAY).toISOString(),
        items: [{ sku: 'BEANS', name: 'Coffee beans', quantity: 1, unitPriceMinor: 2000 }],
      },
    });
    expect(purchase.body).toMatchObject({ status: 'pending', pointsEarned: 20 });
    await card.reload();
    await expect.poll(() => card.getByTestId('balance-pending').textContent()).toBe('20 points');
    expect(await card.getByText('Expiring soon').count()).toBe(0);
  });

  it('lets an admin advance the clock 30 days in the portal and shows what happened', async () => {
    const portal = await open(DESKTOP);
    await portal.goto(`${app.baseUrl}/staff/`);
    await expect
      .poll(() => portal.getByTestId('sandbox-banner').textContent())
      .toBe('Sandbox — the clock runs on real time');
    await portal.getByLabel('Email').fill('admin@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('link', { name: 'Sandbox' }).click();
    await portal.getByRole('heading', { name: 'Advance time' }).waitFor();
    await portal.getByRole('button', { name: '30 days' }).click();
    await portal.getByTestId('sandbox-moved').waitFor({ timeout: 60_000 });
    expect(await portal.getByTestId('sandbox-ran').textContent()).toContain(
      '1 batch of pending points became spendable',
    );
    await expect
      .poll(() => portal.getByTestId('sandbox-banner').textContent())
      .toBe('Sandbox — the clock is 30 days ahead');
    await screenshot(portal, 'staff-sandbox-advance');

    // A date in the past is refused in words, and nothing moves.
    await portal.getByLabel('Or move to a date').fill('2020-01-01T10:00');
    await portal.getByRole('button', { name: 'Move to this date' }).click();
    await portal.getByText('Choose a date and time later than the sandbox time.').waitFor();
    const cashierPortal = await open(DESKTOP);
    await cashierPortal.goto(`${app.baseUrl}/staff/`);
    await cashierPortal.getByLabel('Email').fill('cashier@example.com');
    await cashierPortal.getByLabel('Password').fill('demo1234');
    await cashierPortal.getByRole('button', { name: 'Sign in' }).click();
    await cashierPortal.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await cashierPortal.getByRole('link', { name: 'Sandbox' }).count()).toBe(0);
    expect(await cashierPortal.getByTestId('sandbox-banner').textContent()).toBe(
      'Sandbox — the clock is 30 days ahead',
    );
  });

  it('shows the activated points and the "expiring soon" notice on the card', async () => {
    await card.reload();
    await expect.poll(() => card.getByTestId('balance-available').textContent()).toBe('20');
    await card.getByText('Expiring soon').waitFor();
    expect(await card.getByTestId('sandbox-banner').textContent()).toBe(
      'Sandbox — the clock is 30 days ahead',
    );
    await screenshot(card, 'card-sandbox-expiring');
  });

  it('logged no errors in the browser', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
