// A readable difference between two rule definitions: one line per field that differs, named by its path
// in the rule's JSON ("effects[0].points: 50 → 80"), so that a version can be compared with the draft.

export type DiffLine =
  | { kind: 'changed'; path: string; before: unknown; after: unknown }
  | { kind: 'added'; path: string; after: unknown }
  | { kind: 'removed'; path: string; before: unknown };

/** What changed from `before` to `after`, in the order of the fields; empty when they are equal. */
export function ruleDiff(before: unknown, after: unknown): DiffLine[] {
  const lines: DiffLine[] = [];
  walk(before, after, '', lines);
  return lines;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walk(before: unknown, after: unknown, path: string, lines: DiffLine[]): void {
  if (Array.isArray(before) && Array.isArray(after)) {
    // Lists of plain values (categories, days) read best as a whole; lists of objects item by item.
    if (![...before, ...after].some((item) => item !== null && typeof item === 'object')) {
      if (JSON.stringify(before) !== JSON.stringify(after))
        lines.push({ kind: 'changed', path, before, after });
      return;
    }
    for (let index = 0; index < Math.max(before.length, after.length); index++) {
      const itemPath = `${path}[${index}]`;
      if (index >= after.length) lines.push({ kind: 'removed', path: itemPath, before: before[index] });
      else if (index >= before.length) lines.push({ kind: 'added', path: itemPath, after: after[index] });
      else walk(before[index], after[index], itemPath, lines);
    }
    return;
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const key of keys) {
      const keyPath = path ? `${path}.${key}` : key;
      if (!(key in after)) lines.push({ kind: 'removed', path: keyPath, before: before[key] });
      else if (!(key in before)) lines.push({ kind: 'added', path: keyPath, after: after[key] });
      else walk(before[key], after[key], keyPath, lines);
    }
    return;
  }
  if (JSON.stringify(before) !== JSON.stringify(after)) lines.push({ kind: 'changed', path, before, after });
}

/** A value of a diff line as one short text: strings in quotes, the rest as JSON. */
export function diffValue(value: unknown): string {
  return typeof value === 'string' ? `“${value}”` : JSON.stringify(value);
}
