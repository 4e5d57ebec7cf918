import { useState, type FormEvent } from 'react';
import type { Adjustment } from '@regulars/contracts';
import { TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';

/** A manual adjustment (manager and up): signed points and the reason, audit-logged by the server. */
export function AdjustmentForm({
  memberId,
  onDone,
}: {
  memberId: string;
  onDone(adjustment: Adjustment): void;
}) {
  const { t } = useI18n();
  const [points, setPoints] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<{ points?: string; reason?: string }>({});
  const { state, submit, reset, isLocked } = useSubmission<Adjustment>();

  const send = async (event: FormEvent) => {
    event.preventDefault();
    const value = Number(points);
    const found: typeof errors = {};
    if (!Number.isInteger(value) || value === 0 || Math.abs(value) > 1_000_000)
      found.points = t('members.adjust.badPoints');
    if (reason.trim().length < 3) found.reason = t('members.adjust.badReason');
    setErrors(found);
    if (Object.keys(found).length) return;
    const result = await submit((idempotencyKey) =>
      staffApi.adjust(memberId, { points: value, reason: reason.trim() }, { idempotencyKey }),
    );
    if (result) {
      setPoints('');
      setReason('');
      onDone(result);
    }
  };

  return (
    <form className="panel" onSubmit={(event) => void send(event)} noValidate aria-labelledby="adjust-title">
      <h2 id="adjust-title">{t('members.adjust.title')}</h2>
      <fieldset className="plain-fieldset" disabled={isLocked}>
        <div className="row">
          <TextField
            label={t('members.adjust.points')}
            hint={t('members.adjust.pointsHint')}
            inputMode="numeric"
            value={points}
            onChange={(e) => {
              setPoints(e.target.value);
              if (state.status === 'done' || state.status === 'failed') reset();
            }}
            error={errors.points}
          />
          <TextField
            label={t('members.adjust.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={errors.reason}
          />
        </div>
      </fieldset>
      {state.status === 'connectionLost' ? (
        <Notice tone="warning">{t('members.adjust.connectionLost')}</Notice>
      ) : null}
      {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
      {state.status === 'done' ? <Notice tone="success">{t('members.adjust.done')}</Notice> : null}
      <button type="submit" disabled={state.status === 'submitting'}>
        {state.status === 'connectionLost' ? t('desk.retrySafely') : t('members.adjust.submit')}
      </button>
    </form>
  );
}
