// #11 item 5: a simulation never holds the API's event loop. Simulations run on a worker thread, one at a
// time, and one that computes longer than SIMULATION_BUDGET_MS is cut with 422 SIMULATION_TOO_EXPENSIVE
// while the API keeps answering; the thread is replaced and the next simulation works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

let app: TestApp;
let marketer: Awaited<ReturnType<typeof signInStaff>>;

beforeAll(async () => {
  app = await createTestApp({ env: { SIMULATION_BUDGET_MS: '50' } });
  marketer = await signInStaff(app, 'marketer');
  // Sixty drafts, each with 199 item conditions of their own: evaluated against a 500-line basket, about
  // 6 million line checks (seconds of computation), far beyond the 50 ms budget on any machine.
  for (let r = 0; r < 60; r += 1) {
    const conditions = Array.from({ length: 199 }, (_, c) => ({
      items: { skus: Array.from({ length: 20 }, (_, k) => `sku-${r}-${c}-${k}`), minQuantity: 2 },
    }));
    await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({
        definition: {
          name: `Heavy ${r}`,
          conditions: { any: conditions },
          effects: [{ type: 'awardFixedPoints', points: 1 }],
        },
      })
      .expect(201);
  }
}, 120_000);
afterAll(() => app.close());

const bigBasket = {
  currency: 'EUR',
  items: Array.from({ length: 500 }, (_, i) => ({ sku: `line-${i}`, quantity: 1, unitPriceMinor: 100 })),
};
const smallBasket = { currency: 'EUR', items: [{ sku: 'latte', quantity: 1, unitPriceMinor: 350 }] };

describe('rule simulations off the event loop', () => {
  it('cuts a simulation over its budget with 422 SIMULATION_TOO_EXPENSIVE while the API keeps answering', async () => {
    const finished: string[] = [];
    const simulation = app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket: bigBasket, rules: 'published+drafts' })
      .then((response) => {
        finished.push('simulation');
        return response;
      });
    // Health checks sent while the simulation computes are answered before it ends.
    await new Promise((resolve) => setTimeout(resolve, 20));
    for (let i = 0; i < 3; i += 1) {
      await app.request.get('/api/health').expect(200);
      finished.push(`health ${i}`);
    }
    const response = await simulation;
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'SIMULATION_TOO_EXPENSIVE',
      details: { budgetMs: 50 },
    });
    expect(finished.indexOf('simulation')).toBeGreaterThan(finished.indexOf('health 0'));
  });

  it('simulates again on a fresh thread after a cut', async () => {
    const response = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket: smallBasket, rules: 'published' })
      .expect(200);
    expect(response.body).toMatchObject({ points: 0 });
  });
});
