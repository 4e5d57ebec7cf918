// A gift certificate at the till, in Debian's Chromium: a manager issues a €25 certificate; the cashier
// checks what it holds, then a customer without a card hands it over — its QR scanned into the desk's
// first field starts a sale without a card with the certificate on it, it pays the whole €12 sale, the
// receipt says so, and the certificate then holds €13.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { TABLET, launchChromium, screenshot, watchConsole } from './support/chromium.js';

// Chromium logs the refusal this test provokes on purpose (404 for a mistyped code).
const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
let desk: { context: BrowserContext; page: Page };
let consoleProblems: string[] = [];
let certificate = { id: '', code: '', qrPayload: '', last4: '' };
let manager = '';

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  manager = await staffToken(app.baseUrl, 'manager@example.com');
  const issued = await api<typeof certificate>(app.baseUrl, 'POST', '/gift-certificates', {
    token: manager,
    body: { valueMinor: 2500, reason: 'Birthday present' },
    idempotencyKey: `gift-${Date.now()}`,
  });
  expect(issued.status).toBe(201);
  certificate = issued.body;
  const context = await browser.newContext({ ...TABLET, locale: 'en-US' });
  consoleProblems = watchConsole(context, isExpectedNoise);
  desk = { context, page: await context.newPage() };
  const { page } = desk;
  await page.goto(`${app.baseUrl}/staff/desk`);
  await page.getByLabel('Email').fill('cashier@example.com');
  await page.getByLabel('Password').fill('demo1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function checkBalance(page: Page, code: string): Promise<string> {
  await page.getByRole('button', { name: 'Gift certificate balance' }).click();
  const dialog = page.getByRole('dialog', { name: 'Gift certificate balance' });
  await dialog.getByLabel('Coupon or gift certificate').fill(code);
  await page.keyboard.press('Enter');
  const result = dialog.getByTestId('balance-result');
  await result.waitFor();
  const text = (await result.textContent()) ?? '';
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  return text;
}

describe('a gift certificate at the desk, in Chromium', () => {
  it('the cashier checks what a certificate holds; a typo is said in words', async () => {
    const { page } = desk;
    await page.getByRole('button', { name: 'Gift certificate balance' }).click();
    const dialog = page.getByRole('dialog', { name: 'Gift certificate balance' });
    await dialog.getByLabel('Coupon or gift certificate').fill('ABCD-EFGH-JKMN-P');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => dialog.getByRole('alert').textContent())
      .toContain('No gift certificate has this code');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Typed as printed, in lower case.
    expect(await checkBalance(page, certificate.code.toLowerCase())).toBe(
      `Certificate ····${certificate.last4}: €25.00 available.`,
    );
  });

  it('its QR scanned first starts a sale without a card that it pays, and it keeps the rest', async () => {
    const { page } = desk;
    // A USB scanner types the QR payload into the first field and presses Enter.
    await page.getByLabel('Scan the card, or type the phone or card number').fill(certificate.qrPayload);
    await page.keyboard.press('Enter');
    await page.getByTestId('walk-in').getByText('Gift certificate scanned').waitFor();
    await page.getByLabel(/^Total/).fill('12.00');
    await page.keyboard.press('Enter');
    const applied = page
      .getByTestId('applied-line')
      .filter({ hasText: `Gift certificate ····${certificate.last4}` });
    await applied.waitFor();
    expect(await applied.textContent()).toContain('−€12.00');
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€0.00');
    await screenshot(page, 'staff-desk-gift-certificate');
    await page.getByTestId('complete-sale').click();
    const receipt = page.getByTestId('desk-receipt');
    await receipt.waitFor();
    expect(await receipt.textContent()).toContain(`Gift certificate ····${certificate.last4}`);
    expect(await checkBalance(page, certificate.code)).toBe(
      `Certificate ····${certificate.last4}: €13.00 available.`,
    );
    // Its own ledger says the same.
    const detail = await api<{ balanceMinor: number; entries: { type: string; amountMinor: number }[] }>(
      app.baseUrl,
      'GET',
      `/gift-certificates/${certificate.id}`,
      { token: manager },
    );
    expect(detail.body.balanceMinor).toBe(1300);
    expect(detail.body.entries.map((e) => [e.type, e.amountMinor])).toEqual([
      ['issue', 2500],
      ['redeem', -1200],
    ]);
  });

  it('the cashier sells a €25 certificate to a walk-in, sees its code, and it then pays for a coffee', async () => {
    const { page } = desk;
    await page.getByRole('button', { name: /^Next customer/ }).click();
    await page.getByRole('button', { name: 'Sale without a card' }).click();
    await page.getByRole('button', { name: 'Sell a gift certificate' }).click();
    await page.getByLabel('Value (EUR)').fill('25');
    await page.keyboard.press('Enter');
    const basket = page.getByTestId('checkout-panel');
    await basket.getByText('1 × Gift certificate €25.00').waitFor();
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€25.00');
    await page.getByTestId('complete-sale').click();
    const receipt = page.getByTestId('desk-receipt');
    await receipt.waitFor();
    const shown = receipt.getByTestId('sold-certificate-code');
    await shown.waitFor();
    const displayCode = (await shown.textContent()) ?? '';
    // The code as the PDF prints it: groups of four, its check character last.
    expect(displayCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
    expect(await receipt.textContent()).not.toMatch(/[0-9a-f]{24}/);
    const download = page.waitForEvent('download');
    await receipt.getByRole('button', { name: 'Print' }).click();
    expect((await download).suggestedFilename()).toBe('gift-certificate.pdf');
    await screenshot(page, 'staff-desk-gift-certificate-sold');

    // A new sale: a coffee, paid with the certificate just sold.
    await page.getByRole('button', { name: /^Next customer/ }).click();
    await page.getByRole('button', { name: 'Sale without a card' }).click();
    await page.getByLabel(/^Total/).fill('3.50');
    await page.keyboard.press('Enter');
    await page.getByLabel('Coupon or gift certificate').fill(displayCode);
    await page.getByRole('button', { name: 'Apply', exact: true }).click();
    const last4 = displayCode.replace(/-/g, '').slice(-4);
    await page
      .getByTestId('applied-line')
      .filter({ hasText: `Gift certificate ····${last4}` })
      .waitFor();
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€0.00');
    await page.getByTestId('complete-sale').click();
    await page.getByTestId('desk-receipt').waitFor();
    expect(await checkBalance(page, displayCode)).toBe(`Certificate ····${last4}: €21.50 available.`);
  });

  it("offers a member's claimed certificate with what is left on it, tapped instead of scanned", async () => {
    const { page } = desk;
    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const member = await api<{ id: string; cardNumber: string }>(app.baseUrl, 'POST', '/members', {
      token: cashier,
      body: { name: 'Irina Popescu', phone: `+4072${String(Date.now()).slice(-7)}` },
    });
    expect(member.status).toBe(201);
    const gift = await api<typeof certificate>(app.baseUrl, 'POST', '/gift-certificates', {
      token: manager,
      body: { valueMinor: 1850, reason: 'Raffle prize' },
      idempotencyKey: `gift-wallet-${Date.now()}`,
    });
    expect(gift.status).toBe(201);
    // She typed its code on her card (the card's claim, tested with the card): it is in her wallet.
    await app.runtime.services.giftCertificates.claim(member.body.id, gift.body.code, {
      principal: { kind: 'member', id: member.body.id },
      ip: null,
    });
    await page.goto(`${app.baseUrl}/staff/desk`);
    await page.getByLabel('Scan the card, or type the phone or card number').fill(member.body.cardNumber);
    await page.keyboard.press('Enter');
    await page.getByTestId('member-panel').getByRole('heading', { name: 'Irina Popescu' }).waitFor();
    await page.getByLabel(/^Total/).fill('12.00');
    await page.keyboard.press('Enter');
    const offer = page.getByRole('button', {
      name: `Gift certificate ••••${gift.body.last4} — €18.50 left`,
    });
    await offer.waitFor();
    await screenshot(page, 'staff-desk-gift-certificate-offer');
    await offer.click();
    const applied = page
      .getByTestId('applied-line')
      .filter({ hasText: `Gift certificate ····${gift.body.last4}` });
    await applied.waitFor();
    expect(await applied.textContent()).toContain('−€12.00');
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€0.00');
    await page.getByTestId('complete-sale').click();
    await page.getByTestId('desk-receipt').waitFor();
    expect(await checkBalance(page, gift.body.code)).toBe(
      `Certificate ····${gift.body.last4}: €6.50 available.`,
    );
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems).toEqual([]);
  });
});
