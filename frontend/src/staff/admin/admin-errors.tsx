import { ApiError } from '../../shared/api/errors.js';
import { Notice } from '../../shared/ui/notice.js';
import type { StaffT } from '../staff-i18n.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/**
 * The admin routes' own refusals (their error lists) as sentences in the viewer's language; null for
 * anything else, which the portal's ErrorNotice describes.
 */
export function describeAdminError(error: unknown, t: StaffT): string | null {
  if (!(error instanceof ApiError)) return null;
  switch (error.code) {
    case 'STORE_CODE_TAKEN':
      return t('admin.error.storeCodeTaken');
    case 'STORE_NOT_FOUND':
      return t('admin.error.storeNotFound');
    case 'STAFF_EXISTS':
      return t('admin.error.staffExists');
    case 'STAFF_NOT_FOUND':
      return t('admin.error.staffNotFound');
    case 'API_KEY_NOT_FOUND':
      return t('admin.error.apiKeyNotFound');
    case 'REWARD_NOT_FOUND':
      return t('admin.error.rewardNotFound');
    case 'REWARD_IMAGE_TOO_LARGE':
      return t('admin.error.imageTooLarge');
    case 'REWARD_IMAGE_INVALID':
      return t('admin.error.imageInvalid');
    case 'VALIDATION_FAILED':
      return t('admin.error.validation');
    default:
      return null;
  }
}

/** A failure of an admin call in words: ours for the admin codes, the portal's for the rest. */
export function AdminErrorNotice({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const message = describeAdminError(error, t);
  if (!message) return <ErrorNotice error={error} onRetry={onRetry} />;
  return (
    <Notice tone="error">
      <p>{message}</p>
    </Notice>
  );
}
