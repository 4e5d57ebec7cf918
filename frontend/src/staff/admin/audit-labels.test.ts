import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../shared/i18n/i18n.js';
import { staffCatalogues } from '../staff-messages.js';
import { AUDIT_ACTIONS } from './audit-screen.js';

const MODULES = fileURLToPath(new URL('../../../../backend/src/modules', import.meta.url));
const CODE = String.raw`[a-z_]+(?:\.[a-z_]+)+`;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

/**
 * What the backend records as an audit action: the literals of every `action:` (a ternary gives two) and of
 * the rules' status transitions, and the fixed start of a template (`referral.review.${decision}`).
 */
function recordedActions() {
  const actions = new Set<string>();
  const prefixes = new Set<string>();
  for (const source of sources(MODULES)) {
    const lines = [
      ...[...source.matchAll(/\baction:\s*([^\n]+)/g)].map((match) => match[1] ?? ''),
      ...[...source.matchAll(/\.transition\(([^)]*)\)/g)].map((match) => match[1] ?? ''),
    ];
    for (const line of lines) {
      for (const match of line.matchAll(new RegExp(`'(${CODE})'`, 'g'))) actions.add(match[1] ?? '');
      for (const match of line.matchAll(/`([a-z_]+(?:\.[a-z_]+)*\.)\$\{/g)) prefixes.add(match[1] ?? '');
    }
  }
  return { actions: [...actions].sort(), prefixes: [...prefixes].sort() };
}

describe('the audit log screen', () => {
  const { actions, prefixes } = recordedActions();

  it('finds the actions the backend records', () => {
    expect(actions).toEqual(expect.arrayContaining(['member.block', 'rule.pause', 'webhook.update']));
    expect(actions.length).toBeGreaterThan(45);
    expect(prefixes).toEqual(['referral.review.']);
  });

  it('names every recorded action in English, Spanish, Russian and Romanian', () => {
    const missing = LANGUAGES.flatMap((language) => {
      const messages: Record<string, string | undefined> = staffCatalogues[language];
      return actions
        .filter((action) => !messages[`admin.audit.action.${action}`]?.trim())
        .map((action) => `${language}: ${action}`);
    });
    expect(missing).toEqual([]);
  });

  it('names every outcome of a templated action and offers it in the action filter', () => {
    for (const prefix of prefixes)
      expect(AUDIT_ACTIONS.filter((action) => action.startsWith(prefix)).length).toBeGreaterThan(0);
    expect(AUDIT_ACTIONS).toEqual(expect.arrayContaining(actions));
  });
});
