// A tiny i18n: typed message catalogues per language, `{name}` placeholders, plural keys picked with
// Intl.PluralRules (`points.one` / `points.other`), the language from the browser and switchable.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español' };

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

/** Creates the provider and hooks for one app's catalogues (each app ships only its own messages). */
export function createI18n<K extends string>(catalogues: Record<Language, Record<K, string>>) {
  const Context = createContext<I18nValue<K> | null>(null);

  function I18nProvider({ children }: { children: ReactNode }) {
    const [language, setLanguageState] = useState<Language>(() => {
      const detected = detectLanguage();
      document.documentElement.lang = detected;
      return detected;
    });
    const setLanguage = useCallback((next: Language) => {
      try {
        localStorage.setItem(STORAGE_KEY, next);
      } catch {
        // Not persisted; the choice still holds for this page.
      }
      document.documentElement.lang = next;
      setLanguageState(next);
    }, []);
    const value = useMemo<I18nValue<K>>(() => {
      const messages: Record<string, string> = catalogues[language];
      const fallback: Record<string, string> = catalogues.en;
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
    }, [language, setLanguage]);
    return <Context.Provider value={value}>{children}</Context.Provider>;
  }

  function useI18n(): I18nValue<K> {
    const value = useContext(Context);
    if (!value) throw new Error('useI18n outside I18nProvider');
    return value;
  }

  return { I18nProvider, useI18n };
}
