import type { RuleVersionView } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** Every published version, newest first, each with its definition. */
export function VersionHistory({ ruleId, refreshKey }: { ruleId: string; refreshKey: unknown }) {
  const { t, language } = useI18n();
  const { data, error } = useLoad(() => staffApi.ruleVersions(ruleId), `${ruleId}:${String(refreshKey)}`);
  const versions: RuleVersionView[] | null = data?.items ?? null;
  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">{t('rules.versions.title')}</h2>
      {error ? <ErrorNotice error={error} /> : null}
      {!versions && !error ? <Loading label={t('common.loading')} /> : null}
      {versions && !versions.length ? <EmptyState>{t('rules.versions.none')}</EmptyState> : null}
      {versions?.length ? (
        <ul className="plain-list versions">
          {versions.map((version) => (
            <li key={version.version}>
              <details>
                <summary>
                  {t('rules.versions.item', {
                    version: version.version,
                    date: formatDateTime(version.publishedAt, language),
                  })}
                </summary>
                <pre className="json-pre">{JSON.stringify(version.definition, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
