// What the benchmarks share: the rule set a café chain runs, the embedded MongoDB in its own process
// (compiled when built), the CPU-profile flags and the wait for a process's health endpoint.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import http from 'node:http';
import readline from 'node:readline';
import { embeddedServerNodeFlags } from '@regulars/embedded-mongo';
import type { RuleInput } from '@regulars/rules';

export const root = path.resolve(import.meta.dirname, '../../..');

/** Twenty rules of the kinds a café chain runs at once: base earn, category and item bonuses, multipliers, limits, a budget. */
export function benchRules(): Omit<RuleInput, 'id' | 'version'>[] {
  const rules: Omit<RuleInput, 'id' | 'version'>[] = [
    {
      name: '1 point per €1',
      isBaseEarn: true,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100 }],
    },
    {
      name: 'Happy hour ×2',
      schedule: { daysOfWeek: [1, 2, 3, 4, 5], hours: { from: 15, to: 17 } },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
    },
    {
      name: 'Weekend ×1.5',
      schedule: { daysOfWeek: [6, 7] },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 15_000 }],
    },
    {
      name: 'Big basket bonus',
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 2000 },
      effects: [{ type: 'awardFixedPoints', points: 5 }],
    },
    {
      name: 'First visit of the day',
      effects: [{ type: 'awardFixedPoints', points: 1 }],
      limits: [{ period: 'day', maxTimes: 1 }],
    },
    {
      name: 'Launch budget',
      effects: [{ type: 'awardFixedPoints', points: 1 }],
      budget: { totalPoints: 10_000_000 },
    },
  ];
  const categories = ['coffee', 'tea', 'bakery', 'food', 'drinks', 'merch', 'beans', 'snacks'];
  for (const category of categories) {
    rules.push({
      name: `${category} bonus`,
      effects: [{ type: 'awardPointsPerItem', points: 1, items: { categories: [category] } }],
    });
  }
  for (const sku of ['LATTE', 'CAKE', 'SANDWICH', 'JUICE', 'BEANS-1KG', 'MUG']) {
    rules.push({
      name: `${sku} of the week`,
      conditions: { field: 'purchase.totalMinor', op: 'gte', value: 100 },
      effects: [{ type: 'awardPointsPerItem', points: 2, items: { skus: [sku] } }],
    });
  }
  return rules;
}

/**
 * Measures what production runs: the compiled JavaScript (`pnpm build`), or, when it is missing, the
 * sources through tsx (slower: source maps make every captured stack trace expensive).
 */
export function compiled(dist: string, source: string): string[] {
  const built = path.join(root, dist);
  if (existsSync(built)) return [built];
  console.error(
    `${dist} is not built (run pnpm build): measuring the TypeScript sources through tsx instead`,
  );
  return ['--conditions=source', '--import', 'tsx', path.join(root, source)];
}

/** With BENCH_PROFILE=<dir>, the API processes and the embedded server each write a CPU profile there. */
export const profileFlags = () =>
  process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`]
    : [];

/** The embedded MongoDB journaled to `dbPath`; `onLog` receives its own log lines (stderr) when given. */
export async function startMongoChild(
  dbPath: string,
  onLog?: (line: string) => void,
): Promise<{ child: ChildProcess; uri: string }> {
  const child = spawn(
    process.execPath,
    [
      ...profileFlags(),
      ...embeddedServerNodeFlags(),
      ...compiled('packages/embedded-mongo/dist/cli.js', 'packages/embedded-mongo/src/cli.ts'),
      '--port',
      '0',
      '--dbpath',
      dbPath,
    ],
    { stdio: ['ignore', 'pipe', onLog ? 'pipe' : 'ignore'], cwd: root },
  );
  if (child.stderr && onLog) readline.createInterface({ input: child.stderr }).on('line', onLog);
  const uri = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^ready (\S+)/.exec(line);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded MongoDB exited (${code})`)));
  });
  return { child, uri };
}

export async function waitForHealth(url: string): Promise<void> {
  for (let i = 0; i < 600; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within 60 s`);
}

/** The environment of a bench stack: its MongoDB and Redis, no demo data, no rate limits in the way. */
export function benchEnv(input: {
  mongoUri: string;
  redisUrl: string;
  dataDir: string;
}): Record<string, string> {
  return {
    NODE_ENV: 'development',
    MONGODB_URI: input.mongoUri,
    MONGODB_DB: 'bench',
    REDIS_URL: input.redisUrl,
    REDIS_PREFIX: 'bench',
    ...(process.env.API_PROCESSES ? { API_PROCESSES: process.env.API_PROCESSES } : {}),
    DATA_DIR: input.dataDir,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000000',
    RATE_LIMIT_ANONYMOUS_PER_MIN: '100000000',
  };
}

/** Creates and publishes the bench rule set through the rules service. */
export async function publishBenchRules(rules: {
  create(definition: Record<string, unknown>, actor: { kind: 'anonymous' }): Promise<{ id: string }>;
  publish(id: string, actor: { kind: 'anonymous' }): Promise<unknown>;
}): Promise<void> {
  const system = { kind: 'anonymous' } as const;
  for (const definition of benchRules()) {
    const rule = await rules.create(definition as Record<string, unknown>, system);
    await rules.publish(rule.id, system);
  }
}

/** The API role (`main.ts api`) in its own process, as deployed; resolves once it answers its health check. */
export async function startApiProcess(env: Record<string, string>, port: number): Promise<ChildProcess> {
  const api = spawn(
    process.execPath,
    [...profileFlags(), ...compiled('backend/dist/main.js', 'backend/src/main.ts'), 'api'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      cwd: root,
      env: { ...process.env, ...env, PORT: String(port) },
    },
  );
  try {
    await waitForHealth(`http://127.0.0.1:${port}/api/health`);
  } catch (error) {
    api.kill('SIGKILL');
    throw error;
  }
  return api;
}

/** Latencies of one kind of call (or of the whole sequence), in milliseconds. */
export class Latencies {
  private readonly times: number[] = [];
  add(ms: number): void {
    this.times.push(ms);
  }
  get count(): number {
    return this.times.length;
  }
  summary() {
    const sorted = [...this.times].sort((a, b) => a - b);
    const at = (q: number) =>
      Number((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(1));
    return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  }
}

export type Answer = { status: number; body: string };

/** One HTTP call on the shared keep-alive agent (one socket per connection of the load). */
export function call(
  agent: http.Agent,
  base: URL,
  method: string,
  urlPath: string,
  headers: Record<string, string>,
  body: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path: urlPath,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
