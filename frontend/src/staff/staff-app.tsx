import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import type { ProgramSettings, StaffLoginResponse, StaffSummary, Store } from '@regulars/contracts';
import { ApiError } from '../shared/api/errors.js';
import { Loading } from '../shared/ui/spinner.js';
import { LanguageSwitch } from '../shared/ui/language-switch.js';
import { LoginScreen } from './login/login-screen.js';
import { matchPath, navigate, usePath } from './router.js';
import {
  DESK_ROLES,
  MANAGER_ROLES,
  MARKETER_ROLES,
  REFERRAL_ROLES,
  SessionContext,
  hasRole,
  type StaffSession,
} from './session.js';
import { staffApi, staffClient } from './staff-api.js';
import { useI18n } from './staff-i18n.js';
import type { StaffMessageKey } from './staff-messages.js';
import { ErrorNotice } from './ui/error-notice.js';
import { QueuesButton } from './admin/queues-button.js';
import { DeskScreen } from './desk/desk-screen.js';
import { DeskStoreSwitch } from './desk/store-switch.js';
import { SandboxBanner } from '../shared/sandbox/sandbox-banner.js';
import { useServerClock } from '../shared/sandbox/server-clock.js';

// The designer pulls in the rule language (zod); cashiers never download it.
const RulesScreen = lazy(() => import('./rules/rules-screen.js').then((m) => ({ default: m.RulesScreen })));
const RuleEditorScreen = lazy(() =>
  import('./rules/rule-editor-screen.js').then((m) => ({ default: m.RuleEditorScreen })),
);
const MembersScreen = lazy(() =>
  import('./members/members-screen.js').then((m) => ({ default: m.MembersScreen })),
);
const SandboxScreen = lazy(() =>
  import('./sandbox/sandbox-screen.js').then((m) => ({ default: m.SandboxScreen })),
);
const WebhooksScreen = lazy(() =>
  import('./webhooks/webhooks-screen.js').then((m) => ({ default: m.WebhooksScreen })),
);
const WebhookDetailScreen = lazy(() =>
  import('./webhooks/webhook-detail-screen.js').then((m) => ({ default: m.WebhookDetailScreen })),
);
const StampCardsScreen = lazy(() =>
  import('./stamps/stamp-cards-screen.js').then((m) => ({ default: m.StampCardsScreen })),
);
const TierLadderScreen = lazy(() =>
  import('./tiers/tier-ladder-screen.js').then((m) => ({ default: m.TierLadderScreen })),
);
const CouponsScreen = lazy(() =>
  import('./coupons/coupons-screen.js').then((m) => ({ default: m.CouponsScreen })),
);
const GiftCertificatesScreen = lazy(() =>
  import('./gift-certificates/gift-certificates-screen.js').then((m) => ({
    default: m.GiftCertificatesScreen,
  })),
);
const GiftCertificateDetailScreen = lazy(() =>
  import('./gift-certificates/gift-certificate-detail-screen.js').then((m) => ({
    default: m.GiftCertificateDetailScreen,
  })),
);
const AdminScreen = lazy(() => import('./admin/admin-screen.js').then((m) => ({ default: m.AdminScreen })));
const ReportsScreen = lazy(() =>
  import('./reports/reports-screen.js').then((m) => ({ default: m.ReportsScreen })),
);
const ReferralsScreen = lazy(() =>
  import('./referrals/referrals-screen.js').then((m) => ({ default: m.ReferralsScreen })),
);
const MemberDetailScreen = lazy(() =>
  import('./members/member-detail-screen.js').then((m) => ({ default: m.MemberDetailScreen })),
);

type NavItem = {
  path: string;
  label: StaffMessageKey;
  isAllowed(session: StaffSession, context: { isSandbox: boolean }): boolean;
};
const NAV: NavItem[] = [
  { path: '/desk', label: 'nav.desk', isAllowed: (s) => hasRole(s, DESK_ROLES) },
  { path: '/members', label: 'nav.members', isAllowed: () => true },
  { path: '/rules', label: 'nav.rules', isAllowed: (s) => s.staff.role !== 'cashier' },
  { path: '/tiers', label: 'nav.tiers', isAllowed: (s) => hasRole(s, MARKETER_ROLES) },
  { path: '/stamp-cards', label: 'nav.stampCards', isAllowed: (s) => hasRole(s, MARKETER_ROLES) },
  { path: '/coupons', label: 'nav.coupons', isAllowed: (s) => hasRole(s, MARKETER_ROLES) },
  { path: '/gift-certificates', label: 'nav.giftCertificates', isAllowed: () => true },
  { path: '/referrals', label: 'nav.referrals', isAllowed: (s) => hasRole(s, REFERRAL_ROLES) },
  { path: '/reports', label: 'nav.reports', isAllowed: (s) => hasRole(s, MANAGER_ROLES) },
  { path: '/admin', label: 'nav.admin', isAllowed: (s) => s.staff.role === 'admin' },
  // The admin's time control exists only where the clock can move.
  { path: '/webhooks', label: 'nav.webhooks', isAllowed: (s) => s.staff.role === 'admin' },
  { path: '/sandbox', label: 'nav.sandbox', isAllowed: (s, c) => c.isSandbox && s.staff.role === 'admin' },
];

function homePath(staff: StaffSummary): string {
  return MARKETER_ROLES.includes(staff.role) && staff.role !== 'admin' ? '/rules' : '/desk';
}

type Loaded = { staff: StaffSummary; program: ProgramSettings; stores: Store[] };

/** Sign-in, then the portal; a sandbox deployment says so on every screen. */
export function StaffApp() {
  const { language } = useI18n();
  return (
    <>
      <SandboxBanner language={language} />
      <StaffScreens />
    </>
  );
}

/** Sign-in, then the portal: navigation by role and one screen per path. */
function StaffScreens() {
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [isLoading, setLoading] = useState(() => staffClient.isSignedIn());
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const [me, program, stores] = await Promise.all([staffApi.me(), staffApi.program(), staffApi.stores()]);
      setLoaded({ staff: me.staff, program, stores: stores.items.filter((store) => store.isActive) });
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) {
        staffClient.tokens.write(null);
        setLoaded(null);
      } else setError(caught);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (staffClient.isSignedIn()) void load();
  }, [load]);

  const signOut = useCallback(() => {
    void staffClient.signOut();
    setLoaded(null);
    navigate('/', { replace: true });
  }, []);

  const session = useMemo<StaffSession | null>(
    () => (loaded ? { ...loaded, signOut } : null),
    [loaded, signOut],
  );

  if (isLoading) return <Loading label={t('common.loading')} />;
  if (error)
    return (
      <main className="page" id="main">
        <ErrorNotice error={error} onRetry={() => void load()} />
      </main>
    );
  if (!session)
    return (
      <LoginScreen
        onSignedIn={(response: StaffLoginResponse) => {
          staffClient.startSession(response);
          navigate(homePath(response.staff), { replace: true });
          void load();
        }}
      />
    );
  return (
    <SessionContext.Provider value={session}>
      <Portal session={session} />
    </SessionContext.Provider>
  );
}

function Portal({ session }: { session: StaffSession }) {
  const { t, language, setLanguage } = useI18n();
  const path = usePath();
  const { isSandbox } = useServerClock();
  const allowed = NAV.filter((item) => item.isAllowed(session, { isSandbox }));
  useEffect(() => {
    if (path === '/' || path === '') navigate(homePath(session.staff), { replace: true });
  }, [path, session.staff]);

  return (
    <div className="portal">
      <a className="skip-link" href="#main">
        {t('common.skipToContent')}
      </a>
      <header className="portal-header">
        <span className="portal-brand">{session.program.name}</span>
        <nav aria-label={t('nav.label')}>
          <ul className="portal-nav">
            {allowed.map((item) => (
              <li key={item.path}>
                <a
                  href={`/staff${item.path}`}
                  aria-current={path.startsWith(item.path) ? 'page' : undefined}
                  onClick={(event) => {
                    event.preventDefault();
                    navigate(item.path);
                  }}
                >
                  {t(item.label)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="portal-user">
          {hasRole(session, DESK_ROLES) ? <DeskStoreSwitch /> : null}
          <span>
            {session.staff.name} · {t(`role.${session.staff.role}` as StaffMessageKey)}
          </span>
          {session.staff.role === 'admin' ? <QueuesButton /> : null}
          <LanguageSwitch language={language} onChange={setLanguage} label={t('common.language')} />
          <button type="button" className="secondary" onClick={session.signOut}>
            {t('nav.signOut')}
          </button>
        </div>
      </header>
      <Suspense fallback={<Loading label={t('common.loading')} />}>
        <Route path={path} session={session} />
      </Suspense>
    </div>
  );
}

function Route({ path, session }: { path: string; session: StaffSession }) {
  const { t } = useI18n();
  if (path.startsWith('/desk') && hasRole(session, DESK_ROLES)) return <DeskScreen />;
  if (path === '/members') return <MembersScreen />;
  const member = matchPath('/members/:id', path);
  if (member?.id) return <MemberDetailScreen memberId={member.id} />;
  if (path === '/sandbox' && session.staff.role === 'admin') return <SandboxScreen />;
  if (session.staff.role === 'admin') {
    if (path === '/admin' || path.startsWith('/admin/')) return <AdminScreen path={path} />;
    if (path === '/webhooks') return <WebhooksScreen />;
    const webhook = matchPath('/webhooks/:id', path);
    if (webhook?.id) return <WebhookDetailScreen webhookId={webhook.id} />;
  }
  if (path === '/stamp-cards' && hasRole(session, MARKETER_ROLES)) return <StampCardsScreen />;
  if (path === '/tiers' && hasRole(session, MARKETER_ROLES)) return <TierLadderScreen />;
  if (path === '/coupons' && hasRole(session, MARKETER_ROLES)) return <CouponsScreen />;
  if (path === '/reports' && hasRole(session, MANAGER_ROLES)) return <ReportsScreen />;
  if (path === '/referrals' && hasRole(session, REFERRAL_ROLES)) return <ReferralsScreen />;
  if (path === '/gift-certificates') return <GiftCertificatesScreen />;
  const certificate = matchPath('/gift-certificates/:id', path);
  if (certificate?.id) return <GiftCertificateDetailScreen certificateId={certificate.id} />;
  if (session.staff.role !== 'cashier') {
    if (path === '/rules') return <RulesScreen />;
    const rule = matchPath('/rules/:id', path);
    if (rule?.id) return <RuleEditorScreen ruleId={rule.id} />;
  }
  if (path === '/' || path === '') return null;
  return (
    <main className="page" id="main">
      <h1>{t('common.notFound')}</h1>
    </main>
  );
}
