import { useState, type FormEvent } from 'react';
import { STAFF_ROLES, type StaffRole, type StaffSummary, type Store } from '@regulars/contracts';
import { useLoad } from '../../shared/use-load.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { FormFooter } from './form-footer.js';
import { useAdminWrite } from './use-admin-write.js';

type Account = StaffSummary & { isActive: boolean };
const roleKey = (role: StaffRole) => `role.${role}` as StaffMessageKey;

/** bcrypt reads 72 bytes at most; the API refuses longer passwords, so the form says so first. */
function passwordProblem(password: string): 'short' | 'long' | null {
  if (password.length < 8) return 'short';
  if (new TextEncoder().encode(password).length > 72) return 'long';
  return null;
}

function StoreOptions({ stores }: { stores: Store[] }) {
  const { t } = useI18n();
  return (
    <>
      <option value="">{t('admin.staff.allStores')}</option>
      {stores.map((store) => (
        <option key={store.id} value={store.id}>
          {store.name}
        </option>
      ))}
    </>
  );
}

/** Staff and roles: the accounts, "Add staff member", and per account its role, store, password, status. */
export function StaffAccountsScreen() {
  const { t } = useI18n();
  const session = useSession();
  const loaded = useLoad(async () => {
    const [staff, stores] = await Promise.all([adminApi.staff(), adminApi.stores()]);
    return { staff: staff.items, stores: stores.items };
  });
  const [isAdding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [toggling, setToggling] = useState<Account | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const toggle = useAdminWrite();
  const stores = loaded.data?.stores ?? [];
  const storeName = (id: string | null) =>
    id ? (stores.find((store) => store.id === id)?.name ?? '') : t('admin.staff.allStores');

  return (
    <main className="page" id="main" aria-labelledby="staff-title">
      <div className="page-heading">
        <h1 id="staff-title">{t('admin.staff.title')}</h1>
        {!isAdding && !editing ? (
          <button type="button" onClick={() => setAdding(true)}>
            {t('admin.staff.add')}
          </button>
        ) : null}
      </div>
      <p>{t('admin.staff.intro')}</p>
      {notice ? (
        <Notice tone="success">
          <p>{notice}</p>
        </Notice>
      ) : null}
      {isAdding ? (
        <NewStaffForm
          stores={stores.filter((store) => store.isActive)}
          onCancel={() => setAdding(false)}
          onCreated={(account) => {
            setAdding(false);
            setNotice(t('admin.staff.created', { name: account.name, email: account.email }));
            loaded.reload();
          }}
        />
      ) : null}
      {editing ? (
        <EditStaffForm
          account={editing}
          stores={stores.filter((store) => store.isActive || store.id === editing.storeId)}
          onCancel={() => setEditing(null)}
          onSaved={(message) => {
            setEditing(null);
            setNotice(message);
            loaded.reload();
          }}
        />
      ) : null}
      {toggle.error ? <AdminErrorNotice error={toggle.error} /> : null}
      <section className="panel" aria-labelledby="staff-list-title">
        <h2 id="staff-list-title">{t('admin.staff.list')}</h2>
        {loaded.error ? (
          <AdminErrorNotice error={loaded.error} onRetry={loaded.reload} />
        ) : !loaded.data ? (
          <Loading label={t('common.loading')} />
        ) : loaded.data.staff.length === 0 ? (
          <EmptyState>{t('admin.staff.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.staff.name')}</th>
                <th scope="col">{t('admin.staff.email')}</th>
                <th scope="col">{t('admin.staff.role')}</th>
                <th scope="col">{t('admin.staff.store')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.staff.map((account) => (
                <tr key={account.id}>
                  <td>{account.name}</td>
                  <td>{account.email}</td>
                  <td>{t(roleKey(account.role))}</td>
                  <td>{storeName(account.storeId)}</td>
                  <td>{account.isActive ? t('admin.active') : t('admin.inactive')}</td>
                  <td>
                    <div className="admin-table-actions">
                      {/* An admin does not lock themselves out here: their own account is changed by another admin. */}
                      {account.id === session.staff.id ? (
                        <span className="field-hint">{t('admin.staff.you')}</span>
                      ) : (
                        <>
                          <button
                            type="button"
                            className="secondary"
                            aria-label={t('admin.staff.editNamed', { name: account.name })}
                            onClick={() => {
                              setAdding(false);
                              setNotice(null);
                              setEditing(account);
                            }}
                          >
                            {t('admin.edit')}
                          </button>
                          <button
                            type="button"
                            className="secondary"
                            aria-label={t(
                              account.isActive ? 'admin.staff.deactivateNamed' : 'admin.staff.activateNamed',
                              { name: account.name },
                            )}
                            onClick={() => setToggling(account)}
                          >
                            {account.isActive ? t('admin.deactivate') : t('admin.activate')}
                          </button>
                        </>
                      )}
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
          title={t(toggling.isActive ? 'admin.staff.deactivateTitle' : 'admin.staff.activateTitle', {
            name: toggling.name,
          })}
          confirmLabel={toggling.isActive ? t('admin.deactivate') : t('admin.activate')}
          isDanger={toggling.isActive}
          isBusy={toggle.isBusy}
          onCancel={() => setToggling(null)}
          onConfirm={() =>
            void toggle
              .run(async () => {
                await adminApi.updateStaff(toggling.id, { isActive: !toggling.isActive });
              })
              .then(() => {
                setToggling(null);
                loaded.reload();
              })
          }
        >
          <p>{toggling.isActive ? t('admin.staff.deactivateBody') : t('admin.staff.activateBody')}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function NewStaffForm({
  stores,
  onCreated,
  onCancel,
}: {
  stores: Store[];
  onCreated(account: StaffSummary): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('cashier');
  const [storeId, setStoreId] = useState('');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Partial<Record<'name' | 'email' | 'password', string>>>({});
  const write = useAdminWrite();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = {};
    if (!name.trim()) found.name = t('admin.staff.nameMissing');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) found.email = t('admin.staff.emailInvalid');
    const weak = passwordProblem(password);
    if (weak) found.password = t(weak === 'short' ? 'admin.staff.passwordShort' : 'admin.staff.passwordLong');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void write.run(async () => {
      onCreated(
        await adminApi.createStaff({
          name: name.trim(),
          email: email.trim(),
          role,
          password,
          storeId: storeId || null,
        }),
      );
    });
  };

  return (
    <section className="panel" aria-labelledby="staff-form-title">
      <h2 id="staff-form-title">{t('admin.staff.newTitle')}</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="admin-form-grid">
          <TextField
            label={t('admin.staff.name')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={problems.name ?? null}
          />
          <TextField
            label={t('admin.staff.email')}
            type="email"
            autoComplete="off"
            value={email}
            onChange={(event) => setEmail(event.target.value)}
            error={problems.email ?? null}
          />
          <RoleAndStoreFields
            role={role}
            storeId={storeId}
            stores={stores}
            onRole={setRole}
            onStore={setStoreId}
          />
          <TextField
            label={t('admin.staff.initialPassword')}
            hint={t('admin.staff.passwordHint')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={problems.password ?? null}
          />
        </div>
        <FormFooter
          error={write.error}
          isBusy={write.isBusy}
          submitLabel={t('admin.staff.create')}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}

function EditStaffForm({
  account,
  stores,
  onSaved,
  onCancel,
}: {
  account: Account;
  stores: Store[];
  onSaved(message: string): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState(account.name);
  const [role, setRole] = useState<StaffRole>(account.role);
  const [storeId, setStoreId] = useState(account.storeId ?? '');
  const [password, setPassword] = useState('');
  const [problems, setProblems] = useState<Partial<Record<'name' | 'password', string>>>({});
  const write = useAdminWrite();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = {};
    if (!name.trim()) found.name = t('admin.staff.nameMissing');
    const weak = password ? passwordProblem(password) : null;
    if (weak) found.password = t(weak === 'short' ? 'admin.staff.passwordShort' : 'admin.staff.passwordLong');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void write.run(async () => {
      await adminApi.updateStaff(account.id, {
        ...(name.trim() !== account.name ? { name: name.trim() } : {}),
        ...(role !== account.role ? { role } : {}),
        ...((storeId || null) !== account.storeId ? { storeId: storeId || null } : {}),
        ...(password ? { password } : {}),
      });
      onSaved(
        password
          ? t('admin.staff.savedWithPassword', { name: name.trim() })
          : t('admin.staff.saved', { name: name.trim() }),
      );
    });
  };

  return (
    <section className="panel" aria-labelledby="staff-edit-title">
      <h2 id="staff-edit-title">{t('admin.staff.editTitle', { name: account.name })}</h2>
      <p>{account.email}</p>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="admin-form-grid">
          <TextField
            label={t('admin.staff.name')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={problems.name ?? null}
          />
          <RoleAndStoreFields
            role={role}
            storeId={storeId}
            stores={stores}
            onRole={setRole}
            onStore={setStoreId}
          />
          <TextField
            label={t('admin.staff.newPassword')}
            hint={t('admin.staff.newPasswordHint')}
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            error={problems.password ?? null}
          />
        </div>
        <FormFooter
          error={write.error}
          isBusy={write.isBusy}
          submitLabel={t('admin.save')}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}

/** The role and the store of a staff member, as the create and edit forms both ask them. */
function RoleAndStoreFields({
  role,
  storeId,
  stores,
  onRole,
  onStore,
}: {
  role: StaffRole;
  storeId: string;
  stores: Store[];
  onRole(role: StaffRole): void;
  onStore(storeId: string): void;
}) {
  const { t } = useI18n();
  return (
    <>
      <SelectField
        label={t('admin.staff.role')}
        value={role}
        onChange={(event) => onRole(event.target.value as StaffRole)}
      >
        {STAFF_ROLES.map((option) => (
          <option key={option} value={option}>
            {t(roleKey(option))}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('admin.staff.store')}
        value={storeId}
        onChange={(event) => onStore(event.target.value)}
      >
        <StoreOptions stores={stores} />
      </SelectField>
    </>
  );
}
