import cluster from 'node:cluster';
import type { Server } from 'node:http';
import express from 'express';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger } from './platform/logger.js';
import type { Logger } from './platform/logger.js';
import { createRuntime, type Runtime } from './runtime.js';
import { demoIntegrationEnv, writeDemoEnvFile } from './seed/demo-integration.js';
import { seedDemoData } from './seed/demo-seed.js';
import { registerHealthRoute } from './modules/health/health.routes.js';

/** Seeds the demo once and writes the variables of docs/api.md to `<data dir>/demo.env`. */
async function seedDemo(runtime: Runtime, config: Config, logger: Logger): Promise<void> {
  await seedDemoData(runtime.services, logger, { jwtSecret: config.jwtSecret });
  const env = await demoIntegrationEnv(runtime.services, config);
  if (env) await writeDemoEnvFile(config.dataDir, env);
}

/**
 * Entry point of one backend process: `node dist/main.js api`, `worker`, or `all` (both, the default).
 * The launcher (`pnpm start`) runs an API and a worker process side by side. The `api` role runs
 * `API_PROCESSES` API processes with node:cluster sharing one port.
 */
async function main(): Promise<void> {
  const role = process.argv[2] ?? 'all';
  if (!['api', 'worker', 'all'].includes(role)) {
    console.error(`Unknown role "${role}": use api, worker or all`);
    process.exit(2);
  }
  const config = loadConfig();
  if (role === 'api' && cluster.isPrimary && config.apiProcesses > 1) {
    await runApiCluster(config);
    return;
  }
  const runtime = await createRuntime(config);
  const { logger } = runtime;
  let stopping = false;
  let healthServer: Server | undefined;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    healthServer?.close();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (role === 'api' || role === 'all') {
    // In a cluster the primary has seeded already; the processes only serve.
    if (config.seedDemo && cluster.isPrimary) await seedDemo(runtime, config, logger);
    const port = await runtime.listen();
    logger.info({ port, pid: process.pid }, 'API listening');
  }
  if (role === 'worker' || role === 'all') {
    await runtime.startWorkers();
    logger.info('workers running');
    if (role === 'worker' && config.healthPort) {
      healthServer = await listenHealth(runtime, config.healthPort, config.host);
      logger.info({ port: config.healthPort }, 'worker health on /api/health');
    }
  }
}

/** A worker's only HTTP surface: `GET /api/health` (MongoDB and Redis reachable), for probes. */
async function listenHealth(runtime: Runtime, port: number, host: string): Promise<Server> {
  const app = express();
  const router = express.Router();
  registerHealthRoute(router, { redis: runtime.platform.redis, eventLoop: runtime.platform.eventLoop });
  app.use('/api', router);
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return server;
}

/**
 * The primary of the API cluster serves nothing itself: it seeds once, forks the API processes (which
 * share the listening port), replaces one that dies, and stops them all on SIGINT/SIGTERM.
 */
async function runApiCluster(config: Config): Promise<void> {
  const logger = createLogger(config);
  if (config.seedDemo) {
    const runtime = await createRuntime(config, { logger });
    await seedDemo(runtime, config, logger);
    await runtime.close();
  }
  let stopping = false;
  const fork = () => cluster.fork();
  const listening = new Set<number>();
  cluster.on('listening', (worker) => listening.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
      return;
    }
    if (!listening.has(worker.id)) {
      // It died before serving (bad database URI, port taken...): restarting would only loop.
      logger.error({ pid: worker.process.pid, code, signal }, 'an API process failed to start');
      stop('SIGTERM', 1);
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'API process exited; starting another');
    fork();
  });
  for (let i = 0; i < config.apiProcesses; i += 1) fork();
  function stop(signal: NodeJS.Signals, exitCode = 0): void {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, processes: config.apiProcesses }, 'shutting down the API processes');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    process.exitCode = exitCode;
    const workers = Object.values(cluster.workers ?? {});
    if (workers.length === 0) process.exit(exitCode);
    // Each process closes its server and connections on SIGTERM (see main), then exits.
    for (const worker of workers) worker?.process.kill('SIGTERM');
  }
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
