import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@regulars/backend';

const root = path.resolve(import.meta.dirname, '../..');
const launcher = path.join(root, 'backend/dist/launcher.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'regulars-launch-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the built launcher (what `pnpm start` runs) until it says it is running. */
async function launch(port: number): Promise<{ child: ChildProcess; output: string[] }> {
  const child = spawn(process.execPath, [launcher], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: dataDir,
      MONGODB_URI: '',
      REDIS_URL: '',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`launcher did not start:\n${output.join('\n')}`)),
      120_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      readline.createInterface({ input: stream! }).on('line', (line) => {
        output.push(line);
        if (line.includes('Press Ctrl-C to stop')) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`launcher exited (${code}):\n${output.join('\n')}`));
    });
  });
  return { child, output };
}

/** The `export NAME=value` lines the launcher prints for docs/api.md. */
function printedExports(output: string[]): Record<string, string> {
  return Object.fromEntries(
    output.flatMap((line) => {
      const match = /^\s+export ([A-Z_]+)=(.+)$/.exec(line);
      return match?.[1] && match[2] ? [[match[1], match[2]]] : [];
    }),
  );
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe.skipIf(!existsSync(launcher))('pnpm start (the launcher)', () => {
  it('starts MongoDB, Redis, the API and a worker, seeds demo data once, keeps it across restarts, stops cleanly', async () => {
    const port = await freePort();
    const first = await launch(port);
    expect(first.output.join('\n')).toContain(`http://localhost:${port}/staff/`);
    expect(first.output.join('\n')).toContain('admin@example.com');
    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(await health.json()).toEqual({ status: 'ok', mongo: 'ok', redis: 'ok' });
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'demo1234' }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const created = await fetch(`http://127.0.0.1:${port}/api/v1/stores`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({ name: 'Survives restarts', code: 'KEEP' }),
    });
    expect(created.status).toBe(201);
    // The demo runs on the sandbox clock (SANDBOX_CLOCK=false turns it off), still on real time.
    const clock = await fetch(`http://127.0.0.1:${port}/api/v1/sandbox/clock`);
    expect(await clock.json()).toMatchObject({ enabled: true, offsetSeconds: 0 });
    expect(first.output.join('\n')).toContain('Sandbox clock on');
    // The demo POS integration of docs/api.md: printed, written to demo.env, and its key works.
    const demo = printedExports(first.output);
    expect(Object.keys(demo).sort()).toEqual(
      [
        'API_KEY',
        'CARD_NUMBER',
        'CARD_SECRET',
        'MEMBER_ID',
        'REGULARS_URL',
        'REWARD_ID',
        'RUN_ID',
        'STORE_ID',
      ].sort(),
    );
    expect(demo.REGULARS_URL).toBe(`http://localhost:${port}`);
    expect(readFileSync(path.join(dataDir, 'demo.env'), 'utf8')).toContain(`export API_KEY=${demo.API_KEY}`);
    const member = await fetch(`http://127.0.0.1:${port}/api/v1/members/${demo.MEMBER_ID}`, {
      headers: { 'x-api-key': demo.API_KEY ?? '' },
    });
    expect(member.status).toBe(200);
    expect(await member.json()).toMatchObject({ name: 'Ana García', cardNumber: demo.CARD_NUMBER });
    expect(await stop(first.child)).toBe(0);

    const second = await launch(port);
    const relogin = await fetch(`http://127.0.0.1:${port}/api/v1/auth/staff/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@example.com', password: 'demo1234' }),
    });
    const token = ((await relogin.json()) as { accessToken: string }).accessToken;
    const stores = (await (
      await fetch(`http://127.0.0.1:${port}/api/v1/stores`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as { items: Array<{ code: string }> };
    // The demo stores were seeded once (not duplicated by the second start) and our store survived.
    expect(stores.items.map((s) => s.code).sort()).toEqual(['CENTRO', 'KEEP', 'MALASANA']);
    // The same demo key and card on every start (derived from the installation's secret).
    expect(printedExports(second.output)).toEqual(demo);
    expect(await stop(second.child)).toBe(0);
  }, 240_000);
});
