import type { Services } from '../app.js';
import type { Logger } from '../platform/logger.js';
import { StaffModel } from '../modules/staff/staff.model.js';
import { RewardModel } from '../modules/rewards/reward.model.js';
import { StoreModel } from '../modules/stores/store.model.js';
import mongoose, { Schema } from 'mongoose';
import { demoIntegrationStep } from './demo-integration.js';
import { ledgerSeedSteps } from './ledger-history.js';
import { demoCouponSteps } from './demo-coupons.js';

export const DEMO_PASSWORD = 'demo1234';
export const DEMO_STAFF = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'admin' },
  { email: 'manager@example.com', name: 'Manu Manager', role: 'manager' },
  { email: 'marketer@example.com', name: 'Marta Marketer', role: 'marketer' },
  { email: 'cashier@example.com', name: 'Carlos Cashier', role: 'cashier' },
] as const;

/** Marks which seed steps ran, so that seeding twice (every restart) changes nothing. */
const SeedStateModel = mongoose.model<{ _id: string; doneAt: Date }>(
  'SeedState',
  new Schema<{ _id: string; doneAt: Date }>(
    { _id: String, doneAt: Date },
    { collection: 'seed_state', versionKey: false },
  ),
);

export type SeedStep = { id: string; run: () => Promise<void> };

/**
 * Demo data for development and demos, created through the same services the API uses. Each step runs
 * once; later modules append their steps (members with purchase history, rewards, rules).
 */
export async function seedDemoData(
  services: Services,
  logger: Logger,
  options: { withMemberHistory?: boolean; withCoupons?: boolean; jwtSecret: string },
): Promise<void> {
  const system = { kind: 'anonymous' } as const;
  const steps: SeedStep[] = [
    {
      id: 'program-v1',
      run: async () => {
        await services.program.update(
          {
            name: 'Café Regulars',
            currency: 'EUR',
            timeZone: 'Europe/Madrid',
            pointValueMinor: 1,
            pendingDays: 0,
            expiryMonths: 12,
          },
          system,
        );
      },
    },
    {
      id: 'stores-v1',
      run: async () => {
        for (const store of [
          {
            name: 'Centro',
            code: 'CENTRO',
            address: { line1: 'Calle Mayor 1', city: 'Madrid', country: 'ES' },
          },
          {
            name: 'Malasaña',
            code: 'MALASANA',
            address: { line1: 'Calle del Pez 12', city: 'Madrid', country: 'ES' },
          },
        ]) {
          if (!(await StoreModel.exists({ code: store.code })))
            await services.stores.create({ ...store, isActive: true }, system);
        }
      },
    },
    {
      id: 'staff-v1',
      run: async () => {
        const centro = await StoreModel.findOne({ code: 'CENTRO' }).lean();
        for (const staff of DEMO_STAFF) {
          if (await StaffModel.exists({ email: staff.email })) continue;
          await services.staff.create(
            {
              ...staff,
              password: DEMO_PASSWORD,
              storeId: staff.role === 'cashier' && centro ? String(centro._id) : null,
            },
            system,
          );
        }
      },
    },
    {
      id: 'base-earn-rule-v1',
      run: async () => {
        // The demo program's base rule: 1 point per €1 spent, rounded down.
        const rule = await services.rules.createFromTemplate(
          'points-per-spend',
          { name: '1 point per €1' },
          system,
        );
        await services.rules.publish(rule.id, system);
      },
    },
    // The year of history of 220 members takes a while; browser tests that only need the catalog skip it.
    ...ledgerSeedSteps(services, logger).filter(
      (step) => options.withMemberHistory !== false || step.id !== 'member-history-v1',
    ),
    {
      // After the rewards: "Buy 10 coffees, get the 11th free", carried out on the coffee category.
      id: 'stamp-card-v1',
      run: async () => {
        const espresso = await RewardModel.findOne({ name: 'Free espresso' }).lean();
        if (!espresso) return;
        const card = await services.stampCards.create(
          {
            name: 'Coffee card',
            threshold: 10,
            rewardId: espresso._id.toHexString(),
            rewardValidityDays: 30,
          },
          system,
        );
        const rule = await services.rules.createFromTemplate(
          'stamp-card',
          {
            name: 'Coffee card: the 11th coffee is free',
            cardId: card._id.toHexString(),
            categories: ['coffee'],
          },
          system,
        );
        await services.rules.publish(rule.id, system);
      },
    },
    // After the stores and the rewards: the POS key, member and reward docs/api.md uses.
    demoIntegrationStep(services, options.jwtSecret),
    // After the members: coupons in their wallets, a flyer of bearer codes, a gift certificate.
    ...(options.withCoupons === false ? [] : demoCouponSteps(services, logger)),
  ];
  for (const step of steps) {
    if (await SeedStateModel.exists({ _id: step.id })) continue;
    logger.info({ step: step.id }, 'seeding demo data');
    await step.run();
    await SeedStateModel.create({ _id: step.id, doneAt: new Date() });
  }
}
