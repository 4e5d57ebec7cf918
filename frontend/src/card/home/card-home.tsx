import { lazy, Suspense, useState } from 'react';
import { formatDateTime } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { useOnline } from '../../shared/use-online.js';
import type { CachedCard } from '../card-cache.js';
import { useI18n } from '../card-i18n.js';
import type { CardMessageKey } from '../card-messages.js';
import { useCard, type SignOutReason } from '../use-card.js';
import { BalanceSummary } from './balance-summary.js';
import { CardQr } from './card-qr.js';
import { HistoryList } from './history-list.js';
import { LoadError } from './load-error.js';
import { ProfilePanel } from './profile-panel.js';
import { RewardsList } from './rewards-list.js';
import { StampCards } from './stamp-cards.js';
import { WalletProgress } from './wallet-progress.js';
import { NetworkError } from '../../shared/api/errors.js';
import type { ShownCode } from '../wallet/code-view.js';
import { Loading } from '../../shared/ui/spinner.js';

const CouponList = lazy(() =>
  import('../wallet/wallet-sections.js').then((m) => ({ default: m.CouponList })),
);
const GiftCertificateList = lazy(() =>
  import('../wallet/wallet-sections.js').then((m) => ({ default: m.GiftCertificateList })),
);
// The tier badge is its own chunk: the card's first paint (the QR code) stays within its budget.
const TierBadge = lazy(() => import('../tier/tier-badge.js').then((m) => ({ default: m.TierBadge })));
const CodeView = lazy(() => import('../wallet/wallet-sections.js').then((m) => ({ default: m.CodeView })));
// "Invite friends" is its own chunk, loaded when opened (the card's first paint stays within its budget).
const InviteScreen = lazy(() =>
  import('../invite/invite-screen.js').then((m) => ({ default: m.InviteScreen })),
);

const InstallHint = lazy(() =>
  import('../install/install-hint.js').then((m) => ({ default: m.InstallHint })),
);

const SECTIONS = ['card', 'rewards', 'history', 'profile'] as const;
type Section = (typeof SECTIONS)[number];

/** The signed-in card: QR and balance first, then rewards, history and profile behind a bottom bar. */
export function CardHome({
  initial,
  onSignedOut,
  onLogout,
  onDeleted,
}: {
  initial: CachedCard;
  onSignedOut(reason: SignOutReason): void;
  onLogout(): void;
  /** The member deleted their account: forget the card on this phone. */
  onDeleted(): void;
}) {
  const { t, language } = useI18n();
  const isOnline = useOnline();
  const [section, setSection] = useState<Section>('card');
  // A coupon's (or gift certificate's) QR opened from the Card tab, in place of the tab's content.
  const [shown, setShown] = useState<ShownCode | null>(null);
  const [isInviting, setInviting] = useState(false);
  const { card, recent, error, refresh } = useCard(initial, onSignedOut);
  const isOffline = !isOnline || error instanceof NetworkError;
  const show = (next: ShownCode) => {
    setShown(next);
    window.scrollTo({ top: 0 });
  };
  const available = card.member?.balance.available ?? 0;

  return (
    <div className="card-shell">
      <header className="card-header">
        <p className="card-program">{card.program?.name ?? t('app.title')}</p>
        <p className="card-member-name">{card.name}</p>
      </header>
      {isOffline ? (
        <Notice tone="warning">
          {card.savedAt
            ? t('app.offline', { time: formatDateTime(card.savedAt, language) })
            : t('app.offlineNoData')}
        </Notice>
      ) : error ? (
        <LoadError error={error} onRetry={() => void refresh()} />
      ) : null}
      <main id="main" className="card-main" aria-labelledby={`section-${section}`}>
        <h1 id={`section-${section}`} className="visually-hidden">
          {t(`nav.${section}` as CardMessageKey)}
        </h1>
        {section === 'card' && shown ? (
          <Suspense fallback={<Loading label={t('app.loading')} />}>
            <CodeView shown={shown} onBack={() => setShown(null)} />
          </Suspense>
        ) : null}
        {section === 'card' && isInviting ? (
          <Suspense fallback={<Loading label={t('app.loading')} />}>
            <InviteScreen
              memberId={card.memberId}
              programName={card.program?.name ?? t('app.title')}
              onBack={() => setInviting(false)}
            />
          </Suspense>
        ) : null}
        {section === 'card' && !shown && !isInviting ? (
          <>
            <CardQr cardNumber={card.cardNumber} cardSecret={card.cardSecret} />
            <BalanceSummary member={card.member} savedAt={card.savedAt} />
            {isOffline ? null : (
              <Suspense fallback={null}>
                <TierBadge
                  memberId={card.memberId}
                  currency={card.program?.currency ?? 'EUR'}
                  refreshKey={card.savedAt}
                />
              </Suspense>
            )}
            <button type="button" className="wide" onClick={() => setInviting(true)}>
              {t('invite.open')}
            </button>
            <StampCards cards={card.wallet?.stampCards} />
            <WalletProgress wallet={card.wallet} />
            <Suspense fallback={null}>
              <InstallHint />
            </Suspense>
            <Suspense fallback={<Loading label={t('app.loading')} />}>
              <CouponList coupons={card.coupons} isLoading={!isOffline && !error} onShow={show} />
              <GiftCertificateList
                // A wallet saved by an older version has no gift certificates section.
                certificates={card.wallet?.giftCertificates ?? null}
                isLoading={!isOffline && !error}
                onShow={show}
                onClaimed={() => void refresh()}
              />
            </Suspense>
          </>
        ) : null}
        {section === 'rewards' ? <RewardsList available={available} /> : null}
        {section === 'history' ? (
          <HistoryList memberId={card.memberId} saved={recent} savedAt={card.savedAt} isOffline={isOffline} />
        ) : null}
        {section === 'profile' ? (
          <ProfilePanel
            member={card.member}
            phone={card.phone}
            cardNumber={card.cardNumber}
            isOffline={isOffline}
            onSaved={() => void refresh()}
            onLogout={onLogout}
            onDeleted={onDeleted}
          />
        ) : null}
      </main>
      <nav className="card-nav" aria-label={t('nav.label')}>
        {SECTIONS.map((name) => (
          <button
            key={name}
            type="button"
            className={`card-nav-item ${section === name ? 'is-current' : ''}`}
            aria-current={section === name ? 'page' : undefined}
            onClick={() => {
              setSection(name);
              setShown(null);
              setInviting(false);
            }}
          >
            {t(`nav.${name}` as CardMessageKey)}
          </button>
        ))}
      </nav>
    </div>
  );
}
