// What a customer or a cashier reads must be meant for people: no internal id (24 hex digits, a MongoDB
// ObjectId) and no amount "in minor units". Checked over document.body.innerText of every card and desk
// screen the browser tests photograph (the screenshot helper calls this).
import type { Page } from 'playwright-core';

/** A MongoDB ObjectId as it would leak into a sentence: 24 hex digits on their own. */
const INTERNAL_ID = /(?<![0-9a-f])[0-9a-f]{24}(?![0-9a-f])/i;
const MINOR_UNITS = /minor units?/i;

/** The problems in a text a person reads (empty when it is fit to show). */
export function humanTextProblems(text: string): string[] {
  const problems: string[] = [];
  const id = INTERNAL_ID.exec(text);
  if (id)
    problems.push(`an internal id (${id[0]}) in: …${text.slice(Math.max(0, id.index - 60), id.index + 30)}…`);
  const minor = MINOR_UNITS.exec(text);
  if (minor)
    problems.push(`"minor units" in: …${text.slice(Math.max(0, minor.index - 60), minor.index + 20)}…`);
  return problems;
}

/** Whether the page is the card (/card/) or the staff desk (/staff/desk), the screens people at the till read. */
function isCardOrDesk(page: Page): boolean {
  const { pathname } = new URL(page.url());
  return pathname.startsWith('/card') || pathname.startsWith('/staff/desk');
}

/** Fails when the card or the desk shows a person an internal id or "minor units" (other pages pass). */
export async function expectHumanText(page: Page): Promise<void> {
  if (!isCardOrDesk(page)) return;
  const text = await page.evaluate<string>('document.body.innerText');
  const problems = humanTextProblems(text);
  if (problems.length)
    throw new Error(`${page.url()} shows text meant for a program:\n${problems.join('\n')}`);
}
