import { useEffect, useRef, type ReactNode } from 'react';
import { useI18n } from '../staff-i18n.js';

/** A modal confirmation (native <dialog>: focus is trapped, Esc cancels). */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  isDanger = false,
  isBusy = false,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  isDanger?: boolean;
  isBusy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby="confirm-title"
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <h2 id="confirm-title">{title}</h2>
      {children}
      <div className="dialog-actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
          {t('common.cancel')}
        </button>
        <button
          type="button"
          className={isDanger ? 'danger' : ''}
          onClick={onConfirm}
          disabled={isBusy}
          autoFocus
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
