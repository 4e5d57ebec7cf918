// The portal's admin area as an admin uses it, in Debian's Chromium: program settings saved, a store
// added (a taken code refused in words), a cashier created who then signs in, an API key created (its
// secret shown once) that works until it is revoked in the portal and is refused after, and the audit
// entry of each of these.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, screenshot, watchConsole } from './support/chromium.js';

type AuditEntry = { action: string; entityType: string; entityId: string | null; after: unknown };

// The refused store code answers 409 on purpose; Chromium logs it.
const isExpectedNoise = (text: string) => /status of 4\d\d/.test(text);

let app: E2eApp;
let browser: Browser;
const contexts: BrowserContext[] = [];
const consoleProblems: string[][] = [];
let portal: Page;
let adminToken = '';
let apiKey = '';

async function open(): Promise<Page> {
  const context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  contexts.push(context);
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return context.newPage();
}

async function signIn(page: Page, email: string, password = 'demo1234'): Promise<void> {
  await page.goto(`${app.baseUrl}/staff/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function auditEntries(): Promise<AuditEntry[]> {
  const { status, body } = await api<{ items: AuditEntry[] }>(app.baseUrl, 'GET', '/audit?limit=100', {
    token: adminToken,
  });
  expect(status).toBe(200);
  return body.items;
}

/** Nothing a person reads in the admin area is an internal id or an amount in minor units. */
async function expectHumanText(page: Page): Promise<void> {
  const text = await page.locator('main').innerText();
  expect(text).not.toMatch(/\b[0-9a-f]{24}\b/);
  expect(text).not.toMatch(/minor/i);
}

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

describe('the admin area in Chromium', () => {
  it('shows the Admin entry to an admin and saves program settings typed in the currency', async () => {
    portal = await open();
    await signIn(portal, 'admin@example.com');
    await portal.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    await portal.getByRole('heading', { name: 'Program settings', level: 1 }).waitFor();
    const area = portal.getByRole('navigation', { name: 'Admin area' });
    for (const name of ['Program settings', 'Stores', 'Staff and roles', 'API keys', 'Webhooks'])
      await area.getByRole('link', { name }).waitFor();
    await area.getByRole('button', { name: 'Job queues' }).waitFor();

    await portal.getByLabel('Checkout hold time (minutes)').fill('0');
    await portal.getByRole('button', { name: 'Save settings' }).click();
    await portal.getByText('Enter a whole number from 1 to 1440.').waitFor();
    await portal.getByLabel('Checkout hold time (minutes)').fill('20');
    await portal.getByLabel(/^Value of one point/).fill('0.02');
    // Enter in a field saves, as the button does.
    await portal.getByLabel(/^Value of one point/).press('Enter');
    await portal.getByText('Settings saved.').waitFor();
    const { body: program } = await api<{ checkoutTtlMinutes: number; pointValueMinor: number }>(
      app.baseUrl,
      'GET',
      '/program',
      { token: adminToken },
    );
    expect(program).toMatchObject({ checkoutTtlMinutes: 20, pointValueMinor: 2 });
    await expectHumanText(portal);
    await screenshot(portal, 'admin-program', { fullPage: true });

    const update = (await auditEntries()).find((entry) => entry.action === 'program.update');
    expect(update?.after).toMatchObject({ checkoutTtlMinutes: 20, pointValueMinor: 2 });
  });

  it('adds a store, refuses a taken code in words, and deactivates and reactivates it after a confirmation', async () => {
    await portal
      .getByRole('navigation', { name: 'Admin area' })
      .getByRole('link', { name: 'Stores' })
      .click();
    await portal.getByRole('heading', { name: 'Stores', level: 1 }).waitFor();
    await portal.getByRole('row').filter({ hasText: 'CENTRO' }).waitFor();

    await portal.getByRole('button', { name: 'Add store' }).click();
    await portal.getByLabel('Name', { exact: true }).fill('Harbour');
    await portal.getByLabel('Code', { exact: true }).fill('CENTRO');
    await portal.getByLabel('City').fill('Valencia');
    await portal.getByRole('button', { name: 'Add store' }).click();
    await portal.getByText('Another store already has this code. Choose another one.').waitFor();
    await portal.getByLabel('Code', { exact: true }).fill('HARBOUR');
    await portal.getByLabel('Code', { exact: true }).press('Enter');
    const row = portal.getByRole('row').filter({ hasText: 'HARBOUR' });
    await row.getByText('Active', { exact: true }).waitFor();
    await row.getByText('Valencia').waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-stores', { fullPage: true });

    await row.getByRole('button', { name: 'Deactivate Harbour' }).click();
    await portal
      .getByRole('dialog', { name: 'Deactivate Harbour?' })
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await row.getByText('Inactive', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Reactivate Harbour' }).click();
    // Enter confirms the dialog's primary action.
    await portal.getByRole('dialog', { name: 'Reactivate Harbour?' }).waitFor();
    await portal.keyboard.press('Enter');
    await row.getByText('Active', { exact: true }).waitFor();

    const entries = await auditEntries();
    expect(entries.find((entry) => entry.action === 'store.create')?.after).toMatchObject({
      code: 'HARBOUR',
      name: 'Harbour',
    });
    expect(entries.find((entry) => entry.action === 'store.update')?.after).toMatchObject({ isActive: true });
  });

  it('creates a cashier for that store who then signs in and sees the cashier desk', async () => {
    await portal
      .getByRole('navigation', { name: 'Admin area' })
      .getByRole('link', { name: 'Staff and roles' })
      .click();
    await portal.getByRole('heading', { name: 'Staff and roles', level: 1 }).waitFor();
    await portal.getByRole('row').filter({ hasText: 'cashier@example.com' }).waitFor();
    await portal.getByRole('button', { name: 'Add staff member' }).click();
    await portal.getByLabel('Name', { exact: true }).fill('Hana Harbour');
    await portal.getByLabel('Email').fill('hana@example.com');
    await portal.getByLabel('Role', { exact: true }).selectOption({ label: 'Cashier' });
    await portal.getByLabel('Store', { exact: true }).selectOption({ label: 'Harbour' });
    await portal.getByLabel('First password').fill('short');
    await portal.getByRole('button', { name: 'Add staff member' }).last().click();
    await portal.getByText('Use at least 8 characters.').waitFor();
    await portal.getByLabel('First password').fill('harbour-till-1');
    await portal.getByLabel('First password').press('Enter');
    await portal.getByText('Hana Harbour can now sign in as hana@example.com.').waitFor();
    const row = portal.getByRole('row').filter({ hasText: 'hana@example.com' });
    await row.getByText('Cashier', { exact: true }).waitFor();
    await row.getByText('Harbour', { exact: true }).waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-staff', { fullPage: true });

    const cashier = await open();
    await signIn(cashier, 'hana@example.com', 'harbour-till-1');
    await cashier.getByRole('link', { name: 'Cashier desk' }).waitFor();
    expect(await cashier.getByRole('link', { name: 'Admin' }).count()).toBe(0);

    const created = (await auditEntries()).find((entry) => entry.action === 'staff.create');
    expect(created?.after).toMatchObject({ email: 'hana@example.com', role: 'cashier' });
  });

  it('creates an API key shown once, which works until it is revoked in the portal and is refused after', async () => {
    await portal
      .getByRole('navigation', { name: 'Admin area' })
      .getByRole('link', { name: 'API keys' })
      .click();
    await portal.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await portal.getByRole('button', { name: 'Create API key' }).click();
    await portal.getByLabel('Name', { exact: true }).fill('Harbour till');
    await portal.getByRole('button', { name: 'Create key' }).click();
    await portal.getByText('Choose at least one scope.').waitFor();
    await portal.getByLabel('members:read').check();
    await portal.getByLabel('purchases:write').check();
    await portal.getByLabel('Store', { exact: true }).selectOption({ label: 'Harbour' });
    await portal.getByRole('button', { name: 'Create key' }).click();
    await portal.getByRole('heading', { name: 'Key “Harbour till” created' }).waitFor();
    await portal.getByText('it will not be shown again', { exact: false }).waitFor();
    apiKey = await portal.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(apiKey.length).toBeGreaterThan(20);
    await screenshot(portal, 'admin-api-keys-created', { fullPage: true });
    await portal.getByRole('button', { name: 'I have saved it' }).click();
    expect(await portal.getByRole('textbox', { name: 'API key' }).count()).toBe(0);

    const withKey = () =>
      fetch(`${app.baseUrl}/api/v1/program`, { headers: { 'X-Api-Key': apiKey } }).then((r) => r.status);
    expect(await withKey()).toBe(200);

    const row = portal.getByRole('row').filter({ hasText: 'Harbour till' });
    // The key was used a moment ago (recorded in the background): the list says when, instead of "Never".
    await expect
      .poll(async () => {
        await portal.reload();
        await row.getByText('members:read').waitFor();
        return row.getByText('Never', { exact: true }).count();
      })
      .toBe(0);
    await row.getByRole('button', { name: 'Revoke Harbour till' }).click();
    const dialog = portal.getByRole('dialog', { name: 'Revoke Harbour till?' });
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/^Revoked /).waitFor();
    await expectHumanText(portal);
    await screenshot(portal, 'admin-api-keys', { fullPage: true });

    expect(await withKey()).toBe(401);
    const entries = await auditEntries();
    expect(entries.find((entry) => entry.action === 'api_key.create')?.after).toMatchObject({
      name: 'Harbour till',
    });
    expect(entries.some((entry) => entry.action === 'api_key.revoke')).toBe(true);
  });

  it('keeps the admin area from other roles and logs nothing unexpected in the console', async () => {
    const manager = await open();
    await signIn(manager, 'manager@example.com');
    expect(await manager.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await manager.goto(`${app.baseUrl}/staff/admin/stores`);
    await manager.getByRole('heading', { name: 'Page not found' }).waitFor();
    for (const problems of consoleProblems) expect(problems).toEqual([]);
  });
});
