#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startEmbeddedMongo, type EmbeddedMongo } from './server.js';

/** `embedded-mongo --port 27018 --dbpath ./.data/mongo`: prints `ready <uri>` on stdout, logs on stderr. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      dbpath: { type: 'string' },
      replSet: { type: 'string', default: 'rs0' },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer between 0 and 65535, got ${values.port}`);
  const log = (line: string): void => {
    process.stderr.write(`${new Date().toISOString()} [embedded-mongo] ${line}\n`);
  };
  const running: { server?: EmbeddedMongo } = {};
  let isStopping = false;
  // Handlers go in before the server starts so that a signal during startup still shuts down cleanly.
  const shutdown = (signal: string): void => {
    if (isStopping) return;
    isStopping = true;
    log(`${signal} received, shutting down`);
    (running.server?.stop() ?? Promise.resolve()).then(
      () => process.exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  const server = await startEmbeddedMongo({
    port,
    host: values.host,
    dbPath: values.dbpath,
    replSetName: values.replSet,
    log,
  });
  running.server = server;
  if (isStopping) {
    await server.stop();
    return;
  }
  process.stdout.write(`ready ${server.uri}\n`);
  log(
    `listening on ${server.uri}${values.dbpath === undefined ? ' (in memory)' : ` (dbpath ${values.dbpath})`}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`[embedded-mongo] fatal: ${(error as Error).message}\n`);
  process.exit(1);
});
