// Every JSON example in docs/rules.md is executed here, so the documentation cannot drift from the engine.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  instantiateTemplate,
  parseEvaluationContext,
  validateRule,
  validateRuleSet,
} from '../src/index.js';

const docPath = fileURLToPath(new URL('../../../docs/rules.md', import.meta.url));
const doc = readFileSync(docPath, 'utf8');

interface Block {
  readonly tag: string;
  readonly line: number;
  readonly json: unknown;
}

function jsonBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const pattern = /^```json([^\n]*)\n([\s\S]*?)^```$/gm;
  for (let match = pattern.exec(markdown); match !== null; match = pattern.exec(markdown)) {
    const line = markdown.slice(0, match.index).split('\n').length;
    blocks.push({ tag: (match[1] ?? '').trim(), line, json: JSON.parse(match[2] ?? '') as unknown });
  }
  return blocks;
}

const blocks = jsonBlocks(doc);
const TAGS = ['rule-example', 'rule-invalid', 'rule-set-invalid', 'template-example'];

describe('docs/rules.md', () => {
  it('has examples, and every JSON block is one of the executed kinds', () => {
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) expect(TAGS, `block at line ${block.line}`).toContain(block.tag);
  });

  for (const block of blocks) {
    const example = block.json as Record<string, unknown>;
    it(`${block.tag} at line ${block.line}`, () => {
      switch (block.tag) {
        case 'rule-example': {
          const rules = validateRuleSet(example.rules as unknown[]);
          if (!rules.ok) throw new Error(`rules invalid: ${JSON.stringify(rules.issues)}`);
          const context = parseEvaluationContext(example.context);
          if (!context.ok) throw new Error(`context invalid: ${JSON.stringify(context.issues)}`);
          const result = evaluate(rules.rules, context.context);
          const expected = example.expect as Record<string, unknown>;
          // Partial expectations per entry, but arrays must have the same length: nothing left unexplained.
          expect(result).toMatchObject(expected);
          if (expected.effects !== undefined) expect(result.effects).toEqual(expected.effects);
          break;
        }
        case 'rule-invalid':
          expect(validateRule(example.rule)).toEqual({ ok: false, issues: example.issues });
          break;
        case 'rule-set-invalid':
          expect(validateRuleSet(example.rules as unknown[])).toEqual({ ok: false, issues: example.issues });
          break;
        case 'template-example': {
          const result = instantiateTemplate(String(example.templateId), example.params);
          if (!result.ok) throw new Error(JSON.stringify(result.issues));
          expect(result.rule).toMatchObject(example.rule as object);
          break;
        }
      }
    });
  }
});
