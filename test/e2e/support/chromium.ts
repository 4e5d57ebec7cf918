import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expectHumanText } from './human-text.js';
import { expectAccessible } from './axe.js';

const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs/screenshots');

/** Debian's Chromium, headless; never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};
export const TABLET = { viewport: { width: 1180, height: 820 }, deviceScaleFactor: 1, hasTouch: true };
export const DESKTOP = { viewport: { width: 1366, height: 900 }, deviceScaleFactor: 1 };

/** Saves `docs/screenshots/<name>.png` (shown in the README). */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  await expectHumanText(page);
  await expectAccessible(page, name);
  mkdirSync(screenshots, { recursive: true });
  await page.screenshot({
    path: path.join(screenshots, `${name}.png`),
    fullPage: options.fullPage ?? false,
    animations: 'disabled',
    caret: 'hide',
  });
}

/**
 * Collects what the page logs as errors and its uncaught exceptions. `isExpected` filters the failed
 * requests a test causes on purpose (offline).
 */
export function watchConsole(
  context: BrowserContext,
  isExpected: (text: string) => boolean = () => false,
): string[] {
  const problems: string[] = [];
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' && !isExpected(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`${error.name}: ${error.message}`));
  });
  return problems;
}
