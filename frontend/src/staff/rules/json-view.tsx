import { useEffect, useState } from 'react';
import { useI18n } from '../staff-i18n.js';
import type { Draft } from './rule-draft.js';

/**
 * The same draft as JSON. Typing updates the form as soon as the text is a JSON object; until then the
 * text is kept as typed and the parse error is shown.
 */
export function JsonView({
  draft,
  onChange,
  isReadOnly,
}: {
  draft: Draft;
  onChange(next: Draft): void;
  isReadOnly: boolean;
}) {
  const { t } = useI18n();
  const pretty = JSON.stringify(draft, null, 2);
  const [text, setText] = useState(pretty);
  const [parseError, setParseError] = useState<string | null>(null);

  // The form changed the draft: show it, unless the text already means the same thing.
  useEffect(() => {
    setText((current) => {
      try {
        return JSON.stringify(JSON.parse(current)) === JSON.stringify(draft) ? current : pretty;
      } catch {
        return pretty;
      }
    });
  }, [draft, pretty]);

  return (
    <div className="field json-view">
      <label htmlFor="rule-json">{t('rules.json.label')}</label>
      <textarea
        id="rule-json"
        spellCheck={false}
        rows={24}
        value={text}
        readOnly={isReadOnly}
        aria-invalid={parseError ? true : undefined}
        aria-describedby="rule-json-error"
        onChange={(event) => {
          setText(event.target.value);
          try {
            const parsed: unknown = JSON.parse(event.target.value);
            if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
              throw new Error(t('rules.json.notObject'));
            setParseError(null);
            onChange(parsed as Draft);
          } catch (error) {
            setParseError(error instanceof Error ? error.message : String(error));
          }
        }}
      />
      <p id="rule-json-error" className="field-error">
        {parseError ? t('rules.json.invalid', { message: parseError }) : ''}
      </p>
    </div>
  );
}
