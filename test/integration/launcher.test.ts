import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@regulars/backend';

const root = path.resolve(import.meta.dirname, '../..');
const launcher = path.join(root, 'backend/dist/launcher.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'regulars-launch-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * Runs the built launcher (what `pnpm start` runs), or `npm start` itself, until it says it is running.
 */
async function launch(
  port: number,
  options: { viaNpm?: boolean; dataDir?: string } = {},
): Promise<{ child: ChildProcess; output: string[] }> {
  const [cmd, args] = options.viaNpm ? ['npm', ['start']] : [process.execPath, [launcher]];
  const child = spawn(cmd, args, {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      DATA_DIR: options.dataDir ?? dataDir,
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

/** Every process below `pid` (from /proc), so that a test can tell whether any was left behind. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we read
    }
  }
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const child of children.get(parent) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

  it.skipIf(process.platform !== 'linux')(
    'npm start stops everything it started on a SIGTERM sent to the npm process',
    async () => {
      const ownData = mkdtempSync(path.join(tmpdir(), 'regulars-npm-start-'));
      let started: number[] = [];
      try {
        const { child } = await launch(await freePort(), { viaNpm: true, dataDir: ownData });
        started = descendants(child.pid!);
        // npm → regulars.mjs → the launcher → MongoDB, Redis, the API and the worker.
        expect(started.length).toBeGreaterThanOrEqual(6);
        const exited = new Promise<number | null>((resolve) => {
          child.removeAllListeners('exit');
          child.once('exit', (code) => resolve(code));
        });
        child.kill('SIGTERM');
        await exited;
        // The launcher stops its processes in order before it exits; give the last ones a moment to go.
        for (let i = 0; i < 40 && started.some(isAlive); i += 1)
          await new Promise((resolve) => setTimeout(resolve, 250));
        expect(started.filter(isAlive)).toEqual([]);
      } finally {
        // Whatever a failure left behind must not outlive the test.
        for (const pid of started.filter(isAlive)) process.kill(pid, 'SIGKILL');
        rmSync(ownData, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
