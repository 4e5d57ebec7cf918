import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoIntegrationEnv } from '../../backend/src/seed/demo-integration.js';
import { seedDemoData } from '../../backend/src/seed/demo-seed.js';
import { curlBlocks, hasExpectedStatus, runCurlBlock, type CurlAnswer } from '../support/doc-curl.js';
import { createLedgerWorld, expectLedgerClean, type LedgerWorld } from './ledger-helpers.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/api.md');

let world: LedgerWorld;
let baseUrl: string;
beforeAll(async () => {
  // The demo data `npm start` seeds (without the year of history, which the guide does not use).
  world = await createLedgerWorld({ baseRule: false });
  const { services, platform, logger } = world.app.runtime;
  await seedDemoData(services, logger, { withMemberHistory: false, jwtSecret: platform.config.jwtSecret });
  const port = await world.app.runtime.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => world.close());

describe('docs/api.md', () => {
  it('runs as documented against the demo integration of a fresh npm start', async () => {
    const blocks = curlBlocks(DOC);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    const { services, platform } = world.app.runtime;
    // What `source .data/demo.env` exports, with this test server's address.
    const demo = await demoIntegrationEnv(services, { ...platform.config, publicUrl: baseUrl });
    expect(demo).not.toBeNull();
    const env: Record<string, string> = { ...demo, RUN_ID: String(Date.now()) };
    const answers: CurlAnswer[] = [];
    for (const block of blocks) {
      const answer = await runCurlBlock(block, env);
      expect({ command: block.command, status: answer.status, body: answer.body }).toSatisfy(
        (a: { status: number }) => hasExpectedStatus(block, a.status),
      );
      answers.push(answer);
    }
    const identified = answers.find((a) => a.command.includes('/members/identify'));
    expect(identified?.body).toMatchObject({ method: 'card_code', member: { name: 'Ana García' } });
    const purchases = answers.filter((a) => a.command.includes('/api/v1/purchases"') && a.body.memberId);
    expect(purchases).toHaveLength(2);
    expect(purchases[1]?.body).toEqual(purchases[0]?.body);
    expect(purchases[0]?.body).toMatchObject({ pointsEarned: 44, balance: { available: 44 } });
    const redemption = answers.find((a) => a.command.includes('redeem-$RUN_ID-1'));
    expect(redemption?.body).toMatchObject({ pointsSpent: 40, balance: { available: 4 } });
    const refund = answers.find((a) => a.command.includes('refund-$RUN_ID-1'));
    expect(refund?.body).toMatchObject({ pointsReversed: 3, balance: { available: 38 } });
    const shown = answers.find((a) => a.command.endsWith('/members/$MEMBER_ID" -H "X-Api-Key: $API_KEY"'))
      ?.body as { balance: { available: number }; stats: { totalSpentMinor: number } };
    expect(shown.balance.available).toBe(38);
    expect(shown.stats.totalSpentMinor).toBe(4125);
    // The checkout: 20 points paid, 6 earned on the €6.30 paid, one receipt for the retry.
    const opened = answers.find((a) => a.command.includes('/api/v1/checkouts" '));
    expect(opened?.body).toMatchObject({
      status: 'open',
      totals: { toPayMinor: 650 },
      earnPreview: { points: 6 },
    });
    const receipt = answers.find((a) => a.command.includes('checkout-$RUN_ID-1'))?.body;
    expect(receipt).toMatchObject({ pointsSpent: 20, pointsEarned: 6, balance: { available: 24 } });
    const other = answers.find((a) => a.command.includes('checkout-$RUN_ID-other'))?.body;
    expect(other).toMatchObject({ error: { code: 'CHECKOUT_COMPLETED' } });
    const wallet = answers.at(-1)?.body as { points: { available: number; held: number } };
    expect(wallet.points).toMatchObject({ available: 24, held: 0 });
    await expectLedgerClean(world);
  }, 90_000);
});
