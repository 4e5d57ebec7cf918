import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'regulars-client-schema-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('@regulars/client src/schema.ts', () => {
  it('is what `pnpm --filter @regulars/client generate` makes of the current OpenAPI document', () => {
    const fresh = path.join(dir, 'schema.ts');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/generate.ts', fresh], {
      cwd: packageDir,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const committed = readFileSync(path.join(packageDir, 'src', 'schema.ts'), 'utf8');
    const isCurrent = committed === readFileSync(fresh, 'utf8');
    expect(
      isCurrent,
      'packages/client/src/schema.ts is stale: run `pnpm --filter @regulars/client generate` and commit it',
    ).toBe(true);
  });
});
