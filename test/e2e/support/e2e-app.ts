import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { createLogger, createRuntime, loadConfig, seedDemoData, type Runtime } from '@regulars/backend';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const frontendDist = path.join(repoRoot, 'frontend', 'dist');

export type E2eApp = { runtime: Runtime; baseUrl: string; close(): Promise<void> };

/**
 * The real product on a free port: API, built card and staff apps, demo data (staff logins, store, the
 * base earn rule), in a database of its own on the run's MongoDB and Redis.
 */
export async function startE2eApp(options: { env?: Record<string, string> } = {}): Promise<E2eApp> {
  if (
    !existsSync(path.join(frontendDist, 'card', 'index.html')) ||
    !existsSync(path.join(frontendDist, 'staff', 'index.html'))
  ) {
    throw new Error(
      `The frontend is not built (${frontendDist} is missing): run "pnpm build" first (pnpm test does it).`,
    );
  }
  const id = randomBytes(6).toString('hex');
  const config = loadConfig({
    NODE_ENV: 'test',
    MONGODB_URI: inject('mongoUri'),
    MONGODB_DB: `e2e_${id}`,
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: `e2e:${id}`,
    LOG_LEVEL: 'silent',
    BCRYPT_COST: '4',
    FRONTEND_DIST: frontendDist,
    SEED_DEMO: 'true',
    ...options.env,
  });
  const logger = createLogger(config);
  const runtime = await createRuntime(config, { logger });
  await seedDemoData(runtime.services, logger, {
    withMemberHistory: false,
    // The screens' tests create the coupons they need (and start from empty lists).
    withCoupons: false,
    jwtSecret: config.jwtSecret,
  });
  const port = await runtime.listen(0, '127.0.0.1');
  return {
    runtime,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      const db = (await import('mongoose')).default.connection.db;
      await db?.dropDatabase().catch(() => undefined);
      await runtime.close();
    },
  };
}

/** Calls the API as the test's own client (set-up and checks that are not what the test is about). */
export async function api<T>(
  baseUrl: string,
  method: string,
  apiPath: string,
  options: { token?: string; body?: unknown; idempotencyKey?: string } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}/api/v1${apiPath}`, {
    method,
    headers: {
      'Content-Type': 'application/json',
      ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
      ...(options.idempotencyKey ? { 'Idempotency-Key': options.idempotencyKey } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Signs a demo staff account in through the API and returns its access token. */
export async function staffToken(baseUrl: string, email: string): Promise<string> {
  const { status, body } = await api<{ accessToken: string }>(baseUrl, 'POST', '/auth/staff/login', {
    body: { email, password: 'demo1234' },
  });
  if (status !== 200) throw new Error(`could not sign in ${email}: ${status}`);
  return body.accessToken;
}
