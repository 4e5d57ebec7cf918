import { useEffect, useState } from 'react';
import type { RuleView } from '@regulars/contracts';
import type { ValidationIssue } from '@regulars/rules';
import { Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { guardLeaving, navigate } from '../router.js';
import { MARKETER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { JsonView } from './json-view.js';
import { RuleForm } from './rule-form.js';
import { EMPTY_DRAFT, validateDraft, type Draft } from './rule-draft.js';
import { RuleStatusBadge } from './rule-status-badge.js';
import { SimulationPanel } from './simulation-panel.js';
import { VersionHistory } from './version-history.js';

type Action = 'publish' | 'pause' | 'resume' | 'archive';

/** Edit a rule (form and JSON side by side), simulate it, and publish, pause, resume or archive it. */
export function RuleEditorScreen({ ruleId }: { ruleId: string }) {
  const { t } = useI18n();
  const session = useSession();
  const isNew = ruleId === 'new';
  const canWrite = hasRole(session, MARKETER_ROLES);
  const [rule, setRule] = useState<RuleView | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY_DRAFT);
  const [isDirty, setDirty] = useState(isNew);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [issues, setIssues] = useState<ValidationIssue[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<Action | null>(null);
  const [view, setView] = useState<'form' | 'json'>('form');

  useEffect(() => {
    if (isNew) return;
    let isCurrent = true;
    staffApi
      .rule(ruleId)
      .then((loaded) => {
        if (!isCurrent) return;
        setRule(loaded);
        setDraft(loaded.draft);
        setDirty(false);
      })
      .catch((caught: unknown) => isCurrent && setLoadError(caught));
    return () => {
      isCurrent = false;
    };
  }, [ruleId, isNew]);

  // Unsaved edits are not lost without asking: in-app navigation confirms, and so does closing the tab or
  // reloading (the browser shows its own text for that one).
  const hasUnsavedEdits = canWrite && isDirty && draft !== EMPTY_DRAFT;
  useEffect(() => {
    if (!hasUnsavedEdits) return;
    const removeGuard = guardLeaving(() => window.confirm(t('rules.designer.leavePrompt')));
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      removeGuard();
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, [hasUnsavedEdits, t]);

  const edit = (next: Draft) => {
    setDraft(next);
    setDirty(true);
    setMessage(null);
    setIssues(validateDraft(next));
  };

  const save = async (): Promise<RuleView | null> => {
    const found = validateDraft(draft);
    setIssues(found);
    if (found.length) return null;
    setBusy(true);
    setError(null);
    try {
      const saved =
        isNew || !rule ? await staffApi.createRule(draft) : await staffApi.updateRule(rule.id, draft);
      setRule(saved);
      setDraft(saved.draft);
      setDirty(false);
      setMessage(t('rules.editor.saved'));
      if (isNew) navigate(`/rules/${saved.id}`, { replace: true });
      return saved;
    } catch (caught) {
      setError(caught);
      return null;
    } finally {
      setBusy(false);
    }
  };

  const act = async (action: Action) => {
    setConfirming(null);
    let current = rule;
    if (isDirty) current = await save();
    if (!current) return;
    setBusy(true);
    setError(null);
    try {
      const updated = await staffApi.ruleAction(current.id, action);
      setRule(updated);
      setDraft(updated.draft);
      setMessage(t(`rules.editor.did.${action}` as StaffMessageKey));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (loadError)
    return (
      <main className="page" id="main">
        <ErrorNotice error={loadError} />
      </main>
    );
  if (!isNew && !rule) return <Loading label={t('common.loading')} />;

  const status = rule?.status ?? 'draft';
  const canPublish =
    canWrite && status !== 'archived' && (isDirty || !rule?.published || rule.hasUnpublishedChanges);
  const actions: Action[] = [
    ...(canPublish ? (['publish'] as const) : []),
    ...(canWrite && status === 'published' ? (['pause'] as const) : []),
    ...(canWrite && status === 'paused' ? (['resume'] as const) : []),
    ...(canWrite && rule && status !== 'archived' ? (['archive'] as const) : []),
  ];

  return (
    <main className="page rule-editor" id="main" aria-labelledby="rule-title">
      <p>
        <a
          href="/staff/rules"
          onClick={(event) => {
            event.preventDefault();
            navigate('/rules');
          }}
        >
          ← {t('rules.editor.back')}
        </a>
      </p>
      <div className="editor-heading">
        <h1 id="rule-title">{String(draft.name ?? t('rules.editor.untitled'))}</h1>
        <RuleStatusBadge status={status} />
        {rule?.published ? (
          <span className="badge">{t('rules.list.version', { version: rule.published.version })}</span>
        ) : null}
        {(rule?.published && rule.hasUnpublishedChanges) || (isDirty && !isNew) ? (
          <span className="badge badge-paused">{t('rules.editor.unpublished')}</span>
        ) : null}
      </div>
      {!canWrite ? <Notice tone="info">{t('rules.editor.readOnly')}</Notice> : null}
      <div className="editor-toolbar" role="toolbar" aria-label={t('rules.editor.actions')}>
        {canWrite && status !== 'archived' ? (
          <button type="button" onClick={() => void save()} disabled={isBusy || !isDirty}>
            {t('rules.editor.save')}
          </button>
        ) : null}
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={action === 'archive' ? 'danger' : 'secondary'}
            onClick={() => setConfirming(action)}
            disabled={isBusy || (action === 'publish' && issues.length > 0)}
          >
            {t(`rules.editor.${action}` as StaffMessageKey)}
          </button>
        ))}
      </div>
      {message ? <Notice tone="success">{message}</Notice> : null}
      {error ? <ErrorNotice error={error} /> : null}
      {issues.length ? (
        <Notice tone="error">
          <p>{t('rules.editor.invalid')}</p>
          <ul className="issue-list">
            {issues.map((issue, index) => (
              <li key={index}>
                <code>{issue.path || t('rules.editor.rule')}</code> {issue.message}
              </li>
            ))}
          </ul>
        </Notice>
      ) : null}
      <div className="view-switch" role="tablist" aria-label={t('rules.editor.views')}>
        <button
          type="button"
          role="tab"
          aria-selected={view === 'form'}
          className={view === 'form' ? '' : 'secondary'}
          onClick={() => setView('form')}
        >
          {t('rules.editor.formView')}
        </button>
        <button
          type="button"
          role="tab"
          aria-selected={view === 'json'}
          className={view === 'json' ? '' : 'secondary'}
          onClick={() => setView('json')}
        >
          {t('rules.editor.jsonView')}
        </button>
      </div>
      <div className="editor-grid">
        <div role="tabpanel">
          {view === 'form' ? (
            <RuleForm draft={draft} onChange={edit} isReadOnly={!canWrite || status === 'archived'} />
          ) : (
            <JsonView draft={draft} onChange={edit} isReadOnly={!canWrite || status === 'archived'} />
          )}
        </div>
        <div>
          <SimulationPanel draft={draft} isSaved={Boolean(rule) && !isDirty} />
          {rule ? (
            <VersionHistory
              ruleId={rule.id}
              refreshKey={rule.published?.version}
              draft={draft}
              canRepublish={canWrite && status !== 'archived'}
              onRepublished={(updated) => {
                setRule(updated);
                setDraft(updated.draft);
                setDirty(false);
                setIssues([]);
                setMessage(t('rules.designer.republished', { version: updated.published?.version ?? 0 }));
              }}
            />
          ) : null}
        </div>
      </div>
      {confirming ? (
        <ConfirmDialog
          title={t(`rules.confirm.${confirming}.title` as StaffMessageKey, {
            name: String(draft.name ?? ''),
          })}
          confirmLabel={t(`rules.editor.${confirming}` as StaffMessageKey)}
          isDanger={confirming === 'archive'}
          onConfirm={() => void act(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>{t(`rules.confirm.${confirming}.body` as StaffMessageKey)}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}
