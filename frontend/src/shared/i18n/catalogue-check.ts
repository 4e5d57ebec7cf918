// Checks an app's catalogues against the English one, for the unit tests: every key in every language,
// the same `{placeholders}`, each plural form the language picks, and no key English does not have.

type Catalogue = Readonly<Record<string, string>>;

const placeholdersOf = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort().join(' ');

/** `points` for `points.one` + `points.other` (a plain key such as `error.other` is no plural). */
function pluralStems(english: Catalogue): Set<string> {
  const stems = Object.keys(english)
    .filter((key) => key.endsWith('.other'))
    .map((key) => key.slice(0, -'.other'.length))
    .filter((stem) => Object.hasOwn(english, `${stem}.one`));
  return new Set(stems);
}

/** The plural forms `language` picks for the whole numbers 0…10,000 (Russian: one, few, many). */
function integerForms(language: string): Set<string> {
  const rules = new Intl.PluralRules(language);
  return new Set(Array.from({ length: 10_001 }, (_, count) => rules.select(count)));
}

/**
 * What is missing or wrong in `catalogues` (keyed by language, `en` the source), one sentence per
 * problem; an empty list when every language is complete.
 */
export function catalogueProblems(catalogues: Readonly<Record<string, Catalogue>>): string[] {
  const english = catalogues.en;
  if (!english) return ['there is no English catalogue'];
  const stems = pluralStems(english);
  const problems: string[] = [];
  for (const [language, messages] of Object.entries(catalogues)) {
    const forms = integerForms(language);
    const expected = new Map<string, string>();
    for (const [key, text] of Object.entries(english)) {
      const stem = key.slice(0, key.lastIndexOf('.'));
      // A plural key's forms are those the language uses; English's `.one` is Russian's `.one` too.
      if (stems.has(stem) && key !== `${stem}.other`) continue;
      if (stems.has(stem)) {
        for (const form of new Set([...forms, 'other'])) expected.set(`${stem}.${form}`, text);
      } else expected.set(key, text);
    }
    for (const [key, source] of expected) {
      const text = messages[key];
      if (text === undefined || text.trim() === '') {
        problems.push(`${language}: ${key} is missing`);
        continue;
      }
      if (placeholdersOf(text) !== placeholdersOf(source))
        problems.push(
          `${language}: ${key} has {${placeholdersOf(text)}} where English has {${placeholdersOf(source)}}`,
        );
    }
    for (const key of Object.keys(messages)) {
      const stem = key.slice(0, key.lastIndexOf('.'));
      const isPluralForm = stems.has(stem) && /\.(zero|one|two|few|many|other)$/.test(key);
      if (!expected.has(key) && !isPluralForm) problems.push(`${language}: ${key} is not an English key`);
    }
  }
  return problems;
}
