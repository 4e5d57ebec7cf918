// A tiny i18n: typed message catalogues per language (English, Spanish, Russian, Romanian), `{name}`
// placeholders, plural keys picked with Intl.PluralRules (`points.one` / `.few` / `.many` / `.other`),
// the language from the browser and switchable.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

export const LANGUAGES = ['en', 'es', 'ru', 'ro'] as const;
export type Language = (typeof LANGUAGES)[number];
/** Each language named in itself, as the language switch offers it. */
export const LANGUAGE_NAMES: Record<Language, string> = {
  en: 'English',
  es: 'Español',
  ru: 'Русский',
  ro: 'Română',
};

/** `points` for a plural key (`points.one` and `points.other` both keys); never for a plain key. */
type PluralStem<K extends string, All extends string = K> = K extends `${infer Stem}.other`
  ? `${Stem}.one` extends All
    ? Stem
    : never
  : never;

/**
 * The plural forms a language picks for whole numbers beyond English's `one` / `other` (Russian 1, 2,
 * 5 → one, few, many; Romanian 1, 2, 20 → one, few, other). Spanish's `many` (for a million) reads
 * well as `other`, which is the fallback.
 */
type ExtraPluralForms = { en: never; es: never; ru: 'few' | 'many'; ro: 'few' };

/**
 * One language's catalogue: every key of the English one, plus the extra plural forms of each plural
 * key, so a missing text or plural form is a type error.
 */
export type Catalogue<K extends string, L extends Language> = Record<K, string> &
  Record<`${PluralStem<K>}.${ExtraPluralForms[L]}`, string>;

/** An app's catalogues: one complete catalogue per language. */
export type Catalogues<K extends string> = { [L in Language]: Catalogue<K, L> };

/**
 * An app's catalogues as it ships them: English in the page, each other language either there too or
 * fetched when chosen (its own chunk, so a phone downloads only the language it shows).
 */
export type CatalogueSources<K extends string> = { en: Catalogue<K, 'en'> } & {
  [L in Exclude<Language, 'en'>]: Catalogue<K, L> | (() => Promise<Catalogue<K, L>>);
};

const STORAGE_KEY = 'regulars.language';

export type Params = Record<string, string | number>;
export type Translate<K extends string> = {
  (key: K, params?: Params): string;
  /** Picks `key.one`, `key.other`… for `count`, with `{count}` formatted for the language. */
  plural(key: string, count: number, params?: Params): string;
};

function interpolate(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

/** The saved choice, else the first browser language we speak, else English. */
export function detectLanguage(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved && (LANGUAGES as readonly string[]).includes(saved)) return saved as Language;
  } catch {
    // Storage may be disabled; fall through to the browser's languages.
  }
  for (const tag of navigator.languages ?? [navigator.language]) {
    const base = tag.toLowerCase().split('-')[0];
    const found = LANGUAGES.find((language) => language === base);
    if (found) return found;
  }
  return 'en';
}

type I18nValue<K extends string> = {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate<K>;
};

type Messages = Readonly<Record<string, string>>;

/** Creates the provider and hooks for one app's catalogues (each app ships only its own messages). */
export function createI18n<K extends string>(sources: CatalogueSources<K>) {
  const Context = createContext<I18nValue<K> | null>(null);
  const loaded = new Map<Language, Messages>();
  for (const language of LANGUAGES) {
    const source = sources[language];
    if (typeof source !== 'function') loaded.set(language, source);
  }
  const load = async (language: Language): Promise<Messages> => {
    const ready = loaded.get(language);
    if (ready) return ready;
    const source = sources[language];
    const messages: Messages = typeof source === 'function' ? await source() : source;
    loaded.set(language, messages);
    return messages;
  };

  function I18nProvider({ children }: { children: ReactNode }) {
    const [wanted, setWanted] = useState<Language>(detectLanguage);
    // What the page shows: the wanted language once its catalogue is here (the previous one until then).
    const [shown, setShown] = useState<{ language: Language; messages: Messages } | null>(() => {
      const messages = loaded.get(wanted);
      return messages ? { language: wanted, messages } : null;
    });
    useEffect(() => {
      let isCurrent = true;
      load(wanted).then(
        (messages) => {
          if (isCurrent) setShown({ language: wanted, messages });
        },
        // Offline before the language's chunk was ever cached: keep what is shown, else English.
        () => {
          if (isCurrent) setShown((current) => current ?? { language: 'en', messages: sources.en });
        },
      );
      return () => {
        isCurrent = false;
      };
    }, [wanted]);
    useEffect(() => {
      if (shown) document.documentElement.lang = shown.language;
    }, [shown]);
    const setLanguage = useCallback((next: Language) => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // Not persisted; the choice still holds for this page.
      }
      setWanted(next);
    }, []);
    const language = shown?.language ?? 'en';
    const messagesShown = shown?.messages;
    const value = useMemo<I18nValue<K>>(() => {
      const messages: Messages = messagesShown ?? sources.en;
      const fallback: Messages = sources.en;
      const rules = new Intl.PluralRules(language);
      const numbers = new Intl.NumberFormat(language);
      const lookup = (key: string) => messages[key] ?? fallback[key] ?? key;
      const t = ((key: K, params?: Params) => interpolate(lookup(key), params)) as Translate<K>;
      t.plural = (key, count, params) => {
        const form = `${key}.${rules.select(count)}`;
        const template = messages[form] ?? messages[`${key}.other`] ?? fallback[`${key}.other`] ?? key;
        return interpolate(template, { ...params, count: numbers.format(count) });
      };
      return { language, setLanguage, t };
    }, [language, messagesShown, setLanguage]);
    // A language fetched at the first paint: nothing until it is here, rather than a flash of English.
    if (!shown) return null;
    return <Context.Provider value={value}>{children}</Context.Provider>;
  }

  function useI18n(): I18nValue<K> {
    const value = useContext(Context);
    if (!value) throw new Error('useI18n outside I18nProvider');
    return value;
  }

  return { I18nProvider, useI18n };
}
