import { LANGUAGES, LANGUAGE_NAMES, type Language } from '../i18n/i18n.js';

/** Switches the page's language; each option is written in its own language. */
export function LanguageSwitch({
  language,
  onChange,
  label,
}: {
  language: Language;
  onChange(language: Language): void;
  label: string;
}) {
  return (
    <label className="language-switch">
      <span className="visually-hidden">{label}</span>
      <select
        value={language}
        onChange={(event) => onChange(event.target.value as Language)}
        aria-label={label}
      >
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </label>
  );
}
