// The card and the cashier desk in each of the product's four languages, in Debian's Chromium: picked
// through the language switch, every sampled text in that language (no English left over, no key shown
// raw), plural forms as the language says them, and the card's bottom bar fitting a 360 px phone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, startE2eApp, staffToken, type E2eApp } from './support/e2e-app.js';
import { PHONE, TABLET, launchChromium, screenshot, watchConsole } from './support/chromium.js';

type Language = 'en' | 'es' | 'ru' | 'ro';
const LANGUAGES: Language[] = ['en', 'es', 'ru', 'ro'];

/** What each language says on the card (from card-messages.ts); the reward costs 20 and the card holds 0. */
const CARD: Record<Language, { nav: string[]; heading: string; showAtTill: string; missing: string }> = {
  en: {
    nav: ['Card', 'Rewards', 'History', 'Profile'],
    heading: 'Your points',
    showAtTill: 'Show this code at the till',
    missing: '20 more points needed',
  },
  es: {
    nav: ['Tarjeta', 'Premios', 'Historial', 'Perfil'],
    heading: 'Tus puntos',
    showAtTill: 'Enseña este código en caja',
    missing: 'Te faltan 20 puntos',
  },
  ru: {
    nav: ['Карта', 'Награды', 'История', 'Профиль'],
    heading: 'Ваши баллы',
    showAtTill: 'Покажите этот код на кассе',
    missing: 'Не хватает 20 баллов',
  },
  ro: {
    nav: ['Card', 'Recompense', 'Istoric', 'Profil'],
    heading: 'Punctele dumneavoastră',
    showAtTill: 'Arătați acest cod la casă',
    missing: 'Mai aveți nevoie de 20 de puncte',
  },
};

/** What each language says at the desk (from staff-messages.ts) with a member identified. */
const DESK: Record<
  Language,
  { title: string; purchase: string; available: string; signOut: string; next: string }
> = {
  en: {
    title: 'Cashier desk',
    purchase: 'Purchase',
    available: 'Available points',
    signOut: 'Sign out',
    next: 'Next customer (F2)',
  },
  es: {
    title: 'Caja',
    purchase: 'Compra',
    available: 'Puntos disponibles',
    signOut: 'Salir',
    next: 'Siguiente cliente (F2)',
  },
  ru: {
    title: 'Касса',
    purchase: 'Покупка',
    available: 'Доступные баллы',
    signOut: 'Выйти',
    next: 'Следующий клиент (F2)',
  },
  ro: {
    title: 'Casa de marcat',
    purchase: 'Achiziție',
    available: 'Puncte disponibile',
    signOut: 'Deconectare',
    next: 'Clientul următor (F2)',
  },
};

// A message key shown instead of its text ("desk.member.available") means a lookup failed.
const RAW_KEY =
  /\b(?:app|join|nav|qr|balance|rewards|history|profile|desk|members|common|error)\.[a-z][\w.]*/;

let app: E2eApp;
let browser: Browser;
let card: { context: BrowserContext; page: Page };
let desk: { context: BrowserContext; page: Page };
const consoleProblems: string[][] = [];
let cardNumber = '';

// Chromium logs the 422 SIGNUP_REQUIRED with which the first code check says the phone is new.
const isExpectedNoise = (text: string) => /status of 422/.test(text);

async function open(options: object): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...options, locale: 'en-US' });
  consoleProblems.push(watchConsole(context, isExpectedNoise));
  return { context, page: await context.newPage() };
}

// (Expressions as strings: this project type-checks for Node, without the DOM library.)
const bodyText = (page: Page) => page.evaluate('document.body.innerText') as Promise<string>;
const pageLanguage = (page: Page) => page.evaluate('document.documentElement.lang') as Promise<string>;

/** How much wider than its box the bar, and each of its buttons, draws its content. */
const navOverflow = (page: Page) =>
  page.evaluate(`(() => {
    const nav = document.querySelector('.card-nav');
    const parts = [nav, ...nav.querySelectorAll('.card-nav-item')];
    return parts.map((part) => part.scrollWidth - part.clientWidth);
  })()`) as Promise<number[]>;

/** On how many lines each of the bar's labels is drawn (a word split in two takes two). */
const navLabelLines = (page: Page) =>
  page.evaluate(`[...document.querySelectorAll('.card-nav-item')].map((item) => {
    const range = document.createRange();
    range.selectNodeContents(item);
    return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  })`) as Promise<number[]>;

async function pickLanguage(page: Page, language: Language): Promise<void> {
  await page.locator('.language-switch select').selectOption(language);
  await expect.poll(() => pageLanguage(page)).toBe(language);
}

beforeAll(async () => {
  app = await startE2eApp();
  browser = await launchChromium();
  const marketer = await staffToken(app.baseUrl, 'marketer@example.com');
  const reward = await api(app.baseUrl, 'POST', '/rewards', {
    token: marketer,
    idempotencyKey: 'e2e-languages-free-coffee',
    body: { name: 'Free coffee', pointsCost: 20, kind: 'free_product', sku: 'COFFEE' },
  });
  expect(reward.status).toBe(201);

  // A member joins on a narrow phone, in English.
  card = await open({ ...PHONE, viewport: { width: 360, height: 780 } });
  const { page } = card;
  await page.goto(`${app.baseUrl}/card/`);
  await page.getByLabel('Mobile phone number').fill('+40 721 000 222');
  await page.getByRole('button', { name: 'Send me a code' }).click();
  const code = /(\d{6})/.exec((await page.getByTestId('dev-code').textContent()) ?? '')?.[1] ?? '';
  await page.getByLabel('Code').fill(code);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Your name').fill('Ioana Popescu');
  await page.getByRole('button', { name: 'Create my card' }).click();
  await page.getByTestId('card-number').waitFor();
  cardNumber = ((await page.getByTestId('card-number').textContent()) ?? '').replace(/\s/g, '');
  expect(cardNumber).toMatch(/^\d{12}$/);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
});

describe('the card and the desk in English, Spanish, Russian and Romanian', () => {
  for (const language of LANGUAGES) {
    it(`shows the card in ${language} through the language switch, its bottom bar fitting 360 px`, async () => {
      const { page } = card;
      const texts = CARD[language];
      const bar = page.locator('.card-nav-item');
      await bar.nth(3).click(); // Profile, where the language switch is
      await pickLanguage(page, language);
      await expect.poll(() => bar.allTextContents()).toEqual(texts.nav);
      await bar.nth(0).click();
      await page.getByRole('heading', { name: texts.heading }).waitFor();
      await page.getByText(texts.showAtTill).waitFor();
      expect(
        (await navOverflow(page)).every((overflow) => overflow <= 0),
        String(await navOverflow(page)),
      ).toBe(true);
      expect(await navLabelLines(page)).toEqual([1, 1, 1, 1]);
      await screenshot(page, `card-${language}`);

      await bar.nth(1).click();
      await page.getByText(texts.missing).waitFor();
      expect(await navOverflow(page)).toEqual([0, 0, 0, 0, 0]);

      const shown = await bodyText(page);
      expect(shown).not.toMatch(RAW_KEY);
      if (language !== 'en') {
        for (const english of [...CARD.en.nav.slice(1), CARD.en.heading, CARD.en.missing])
          expect(shown, `${language} shows English "${english}"`).not.toContain(english);
      }
      await bar.nth(0).click();
      if (language !== 'en') expect(await bodyText(page)).not.toContain(CARD.en.showAtTill);
    });
  }

  it('keeps the chosen language when the card is opened again', async () => {
    const { page } = card;
    await page.reload();
    await page.getByRole('heading', { name: CARD.ro.heading }).waitFor();
    expect(await pageLanguage(page)).toBe('ro');
  });

  for (const language of LANGUAGES) {
    it(`shows the desk in ${language} through the language switch, with the member's points`, async () => {
      if (!desk) {
        desk = await open(TABLET);
        await desk.page.goto(`${app.baseUrl}/staff/desk`);
        await desk.page.getByLabel('Email').fill('cashier@example.com');
        await desk.page.getByLabel('Password').fill('demo1234');
        await desk.page.getByRole('button', { name: 'Sign in' }).click();
        await desk.page.getByLabel('Scan the card, or type the phone or card number').fill(cardNumber);
        await desk.page.keyboard.press('Enter');
        await desk.page.getByTestId('member-panel').getByRole('heading', { name: 'Ioana Popescu' }).waitFor();
      }
      const { page } = desk;
      const texts = DESK[language];
      await pickLanguage(page, language);
      await page.getByRole('heading', { name: texts.title, exact: true }).waitFor();
      await page.getByRole('heading', { name: texts.purchase, exact: true }).waitFor();
      await page.getByText(texts.available, { exact: true }).waitFor();
      await page.getByRole('button', { name: texts.signOut }).waitFor();
      await page.getByRole('button', { name: texts.next }).waitFor();
      await screenshot(page, `staff-desk-${language}`);

      const shown = await bodyText(page);
      expect(shown).not.toMatch(RAW_KEY);
      if (language !== 'en') {
        for (const english of [DESK.en.title, DESK.en.available, DESK.en.signOut, DESK.en.next])
          expect(shown, `${language} shows English "${english}"`).not.toContain(english);
      }
    });
  }

  it('logged no errors in the browser console', () => {
    expect(consoleProblems.flat()).toEqual([]);
  });
});
