import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from './errors.js';

/** `| 409 | \`CODE\` | ... |` rows of docs/api.md's error table, as code → status. */
function documentedCodes(): Map<string, number> {
  const guide = readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8');
  const rows = new Map<string, number>();
  for (const match of guide.matchAll(/^\| (\d{3}) \| `([A-Z_]+)` \|/gm))
    rows.set(match[2] as string, Number(match[1]));
  return rows;
}

describe('ERROR_CATALOGUE', () => {
  it('is the error table of docs/api.md: every code with its status, and no other', () => {
    const catalogue = new Map(Object.entries(ERROR_CATALOGUE).map(([code, spec]) => [code, spec.status]));
    expect(Object.fromEntries(documentedCodes())).toEqual(Object.fromEntries(catalogue));
  });

  it('gives every code a status the error middleware can answer with', () => {
    for (const spec of Object.values(ERROR_CATALOGUE))
      expect([400, 401, 403, 404, 409, 413, 415, 422, 429, 503]).toContain(spec.status);
  });
});
