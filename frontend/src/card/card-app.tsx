import { useCallback, useState } from 'react';
import type { MemberSessionResponse } from '@regulars/contracts';
import { cardClient } from './card-api.js';
import { readCachedCard, writeCachedCard, type CachedCard } from './card-cache.js';
import { CardHome } from './home/card-home.js';
import { JoinFlow } from './join/join-flow.js';
import type { SignOutReason } from './use-card.js';
import { useI18n } from './card-i18n.js';
import { SandboxBanner } from '../shared/sandbox/sandbox-banner.js';

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

  const [signedOut, setSignedOut] = useState<SignOutReason | null>(null);
  const forget = useCallback((reason: SignOutReason = 'ended') => {
    cardClient.tokens.write(null);
    writeCachedCard(null);
    setCard(null);
    setSignedOut(reason);
  }, []);

  const onJoined = (session: MemberSessionResponse) => {
    setSignedOut(null);
    cardClient.startSession(session);
    const next: CachedCard = {
      memberId: session.member.id,
      name: session.member.name,
      phone: session.member.phone,
      cardNumber: session.member.cardNumber,
      cardSecret: null,
      member: null,
      wallet: null,
      coupons: null,
      program: null,
      savedAt: null,
    };
    writeCachedCard(next);
    setCard(next);
  };

  const logout = async () => {
    await cardClient.signOut();
    forget();
  };

  if (!card) return <JoinFlow onJoined={onJoined} isBlocked={signedOut === 'blocked'} />;
  return <CardHome initial={card} onSignedOut={forget} onLogout={() => void logout()} />;
}
