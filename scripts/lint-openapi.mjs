// `pnpm lint:openapi`: writes the OpenAPI document offline (`pnpm -s openapi:export`, no database) to a
// temporary file and lints it with Redocly's recommended rules (redocly.yaml). Fails on any error;
// warnings are printed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(tmpdir(), 'regulars-openapi-'));
const file = path.join(dir, 'openapi.json');
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
const run = (command, args) => spawnSync(command, args, { stdio: 'inherit', env }).status ?? 1;
let status = run('pnpm', ['-s', 'openapi:export', file]);
if (status === 0) status = run('pnpm', ['exec', 'redocly', 'lint', '--config', 'redocly.yaml', file]);
rmSync(dir, { recursive: true, force: true });
process.exit(status);
