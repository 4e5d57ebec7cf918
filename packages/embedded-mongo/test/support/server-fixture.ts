import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo, type EmbeddedMongoOptions } from '../../src/index.js';

/** A server and a connected driver client shared by one test file; each test uses its own database. */
export interface ServerFixture {
  server: EmbeddedMongo;
  client: MongoClient;
  /** A fresh database name per call, so tests own their data. */
  db(): Db;
}

let dbCounter = 0;

/** Starts an in-memory server before the file's tests and stops it afterwards. */
export function useEmbeddedServer(options: EmbeddedMongoOptions = {}): ServerFixture {
  const fixture = {} as ServerFixture;
  beforeAll(async () => {
    fixture.server = await startEmbeddedMongo({ log: () => undefined, ...options });
    fixture.client = new MongoClient(fixture.server.uri);
    await fixture.client.connect();
    fixture.db = () => fixture.client.db(`test_${process.pid}_${++dbCounter}`);
  });
  afterAll(async () => {
    await fixture.client?.close();
    await fixture.server?.stop();
  });
  return fixture;
}
