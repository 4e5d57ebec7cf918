import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '@regulars/backend';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { curlBlocks, hasExpectedStatus, runCurlBlock, type CurlAnswer } from '../support/doc-curl.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/sandbox.md');

let app: TestApp;
let baseUrl: string;
beforeAll(async () => {
  // What `npm start` gives a new user: the sandbox clock on, the demo seeded (staff, stores, base rule).
  app = await createTestApp({ env: { SANDBOX_CLOCK: 'true', RATE_LIMIT_AUTHENTICATED_PER_MIN: '100000' } });
  await seedDemoData(app.runtime.services, app.runtime.logger, {
    withMemberHistory: false,
    jwtSecret: app.runtime.platform.config.jwtSecret,
  });
  const port = await app.runtime.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => app.close());

describe('docs/sandbox.md', () => {
  it('runs its worked example as documented: pending, active, expiring soon, expired', async () => {
    const blocks = curlBlocks(DOC);
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    const env: Record<string, string> = { REGULARS_URL: baseUrl };
    const answers: CurlAnswer[] = [];
    for (const block of blocks) {
      const answer = await runCurlBlock(block, env);
      expect({
        command: block.command,
        status: answer.status,
        ok: hasExpectedStatus(block, answer.status),
      }).toEqual({
        command: block.command,
        status: answer.status,
        ok: true,
      });
      answers.push(answer);
    }
    const bodies = (fragment: string) =>
      answers.filter((a) => a.command.includes(fragment)).map((a) => a.body);
    expect(bodies('/sandbox/clock"')[0]).toMatchObject({ enabled: true, offsetSeconds: 0 });
    expect(bodies('/api/v1/purchases"')[0]).toMatchObject({
      status: 'pending',
      pointsEarned: 25,
      balance: { available: 0, pending: 25 },
    });
    const [activation, toSoon, toExpiry, backwards] = bodies('/sandbox/clock/advance"');
    expect(activation).toMatchObject({ status: 'done', ran: { 'ledger.activate-points': { activated: 1 } } });
    expect(toSoon).toMatchObject({ status: 'done' });
    expect(toExpiry).toMatchObject({ ran: { 'ledger.expire-points': { expired: 1, points: 25 } } });
    expect(backwards).toMatchObject({ error: { code: 'CLOCK_BACKWARDS' } });
    const [active, soon] = bodies('/members/$MEMBER_ID"');
    expect(active).toMatchObject({ balance: { available: 25, pending: 0, expiringSoon: [] } });
    expect(soon).toMatchObject({ balance: { available: 25, expiringSoon: [{ points: 25 }] } });
    const ledger = bodies('/members/$MEMBER_ID/ledger"')[0] as { items: { type: string; points: number }[] };
    expect(ledger.items.map((e) => [e.type, e.points])).toEqual([
      ['expire', -25],
      ['earn', 25],
    ]);
    const verify = await app.request
      .get('/api/v1/admin/ledger/verify')
      .set('Authorization', `Bearer ${env.TOKEN ?? ''}`)
      .expect(200);
    expect(verify.body.ok).toBe(true);
  }, 90_000);
});
