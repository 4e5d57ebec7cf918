import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createApiKey, signInStaff, signUpMember } from '../support/callers.js';

let app: TestApp;
let marketer: Awaited<ReturnType<typeof signInStaff>>;
let cashier: Awaited<ReturnType<typeof signInStaff>>;

const baseEarn = {
  name: '1 point per €1',
  isBaseEarn: true,
  effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'floor' }],
};
const basket = {
  currency: 'EUR',
  items: [{ sku: 'latte', category: 'coffee', quantity: 2, unitPriceMinor: 350 }],
};

beforeAll(async () => {
  app = await createTestApp();
  marketer = await signInStaff(app, 'marketer');
  cashier = await signInStaff(app, 'cashier');
});
afterAll(() => app.close());

async function createRule(definition: Record<string, unknown>) {
  const response = await app.request
    .post('/api/v1/rules')
    .set(marketer.auth)
    .send({ definition })
    .expect(201);
  return response.body as { id: string; status: string };
}

describe('rule lifecycle', () => {
  it('creates a draft, publishes immutable numbered versions, keeps the history', async () => {
    const rule = await createRule(baseEarn);
    expect(rule.status).toBe('draft');
    const v1 = await app.request.post(`/api/v1/rules/${rule.id}/publish`).set(marketer.auth).expect(200);
    expect(v1.body).toMatchObject({
      status: 'published',
      hasUnpublishedChanges: false,
      published: { version: 1 },
    });

    await app.request
      .patch(`/api/v1/rules/${rule.id}`)
      .set(marketer.auth)
      .send({
        definition: {
          ...baseEarn,
          effects: [{ type: 'awardPointsPerSpend', points: 2, perAmountMinor: 100 }],
        },
      })
      .expect(200);
    // The edit is a draft: the live version is still 1 point per €1.
    const live = await app.request
      .post('/api/v1/rules/simulate')
      .set(cashier.auth)
      .send({ basket })
      .expect(200);
    expect(live.body.points).toBe(7);

    const v2 = await app.request.post(`/api/v1/rules/${rule.id}/publish`).set(marketer.auth).expect(200);
    expect(v2.body.published.version).toBe(2);
    const versions = await app.request.get(`/api/v1/rules/${rule.id}/versions`).set(cashier.auth).expect(200);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.body.items[1].definition.effects[0].points).toBe(1);

    await app.request.post(`/api/v1/rules/${rule.id}/pause`).set(marketer.auth).expect(200);
    const paused = await app.request
      .post('/api/v1/rules/simulate')
      .set(cashier.auth)
      .send({ basket })
      .expect(200);
    expect(paused.body.points).toBe(0);
    await app.request.post(`/api/v1/rules/${rule.id}/archive`).set(marketer.auth).expect(200);
    const edit = await app.request
      .patch(`/api/v1/rules/${rule.id}`)
      .set(marketer.auth)
      .send({ definition: baseEarn })
      .expect(409);
    expect(edit.body.error.code).toBe('RULE_ARCHIVED');
  });

  it('records every change in the audit log', async () => {
    const rule = await createRule({ ...baseEarn, name: 'Audited' });
    await app.request.post(`/api/v1/rules/${rule.id}/publish`).set(marketer.auth).expect(200);
    const admin = await signInStaff(app, 'admin');
    const audit = await app.request
      .get(`/api/v1/audit?entityType=rule&entityId=${rule.id}`)
      .set(admin.auth)
      .expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'rule.publish',
      'rule.create',
    ]);
    expect(audit.body.items[0].actor.id).toBe(marketer.id);
    // Clean up so other tests see only their own rules.
    await app.request.post(`/api/v1/rules/${rule.id}/archive`).set(marketer.auth).expect(200);
  });

  it('lists rules by status with pagination', async () => {
    const a = await createRule({ ...baseEarn, name: 'List A' });
    const b = await createRule({ ...baseEarn, name: 'List B' });
    const page = await app.request.get('/api/v1/rules?status=draft&limit=1').set(cashier.auth).expect(200);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.nextCursor).toEqual(expect.any(String));
    const next = await app.request
      .get(`/api/v1/rules?status=draft&limit=1&cursor=${page.body.nextCursor}`)
      .set(cashier.auth)
      .expect(200);
    expect([page.body.items[0].id, next.body.items[0].id].sort()).toEqual([a.id, b.id].sort());
  });
});

describe('validation at save time', () => {
  it('points at the exact field of a type mismatch', async () => {
    const response = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({
        definition: {
          ...baseEarn,
          conditions: { all: [{ field: 'purchase.totalMinor', op: 'gt', value: 'lots' }] },
        },
      })
      .expect(422);
    expect(response.body.error.code).toBe('RULE_INVALID');
    expect(response.body.error.details[0].path).toBe('definition.conditions.all[0].value');
    expect(response.body.error.message).toMatch(/^definition\.conditions\.all\[0\]\.value: /);
  });

  it('rejects an unknown operator, a reversed schedule and an unbounded award', async () => {
    const unknownOp = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: { ...baseEarn, conditions: { field: 'purchase.hour', op: 'around', value: 3 } } })
      .expect(422);
    expect(unknownOp.body.error.details[0].message).toContain("unknown operator 'around'");

    const reversed = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: { ...baseEarn, schedule: { startsAt: '2026-06-30', endsAt: '2026-06-01' } } })
      .expect(422);
    expect(reversed.body.error.details[0].path).toBe('definition.schedule.endsAt');

    const unbounded = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({
        definition: {
          ...baseEarn,
          effects: [{ type: 'awardPointsPerSpend', points: 500, perAmountMinor: 1 }],
        },
      })
      .expect(422);
    expect(unbounded.body.error.details[0].path).toBe('definition.effects[0].maxPoints');
  });

  it('rejects a cyclic multiplier across rules and saves nothing', async () => {
    const multiplier = (name: string, target: string) => ({
      name,
      effects: [{ type: 'multiplyPoints', targets: { ruleIds: [target] }, factorBasisPoints: 20_000 }],
    });
    const a = await createRule(multiplier('A', 'placeholder'));
    const b = await createRule(multiplier('B', a.id));
    await app.request.post(`/api/v1/rules/${b.id}/publish`).set(marketer.auth).expect(200);
    const response = await app.request
      .patch(`/api/v1/rules/${a.id}`)
      .set(marketer.auth)
      .send({ definition: multiplier('A', b.id) })
      .expect(422);
    expect(response.body.error.code).toBe('RULE_SET_CONFLICT');
    const unchanged = await app.request.get(`/api/v1/rules/${a.id}`).set(marketer.auth).expect(200);
    expect(unchanged.body.draft.effects[0].targets.ruleIds).toEqual(['placeholder']);
    await app.request.post(`/api/v1/rules/${b.id}/archive`).set(marketer.auth).expect(200);
    await app.request.post(`/api/v1/rules/${a.id}/archive`).set(marketer.auth).expect(200);
  });
});

describe('roles', () => {
  it('lets cashiers and managers read and simulate but not write', async () => {
    await app.request.get('/api/v1/rules').set(cashier.auth).expect(200);
    const denied = await app.request
      .post('/api/v1/rules')
      .set(cashier.auth)
      .send({ definition: baseEarn })
      .expect(403);
    expect(denied.body.error.code).toBe('FORBIDDEN');
    const manager = await signInStaff(app, 'manager');
    await app.request.post('/api/v1/rules').set(manager.auth).send({ definition: baseEarn }).expect(403);
    await app.request.post('/api/v1/rules/simulate').set(manager.auth).send({ basket }).expect(200);
  });

  it('keeps members out and lets an API key with rules:read preview a cart', async () => {
    const member = await signUpMember(app);
    await app.request.get('/api/v1/rules').set(member.auth).expect(403);
    const key = await createApiKey(app, ['rules:read']);
    const preview = await app.request
      .post('/api/v1/rules/preview')
      .set(key.auth)
      .send({ basket })
      .expect(200);
    expect(preview.body.points).toEqual(expect.any(Number));
  });
});

describe('POST /api/v1/rules/simulate', () => {
  it('explains with the trace why a happy-hour rule did not apply', async () => {
    const base = await createRule({ ...baseEarn, name: 'Sim base' });
    await app.request.post(`/api/v1/rules/${base.id}/publish`).set(marketer.auth).expect(200);
    const happyHour = {
      name: 'Double points 14-17',
      schedule: { hours: { from: 14, to: 17 } },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
    };
    const morning = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket: { ...basket, at: '2026-03-10T11:30:00+01:00' }, rules: { inline: happyHour } })
      .expect(200);
    expect(morning.body.points).toBe(7);
    const inlineTrace = morning.body.trace.find((t: { ruleId: string }) => t.ruleId === 'inline');
    expect(inlineTrace.outcome).toBe('skipped');
    expect(inlineTrace.message).toContain('11');

    const afternoon = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket: { ...basket, at: '2026-03-10T15:00:00+01:00' }, rules: { inline: happyHour } })
      .expect(200);
    expect(afternoon.body.points).toBe(14);
    expect(afternoon.body.breakdown.map((b: { points: number }) => b.points).sort()).toEqual([7, 7]);
    await app.request.post(`/api/v1/rules/${base.id}/archive`).set(marketer.auth).expect(200);
  });

  it('includes drafts on request and writes nothing', async () => {
    const draft = await createRule({ ...baseEarn, name: 'Draft only' });
    const published = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: 'published' })
      .expect(200);
    const withDrafts = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: 'published+drafts' })
      .expect(200);
    expect(withDrafts.body.points).toBeGreaterThan(published.body.points);
    const after = await app.request.get(`/api/v1/rules/${draft.id}`).set(marketer.auth).expect(200);
    expect(after.body.status).toBe('draft');
    await app.request.post(`/api/v1/rules/${draft.id}/archive`).set(marketer.auth).expect(200);
  });

  it('uses a real member profile or a hypothetical one', async () => {
    const goldOnly = {
      name: 'Gold 50 bonus',
      audience: { tags: ['gold'] },
      effects: [{ type: 'awardFixedPoints', points: 50 }],
    };
    const hypothetical = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, member: { tags: ['gold'] }, rules: { inline: goldOnly } })
      .expect(200);
    expect(hypothetical.body.breakdown.find((b: { ruleId: string }) => b.ruleId === 'inline')?.points).toBe(
      50,
    );

    const member = await signUpMember(app);
    const real = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, memberId: member.memberId, rules: { inline: goldOnly } })
      .expect(200);
    const trace = real.body.trace.find((t: { ruleId: string }) => t.ruleId === 'inline');
    expect(trace.outcome).not.toBe('applied');

    const missing = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, memberId: '0123456789abcdef01234567' })
      .expect(404);
    expect(missing.body.error.code).toBe('MEMBER_NOT_FOUND');
  });

  it('refuses to publish, resume or simulate an effect or audience nothing carries out (422 EFFECT_NOT_AVAILABLE)', async () => {
    const hollow = {
      name: 'Bonus for new active members',
      audience: { segments: ['new-active'], tags: ['regular'] },
      effects: [{ type: 'awardFixedPoints', points: 10 }],
    };
    // A draft may hold it (prepared for when the module lands) ...
    const draft = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({ definition: hollow })
      .expect(201);
    // ... but publishing it would promise what never happens.
    const refused = await app.request
      .post(`/api/v1/rules/${draft.body.id}/publish`)
      .set(marketer.auth)
      .expect(422);
    expect(refused.body.error.code).toBe('EFFECT_NOT_AVAILABLE');
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ path: 'definition.audience.segments', kind: 'audience', name: 'segments' }),
    ]);
    const after = await app.request.get(`/api/v1/rules/${draft.body.id}`).set(marketer.auth).expect(200);
    expect(after.body.status).toBe('draft');

    const simulated = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: { inline: hollow } })
      .expect(422);
    expect(simulated.body.error.code).toBe('EFFECT_NOT_AVAILABLE');
    expect(simulated.body.error.details[0].path).toBe('rules.inline.audience.segments');
    const withDrafts = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket, rules: 'published+drafts' })
      .expect(422);
    expect(withDrafts.body.error.details[0].path).toBe(`rules[${draft.body.id}].audience.segments`);
    await app.request.post(`/api/v1/rules/${draft.body.id}/archive`).set(marketer.auth).expect(200);

    // A condition on a member fact nothing keeps (the segment) is as hollow: it can never be true.
    const bySegment = await app.request
      .post('/api/v1/rules')
      .set(marketer.auth)
      .send({
        definition: {
          name: 'New active bonus',
          conditions: { any: [{ field: 'member.segment', op: 'eq', value: 'new-active' }] },
          effects: [{ type: 'awardFixedPoints', points: 10 }],
        },
      })
      .expect(201);
    const segmentRefused = await app.request
      .post(`/api/v1/rules/${bySegment.body.id}/publish`)
      .set(marketer.auth)
      .expect(422);
    expect(segmentRefused.body.error.details).toEqual([
      expect.objectContaining({
        path: 'definition.conditions.any[0].field',
        kind: 'condition',
        name: 'member.segment',
      }),
    ]);
    await app.request.post(`/api/v1/rules/${bySegment.body.id}/archive`).set(marketer.auth).expect(200);
  });

  it('refuses a bad basket with the path of the problem', async () => {
    const response = await app.request
      .post('/api/v1/rules/simulate')
      .set(marketer.auth)
      .send({ basket: { items: [{ sku: 'x', quantity: 1.5, unitPriceMinor: 100 }] } })
      .expect(400);
    expect(response.body.error.details[0].path).toBe('basket.items[0].quantity');
  });
});

describe('templates', () => {
  it('lists the six programs and creates a draft from one', async () => {
    const list = await app.request.get('/api/v1/rule-templates').set(marketer.auth).expect(200);
    expect(list.body.items).toHaveLength(6);
    const created = await app.request
      .post('/api/v1/rule-templates/first-purchase-bonus/instantiate')
      .set(marketer.auth)
      .send({ params: {} })
      .expect(201);
    expect(created.body.status).toBe('draft');
    const unknown = await app.request
      .post('/api/v1/rule-templates/nope/instantiate')
      .set(marketer.auth)
      .send({})
      .expect(404);
    expect(unknown.body.error.code).toBe('RULE_TEMPLATE_NOT_FOUND');
    await app.request.post(`/api/v1/rules/${created.body.id}/archive`).set(marketer.auth).expect(200);
  });
});
