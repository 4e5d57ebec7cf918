import { useState } from 'react';
import type { MemberSummary } from '@regulars/contracts';
import { ApiError, fieldIssuesOf } from '../../shared/api/errors.js';
import { TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';

/**
 * Enrols the customer whose phone found nobody: the phone as typed at the till, their name. The new
 * member is then the one at the till.
 */
export function EnrolDialog({
  phone: typedPhone,
  onEnrolled,
  onClose,
}: {
  phone: string;
  onEnrolled(member: MemberSummary): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [phone, setPhone] = useState(typedPhone);
  const [nameError, setNameError] = useState<string | null>(null);
  const [referralCode, setReferralCode] = useState('');
  const [referralError, setReferralError] = useState<string | null>(null);
  const [claimError, setClaimError] = useState<unknown>(null);
  const { state, submit } = useSubmission<MemberSummary>();

  // A phone the server cannot read is a field problem, said in the viewer's language.
  const refusal = state.status === 'failed' ? state.error : null;
  const isBadPhone =
    refusal instanceof ApiError && fieldIssuesOf(refusal).some((issue) => issue.path === 'phone');

  const confirm = async () => {
    if (!name.trim()) {
      setNameError(t('desk.enrol.nameMissing'));
      return;
    }
    setNameError(null);
    setReferralError(null);
    setClaimError(null);
    const code = referralCode.trim();
    // A friend's code is checked first: a typo is corrected before the member exists.
    if (code) {
      try {
        await staffApi.checkReferralCode(code);
      } catch (caught) {
        if (caught instanceof ApiError && caught.status === 404) {
          setReferralError(t('desk.enrol.referralUnknown'));
          return;
        }
        setClaimError(caught);
        return;
      }
    }
    const created = await submit((idempotencyKey) =>
      staffApi.createMember({ name: name.trim(), phone: phone.trim() }, { idempotencyKey }),
    );
    if (!created) return;
    if (code) {
      try {
        await staffApi.claimReferral(created.id, code);
      } catch (caught) {
        // The member exists: the cashier sees why the code did not count (invitations paused…).
        setClaimError(caught);
        return;
      }
    }
    onEnrolled(created);
  };

  const isLocked = state.status === 'submitting' || state.status === 'connectionLost';
  return (
    <ConfirmDialog
      title={t('desk.enrol.title')}
      confirmLabel={state.status === 'connectionLost' ? t('desk.retrySafely') : t('desk.enrol.confirm')}
      isBusy={state.status === 'submitting'}
      onConfirm={() => void confirm()}
      onCancel={() => state.status !== 'submitting' && onClose()}
    >
      <TextField
        label={t('desk.enrol.name')}
        name="name"
        autoComplete="off"
        value={name}
        onChange={(event) => setName(event.target.value)}
        error={nameError}
        disabled={isLocked}
      />
      <TextField
        label={t('desk.enrol.phone')}
        name="phone"
        type="tel"
        autoComplete="off"
        value={phone}
        onChange={(event) => setPhone(event.target.value)}
        hint={t('desk.enrol.hint')}
        error={isBadPhone ? t('desk.enrol.badPhone') : null}
        disabled={isLocked}
      />
      <TextField
        label={t('desk.enrol.referralCode')}
        name="referralCode"
        autoComplete="off"
        autoCapitalize="characters"
        value={referralCode}
        onChange={(event) => setReferralCode(event.target.value)}
        error={referralError}
        disabled={isLocked}
      />
      {claimError ? <ErrorNotice error={claimError} /> : null}
      {state.status === 'connectionLost' ? <Notice tone="warning">{t('error.connectionLost')}</Notice> : null}
      {refusal && !isBadPhone ? <ErrorNotice error={refusal} /> : null}
    </ConfirmDialog>
  );
}
