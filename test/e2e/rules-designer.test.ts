// The rules designer as a marketer uses it, in Debian's Chromium: the multiplier field takes "1." and an
// empty value without showing NaN, leaving a rule with unsaved edits asks first, and an earlier version is
// compared with the draft and published again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, watchConsole } from './support/chromium.js';

type RuleView = { id: string; published: { version: number } | null; draft: Record<string, unknown> };

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let portal: Page;
let marketer: string;
let ruleId: string;
let consoleProblems: string[] = [];

const doubling = (factorBasisPoints: number) => ({
  name: 'Double Tuesdays',
  effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints, rounding: 'floor' }],
});

beforeAll(async () => {
  app = await startE2eApp();
  marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const created = await api<RuleView>(app.baseUrl, 'POST', '/rules', {
    token: marketer,
    body: { definition: doubling(20_000) },
  });
  expect(created.status).toBe(201);
  ruleId = created.body.id;
  expect((await api(app.baseUrl, 'POST', `/rules/${ruleId}/publish`, { token: marketer })).status).toBe(200);
  const edited = await api(app.baseUrl, 'PATCH', `/rules/${ruleId}`, {
    token: marketer,
    body: { definition: doubling(30_000) },
  });
  expect(edited.status).toBe(200);
  expect((await api(app.baseUrl, 'POST', `/rules/${ruleId}/publish`, { token: marketer })).status).toBe(200);

  browser = await launchChromium();
  context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  consoleProblems = watchConsole(context, () => false);
  portal = await context.newPage();
  await portal.goto(`${app.baseUrl}/staff/`);
  await portal.getByLabel('Email').fill('marketer@example.com');
  await portal.getByLabel('Password').fill('demo1234');
  await portal.getByRole('button', { name: 'Sign in' }).click();
  await portal.getByRole('button', { name: 'Sign out' }).waitFor();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

async function openRule() {
  await portal.getByRole('link', { name: 'Rules' }).click();
  await portal.getByRole('link', { name: 'Double Tuesdays' }).click();
  await portal.getByRole('heading', { name: 'Double Tuesdays', level: 1 }).waitFor();
}

describe('the rules designer in Chromium', () => {
  it('keeps what is typed in the multiplier field: an empty field and "1." never show NaN', async () => {
    await openRule();
    const factor = portal.locator('input[name="effect-factor"]');
    expect(await factor.inputValue()).toBe('3');
    await factor.fill('');
    expect(await factor.inputValue()).toBe('');
    await factor.pressSequentially('1.');
    expect(await factor.inputValue()).toBe('1.');
    await factor.pressSequentially('5');
    expect(await factor.inputValue()).toBe('1.5');
    expect(await portal.locator('main').textContent()).not.toContain('NaN');
    // The JSON view holds the multiplier in basis points.
    await portal.getByRole('tab', { name: 'JSON' }).click();
    await portal.getByText('"factorBasisPoints": 15000', { exact: false }).waitFor();
    await portal.getByRole('tab', { name: 'Form' }).click();
  });

  it('asks before leaving a rule with unsaved edits, and stays when told to', async () => {
    const asked: string[] = [];
    portal.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await portal.getByRole('link', { name: 'All rules' }).click();
    expect(asked).toEqual(['This rule has unsaved changes. Leave and lose them?']);
    expect(portal.url()).toContain(`/staff/rules/${ruleId}`);
    expect(await portal.locator('input[name="effect-factor"]').inputValue()).toBe('1.5');

    portal.once('dialog', (dialog) => void dialog.accept());
    await portal.getByRole('link', { name: 'All rules' }).click();
    await portal.getByRole('heading', { name: 'Reward rules', level: 1 }).waitFor();
  });

  it('compares version 1 with the draft and publishes it again as version 3', async () => {
    await portal.getByRole('link', { name: 'Double Tuesdays' }).click();
    const first = portal.locator('li[data-version="1"]');
    await first.locator('summary').first().click();
    expect(await first.locator('summary').first().textContent()).toMatch(/^Version 1 · .+ · \S+/);
    await first.getByText('effects[0].factorBasisPoints', { exact: false }).waitFor();
    expect(await first.locator('.rule-diff').textContent()).toContain('20000 → 30000');
    await first.getByRole('button', { name: 'Publish this version again' }).click();
    await portal.getByRole('dialog').getByRole('button', { name: 'Publish this version again' }).click();
    await portal.getByText('Published again as version 3.').waitFor();
    expect(await portal.locator('input[name="effect-factor"]').inputValue()).toBe('2');
    await portal.locator('li[data-version="3"]').waitFor();

    const rule = await api<RuleView>(app.baseUrl, 'GET', `/rules/${ruleId}`, { token: marketer });
    expect(rule.body.published?.version).toBe(3);
    expect(rule.body.draft.effects).toEqual(doubling(20_000).effects);
    expect(consoleProblems).toEqual([]);
  });
});
