import type { Coupon } from '@regulars/contracts';
import { formatDate } from '../../shared/format.js';
import { serverNow } from '../../shared/sandbox/server-clock.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import type { CardCoupons } from '../card-cache.js';
import { useI18n } from '../card-i18n.js';
import { useWalletTexts } from './use-wallet-texts.js';
import { useNow } from '../use-now.js';
import type { ShownCode } from './code-view.js';
import {
  couponConditions,
  couponExpiresSoon,
  couponGives,
  couponState,
  couponUsesLeft,
  couponValidity,
  type CouponState,
} from './coupon-words.js';

/**
 * The member's coupons: those still to use first (each opens its QR for the till), then the latest used,
 * expired or withdrawn ones. Shown from the phone's cache until the server answers.
 */
export function CouponList({
  coupons,
  isLoading,
  onShow,
}: {
  coupons: CardCoupons | null;
  /** No coupons seen yet and the server is being asked (else: offline since joining). */
  isLoading: boolean;
  onShow(shown: ShownCode): void;
}) {
  const { t, language } = useWalletTexts();
  const card = useI18n();
  // Re-read every minute, so that a coupon becomes usable (or expires) on screen when its time comes.
  useNow(60_000);
  const now = serverNow();

  const describe = (coupon: Coupon, state: CouponState) => {
    const usesLeft = couponUsesLeft(coupon, state, t);
    const expiresSoon = couponExpiresSoon(coupon, state, now, t);
    return (
      <>
        <p className="coupon-gives" data-testid="coupon-gives">
          {couponGives(coupon, t, language)}
        </p>
        {coupon.terms.description ? <p className="coupon-description">{coupon.terms.description}</p> : null}
        <ul className="plain-list coupon-facts">
          {couponConditions(coupon, t, language).map((line) => (
            <li key={line}>{line}</li>
          ))}
          <li className="coupon-validity" data-testid="coupon-validity">
            {couponValidity(coupon, state, t, language)}
          </li>
          {expiresSoon ? (
            <li className="coupon-expires-soon" data-testid="coupon-expires-soon">
              {expiresSoon}
            </li>
          ) : null}
          {usesLeft ? <li>{usesLeft}</li> : null}
        </ul>
      </>
    );
  };

  const renderCoupon = (coupon: Coupon) => {
    const state = couponState(coupon, now);
    const canShow = state === 'usable' || state === 'notYet';
    return (
      <li
        key={coupon.id}
        className={`coupon coupon-${state}`}
        data-testid="coupon"
        data-state={state}
        aria-label={coupon.label}
      >
        <h3 className="coupon-name">{coupon.label}</h3>
        {describe(coupon, state)}
        {canShow ? (
          <button
            type="button"
            className="wide"
            onClick={() =>
              onShow({
                name: coupon.label,
                payload: coupon.qrPayload,
                code: coupon.code,
                details: (
                  <>
                    {describe(coupon, state)}
                    {state === 'notYet' ? (
                      <p className="notice notice-info">
                        {t('code.notYet', { date: formatDate(coupon.validFrom, language) })}
                      </p>
                    ) : null}
                  </>
                ),
              })
            }
          >
            {t('coupons.show')}
          </button>
        ) : null}
      </li>
    );
  };

  const body = () => {
    if (!coupons) return <EmptyState>{t('coupons.notLoaded')}</EmptyState>;
    if (!coupons.usable.length && !coupons.past.length) return <EmptyState>{t('coupons.empty')}</EmptyState>;
    return (
      <>
        {coupons.usable.length ? (
          <ul className="plain-list coupon-list">{coupons.usable.map(renderCoupon)}</ul>
        ) : (
          <EmptyState>{t('coupons.noneUsable')}</EmptyState>
        )}
        {coupons.past.length ? (
          <>
            <h3 className="coupon-past-title">{t('coupons.pastTitle')}</h3>
            <ul className="plain-list coupon-list">{coupons.past.map(renderCoupon)}</ul>
          </>
        ) : null}
      </>
    );
  };

  return (
    <section className="panel coupons" aria-labelledby="coupons-title" data-testid="coupons">
      <h2 id="coupons-title">{t('coupons.title')}</h2>
      {!coupons && isLoading ? <Loading label={card.t('app.loading')} /> : body()}
    </section>
  );
}
