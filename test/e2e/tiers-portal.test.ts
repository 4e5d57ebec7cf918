// The tier ladder's portal screens in Debian's Chromium: a marketer lowers Silver's threshold, sees in the
// preview which member would move up (by name and card number, never an id), publishes version 2; a
// manager then sets that member's tier by hand with a reason (refused in words without one), sees it in
// the tier history, and removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, screenshot, watchConsole } from './support/chromium.js';

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let portal: Page;
let consoleProblems: string[] = [];
let member: { id: string; cardNumber: string };

type MemberTierView = { tier: { code: string }; qualifyingValue: number };

beforeAll(async () => {
  app = await startE2eApp();
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const cashier = await staffToken(app.baseUrl, 'cashier@example.com');
  const published = await api(app.baseUrl, 'POST', '/tiers/ladder', {
    token: marketer,
    body: {
      basis: 'spend',
      window: { kind: 'calendar_year' },
      retention: { kind: 'end_of_next_calendar_year' },
      downgrade: { policy: 'one_down', graceDays: 0, warnDaysBefore: 30 },
      tiers: [
        { code: 'bronze', name: 'Bronze', threshold: 0 },
        { code: 'silver', name: 'Silver', threshold: 100_000, discountPercent: 5 },
        { code: 'gold', name: 'Gold', threshold: 300_000, discountPercent: 10 },
      ],
    },
  });
  expect(published.status).toBe(201);
  const created = await api<{ id: string; cardNumber: string }>(app.baseUrl, 'POST', '/members', {
    token: cashier,
    body: { name: 'Elena Rusu', phone: `+4073${String(Date.now()).slice(-7)}` },
  });
  expect(created.status).toBe(201);
  member = created.body;
  const stores = await api<{ items: { id: string; code: string }[] }>(app.baseUrl, 'GET', '/stores', {
    token: cashier,
  });
  const sale = await api(app.baseUrl, 'POST', '/purchases', {
    token: cashier,
    idempotencyKey: `e2e-tiers-portal-${Date.now()}`,
    body: {
      memberId: member.id,
      storeId: stores.body.items.find((store) => store.code === 'CENTRO')?.id,
      currency: 'EUR',
      totalMinor: 2_500,
      items: [{ sku: 'CAKE', quantity: 1, unitPriceMinor: 2_500 }],
    },
  });
  expect(sale.status).toBe(201);
  // The member's tier state counts the sale (the tier subscriber may follow the purchase's event).
  let counted = 0;
  for (let attempt = 0; attempt < 100 && counted !== 2_500; attempt += 1) {
    const tier = await api<MemberTierView>(app.baseUrl, 'GET', `/members/${member.id}/tier`, {
      token: cashier,
    });
    counted = tier.body.qualifyingValue;
    if (counted !== 2_500) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(counted).toBe(2_500);
  browser = await launchChromium();
  context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  consoleProblems = watchConsole(context, (text) => /status of 4\d\d/.test(text));
  portal = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

async function signIn(email: string) {
  await portal.goto(`${app.baseUrl}/staff/`);
  await portal.getByLabel('Email').fill(email);
  await portal.getByLabel('Password').fill('demo1234');
  await portal.getByRole('button', { name: 'Sign in' }).click();
  await portal.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe('the tier ladder screens in Chromium', () => {
  it('publishes a new ladder version after its preview names the member who moves up', async () => {
    await signIn('marketer@example.com');
    await portal.getByRole('link', { name: 'Tiers' }).click();
    await portal.getByRole('heading', { name: 'Tier ladder', level: 1 }).waitFor();
    await portal.getByText('Version 1, published', { exact: false }).waitFor();
    const publish = portal.getByRole('button', { name: 'Publish', exact: true });
    expect(await publish.isDisabled()).toBe(true);

    const silver = portal.getByRole('group', { name: 'Tier 2' });
    await silver.getByLabel('From (spend, EUR)').fill('ten');
    await portal.getByRole('button', { name: 'Preview' }).click();
    await silver.getByText('Enter an amount of 0 or more.').waitFor();
    expect(await publish.isDisabled()).toBe(true);

    await silver.getByLabel('From (spend, EUR)').fill('20');
    await portal.getByRole('button', { name: 'Preview' }).click();
    const preview = portal.getByTestId('tier-preview');
    await preview.getByText('1 would move up and 0 would move down', { exact: false }).waitFor();
    const moved = preview.getByRole('row').filter({ hasText: 'Elena Rusu' });
    await moved.getByText('Bronze → Silver').waitFor();
    expect(await moved.textContent()).toContain(member.cardNumber);
    expect(await moved.textContent()).toContain('€25.00');
    expect(await preview.textContent()).not.toMatch(/[0-9a-f]{24}/);
    await portal.getByLabel('Why the ladder changes (kept in the audit log)').fill('Silver within reach');
    await screenshot(portal, 'staff-tiers-ladder', { fullPage: true });

    await publish.click();
    await portal.getByText('Version 2 is published.', { exact: false }).waitFor();
    await portal.getByText('Version 2, published', { exact: false }).waitFor();
    const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
    const ladder = await api<{ version: number; tiers: { code: string; threshold: number }[] }>(
      app.baseUrl,
      'GET',
      '/tiers/ladder',
      { token: marketer },
    );
    expect(ladder.body.version).toBe(2);
    expect(ladder.body.tiers.find((tier) => tier.code === 'silver')?.threshold).toBe(2_000);
  });

  it('a manager sets the member’s tier by hand with a reason, sees it in the history, and removes it', async () => {
    await portal.getByRole('button', { name: 'Sign out' }).click();
    await signIn('manager@example.com');
    await portal.goto(`${app.baseUrl}/staff/members/${member.id}`);
    const panel = portal.getByTestId('member-tier');
    await panel.waitFor();
    await panel.getByLabel('Tier', { exact: true }).selectOption({ label: 'Gold' });
    await panel.getByRole('button', { name: 'Set tier' }).click();
    await panel.getByText('Say why: the reason is kept with the change.').waitFor();

    await panel.getByLabel('Reason (the member’s history shows it)').fill('Complaint resolved: VIP');
    await panel.getByRole('button', { name: 'Set tier' }).click();
    await panel.getByText('The tier is set by hand.').waitFor();
    await panel.getByRole('heading', { name: 'Tier: Gold' }).waitFor();
    await panel.getByTestId('member-tier-override').getByText('at least Gold', { exact: false }).waitFor();
    await panel
      .getByRole('row')
      .filter({ hasText: 'Complaint resolved: VIP' })
      .getByText('Set by hand', { exact: false })
      .waitFor();
    await screenshot(portal, 'staff-tiers-member', { fullPage: true });

    await panel.getByLabel('Reason for removing it').fill('Trial over');
    await panel.getByRole('button', { name: 'Remove the manual tier' }).click();
    await panel.getByText('The manual tier is removed', { exact: false }).waitFor();
    await panel.getByRole('row').filter({ hasText: 'Trial over' }).waitFor();
    const manager = await staffToken(app.baseUrl, 'manager@example.com');
    const tier = await api<MemberTierView & { override: unknown }>(
      app.baseUrl,
      'GET',
      `/members/${member.id}/tier`,
      { token: manager },
    );
    expect(tier.body.override).toBeNull();
  });

  it('logged no errors in the browser console', () => {
    expect(consoleProblems).toEqual([]);
  });
});
