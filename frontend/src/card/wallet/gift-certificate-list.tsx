import { useState, type FormEvent } from 'react';
import type { WalletGiftCertificate } from '@regulars/contracts';
import { formatDate, formatMoney } from '../../shared/format.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { TextField } from '../../shared/ui/field.js';
import { Loading } from '../../shared/ui/spinner.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import type { ShownCode } from './code-view.js';
import { useWalletTexts } from './use-wallet-texts.js';
import { claimError } from './gift-certificate-words.js';

/**
 * The member's gift certificates (what is left on each, until when, its QR for the till) and "Add a gift
 * certificate": a bearer certificate claimed into the wallet by typing its code.
 */
export function GiftCertificateList({
  certificates,
  isLoading,
  onShow,
  onClaimed,
}: {
  certificates: readonly WalletGiftCertificate[] | null;
  /** None seen yet and the server is being asked (else: offline since joining). */
  isLoading: boolean;
  onShow(shown: ShownCode): void;
  /** A certificate was added: the card reads its wallet again. */
  onClaimed(): void;
}) {
  const { t, language } = useWalletTexts();
  const card = useI18n();
  const [code, setCode] = useState('');
  const [isClaiming, setClaiming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [added, setAdded] = useState<string | null>(null);

  const claim = async (event: FormEvent) => {
    event.preventDefault();
    setAdded(null);
    if (!code.trim()) {
      setFailure(t('giftCertificates.codeEmpty'));
      return;
    }
    setFailure(null);
    setClaiming(true);
    try {
      const claimed = await cardApi.claimGiftCertificate(code.trim());
      setCode('');
      setAdded(
        t('giftCertificates.claimed', {
          amount: formatMoney(claimed.availableMinor, claimed.currency, language),
        }),
      );
      onClaimed();
    } catch (caught) {
      setFailure(claimError(caught, t));
    } finally {
      setClaiming(false);
    }
  };

  const describe = (certificate: WalletGiftCertificate) => {
    const money = (minor: number) => formatMoney(minor, certificate.currency, language);
    const held = certificate.balanceMinor - certificate.availableMinor;
    return (
      <>
        <p className="coupon-gives" data-testid="gift-certificate-left">
          {t('giftCertificates.left', { amount: money(certificate.availableMinor) })}
        </p>
        <ul className="plain-list coupon-facts">
          <li className="coupon-validity" data-testid="gift-certificate-validity">
            {certificate.status === 'blocked'
              ? t('giftCertificates.blocked')
              : certificate.expiresAt
                ? t('giftCertificates.validUntil', { date: formatDate(certificate.expiresAt, language) })
                : t('giftCertificates.noExpiry')}
          </li>
          {held > 0 ? <li>{t('giftCertificates.held', { amount: money(held) })}</li> : null}
        </ul>
      </>
    );
  };

  const list = () => {
    if (!certificates) return <EmptyState>{t('coupons.notLoaded')}</EmptyState>;
    if (!certificates.length) return <EmptyState>{t('giftCertificates.empty')}</EmptyState>;
    return (
      <ul className="plain-list coupon-list">
        {certificates.map((certificate) => {
          const name = `${t('giftCertificates.name')} ···${certificate.last4}`;
          const isUsable = certificate.status === 'active';
          return (
            <li
              key={certificate.id}
              className={`coupon ${isUsable ? 'coupon-usable' : 'coupon-voided'}`}
              data-testid="gift-certificate"
              aria-label={name}
            >
              <h3 className="coupon-name">{name}</h3>
              {describe(certificate)}
              {isUsable ? (
                <button
                  type="button"
                  className="wide"
                  onClick={() =>
                    onShow({
                      name,
                      payload: certificate.qrPayload,
                      codeLabel: t('giftCertificates.endingIn'),
                      code: certificate.last4,
                      details: describe(certificate),
                    })
                  }
                >
                  {t('coupons.show')}
                </button>
              ) : null}
            </li>
          );
        })}
      </ul>
    );
  };

  return (
    <section
      className="panel coupons"
      aria-labelledby="gift-certificates-title"
      data-testid="gift-certificates"
    >
      <h2 id="gift-certificates-title">{t('giftCertificates.title')}</h2>
      {!certificates && isLoading ? <Loading label={card.t('app.loading')} /> : list()}
      <form className="gift-certificate-claim" onSubmit={(event) => void claim(event)} noValidate>
        <h3>{t('giftCertificates.add')}</h3>
        <TextField
          label={t('giftCertificates.codeLabel')}
          hint={t('giftCertificates.codeHint')}
          error={failure}
          value={code}
          onChange={(event) => setCode(event.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
        />
        <button type="submit" className="wide" disabled={isClaiming}>
          {isClaiming ? t('giftCertificates.claiming') : t('giftCertificates.claim')}
        </button>
      </form>
      {added ? <Notice tone="success">{added}</Notice> : null}
    </section>
  );
}
