import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The only place that reads the environment. Every value is parsed once, here; a bad value stops the
 * boot with a message that names the variable.
 */
const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  API_PROCESSES: z.coerce.number().int().min(1).max(64).optional(),
  HEALTH_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().default('.data'),
  MONGODB_URI: z.string().optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('regulars'),
  REDIS_URL: z.string().optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+$/)
    .default('regulars'),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(900).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  CORS_ORIGINS: z.string().default(''),
  TRUST_PROXY: z.string().default('loopback'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_SIGNIN_PER_15MIN: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_SIGNIN_PER_IP_PER_15MIN: z.coerce.number().int().min(1).default(200),
  RATE_LIMIT_OTP_PER_PHONE_PER_HOUR: z.coerce.number().int().min(1).default(5),
  RATE_LIMIT_OTP_PER_IP_PER_HOUR: z.coerce.number().int().min(1).default(30),
  RATE_LIMIT_CODE_CHECKS_PER_MIN: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_AUTHENTICATED_PER_MIN: z.coerce.number().int().min(1).default(6000),
  RATE_LIMIT_ANONYMOUS_PER_MIN: z.coerce.number().int().min(1).default(300),
  RATE_LIMIT_IDENTIFY_PER_MIN: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_COUPON_MISSES_PER_MIN: z.coerce.number().int().min(1).default(10),
  IDEMPOTENCY_LOCK_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  SIMULATION_BUDGET_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  OTP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  SMS_WEBHOOK_URL: z.string().url().optional(),
  SMS_WEBHOOK_TOKEN: z.string().optional(),
  FRONTEND_DIST: z.string().default('frontend/dist'),
  SEED_DEMO: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  SANDBOX_CLOCK: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});

export type Config = {
  env: 'development' | 'test' | 'production';
  isProduction: boolean;
  host: string;
  port: number;
  /** How many API processes `main.js api` runs (node:cluster, sharing the port). */
  apiProcesses: number;
  /**
   * Where a worker process (`main.js worker`) answers `GET /api/health`, for an orchestrator's probes;
   * unset, a worker listens on no port.
   */
  healthPort: number | undefined;
  publicUrl: string | undefined;
  dataDir: string;
  mongodbUri: string | undefined;
  mongodbDb: string;
  redisUrl: string | undefined;
  redisPrefix: string;
  jwtSecret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  bcryptCost: number;
  corsOrigins: string[];
  trustProxy: string;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  rateLimits: {
    signInPer15Min: number;
    signInPerIpPer15Min: number;
    otpPerPhonePerHour: number;
    otpPerIpPerHour: number;
    codeChecksPerMin: number;
    authenticatedPerMin: number;
    anonymousPerMin: number;
    /** Members identified (scan, card number, phone or email lookup) per credential. */
    identifyPerMin: number;
    /** Wrong coupon codes per credential and per address (then 429 until the minute is over). */
    couponMissesPerMin: number;
  };
  otpMaxAttempts: number;
  /**
   * How long an Idempotency-Key stays taken by a request that never finished (its process died): retries
   * of that key answer 409 until then. Longer than any request can run (transactions give up after 20 s).
   */
  idempotencyLockSeconds: number;
  /** The most time a rule simulation may compute (on its worker thread) before it is cut. */
  simulationBudgetMs: number;
  sms: { webhookUrl: string | undefined; webhookToken: string | undefined };
  frontendDist: string;
  seedDemo: boolean;
  /**
   * The sandbox clock (docs/sandbox.md): business time is the system time plus an offset kept in the
   * database, which admins move forward. Never in production.
   */
  sandboxClock: boolean;
  webhooks: {
    /**
     * Whether production may deliver to private, loopback and link-local addresses (an on-premises
     * receiver). Outside production they are always allowed (a receiver on the laptop).
     */
    allowPrivateTargets: boolean;
    /** How long a receiver has to answer a delivery before it is cut off and retried. */
    timeoutMs: number;
  };
};

export class ConfigError extends Error {}

/** Parses the environment (process.env by default) into a typed, validated configuration. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const dataDir = path.resolve(e.DATA_DIR);
  let jwtSecret = e.JWT_SECRET;
  if (!jwtSecret) {
    // Production never falls back to a generated or default secret: tokens must survive restarts and
    // be shared by every API instance.
    if (isProduction) throw new ConfigError('Invalid configuration:\n  JWT_SECRET: required in production');
    jwtSecret = e.NODE_ENV === 'test' ? randomBytes(32).toString('hex') : developmentSecret(dataDir);
  }
  if (isProduction && e.SANDBOX_CLOCK) {
    // A movable clock would let anyone with an admin login expire every customer's points.
    throw new ConfigError(
      'Invalid configuration:\n  SANDBOX_CLOCK: must not be true in production (it lets admins move business time forward)',
    );
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    apiProcesses: e.API_PROCESSES ?? defaultApiProcesses(),
    healthPort: e.HEALTH_PORT,
    publicUrl: e.PUBLIC_URL,
    dataDir,
    mongodbUri: e.MONGODB_URI,
    mongodbDb: e.MONGODB_DB,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    jwtSecret,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    bcryptCost: e.BCRYPT_COST,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: e.TRUST_PROXY,
    logLevel: e.LOG_LEVEL,
    rateLimits: {
      signInPer15Min: e.RATE_LIMIT_SIGNIN_PER_15MIN,
      signInPerIpPer15Min: e.RATE_LIMIT_SIGNIN_PER_IP_PER_15MIN,
      otpPerPhonePerHour: e.RATE_LIMIT_OTP_PER_PHONE_PER_HOUR,
      otpPerIpPerHour: e.RATE_LIMIT_OTP_PER_IP_PER_HOUR,
      codeChecksPerMin: e.RATE_LIMIT_CODE_CHECKS_PER_MIN,
      authenticatedPerMin: e.RATE_LIMIT_AUTHENTICATED_PER_MIN,
      anonymousPerMin: e.RATE_LIMIT_ANONYMOUS_PER_MIN,
      identifyPerMin: e.RATE_LIMIT_IDENTIFY_PER_MIN,
      couponMissesPerMin: e.RATE_LIMIT_COUPON_MISSES_PER_MIN,
    },
    otpMaxAttempts: e.OTP_MAX_ATTEMPTS,
    idempotencyLockSeconds: e.IDEMPOTENCY_LOCK_SECONDS,
    simulationBudgetMs: e.SIMULATION_BUDGET_MS,
    sms: { webhookUrl: e.SMS_WEBHOOK_URL, webhookToken: e.SMS_WEBHOOK_TOKEN },
    frontendDist: path.resolve(e.FRONTEND_DIST),
    seedDemo: e.SEED_DEMO ?? !isProduction,
    sandboxClock: e.SANDBOX_CLOCK,
    webhooks: { allowPrivateTargets: e.WEBHOOK_ALLOW_PRIVATE, timeoutMs: e.WEBHOOK_TIMEOUT_MS },
  };
}

/**
 * The environment `pnpm start` gives its processes: the demo runs on the sandbox clock (so a new user can
 * move time forward and watch points activate and expire) unless SANDBOX_CLOCK says otherwise; a
 * production start never turns it on by itself.
 */
export function launcherEnvironment(
  env: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  if (env.SANDBOX_CLOCK !== undefined || env.NODE_ENV === 'production') return { ...env };
  return { ...env, SANDBOX_CLOCK: 'true' };
}

/** Development generates its secret once and keeps it under the data directory, so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { jwtSecret?: unknown };
    if (typeof stored.jwtSecret === 'string' && stored.jwtSecret.length >= 32) return stored.jwtSecret;
  }
  const jwtSecret = randomBytes(32).toString('hex');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify({ jwtSecret }, null, 2), { mode: 0o600 });
  return jwtSecret;
}

/**
 * One API process per CPU but one: the API is CPU-bound in one event loop and all state that matters
 * (rate limits in Redis, idempotency and the ledger in MongoDB) is shared, while the worker process,
 * Redis and (by default) the embedded MongoDB need a core too. On 2 cores a second API process measured
 * slower (docs/benchmarks.md). Capped because beyond that more processes only add connections.
 */
function defaultApiProcesses(): number {
  return Math.max(1, Math.min(os.availableParallelism() - 1, 8));
}
