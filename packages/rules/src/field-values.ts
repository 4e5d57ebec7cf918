// Type checks of the value a field condition compares against. They run inside the zod schema so that
// `Rule.safeParse` alone rejects `{ field: 'purchase.hour', op: 'gt', value: 'noon' }`.
import {
  FIELDS,
  OPERATORS_BY_TYPE,
  dayNumber,
  type FieldName,
  type FieldSpec,
  type Operator,
} from './fields.js';

/** A problem found in a field condition, at a path relative to the condition. */
export interface ValueProblem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Why `value` is not a valid single value of the field, or undefined when it is. */
export function scalarProblem(spec: FieldSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case 'number':
    case 'money': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (!Number.isInteger(value)) return 'expected a whole number';
      const min = spec.min ?? Number.NEGATIVE_INFINITY;
      const max = spec.max ?? Number.POSITIVE_INFINITY;
      if (value < min || value > max) {
        return max === Number.POSITIVE_INFINITY
          ? `${spec.label} cannot be less than ${min}`
          : `${spec.label} must be between ${min} and ${max}`;
      }
      return undefined;
    }
    case 'date':
      return isIsoDate(value) ? undefined : 'expected a date written YYYY-MM-DD';
    case 'dayOfWeek':
      return dayNumber(value) === undefined
        ? 'expected a day of week: 1–7 (Monday = 1) or a name such as "monday"'
        : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected true or false';
    case 'string':
    case 'stringList':
      return typeof value === 'string' && value.length > 0 ? undefined : 'expected a non-empty string';
  }
}

/** Turns a valid value into the form the engine compares (day names become 1–7). */
export function normaliseScalar(spec: FieldSpec, value: unknown): number | string | boolean {
  if (spec.type === 'dayOfWeek') return dayNumber(value) ?? Number.NaN;
  return value as number | string | boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function compareScalars(a: number | string | boolean, b: number | string | boolean): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every problem of a field condition's operator and value, given its field. */
export function fieldConditionProblems(field: FieldName, op: Operator, value: unknown): ValueProblem[] {
  const spec: FieldSpec = FIELDS[field];
  if (!OPERATORS_BY_TYPE[spec.type].includes(op)) {
    const allowed = OPERATORS_BY_TYPE[spec.type].join(', ');
    return [{ path: ['op'], message: `operator ${op} does not apply to ${field}; use one of ${allowed}` }];
  }
  const at = (path: (string | number)[], message: string | undefined): ValueProblem[] =>
    message === undefined ? [] : [{ path: ['value', ...path], message }];
  switch (op) {
    case 'in':
    case 'notIn': {
      if (!Array.isArray(value) || value.length === 0) return at([], 'expected a non-empty list of values');
      return value.flatMap((item: unknown, index) => at([index], scalarProblem(spec, item)));
    }
    case 'between': {
      if (!isRecord(value)) return at([], 'expected { "min": …, "max": … }');
      const extra = Object.keys(value).filter((key) => key !== 'min' && key !== 'max');
      if (extra.length > 0) return at([], `unknown key '${extra[0]}'; expected min and max`);
      const problems = [
        ...at(['min'], value.min === undefined ? 'required' : scalarProblem(spec, value.min)),
        ...at(['max'], value.max === undefined ? 'required' : scalarProblem(spec, value.max)),
      ];
      if (problems.length > 0) return problems;
      const [min, max] = [normaliseScalar(spec, value.min), normaliseScalar(spec, value.max)];
      return compareScalars(min, max) > 0
        ? at([], `min (${String(value.min)}) is greater than max (${String(value.max)})`)
        : [];
    }
    default:
      return at([], scalarProblem(spec, value));
  }
}
