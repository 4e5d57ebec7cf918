// The tier ladder as a member lives it, in Debian's Chromium: the marketer publishes Bronze / Silver /
// Gold on spend, the member's card shows what it takes to reach Silver, a sale at the desk upgrades them,
// the card shows the new tier and its progress to Gold, and the desk shows the tier and its discount.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { PHONE, TABLET, launchChromium, screenshot, watchConsole } from './support/chromium.js';

const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
let card: { context: BrowserContext; page: Page };
let desk: { context: BrowserContext; page: Page };
const consoleProblems: string[][] = [];
let cardNumber = '';

async function open(options: typeof PHONE | typeof TABLET) {
  const context = await browser.newContext({ ...options, locale: 'en-US', serviceWorkers: 'block' });
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return { context, page: await context.newPage() };
}

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const published = await api(app.baseUrl, 'POST', '/tiers/ladder', {
    token: marketer,
    body: {
      basis: 'spend',
      window: { kind: 'calendar_year' },
      retention: { kind: 'end_of_next_calendar_year' },
      downgrade: { policy: 'one_down', graceDays: 0, warnDaysBefore: 30 },
      tiers: [
        { code: 'bronze', name: 'Bronze', threshold: 0 },
        { code: 'silver', name: 'Silver', threshold: 1_000, discountPercent: 5 },
        { code: 'gold', name: 'Gold', threshold: 3_000, discountPercent: 10 },
      ],
    },
  });
  expect(published.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function identify(page: Page) {
  await page.keyboard.press('F2');
  await page.getByLabel('Scan the card, or type the phone or card number').fill(cardNumber);
  await page.keyboard.press('Enter');
  await page.getByTestId('member-panel').waitFor();
}

describe('the tier ladder from the card to the desk, in Chromium', () => {
  it('the member joins; the card shows Bronze and what it takes to reach Silver', async () => {
    card = await open(PHONE);
    const { page } = card;
    await page.goto(`${app.baseUrl}/card/`);
    await page.getByLabel('Mobile phone number').fill('+34 622 444 555');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    const code = /(\d{6})/.exec((await page.getByTestId('dev-code').textContent()) ?? '')?.[1] ?? '';
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Your name').fill('Lucía Martín');
    await page.getByRole('button', { name: 'Create my card' }).click();
    await expect.poll(async () => (await page.getByTestId('card-number').textContent()) ?? '').toMatch(/\d/);
    cardNumber = ((await page.getByTestId('card-number').textContent()) ?? '').replace(/\s/g, '');
    await expect.poll(() => page.getByTestId('tier-name').textContent()).toBe('Bronze member');
    expect(await page.getByTestId('tier-next').textContent()).toBe('€10.00 more to Silver');
  });

  it('a €12 sale at the desk upgrades the member; the card shows Silver and its progress to Gold', async () => {
    desk = await open(TABLET);
    const { page } = desk;
    await page.goto(`${app.baseUrl}/staff/`);
    await page.getByLabel('Email').fill('cashier@example.com');
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
    await identify(page);
    await expect.poll(() => page.getByTestId('desk-tier').textContent()).toBe('Tier: Bronze');
    await page.getByRole('button', { name: '+ Add a line' }).click();
    await page.getByLabel('SKU 1').fill('CAKE');
    await page.getByLabel('Quantity 1').fill('1');
    await page.getByLabel('Unit price 1').fill('12.00');
    await page.keyboard.press('Enter');
    await page.getByTestId('checkout-panel').waitFor();
    await page.getByTestId('complete-sale').click();
    await page.getByTestId('receipt-balance').waitFor();

    await card.page.bringToFront();
    await card.page.reload();
    await expect.poll(() => card.page.getByTestId('tier-name').textContent()).toBe('Silver member');
    expect(await card.page.getByTestId('tier-next').textContent()).toBe('€18.00 more to Gold');
    await screenshot(card.page, 'card-tier', { fullPage: true });
  });

  it('the next sale shows Silver on identification and applies its 5% as an applied line', async () => {
    const { page } = desk;
    await page.bringToFront();
    await identify(page);
    await expect.poll(() => page.getByTestId('desk-tier').textContent()).toBe('Tier: Silver');
    await page.getByRole('button', { name: '+ Add a line' }).click();
    await page.getByLabel('SKU 1').fill('CAKE');
    await page.getByLabel('Quantity 1').fill('1');
    await page.getByLabel('Unit price 1').fill('20.00');
    await page.keyboard.press('Enter');
    const checkout = page.getByTestId('checkout-panel');
    await checkout.getByTestId('applied-line').filter({ hasText: 'Tier discount (Silver 5%)' }).waitFor();
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€19.00');
    await screenshot(page, 'staff-desk-tier-discount');
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
