import { loadConfig, ConfigError } from './config.js';
import { createRuntime } from './runtime.js';
import { seedDemoData } from './seed/demo-seed.js';

/**
 * Entry point of one backend process: `node dist/main.js api`, `worker`, or `all` (both, the default).
 * The launcher (`pnpm start`) runs an API and a worker process side by side.
 */
async function main(): Promise<void> {
  const role = process.argv[2] ?? 'all';
  if (!['api', 'worker', 'all'].includes(role)) {
    console.error(`Unknown role "${role}": use api, worker or all`);
    process.exit(2);
  }
  const config = loadConfig();
  const runtime = await createRuntime(config);
  const { logger } = runtime;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await runtime.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  if (role === 'api' || role === 'all') {
    if (config.seedDemo) await seedDemoData(runtime.services, logger);
    const port = await runtime.listen();
    logger.info({ port }, 'API listening');
  }
  if (role === 'worker' || role === 'all') {
    await runtime.startWorkers();
    logger.info('workers running');
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(error);
  process.exit(1);
});
