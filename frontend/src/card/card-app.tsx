import { lazy, Suspense, useCallback, useState } from 'react';
import type { MemberSessionResponse } from '@regulars/contracts';
import { cardClient } from './card-api.js';
import { newCachedCard, readCachedCard, writeCachedCard, type CachedCard } from './card-cache.js';
import { CardHome } from './home/card-home.js';
import type { SignOutReason } from './use-card.js';
import { useI18n } from './card-i18n.js';
import { SandboxBanner } from '../shared/sandbox/sandbox-banner.js';

// A member with a card on the phone never needs the join screens: they load only when shown (their own
// chunk, precached by the service worker), which keeps the card's first download within its budget.
const JoinFlow = lazy(() => import('./join/join-flow.js').then((m) => ({ default: m.JoinFlow })));

/** Join (or sign in) when there is no card on this phone; the card otherwise; a sandbox says so on both. */
export function CardApp() {
  const { language } = useI18n();
  return (
    <>
      <SandboxBanner language={language} />
      <CardScreens />
    </>
  );
}

function CardScreens() {
  const [card, setCard] = useState<CachedCard | null>(() =>
    cardClient.isSignedIn() ? readCachedCard() : null,
  );

  const [signedOut, setSignedOut] = useState<SignOutReason | 'deleted' | null>(null);
  const forget = useCallback((reason: SignOutReason | 'deleted' = 'ended') => {
    cardClient.tokens.write(null);
    writeCachedCard(null);
    setCard(null);
    setSignedOut(reason);
  }, []);

  const onJoined = (session: MemberSessionResponse) => {
    setSignedOut(null);
    cardClient.startSession(session);
    const next = newCachedCard(session.member);
    writeCachedCard(next);
    setCard(next);
  };

  const logout = async () => {
    await cardClient.signOut();
    forget();
  };

  if (!card)
    return (
      <Suspense fallback={null}>
        <JoinFlow onJoined={onJoined} signedOut={signedOut} />
      </Suspense>
    );
  return (
    <CardHome
      initial={card}
      onSignedOut={forget}
      onLogout={() => void logout()}
      onDeleted={() => forget('deleted')}
    />
  );
}
