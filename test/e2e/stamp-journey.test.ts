// "Buy 3 coffees, get the next one free" as the people at the till live it, in Debian's Chromium: the
// marketer's stamp card and template rule are published, a cashier sells coffees at the desk, the
// member's card shows the stamps filling up and the reward waiting, and the next sale applies the free
// coffee from the checkout's offers.
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
  const reward = await api<{ id: string }>(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    body: { name: 'Free flat white', pointsCost: 1000, kind: 'free_product', sku: 'FLATWHITE' },
  });
  expect(reward.status).toBe(201);
  const stampCard = await api<{ id: string }>(app.baseUrl, 'POST', '/stamp-cards', {
    token: marketer,
    body: { name: 'Flat white card', threshold: 3, rewardId: reward.body.id, rewardValidityDays: 30 },
  });
  expect(stampCard.status).toBe(201);
  const draft = await api<{ id: string }>(app.baseUrl, 'POST', '/rule-templates/stamp-card/instantiate', {
    token: marketer,
    body: { params: { cardId: stampCard.body.id, categories: ['flat-white'] } },
  });
  expect(draft.status).toBe(201);
  const published = await api(app.baseUrl, 'POST', `/rules/${draft.body.id}/publish`, { token: marketer });
  expect(published.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function serve(page: Page, lines: number) {
  await page.keyboard.press('F2');
  await page.getByLabel('Scan the card, or type the phone or card number').fill(cardNumber);
  await page.keyboard.press('Enter');
  await page.getByTestId('member-panel').waitFor();
  await page.getByRole('button', { name: '+ Add a line' }).click();
  await page.getByLabel('SKU 1').fill('FLATWHITE');
  await page.getByLabel('Category 1').fill('flat-white');
  await page.getByLabel('Quantity 1').fill(String(lines));
  await page.getByLabel('Unit price 1').fill('3.20');
  await page.keyboard.press('Enter');
  await page.getByTestId('checkout-panel').waitFor();
}

describe('a stamp card from the first coffee to the free one, in Chromium', () => {
  it('the member joins on the card, which shows the empty stamp card', async () => {
    card = await open(PHONE);
    const { page } = card;
    await page.goto(`${app.baseUrl}/card/`);
    await page.getByLabel('Mobile phone number').fill('+34 622 333 444');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    const code = /(\d{6})/.exec((await page.getByTestId('dev-code').textContent()) ?? '')?.[1] ?? '';
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Your name').fill('Marta Ruiz');
    await page.getByRole('button', { name: 'Create my card' }).click();
    await expect.poll(async () => (await page.getByTestId('card-number').textContent()) ?? '').toMatch(/\d/);
    cardNumber = ((await page.getByTestId('card-number').textContent()) ?? '').replace(/\s/g, '');
    const stampCard = page.getByTestId('stamp-card').filter({ hasText: 'Flat white card' });
    await expect
      .poll(() => stampCard.getByTestId('stamps-to-go').textContent())
      .toBe('3 more stamps to your reward');
  });

  it('three flat whites at the desk fill the card; the card shows the reward waiting', async () => {
    desk = await open(TABLET);
    const { page } = desk;
    await page.goto(`${app.baseUrl}/staff/`);
    await page.getByLabel('Email').fill('cashier@example.com');
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
    await serve(page, 3);
    await page.getByTestId('complete-sale').click();
    await expect
      .poll(() => page.getByTestId('receipt-stamps').textContent())
      .toBe(
        'Flat white card: stamps +3 (0 of 3) Flat white card is full: a reward is waiting in the wallet.',
      );

    // The card refreshes when it regains focus after the sale.
    await card.page.bringToFront();
    await card.page.reload();
    const reward = card.page.getByTestId('stamp-reward');
    await expect
      .poll(() => reward.textContent())
      .toMatch(/^Free flat white is yours: show your card at the till before /);
    await screenshot(card.page, 'card-stamps', { fullPage: true });
  });

  it('the next sale offers the free flat white; applying it makes that coffee free, once', async () => {
    const { page } = desk;
    await page.bringToFront();
    await serve(page, 2);
    const checkout = page.getByTestId('checkout-panel');
    // The catalogue reward costs 1,000 points (out of reach); the stamp card's one is free.
    const offer = checkout
      .getByRole('listitem')
      .filter({ hasText: /stamp card reward · saves €3\.20/ })
      .getByRole('button', { name: 'Free flat white' });
    expect(
      await checkout
        .getByRole('listitem')
        .filter({ hasText: /1,000 points · needs/ })
        .getByRole('button', { name: 'Free flat white' })
        .isDisabled(),
    ).toBe(true);
    await offer.click();
    await checkout.getByTestId('applied-line').filter({ hasText: 'Free flat white' }).waitFor();
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€3.20');
    await screenshot(page, 'staff-desk-stamp-reward');
    await page.getByTestId('complete-sale').click();
    // The paid coffee earns a stamp; the free one does not.
    await expect
      .poll(() => page.getByTestId('receipt-stamps').textContent())
      .toBe('Flat white card: stamps +1 (1 of 3)');

    await card.page.reload();
    const stampCard = card.page.getByTestId('stamp-card').filter({ hasText: 'Flat white card' });
    await expect
      .poll(() => stampCard.getByTestId('stamps-to-go').textContent())
      .toBe('2 more stamps to your reward');
    expect(await card.page.getByTestId('stamp-reward').count()).toBe(0);
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
