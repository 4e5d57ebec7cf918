import { ManualClock } from '../platform/clock.js';
import { AppError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { Services } from '../app.js';
import { EventService } from '../modules/events/event.service.js';
import { LedgerService } from '../modules/ledger/ledger.service.js';
import { MemberModel } from '../modules/members/member.model.js';
import { MemberService } from '../modules/members/member.service.js';
import { PurchaseService } from '../modules/purchases/purchase.service.js';
import { RedemptionService } from '../modules/redemptions/redemption.service.js';
import { RewardModel } from '../modules/rewards/reward.model.js';
import { RewardService } from '../modules/rewards/reward.service.js';
import { StampService } from '../modules/stamps/stamp.service.js';
import { StoreModel } from '../modules/stores/store.model.js';

const DAY = 24 * 3600_000;
const MEMBER_COUNT = 220;

const MENU = [
  { sku: 'ESPRESSO', name: 'Espresso', category: 'coffee', unitPriceMinor: 180 },
  { sku: 'LATTE', name: 'Caffè latte', category: 'coffee', unitPriceMinor: 320 },
  { sku: 'CAPPUCCINO', name: 'Cappuccino', category: 'coffee', unitPriceMinor: 290 },
  { sku: 'TEA', name: 'Green tea', category: 'tea', unitPriceMinor: 240 },
  { sku: 'CROISSANT', name: 'Croissant', category: 'bakery', unitPriceMinor: 190 },
  { sku: 'CAKE', name: 'Carrot cake', category: 'bakery', unitPriceMinor: 420 },
  { sku: 'SANDWICH', name: 'Club sandwich', category: 'food', unitPriceMinor: 690 },
  { sku: 'JUICE', name: 'Orange juice', category: 'drinks', unitPriceMinor: 350 },
] as const;

const FIRST = [
  'Ana',
  'Luis',
  'María',
  'Javier',
  'Lucía',
  'Carlos',
  'Sofía',
  'Pablo',
  'Elena',
  'Diego',
  'Marta',
  'Hugo',
  'Paula',
  'Álvaro',
  'Irene',
  'Jorge',
  'Carmen',
  'Raúl',
  'Laura',
  'Sergio',
];
const LAST = [
  'García',
  'Fernández',
  'López',
  'Martínez',
  'Sánchez',
  'Pérez',
  'Gómez',
  'Ruiz',
  'Díaz',
  'Moreno',
  'Muñoz',
  'Álvarez',
  'Romero',
  'Navarro',
  'Torres',
];

/** Deterministic pseudo-random numbers (mulberry32): the demo looks the same on every machine. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Habit = {
  kind: 'regular' | 'occasional' | 'lapsed' | 'one_time';
  perDay: number;
  stopsAfterDays: number;
};

const SYSTEM = { kind: 'anonymous' } as const;

/** The demo rewards catalog. */
async function seedRewards(services: Services): Promise<void> {
  if (await RewardModel.exists({})) return;
  const rewards = [
    { name: 'Free espresso', pointsCost: 25, kind: 'free_product' as const, sku: 'ESPRESSO' },
    { name: '€2 off your order', pointsCost: 40, kind: 'fixed_discount' as const, valueMinor: 200 },
    { name: '10% off your order', pointsCost: 60, kind: 'percent_discount' as const, percent: 10 },
    { name: 'Free club sandwich', pointsCost: 80, kind: 'free_product' as const, sku: 'SANDWICH', stock: 50 },
    {
      name: 'Barista masterclass',
      pointsCost: 400,
      kind: 'free_product' as const,
      sku: 'MASTERCLASS',
      stock: 5,
      perMemberLimit: 1,
    },
  ];
  for (const reward of rewards) await services.rewards.create({ ...reward, isActive: true }, SYSTEM);
}

/**
 * A year of café life: 220 members joining over the year with different habits (regulars, occasional
 * visitors, lapsed ones, one-time buyers), purchases in both stores, a few redemptions, refunds and
 * expiries, all through the ledger services on a clock that walks through the year day by day.
 */
async function seedHistory(services: Services, logger: Logger): Promise<void> {
  if (await MemberModel.exists({ phone: phoneOf(0) })) return;
  const stores = await StoreModel.find({ isActive: true }).lean();
  const rewards = await RewardModel.find({ stock: null }).sort({ pointsCost: 1 }).lean();
  if (stores.length === 0) return;
  // The year ends at business time: on a sandbox whose clock has moved, that is the sandbox's "now".
  const endOfHistory = services.clock.now().getTime();
  const start = endOfHistory - 365 * DAY;
  const clock = new ManualClock(start);
  const program = services.program;
  // Events carry the history's business time, like its ledger entries.
  const events = new EventService({ clock });
  const members = new MemberService({ clock, program, audit: services.audit, events });
  const ledger = new LedgerService({ clock, events });
  const purchases = new PurchaseService({
    clock,
    program,
    members,
    ledger,
    earning: services.earning,
    events,
    stamps: new StampService({ clock, events, cards: services.stampCards }),
  });
  const rewardService = new RewardService({ clock, audit: services.audit, events });
  const redemptions = new RedemptionService({
    clock,
    program,
    members,
    rewards: rewardService,
    ledger,
    events,
  });
  const rand = random(20_240_601);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;

  const joinDay = Array.from({ length: MEMBER_COUNT }, () => Math.floor(rand() * 350)).sort((a, b) => a - b);
  const roster: { id: string; habit: Habit; joinedDay: number; store: string; n: number }[] = [];
  let next = 0;
  let purchaseCount = 0;
  for (let day = 0; day < 365; day += 1) {
    clock.set(start + day * DAY + 8 * 3600_000);
    while (next < MEMBER_COUNT && joinDay[next] === day) {
      const r = rand();
      const habit: Habit =
        r < 0.22
          ? { kind: 'regular', perDay: 0.12, stopsAfterDays: 999 }
          : r < 0.6
            ? { kind: 'occasional', perDay: 0.03, stopsAfterDays: 999 }
            : r < 0.85
              ? { kind: 'lapsed', perDay: 0.08, stopsAfterDays: 30 + Math.floor(rand() * 90) }
              : { kind: 'one_time', perDay: 0, stopsAfterDays: 0 };
      const member = await members.create(
        {
          name: `${pick(FIRST)} ${pick(LAST)}`,
          phone: phoneOf(next),
          ...(rand() < 0.6 ? { email: `member${next}@example.com` } : {}),
          ...(rand() < 0.5
            ? {
                birthDate: `19${60 + Math.floor(rand() * 40)}-0${1 + Math.floor(rand() * 9)}-1${Math.floor(rand() * 9)}`,
              }
            : {}),
          consents: { email: rand() < 0.5, sms: rand() < 0.3, push: rand() < 0.4 },
        },
        SYSTEM,
      );
      roster.push({
        id: member._id.toHexString(),
        habit,
        joinedDay: day,
        store: String(pick(stores)._id),
        n: 0,
      });
      next += 1;
    }
    for (const m of roster) {
      const age = day - m.joinedDay;
      const buysToday =
        (age === 0 && rand() < 0.9) || (age > 0 && age <= m.habit.stopsAfterDays && rand() < m.habit.perDay);
      if (!buysToday) continue;
      clock.set(start + day * DAY + (7 + Math.floor(rand() * 13)) * 3600_000 + Math.floor(rand() * 3600_000));
      const items = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => {
        const item = pick(MENU);
        return { ...item, quantity: rand() < 0.85 ? 1 : 2 };
      });
      const totalMinor = items.reduce((s, i) => s + i.quantity * i.unitPriceMinor, 0);
      m.n += 1;
      try {
        const result = await purchases.create(
          {
            memberId: m.id,
            storeId: rand() < 0.8 ? m.store : String(pick(stores)._id),
            externalId: `SEED-${m.id.slice(-6)}-${m.n}`,
            currency: 'EUR',
            totalMinor,
            items: [...items],
          },
          { principal: SYSTEM, requestKey: null },
        );
        purchaseCount += 1;
        const affordable = rewards.filter((r) => r.pointsCost <= result.balance.available);
        if (affordable.length > 0 && rand() < 0.25) {
          await redemptions.create(
            { memberId: m.id, rewardId: pick(affordable)._id.toHexString() },
            { principal: SYSTEM, requestKey: null },
          );
        }
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
      }
    }
    if (day % 7 === 0) {
      await ledger.activateDue();
      await ledger.expireDue();
    }
  }
  clock.set(endOfHistory);
  await ledger.activateDue();
  await ledger.expireDue();
  logger.info({ members: roster.length, purchases: purchaseCount }, 'seeded a year of purchase history');
}

function phoneOf(index: number): string {
  return `+34699${String(100_000 + index).padStart(6, '0')}`;
}

/** Seed steps of the ledger: the rewards catalog, then members with a year of history. */
export function ledgerSeedSteps(services: Services, logger: Logger) {
  return [
    { id: 'rewards-v1', run: () => seedRewards(services) },
    { id: 'member-history-v1', run: () => seedHistory(services, logger) },
  ];
}
