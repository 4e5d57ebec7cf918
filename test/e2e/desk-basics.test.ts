// The cashier desk's basics in Debian's Chromium: the device remembers its store, Enter confirms a dialog
// (Escape cancels), an unknown phone is enrolled on the spot, a sale keyed in twice is asked about, and a
// redemption is cancelled from the member's history (its 409 refusal said in the viewer's language).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { TABLET, launchChromium, watchConsole } from './support/chromium.js';

// Chromium logs the refusals this test provokes on purpose (409 REDEMPTION_SETTLED, 404 unknown phone).
const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);
const IDENTIFY = 'Scan the card, or type the phone or card number';
const PHONE = '+34 699 000 111';

let app: E2eApp;
let browser: Browser;
let desk: { context: BrowserContext; page: Page };
let consoleProblems: string[] = [];
let manager = '';
let stores: { id: string; name: string }[] = [];
let memberId = '';

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${app.baseUrl}/staff/desk`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('demo1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Email').waitFor();
}

const headerStore = (page: Page) => page.getByTestId('desk-store').textContent();
const available = (page: Page) => page.getByTestId('desk-available').textContent();
const activeElement = (page: Page) =>
  // (A string expression: this project type-checks for Node, without the DOM library.)
  page.evaluate(
    'document.activeElement ? [document.activeElement.tagName, document.activeElement.id, document.activeElement.getAttribute("name")].join("|") : ""',
  );

async function purchasesOfMember(): Promise<{ storeId: string | null; totalMinor: number }[]> {
  const answer = await api<{ items: { storeId: string | null; totalMinor: number }[] }>(
    app.baseUrl,
    'GET',
    `/purchases?memberId=${memberId}`,
    { token: manager },
  );
  expect(answer.status).toBe(200);
  return answer.body.items;
}

let rewardId = '';

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const reward = await api(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    idempotencyKey: 'e2e-desk-free-coffee',
    body: { name: 'Free coffee', pointsCost: 20, kind: 'free_product', sku: 'COFFEE' },
  });
  expect(reward.status).toBe(201);
  rewardId = (reward.body as { id: string }).id;
  manager = await staffToken(app.baseUrl, 'manager@example.com');
  const listed = await api<{ items: { id: string; name: string; isActive: boolean }[] }>(
    app.baseUrl,
    'GET',
    '/stores',
    { token: manager },
  );
  stores = listed.body.items.filter((store) => store.isActive);
  expect(stores.length).toBeGreaterThanOrEqual(2);
  const context = await browser.newContext({ ...TABLET, locale: 'en-US' });
  consoleProblems = watchConsole(context, isExpectedNoise);
  desk = { context, page: await context.newPage() };
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the cashier desk basics in Chromium', () => {
  it('remembers the store of the device across a reload and the next staff member, and shows it in the header', async () => {
    const { page } = desk;
    await signIn(page, 'manager@example.com');
    // A new device starts at the first store.
    const [first, second] = stores as [{ id: string; name: string }, { id: string; name: string }];
    await expect.poll(() => headerStore(page)).toBe(`Store: ${first.name}`);

    // Escape cancels: nothing changes.
    await page.getByRole('button', { name: 'Change store' }).click();
    await page.getByRole('dialog').getByRole('heading', { name: 'Which store is this device at?' }).waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await headerStore(page)).toBe(`Store: ${first.name}`);

    // Enter confirms: the store field has the focus, the choice is made, Enter applies it.
    await page.getByRole('button', { name: 'Change store' }).click();
    const storeField = page.getByRole('dialog').getByLabel('Store');
    await expect.poll(() => activeElement(page)).toMatch(/^SELECT\|/);
    await storeField.selectOption(second.id);
    await storeField.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    await expect.poll(() => headerStore(page)).toBe(`Store: ${second.name}`);

    await page.reload();
    await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();
    await expect.poll(() => headerStore(page)).toBe(`Store: ${second.name}`);

    // A cashier bound to a store always sees their own store, and cannot change it.
    await signOut(page);
    await signIn(page, 'cashier@example.com');
    await expect.poll(() => headerStore(page)).toBe('Store: Centro');
    expect(await page.getByRole('button', { name: 'Change store' }).count()).toBe(0);
    await signOut(page);

    // The device still remembers its store for the unbound manager.
    await signIn(page, 'manager@example.com');
    await expect.poll(() => headerStore(page)).toBe(`Store: ${second.name}`);
  });

  it('offers to enrol an unknown phone and continues with the new member to record a sale at the device store', async () => {
    const { page } = desk;
    await page.getByLabel(IDENTIFY).fill(PHONE);
    await page.keyboard.press('Enter');
    await page.getByText(`Nobody is enrolled with the phone number ${PHONE}.`).waitFor();
    await page.getByRole('button', { name: 'Enrol this customer' }).click();

    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Enrol a new member' }).waitFor();
    expect(await dialog.getByLabel('Mobile phone').inputValue()).toBe(PHONE);
    // The name field has the focus; Enter there confirms.
    await expect.poll(() => activeElement(page)).toMatch(/^INPUT\|.*\|name$/);
    await page.keyboard.type('Ana Nueva');
    await page.keyboard.press('Enter');

    await page.getByTestId('member-panel').getByRole('heading', { name: 'Ana Nueva' }).waitFor();
    await page.getByText(/^New member enrolled\. Their card number is \d{12}\.$/).waitFor();
    expect(await available(page)).toBe('0');
    await page.getByTestId('member-history').getByText('No points yet').waitFor();

    await expect.poll(() => activeElement(page)).toBe('INPUT|purchase-total|total');
    await page.keyboard.type('12.50');
    await page.keyboard.press('Enter');
    // The checkout opens with "Complete sale" focused: Enter again completes.
    await page.getByTestId('checkout-panel').waitFor();
    await expect.poll(() => activeElement(page)).toMatch(/^BUTTON\|/);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('points-earned').textContent()).toBe('+12 points');
    expect(await available(page)).toBe('12');

    const found = await api<{ items: { id: string; name: string }[] }>(
      app.baseUrl,
      'GET',
      `/members?phone=${encodeURIComponent(PHONE)}`,
      { token: manager },
    );
    expect(found.body.items.map((m) => m.name)).toEqual(['Ana Nueva']);
    memberId = found.body.items[0]?.id ?? '';
    // Recorded at the store the device remembers, not the first store.
    expect((await purchasesOfMember()).map((p) => p.storeId)).toEqual([stores[1]?.id]);
  });

  it('asks "Record this sale again?" before the same total for the same member is recorded twice', async () => {
    const { page } = desk;
    const sellAgain = async (total: string) => {
      await page.keyboard.press('F2');
      await page.getByLabel(IDENTIFY).fill(PHONE);
      await page.keyboard.press('Enter');
      await page.getByTestId('member-panel').getByRole('heading', { name: 'Ana Nueva' }).waitFor();
      await page.getByLabel(/^Total/).fill(total);
      await page.keyboard.press('Enter');
      await page.getByTestId('checkout-panel').waitFor();
      await page.getByTestId('complete-sale').click();
    };
    await sellAgain('12.50');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Record this sale again?' }).waitFor();
    expect(await dialog.getByTestId('duplicate-sale').textContent()).toMatch(
      /^€12\.50 for Ana Nueva was recorded \d+ s ago\./,
    );
    // Escape: nothing recorded.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await purchasesOfMember()).toHaveLength(1);

    // A real second sale of the same amount, confirmed with Enter.
    await page.getByTestId('complete-sale').click();
    await dialog.getByRole('heading', { name: 'Record this sale again?' }).waitFor();
    await page.keyboard.press('Enter');
    await expect.poll(() => available(page)).toBe('24');
    expect(await purchasesOfMember()).toHaveLength(2);

    // The next customer is the same member again a moment later: still asked.
    await sellAgain('12.50');
    await dialog.getByRole('heading', { name: 'Record this sale again?' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // Another total is not a duplicate: the basket changed, the sale completes at once.
    await page.getByRole('button', { name: 'Change basket' }).click();
    await page.getByLabel(/^Total/).fill('3');
    await page.keyboard.press('Enter');
    await page.getByTestId('checkout-panel').waitFor();
    await page.getByTestId('complete-sale').click();
    await expect.poll(() => available(page)).toBe('27');
    expect(await dialog.count()).toBe(0);
    expect(await purchasesOfMember()).toHaveLength(3);
  });

  it("lets the cashier cancel a redemption from the member's history, and says why one that paid for a sale cannot be", async () => {
    const { page } = desk;
    // A POS redeemed the free coffee directly (POST /redemptions); the desk shows it in the history.
    const redeemByPos = async () => {
      const redeemed = await api(app.baseUrl, 'POST', '/redemptions', {
        token: manager,
        idempotencyKey: `e2e-desk-redeem-${Date.now()}`,
        body: { memberId, rewardId, storeId: stores[1]?.id },
      });
      expect(redeemed.status).toBe(201);
      await page.keyboard.press('F2');
      await page.getByLabel(IDENTIFY).fill(PHONE);
      await page.keyboard.press('Enter');
      await page.getByTestId('member-panel').getByRole('heading', { name: 'Ana Nueva' }).waitFor();
    };
    await redeemByPos();
    await expect.poll(() => available(page)).toBe('7');

    const history = page.getByTestId('member-history');
    const row = history.getByRole('row').filter({ hasText: 'Redeemed: Free coffee' });
    await row.waitFor();
    expect(await row.textContent()).toContain('-20');
    await row.getByRole('button', { name: 'Cancel redemption…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('The member gets 20 points back.').waitFor();
    await page.keyboard.press('Enter');
    await page.getByText('Points given back: 20').waitFor();
    expect(await available(page)).toBe('27');
    await history.getByText('Redeemed: Free coffee (cancelled)').waitFor();
    expect(await history.getByRole('button', { name: 'Cancel redemption…' }).count()).toBe(0);

    // A second redemption; while the cashier opens its cancel dialog, the POS links it to a sale.
    await redeemByPos();
    await expect.poll(() => available(page)).toBe('7');
    await page.getByLabel('Language').selectOption('es');
    await history.getByRole('button', { name: 'Anular canje…' }).click();
    await dialog.getByText('El cliente recupera 20 puntos.').waitFor();

    const redemptions = await api<{ items: { id: string }[] }>(
      app.baseUrl,
      'GET',
      `/redemptions?memberId=${memberId}&status=completed`,
      { token: manager },
    );
    const redemptionId = redemptions.body.items[0]?.id ?? '';
    const sale = await api(app.baseUrl, 'POST', '/purchases', {
      token: manager,
      idempotencyKey: `e2e-desk-settled-${Date.now()}`,
      body: {
        memberId,
        storeId: stores[1]?.id,
        currency: 'EUR',
        totalMinor: 500,
        items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 500 }],
        redemptionIds: [redemptionId],
      },
    });
    expect(sale.status).toBe(201);

    await page.keyboard.press('Enter');
    await dialog
      .getByText('Este canje pagó una venta registrada: devuelve esa venta para devolver los puntos.')
      .waitFor();
    // What can still be done is now the primary action: a manager refunds the sale (Escape: not now).
    await expect.poll(() => activeElement(page)).toMatch(/^BUTTON\|/);
    expect(await dialog.locator('button[type="submit"]').textContent()).toBe('Devolver la venta…');
    await page.keyboard.press('Escape');
    await history.getByText('Canjeados: Free coffee (pagó una venta)').waitFor();
    await page.getByLabel('Idioma').selectOption('en');
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems).toEqual([]);
  });
});
