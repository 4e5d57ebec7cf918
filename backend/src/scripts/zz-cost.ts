import { validateRule, validateRuleSet } from '@regulars/rules';
const defs = [];
for (let r = 0; r < 20; r++) {
  const conds = [];
  for (let c = 0; c < 199; c++) conds.push({ items: { skus: Array.from({ length: 1 }, (_, k) => `s${r}-${c}-${k}`), minQuantity: 2 } });
  defs.push({ id: `r${r}`, version: 1, name: `R${r}`, conditions: { any: conds }, effects: [{ type: 'awardFixedPoints', points: 1 }] });
}
let t = performance.now();
const rules = defs.map((d) => { const v = validateRule(d); if (!v.ok) throw new Error('x'); return v.rule; });
console.log('validateRule x10 ms', Math.round(performance.now() - t));
t = performance.now();
const s = validateRuleSet(rules);
console.log('validateRuleSet(10) ms', Math.round(performance.now() - t), s.ok);
import { evaluate, parseEvaluationContext } from '@regulars/rules';
const items = Array.from({ length: 500 }, (_, i) => ({ sku: `x${i}`, quantity: 1, unitPriceMinor: 100 }));
const ctx = parseEvaluationContext({ now: new Date().toISOString(), timeZone: 'Europe/Madrid', purchase: { currency: 'EUR', items } });
if (!ctx.ok) throw new Error('ctx');
t = performance.now();
evaluate(rules, ctx.context);
console.log('evaluate ms', Math.round(performance.now() - t));
