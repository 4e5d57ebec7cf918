import { navigate } from '../router.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ApiKeysScreen } from './api-keys-screen.js';
import { AuditScreen } from './audit-screen.js';
import { LedgerVerifyScreen } from './ledger-verify-screen.js';
import { RewardsScreen } from './rewards-screen.js';
import { ProgramSettingsScreen } from './program-settings-screen.js';
import { QueuesButton } from './queues-button.js';
import { StaffAccountsScreen } from './staff-accounts-screen.js';
import { StoresScreen } from './stores-screen.js';
import './admin.css';

const SECTIONS: { path: string; label: StaffMessageKey }[] = [
  { path: '/admin/program', label: 'admin.nav.program' },
  { path: '/admin/stores', label: 'admin.nav.stores' },
  { path: '/admin/staff', label: 'admin.nav.staff' },
  { path: '/admin/api-keys', label: 'admin.nav.apiKeys' },
  { path: '/admin/rewards', label: 'admin.nav.rewards' },
  { path: '/admin/audit', label: 'admin.nav.audit' },
  { path: '/admin/ledger', label: 'admin.nav.ledger' },
];

function AdminLink({ path, label, isCurrent }: { path: string; label: string; isCurrent: boolean }) {
  return (
    <a
      href={`/staff${path}`}
      aria-current={isCurrent ? 'page' : undefined}
      onClick={(event) => {
        event.preventDefault();
        navigate(path);
      }}
    >
      {label}
    </a>
  );
}

/** The admin area: its own section list (and the webhooks and job queues beside it), one screen a path. */
export function AdminScreen({ path }: { path: string }) {
  const { t } = useI18n();
  const section = path === '/admin' || path === '/admin/' ? '/admin/program' : path;
  return (
    <div className="admin-area">
      <nav aria-label={t('admin.nav.label')} className="admin-nav">
        <ul>
          {SECTIONS.map((item) => (
            <li key={item.path}>
              <AdminLink path={item.path} label={t(item.label)} isCurrent={section === item.path} />
            </li>
          ))}
          <li>
            <AdminLink path="/webhooks" label={t('nav.webhooks')} isCurrent={false} />
          </li>
          <li>
            <QueuesButton className="link-button" />
          </li>
        </ul>
      </nav>
      <AdminSection path={section} />
    </div>
  );
}

function AdminSection({ path }: { path: string }) {
  const { t } = useI18n();
  switch (path) {
    case '/admin/program':
      return <ProgramSettingsScreen />;
    case '/admin/stores':
      return <StoresScreen />;
    case '/admin/staff':
      return <StaffAccountsScreen />;
    case '/admin/api-keys':
      return <ApiKeysScreen />;
    case '/admin/rewards':
      return <RewardsScreen />;
    case '/admin/audit':
      return <AuditScreen />;
    case '/admin/ledger':
      return <LedgerVerifyScreen />;
    default:
      return (
        <main className="page" id="main">
          <h1>{t('common.notFound')}</h1>
        </main>
      );
  }
}
