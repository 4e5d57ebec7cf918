// Crash safety with real processes: the API (and its worker) and the embedded MongoDB are killed with
// SIGKILL in the middle of a stream of till purchases, then started again on their data. Every purchase the
// API acknowledged is still there and replays byte for byte; every request left unanswered settles exactly
// once when retried with its Idempotency-Key; the ledger verifies clean; and the worker, killed with the
// API in the middle of its batches, still hands every purchase's event to a webhook receiver (at least once).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRedis, type LocalRedis } from '@regulars/backend';
import { freePort } from '../../backend/src/platform/local-redis.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const TSX = ['--conditions=source', '--import', 'tsx'];

let dataDir: string;
let redis: LocalRedis;
let mongoPort: number;
let mongoUri: string;
let apiPort: number;
let mongo: ChildProcess | undefined;
let api: ChildProcess | undefined;
let base: string;

function startMongo(): Promise<void> {
  mongo = spawn(
    process.execPath,
    [
      ...TSX,
      'packages/embedded-mongo/src/cli.ts',
      '--port',
      String(mongoPort),
      '--dbpath',
      path.join(dataDir, 'mongo'),
    ],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const child = mongo;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const uri = /ready (\S+)/.exec(out)?.[1];
      if (uri) {
        mongoUri = uri;
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`embedded-mongo exited with ${code}`)));
  });
}

async function startApi(): Promise<void> {
  api = spawn(process.execPath, [...TSX, 'backend/src/main.ts', 'all'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(apiPort),
      MONGODB_URI: mongoUri,
      MONGODB_DB: 'crash',
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'crash',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      BCRYPT_COST: '4',
      JWT_SECRET: 'crash-safety-test-secret-0123456789abcdef',
      RATE_LIMIT_AUTHENTICATED_PER_MIN: '1000000',
      SANDBOX_CLOCK: 'false',
      // The key of a request cut off by the kill stays taken this long (60 s by default).
      IDEMPOTENCY_LOCK_SECONDS: '5',
    },
  });
  await untilHealthy();
}

async function untilHealthy(tries = 240): Promise<void> {
  for (let i = 0; i < tries; i += 1) {
    const ok = await fetch(`${base}/api/health`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the API did not become healthy');
}

function kill9(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

let adminToken: string;
let receiver: Server;
/** purchaseId → event ids of the purchase.recorded deliveries the receiver got. */
const recorded = new Map<string, Set<string>>();
let apiKey: string;
let storeId: string;
let memberId: string;

async function post(pathname: string, body: unknown, headers: Record<string, string>) {
  const response = await fetch(`${base}${pathname}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    text: await response.text(),
    replayed: response.headers.get('idempotent-replayed'),
  };
}

type Sent = { key: string; body: unknown; answer?: { status: number; text: string } };

/** Till purchases from `lanes` parallel tills until `stop` is set; what each got back (or not). */
function stream(lanes: number, state: { stop: boolean }, sent: Sent[]): Promise<void> {
  const lane = async (n: number) => {
    for (let i = 0; !state.stop; i += 1) {
      const item: Sent = {
        key: `crash-${n}-${i}-${randomUUID()}`,
        body: {
          memberId,
          storeId,
          currency: 'EUR',
          totalMinor: 1000 + n,
          externalId: `crash-${randomUUID()}`,
          items: [{ sku: 'COFFEE', name: 'Coffee', quantity: 1, unitPriceMinor: 1000 + n }],
        },
      };
      sent.push(item);
      try {
        const answer = await post('/api/v1/purchases', item.body, {
          'X-Api-Key': apiKey,
          'Idempotency-Key': item.key,
        });
        item.answer = { status: answer.status, text: answer.text };
      } catch {
        // The connection died with the process: unanswered.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  return Promise.all(Array.from({ length: lanes }, (_, n) => lane(n))).then(() => undefined);
}

/** Retries every request with its key once the API answers again; checks what crash safety promises. */
async function settleAndCheck(sent: Sent[]): Promise<void> {
  const acknowledged = sent.filter((item) => item.answer?.status === 201);
  expect(acknowledged.length).toBeGreaterThan(0);
  const settled = new Map<string, string>();
  for (const item of sent) {
    let again = await post('/api/v1/purchases', item.body, {
      'X-Api-Key': apiKey,
      'Idempotency-Key': item.key,
    });
    // A request cut off by the kill holds its key until IDEMPOTENCY_LOCK_SECONDS pass (409 meanwhile),
    // and a dying database may have answered 503: both settle on a later retry.
    for (let i = 0; i < 40 && (again.status === 409 || again.status === 503); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      again = await post('/api/v1/purchases', item.body, {
        'X-Api-Key': apiKey,
        'Idempotency-Key': item.key,
      });
    }
    if (item.answer?.status === 201) {
      expect(again.status).toBe(201);
      expect(again.replayed).toBe('true');
      expect(again.text).toBe(item.answer.text);
    }
    expect(again.status, `${item.key}: ${again.text}`).toBe(201);
    settled.set(item.key, JSON.parse(again.text).id as string);
  }
  // Exactly once: one purchase per key, no purchase without a key that was sent.
  expect(new Set(settled.values()).size).toBe(sent.length);
  const verify = await fetch(`${base}/api/v1/admin/ledger/verify`, {
    headers: { Authorization: `Bearer ${adminToken}` },
  }).then((response) => response.json() as Promise<{ ok: boolean; mismatches: unknown[] }>);
  expect(verify).toMatchObject({ ok: true, mismatches: [] });
  // Every purchase's event reaches the receiver, each under one event id, however often it was delivered.
  const purchaseIds = [...settled.values()];
  for (let i = 0; i < 240 && purchaseIds.some((id) => !recorded.has(id)); i += 1)
    await new Promise((resolve) => setTimeout(resolve, 250));
  expect(purchaseIds.filter((id) => !recorded.has(id))).toEqual([]);
  for (const id of purchaseIds) expect(recorded.get(id)?.size).toBe(1);
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'regulars-crash-'));
  redis = await startLocalRedis();
  mongoPort = await freePort();
  apiPort = await freePort();
  base = `http://127.0.0.1:${apiPort}`;
  await startMongo();
  await startApi();
  const login = await post(
    '/api/v1/auth/staff/login',
    { email: 'admin@example.com', password: 'demo1234' },
    {},
  );
  adminToken = JSON.parse(login.text).accessToken;
  const auth = { Authorization: `Bearer ${adminToken}` };
  const stores = await fetch(`${base}/api/v1/stores`, { headers: auth }).then(
    (r) => r.json() as Promise<{ items: Array<{ id: string }> }>,
  );
  storeId = stores.items[0]!.id;
  const key = await post('/api/v1/api-keys', { name: 'crash till', scopes: ['purchases:write'] }, auth);
  apiKey = JSON.parse(key.text).key;
  const member = await post('/api/v1/members', { name: 'Crash Test', phone: '+34 699 000 111' }, auth);
  memberId = JSON.parse(member.text).id;
  // A webhook receiver for purchase.recorded: what the worker's dispatcher and delivery sweep hand out.
  receiver = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const event = JSON.parse(body) as { id: string; type: string; subject: { purchaseId?: string } };
      const purchaseId = event.subject.purchaseId;
      if (event.type === 'purchase.recorded' && purchaseId)
        recorded.set(purchaseId, (recorded.get(purchaseId) ?? new Set()).add(event.id));
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const address = receiver.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const endpoint = await post(
    '/api/v1/webhooks',
    { url: `http://127.0.0.1:${port}/hooks`, eventTypes: ['purchase.recorded'] },
    auth,
  );
  expect(endpoint.status).toBe(201);
}, 120_000);

afterAll(async () => {
  receiver?.close();
  await kill9(api);
  await kill9(mongo);
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('kill -9 in the middle of a stream of purchases', () => {
  it('loses no acknowledged purchase when the API process is killed, and settles each unanswered key once', async () => {
    const state = { stop: false };
    const sent: Sent[] = [];
    const running = stream(4, state, sent);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill9(api);
    await new Promise((resolve) => setTimeout(resolve, 300));
    state.stop = true;
    await running;
    await startApi();
    await settleAndCheck(sent);
  }, 180_000);

  it('loses no acknowledged purchase when the database is killed, once it is back on its data', async () => {
    const state = { stop: false };
    const sent: Sent[] = [];
    const running = stream(4, state, sent);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await kill9(mongo);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    state.stop = true;
    await running;
    await startMongo();
    await untilHealthy();
    await settleAndCheck(sent);
  }, 180_000);
});
