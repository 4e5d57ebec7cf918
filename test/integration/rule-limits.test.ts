// Bounded work per request (issue #11, the rule language): limits are checked before any evaluation and
// answer 422 with the path of the offending node; deep nesting never reaches a 500, on save, publish or
// simulate.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

let app: TestApp;
let marketer: Awaited<ReturnType<typeof signInStaff>>;

beforeAll(async () => {
  app = await createTestApp();
  marketer = await signInStaff(app, 'marketer');
});
afterAll(() => app.close());

const leaf = { field: 'purchase.hour', op: 'gte', value: 14 };
function nestNot(levels: number): unknown {
  let condition: unknown = leaf;
  for (let level = 1; level < levels; level++) condition = { not: condition };
  return condition;
}
const rule = (conditions: unknown) => ({
  name: 'Deep',
  conditions,
  effects: [{ type: 'awardFixedPoints', points: 10 }],
});
const basket = { currency: 'EUR', items: [{ sku: 'latte', quantity: 1, unitPriceMinor: 350 }] };
const deepPath = `conditions${'.not'.repeat(16)}`;

describe('rule limits through the API', () => {
  it('answers 422 RULE_TOO_COMPLEX with the path on save, on edit and on simulate, and saves nothing', async () => {
    await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: rule(nestNot(16)) })
      .expect(201);
    const created = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: rule(nestNot(17)) })
      .expect(422);
    expect(created.body.error).toMatchObject({
      code: 'RULE_TOO_COMPLEX',
      details: [{ path: `definition.${deepPath}`, limit: 16 }],
    });
    expect(await mongoose.connection.collection('rules').countDocuments({ name: 'Deep' })).toBe(1);

    const ok = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: rule(leaf) });
    const edited = await app.request
      .patch(`/api/v1/rules/${ok.body.id as string}`)
      .set(marketer.auth)
      .send({ definition: rule(nestNot(40)) })
      .expect(422);
    expect(edited.body.error.code).toBe('RULE_TOO_COMPLEX');

    const simulated = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: { inline: rule(nestNot(40)) } })
      .expect(422);
    expect(simulated.body.error).toMatchObject({
      code: 'RULE_TOO_COMPLEX',
      details: [{ path: `rules.inline.${deepPath}` }],
    });
  });

  it('refuses to publish a draft stored before the limits existed, naming the path', async () => {
    const _id = new mongoose.Types.ObjectId();
    const now = new Date();
    await mongoose.connection.collection('rules').insertOne({
      _id,
      name: 'Old deep draft',
      status: 'draft',
      draft: rule(nestNot(30)),
      hasUnpublishedChanges: true,
      publishedVersion: null,
      publishedAt: null,
      createdBy: 'system',
      updatedBy: 'system',
      createdAt: now,
      updatedAt: now,
    });
    const published = await app.request
      .post(`/api/v1/rules/${_id.toHexString()}/publish`)
      .set(marketer.auth)
      .expect(422);
    expect(published.body.error).toMatchObject({
      code: 'RULE_TOO_COMPLEX',
      details: [{ path: `definition.${deepPath}` }],
    });
    // The simulator with every draft refuses it the same way instead of failing.
    const withDrafts = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: 'published+drafts' })
      .expect(422);
    expect(withDrafts.body.error.code).toBe('RULE_TOO_COMPLEX');
    await mongoose.connection.collection('rules').deleteOne({ _id });
  });

  it('never answers 500 to rules nesting 1,000 to 100,000 levels, and keeps answering others', async () => {
    for (const levels of [1000, 5000, 100_000]) {
      // Written as text: JSON.stringify itself gives up on such depths.
      const deep = `${'{"not":'.repeat(levels - 1)}${JSON.stringify(leaf)}${'}'.repeat(levels - 1)}`;
      const definition = `{"name":"Deep","effects":[{"type":"awardFixedPoints","points":10}],"conditions":${deep}}`;
      for (const send of [
        () =>
          app.request
            .post('/api/v1/rules')
            .set(marketer.auth)
            .set('Content-Type', 'application/json')
            .send(`{"definition":${definition}}`),
        () =>
          app.request
            .post('/api/v1/rules/simulate')
            .set(marketer.auth)
            .set('Content-Type', 'application/json')
            .send(`{"basket":${JSON.stringify(basket)},"rules":{"inline":${definition}}}`),
      ]) {
        const response = await send();
        const answer = `${levels} levels: ${response.status} ${String(response.body?.error?.code)}`;
        // The rule limits answer 422. Only the JSON body parser may refuse first: a depth bound (413), or
        // V8's JSON.parse giving up past a few thousand levels (400 MALFORMED_JSON). Never a 5xx.
        expect(['422 RULE_TOO_COMPLEX', '413 BODY_TOO_DEEP', '400 MALFORMED_JSON'], answer).toContain(
          `${response.status} ${String(response.body?.error?.code)}`,
        );
        if (levels === 1000 && response.status !== 413) expect(response.status, answer).toBe(422);
      }
    }
    await app.request.get('/api/v1/rules').set(marketer.auth).expect(200);
  });
});
