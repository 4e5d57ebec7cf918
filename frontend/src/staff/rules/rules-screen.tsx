import { useState } from 'react';
import type { RuleStatus, RuleView } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { SelectField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { navigate } from '../router.js';
import { MARKETER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi, type RuleTemplateView } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { isTemplateAvailable } from './rule-draft.js';
import { StampCardPicker, useActiveStampCards } from '../stamps/stamp-card-picker.js';

const STAMP_CARD_TEMPLATE = 'stamp-card';
import { RuleStatusBadge } from './rule-status-badge.js';

const STATUSES: RuleStatus[] = ['draft', 'published', 'paused', 'archived'];

/** The rules with their status and live version; new rules from scratch or from a template. */
export function RulesScreen() {
  const { t, language } = useI18n();
  const session = useSession();
  const canWrite = hasRole(session, MARKETER_ROLES);
  const [status, setStatus] = useState<RuleStatus | ''>('');
  const { data, error, isLoading, reload } = useLoad(() => staffApi.rules(status || undefined), status);
  const rules: RuleView[] | null = isLoading ? null : (data?.items ?? null);

  return (
    <main className="page" id="main" aria-labelledby="rules-title">
      <div className="page-heading">
        <h1 id="rules-title">{t('rules.list.title')}</h1>
        {canWrite ? (
          <button type="button" onClick={() => navigate('/rules/new')}>
            {t('rules.list.new')}
          </button>
        ) : null}
      </div>
      <SelectField
        label={t('rules.list.filter')}
        value={status}
        onChange={(event) => setStatus(event.target.value as RuleStatus | '')}
        className="narrow-field"
      >
        <option value="">{t('rules.list.all')}</option>
        {STATUSES.map((s) => (
          <option key={s} value={s}>
            {t(`rules.status.${s}` as StaffMessageKey)}
          </option>
        ))}
      </SelectField>
      {error ? (
        <ErrorNotice
          error={error}
          action={
            <button type="button" onClick={reload}>
              {t('common.retry')}
            </button>
          }
        />
      ) : null}
      {!rules && !error ? <Loading label={t('common.loading')} /> : null}
      {rules && !rules.length ? <EmptyState>{t('rules.list.empty')}</EmptyState> : null}
      {rules?.length ? (
        <table className="rules-table">
          <thead>
            <tr>
              <th scope="col">{t('rules.list.name')}</th>
              <th scope="col">{t('rules.list.status')}</th>
              <th scope="col">{t('rules.list.versionColumn')}</th>
              <th scope="col">{t('rules.list.updated')}</th>
            </tr>
          </thead>
          <tbody>
            {rules.map((rule) => (
              <tr key={rule.id}>
                <td>
                  <a
                    href={`/staff/rules/${rule.id}`}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(`/rules/${rule.id}`);
                    }}
                  >
                    {rule.name}
                  </a>
                </td>
                <td>
                  <RuleStatusBadge status={rule.status} />
                  {rule.hasUnpublishedChanges ? (
                    <span className="field-hint"> {t('rules.editor.unpublished')}</span>
                  ) : null}
                </td>
                <td>{rule.published ? `v${rule.published.version}` : '—'}</td>
                <td>{formatDateTime(rule.updatedAt, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {canWrite ? <TemplatePicker /> : null}
    </main>
  );
}

function TemplatePicker() {
  const { t } = useI18n();
  const loaded = useLoad(() => staffApi.templates());
  // A template whose rule nothing could carry out yet is not offered (publishing would refuse it).
  const templates: RuleTemplateView[] | null =
    loaded.data?.items.filter((template) => isTemplateAvailable(template.id)) ?? null;
  const [error, setError] = useState<unknown>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  // The stamp card template names a stamp card definition, picked here.
  const stampCards = useActiveStampCards();
  const [stampCardId, setStampCardId] = useState('');
  const paramsOf = (template: RuleTemplateView) =>
    template.id === STAMP_CARD_TEMPLATE ? { cardId: stampCardId } : {};
  const instantiate = async (template: RuleTemplateView) => {
    setBusyId(template.id);
    setError(null);
    try {
      const created = await staffApi.instantiate(template.id, paramsOf(template));
      navigate(`/rules/${created.id}`);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusyId(null);
    }
  };
  return (
    <section className="panel templates" aria-labelledby="templates-title">
      <h2 id="templates-title">{t('rules.templates.title')}</h2>
      <p className="field-hint">{t('rules.templates.hint')}</p>
      {error || loaded.error ? <ErrorNotice error={error ?? loaded.error} /> : null}
      {!templates && !loaded.error ? <Loading label={t('common.loading')} /> : null}
      <ul className="template-grid">
        {templates?.map((template) => (
          <li key={template.id} className="template-card">
            <h3>{template.name}</h3>
            <p>{template.description}</p>
            {template.id === STAMP_CARD_TEMPLATE ? (
              <StampCardPicker
                value={stampCardId}
                onChange={setStampCardId}
                cards={stampCards.data}
                label={t('rules.templates.stampCard')}
              />
            ) : null}
            <button
              type="button"
              className="secondary"
              onClick={() => void instantiate(template)}
              disabled={busyId !== null || (template.id === STAMP_CARD_TEMPLATE && !stampCardId)}
            >
              {busyId === template.id ? t('common.loading') : t('rules.templates.use')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
