import { useState, type FormEvent } from 'react';
import type { MemberDetail } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatDateTime } from '../../shared/format.js';
import { TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffClient } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import '../admin/admin.css';

const byId = (id: string) => ({ params: { path: { id } } });

/** A member's account actions as the API takes them (managers and admins). */
export const memberAccountApi = {
  update: (
    id: string,
    body: { name?: string; email?: string | null; phone?: string; birthDate?: string | null },
  ) => staffClient.PATCH('/api/v1/members/{id}', { ...byId(id), body }),
  block: (id: string, reason: string) =>
    staffClient.POST('/api/v1/members/{id}/block', { ...byId(id), body: { reason } }),
  unblock: (id: string, reason: string) =>
    staffClient.POST('/api/v1/members/{id}/unblock', { ...byId(id), body: reason ? { reason } : {} }),
  rotateCard: (id: string) => staffClient.POST('/api/v1/members/{id}/card/rotate', byId(id)),
};

/** A refusal of a member action in words: the member's own codes here, the rest by the portal. */
function MemberErrorNotice({ error }: { error: unknown }) {
  const { t } = useI18n();
  const code = error instanceof ApiError ? error.code : null;
  const message =
    code === 'MEMBER_EXISTS'
      ? t('members.error.exists')
      : code === 'MEMBER_NOT_FOUND'
        ? t('members.error.notFound')
        : code === 'VALIDATION_FAILED'
          ? t('members.error.validation')
          : null;
  if (!message) return <ErrorNotice error={error} />;
  return (
    <Notice tone="error">
      <p>{message}</p>
    </Notice>
  );
}

type Dialog = 'block' | 'unblock' | 'rotate' | null;

/** Edit the profile, block or unblock with a reason, replace the card secret (a lost phone). */
export function MemberAccountPanel({ member, onChanged }: { member: MemberDetail; onChanged(): void }) {
  const { t, language } = useI18n();
  const [isEditing, setEditing] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  const act = async (write: () => Promise<string | null>) => {
    if (isBusy) return;
    setBusy(true);
    setError(null);
    try {
      setDone(await write());
      setDialog(null);
      setReason('');
      onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const confirm = () => {
    if (dialog === 'block' && reason.trim().length < 3) {
      setReasonError(t('members.manage.reasonMissing'));
      return;
    }
    if (dialog === 'unblock' && reason.trim() && reason.trim().length < 3) {
      setReasonError(t('members.manage.reasonMissing'));
      return;
    }
    setReasonError(null);
    if (dialog === 'block')
      void act(async () => {
        await memberAccountApi.block(member.id, reason.trim());
        // The panel's warning says what a block does from now on.
        return null;
      });
    if (dialog === 'unblock')
      void act(async () => {
        await memberAccountApi.unblock(member.id, reason.trim());
        return t('members.manage.unblockBody');
      });
    if (dialog === 'rotate')
      void act(async () => {
        const rotated = await memberAccountApi.rotateCard(member.id);
        return t('members.manage.rotated', { date: formatDateTime(rotated.rotatedAt, language) });
      });
  };

  const open = (next: Dialog) => {
    setError(null);
    setReason('');
    setReasonError(null);
    setDialog(next);
  };

  return (
    <section className="panel" aria-labelledby="member-account-title">
      <h2 id="member-account-title">{t('members.manage.title')}</h2>
      {member.isBlocked ? (
        <Notice tone="warning">
          <p>{t('members.manage.blockedSince')}</p>
        </Notice>
      ) : null}
      {done && !dialog ? (
        <Notice tone="success">
          <p>{done}</p>
        </Notice>
      ) : null}
      {error && !dialog ? <MemberErrorNotice error={error} /> : null}
      {isEditing ? (
        <ProfileForm
          member={member}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setDone(t('members.manage.saved'));
            onChanged();
          }}
        />
      ) : (
        <div className="row">
          <button type="button" className="secondary" onClick={() => setEditing(true)}>
            {t('members.manage.edit')}
          </button>
          {member.isBlocked ? (
            <button type="button" className="secondary" onClick={() => open('unblock')}>
              {t('members.manage.unblock')}
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => open('block')}>
              {t('members.manage.block')}
            </button>
          )}
          <button type="button" className="secondary" onClick={() => open('rotate')}>
            {t('members.manage.rotate')}
          </button>
        </div>
      )}
      {dialog ? (
        <ConfirmDialog
          title={
            dialog === 'block'
              ? t('members.manage.blockTitle', { name: member.name })
              : dialog === 'unblock'
                ? t('members.manage.unblockTitle', { name: member.name })
                : t('members.manage.rotateTitle', { name: member.name })
          }
          confirmLabel={
            dialog === 'block'
              ? t('members.manage.block')
              : dialog === 'unblock'
                ? t('members.manage.unblock')
                : t('members.manage.rotateConfirm')
          }
          isDanger={dialog !== 'unblock'}
          isBusy={isBusy}
          onCancel={() => setDialog(null)}
          onConfirm={confirm}
        >
          <p>
            {dialog === 'block'
              ? t('members.manage.blockBody')
              : dialog === 'unblock'
                ? t('members.manage.unblockBody')
                : t('members.manage.rotateBody')}
          </p>
          {dialog !== 'rotate' ? (
            <TextField
              label={dialog === 'block' ? t('members.manage.reason') : t('members.manage.reasonOptional')}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              maxLength={500}
              error={reasonError}
            />
          ) : null}
          {error ? <MemberErrorNotice error={error} /> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function ProfileForm({
  member,
  onSaved,
  onCancel,
}: {
  member: MemberDetail;
  onSaved(): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(member.name);
  const [email, setEmail] = useState(member.email ?? '');
  const [phone, setPhone] = useState(member.phone);
  const [birthDate, setBirthDate] = useState(member.birthDate ?? '');
  const [problems, setProblems] = useState<{ name?: string; email?: string; phone?: string }>({});
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const found: typeof problems = {};
    if (!name.trim()) found.name = t('members.edit.nameMissing');
    if (email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim()))
      found.email = t('members.edit.emailInvalid');
    if (!/^[+\d\s()-]{6,}$/.test(phone.trim())) found.phone = t('members.edit.phoneInvalid');
    setProblems(found);
    if (Object.keys(found).length) return;
    const body = {
      ...(name.trim() !== member.name ? { name: name.trim() } : {}),
      ...(email.trim() !== (member.email ?? '') ? { email: email.trim() || null } : {}),
      ...(phone.trim() !== member.phone ? { phone: phone.trim() } : {}),
      ...(birthDate !== (member.birthDate ?? '') ? { birthDate: birthDate || null } : {}),
    };
    if (Object.keys(body).length === 0) {
      onCancel();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await memberAccountApi.update(member.id, body);
      onSaved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="stack"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="member-edit-title"
    >
      <h3 id="member-edit-title">{t('members.edit.title', { name: member.name })}</h3>
      <div className="admin-form-grid">
        <TextField
          label={t('members.edit.name')}
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={120}
          error={problems.name ?? null}
        />
        <TextField
          label={t('members.edit.email')}
          type="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
          error={problems.email ?? null}
        />
        <TextField
          label={t('members.edit.phone')}
          hint={t('members.edit.phoneHint')}
          type="tel"
          value={phone}
          onChange={(event) => setPhone(event.target.value)}
          error={problems.phone ?? null}
        />
        <TextField
          label={t('members.edit.birthDate')}
          type="date"
          value={birthDate}
          onChange={(event) => setBirthDate(event.target.value)}
        />
      </div>
      {error ? <MemberErrorNotice error={error} /> : null}
      <div className="row">
        <button type="submit" disabled={isBusy}>
          {isBusy ? t('admin.saving') : t('members.edit.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
