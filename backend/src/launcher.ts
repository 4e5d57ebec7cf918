import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import readline from 'node:readline';
import { launcherEnvironment, loadConfig } from './config.js';
import { startLocalRedis, stopChild, type LocalRedis } from './platform/local-redis.js';
import { readFile } from 'node:fs/promises';
import { demoEnvFile } from './seed/demo-integration.js';
import { embeddedServerNodeFlags } from '@regulars/embedded-mongo';
import { DEMO_PASSWORD, DEMO_STAFF } from './seed/demo-seed.js';

/**
 * `pnpm start`: MongoDB (MONGODB_URI, or the embedded server with data in .data/mongo), Redis
 * (REDIS_URL, or a private redis-server with data in .data/redis), the API and a worker process.
 * Ctrl-C stops every child, API first, databases last.
 */
async function launch(): Promise<void> {
  // The demo runs on the sandbox clock unless SANDBOX_CLOCK=false (or NODE_ENV=production).
  const environment = launcherEnvironment();
  const config = loadConfig(environment);
  const children: ChildProcess[] = [];
  let redis: LocalRedis | undefined;
  let mongo: ChildProcess | undefined;
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping Regulars…');
    await Promise.all(children.map((child) => stopChild(child)));
    if (redis) await redis.stop();
    if (mongo) await stopChild(mongo, 10_000);
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    let mongoUri = config.mongodbUri;
    if (!mongoUri) {
      const started = await startEmbeddedMongoProcess(path.join(config.dataDir, 'mongo'));
      mongo = started.child;
      mongoUri = started.uri;
      console.log(`MongoDB  embedded, data in ${path.join(config.dataDir, 'mongo')} (${mongoUri})`);
    } else {
      console.log('MongoDB  MONGODB_URI');
    }
    let redisUrl = config.redisUrl;
    if (!redisUrl) {
      redis = await startLocalRedis({ dataDir: path.join(config.dataDir, 'redis') });
      redisUrl = redis.url;
      console.log(
        `Redis    private redis-server, data in ${path.join(config.dataDir, 'redis')} (${redisUrl})`,
      );
    } else {
      console.log('Redis    REDIS_URL');
    }
    // The children parse the same environment themselves; only the database addresses are added.
    const env = { ...environment, MONGODB_URI: mongoUri, REDIS_URL: redisUrl };
    // Indexes and pending migrations before anything serves (docs/deployment.md, upgrades).
    await runMigrationsProcess(env, config.logLevel === 'debug' || config.logLevel === 'trace');
    const main = path.resolve(import.meta.dirname, 'main.js');
    for (const role of ['api', 'worker']) {
      const child = spawn(process.execPath, [main, role], { env, stdio: ['ignore', 'pipe', 'inherit'] });
      prefixOutput(child, role, config.logLevel === 'debug' || config.logLevel === 'trace');
      child.once('exit', (code, signal) => {
        if (!stopping) {
          console.error(`The ${role} process exited (${signal ?? code}); stopping everything.`);
          void stopAll(1);
        }
      });
      children.push(child);
    }
    const base = `http://localhost:${config.port}`;
    await waitForHealth(`http://127.0.0.1:${config.port}/api/health`, 120_000);
    const demoEnv = config.seedDemo ? await demoIntegration(config.dataDir) : [];
    console.log(
      [
        '',
        'Regulars is running.',
        `  Customer card (PWA)   ${base}/card/`,
        `  Staff portal          ${base}/staff/`,
        `  API                   ${base}/api/v1`,
        `  API reference         ${base}/api/docs   (OpenAPI: ${base}/api/openapi.json)`,
        `  Health                ${base}/api/health`,
        '',
        config.sandboxClock
          ? 'Sandbox clock on: admins move time forward under Sandbox in the staff portal (SANDBOX_CLOCK=false turns it off).'
          : '',
        config.seedDemo ? `Demo logins (password ${DEMO_PASSWORD}):` : '',
        ...(config.seedDemo ? DEMO_STAFF.map((s) => `  ${s.role.padEnd(9)} ${s.email}`) : []),
        '',
        ...demoEnv,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await stopAll(1);
  }
}

/** Runs `scripts/migrate.js` (what `pnpm migrate` runs) as a child and waits for it to succeed. */
async function runMigrationsProcess(
  env: Record<string, string | undefined>,
  isVerbose: boolean,
): Promise<void> {
  const script = path.resolve(import.meta.dirname, 'scripts', 'migrate.js');
  const child = spawn(process.execPath, [script], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  prefixOutput(child, 'migrate', isVerbose);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  if (code !== 0)
    throw new Error(`The migrations failed (exit ${code}); nothing was started. See the messages above.`);
}

/** The demo POS variables of docs/api.md, as the API process wrote them after seeding. */
async function demoIntegration(dataDir: string): Promise<string[]> {
  const file = demoEnvFile(dataDir);
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return [];
  const exports = text.split('\n').filter((line) => line.startsWith('export '));
  return [
    `Demo POS integration (docs/api.md): source ${path.relative(process.cwd(), file) || file}, or paste:`,
    ...exports.map((line) => `  ${line}`),
    '',
  ];
}

async function startEmbeddedMongoProcess(dbPath: string): Promise<{ child: ChildProcess; uri: string }> {
  // The package's entry point is dist/index.js; its CLI sits beside it.
  const cli = path.join(
    path.dirname(fileURLToPath(import.meta.resolve('@regulars/embedded-mongo'))),
    'cli.js',
  );
  const child = spawn(
    process.execPath,
    [...embeddedServerNodeFlags(), cli, '--port', '0', '--dbpath', dbPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error('The embedded MongoDB did not start within 60 s')),
      60_000,
    );
    lines.on('line', (line) => {
      const match = /^ready (\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The embedded MongoDB exited (${code}) before it was ready; see the messages above`));
    });
  });
  return { child, uri };
}

function prefixOutput(child: ChildProcess, role: string, isVerbose: boolean): void {
  if (!child.stdout) return;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    // The children log JSON; keep warnings and errors visible, leave routine lines to LOG_LEVEL=debug.
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      if ((entry.level ?? 30) >= 40 || isVerbose) console.log(`[${role}] ${line}`);
    } catch {
      console.log(`[${role}] ${line}`);
    }
  });
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The API did not become healthy at ${url} within ${timeoutMs / 1000} s`);
}

void launch();
