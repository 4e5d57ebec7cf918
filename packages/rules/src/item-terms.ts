// Categories and SKUs are matched without regard to case or surrounding spaces: a "Coffee " line matches a
// rule for "coffee". Rules are normalised when they are saved, and both sides are normalised again when a
// purchase is evaluated, so rules published before normalisation existed match the same way.

/** The form a category or SKU is compared in: trimmed, Unicode-composed, lower case. */
export function normaliseItemTerm(term: string): string {
  return term.normalize('NFC').trim().toLowerCase();
}

/**
 * A copy of a rule definition (or any part of one) whose item matches — every `categories` and `skus`
 * list, in conditions and effects — hold normalised terms without duplicates. Other fields are untouched.
 */
export function normaliseItemTerms<T>(definition: T): T {
  return normaliseValue(definition) as T;
}

function normaliseValue(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    if ((key === 'categories' || key === 'skus') && value.every((item) => typeof item === 'string'))
      return [...new Set(value.map(normaliseItemTerm))];
    return value.map((item) => normaliseValue(item));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([name, inner]) => [name, normaliseValue(inner, name)]),
    );
  }
  return value;
}
