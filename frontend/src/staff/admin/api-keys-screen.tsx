import { useState, type FormEvent } from 'react';
import { API_SCOPES, type ApiKeySummary, type ApiScope, type Store } from '@regulars/contracts';
import { formatDateTime } from '../../shared/format.js';
import { useLoad } from '../../shared/use-load.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useI18n } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { FormFooter } from './form-footer.js';
import { SecretReveal, type SecretRevealWords } from '../ui/secret-reveal.js';
import { useAdminWrite } from './use-admin-write.js';

/** API keys: the list (scopes, store, last used), "Create API key" with its secret shown once, revoking. */
export function ApiKeysScreen() {
  const { t, language } = useI18n();
  const loaded = useLoad(async () => {
    const [keys, stores] = await Promise.all([adminApi.apiKeys(), adminApi.stores()]);
    return { keys: keys.items, stores: stores.items };
  });
  const [isAdding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<ApiKeySummary | null>(null);
  const revoke = useAdminWrite();
  const stores = loaded.data?.stores ?? [];
  const storeName = (id: string | null) =>
    id ? (stores.find((store) => store.id === id)?.name ?? '') : t('admin.staff.allStores');

  return (
    <main className="page" id="main" aria-labelledby="api-keys-title">
      <div className="page-heading">
        <h1 id="api-keys-title">{t('admin.apiKeys.title')}</h1>
        {!isAdding && !created ? (
          <button type="button" onClick={() => setAdding(true)}>
            {t('admin.apiKeys.add')}
          </button>
        ) : null}
      </div>
      <p>{t('admin.apiKeys.intro')}</p>
      {created ? (
        <KeyReveal name={created.name} secret={created.key} onDone={() => setCreated(null)} />
      ) : null}
      {isAdding ? (
        <NewApiKeyForm
          stores={stores.filter((store) => store.isActive)}
          onCancel={() => setAdding(false)}
          onCreated={(key) => {
            setAdding(false);
            setCreated(key);
            loaded.reload();
          }}
        />
      ) : null}
      {revoke.error ? <AdminErrorNotice error={revoke.error} /> : null}
      <section className="panel" aria-labelledby="api-keys-list-title">
        <h2 id="api-keys-list-title">{t('admin.apiKeys.list')}</h2>
        {loaded.error ? (
          <AdminErrorNotice error={loaded.error} onRetry={loaded.reload} />
        ) : !loaded.data ? (
          <Loading label={t('common.loading')} />
        ) : loaded.data.keys.length === 0 ? (
          <EmptyState>{t('admin.apiKeys.empty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.apiKeys.name')}</th>
                <th scope="col">{t('admin.apiKeys.prefix')}</th>
                <th scope="col">{t('admin.apiKeys.scopes')}</th>
                <th scope="col">{t('admin.apiKeys.store')}</th>
                <th scope="col">{t('admin.apiKeys.lastUsed')}</th>
                <th scope="col">{t('admin.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {loaded.data.keys.map((key) => (
                <tr key={key.id}>
                  <td>
                    {key.name}
                    <p className="field-hint">
                      {t('admin.apiKeys.createdAt', { date: formatDateTime(key.createdAt, language) })}
                    </p>
                  </td>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>
                    {key.scopes.map((scope) => (
                      <code key={scope}>{scope} </code>
                    ))}
                  </td>
                  <td>{storeName(key.storeId)}</td>
                  <td>
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt, language) : t('admin.apiKeys.neverUsed')}
                  </td>
                  <td>
                    {key.revokedAt
                      ? t('admin.apiKeys.revokedAt', { date: formatDateTime(key.revokedAt, language) })
                      : t('admin.active')}
                  </td>
                  <td>
                    {key.revokedAt ? null : (
                      <button
                        type="button"
                        className="secondary"
                        aria-label={t('admin.apiKeys.revokeNamed', { name: key.name })}
                        onClick={() => setRevoking(key)}
                      >
                        {t('admin.apiKeys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {revoking ? (
        <ConfirmDialog
          title={t('admin.apiKeys.revokeTitle', { name: revoking.name })}
          confirmLabel={t('admin.apiKeys.revoke')}
          isDanger
          isBusy={revoke.isBusy}
          onCancel={() => setRevoking(null)}
          onConfirm={() =>
            void revoke
              .run(async () => {
                await adminApi.revokeApiKey(revoking.id);
              })
              .then(() => {
                setRevoking(null);
                loaded.reload();
              })
          }
        >
          <p>{t('admin.apiKeys.revokeBody')}</p>
        </ConfirmDialog>
      ) : null}
    </main>
  );
}

function NewApiKeyForm({
  stores,
  onCreated,
  onCancel,
}: {
  stores: Store[];
  onCreated(created: { name: string; key: string }): void;
  onCancel(): void;
}) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiScope[]>([]);
  const [storeId, setStoreId] = useState('');
  const [problems, setProblems] = useState<Partial<Record<'name' | 'scopes', string>>>({});
  const write = useAdminWrite();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found: typeof problems = {};
    if (!name.trim()) found.name = t('admin.apiKeys.nameMissing');
    if (scopes.length === 0) found.scopes = t('admin.apiKeys.scopesMissing');
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void write.run(async () => {
      const created = await adminApi.createApiKey({
        name: name.trim(),
        scopes,
        ...(storeId ? { storeId } : {}),
      });
      onCreated({ name: created.name, key: created.key });
    });
  };

  return (
    <section className="panel" aria-labelledby="api-key-form-title">
      <h2 id="api-key-form-title">{t('admin.apiKeys.newTitle')}</h2>
      <form className="stack" onSubmit={submit} noValidate>
        <div className="admin-form-grid">
          <TextField
            label={t('admin.apiKeys.name')}
            hint={t('admin.apiKeys.nameHint')}
            value={name}
            onChange={(event) => setName(event.target.value)}
            error={problems.name ?? null}
          />
          <SelectField
            label={t('admin.apiKeys.store')}
            value={storeId}
            onChange={(event) => setStoreId(event.target.value)}
          >
            <option value="">{t('admin.staff.allStores')}</option>
            {stores.map((store) => (
              <option key={store.id} value={store.id}>
                {store.name}
              </option>
            ))}
          </SelectField>
        </div>
        <fieldset className="plain-fieldset">
          <legend>{t('admin.apiKeys.scopes')}</legend>
          <p className="field-hint">{t('admin.apiKeys.scopesHint')}</p>
          <div className="admin-scopes">
            {API_SCOPES.map((scope) => (
              <CheckboxField
                key={scope}
                label={scope}
                checked={scopes.includes(scope)}
                onChange={(checked) =>
                  setScopes((current) =>
                    checked ? [...current, scope] : current.filter((existing) => existing !== scope),
                  )
                }
              />
            ))}
          </div>
          {problems.scopes ? <p className="field-error">{problems.scopes}</p> : null}
        </fieldset>
        <FormFooter
          error={write.error}
          isBusy={write.isBusy}
          submitLabel={t('admin.apiKeys.create')}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}

/** The key itself, the one time the API gives it, with a copy button. */
function KeyReveal({ name, secret, onDone }: { name: string; secret: string; onDone(): void }) {
  const { t } = useI18n();
  return (
    <SecretReveal
      id="api-key-secret"
      words={API_KEY_WORDS}
      title={t('admin.apiKeys.createdTitle', { name })}
      secret={secret}
      onDone={onDone}
    />
  );
}

const API_KEY_WORDS: SecretRevealWords = {
  once: 'admin.apiKeys.once',
  label: 'admin.apiKeys.secret',
  copy: 'admin.apiKeys.copy',
  copied: 'admin.apiKeys.copied',
  copyFailed: 'admin.apiKeys.copyFailed',
  done: 'admin.apiKeys.done',
};
