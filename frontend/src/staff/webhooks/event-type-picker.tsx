import { useI18n } from '../staff-i18n.js';
import { ALL_EVENTS, EVENT_GROUPS, EVENT_GROUP_LABELS, togglePattern } from './event-patterns.js';

/**
 * The event types an endpoint subscribes to, from the catalogue: everything, whole groups or single
 * types. The value is what the API stores (types and patterns).
 */
export function EventTypePicker({
  value,
  onChange,
  error,
  isDisabled = false,
}: {
  value: string[];
  onChange(next: string[]): void;
  error?: string | null;
  isDisabled?: boolean;
}) {
  const { t } = useI18n();
  const hasAll = value.includes(ALL_EVENTS);
  return (
    <fieldset
      className="plain-fieldset event-type-picker"
      aria-describedby={error ? 'event-types-error' : 'event-types-hint'}
      aria-invalid={error ? true : undefined}
    >
      <legend>{t('webhooks.events.legend')}</legend>
      <p className="field-hint" id="event-types-hint">
        {t('webhooks.events.hint')}
      </p>
      <label className="checkbox-field">
        <input
          type="checkbox"
          checked={hasAll}
          disabled={isDisabled}
          onChange={(event) => onChange(togglePattern(value, ALL_EVENTS, event.target.checked))}
        />
        <span>{t('webhooks.events.all')}</span>
      </label>
      <div className="event-groups">
        {EVENT_GROUPS.map((group) => {
          const pattern = `${group.prefix}.*`;
          const hasGroup = hasAll || value.includes(pattern);
          const label = EVENT_GROUP_LABELS[group.prefix];
          return (
            <fieldset key={group.prefix} className="plain-fieldset event-group">
              <legend>{label ? t(label) : group.prefix}</legend>
              <label className="checkbox-field">
                <input
                  type="checkbox"
                  checked={hasGroup}
                  disabled={isDisabled || hasAll}
                  onChange={(event) => onChange(togglePattern(value, pattern, event.target.checked))}
                />
                <span>{t('webhooks.events.allOfGroup', { pattern })}</span>
              </label>
              {group.types.map((type) => (
                <label key={type} className="checkbox-field event-type">
                  <input
                    type="checkbox"
                    checked={hasGroup || value.includes(type)}
                    disabled={isDisabled || hasGroup}
                    onChange={(event) => onChange(togglePattern(value, type, event.target.checked))}
                  />
                  <code>{type}</code>
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
      {error ? (
        <p className="field-error" id="event-types-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}
