import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { MemberReferral, RefereeReward, ReferralFriend, ReferralReward } from '@regulars/contracts';
import { formatDate, formatMoney, formatPoints } from '../../shared/format.js';
import { qrMatrix, qrPath } from '../../shared/qr-matrix.js';
import { Notice } from '../../shared/ui/notice.js';
import { cardClient } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { deviceId } from './device-id.js';
import { inviteTexts } from './invite-messages.js';

const QUIET_ZONE = 4;
type Texts = ReturnType<typeof inviteTexts>;

/**
 * "Invite friends": the member's code, a share button (the Web Share API, or copying the link where the
 * browser has none), the link's QR for a friend standing by, and each friend's status with its dates.
 */
export function InviteScreen({
  memberId,
  programName,
  onBack,
}: {
  memberId: string;
  programName: string;
  onBack(): void;
}) {
  const { language } = useI18n();
  const t = useMemo(() => inviteTexts(language), [language]);
  const [referral, setReferral] = useState<MemberReferral | null>(null);
  const [failed, setFailed] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    setFailed(false);
    try {
      setReferral(
        await cardClient.GET('/api/v1/members/{id}/referral', { params: { path: { id: memberId } } }),
      );
      // The device this card runs on: a friend joining on it is shown to a manager.
      await cardClient.POST('/api/v1/members/{id}/referral/devices', {
        params: { path: { id: memberId } },
        body: { deviceId: deviceId() },
      });
    } catch {
      setFailed(true);
    }
  }, [memberId]);
  useEffect(() => {
    heading.current?.focus();
    void load();
  }, [load]);

  return (
    <section className="panel invite" aria-labelledby="invite-title" data-testid="invite-screen">
      <button type="button" className="link" onClick={onBack}>
        {t('invite.back')}
      </button>
      <h2 id="invite-title" ref={heading} tabIndex={-1}>
        {t('invite.title')}
      </h2>
      {failed ? (
        <Notice tone="error">
          {t('invite.error')}{' '}
          <button type="button" className="link" onClick={() => void load()}>
            {t('invite.retry')}
          </button>
        </Notice>
      ) : null}
      {!referral && !failed ? <p>{t('invite.loading')}</p> : null}
      {referral ? (
        <InviteBody referral={referral} programName={programName} t={t} language={language} />
      ) : null}
    </section>
  );
}

function InviteBody({
  referral,
  programName,
  t,
  language,
}: {
  referral: MemberReferral;
  programName: string;
  t: Texts;
  language: string;
}) {
  const [copied, setCopied] = useState(false);
  const modules = useMemo(() => qrMatrix(referral.shareUrl), [referral.shareUrl]);
  const rewardText = (reward: ReferralReward | RefereeReward) =>
    reward.kind === 'points'
      ? t('invite.points', { points: formatPoints(reward.points, language) })
      : reward.kind === 'coupon'
        ? t('invite.coupon')
        : t('invite.giftCertificate', {
            amount: formatMoney(reward.valueMinor, referral.currency, language),
          });

  const share = async () => {
    const text = t('invite.shareText', { program: programName, code: referral.code });
    if (typeof navigator.share === 'function') {
      try {
        await navigator.share({ title: programName, text, url: referral.shareUrl });
        return;
      } catch (error) {
        // The person closed the share sheet: nothing to do.
        if (error instanceof DOMException && error.name === 'AbortError') return;
      }
    }
    await navigator.clipboard.writeText(`${text} ${referral.shareUrl}`);
    setCopied(true);
  };

  return (
    <>
      <p>{t('invite.intro')}</p>
      {!referral.isActive ? <Notice tone="info">{t('invite.inactive')}</Notice> : null}
      {referral.offer ? (
        <ul className="plain-list" data-testid="invite-offer">
          <li>{t('invite.youGet', { reward: rewardText(referral.offer.referrerReward) })}</li>
          {referral.offer.refereeReward ? (
            <li>{t('invite.friendGets', { reward: rewardText(referral.offer.refereeReward) })}</li>
          ) : null}
          {referral.offer.minimumPurchaseMinor > 0 ? (
            <li>
              {t('invite.minimum', {
                amount: formatMoney(referral.offer.minimumPurchaseMinor, referral.currency, language),
              })}
            </li>
          ) : null}
        </ul>
      ) : null}
      <p>
        {t('invite.yourCode')}:{' '}
        <strong className="invite-code" data-testid="invite-code">
          {referral.code}
        </strong>
      </p>
      <svg
        className="card-qr-code"
        role="img"
        aria-label={t('invite.qrLabel')}
        viewBox={`0 0 ${modules.size + QUIET_ZONE * 2} ${modules.size + QUIET_ZONE * 2}`}
        shapeRendering="crispEdges"
        data-link={referral.shareUrl}
        data-testid="invite-qr"
      >
        <rect width="100%" height="100%" fill="#fff" />
        <path d={qrPath(modules, QUIET_ZONE)} fill="#000" />
      </svg>
      <button type="button" className="big wide" onClick={() => void share()}>
        {typeof navigator.share === 'function' ? t('invite.share') : t('invite.copy')}
      </button>
      {copied ? (
        <p role="status" data-testid="invite-copied">
          {t('invite.copied')}
        </p>
      ) : null}
      {referral.referredBy ? (
        <p>{t('invite.referredBy', { name: referral.referredBy.referrerName })}</p>
      ) : null}
      <h3>{t('invite.friends')}</h3>
      {referral.friends.length === 0 ? (
        <p>{t('invite.noFriends')}</p>
      ) : (
        <ul className="plain-list" data-testid="invite-friends">
          {referral.friends.map((friend, index) => (
            <li key={index} data-testid="invite-friend">
              <strong>{friend.name}</strong> — {friendStatus(friend, t, language)}
              {friend.isUnderReview ? ` (${t('invite.underReview')})` : ''}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function friendStatus(friend: ReferralFriend, t: Texts, language: string): string {
  switch (friend.status) {
    case 'attributed':
      return t('invite.status.attributed', { date: formatDate(friend.joinedAt, language) });
    case 'qualified':
      return t('invite.status.qualified', {
        date: friend.firstPurchaseAt ? formatDate(friend.firstPurchaseAt, language) : '',
        due: friend.rewardDueAt ? formatDate(friend.rewardDueAt, language) : '',
      });
    case 'rewarded':
      return t('invite.status.rewarded', {
        date: friend.rewardedAt ? formatDate(friend.rewardedAt, language) : '',
      });
    default:
      return t(`invite.status.${friend.status}`);
  }
}
