import { UNAVAILABLE_AUDIENCES, type Condition, type Effect } from '@regulars/rules';
import { CheckboxField, TextField } from '../../shared/ui/field.js';
import { useI18n } from '../staff-i18n.js';
import { ConditionBuilder } from './condition-builder.js';
import { EffectsEditor } from './effect-editor.js';
import {
  draftConditions,
  draftEffects,
  joinList,
  numberOrUndefined,
  splitList,
  withField,
  withoutUndefined,
  type Draft,
} from './rule-draft.js';

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

type Schedule = {
  startsAt?: string;
  endsAt?: string;
  daysOfWeek?: (string | number)[];
  hours?: { from: number; to: number };
};
type Stacking =
  { mode: 'stackable' } | { mode: 'exclusive' } | { mode: 'exclusive_in_group' | 'bestOf'; group: string };

/** The stacking modes in the order the form offers them, with their label and one-sentence keys. */
const STACKING_MODES = [
  { mode: 'stackable', label: 'rules.stacking.stackable', help: 'rules.stacking.stackableHelp' },
  {
    mode: 'exclusive_in_group',
    label: 'rules.stacking.exclusiveInGroup',
    help: 'rules.stacking.exclusiveInGroupHelp',
  },
  { mode: 'bestOf', label: 'rules.stacking.bestOf', help: 'rules.stacking.bestOfHelp' },
  { mode: 'exclusive', label: 'rules.stacking.exclusive', help: 'rules.stacking.exclusiveHelp' },
] as const;

/** The rule as a form: basics, conditions, effects, schedule, audience, stacking and budget. */
export function RuleForm({
  draft,
  onChange,
  isReadOnly,
}: {
  draft: Draft;
  onChange(next: Draft): void;
  isReadOnly: boolean;
}) {
  const { t } = useI18n();
  const set = (key: string, value: unknown) => onChange(withField(draft, key, value));
  const schedule = (draft.schedule ?? {}) as Schedule;
  const setSchedule = (patch: Partial<Schedule>) => {
    const next = withoutUndefined({ ...schedule, ...patch });
    set('schedule', Object.keys(next).length ? next : undefined);
  };
  const audience = (draft.audience ?? {}) as Record<string, string[] | undefined>;
  const setAudience = (key: string, value: string[] | undefined) => {
    const next = withoutUndefined({ ...audience, [key]: value });
    set('audience', Object.keys(next).length ? next : undefined);
  };
  // Audiences nothing keeps yet are hidden (publishing refuses them), unless the draft already holds one.
  const isAudienceShown = (key: 'tiers' | 'segments') =>
    !UNAVAILABLE_AUDIENCES.has(key) || audience[key] !== undefined;
  const stacking = (draft.stacking ?? { mode: 'stackable' }) as Stacking;
  const days = new Set((schedule.daysOfWeek ?? []).map(String));

  return (
    <fieldset className="plain-fieldset rule-form" disabled={isReadOnly}>
      <section className="panel">
        <h2>{t('rules.form.basics')}</h2>
        <TextField
          label={t('rules.form.name')}
          name="rule-name"
          value={String(draft.name ?? '')}
          onChange={(e) => set('name', e.target.value)}
        />
        <TextField
          label={t('rules.form.description')}
          value={String(draft.description ?? '')}
          onChange={(e) => set('description', e.target.value || undefined)}
        />
        <div className="row">
          <TextField
            label={t('rules.form.priority')}
            inputMode="numeric"
            value={String(draft.priority ?? 0)}
            onChange={(e) => set('priority', numberOrUndefined(e.target.value))}
          />
        </div>
        <fieldset className="plain-fieldset stacking-modes">
          <legend>{t('rules.form.stacking')}</legend>
          {STACKING_MODES.map((option) => (
            <label key={option.mode} className="radio-option">
              <input
                type="radio"
                name="stacking-mode"
                value={option.mode}
                checked={stacking.mode === option.mode}
                onChange={() =>
                  set(
                    'stacking',
                    option.mode === 'stackable'
                      ? undefined
                      : option.mode === 'exclusive'
                        ? { mode: 'exclusive' }
                        : { mode: option.mode, group: 'group' in stacking ? stacking.group : 'main' },
                  )
                }
              />
              <span>
                <strong>{t(option.label)}</strong>
                <span className="field-hint"> {t(option.help)}</span>
              </span>
            </label>
          ))}
          {'group' in stacking ? (
            <TextField
              label={t('rules.form.group')}
              value={stacking.group}
              onChange={(e) => set('stacking', { mode: stacking.mode, group: e.target.value })}
            />
          ) : null}
        </fieldset>
        <CheckboxField
          label={t('rules.form.isBaseEarn')}
          checked={draft.isBaseEarn === true}
          onChange={(checked) => set('isBaseEarn', checked ? true : undefined)}
        />
      </section>
      <section className="panel">
        <h2>{t('rules.form.conditions')}</h2>
        <ConditionBuilder
          value={draftConditions(draft)}
          onChange={(next: Condition | undefined) => set('conditions', next)}
        />
      </section>
      <section className="panel">
        <h2>{t('rules.form.effects')}</h2>
        <EffectsEditor effects={draftEffects(draft)} onChange={(next: Effect[]) => set('effects', next)} />
      </section>
      <section className="panel">
        <h2>{t('rules.form.schedule')}</h2>
        <div className="row">
          <TextField
            label={t('rules.form.startsAt')}
            type="date"
            value={(schedule.startsAt ?? '').slice(0, 10)}
            onChange={(e) => setSchedule({ startsAt: e.target.value || undefined })}
          />
          <TextField
            label={t('rules.form.endsAt')}
            type="date"
            value={(schedule.endsAt ?? '').slice(0, 10)}
            onChange={(e) => setSchedule({ endsAt: e.target.value || undefined })}
          />
          <TextField
            label={t('rules.form.hoursFrom')}
            inputMode="numeric"
            value={schedule.hours ? String(schedule.hours.from) : ''}
            onChange={(e) => {
              const from = numberOrUndefined(e.target.value);
              setSchedule({ hours: from === undefined ? undefined : { from, to: schedule.hours?.to ?? 24 } });
            }}
          />
          <TextField
            label={t('rules.form.hoursTo')}
            inputMode="numeric"
            value={schedule.hours ? String(schedule.hours.to) : ''}
            onChange={(e) => {
              const to = numberOrUndefined(e.target.value);
              setSchedule({ hours: to === undefined ? undefined : { from: schedule.hours?.from ?? 0, to } });
            }}
          />
        </div>
        <fieldset className="plain-fieldset days">
          <legend>{t('rules.form.days')}</legend>
          {DAYS.map((day, index) => (
            <CheckboxField
              key={day}
              label={t(`rules.day.${day}` as 'rules.day.monday')}
              checked={days.has(day) || days.has(String(index + 1))}
              onChange={(checked) => {
                const next = DAYS.filter((d, i) =>
                  d === day ? checked : days.has(d) || days.has(String(i + 1)),
                );
                setSchedule({ daysOfWeek: next.length ? [...next] : undefined });
              }}
            />
          ))}
        </fieldset>
      </section>
      <section className="panel">
        <h2>{t('rules.form.audience')}</h2>
        <div className="row">
          {isAudienceShown('tiers') ? (
            <TextField
              label={t('rules.form.tiers')}
              value={joinList(audience.tiers)}
              onChange={(e) => setAudience('tiers', splitList(e.target.value))}
            />
          ) : null}
          <TextField
            label={t('rules.form.tags')}
            value={joinList(audience.tags)}
            onChange={(e) => setAudience('tags', splitList(e.target.value))}
          />
          {isAudienceShown('segments') ? (
            <TextField
              label={t('rules.form.segments')}
              value={joinList(audience.segments)}
              onChange={(e) => setAudience('segments', splitList(e.target.value))}
            />
          ) : null}
        </div>
        <TextField
          label={t('rules.form.budget')}
          hint={t('rules.form.limitsInJson')}
          inputMode="numeric"
          value={draft.budget ? String((draft.budget as { totalPoints: number }).totalPoints) : ''}
          onChange={(e) => {
            const total = numberOrUndefined(e.target.value);
            set('budget', total === undefined ? undefined : { totalPoints: total });
          }}
        />
      </section>
    </fieldset>
  );
}
