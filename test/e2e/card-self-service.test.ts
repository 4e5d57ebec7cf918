// The member's self-service on the card, in Chromium: the terms and privacy links and the resend
// countdown at sign-up, the history and rewards offline "as of" when they were seen, editing the
// details, downloading the data, and deleting the account (the card signs out, and the cashier's scan of
// its last code is refused).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { PHONE, TABLET, launchChromium, screenshot, watchConsole } from './support/chromium.js';

const PAYLOAD = /^RGL1:(\d{12}):(\d{6})$/;
// Chromium logs the failed requests a test causes on purpose (offline, a 429, the refused scan).
const isExpectedNoise = (text: string) => /ERR_INTERNET_DISCONNECTED|net::ERR_|status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
let card: { context: BrowserContext; page: Page };
const consoleProblems: string[][] = [];
let memberId = '';
let cardNumber = '';

async function open(options: typeof PHONE | typeof TABLET): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, locale: 'en-US', serviceWorkers: 'allow' });
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return { context, page: await context.newPage() };
}

async function requestCode(page: Page, phone: string): Promise<string> {
  await page.goto(`${app.baseUrl}/card/`);
  await page.getByLabel('Mobile phone number').fill(phone);
  await page.getByRole('button', { name: 'Send me a code' }).click();
  return devCode(page);
}

async function devCode(page: Page): Promise<string> {
  const hint = await page.getByTestId('dev-code').textContent();
  return /(\d{6})/.exec(hint ?? '')?.[1] ?? '';
}

beforeAll(async () => {
  // Two codes an hour per phone: the third request shows the server's limit on the card.
  app = await startE2eApp({ env: { RATE_LIMIT_OTP_PER_PHONE_PER_HOUR: '2' } });
  browser = await launchChromium();
  const admin = await staffToken(app.baseUrl, 'admin@example.com');
  const program = await api(app.baseUrl, 'PATCH', '/program', {
    token: admin,
    body: { termsUrl: 'https://cafe.example/terms', privacyUrl: 'https://cafe.example/privacy' },
  });
  expect(program.status).toBe(200);
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const reward = await api(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    idempotencyKey: 'e2e-self-service-reward',
    body: { name: 'Free croissant', pointsCost: 30, kind: 'free_product', sku: 'CROISSANT' },
  });
  expect(reward.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the card’s self-service in Chromium', () => {
  it('links the terms and privacy notice at sign-up, and offers a new code after a countdown, within the server’s limit', async () => {
    const { page, context } = await open(PHONE);
    await page.clock.install();
    const first = await requestCode(page, '+34 611 000 111');
    await page.getByLabel('Code', { exact: true }).fill(first);
    await page.getByRole('button', { name: 'Continue' }).click();
    // A new phone: the sign-up asks for a name, with the program's links.
    await page.getByLabel('Your name').waitFor();
    const legal = page.getByTestId('join-legal');
    expect(await legal.getByRole('link', { name: 'terms and conditions' }).getAttribute('href')).toBe(
      'https://cafe.example/terms',
    );
    expect(await legal.getByRole('link', { name: 'privacy notice' }).getAttribute('href')).toBe(
      'https://cafe.example/privacy',
    );
    const countdown = page.getByTestId('resend-countdown');
    await expect
      .poll(() => countdown.textContent())
      .toMatch(/^You can ask for a new code in 0:(30|29|28)\.$/);
    await page.clock.fastForward(10_000);
    await expect.poll(() => countdown.textContent()).toMatch(/in 0:(20|19|18)\./);
    await screenshot(page, 'card-join-resend');
    await page.clock.fastForward(21_000);
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await expect.poll(() => countdown.textContent()).toMatch(/in 0:(30|29)\./);
    expect(await devCode(page)).toMatch(/^\d{6}$/);
    // The third code in the hour is over the server's limit: its wait shows, and the count follows it.
    await page.clock.fastForward(31_000);
    await page.getByRole('button', { name: 'Send a new code' }).click();
    await page.getByText(/^Too many tries\. Try again in \d+ s\.$/).waitFor();
    await expect.poll(() => countdown.textContent()).toMatch(/in (59|60):\d\d\./);
    await context.close();
  });

  it('joins, and shows the history and the rewards offline as of when they were seen, never “No activity yet”', async () => {
    card = await open(PHONE);
    const { page, context } = card;
    const code = await requestCode(page, '+34 611 222 333');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Your name').fill('Irene Vidal');
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Create my card' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await expect.poll(() => qr.getAttribute('data-payload')).toMatch(PAYLOAD);
    cardNumber = PAYLOAD.exec((await qr.getAttribute('data-payload')) ?? '')?.[1] ?? '';
    const me = JSON.parse(
      (await page.evaluate<string | null>('localStorage.getItem("regulars.card.cache")')) ?? '{}',
    );
    memberId = (me as { memberId: string }).memberId;

    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const stores = await api<{ items: { id: string }[] }>(app.baseUrl, 'GET', '/stores', { token: cashier });
    const sale = await api(app.baseUrl, 'POST', '/purchases', {
      token: cashier,
      idempotencyKey: 'e2e-self-service-sale',
      body: {
        memberId,
        storeId: stores.body.items[0]?.id,
        currency: 'EUR',
        totalMinor: 4200,
        items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 2, unitPriceMinor: 2100 }],
      },
    });
    expect(sale.status).toBe(201);
    await page.reload();
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Earned' }).first().waitFor();
    await page.getByRole('button', { name: 'Rewards' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Free croissant' }).waitFor();

    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await context.setOffline(true);
    await page.reload();
    await page.getByText(/You are offline\. .*history and rewards are as of/).waitFor();
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Earned' }).first().waitFor();
    expect(await page.getByTestId('history-as-of').textContent()).toMatch(/^As of /);
    expect(await page.getByText(/No activity yet/).count()).toBe(0);
    await screenshot(page, 'card-offline-history');
    await page.getByRole('button', { name: 'Rewards' }).click();
    await page.getByRole('listitem').filter({ hasText: 'Free croissant' }).waitFor();
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Card' }).click();
  });

  it('edits the name, email and birth date, checked before sending', async () => {
    const { page } = card;
    await page.getByRole('button', { name: 'Profile' }).click();
    const details = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Your details' }) });
    await details.getByLabel('Your name').fill('Irene Vidal Soler');
    await details.getByLabel('Email (optional)').fill('irene@');
    await details.getByRole('button', { name: 'Save my details' }).click();
    await details.getByText('This does not look like an email address.').waitFor();
    await details.getByLabel('Email (optional)').fill('irene@cafe.example');
    await details.getByLabel('Birth date (optional)').fill('1992-07-14');
    await details.getByRole('button', { name: 'Save my details' }).click();
    await details.getByText('Your details are saved.').waitFor();
    await page.locator('.card-member-name', { hasText: 'Irene Vidal Soler' }).waitFor();
    await screenshot(page, 'card-profile', { fullPage: true });
    const manager = await staffToken(app.baseUrl, 'manager@example.com');
    const member = await api<{ name: string; email: string; birthDate: string }>(
      app.baseUrl,
      'GET',
      `/members/${memberId}`,
      { token: manager },
    );
    expect(member.body).toMatchObject({
      name: 'Irene Vidal Soler',
      email: 'irene@cafe.example',
      birthDate: '1992-07-14',
    });
  });

  it('downloads the member’s data as one JSON file', async () => {
    const { page } = card;
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download my data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^my-loyalty-data-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as {
      profile: { name: string; cardNumber: string };
      ledger: { type: string; points: number }[];
      purchases: { totalMinor: number }[];
      wallet: { memberId: string };
    };
    expect(data.profile).toMatchObject({ name: 'Irene Vidal Soler', cardNumber });
    expect(data.ledger.map((entry) => entry.type)).toEqual(['earn']);
    expect(data.purchases.map((purchase) => purchase.totalMinor)).toEqual([4200]);
    expect(data.wallet.memberId).toBe(memberId);
    await page.getByText('Your file has been downloaded.').waitFor();
  });

  it('deletes the account after a dialog that says what happens: the card signs out, and the desk refuses its code', async () => {
    const { page } = card;
    const qr = JSON.parse(
      (await page.evaluate<string | null>('localStorage.getItem("regulars.card.cache")')) ?? '{}',
    );
    expect((qr as { cardSecret: string | null }).cardSecret).toBeTruthy();
    await page.getByRole('button', { name: 'Card' }).click();
    const payload = (await page.getByRole('img', { name: /QR code/ }).getAttribute('data-payload')) ?? '';
    expect(payload).toMatch(PAYLOAD);
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('button', { name: 'Delete my account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog
      .getByText(/Your name, phone number, email, birth date and offer preferences are erased\./)
      .waitFor();
    await dialog.getByText(/its QR code stops working at the till/).waitFor();
    await dialog.getByText(/Your 42 points, coupons/).waitFor();
    await screenshot(page, 'card-delete-account');
    await dialog.getByRole('button', { name: 'Delete my account' }).click();
    await page.getByText('Your account was deleted and this phone was signed out.').waitFor();
    await page.getByRole('heading', { name: 'Join and start earning' }).waitFor();
    expect(await page.evaluate('localStorage.getItem("regulars.card.cache")')).toBeNull();

    const desk = await open(TABLET);
    await desk.page.goto(`${app.baseUrl}/staff/`);
    await desk.page.getByLabel('Email').fill('cashier@example.com');
    await desk.page.getByLabel('Password').fill('demo1234');
    await desk.page.getByRole('button', { name: 'Sign in' }).click();
    await desk.page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
    await desk.page.getByLabel('Scan the card, or type the phone or card number').fill(payload);
    await desk.page.keyboard.press('Enter');
    await desk.page
      .getByText('This card code has expired. Ask the customer to show the card again.')
      .waitFor();
    await screenshot(desk.page, 'staff-desk-deleted-card');
    const manager = await staffToken(app.baseUrl, 'manager@example.com');
    const member = await api<{ name: string; isBlocked: boolean; deletedAt: string | null }>(
      app.baseUrl,
      'GET',
      `/members/${memberId}`,
      { token: manager },
    );
    expect(member.body).toMatchObject({ name: 'Deleted member', isBlocked: true });
    expect(member.body.deletedAt).not.toBeNull();
    await desk.context.close();
  });

  it('logged no errors of its own in the browser', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
