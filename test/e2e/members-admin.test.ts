// The rest of the admin area and the members screen as an admin uses them, in Debian's Chromium: a reward
// created with a picture (a file that only claims to be a PNG refused in words) that the member then sees
// on the card; a member found by a middle word of the name, blocked and unblocked with a reason, the profile
// edited and the card secret replaced (the old card code refused after); each of these read back in the
// audit log with its filters; the ledger verified.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, PHONE, launchChromium, screenshot, watchConsole } from './support/chromium.js';

// Refusals the test causes on purpose (a fake picture, a reason left out) answer 4xx; Chromium logs them.
const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);
const PAYLOAD = /^RGL1:(\d{12}):\d{6}$/;
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

let app: E2eApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const consoleProblems: string[][] = [];
let card: Page;
let portal: Page;
let adminToken = '';
let oldPayload = '';

async function open(options: typeof PHONE | typeof DESKTOP): Promise<Page> {
  const context = await browser.newContext({ ...options, locale: 'en-US', serviceWorkers: 'block' });
  contexts.push(context);
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return context.newPage();
}

/** Nothing a person reads is an internal id or an amount in minor units. */
async function expectHumanText(page: Page): Promise<void> {
  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\b[0-9a-f]{24}\b/);
  expect(text).not.toMatch(/minor/i);
}

const adminNav = () => portal.getByRole('navigation', { name: 'Admin area' });

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  adminToken = await staffToken(app.baseUrl, 'admin@example.com');
}, 180_000);

afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
  await app?.close();
});

describe('rewards, audit, ledger verification and members in Chromium', () => {
  it('lets a customer join on the card (the card code of the phone they will lose)', async () => {
    card = await open(PHONE);
    await card.goto(`${app.baseUrl}/card/`);
    await card.getByLabel('Mobile phone number').fill('+34 611 222 333');
    await card.getByRole('button', { name: 'Send me a code' }).click();
    const hint = await card.getByTestId('dev-code').textContent();
    await card.getByLabel('Code').fill(/(\d{6})/.exec(hint ?? '')?.[1] ?? '');
    await card.getByRole('button', { name: 'Continue' }).click();
    await card.getByLabel('Your name').fill('Marta Inés Quiroga Sanz');
    await card.getByRole('button', { name: 'Create my card' }).click();
    const qr = card.getByRole('img', { name: /QR code/ });
    await expect.poll(() => qr.getAttribute('data-payload')).toMatch(PAYLOAD);
    oldPayload = (await qr.getAttribute('data-payload')) ?? '';
  });

  it('creates a reward with a picture, refusing a file that is not one, and shows it on the card', async () => {
    portal = await open(DESKTOP);
    await portal.goto(`${app.baseUrl}/staff/`);
    await portal.getByLabel('Email').fill('admin@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await adminNav().getByRole('link', { name: 'Rewards catalogue' }).click();
    await portal.getByRole('heading', { name: 'Rewards catalogue', level: 1 }).waitFor();

    await portal.getByRole('button', { name: 'Add reward' }).click();
    await portal.getByRole('button', { name: 'Add reward' }).last().click();
    await portal.getByText('Enter the name of the reward.').waitFor();
    await portal.getByLabel('Name', { exact: true }).fill('Almond croissant');
    await portal.getByLabel('Points it costs').fill('40');
    await portal.getByLabel('What the member gets').selectOption('free_product');
    await portal.getByLabel('Product code (SKU)').fill('CROISSANT-ALM');
    await portal.getByLabel('Units left').fill('25');
    await portal.getByLabel('Times one member may redeem it').fill('2');
    // A text file named like a picture: the server reads the bytes and refuses it.
    await portal.getByLabel('Picture').setInputFiles({
      name: 'croissant.png',
      mimeType: 'image/png',
      buffer: Buffer.from('not a picture at all'),
    });
    await portal.getByRole('button', { name: 'Add reward' }).last().click();
    await portal.getByText('This file is not a JPEG, PNG or WebP picture.').waitFor();
    await portal
      .getByLabel('Picture')
      .setInputFiles({ name: 'croissant.png', mimeType: 'image/png', buffer: PNG });
    // Enter in a field saves; the reward made by the first attempt is changed, not made twice.
    await portal.getByLabel('Units left').press('Enter');
    await portal.getByText('Reward saved.').waitFor();
    const row = portal.getByRole('row').filter({ hasText: 'Almond croissant' });
    await row.getByText('Free CROISSANT-ALM').waitFor();
    await expect(row.count()).resolves.toBe(1);
    await row.getByText('2 per member').waitFor();
    await row.getByRole('img', { name: 'Picture of Almond croissant' }).waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-rewards', { fullPage: true });

    const { body: rewards } = await api<{
      items: { name: string; imageUrl: string | null; stock: number }[];
    }>(app.baseUrl, 'GET', '/rewards?limit=100', { token: adminToken });
    const created = rewards.items.filter((reward) => reward.name === 'Almond croissant');
    expect(created).toHaveLength(1);
    expect(created[0]?.imageUrl).toMatch(/\/image\?v=/);

    await card.reload();
    await card.getByRole('button', { name: 'Rewards' }).click();
    const picture = card
      .getByRole('listitem')
      .filter({ hasText: 'Almond croissant' })
      .locator('img.reward-image');
    await picture.waitFor();
    await expect
      .poll(() => picture.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBe(1);
    await screenshot(card, 'members-card-reward-picture');
  });

  it('finds the member by a middle word of the name, blocks and unblocks with a reason, edits the profile', async () => {
    await portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }).click();
    await portal.getByRole('heading', { name: 'Members', level: 1 }).waitFor();
    // "ines": the second word, without its accent.
    await portal.getByLabel('Phone, card number, email or name').fill('ines');
    await portal.getByLabel('Phone, card number, email or name').press('Enter');
    const found = portal.getByRole('row').filter({ hasText: 'Marta Inés Quiroga Sanz' });
    await found.waitFor();
    await portal.getByLabel('Status').selectOption('true');
    await portal.getByRole('button', { name: 'Search' }).click();
    await portal.getByText('No member matches.').waitFor();
    await portal.getByLabel('Status').selectOption('false');
    await portal.getByLabel('Phone, card number, email or name').fill('quir sa');
    await portal.getByRole('button', { name: 'Search' }).click();
    await found.waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'members-search', { fullPage: true });

    await found.getByRole('link', { name: 'Marta Inés Quiroga Sanz' }).click();
    await portal.getByRole('heading', { name: /Marta Inés Quiroga Sanz/, level: 1 }).waitFor();
    await portal.getByRole('button', { name: 'Block', exact: true }).click();
    const block = portal.getByRole('dialog', { name: 'Block Marta Inés Quiroga Sanz?' });
    await block.waitFor();
    await portal.keyboard.press('Enter');
    await block.getByText('Say why (at least 3 characters).').waitFor();
    await block.getByLabel('Reason').fill('Card shared with strangers');
    await block.getByLabel('Reason').press('Enter');
    await portal.getByRole('heading', { name: /Blocked/, level: 1 }).waitFor();
    await portal.getByRole('button', { name: 'Unblock' }).click();
    const unblock = portal.getByRole('dialog', { name: 'Unblock Marta Inés Quiroga Sanz?' });
    await unblock.getByLabel('Reason (optional)').fill('Cleared with the manager');
    await unblock.getByRole('button', { name: 'Unblock' }).click();
    await unblock.waitFor({ state: 'detached' });
    await portal.getByRole('button', { name: 'Block', exact: true }).waitFor();

    await portal.getByRole('button', { name: 'Edit profile' }).click();
    await portal.getByLabel('Email').fill('not-an-email');
    await portal.getByRole('button', { name: 'Save profile' }).click();
    await portal.getByText('Enter an email such as ana@example.com, or leave it empty.').waitFor();
    await portal.getByLabel('Email').fill('marta.quiroga@example.com');
    await portal.getByLabel('Birthday').fill('1988-02-29');
    await portal.getByLabel('Email').press('Enter');
    await portal.getByText('Profile saved.').waitFor();
    await portal.getByText(/marta\.quiroga@example\.com/).waitFor();
  });

  it('replaces the card secret after a confirmation that says the old QR stops, and the old code is refused', async () => {
    const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
    const before = await api<{ method: string }>(app.baseUrl, 'POST', '/members/identify', {
      token: cashier,
      body: { code: oldPayload },
    });
    expect(before.status).toBe(200);

    await portal.getByRole('button', { name: 'Replace the card (lost phone)' }).click();
    const dialog = portal.getByRole('dialog', { name: 'Replace the card of Marta Inés Quiroga Sanz?' });
    await dialog.getByText(/The QR code on the old phone stops working at once/).waitFor();
    await screenshot(portal, 'members-replace-card');
    await dialog.getByRole('button', { name: 'Replace the card' }).click();
    await portal.getByText(/Card replaced .*The old QR code no longer works\./).waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'members-detail', { fullPage: true });

    const after = await api<{ error: { code: string } }>(app.baseUrl, 'POST', '/members/identify', {
      token: cashier,
      body: { code: oldPayload },
    });
    expect(after.status).toBe(422);
    expect(after.body.error.code).toBe('CARD_CODE_EXPIRED');
  });

  it('reads the audit entry of each action with the filters, the changes shown before and after', async () => {
    await portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await adminNav().getByRole('link', { name: 'Audit log' }).click();
    await portal.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    const entries = portal.getByTestId('audit-entry');
    await entries.first().waitFor();

    const filterBy = async (action: string) => {
      await portal.getByLabel('Action').selectOption({ label: action });
      await portal.getByRole('button', { name: 'Show entries' }).click();
      const entry = entries.filter({ hasText: action }).first();
      await entry.waitFor();
      await expect(entries.count()).resolves.toBeGreaterThan(0);
      for (const text of await entries.allInnerTexts()) expect(text).toContain(action);
      return entry;
    };

    const created = await filterBy('Reward added');
    await created.getByText('Almond croissant').first().waitFor();
    await filterBy('Reward picture set');
    const blocked = await filterBy('Member blocked');
    await blocked.getByText('Reason: Card shared with strangers').waitFor();
    const diff = blocked.getByRole('row').filter({ hasText: 'is blocked' });
    await diff.getByRole('cell', { name: 'No' }).waitFor();
    await diff.getByRole('cell', { name: 'Yes' }).waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-audit', { fullPage: true });
    const unblocked = await filterBy('Member unblocked');
    await unblocked.getByText('Reason: Cleared with the manager').waitFor();
    const updated = await filterBy('Profile changed');
    await updated
      .getByRole('row')
      .filter({ hasText: 'email' })
      .getByText('marta.quiroga@example.com')
      .waitFor();
    await filterBy('Card secret replaced');
    await expectHumanText(portal);

    // Who and when: the admin's entries of today; a range that ends before it starts is refused in words.
    await portal.getByLabel('Action').selectOption({ label: 'Any action' });
    await portal.getByLabel('Who').selectOption({ label: 'Ada Admin (admin@example.com)' });
    const today = new Date().toISOString().slice(0, 10);
    await portal.getByLabel('From (day)').fill(today);
    await portal.getByLabel('To (day, included)').fill('2020-01-01');
    await portal.getByRole('button', { name: 'Show entries' }).click();
    await portal.getByText('The last day must not be before the first day.').waitFor();
    await portal.getByLabel('To (day, included)').fill(today);
    await portal.getByRole('button', { name: 'Show entries' }).click();
    await entries.filter({ hasText: 'Card secret replaced' }).waitFor();
    await portal.getByLabel('From (day)').fill('2020-01-01');
    await portal.getByLabel('To (day, included)').fill('2020-01-02');
    await portal.getByRole('button', { name: 'Show entries' }).click();
    await portal.getByText('No entry matches these filters.').waitFor();
  });

  it('runs the ledger verification and shows that everything matches', async () => {
    await adminNav().getByRole('link', { name: 'Ledger verification' }).click();
    await portal.getByRole('heading', { name: 'Ledger verification', level: 1 }).waitFor();
    await portal.getByRole('button', { name: 'Run the verification' }).click();
    await portal
      .getByTestId('ledger-result')
      .getByText(/Everything matches\. Members checked: \d+\./)
      .waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-ledger', { fullPage: true });
    for (const problems of consoleProblems) expect(problems).toEqual([]);
  });
});
