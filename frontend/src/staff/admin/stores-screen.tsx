import { useState, type FormEvent } from 'react';
import type { CreateStoreBody, Store } from '@regulars/contracts';
import { useLoad } from '../../shared/use-load.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { TextField } from '../../shared/ui/field.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { FormFooter } from './form-footer.js';
import { useAdminWrite } from './use-admin-write.js';

type Draft = {
  name: string;
  code: string;
  timeZone: string;
  line1: string;
  city: string;
  postalCode: string;
  country: string;
};
const EMPTY: Draft = { name: '', code: '', timeZone: '', line1: '', city: '', postalCode: '', country: '' };

function toDraft(store: Store): Draft {
  return {
    name: store.name,
    code: store.code,
    timeZone: store.timeZone,
    line1: store.address?.line1 ?? '',
    city: store.address?.city ?? '',
    postalCode: store.address?.postalCode ?? '',
    country: store.address?.country ?? '',
  };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Stores: the list, "Add store", editing one, and deactivating (or reactivating) it. */
export function StoresScreen() {
  const { t } = useI18n();
  const loaded = useLoad(() => adminApi.stores());
  const [editing, setEditing] = useState<Store | 'new' | null>(null);
  const [toggling, setToggling] = useState<Store | null>(null);
  const toggle = useAdminWrite();
  const stores = loaded.data?.items ?? null;

  return (
    <main className="page" id="main" aria-labelledby="stores-title">
      <div className="page-heading">
        <h1 id="stores-title">{t('admin.stores.title')}</h1>
        {editing === null ? (
          <button type="button" onClick={() => setEditing('new')}>
            {t('admin.stores.add')}
          </button>
        ) : null}
      </div>
      {editing !== null ? (
        <StoreForm
          store={editing === 'new' ? null : editing}
          onDone={() => {
            setEditing(null);
            loaded.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      ) : null}
      {toggle.error ? <AdminErrorNotice error={toggle.error} /> : null}
      <section className="panel" aria-labelledby="stores-list-title">
        <h2 id="stores-list-title">{t('admin.stores.list')}</h2>
        {loaded.error ? (
          <AdminErrorNotice error={loaded.error} onRetry={loaded.reload} />
        ) : !stores ? (
          <Loading label={t('common.loading')} />
        ) : stores.length === 0 ? (
          <EmptyState>{t('admin.stores.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.stores.name')}</th>
                <th scope="col">{t('admin.stores.code')}</th>
                <th scope="col">{t('admin.stores.timeZone')}</th>
                <th scope="col">{t('admin.stores.city')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {stores.map((store) => (
                <tr key={store.id}>
                  <td>{store.name}</td>
                  <td>{store.code}</td>
                  <td>{store.timeZone}</td>
                  <td>{store.address?.city ?? ''}</td>
                  <td>{store.isActive ? t('admin.active') : t('admin.inactive')}</td>
                  <td>
                    <div className="admin-table-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t('admin.stores.editNamed', { name: store.name })}
                        onClick={() => setEditing(store)}
                      >
                        {t('admin.edit')}
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t(
                          store.isActive ? 'admin.stores.deactivateNamed' : 'admin.stores.activateNamed',
                          {
                            name: store.name,
                          },
                        )}
                        onClick={() => setToggling(store)}
                      >
                        {store.isActive ? t('admin.deactivate') : t('admin.activate')}
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {toggling ? (
        <ConfirmDialog
          title={t(toggling.isActive ? 'admin.stores.deactivateTitle' : 'admin.stores.activateTitle', {
            name: toggling.name,
          })}
          confirmLabel={toggling.isActive ? t('admin.deactivate') : t('admin.activate')}
          isDanger={toggling.isActive}
          isBusy={toggle.isBusy}
          onCancel={() => setToggling(null)}
          onConfirm={() =>
            void toggle
              .run(async () => {
                await adminApi.updateStore(toggling.id, { isActive: !toggling.isActive });
              })
              .then(() => {
                setToggling(null);
                loaded.reload();
              })
          }
        >
          <p>{toggling.isActive ? t('admin.stores.deactivateBody') : t('admin.stores.activateBody')}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function StoreForm({ store, onDone, onCancel }: { store: Store | null; onDone(): void; onCancel(): void }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(store ? toDraft(store) : EMPTY);
  const [problems, setProblems] = useState<Partial<Record<keyof Draft, string>>>({});
  const write = useAdminWrite();
  const set = (field: keyof Draft) => (event: { target: { value: string } }) =>
    setDraft((current) => ({ ...current, [field]: event.target.value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: Partial<Record<keyof Draft, string>> = {};
    if (!draft.name.trim()) found.name = t('admin.stores.nameMissing');
    if (!/^[A-Za-z0-9_-]{2,20}$/.test(draft.code.trim())) found.code = t('admin.stores.codeInvalid');
    if (draft.timeZone.trim() && !isTimeZone(draft.timeZone.trim()))
      found.timeZone = t('admin.program.timeZoneInvalid');
    if (draft.country.trim() && !/^[A-Za-z]{2}$/.test(draft.country.trim()))
      found.country = t('admin.stores.countryInvalid');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const address = {
      ...(draft.line1.trim() ? { line1: draft.line1.trim() } : {}),
      ...(draft.city.trim() ? { city: draft.city.trim() } : {}),
      ...(draft.postalCode.trim() ? { postalCode: draft.postalCode.trim() } : {}),
      ...(draft.country.trim() ? { country: draft.country.trim().toUpperCase() } : {}),
    };
    const body: CreateStoreBody = {
      name: draft.name.trim(),
      code: draft.code.trim(),
      ...(draft.timeZone.trim() ? { timeZone: draft.timeZone.trim() } : {}),
      address,
      isActive: store?.isActive ?? true,
    };
    void write
      .run(async () => {
        if (store) await adminApi.updateStore(store.id, body);
        else await adminApi.createStore(body);
      })
      .then((isDone) => {
        if (isDone) onDone();
      });
  };

  return (
    <section className="panel" aria-labelledby="store-form-title">
      <h2 id="store-form-title">
        {store ? t('admin.stores.editTitle', { name: store.name }) : t('admin.stores.newTitle')}
      </h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="admin-form-grid">
          <TextField
            label={t('admin.stores.name')}
            value={draft.name}
            onChange={set('name')}
            error={problems.name ?? null}
          />
          <TextField
            label={t('admin.stores.code')}
            hint={t('admin.stores.codeHint')}
            value={draft.code}
            onChange={set('code')}
            error={problems.code ?? null}
          />
          <TextField
            label={t('admin.stores.timeZone')}
            hint={t('admin.stores.timeZoneHint')}
            value={draft.timeZone}
            onChange={set('timeZone')}
            error={problems.timeZone ?? null}
          />
          <TextField label={t('admin.stores.line1')} value={draft.line1} onChange={set('line1')} />
          <TextField label={t('admin.stores.city')} value={draft.city} onChange={set('city')} />
          <TextField
            label={t('admin.stores.postalCode')}
            value={draft.postalCode}
            onChange={set('postalCode')}
          />
          <TextField
            label={t('admin.stores.country')}
            hint={t('admin.stores.countryHint')}
            value={draft.country}
            onChange={set('country')}
            maxLength={2}
            error={problems.country ?? null}
          />
        </div>
        <FormFooter
          error={write.error}
          isBusy={write.isBusy}
          submitLabel={store ? t('admin.save') : t('admin.stores.create')}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}
