// Throughput of evaluate(): a 20-line basket against 50 active rules, on one core.
// Run: pnpm --filter @regulars/rules bench   (target: ≥ 50,000 evaluations per second)
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import {
  compileRuleSet,
  evaluate,
  validateRuleSet,
  type EvaluationContext,
  type RuleInput,
} from '../src/index.js';

const CATEGORIES = [
  'coffee',
  'tea',
  'pastry',
  'sandwich',
  'juice',
  'snack',
  'merch',
  'beans',
  'milk',
  'cake',
];

// A mix shaped like a real program: base earn, category bonuses, per-item awards, fixed bonuses behind
// conditions, multipliers, stamp cards, groups, limits and budgets.
function makeRules(): RuleInput[] {
  const rules: RuleInput[] = [
    {
      id: 'base-earn',
      version: 1,
      name: 'Base earn',
      isBaseEarn: true,
      effects: [{ type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100 }],
    },
  ];
  CATEGORIES.forEach((category, i) => {
    rules.push({
      id: `bonus-${category}`,
      version: 1,
      name: `Bonus on ${category}`,
      priority: i,
      stacking: i % 2 === 0 ? { mode: 'bestOf', group: `cat-${i % 4}` } : { mode: 'stackable' },
      conditions: {
        all: [
          { field: 'purchase.totalMinor', op: 'gte', value: 500 },
          { items: { categories: [category], minQuantity: 1 } },
        ],
      },
      effects: [
        {
          type: 'awardPointsPerSpend',
          points: 2,
          perAmountMinor: 100,
          items: { categories: [category] },
          maxPoints: 500,
        },
      ],
    });
    rules.push({
      id: `per-item-${category}`,
      version: 1,
      name: `Per item ${category}`,
      conditions: { field: 'purchase.channel', op: 'in', value: ['store', 'app'] },
      effects: [{ type: 'awardPointsPerItem', points: 5, items: { categories: [category] } }],
      limits: [{ period: 'day', maxPoints: 200 }],
    });
  });
  for (let i = 0; i < 15; i++) {
    rules.push({
      id: `fixed-${i}`,
      version: 1,
      name: `Fixed bonus ${i}`,
      priority: 5,
      conditions: {
        any: [
          { field: 'purchase.hour', op: 'between', value: { min: i, max: i + 3 } },
          {
            all: [
              { field: 'member.tier', op: 'in', value: ['gold', 'platinum'] },
              { field: 'purchase.dayOfWeek', op: 'in', value: ['sat', 'sun'] },
            ],
          },
        ],
      },
      effects: [{ type: 'awardFixedPoints', points: 10 + i }],
      budget: { totalPoints: 1_000_000 },
    });
  }
  rules.push(
    {
      id: 'happy-hour',
      version: 1,
      name: 'Happy hour',
      schedule: { daysOfWeek: [1, 2, 3, 4, 5], hours: { from: 14, to: 17 } },
      stacking: { mode: 'bestOf', group: 'multipliers' },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 20_000 }],
    },
    {
      id: 'birthday',
      version: 1,
      name: 'Birthday',
      conditions: { field: 'member.isBirthdayMonth', op: 'eq', value: true },
      stacking: { mode: 'bestOf', group: 'multipliers' },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 30_000 }],
    },
    {
      id: 'gold',
      version: 1,
      name: 'Gold',
      audience: { tiers: ['gold'] },
      effects: [{ type: 'multiplyPoints', targets: { baseEarn: true }, factorBasisPoints: 15_000 }],
    },
    {
      id: 'vip-categories',
      version: 1,
      name: 'VIP categories',
      audience: { tags: ['vip'] },
      effects: [
        { type: 'multiplyPoints', targets: { groups: ['cat-0', 'cat-2'] }, factorBasisPoints: 12_500 },
      ],
    },
    {
      id: 'first-purchase',
      version: 1,
      name: 'First purchase',
      conditions: { field: 'member.isFirstPurchase', op: 'eq', value: true },
      effects: [{ type: 'awardFixedPoints', points: 100 }],
      limits: [{ period: 'lifetime', maxTimes: 1 }],
    },
  );
  for (let i = 0; i < 5; i++) {
    rules.push({
      id: `stamps-${i}`,
      version: 1,
      name: `Stamp card ${i}`,
      effects: [
        {
          type: 'addStamps',
          cardId: `card-${i}`,
          stamps: 1,
          per: 'item',
          items: { categories: [CATEGORIES[i]!] },
        },
      ],
    });
  }
  for (let i = 0; i < 4; i++) {
    rules.push({
      id: `winback-${i}`,
      version: 1,
      name: `Win-back ${i}`,
      conditions: {
        all: [
          { field: 'member.daysSinceLastPurchase', op: 'gte', value: 30 + i * 30 },
          { not: { field: 'member.tags', op: 'contains', value: 'staff' } },
        ],
      },
      effects: [
        { type: 'issueCoupon', couponTemplateId: `winback-${i}` },
        { type: 'addMemberTag', tag: 'won-back' },
      ],
    });
  }
  return rules;
}

function makeContexts(): EvaluationContext[] {
  const contexts: EvaluationContext[] = [];
  for (let c = 0; c < 16; c++) {
    const items = Array.from({ length: 20 }, (_, i) => ({
      sku: `sku-${(i * 7 + c) % 40}`,
      category: CATEGORIES[(i + c) % CATEGORIES.length],
      quantity: 1 + ((i + c) % 3),
      unitPriceMinor: 150 + ((i * 97 + c * 13) % 900),
      ...(i % 7 === 0 ? { discountMinor: 100 } : {}),
    }));
    contexts.push({
      now: Date.UTC(2025, 5, 2 + (c % 7), 8 + c, 15),
      timeZone: 'Europe/Paris',
      purchase: { currency: 'EUR', channel: c % 2 ? 'store' : 'web', items },
      member: {
        tier: ['silver', 'gold', 'platinum'][c % 3],
        tags: c % 4 === 0 ? ['vip'] : [],
        purchaseCount: c % 5,
        birthDate: `1990-0${1 + (c % 9)}-15`,
        lastPurchaseAt: Date.UTC(2025, 3, 1 + c),
        stampCards: { 'card-0': c % 10 },
      },
      usage: { 'per-item-coffee': { day: { times: 1, points: 150 } } },
      // Every card fills at 10 stamps, as the stamp card definitions would say.
      stampCardThresholds: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`card-${i}`, 10])),
    });
  }
  return contexts;
}

const validation = validateRuleSet(makeRules());
if (!validation.ok) throw new Error(JSON.stringify(validation.issues));
if (validation.rules.length !== 50) throw new Error(`expected 50 rules, got ${validation.rules.length}`);
const compiled = compileRuleSet(validation.rules);
const contexts = makeContexts();

const ITERATIONS = 50_000;
const RUNS = 7;
let sink = 0;
for (let i = 0; i < 100_000; i++) sink += evaluate(compiled, contexts[i % contexts.length]!).points; // warm-up
// The machine is shared, so besides wall-clock throughput the bench reports throughput per CPU second of
// this (single-threaded) process: what one core does when it is not taken away by other processes.
const wallRates: number[] = [];
const cpuRates: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  for (let i = 0; i < ITERATIONS; i++) sink += evaluate(compiled, contexts[i % contexts.length]!).points;
  const cpu = process.cpuUsage(cpuStart);
  wallRates.push(ITERATIONS / ((performance.now() - start) / 1000));
  cpuRates.push(ITERATIONS / ((cpu.user + cpu.system) / 1e6));
}
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const format = (values: number[]): string => values.map((rate) => Math.round(rate)).join(', ');
const cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`evaluate: 50 rules × 20-line basket, ${RUNS} runs of ${ITERATIONS} evaluations`);
console.log(
  `machine: ${os.cpus().length} cores (${cpuModel}), Node ${process.version}, load ${os.loadavg()[0]?.toFixed(2)}`,
);
console.log(`wall-clock runs (eval/s): ${format(wallRates)}`);
console.log(`per-CPU-second runs (eval/s): ${format(cpuRates)}`);
const wallMedian = median(wallRates);
const cpuMedian = median(cpuRates);
console.log(
  `median: ${Math.round(wallMedian)} evaluations/s wall-clock (${(1e6 / wallMedian).toFixed(1)} µs each)`,
);
console.log(
  `median: ${Math.round(cpuMedian)} evaluations/s per CPU second (${(1e6 / cpuMedian).toFixed(1)} µs each)`,
);
console.log(`checksum ${sink}`);
if (cpuMedian < 50_000) {
  console.log('below the 50,000 evaluations/s target');
  process.exitCode = 1;
}
