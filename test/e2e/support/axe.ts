import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AxeResults, ImpactValue, Result } from 'axe-core';
import type { Page } from 'playwright-core';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const FAILING: ImpactValue[] = ['serious', 'critical'];

/**
 * Runs axe-core on what the page shows now and throws when it finds a serious or critical violation, with
 * the rule, the elements and the fix in the message. The source is read from node_modules and evaluated in
 * the page (no network); the pages' Content-Security-Policy refuses inline script tags, so it goes in
 * through the browser's own evaluation rather than a <script>.
 */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const results = await page.evaluate<AxeResults>(
    `window.axe.run(document, { resultTypes: ['violations'] })`,
  );
  const failing = results.violations.filter((violation) => FAILING.includes(violation.impact ?? null));
  if (failing.length > 0) throw new Error(`axe on "${screen}" (${page.url()}):\n${describe(failing)}`);
}

function describe(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 5)
        .map((node) => `    ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ') ?? ''}`)
        .join('\n');
      const more = violation.nodes.length > 5 ? `\n    … and ${violation.nodes.length - 5} more` : '';
      return `  [${violation.impact}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}
