// `pnpm migrate` (and `node backend/dist/scripts/migrate.js`, which the launcher, the compose recipe and
// the Kubernetes Job run): builds the indexes of this version's models, then applies the pending
// versioned migrations (backend/src/platform/migrations) under a lock, so that several runners at once
// apply each migration once. Uses MONGODB_URI, or the embedded server's data directory (.data/mongo)
// when none is set and `pnpm start` is not running. Exits 1 when a migration fails (it resumes on the
// next run), 2 when MongoDB cannot be opened.
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '@regulars/embedded-mongo';
import { loadConfig } from '../config.js';
import { connectMongo } from '../platform/mongo.js';
import { createLogger } from '../platform/logger.js';
import { migrate, MigrationFailedError, MigrationLockTimeoutError } from '../platform/migrations/index.js';
// Registers every model, so that their indexes are built.
import '../app.js';

async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger(config);
  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    const dbPath = path.join(config.dataDir, 'mongo');
    try {
      embedded = await startEmbeddedMongo({ port: 0, dbPath, log: () => undefined });
    } catch (error) {
      console.error(
        `Cannot open ${dbPath} (${(error as Error).message}). "pnpm start" runs the migrations itself; otherwise set MONGODB_URI.`,
      );
      return 2;
    }
    uri = embedded.uri;
  }
  try {
    await connectMongo(uri, config.mongodbDb, { waitMs: 60_000 });
    const report = await migrate({ logger });
    console.log(
      `Migrations: ${report.applied.length} applied${report.applied.length ? ` (${report.applied.join(', ')})` : ''}, ` +
        `${report.skipped.length} already applied; indexes of ${report.indexedModels} models in place.`,
    );
    return 0;
  } catch (error) {
    if (error instanceof MigrationFailedError || error instanceof MigrationLockTimeoutError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await mongoose.disconnect();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
