// The Stamp cards screen as a marketer uses it, in Debian's Chromium: the empty list, a new card refused
// in words until it is complete, then listed with its reward's name, edited and archived; the rules
// designer's stamp effect then offers the card by its name, never its id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, watchConsole } from './support/chromium.js';

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let portal: Page;
let consoleProblems: string[] = [];

beforeAll(async () => {
  app = await startE2eApp();
  // The demo data has a Coffee card: archived first, so that the screen starts empty.
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const cards = await api<{ items: { id: string }[] }>(app.baseUrl, 'GET', '/stamp-cards?status=active', {
    token: marketer,
  });
  for (const card of cards.body.items) {
    const archived = await api(app.baseUrl, 'POST', `/stamp-cards/${card.id}/archive`, { token: marketer });
    expect(archived.status).toBe(200);
  }
  browser = await launchChromium();
  context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  consoleProblems = watchConsole(context, () => false);
  portal = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

describe('the Stamp cards screen in Chromium', () => {
  it('creates a card after saying what is missing, edits it and archives it', async () => {
    await portal.goto(`${app.baseUrl}/staff/`);
    await portal.getByLabel('Email').fill('marketer@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('button', { name: 'Sign out' }).waitFor();
    await portal.getByRole('link', { name: 'Stamp cards' }).click();
    await portal.getByRole('heading', { name: 'Stamp cards', level: 1 }).waitFor();
    await portal.getByText('No stamp cards yet.', { exact: false }).waitFor();

    await portal.getByRole('button', { name: 'New stamp card' }).click();
    await portal.getByLabel('Stamps per card').fill('0');
    await portal.getByRole('button', { name: 'Create stamp card' }).click();
    await portal.getByText('Enter a name.').waitFor();
    await portal.getByText('Enter a whole number of stamps from 1 to 1,000.').waitFor();
    await portal.getByText('Choose the reward a full card unlocks.').waitFor();

    await portal.getByLabel('Name', { exact: true }).fill('Coffee card');
    await portal.getByLabel('Stamps per card').fill('10');
    const rewardSelect = portal.getByLabel('Reward unlocked by a full card');
    const firstReward = await rewardSelect.locator('option').nth(1).textContent();
    await rewardSelect.selectOption({ index: 1 });
    await portal.getByLabel('Days the reward stays usable').fill('30');
    await portal.getByRole('button', { name: 'Create stamp card' }).click();
    const row = portal.getByRole('row').filter({ hasText: 'Coffee card' });
    await row.getByText('30 days').waitFor();
    expect(await row.textContent()).toContain(firstReward ?? '');
    expect(await row.textContent()).not.toMatch(/[0-9a-f]{24}/);

    await row.getByRole('button', { name: 'Edit' }).click();
    await portal.getByLabel('Name', { exact: true }).fill('Coffee lovers');
    await portal.getByRole('button', { name: 'Save changes' }).click();
    await portal.getByRole('row').filter({ hasText: 'Coffee lovers' }).waitFor();

    // The rules designer names the card in its stamp effect.
    await portal.getByRole('link', { name: 'Rules' }).click();
    await portal.getByRole('option', { name: 'Coffee lovers' }).first().waitFor({ state: 'attached' });

    await portal.getByRole('link', { name: 'Stamp cards' }).click();
    await portal
      .getByRole('row')
      .filter({ hasText: 'Coffee lovers' })
      .getByRole('button', { name: 'Archive' })
      .click();
    await portal.getByRole('dialog').getByRole('button', { name: 'Archive' }).click();
    await portal.getByText('“Coffee lovers” was archived.').waitFor();
    await portal.getByText('No stamp cards yet.', { exact: false }).waitFor();
    await portal.getByLabel('Show archived cards').check();
    await portal.getByRole('row').filter({ hasText: 'Coffee lovers' }).getByText('Archived').waitFor();
    expect(consoleProblems).toEqual([]);
  });
});
