import { useI18n } from '../staff-i18n.js';
import { AdminErrorNotice } from './admin-errors.js';

/** The end of an admin form: what went wrong with the last save, then the submit and cancel buttons. */
export function FormFooter({
  error,
  isBusy,
  submitLabel,
  onCancel,
}: {
  error: unknown;
  isBusy: boolean;
  submitLabel: string;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  return (
    <>
      {error ? <AdminErrorNotice error={error} /> : null}
      <div className="row">
        <button type="submit" disabled={isBusy}>
          {isBusy ? t('admin.saving') : submitLabel}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
          {t('common.cancel')}
        </button>
      </div>
    </>
  );
}
