// `pnpm ledger:verify`: proves every cached balance equals its ledger entries and lots, and every gift
// certificate's balance its own entries. Uses MONGODB_URI,
// or opens the embedded server's data directory (.data/mongo) when the app is not running. Prints the
// result as JSON; exits 1 when there are mismatches.
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedMongo, type EmbeddedMongo } from '@regulars/embedded-mongo';
import { loadConfig } from '../config.js';
import { connectMongo } from '../platform/mongo.js';
import { LedgerVerifyService } from '../modules/ledger/ledger-verify.service.js';
import { GiftCertificateLedgerCheck } from '../modules/gift-certificates/gift-certificate-verify.js';

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
        `Cannot open ${dbPath} (${(error as Error).message}). While "pnpm start" runs, call GET /api/v1/admin/ledger/verify as an admin, or set MONGODB_URI.`,
      );
      return 2;
    }
    uri = embedded.uri;
  }
  try {
    await connectMongo(uri, config.mongodbDb);
    const result = await new LedgerVerifyService([new GiftCertificateLedgerCheck()]).verify();
    console.log(JSON.stringify(result, null, 2));
    return result.ok ? 0 : 1;
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
