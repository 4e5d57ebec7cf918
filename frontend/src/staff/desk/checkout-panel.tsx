import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Checkout, CheckoutOffer, CheckoutReceipt } from '@regulars/contracts';
import { formatDate, formatMoney, formatPoints } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { certificateEnding } from './identify-code.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { CameraScanner } from './camera-scanner.js';
import { findDuplicateSale, type RecordedSale } from './duplicate-sale.js';
import { SellGiftCertificate, itemsOf } from './sell-gift-certificate.js';

/**
 * An open sale at the till: the basket priced with what is applied, the offers (tap to apply, or why
 * not), pay with points, and "Complete sale" (Enter). Applying holds the points at once on the server;
 * removing an instrument, changing the basket or cancelling gives them back.
 */
export function CheckoutPanel({
  checkout,
  memberName,
  recentSales,
  onChange,
  onChangeBasket,
  onCompleted,
  onCancelled,
}: {
  checkout: Checkout;
  memberName: string;
  /** The sales this desk completed lately, to ask before the same one is recorded twice. */
  recentSales: readonly RecordedSale[];
  onChange(checkout: Checkout): void;
  onChangeBasket(): void;
  onCompleted(receipt: CheckoutReceipt, checkout: Checkout): void;
  onCancelled(): void;
}) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const money = (minor: number) => formatMoney(minor, checkout.currency, language);
  const points = (n: number) => formatPoints(n, language);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [pointsText, setPointsText] = useState('');
  const [pointsInvalid, setPointsInvalid] = useState(false);
  const [codeText, setCodeText] = useState('');
  const [codeInvalid, setCodeInvalid] = useState(false);
  const [isScanning, setScanning] = useState(false);
  const [repeat, setRepeat] = useState<{ previous: RecordedSale; at: number } | null>(null);
  const completion = useSubmission<CheckoutReceipt>();
  const completeRef = useRef<HTMLButtonElement>(null);
  const pointsOffer = checkout.offers.find((o) => o.type === 'points');
  const rewardOffers = checkout.offers.filter((o) => o.type !== 'points');
  const memberId = checkout.member?.id ?? null;

  useEffect(() => completeRef.current?.focus(), [checkout.id]);

  const change = async (key: string, run: () => Promise<Checkout>) => {
    if (busy) return;
    setBusy(key);
    setFailure(null);
    try {
      onChange(await run());
    } catch (error) {
      setFailure(error);
    } finally {
      setBusy(null);
    }
  };

  const applyOffer = (offer: CheckoutOffer) =>
    change(offerKey(offer), () =>
      staffApi.applyToCheckout(
        checkout.id,
        offer.type === 'stampReward'
          ? { type: 'stampReward', stampRewardId: offer.stampRewardId ?? '' }
          : offer.type === 'coupon'
            ? { type: 'coupon', couponId: offer.couponId ?? '' }
            : offer.type === 'giftCertificate'
              ? { type: 'giftCertificate', giftCertificateId: offer.giftCertificate?.id ?? '' }
              : { type: 'reward', rewardId: offer.rewardId ?? '' },
      ),
    );

  const applyCode = (code: string) => {
    const trimmed = code.trim();
    if (!trimmed) {
      setCodeInvalid(true);
      return;
    }
    setCodeInvalid(false);
    void change('code', async () => {
      const next = await staffApi.applyToCheckout(checkout.id, { type: 'code', code: trimmed });
      setCodeText('');
      return next;
    });
  };

  const payWithPoints = (event: FormEvent) => {
    event.preventDefault();
    const wanted = Number(pointsText.trim());
    const max = pointsOffer?.points ?? 0;
    if (!Number.isInteger(wanted) || wanted < 1 || wanted > max) {
      setPointsInvalid(true);
      return;
    }
    setPointsInvalid(false);
    void change('points', async () => {
      const next = await staffApi.applyToCheckout(checkout.id, { type: 'points', points: wanted });
      setPointsText('');
      return next;
    });
  };

  const complete = async (isConfirmed = false) => {
    if (completion.isLocked || busy) return;
    const now = Date.now();
    const previous =
      !isConfirmed && memberId
        ? findDuplicateSale(
            recentSales,
            { memberId, totalMinor: checkout.totals.toPayMinor, currency: checkout.currency },
            now,
          )
        : null;
    if (previous) {
      setRepeat({ previous, at: now });
      return;
    }
    setRepeat(null);
    const receipt = await completion.submit((idempotencyKey) =>
      staffApi.completeCheckout(checkout.id, { idempotencyKey }),
    );
    if (receipt) onCompleted(receipt, checkout);
  };

  const cancel = () =>
    change('cancel', async () => {
      const cancelled = await staffApi.cancelCheckout(checkout.id);
      onCancelled();
      return cancelled;
    });

  return (
    <section className="panel checkout" aria-labelledby="checkout-title" data-testid="checkout-panel">
      <h2 id="checkout-title">{t('desk.checkout.title')}</h2>
      <table className="lines-table checkout-lines">
        <tbody>
          {checkout.lines.map((line, index) => (
            <tr key={index}>
              <td>
                {t('desk.checkout.line', {
                  quantity: line.quantity,
                  name:
                    line.kind === 'giftCertificate'
                      ? t('desk.sellCertificate.line', { value: money(line.unitPriceMinor) })
                      : (line.name ?? line.sku),
                })}
              </td>
              <td className="amount">{money(line.grossMinor)}</td>
            </tr>
          ))}
          {checkout.applied.map((instrument) => (
            <tr key={instrument.id} className="applied-line" data-testid="applied-line">
              <td>
                {instrument.kind === 'points_payment'
                  ? t('desk.receipt.pointsPaid', { points: points(instrument.points) })
                  : instrument.kind === 'stored_value'
                    ? `${t('desk.code.giftCertificate')} ${certificateEnding(instrument.label)}`
                    : instrument.type === 'tierDiscount'
                      ? t('desk.checkout.tierDiscount', { label: instrument.label })
                      : instrument.label}{' '}
                <button
                  type="button"
                  className="link"
                  disabled={busy !== null || completion.isLocked}
                  onClick={() =>
                    void change(`remove-${instrument.id}`, () =>
                      staffApi.removeFromCheckout(checkout.id, instrument.id),
                    )
                  }
                >
                  {t('desk.checkout.remove')}
                </button>
              </td>
              <td className="amount">−{money(instrument.amountMinor)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">{t('desk.checkout.toPay')}</th>
            <td className="amount total" data-testid="checkout-to-pay">
              {money(checkout.totals.toPayMinor)}
            </td>
          </tr>
        </tfoot>
      </table>
      {checkout.dropped.map((dropped) => (
        <Notice key={dropped.id} tone="warning">
          {t('desk.checkout.dropped', {
            label: dropped.label,
            why:
              dropped.reason === 'NO_MATCHING_ITEM'
                ? t('desk.checkout.droppedNoItem')
                : dropped.reason === 'MIN_BASKET_NOT_MET'
                  ? t('desk.checkout.droppedMinBasket')
                  : dropped.reason === 'NOT_APPLICABLE_TO_ITEMS'
                    ? t('desk.checkout.droppedNotForItems')
                    : dropped.reason === 'GIFT_CERTIFICATE_NOT_PAYABLE'
                      ? t('error.giftCertificateNotPayable')
                      : t('desk.checkout.droppedTotal'),
          })}
        </Notice>
      ))}
      {checkout.member ? (
        <p className="field-hint" data-testid="earn-preview">
          {t('desk.checkout.earnPreview', { points: points(checkout.earnPreview.points) })}
        </p>
      ) : null}

      {checkout.member ? (
        <div className="offers" aria-labelledby="offers-title">
          <h3 id="offers-title">{t('desk.checkout.offers')}</h3>
          {rewardOffers.length === 0 ? <p className="field-hint">{t('desk.checkout.noOffers')}</p> : null}
          <ul className="plain-list offer-list">
            {rewardOffers.map((offer) => {
              const key = offerKey(offer);
              return (
                <li key={key} className="offer">
                  <button
                    type="button"
                    className="secondary offer-button"
                    disabled={!offer.isApplicable || busy !== null || completion.isLocked}
                    onClick={() => void applyOffer(offer)}
                    aria-describedby={`${key}-why`}
                  >
                    {busy === key ? t('desk.checkout.applying') : offerLabel(offer, t, money)}
                  </button>
                  <span className="field-hint" id={`${key}-why`}>
                    {offerNote(
                      offer,
                      t,
                      points,
                      money,
                      language,
                      checkout.totals.subtotalMinor - checkout.totals.discountMinor,
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
          {pointsOffer && pointsOffer.points > 0 ? (
            <form className="row points-form" onSubmit={payWithPoints} noValidate>
              <div className="field">
                <label htmlFor="checkout-points">
                  {t('desk.checkout.pointsLabel', {
                    points: points(pointsOffer.points),
                    value: formatMoney(program.pointValueMinor, checkout.currency, language),
                  })}
                </label>
                <input
                  id="checkout-points"
                  inputMode="numeric"
                  autoComplete="off"
                  value={pointsText}
                  onChange={(event) => setPointsText(event.target.value)}
                  aria-invalid={pointsInvalid || undefined}
                />
                {pointsInvalid ? (
                  <p className="field-error" role="alert">
                    {t('desk.checkout.pointsInvalid', { points: points(pointsOffer.points) })}
                  </p>
                ) : null}
              </div>
              <button type="submit" className="secondary" disabled={busy !== null || completion.isLocked}>
                {busy === 'points' ? t('desk.checkout.applying') : t('desk.checkout.pointsApply')}
              </button>
            </form>
          ) : null}
        </div>
      ) : null}

      <form
        className="row code-form"
        onSubmit={(event) => {
          event.preventDefault();
          applyCode(codeText);
        }}
        noValidate
      >
        <div className="field">
          <label htmlFor="checkout-code">{t('desk.code.label')}</label>
          <input
            id="checkout-code"
            autoComplete="off"
            autoCapitalize="characters"
            spellCheck={false}
            value={codeText}
            onChange={(event) => setCodeText(event.target.value)}
            aria-invalid={codeInvalid || undefined}
            aria-describedby="checkout-code-hint"
          />
          <p className="field-hint" id="checkout-code-hint">
            {t('desk.code.hint')}
          </p>
          {codeInvalid ? (
            <p className="field-error" role="alert">
              {t('desk.code.empty')}
            </p>
          ) : null}
        </div>
        <button type="submit" className="secondary" disabled={busy !== null || completion.isLocked}>
          {busy === 'code' ? t('desk.checkout.applying') : t('desk.code.apply')}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null || completion.isLocked}
          onClick={() => setScanning(true)}
        >
          {t('desk.code.scan')}
        </button>
      </form>
      <SellGiftCertificate
        currency={checkout.currency}
        isDisabled={busy !== null || completion.isLocked}
        onAdd={async (item) => {
          const next = await staffApi.replaceCheckoutItems(checkout.id, [...itemsOf(checkout), item]);
          onChange(next);
          return next;
        }}
      />
      {isScanning ? (
        <CameraScanner
          onCode={(code) => {
            setScanning(false);
            applyCode(code);
          }}
          onClose={() => setScanning(false)}
        />
      ) : null}

      {failure ? <ErrorNotice error={failure} context={{ money }} /> : null}
      {completion.state.status === 'failed' ? <ErrorNotice error={completion.state.error} /> : null}
      {completion.state.status === 'connectionLost' ? (
        <Notice
          tone="warning"
          action={
            <button type="button" onClick={() => void complete(true)}>
              {t('desk.retrySafely')}
            </button>
          }
        >
          {t('desk.checkout.connectionLost')}
        </Notice>
      ) : null}
      <div className="checkout-actions">
        <button
          ref={completeRef}
          type="button"
          className="big wide"
          data-testid="complete-sale"
          disabled={busy !== null || completion.isLocked}
          onClick={() => void complete()}
        >
          {completion.state.status === 'submitting'
            ? t('desk.checkout.completing')
            : `${t('desk.checkout.complete')} · ${money(checkout.totals.toPayMinor)}`}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null || completion.isLocked}
          onClick={onChangeBasket}
        >
          {t('desk.checkout.changeBasket')}
        </button>
        <button
          type="button"
          className="link"
          disabled={busy !== null || completion.isLocked}
          onClick={() => void cancel()}
        >
          {t('desk.checkout.cancelSale')}
        </button>
      </div>
      {repeat ? (
        <ConfirmDialog
          title={t('desk.duplicate.title')}
          confirmLabel={t('desk.duplicate.confirm')}
          onConfirm={() => void complete(true)}
          onCancel={() => setRepeat(null)}
        >
          <p data-testid="duplicate-sale">
            {t('desk.duplicate.body', {
              total: formatMoney(repeat.previous.totalMinor, repeat.previous.currency, language),
              name: memberName,
              seconds: Math.max(1, Math.round((repeat.at - repeat.previous.at) / 1000)),
            })}
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

/** One offer's key (its busy state, its list key): the reward, stamp reward, coupon or certificate it stands for. */
function offerKey(offer: CheckoutOffer): string {
  return `offer-${offer.type}-${offer.couponId ?? offer.giftCertificate?.id ?? offer.stampRewardId ?? offer.rewardId ?? ''}`;
}

/** What the offer's button says: its name, or a wallet gift certificate by its last 4 characters and what is left. */
function offerLabel(offer: CheckoutOffer, t: StaffT, money: (minor: number) => string): string {
  if (offer.type !== 'giftCertificate' || !offer.giftCertificate) return offer.label;
  return t('desk.checkout.giftCertificateOffer', {
    last4: offer.giftCertificate.last4,
    amount: money(offer.giftCertificate.availableMinor),
  });
}

/** Why an offer applies (its cost, what it saves) or what it still needs, as the cashier reads it. */
function offerNote(
  offer: CheckoutOffer,
  t: StaffT,
  points: (n: number) => string,
  money: (minor: number) => string,
  language: string,
  basketMinor: number,
): string {
  const cost =
    offer.type === 'stampReward'
      ? t('desk.checkout.stampReward')
      : offer.type === 'coupon'
        ? t('desk.checkout.coupon')
        : offer.type === 'giftCertificate'
          ? t('desk.checkout.giftCertificate')
          : t('desk.checkout.cost', { points: points(offer.points) });
  switch (offer.reason) {
    case 'AFFORDABLE':
    case 'UNLOCKED':
    case 'IN_WALLET': {
      if (offer.type === 'giftCertificate') {
        const until = offer.expiresAt ? ` · ${formatDate(offer.expiresAt, language)}` : '';
        return `${cost} · ${t('desk.checkout.pays', { amount: money(offer.amountMinor) })}${until}`;
      }
      const saves = t('desk.checkout.saves', { amount: money(offer.amountMinor) });
      const until = offer.expiresAt ? ` · ${formatDate(offer.expiresAt, language)}` : '';
      return `${cost} · ${saves}${until}`;
    }
    case 'NEEDS_POINTS':
      return `${cost} · ${t('desk.checkout.needsPoints', { points: points(offer.missingPoints) })}`;
    case 'NEEDS_ITEM':
      return `${cost} · ${t('desk.checkout.needsItem', { sku: offer.sku ?? '' })}`;
    case 'OUT_OF_STOCK':
      return `${cost} · ${t('desk.checkout.outOfStock')}`;
    case 'LIMIT_REACHED':
      return `${cost} · ${t('desk.checkout.limitReached')}`;
    case 'NOTHING_TO_PAY':
      return `${cost} · ${t('desk.checkout.nothingToPay')}`;
    case 'MIN_BASKET_NOT_MET':
      return `${cost} · ${t('desk.checkout.minBasket', { min: money(offer.minBasketMinor ?? 0), basket: money(basketMinor) })}`;
    case 'NOT_APPLICABLE_TO_ITEMS':
      return `${cost} · ${t('desk.checkout.notForItems')}`;
    case 'NOT_STACKABLE':
      return `${cost} · ${t('desk.checkout.notStackable')}`;
  }
}
