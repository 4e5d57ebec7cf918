import { useState } from 'react';
import type { RuleVersionView, RuleView } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import type { Draft } from './rule-draft.js';
import { diffValue, ruleDiff } from './rule-diff.js';

/**
 * Every published version, newest first: who published it and when, how it differs from the current
 * draft, and (for marketers) publishing it again as the next version.
 */
export function VersionHistory({
  ruleId,
  refreshKey,
  draft,
  canRepublish,
  onRepublished,
}: {
  ruleId: string;
  refreshKey: unknown;
  draft: Draft;
  canRepublish: boolean;
  onRepublished(rule: RuleView): void;
}) {
  const { t, language } = useI18n();
  const { data, error } = useLoad(() => staffApi.ruleVersions(ruleId), `${ruleId}:${String(refreshKey)}`);
  const [confirming, setConfirming] = useState<RuleVersionView | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>(null);
  const versions: RuleVersionView[] | null = data?.items ?? null;

  const republish = async (version: RuleVersionView) => {
    setBusy(true);
    setActionError(null);
    try {
      onRepublished(await staffApi.republishRuleVersion(ruleId, version.version));
      setConfirming(null);
    } catch (caught) {
      setActionError(caught);
      setConfirming(null);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">{t('rules.versions.title')}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      {actionError ? <ErrorNotice error={actionError} /> : null}
      {!versions && !error ? <Loading label={t('common.loading')} /> : null}
      {versions && !versions.length ? <EmptyState>{t('rules.versions.none')}</EmptyState> : null}
      {versions?.length ? (
        <ul className="plain-list versions">
          {versions.map((version) => {
            const changes = ruleDiff(version.definition, draft);
            return (
              <li key={version.version} data-version={version.version}>
                <details>
                  <summary>
                    {t('rules.designer.versionItem', {
                      version: version.version,
                      date: formatDateTime(version.publishedAt, language),
                      author: version.publishedByName ?? t('rules.designer.unknownAuthor'),
                    })}
                  </summary>
                  <h3 className="field-hint">{t('rules.designer.diffTitle')}</h3>
                  {changes.length ? (
                    <ul className="plain-list rule-diff">
                      {changes.map((change) => (
                        <li key={change.path} className={`diff-${change.kind}`}>
                          <code>{change.path}</code>{' '}
                          {change.kind === 'changed'
                            ? t('rules.designer.diffChanged', {
                                before: diffValue(change.before),
                                after: diffValue(change.after),
                              })
                            : change.kind === 'added'
                              ? t('rules.designer.diffAdded', { after: diffValue(change.after) })
                              : t('rules.designer.diffRemoved', { before: diffValue(change.before) })}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="field-hint">{t('rules.designer.diffSame')}</p>
                  )}
                  {canRepublish && changes.length ? (
                    <button type="button" className="secondary" onClick={() => setConfirming(version)}>
                      {t('rules.designer.republish')}
                    </button>
                  ) : null}
                  <details>
                    <summary>{t('rules.designer.definition')}</summary>
                    <pre className="json-pre">{JSON.stringify(version.definition, null, 2)}</pre>
                  </details>
                </details>
              </li>
            );
          })}
        </ul>
      ) : null}
      {confirming ? (
        <ConfirmDialog
          title={t('rules.designer.republishTitle', { version: confirming.version })}
          confirmLabel={t('rules.designer.republish')}
          isBusy={isBusy}
          onConfirm={() => void republish(confirming)}
          onCancel={() => setConfirming(null)}
        >
          <p>{t('rules.designer.republishBody')}</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
