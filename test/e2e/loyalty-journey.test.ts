// The product as its people use it, in Debian's Chromium: a customer joins on the card PWA, a cashier
// serves them at the desk, a marketer publishes a double-points rule, and the card keeps working offline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, PHONE, TABLET, launchChromium, screenshot, watchConsole } from './support/chromium.js';

const PAYLOAD = /^RGL1:(\d{12}):(\d{6})$/;
// Chromium logs every failed request itself: the offline step's and the refusals a test provokes on
// purpose (409 not enough points). Errors from the apps' own code still fail the run.
const isExpectedNoise = (text: string) => /ERR_INTERNET_DISCONNECTED|net::ERR_|status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
let card: { context: BrowserContext; page: Page };
let desk: { context: BrowserContext; page: Page };
const consoleProblems: string[][] = [];
let cardNumber = '';

async function open(
  options: typeof PHONE | typeof TABLET | typeof DESKTOP,
  locale = 'en-US',
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, locale, serviceWorkers: 'allow' });
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return { context, page: await context.newPage() };
}

async function qrPayload(page: Page): Promise<string> {
  const qr = page.getByRole('img', { name: /QR code/ });
  await expect.poll(() => qr.getAttribute('data-payload')).toMatch(PAYLOAD);
  return (await qr.getAttribute('data-payload')) ?? '';
}

async function signInStaff(page: Page, email: string): Promise<void> {
  await page.goto(`${app.baseUrl}/staff/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('demo1234');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const reward = await api(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    idempotencyKey: 'e2e-reward-free-coffee',
    body: { name: 'Free coffee', pointsCost: 20, kind: 'free_product', sku: 'COFFEE' },
  });
  expect(reward.status).toBe(201);
  await api(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    idempotencyKey: 'e2e-reward-big',
    body: { name: '10 € off', pointsCost: 500, kind: 'fixed_discount', valueMinor: 1000 },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the customer card and the staff portal in Chromium', () => {
  it('lets a customer join on the card and shows a rotating QR code with the card number', async () => {
    card = await open(PHONE);
    const { page } = card;
    await page.goto(`${app.baseUrl}/card/`);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Join and start earning' }).isVisible())
      .toBe(true);
    await page.getByLabel('Mobile phone number').fill('+34 612 345 678');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    const hint = await page.getByTestId('dev-code').textContent();
    const code = /(\d{6})/.exec(hint ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    // The code first: only the phone's owner learns whether it is a member's.
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Your name').fill('Lucía Pérez');
    await page.getByLabel('Birth date (optional)').fill('1990-04-12');
    await page.getByRole('checkbox', { name: 'Email' }).check();
    await screenshot(page, 'card-join', { fullPage: true });
    await page.getByRole('button', { name: 'Create my card' }).click();

    const payload = await qrPayload(page);
    cardNumber = PAYLOAD.exec(payload)?.[1] ?? '';
    expect(await page.getByTestId('card-number').textContent()).toBe(
      cardNumber.replace(/(\d{4})(?=\d)/g, '$1 '),
    );
    await expect.poll(() => page.getByTestId('balance-available').textContent()).toBe('0');
    await screenshot(page, 'card-qr');
  });

  it('lets a cashier identify the customer with the code the card shows and record a purchase', async () => {
    desk = await open(TABLET);
    const { page } = desk;
    await signInStaff(page, 'cashier@example.com');
    await page.getByRole('heading', { name: 'Cashier desk' }).waitFor();

    // Action 1: the scanner types what the card shows. Action 2: the total. Action 3: Enter.
    await page.getByLabel('Scan the card, or type the phone or card number').fill(await qrPayload(card.page));
    await page.keyboard.press('Enter');
    await page.getByTestId('member-panel').getByRole('heading', { name: 'Lucía Pérez' }).waitFor();
    // (Expressions as strings: this project type-checks for Node, without the DOM library.)
    await expect
      .poll(() => page.evaluate('document.activeElement && document.activeElement.id'))
      .toBe('purchase-total');
    await page.keyboard.type('25.40');
    await page.keyboard.press('Enter');
    // The sale opens as a checkout: what paying earns, and "Complete sale" focused for the next Enter.
    await expect
      .poll(() => page.getByTestId('earn-preview').textContent())
      .toBe('This sale earns 25 points.');
    await expect
      .poll(() =>
        page.evaluate("document.activeElement && document.activeElement.getAttribute('data-testid')"),
      )
      .toBe('complete-sale');
    await page.keyboard.press('Enter');

    await expect.poll(() => page.getByTestId('points-earned').textContent()).toBe('+25 points');
    expect(await page.getByTestId('desk-available').textContent()).toBe('25');
    await screenshot(page, 'staff-desk-purchase');
  });

  it('shows the new balance on the card', async () => {
    const { page } = card;
    await page.reload();
    await expect
      .poll(() => page.getByTestId('balance-available').textContent(), { timeout: 15_000 })
      .toBe('25');
    // The wallet: how far the next reward is.
    await expect
      .poll(() => page.getByTestId('next-reward').textContent())
      .toBe('15 more points to €2 off your order');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByText('Earned').first().waitFor();
    await page.getByRole('button', { name: 'Rewards' }).click();
    const freeCoffee = page.getByRole('listitem').filter({ hasText: 'Free coffee' });
    await freeCoffee.getByText('You can get this now — ask at the till').waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: '10 € off' })
      .getByText('475 more points needed')
      .waitFor();
    await screenshot(page, 'card-rewards');
    await page.getByRole('button', { name: 'Profile' }).click();
    await page.getByRole('checkbox', { name: 'Text message (SMS)' }).check();
    await page.getByRole('button', { name: 'Save preferences' }).click();
    await page.getByText('Your preferences are saved.').waitFor();
    await page.getByRole('button', { name: 'Card' }).click();
  });

  it('lets the marketer create a double-points rule, simulate it and publish it', async () => {
    const marketer = await open(DESKTOP);
    const { page } = marketer;
    await signInStaff(page, 'marketer@example.com');
    await page.getByRole('heading', { name: 'Reward rules' }).waitFor();
    await page.getByRole('link', { name: '1 point per €1' }).waitFor();
    await page.getByRole('button', { name: 'New rule' }).click();

    await page.getByLabel('Name', { exact: true }).fill('Double points');
    await page.locator('select[name="effect-type"]').selectOption('multiplyPoints');
    expect(await page.locator('input[name="effect-factor"]').inputValue()).toBe('2');
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = JSON.parse(await page.getByLabel('Rule definition (JSON)').inputValue()) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      name: 'Double points',
      effects: [{ type: 'multiplyPoints', factorBasisPoints: 20000, targets: { baseEarn: true } }],
    });
    await page.getByRole('tab', { name: 'Form' }).click();
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByText('Draft saved.').waitFor();

    await page.getByLabel('Rules to run').selectOption('published+drafts');
    await page.locator('input[name="sim-price-0"]').fill('10.00');
    await page.getByRole('button', { name: 'Run simulation' }).click();
    await expect.poll(() => page.getByTestId('sim-points').textContent()).toBe('20 points');
    await page.getByRole('cell', { name: 'Double points' }).waitFor();
    await screenshot(page, 'staff-rules-simulation', { fullPage: true });

    await page.getByRole('toolbar').getByRole('button', { name: 'Publish' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Publish' }).click();
    await page.getByText('Published: it applies to purchases from now on.').waitFor();
    await page.getByText('Version 1 ·').waitFor();
    await page.getByRole('link', { name: 'All rules' }).click();
    await page.getByRole('link', { name: 'Double points' }).waitFor();
    await screenshot(page, 'staff-rules-list');
    await marketer.context.close();
  });

  it('earns double points on the next purchase, applies a reward in the checkout, completes and undoes the sale', async () => {
    const { page } = desk;
    const serve = async () => {
      await page.keyboard.press('F2');
      await page.getByLabel('Scan the card, or type the phone or card number').fill(cardNumber);
      await page.keyboard.press('Enter');
      await page.getByTestId('member-panel').waitFor();
    };
    await serve();
    await page.getByLabel(/^Total/).fill('10');
    await page.keyboard.press('Enter');
    await page.getByTestId('complete-sale').click();
    await expect.poll(() => page.getByTestId('points-earned').textContent()).toBe('+20 points');
    expect(await page.getByTestId('desk-available').textContent()).toBe('45');

    // A basket with a coffee: the free coffee applies, the big reward says what is missing.
    await serve();
    await page.getByRole('button', { name: '+ Add a line' }).click();
    await page.getByLabel('SKU 1').fill('COFFEE');
    await page.getByLabel('Unit price 1').fill('2.50');
    await page.keyboard.press('Enter');
    const checkout = page.getByTestId('checkout-panel');
    await checkout.waitFor();
    expect(await checkout.getByRole('button', { name: '10 € off' }).isDisabled()).toBe(true);
    await checkout.getByText('500 points · needs 455 more points').waitFor();
    await checkout.getByRole('button', { name: 'Free coffee' }).click();
    await checkout.getByTestId('applied-line').filter({ hasText: 'Free coffee' }).waitFor();
    await expect.poll(() => page.getByTestId('checkout-to-pay').textContent()).toBe('€0.00');
    // The points are held at once: the balance shown drops before the sale completes.
    await expect.poll(() => page.getByTestId('desk-available').textContent()).toBe('25');
    await screenshot(page, 'staff-desk-redeem');
    await page.getByTestId('complete-sale').click();
    await expect.poll(() => page.getByTestId('points-earned').textContent()).toBe('+0 points · −20 points');

    // Undo until the next customer: the sale is refunded in full and the points come back.
    await page.getByRole('button', { name: 'Undo this sale' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Undo sale' }).click();
    await expect
      .poll(() => page.getByTestId('receipt-undone').textContent())
      .toBe('Sale undone: 20 points given back, 0 points taken back.');
    expect(await page.getByTestId('desk-available').textContent()).toBe('45');
  });

  it('never lets a cashier cancel a redemption that paid for a sale on its own', async () => {
    const { page } = desk;
    // A redemption the POS linked to a recorded sale: the portal offers the refund of the sale instead.
    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const identified = await api<{ member: { id: string } }>(app.baseUrl, 'POST', '/members/identify', {
      token: cashier,
      body: { code: cardNumber },
    });
    const memberId = identified.body.member.id;
    const redemption = await api<{ id: string }>(app.baseUrl, 'POST', '/redemptions', {
      token: cashier,
      body: { memberId, points: 5 },
      idempotencyKey: `e2e-settled-${Date.now()}`,
    });
    const stores = await api<{ items: { id: string; code: string }[] }>(app.baseUrl, 'GET', '/stores', {
      token: cashier,
    });
    const storeId = stores.body.items.find((store) => store.code === 'CENTRO')?.id;
    const sale = await api(app.baseUrl, 'POST', '/purchases', {
      token: cashier,
      idempotencyKey: `e2e-settled-sale-${Date.now()}`,
      body: {
        memberId,
        storeId,
        currency: 'EUR',
        totalMinor: 1000,
        items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 1000 }],
        redemptionIds: [redemption.body.id],
      },
    });
    expect(sale.status).toBe(201);
    await page.goto(`${app.baseUrl}/staff/members/${memberId}`);
    await page.getByRole('heading', { name: 'Lucía Pérez' }).waitFor();
    // The newest ledger entry with a cancel button is the linked redemption.
    await page.getByRole('button', { name: 'Cancel redemption…' }).first().click();
    await page.getByRole('dialog').getByText('This redemption paid for a sale').waitFor();
    await page.getByTestId('redemption-settled').waitFor();
    await page.getByRole('dialog').getByText('Ask a manager to refund the sale.').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'OK' }).click();
    await page.goto(`${app.baseUrl}/staff/desk`);
  });

  it('shows the marketer the four stacking modes, one sentence each', async () => {
    const marketer = await open(DESKTOP);
    const { page } = marketer;
    await signInStaff(page, 'marketer@example.com');
    await page.getByRole('button', { name: 'New rule' }).click();
    await page
      .getByText('Of the rules in its group, only the one with the highest priority applies')
      .waitFor();
    await page.getByText('When this rule applies, no other rule applies to the purchase').waitFor();
    await page.getByLabel(/^Exclusive: this rule alone/).check();
    await page.getByRole('tab', { name: 'JSON' }).click();
    const json = JSON.parse(await page.getByLabel('Rule definition (JSON)').inputValue()) as Record<
      string,
      unknown
    >;
    expect(json.stacking).toEqual({ mode: 'exclusive' });
    await marketer.context.close();
  });

  it('shows a QR code with the network cut that the API accepts once the network is back', async () => {
    const { page, context } = card;
    // The service worker has installed and precached the card before the network goes.
    await page.evaluate('navigator.serviceWorker.ready.then(() => true)');
    await context.setOffline(true);
    await page.reload();
    const payload = await qrPayload(page);
    await page.getByText(/You are offline/).waitFor();
    await screenshot(page, 'card-offline');
    await context.setOffline(false);

    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const identified = await api<{ method: string; member: { cardNumber: string; name: string } }>(
      app.baseUrl,
      'POST',
      '/members/identify',
      {
        token: cashier,
        body: { code: payload },
      },
    );
    expect(identified.status).toBe(200);
    expect(identified.body).toMatchObject({
      method: 'card_code',
      member: { cardNumber, name: 'Lucía Pérez' },
    });
  });

  it('speaks Spanish to a browser set to Spanish, and can switch', async () => {
    const spanish = await open(PHONE, 'es-ES');
    await spanish.page.goto(`${app.baseUrl}/card/`);
    await spanish.page.getByRole('heading', { name: 'Únete y empieza a ganar' }).waitFor();
    await spanish.context.close();
    const staff = await open(DESKTOP, 'es-ES');
    await staff.page.goto(`${app.baseUrl}/staff/`);
    await staff.page.getByRole('heading', { name: 'Acceso del personal' }).waitFor();
    await staff.page.getByLabel('Idioma').selectOption('en');
    await staff.page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
    await staff.context.close();
  });

  it('signs the card out at once when a manager blocks it, and says why', async () => {
    const manager = await staffToken(app.baseUrl, 'manager@example.com');
    const found = await api<{ items: Array<{ id: string }> }>(
      app.baseUrl,
      'GET',
      `/members?cardNumber=${cardNumber}`,
      {
        token: manager,
      },
    );
    const memberId = found.body.items[0]?.id ?? '';
    const blocked = await api(app.baseUrl, 'POST', `/members/${memberId}/block`, {
      token: manager,
      body: { reason: 'lost card' },
    });
    expect(blocked.status).toBe(200);
    const { page } = card;
    await page.reload();
    await page.getByText('This card has been blocked, so it was signed out. Ask at the till.').waitFor();
    await expect
      .poll(() => page.getByRole('heading', { name: 'Join and start earning' }).isVisible())
      .toBe(true);
    await screenshot(page, 'card-blocked');
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
