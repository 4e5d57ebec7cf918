// The Profile tab's self-service: edit my details, download my data, delete my account. Its own chunk,
// loaded when the Profile tab opens (precached by the service worker), to keep the card's first download
// within its budget.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { MemberDetail } from '@regulars/contracts';
import { formatPoints } from '../../shared/format.js';
import { serverNow } from '../../shared/sandbox/server-clock.js';
import { TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { LoadError } from '../home/load-error.js';
import { joinErrors, type JoinErrors } from '../join/join-validation.js';
import { selfServiceTexts } from './self-service-messages.js';

function useTexts() {
  const { language } = useI18n();
  return useMemo(() => selfServiceTexts(language), [language]);
}

export function SelfService({
  member,
  isOffline,
  onSaved,
  onDeleted,
}: {
  member: MemberDetail;
  isOffline: boolean;
  onSaved(): void;
  onDeleted(): void;
}) {
  return (
    <>
      <DetailsForm member={member} isOffline={isOffline} onSaved={onSaved} />
      <DataDownload memberId={member.id} />
      <AccountDeletion member={member} onDeleted={onDeleted} />
    </>
  );
}

/** Name, email and birth date, checked here as at sign-up and again by the server. */
function DetailsForm({
  member,
  isOffline,
  onSaved,
}: {
  member: MemberDetail;
  isOffline: boolean;
  onSaved(): void;
}) {
  const { t } = useI18n();
  const s = useTexts();
  const [fields, setFields] = useState({
    name: member.name,
    email: member.email ?? '',
    birthDate: member.birthDate ?? '',
  });
  const [errors, setErrors] = useState<JoinErrors>({});
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>(null);
  const today = new Date(serverNow()).toISOString().slice(0, 10);
  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) => {
    setFields((previous) => ({ ...previous, [name]: event.target.value }));
    setState('idle');
  };
  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const found = joinErrors({ ...fields, code: '000000' }, { isNewMember: true, today });
    setErrors(found);
    if (Object.keys(found).length) return;
    setState('saving');
    setError(null);
    try {
      await cardApi.updateProfile(member.id, {
        name: fields.name.trim(),
        email: fields.email.trim() || null,
        birthDate: fields.birthDate || null,
      });
      setState('saved');
      onSaved();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };
  const message = (key: keyof JoinErrors) => {
    const found = errors[key];
    return found ? t(found) : null;
  };
  return (
    <form
      className="panel"
      onSubmit={(event) => void submit(event)}
      noValidate
      aria-labelledby="details-title"
    >
      <h2 id="details-title">{s('details.title')}</h2>
      <TextField
        label={t('join.name')}
        name="name"
        autoComplete="name"
        value={fields.name}
        onChange={set('name')}
        error={message('name')}
        required
      />
      <TextField
        label={t('join.email')}
        name="email"
        type="email"
        autoComplete="email"
        value={fields.email}
        onChange={set('email')}
        error={message('email')}
      />
      <TextField
        label={t('join.birthDate')}
        name="birthDate"
        type="date"
        autoComplete="bday"
        max={today}
        value={fields.birthDate}
        onChange={set('birthDate')}
        error={message('birthDate')}
      />
      {isOffline ? <p className="field-hint">{s('details.offline')}</p> : null}
      {error ? <LoadError error={error} onRetry={() => void submit()} /> : null}
      {state === 'saved' ? <Notice tone="success">{s('details.saved')}</Notice> : null}
      <button type="submit" disabled={state === 'saving' || isOffline}>
        {state === 'saving' ? s('details.saving') : s('details.save')}
      </button>
    </form>
  );
}

/** "Download my data": the server's JSON document, saved as a file on the phone. */
function DataDownload({ memberId }: { memberId: string }) {
  const s = useTexts();
  const [state, setState] = useState<'idle' | 'preparing' | 'ready'>('idle');
  const [error, setError] = useState<unknown>(null);
  const download = async () => {
    setState('preparing');
    setError(null);
    try {
      const data = await cardApi.exportData(memberId);
      const blob = new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `my-loyalty-data-${data.exportedAt.slice(0, 10)}.json`;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setState('ready');
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };
  return (
    <section className="panel" aria-labelledby="data-title">
      <h2 id="data-title">{s('data.title')}</h2>
      <p>{s('data.intro')}</p>
      {error ? <LoadError error={error} onRetry={() => void download()} /> : null}
      {state === 'ready' ? <Notice tone="success">{s('data.ready')}</Notice> : null}
      <button
        type="button"
        className="secondary"
        onClick={() => void download()}
        disabled={state === 'preparing'}
      >
        {state === 'preparing' ? s('data.preparing') : s('data.download')}
      </button>
    </section>
  );
}

/** "Delete my account", behind a dialog that says exactly what happens. */
function AccountDeletion({ member, onDeleted }: { member: MemberDetail; onDeleted(): void }) {
  const s = useTexts();
  const { language } = useI18n();
  const [isOpen, setOpen] = useState(false);
  const [isDeleting, setDeleting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const element = dialog.current;
    if (isOpen && element && !element.open) element.showModal();
    if (!isOpen && element?.open) element.close();
  }, [isOpen]);
  const confirm = async () => {
    setDeleting(true);
    setError(null);
    try {
      await cardApi.deleteAccount(member.id);
      setOpen(false);
      onDeleted();
    } catch (caught) {
      setError(caught);
      setDeleting(false);
    }
  };
  return (
    <section className="panel" aria-labelledby="delete-title">
      <h2 id="delete-title">{s('delete.title')}</h2>
      <p className="field-hint">{s('delete.intro')}</p>
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {s('delete.open')}
      </button>
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby="delete-confirm-title"
        onClose={() => setOpen(false)}
      >
        <h2 id="delete-confirm-title">{s('delete.confirmTitle')}</h2>
        <ul>
          <li>{s('delete.erased')}</li>
          <li>{s('delete.blocked')}</li>
          <li>{s('delete.lost', { points: formatPoints(member.balance.available, language) })}</li>
          <li>{s('delete.kept')}</li>
          <li>{s('delete.again')}</li>
        </ul>
        {error ? <LoadError error={error} onRetry={() => void confirm()} /> : null}
        <div className="row">
          <button type="button" className="secondary" onClick={() => setOpen(false)} autoFocus>
            {s('delete.cancel')}
          </button>
          <button type="button" className="danger" onClick={() => void confirm()} disabled={isDeleting}>
            {isDeleting ? s('delete.deleting') : s('delete.confirm')}
          </button>
        </div>
      </dialog>
    </section>
  );
}
