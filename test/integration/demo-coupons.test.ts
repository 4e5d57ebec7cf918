// The demo's coupons and gift certificate (`npm start`): the demo member's wallet holds the "Welcome back"
// coupon and a €25 certificate, the flyer's 50 bearer codes are generated, and seeding again (every
// restart) adds nothing.
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, seedDemoData } from '@regulars/backend';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { signInStaff } from '../support/callers.js';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const seed = () =>
  seedDemoData(app.runtime.services, createLogger(app.runtime.platform.config), {
    withMemberHistory: false,
    jwtSecret: app.runtime.platform.config.jwtSecret,
  });

describe('the demo coupons', () => {
  it('puts a coupon and a gift certificate in the demo member’s wallet and prints a flyer, once', async () => {
    await seed();
    await seed();
    const manager = await signInStaff(app, 'manager');
    const db = mongoose.connection;
    const demo = await db.collection('members').findOne({ name: 'Ana García' });
    expect(demo).not.toBeNull();
    const wallet = await app.request
      .get(`/api/v1/members/${String(demo?._id)}/wallet`)
      .set(manager.auth)
      .expect(200);
    expect(wallet.body.coupons.map((c: { label: string }) => c.label)).toEqual(['Welcome back: 10% off']);
    // The certificate is in the wallet too, with what it holds.
    expect(wallet.body.giftCertificates).toHaveLength(1);
    expect(wallet.body.giftCertificates[0]).toMatchObject({ balanceMinor: 2500, currency: 'EUR' });
    const certificates = await app.request
      .get(`/api/v1/gift-certificates?memberId=${String(demo?._id)}`)
      .set(manager.auth)
      .expect(200);
    expect(certificates.body.items).toHaveLength(1);
    expect(certificates.body.items[0]).toMatchObject({ balanceMinor: 2500, status: 'active' });
    const marketer = await signInStaff(app, 'marketer');
    const templates = await app.request.get('/api/v1/coupon-templates').set(marketer.auth).expect(200);
    const names = templates.body.items.map((t: { name: string }) => t.name);
    expect(names.sort()).toEqual(['Spring flyer: €3 off', 'Welcome back: 10% off']);
    const flyer = templates.body.items.find((t: { name: string }) => t.name === 'Spring flyer: €3 off');
    expect(flyer).toMatchObject({ issued: 50 });
    const flyerId = new mongoose.Types.ObjectId(String(flyer?.id));
    expect(await db.collection('coupons').countDocuments({ templateId: flyerId })).toBe(50);
    expect(await db.collection('coupon_batches').findOne({ templateId: flyerId })).toMatchObject({
      status: 'completed',
      generated: 50,
    });
  });
});
