import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, signUpMember } from '../support/callers.js';
import { curlBlocks, runCurlBlock, type CurlAnswer } from '../support/doc-curl.js';
import { cardCode, createLedgerWorld, expectLedgerClean, type LedgerWorld } from './ledger-helpers.js';

const DOC = path.resolve(import.meta.dirname, '../../docs/api.md');

let world: LedgerWorld;
let baseUrl: string;
beforeAll(async () => {
  world = await createLedgerWorld();
  const port = await world.app.runtime.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${port}`;
});
afterAll(() => world.close());

describe('docs/api.md', () => {
  it('has curl examples that run as documented against a live server', async () => {
    const blocks = curlBlocks(DOC);
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    const key = await createApiKey(world.app, [
      'members:read',
      'members:write',
      'purchases:write',
      'refunds:write',
      'rewards:read',
      'redemptions:write',
    ]);
    const member = await signUpMember(world.app, { name: 'Ana García' });
    const card = await world.app.request
      .get(`/api/v1/members/${member.memberId}/card`)
      .set(member.auth)
      .expect(200);
    const reward = await world.app.request
      .post('/api/v1/rewards')
      .set(world.marketer.auth)
      .send({ name: '€2 off', pointsCost: 20, kind: 'fixed_discount', valueMinor: 200 })
      .expect(201);
    const env: Record<string, string> = {
      REGULARS_URL: baseUrl,
      API_KEY: key.key,
      MEMBER_ID: member.memberId,
      STORE_ID: world.storeId,
      REWARD_ID: reward.body.id as string,
      RUN_ID: randomUUID().slice(0, 8),
      PURCHASE_ID: '',
      REDEMPTION_ID: '',
    };
    const answers: CurlAnswer[] = [];
    for (const block of blocks) {
      // A fresh QR code per call, as the member's phone would show it.
      env.CARD_CODE = cardCode(card.body.cardNumber as string, card.body.cardSecret as string);
      const { status, body } = await runCurlBlock(block, env);
      if (block.expectStatus === null) {
        expect({ command: block.command, status, body }).toMatchObject({
          status: expect.toSatisfy((s: number) => s >= 200 && s < 300),
        });
      } else {
        expect({ command: block.command, status }).toEqual({
          command: block.command,
          status: block.expectStatus,
        });
      }
      if (
        block.command.includes('/api/v1/purchases"') &&
        status === 201 &&
        !env.PURCHASE_ID &&
        body.memberId
      ) {
        env.PURCHASE_ID = body.id as string;
      }
      if (block.command.includes('/api/v1/redemptions"') && status === 201 && !env.REDEMPTION_ID) {
        env.REDEMPTION_ID = body.id as string;
      }
      answers.push({ command: block.command, status, body });
    }
    const purchases = answers.filter((a) => a.command.includes('/api/v1/purchases"') && a.body.memberId);
    expect(purchases).toHaveLength(2);
    expect(purchases[1]?.body).toEqual(purchases[0]?.body);
    expect(purchases[0]?.body).toMatchObject({ pointsEarned: 24, balance: { available: 24 } });
    const last = answers.at(-1)?.body as {
      balance: { available: number };
      stats: { totalSpentMinor: number };
    };
    expect(last.balance.available).toBe(18);
    expect(last.stats.totalSpentMinor).toBe(2125);
    await expectLedgerClean(world);
  }, 60_000);
});
