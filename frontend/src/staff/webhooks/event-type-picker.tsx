import { EVENT_TYPES } from '@regulars/contracts';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';

const ALL = '*';

/** The catalogue grouped by the part before the dot: `points` → points.earned, points.activated… */
const GROUPS: { prefix: string; types: string[] }[] = [];
for (const type of EVENT_TYPES) {
  const prefix = type.slice(0, type.indexOf('.'));
  const group = GROUPS.find((g) => g.prefix === prefix);
  if (group) group.types.push(type);
  else GROUPS.push({ prefix, types: [type] });
}

const GROUP_LABELS: Record<string, StaffMessageKey> = {
  member: 'webhooks.group.member',
  purchase: 'webhooks.group.purchase',
  points: 'webhooks.group.points',
  redemption: 'webhooks.group.redemption',
  refund: 'webhooks.group.refund',
  reward: 'webhooks.group.reward',
  rule: 'webhooks.group.rule',
  program: 'webhooks.group.program',
  sandbox: 'webhooks.group.sandbox',
};

/** Picking a whole group replaces its single types with `group.*`; picking everything leaves only `*`. */
function toggle(value: string[], pattern: string, isOn: boolean): string[] {
  if (pattern === ALL) return isOn ? [ALL] : [];
  const without = value.filter((p) => p !== pattern);
  if (!isOn) return without;
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return [...without.filter((p) => !p.startsWith(prefix)), pattern];
  }
  return [...without, pattern];
}

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
  const hasAll = value.includes(ALL);
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
          onChange={(event) => onChange(toggle(value, ALL, event.target.checked))}
        />
        <span>{t('webhooks.events.all')}</span>
      </label>
      <div className="event-groups">
        {GROUPS.map((group) => {
          const pattern = `${group.prefix}.*`;
          const hasGroup = hasAll || value.includes(pattern);
          const label = GROUP_LABELS[group.prefix];
          return (
            <fieldset key={group.prefix} className="plain-fieldset event-group">
              <legend>{label ? t(label) : group.prefix}</legend>
              <label className="checkbox-field">
                <input
                  type="checkbox"
                  checked={hasGroup}
                  disabled={isDisabled || hasAll}
                  onChange={(event) => onChange(toggle(value, pattern, event.target.checked))}
                />
                <span>{t('webhooks.events.allOfGroup', { pattern })}</span>
              </label>
              {group.types.map((type) => (
                <label key={type} className="checkbox-field event-type">
                  <input
                    type="checkbox"
                    checked={hasGroup || value.includes(type)}
                    disabled={isDisabled || hasGroup}
                    onChange={(event) => onChange(toggle(value, type, event.target.checked))}
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
