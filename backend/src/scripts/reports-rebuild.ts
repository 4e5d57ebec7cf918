// `pnpm reports:rebuild`: empties the report pre-aggregates and computes them again from the source
// collections (purchases, refunds, ledger entries, lots, members). Uses MONGODB_URI (stop the workers
// first: events handled during the rebuild could be counted twice), or opens the embedded server's data
// directory (.data/mongo) when the app is not running. Prints what it went through as JSON.
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '@regulars/embedded-mongo';
import { loadConfig } from '../config.js';
import { connectMongo } from '../platform/mongo.js';
import { PROGRAM_DEFAULTS, PROGRAM_ID, ProgramModel } from '../modules/program/program.model.js';
import { ReportAggregatesService } from '../modules/reports/report-aggregates.service.js';

async function main(): Promise<number> {
  const config = loadConfig();
  let embedded: EmbeddedMongo | undefined;
  let uri = config.mongodbUri;
  if (!uri) {
    const dbPath = path.join(config.dataDir, 'mongo');
    try {
      embedded = await startEmbeddedMongo({ port: 0, dbPath, log: () => undefined });
    } catch (error) {
      console.error(
        `Cannot open ${dbPath} (${(error as Error).message}). Stop "pnpm start" first, or set MONGODB_URI.`,
      );
      return 2;
    }
    uri = embedded.uri;
  }
  try {
    await connectMongo(uri, config.mongodbDb);
    const program = {
      get: async () => ({ ...PROGRAM_DEFAULTS, ...(await ProgramModel.findById(PROGRAM_ID).lean()) }),
    };
    const started = Date.now();
    const done = await new ReportAggregatesService({ program }).rebuild({
      onProgress: (p) =>
        process.stderr.write(`\r${p.members} members, ${p.anonymousPurchases} walk-in sales`),
    });
    process.stderr.write('\n');
    console.log(JSON.stringify({ ...done, seconds: (Date.now() - started) / 1000 }, null, 2));
    return 0;
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
