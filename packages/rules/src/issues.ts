// Turns zod's issues into the ones a marketer reads: a dotted/bracket path (`conditions.all[2].value`) and a
// short plain-English message (`expected a number`). The error map is passed per parse, never set
// globally, so other packages keep zod's defaults.
import { z } from 'zod';
import { CONDITION_KEYS } from './rule.schema.js';

/** One validation problem: where (`conditions.all[2].value`) and what (`expected a number`). */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** The outcome of a validation: the parsed value, or every issue found. */
export type ValidationResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: ValidationIssue[] };

/** Formats a path as `conditions.all[2].value` (keys dotted, indexes in brackets). */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

const TYPE_NAMES: Record<string, string> = {
  number: 'a number',
  integer: 'a whole number',
  string: 'a string',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function quote(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

/** The zod error map that produces the messages of `validateRule` and friends. */
export const ruleErrorMap: z.ZodErrorMap = (issue, ctx) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.received === 'undefined') return { message: 'required' };
      return { message: `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    case 'invalid_literal':
      return { message: `expected ${quote(issue.expected)}` };
    case 'unrecognized_keys':
      return {
        message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map(quote).join(', ')}`,
      };
    case 'invalid_enum_value':
      if (issue.path[issue.path.length - 1] === 'field') {
        return { message: `unknown field ${quote(issue.received)}` };
      }
      if (issue.path[issue.path.length - 1] === 'op') {
        return {
          message: `unknown operator ${quote(issue.received)}; expected one of ${issue.options.join(', ')}`,
        };
      }
      return {
        message: `unknown value ${quote(issue.received)}; expected one of ${issue.options.join(', ')}`,
      };
    case 'invalid_union_discriminator': {
      const key = issue.path[issue.path.length - 1];
      const data: unknown = ctx.data;
      const received =
        typeof data === 'object' && data !== null && key !== undefined
          ? (data as Record<string | number, unknown>)[key]
          : undefined;
      const options = issue.options.map(String).join(', ');
      return {
        message:
          received === undefined
            ? 'required'
            : `unknown ${String(key)} ${quote(received)}; expected one of ${options}`,
      };
    }
    case 'too_small':
      if (issue.type === 'array') {
        return {
          message:
            Number(issue.minimum) <= 1 ? 'must not be empty' : `needs at least ${issue.minimum} entries`,
        };
      }
      if (issue.type === 'string') {
        return {
          message:
            Number(issue.minimum) <= 1 ? 'must not be empty' : `needs at least ${issue.minimum} characters`,
        };
      }
      return { message: `must be ${issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}` };
    case 'too_big':
      if (issue.type === 'array') return { message: `must have at most ${issue.maximum} entries` };
      if (issue.type === 'string') return { message: `must be at most ${issue.maximum} characters` };
      return { message: `must be ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}` };
    default:
      return { message: ctx.defaultError };
  }
};

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let current = input;
  for (const segment of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

function isConditionPath(path: readonly (string | number)[]): boolean {
  const last = path[path.length - 1];
  const before = path[path.length - 2];
  return (
    last === 'conditions' ||
    last === 'not' ||
    (typeof last === 'number' && (before === 'all' || before === 'any'))
  );
}

// A union reports every branch's failures; the marketer wants the ones of the branch they meant. For
// conditions that is the branch named by the key they wrote (`field`, `all`…); otherwise the branch that
// came closest.
function flatten(issues: readonly z.ZodIssue[], input: unknown): ValidationIssue[] {
  return issues.flatMap((issue): ValidationIssue[] => {
    if (issue.code !== 'invalid_union') return [{ path: formatPath(issue.path), message: issue.message }];
    const branches = issue.unionErrors.map((error) => error.issues);
    if (isConditionPath(issue.path)) {
      const value = valueAt(input, issue.path);
      const key =
        typeof value === 'object' && value !== null
          ? CONDITION_KEYS.find((candidate) => candidate in value)
          : undefined;
      const chosen = key === undefined ? undefined : branches[CONDITION_KEYS.indexOf(key)];
      if (chosen === undefined) {
        return [
          {
            path: formatPath(issue.path),
            message: `expected a condition: an object with one of the keys ${CONDITION_KEYS.join(', ')}`,
          },
        ];
      }
      return flatten(chosen, input);
    }
    const closest = branches.reduce((best, branch) => (branch.length < best.length ? branch : best));
    return flatten(closest, input);
  });
}

/** Parses `input` with `schema`, returning the value or the issues in the engine's format. */
export function parseWith<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  input: unknown,
): ValidationResult<T> {
  const result = schema.safeParse(input, { errorMap: ruleErrorMap });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: flatten(result.error.issues, input) };
}
