import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AuditEntry, StaffSummary } from '@regulars/contracts';
import { formatDateTime, formatMoney } from '../../shared/format.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useSession } from '../session.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { isStaffMessageKey, staffCatalogues, type StaffMessageKey } from '../staff-messages.js';
import { adminApi, type AuditQuery } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { dayEndIso, dayStartIso } from './day-range.js';

/** The kinds of thing the log records changes of, with the words for each (others show their type). */
const ENTITY_LABELS: Record<string, StaffMessageKey> = {
  member: 'admin.audit.entity.member',
  reward: 'admin.audit.entity.reward',
  store: 'admin.audit.entity.store',
  staff: 'admin.audit.entity.staff',
  api_key: 'admin.audit.entity.apiKey',
  program: 'admin.audit.entity.program',
  rule: 'admin.audit.entity.rule',
};

/** Every action the log records, by its code ("rule.publish"): its label key is `admin.audit.action.<code>`. */
const ACTION_PREFIX = 'admin.audit.action.';
export const AUDIT_ACTIONS = Object.keys(staffCatalogues.en)
  .filter((key) => key.startsWith(ACTION_PREFIX))
  .map((key) => key.slice(ACTION_PREFIX.length))
  .sort();

/** An action in the viewer's language; a code recorded by a newer server than this portal shows as recorded. */
export function actionText(action: string, t: StaffT): string {
  const key = `${ACTION_PREFIX}${action}`;
  return isStaffMessageKey(key) ? t(key) : action;
}
const entityText = (type: string, t: StaffT) =>
  ENTITY_LABELS[type]
    ? t(ENTITY_LABELS[type])
    : t('admin.audit.entity.other', { type: type.replace(/_/g, ' ') });

/** Fields that are bookkeeping (ids, timestamps) rather than what a person changed. */
const HIDDEN_FIELDS = /(^|\.)(_id|id|createdAt|updatedAt|imageEtag|[a-z]+Id)$/;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A before/after value as dotted paths to plain values ("consents.email" → true), two levels deep. */
function flatten(value: unknown, prefix = '', depth = 0): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (value && typeof value === 'object' && !Array.isArray(value) && depth < 2) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
      for (const [path, leaf] of flatten(inner, prefix ? `${prefix}.${key}` : key, depth + 1))
        out.set(path, leaf);
    }
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

type Change = { field: string; before: unknown; after: unknown };

/**
 * A recorded field name as words: "consents.email" → "consents › email", "pointsCost" → "points cost",
 * "valueMinor" → "value" (its value is shown as money).
 */
export function fieldText(field: string): string {
  return field
    .split('.')
    .map((part) =>
      part
        .replace(/Minor$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .replace(/_/g, ' ')
        .toLowerCase(),
    )
    .join(' › ');
}

/** The fields whose value differs between before and after (all of them for a creation). */
export function changesOf(entry: Pick<AuditEntry, 'before' | 'after'>): Change[] {
  const before = flatten(entry.before);
  const after = flatten(entry.after);
  const fields = [...new Set([...before.keys(), ...after.keys()])].filter(
    (field) => !HIDDEN_FIELDS.test(field),
  );
  return fields
    .map((field) => ({ field, before: before.get(field), after: after.get(field) }))
    .filter((change) => JSON.stringify(change.before) !== JSON.stringify(change.after));
}

type ValueContext = { field: string; language: string; currency: string; t: StaffT };

/** A recorded value for a person: money from minor units, dates in the viewer's language, no ids. */
function valueText(value: unknown, context: ValueContext): string {
  const { language, t } = context;
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'number' && /Minor$/.test(context.field))
    return formatMoney(value, context.currency, language);
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (typeof value === 'string') {
    if (OBJECT_ID.test(value) || /[0-9a-f]{24}/i.test(value)) return t('admin.audit.hidden');
    if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value)))
      return formatDateTime(value, language);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => valueText(item, context)).join(', ') || '—';
  if (typeof value === 'number') return new Intl.NumberFormat(language).format(value);
  return JSON.stringify(value);
}

/** What the entry is about, by name where the values say it (a reward's name, a store's code). */
function subjectOf(entry: AuditEntry): string | null {
  for (const side of [entry.after, entry.before]) {
    if (side && typeof side === 'object') {
      const record = side as Record<string, unknown>;
      for (const key of ['name', 'email', 'code', 'cardNumber']) {
        if (typeof record[key] === 'string' && record[key]) return record[key] as string;
      }
    }
  }
  return null;
}

function actorText(entry: AuditEntry, staff: StaffSummary[], t: StaffT): string {
  const { actor } = entry;
  if (actor.kind === 'staff') return staff.find((s) => s.id === actor.id)?.name ?? actor.label ?? '—';
  if (actor.kind === 'member') return t('admin.audit.actor.member');
  if (actor.kind === 'apiKey') return t('admin.audit.actor.apiKey', { name: actor.label ?? '' });
  return t('admin.audit.actor.system');
}

type Filters = { actorId: string; action: string; entityType: string; from: string; to: string };
const NO_FILTERS: Filters = { actorId: '', action: '', entityType: '', from: '', to: '' };

/** The audit log: filters (who, action, on what, days), newest first, each entry's changes as a diff. */
export function AuditScreen() {
  const { t, language } = useI18n();
  const { program } = useSession();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const [staff, setStaff] = useState<StaffSummary[]>([]);
  const [isLoading, setLoading] = useState(false);

  useEffect(() => {
    void adminApi
      .staff()
      .then((page) => setStaff(page.items))
      .catch(() => setStaff([]));
  }, []);

  const load = useCallback(async (query: AuditQuery, next?: string) => {
    setLoading(true);
    setError(null);
    try {
      const page = await adminApi.audit({ ...query, ...(next ? { cursor: next } : {}) });
      setEntries((previous) => (next && previous ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => {
    void load({});
  }, [load]);

  const set = (field: keyof Filters) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const from = draft.from ? dayStartIso(draft.from, program.timeZone) : null;
    const to = draft.to ? dayEndIso(draft.to, program.timeZone) : null;
    if (from && to && to <= from) {
      setRangeError(t('admin.audit.rangeInvalid'));
      return;
    }
    setRangeError(null);
    const query: AuditQuery = {
      ...(draft.actorId ? { actorId: draft.actorId } : {}),
      ...(draft.action ? { action: draft.action } : {}),
      ...(draft.entityType ? { entityType: draft.entityType } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
    };
    setApplied(query);
    setEntries(null);
    void load(query);
  };

  return (
    <main className="page" id="main" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('admin.audit.title')}</h1>
      <p className="field-hint">{t('admin.audit.intro')}</p>
      <section className="panel" aria-labelledby="audit-filters-title">
        <h2 id="audit-filters-title">{t('admin.audit.filters')}</h2>
        <form className="stack" onSubmit={submit} noValidate>
          <div className="admin-form-grid">
            <SelectField label={t('admin.audit.actor')} value={draft.actorId} onChange={set('actorId')}>
              <option value="">{t('admin.audit.anyone')}</option>
              {staff.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name} ({person.email})
                </option>
              ))}
            </SelectField>
            <SelectField label={t('admin.audit.action')} value={draft.action} onChange={set('action')}>
              <option value="">{t('admin.audit.anyAction')}</option>
              {AUDIT_ACTIONS.map((action) => (
                <option key={action} value={action}>
                  {actionText(action, t)}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={t('admin.audit.entity')}
              value={draft.entityType}
              onChange={set('entityType')}
            >
              <option value="">{t('admin.audit.anyEntity')}</option>
              {Object.keys(ENTITY_LABELS).map((type) => (
                <option key={type} value={type}>
                  {entityText(type, t)}
                </option>
              ))}
            </SelectField>
            <TextField label={t('admin.audit.from')} type="date" value={draft.from} onChange={set('from')} />
            <TextField
              label={t('admin.audit.to')}
              type="date"
              value={draft.to}
              onChange={set('to')}
              error={rangeError}
            />
          </div>
          <div className="row">
            <button type="submit" disabled={isLoading}>
              {t('admin.audit.apply')}
            </button>
          </div>
        </form>
      </section>
      <section className="panel" aria-labelledby="audit-list-title" aria-busy={isLoading}>
        <h2 id="audit-list-title" className="visually-hidden">
          {t('admin.audit.title')}
        </h2>
        {error ? (
          <AdminErrorNotice error={error} onRetry={() => void load(applied)} />
        ) : !entries ? (
          <Loading label={t('common.loading')} />
        ) : entries.length === 0 ? (
          <EmptyState>{t('admin.audit.empty')}</EmptyState>
        ) : (
          <table className="audit-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.when')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.what')}</th>
                <th scope="col">{t('admin.audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <AuditRow
                  key={entry.id}
                  entry={entry}
                  actor={actorText(entry, staff, t)}
                  language={language}
                />
              ))}
            </tbody>
          </table>
        )}
        {cursor && entries ? (
          <button
            type="button"
            className="secondary"
            onClick={() => void load(applied, cursor)}
            disabled={isLoading}
          >
            {t('common.more')}
          </button>
        ) : null}
      </section>
    </main>
  );
}

/** One side of a change: a picture shows as itself, anything else as text. */
function ChangeValue({ value, context }: { value: unknown; context: ValueContext }) {
  if (context.field === 'imageUrl' && typeof value === 'string' && value.startsWith('/api/v1/rewards/'))
    return (
      <img
        src={value}
        alt={context.t('admin.rewards.image')}
        width={32}
        height={32}
        className="audit-image"
      />
    );
  return <>{valueText(value, context)}</>;
}

function AuditRow({ entry, actor, language }: { entry: AuditEntry; actor: string; language: string }) {
  const { t } = useI18n();
  const { program } = useSession();
  const changes = changesOf(entry);
  const subject = subjectOf(entry);
  return (
    <tr data-testid="audit-entry">
      <td>{formatDateTime(entry.at, language)}</td>
      <td>{actor}</td>
      <td>
        <strong>{actionText(entry.action, t)}</strong>
        <span className="field-hint">
          {' '}
          · {entityText(entry.entity.type, t)}
          {subject ? `: ${subject}` : ''}
        </span>
        {entry.reason ? (
          <p className="audit-reason">
            {t('admin.audit.reason')}: {entry.reason}
          </p>
        ) : null}
      </td>
      <td>
        {changes.length === 0 ? (
          <span className="field-hint">{t('admin.audit.noChanges')}</span>
        ) : (
          <table className="audit-diff">
            <thead>
              <tr>
                <th scope="col">{t('admin.audit.field')}</th>
                <th scope="col">{t('admin.audit.before')}</th>
                <th scope="col">{t('admin.audit.after')}</th>
              </tr>
            </thead>
            <tbody>
              {changes.map((change) => (
                <tr key={change.field}>
                  <th scope="row">{fieldText(change.field)}</th>
                  <td className="audit-before">
                    <del>
                      <ChangeValue
                        value={change.before}
                        context={{ field: change.field, language, currency: program.currency, t }}
                      />
                    </del>
                  </td>
                  <td className="audit-after">
                    <ins>
                      <ChangeValue
                        value={change.after}
                        context={{ field: change.field, language, currency: program.currency, t }}
                      />
                    </ins>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </td>
    </tr>
  );
}
