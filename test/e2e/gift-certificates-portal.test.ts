// The Gift certificates screens as a manager uses them, in Debian's Chromium: a certificate issued with its
// code shown once, found by its last 4 characters, reloaded (and refused above the cap in words), blocked
// and unblocked with a reason, its ledger listing each step; a full code typed loosely gives its balance;
// the liability report counts it; a batch downloads its codes as CSV; one goes into a member's wallet and
// shows on the member's page.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { DESKTOP, launchChromium, screenshot, watchConsole } from './support/chromium.js';

let app: E2eApp;
let browser: Browser;
let context: BrowserContext;
let portal: Page;
let consoleProblems: string[] = [];

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  context = await browser.newContext({
    ...DESKTOP,
    locale: 'en-US',
    serviceWorkers: 'block',
    acceptDownloads: true,
  });
  // The reload above the cap is refused on purpose (422).
  consoleProblems = watchConsole(context, (text) => text.includes('status of 422'));
  portal = await context.newPage();
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await app?.close();
});

const entryRows = () => portal.getByRole('region', { name: 'Entries' }).getByRole('row');

describe('the Gift certificates screens in Chromium', () => {
  it('issues, looks up, reloads, blocks and unblocks a certificate, and reports the liability', async () => {
    await portal.goto(`${app.baseUrl}/staff/`);
    await portal.getByLabel('Email').fill('manager@example.com');
    await portal.getByLabel('Password').fill('demo1234');
    await portal.getByRole('button', { name: 'Sign in' }).click();
    await portal.getByRole('button', { name: 'Sign out' }).waitFor();
    await portal.getByRole('link', { name: 'Gift certificates' }).click();
    await portal.getByRole('heading', { name: 'Gift certificates', level: 1 }).waitFor();
    await portal.getByText('No gift certificates yet.').waitFor();

    await portal.getByRole('button', { name: 'Issue', exact: true }).click();
    await portal.getByText('Enter a value above zero, up to €10,000.00.').waitFor();
    await portal.getByText('Say why it is issued.').waitFor();
    await portal.getByLabel('Value (EUR)').fill('25');
    await portal.getByLabel('Reason', { exact: true }).fill('Raffle prize');
    await portal.getByRole('button', { name: 'Issue', exact: true }).click();
    await portal.getByText('A gift certificate of €25.00 was issued.').waitFor();
    const code = (await portal.getByTestId('issued-code').textContent()) ?? '';
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{1,4})+$/);
    const last4 = code.replace(/-/g, '').slice(-4);

    // By its last 4 characters (as printed), then its detail: what it holds and its first entry.
    await portal.getByLabel('Code or its last 4 characters').fill(last4.toLowerCase());
    await portal.getByRole('button', { name: 'Search' }).click();
    await portal.getByRole('link', { name: `Open ${last4}` }).click();
    await portal.getByRole('heading', { name: `Gift certificate •••• ${last4}` }).waitFor();
    expect(await portal.getByTestId('gift-available').textContent()).toBe('€25.00');
    await entryRows().filter({ hasText: 'Raffle prize' }).getByText('+€25.00').waitFor();
    expect(await portal.locator('main').textContent()).not.toMatch(/[0-9a-f]{24}/);

    // A reload above the cap (€500.00 on the demo program) is refused in words; one within it is added.
    await portal.getByRole('button', { name: 'Reload…' }).click();
    await portal.getByLabel('Amount to add (EUR)').fill('480');
    await portal.getByLabel('Reason', { exact: true }).fill('Paid at the counter');
    await portal.getByRole('button', { name: 'Reload', exact: true }).click();
    await portal
      .getByText('A certificate may hold at most €500.00: at most €475.00 can be added now.')
      .waitFor();
    await portal.getByLabel('Amount to add (EUR)').fill('10');
    await portal.getByRole('button', { name: 'Reload', exact: true }).click();
    await portal.getByText('€10.00 added: the balance is now €35.00.').waitFor();
    await entryRows().filter({ hasText: 'Reloaded' }).getByText('+€10.00').waitFor();

    await portal.getByRole('button', { name: 'Block…' }).click();
    await portal.getByRole('button', { name: 'Block', exact: true }).click();
    await portal.getByText('Enter a reason.').waitFor();
    await portal.getByLabel('Reason', { exact: true }).fill('Reported lost');
    await portal.getByRole('button', { name: 'Block', exact: true }).click();
    await portal.getByText('The certificate is blocked: the till refuses it.').waitFor();
    await portal.getByText('Blocked: Reported lost').waitFor();
    expect(await portal.getByTestId('gift-status').textContent()).toBe('Blocked');
    await portal.getByRole('button', { name: 'Unblock…' }).click();
    await portal.getByLabel('Reason', { exact: true }).fill('Found again');
    await portal.getByRole('button', { name: 'Unblock', exact: true }).click();
    await portal.getByText('The certificate is usable again.').waitFor();
    expect(await portal.getByTestId('gift-status').textContent()).toBe('Active');

    // The full code typed loosely (lower case, spaces) gives its balance; the liability counts it.
    await portal.getByRole('link', { name: 'Gift certificates', exact: true }).first().click();
    await portal
      .getByLabel('Code or its last 4 characters')
      .fill(` ${code.toLowerCase().replace(/-/g, ' ')} `);
    await portal.getByRole('button', { name: 'Search' }).click();
    await portal.getByText(`Certificate •••• ${last4}: €35.00 available (Active).`).waitFor();
    const liability = portal.getByRole('table', { name: 'Liability in EUR' });
    expect(await portal.getByTestId('liability-outstanding-EUR').textContent()).toBe('€35.00');
    await liability.getByRole('row', { name: 'Issued 0–90 days ago €35.00' }).waitFor();
    await liability.getByRole('row', { name: 'Reloaded €10.00' }).waitFor();
    await screenshot(portal, 'staff-gift-certificates', { fullPage: true });
    expect(consoleProblems).toEqual([]);
  });

  it('issues a batch as CSV, and a certificate into a member’s wallet by phone', async () => {
    const downloading = portal.waitForEvent('download');
    await portal.getByLabel('Value (EUR)').fill('10');
    await portal.getByLabel('How many').fill('3');
    await portal.getByLabel('Reason', { exact: true }).fill('Partner fair');
    await portal.getByRole('button', { name: 'Issue', exact: true }).click();
    const download = await downloading;
    await portal.getByText('3 gift certificates of €10.00 were issued', { exact: false }).waitFor();
    const csv = await readFile((await download.path()) ?? '', 'utf8');
    const [header, ...rows] = csv.trim().split('\n');
    expect(header).toBe('code,displayCode,last4,valueMinor,currency,expiresAt,qrPayload');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.split(',')[3]).toBe('1000');
    // The same three to print, made from their codes (the server keeps none in clear).
    const printing = portal.waitForEvent('download');
    await portal.getByRole('button', { name: 'Download PDF to print' }).click();
    const pdf = await printing;
    expect(pdf.suggestedFilename()).toBe('gift-certificates.pdf');
    const bytes = await readFile((await pdf.path()) ?? '');
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    const manager = await staffToken(app.baseUrl, 'manager@example.com');
    const members = await api<{ items: { id: string; name: string; phone: string }[] }>(
      app.baseUrl,
      'GET',
      '/members?limit=1',
      { token: manager },
    );
    const member = members.body.items[0];
    if (!member) throw new Error('the demo has a member');
    await portal.getByLabel('How many').fill('1');
    await portal.getByLabel('Value (EUR)').fill('15');
    await portal.getByLabel('Recipient’s phone or card number (optional)').fill(member.phone);
    await portal.getByLabel('Reason', { exact: true }).fill('Birthday');
    await portal.getByRole('button', { name: 'Issue', exact: true }).click();
    await portal.getByText(`A gift certificate of €15.00 is now in ${member.name}’s wallet.`).waitFor();
    const owned = await api<{ items: { memberId: string | null; initialValueMinor: number }[] }>(
      app.baseUrl,
      'GET',
      `/gift-certificates?memberId=${member.id}`,
      { token: manager },
    );
    expect(owned.body.items.map((c) => c.initialValueMinor)).toEqual([1500]);
    // The member's page lists it by its last 4 characters.
    await portal.goto(`${app.baseUrl}/staff/members/${member.id}`);
    await portal
      .getByRole('region', { name: 'Gift certificates' })
      .getByRole('row')
      .filter({ hasText: '€15.00' })
      .getByText('Active')
      .waitFor();
    expect(consoleProblems).toEqual([]);
  });
});
