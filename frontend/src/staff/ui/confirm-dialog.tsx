import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { useI18n } from '../staff-i18n.js';

/** A field a dialog may hold; the first one gets the focus when the dialog opens. */
const FIELD_SELECTOR =
  'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])';

/**
 * A modal confirmation (native <dialog>: focus is trapped). Enter confirms — from a field (the dialog
 * is a form, its primary button the submit button) or because the primary button has the focus when
 * the dialog opens; Escape and the Cancel button cancel.
 */
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
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first focusable element, which is the Cancel button: Enter would then
      // cancel. The first field, or else the primary button, takes the focus instead.
      const field = dialog.querySelector<HTMLElement>(FIELD_SELECTOR);
      (field ?? confirmRef.current)?.focus();
    }
    return () => dialog?.close();
  }, []);
  useEffect(() => {
    // A busy primary button is disabled, and a disabled button loses the focus: give it back once the
    // dialog is ready again, so that Enter still confirms (a retry, or the action offered after a refusal).
    const dialog = ref.current;
    const active = document.activeElement;
    if (isBusy || !dialog?.open || (active && active !== dialog && dialog.contains(active))) return;
    (dialog.querySelector<HTMLElement>(FIELD_SELECTOR) ?? confirmRef.current)?.focus();
  }, [isBusy]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!isBusy) onConfirm();
  };
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form
        onSubmit={submit}
        onKeyDown={(event) => {
          // A text field submits on Enter by itself; a select does not, so Enter there confirms too.
          if (event.key === 'Enter' && event.target instanceof HTMLSelectElement) {
            event.preventDefault();
            event.currentTarget.requestSubmit();
          }
        }}
        noValidate
      >
        <h2 id={titleId}>{title}</h2>
        {children}
        <div className="dialog-actions">
          <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
            {t('common.cancel')}
          </button>
          <button ref={confirmRef} type="submit" className={isDanger ? 'danger' : ''} disabled={isBusy}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
