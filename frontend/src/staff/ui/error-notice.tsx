import type { ReactNode } from 'react';
import { Notice } from '../../shared/ui/notice.js';
import { useI18n } from '../staff-i18n.js';
import { describeError, type ErrorContext } from './describe-error.js';

/** A failure in words, with the field problems listed and an optional action (retry). */
export function ErrorNotice({
  error,
  action,
  onRetry,
  context,
}: {
  error: unknown;
  action?: ReactNode;
  /** Shows a "Retry" button that calls this (when no other action is given). */
  onRetry?: () => void;
  context?: Omit<ErrorContext, 'language'>;
}) {
  const { t, language } = useI18n();
  const described = describeError(error, t, { ...context, language });
  const retry = onRetry ? (
    <button type="button" onClick={onRetry}>
      {t('common.retry')}
    </button>
  ) : undefined;
  return (
    <Notice tone="error" action={action ?? retry}>
      <p>{described.message}</p>
      {described.issues.length ? (
        <ul className="issue-list">
          {described.issues.map((issue, index) => (
            <li key={index}>
              {issue.path ? <code>{issue.path}</code> : null} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </Notice>
  );
}
