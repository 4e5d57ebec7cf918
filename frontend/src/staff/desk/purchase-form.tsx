import { forwardRef, useState, type FormEvent } from 'react';
import type { Checkout, CheckoutItemInput } from '@regulars/contracts';
import { currencyDigits, formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { SellGiftCertificate } from './sell-gift-certificate.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { useSession } from '../session.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { useDeskStore } from './device-store.js';

type Line = {
  sku: string;
  category: string;
  quantity: string;
  unitPrice: string;
  /** A gift certificate line added by "Sell a gift certificate" keeps its kind when the basket changes. */
  kind?: 'giftCertificate';
};
const emptyLine: Line = { sku: '', category: '', quantity: '1', unitPrice: '' };

type Basket = { storeId: string; items: CheckoutItemInput[] };

/**
 * The basket of the sale: the total (Enter continues), the store, optionally the lines (then the total
 * is their sum). It opens the checkout (or replaces the basket of the open one), where rewards and
 * points apply before the sale is completed.
 */
export const PurchaseForm = forwardRef<
  HTMLInputElement,
  {
    /** null: a sale without a card. */
    memberId: string | null;
    existing: Checkout | null;
    onOpened(checkout: Checkout): void;
  }
>(function PurchaseForm({ memberId, existing, onOpened }, totalRef) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const { store } = useDeskStore();
  const currency = program.currency;
  const [total, setTotal] = useState(() =>
    existing && existing.lines.length === 1 && existing.lines[0]?.sku === 'SALE'
      ? String((existing.lines[0]?.unitPriceMinor ?? 0) / 10 ** currencyDigits(currency))
      : '',
  );
  const storeId = existing?.storeId ?? store?.id ?? '';
  const [lines, setLines] = useState<Line[]>(() =>
    existing && !(existing.lines.length === 1 && existing.lines[0]?.sku === 'SALE')
      ? existing.lines.map((line) => ({
          sku: line.sku,
          category: line.category ?? '',
          quantity: String(line.quantity),
          unitPrice: String(line.unitPriceMinor / 10 ** currencyDigits(currency)),
          ...(line.kind === 'giftCertificate' ? { kind: 'giftCertificate' as const } : {}),
        }))
      : [],
  );
  const [invalid, setInvalid] = useState<string | null>(null);
  const { state, submit, reset, isLocked } = useSubmission<Checkout>();

  const parsedLines = lines.map((line) => ({
    sku: line.sku.trim(),
    category: line.category.trim(),
    quantity: Number.parseInt(line.quantity, 10),
    unitPriceMinor: parseMoneyToMinor(line.unitPrice, currency),
    kind: line.kind,
  }));
  const linesTotal = parsedLines.reduce(
    (sum, line) => sum + (line.unitPriceMinor ?? 0) * (Number.isFinite(line.quantity) ? line.quantity : 0),
    0,
  );

  const buildBody = (): Basket | string => {
    if (!storeId) return t('desk.purchase.noStore');
    if (lines.length) {
      const bad = parsedLines.findIndex(
        (line) => !line.sku || !(line.quantity >= 1) || line.unitPriceMinor === null,
      );
      if (bad >= 0) return t('desk.purchase.badLine', { line: bad + 1 });
      const items: CheckoutItemInput[] = parsedLines.map((line) => ({
        sku: line.sku,
        ...(line.category ? { category: line.category } : {}),
        ...(line.kind ? { kind: line.kind } : {}),
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor ?? 0,
      }));
      return { storeId, items };
    }
    const totalMinor = parseMoneyToMinor(total, currency);
    if (totalMinor === null || totalMinor <= 0) return t('desk.purchase.badTotal');
    return {
      storeId,
      items: [{ sku: 'SALE', name: t('desk.purchase.title'), quantity: 1, unitPriceMinor: totalMinor }],
    };
  };

  const send = async (event?: FormEvent) => {
    event?.preventDefault();
    if (state.status === 'connectionLost' || state.status === 'submitting') return;
    const body = buildBody();
    if (typeof body === 'string') {
      setInvalid(body);
      return;
    }
    setInvalid(null);
    await run(body);
  };
  const [lastBody, setLastBody] = useState<Basket | null>(null);
  const run = async (body: Basket) => {
    setLastBody(body);
    const result = await submit(() =>
      existing
        ? staffApi.replaceCheckoutItems(existing.id, body.items)
        : staffApi.openCheckout({
            storeId: body.storeId,
            ...(memberId ? { member: { memberId } } : {}),
            currency,
            items: body.items,
          }),
    );
    if (result) {
      onOpened(result);
      reset();
    }
  };

  const setLine = (index: number, patch: Partial<Line>) =>
    setLines((previous) => previous.map((line, i) => (i === index ? { ...line, ...patch } : line)));

  return (
    <section className="panel purchase" aria-labelledby="purchase-title">
      <h2 id="purchase-title">{t('desk.purchase.title')}</h2>
      <form onSubmit={(event) => void send(event)} noValidate>
        <fieldset disabled={isLocked} className="plain-fieldset">
          <div className="row">
            <div className="field total-field">
              <label htmlFor="purchase-total">{t('desk.purchase.total', { currency })}</label>
              <input
                id="purchase-total"
                ref={totalRef}
                // The member was just identified: the next thing the cashier types is the total.
                autoFocus
                name="total"
                inputMode="decimal"
                autoComplete="off"
                value={lines.length ? formatMoney(linesTotal, currency, language) : total}
                readOnly={lines.length > 0}
                onChange={(event) => setTotal(event.target.value)}
                aria-invalid={invalid ? true : undefined}
                aria-describedby="purchase-total-hint"
              />
              <p className="field-hint" id="purchase-total-hint">
                {lines.length ? t('desk.purchase.totalFromLines') : t('desk.purchase.totalHint')}
                {store ? ` ${t('desk.store.recordingAt', { store: store.name })}` : ''}
              </p>
            </div>
          </div>
          {lines.length ? (
            <table className="lines-table">
              <caption className="visually-hidden">{t('desk.purchase.lines')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('desk.purchase.sku')}</th>
                  <th scope="col">{t('desk.purchase.category')}</th>
                  <th scope="col">{t('desk.purchase.quantity')}</th>
                  <th scope="col">{t('desk.purchase.unitPrice')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('common.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {lines.map((line, index) => (
                  <tr key={index}>
                    <td>
                      <input
                        aria-label={`${t('desk.purchase.sku')} ${index + 1}`}
                        value={line.sku}
                        onChange={(e) => setLine(index, { sku: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${t('desk.purchase.category')} ${index + 1}`}
                        value={line.category}
                        onChange={(e) => setLine(index, { category: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${t('desk.purchase.quantity')} ${index + 1}`}
                        inputMode="numeric"
                        value={line.quantity}
                        onChange={(e) => setLine(index, { quantity: e.target.value })}
                      />
                    </td>
                    <td>
                      <input
                        aria-label={`${t('desk.purchase.unitPrice')} ${index + 1}`}
                        inputMode="decimal"
                        value={line.unitPrice}
                        onChange={(e) => setLine(index, { unitPrice: e.target.value })}
                      />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link"
                        onClick={() => setLines((previous) => previous.filter((_, i) => i !== index))}
                      >
                        {t('common.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
          <button
            type="button"
            className="link"
            onClick={() => setLines((previous) => [...previous, emptyLine])}
          >
            {t('desk.purchase.addLine')}
          </button>
          {invalid ? (
            <p className="field-error" role="alert">
              {invalid}
            </p>
          ) : null}
        </fieldset>
        {state.status === 'connectionLost' ? (
          <Notice
            tone="warning"
            action={
              <button type="button" onClick={() => lastBody && void run(lastBody)}>
                {t('desk.retrySafely')}
              </button>
            }
          >
            {t('desk.purchase.connectionLost')}
          </Notice>
        ) : null}
        {state.status === 'failed' ? <ErrorNotice error={state.error} /> : null}
        {state.status !== 'connectionLost' ? (
          <button type="submit" className="big wide" disabled={isLocked}>
            {state.status === 'submitting'
              ? t('desk.checkout.opening')
              : existing
                ? t('desk.checkout.updateBasket')
                : t('desk.checkout.continue')}
          </button>
        ) : null}
      </form>
      {!existing && storeId ? (
        <SellGiftCertificate
          currency={currency}
          isDisabled={isLocked}
          onAdd={async (item) => {
            // A gift certificate alone opens the sale (a walk-in may buy one); goods can be added after.
            const opened = await staffApi.openCheckout({
              storeId,
              ...(memberId ? { member: { memberId } } : {}),
              currency,
              items: [item],
            });
            onOpened(opened);
            return opened;
          }}
        />
      ) : null}
    </section>
  );
});
