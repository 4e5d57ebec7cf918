// The admin's tools in the staff portal, in Debian's Chromium: the job queue dashboard opens in a new tab,
// signed in by a cookie, with no token in any URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { startE2eApp, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, watchConsole } from './support/chromium.js';

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let consoleProblems: string[] = [];

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  context = await browser.newContext({ ...DESKTOP, locale: 'en-US', serviceWorkers: 'block' });
  consoleProblems = watchConsole(context, (text) => /net::ERR_|status of 4\d\d/.test(text));
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

describe('admin tools in Chromium', () => {
  it('opens the job queue dashboard from the portal in a new tab, with no token in its URL', async () => {
    const portal = await context.newPage();
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    await portal.goto(`${app.baseUrl}/staff/`);
    await portal.getByLabel('Email').fill('admin@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    const [dashboard] = await Promise.all([
      context.waitForEvent('page'),
      portal.getByRole('button', { name: 'Job queues' }).click(),
    ]);
    await dashboard!.waitForURL(`${app.baseUrl}/api/admin/queues`);
    await expect.poll(() => dashboard!.title()).toMatch(/bull/i);
    expect(requested.filter((url) => /[?&]token=/.test(url))).toEqual([]);
    expect(consoleProblems).toEqual([]);
  });

  it('does not offer the job queues to a cashier', async () => {
    const page = await context.newPage();
    await context.clearCookies();
    await page.goto(`${app.baseUrl}/staff/`);
    // Signed out: the admin's session of the test above stays in this context's storage otherwise.
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await page.getByLabel('Email').fill('cashier@example.com');
    await page.getByLabel('Password').fill('demo1234');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    expect(await page.getByRole('button', { name: 'Job queues' }).count()).toBe(0);
  });
});
