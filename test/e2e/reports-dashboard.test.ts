// The Reports dashboard as a manager uses it, in Debian's Chromium: key figures against the previous
// period, the charts and the cohort heatmap; a store and a range change the figures; a range that ends
// before it starts is refused in words; a CSV export downloads what the API computes.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { makePhone } from '../support/callers.js';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, screenshot, watchConsole } from './support/chromium.js';

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let portal: Page;
let consoleProblems: string[] = [];

const DAY_MS = 86_400_000;
const madridDay = (at: Date) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Madrid',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(at);

beforeAll(async () => {
  app = await startE2eApp();
  const manager = await staffToken(app.baseUrl, 'manager@example.com');
  const stores = await api<{ items: { id: string; code: string }[] }>(app.baseUrl, 'GET', '/stores', {
    token: manager,
  });
  const centro = stores.body.items.find((s) => s.code === 'CENTRO')?.id ?? '';
  const malasana = stores.body.items.find((s) => s.code === 'MALASANA')?.id ?? '';
  // Three members; at Centro: 4 sales of €12 forty days ago and 2 of €12 ten days ago; at Malasaña: one of
  // €30 ten days ago.
  const sell = async (memberId: string, storeId: string, totalMinor: number, daysAgo: number) => {
    const sold = await api(app.baseUrl, 'POST', '/purchases', {
      token: manager,
      idempotencyKey: randomUUID(),
      body: {
        memberId,
        storeId,
        currency: 'EUR',
        totalMinor,
        occurredAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
        items: [{ sku: 'LUNCH', name: 'Lunch', quantity: 1, unitPriceMinor: totalMinor }],
      },
    });
    expect(sold.status).toBe(201);
  };
  const members: string[] = [];
  for (const name of ['Ana García', 'Luis Pérez', 'Marta Ruiz']) {
    const created = await api<{ id: string }>(app.baseUrl, 'POST', '/members', {
      token: manager,
      body: { name, phone: makePhone() },
    });
    expect(created.status).toBe(201);
    members.push(created.body.id);
  }
  for (const memberId of members.slice(0, 2)) {
    await sell(memberId, centro, 1200, 40);
    await sell(memberId, centro, 1200, 40);
    await sell(memberId, centro, 1200, 10);
  }
  await sell(members[2] ?? '', malasana, 3000, 10);
  await app.runtime.services.eventDispatcher.dispatch();
  browser = await launchChromium();
  context = await browser.newContext({
    ...DESKTOP,
    locale: 'en-US',
    serviceWorkers: 'block',
    acceptDownloads: true,
  });
  consoleProblems = watchConsole(context, () => false);
  portal = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

describe('the Reports dashboard in Chromium', () => {
  it('shows the key figures, charts and cohort heatmap; filters by store and range; exports a CSV', async () => {
    await portal.goto(`${app.baseUrl}/staff/`);
    await portal.getByLabel('Email').fill('manager@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('button', { name: 'Sign out' }).waitFor();
    await portal.getByRole('link', { name: 'Reports' }).click();
    await portal.getByRole('heading', { name: 'Reports', level: 1 }).waitFor();
    await portal.getByText('by day in Europe/Madrid', { exact: false }).waitFor();

    // Every store, the last 90 days: 6 × €12 + €30 = €102 in 7 orders.
    const netRevenue = portal.getByTestId('kpi-net-revenue');
    await netRevenue.getByText('€102.00').waitFor();
    await portal.getByTestId('kpi-orders').getByText('7', { exact: true }).waitFor();
    await netRevenue.getByText('Nothing in the previous 90 days').waitFor();
    // The active share against the 30% line (the demo's members who never bought count too).
    await portal.getByTestId('kpi-active-share').getByText('the 30% line', { exact: false }).waitFor();
    await portal.getByRole('img', { name: /Net revenue/ }).waitFor();
    const heatmap = portal.getByTestId('cohort-heatmap');
    await heatmap.waitFor();
    expect(await heatmap.locator('tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await heatmap.textContent()).toContain('100%');
    await screenshot(portal, 'staff-reports', { fullPage: true });

    // Malasaña only: its one sale of €30.
    await portal.getByLabel('Store').selectOption({ label: 'Malasaña' });
    await netRevenue.getByText('€30.00').waitFor();
    await portal.getByTestId('kpi-orders').getByText('1', { exact: true }).waitFor();

    // The last 20 days at every store: the 3 sales of ten days ago (2 × €12 + €30 = €54), against the 20 days before
    // (none: the others were forty days ago).
    await portal.getByLabel('Store').selectOption({ label: 'All stores' });
    const today = madridDay(new Date());
    await portal.getByLabel('From', { exact: true }).fill(madridDay(new Date(Date.now() - 19 * DAY_MS)));
    await netRevenue.getByText('€54.00').waitFor();
    await netRevenue.getByText('Nothing in the previous 20 days').waitFor();
    // From 20 days ago (21 days): the previous 21 days hold the 4 sales of €12 forty days ago, so
    // €54 against €48 is +12.5%.
    await portal.getByLabel('From', { exact: true }).fill(madridDay(new Date(Date.now() - 20 * DAY_MS)));
    await netRevenue.getByText('+12.5% vs the previous 21 days').waitFor();

    // A range that ends before it starts.
    await portal.getByLabel('To', { exact: true }).fill(madridDay(new Date(Date.now() - 30 * DAY_MS)));
    await portal.getByText('The end date is before the start date.').first().waitFor();
    await portal.getByLabel('To', { exact: true }).fill(today);
    await netRevenue.getByText('€54.00').waitFor();

    // The export is what the API computes for the same range.
    const [download] = await Promise.all([
      portal.waitForEvent('download'),
      portal.getByRole('button', { name: 'Export key figures (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^kpis-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toMatch(/^period,salesMinor,refundsMinor,netRevenueMinor,orders,/);
    expect(lines[lines.length - 1]).toMatch(/^total,5400,0,5400,3,3,/);
    expect(consoleProblems).toEqual([]);
  });
});
