import { forwardRef, useState, type FormEvent, type ForwardedRef } from 'react';
import type { CreatePurchaseBody, PurchaseCreated, PurchaseItemInput } from '@regulars/contracts';
import { formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { useSession } from '../session.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { useDeskStore } from './device-store.js';
import { findDuplicateSale, type RecordedSale } from './duplicate-sale.js';

/** The total field, whether the parent passed a callback ref or an object ref. */
function focusTotal(ref: ForwardedRef<HTMLInputElement>): void {
  if (ref && typeof ref === 'object') ref.current?.focus();
}

type Line = { sku: string; category: string; quantity: string; unitPrice: string };
const emptyLine: Line = { sku: '', category: '', quantity: '1', unitPrice: '' };

type Repeat = { body: CreatePurchaseBody; previous: RecordedSale; at: number };

/**
 * Records the sale at the device's store: the total (Enter submits), optionally the lines (then the
 * total is their sum). One Idempotency-Key per attempt; a lost connection locks the form until retried.
 * The same total for the same member within a minute of the last one asks before it is recorded again.
 */
export const PurchaseForm = forwardRef<
  HTMLInputElement,
  {
    memberId: string;
    memberName: string;
    /** The sales this desk recorded lately (for any member), to catch one keyed in twice. */
    recentSales: readonly RecordedSale[];
    onRecorded(result: PurchaseCreated, totalMinor: number): void;
  }
>(function PurchaseForm({ memberId, memberName, recentSales, onRecorded }, totalRef) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const { store } = useDeskStore();
  const storeId = store?.id ?? '';
  const currency = program.currency;
  const [total, setTotal] = useState('');
  const [repeat, setRepeat] = useState<Repeat | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [invalid, setInvalid] = useState<string | null>(null);
  const { state, submit, reset, isLocked } = useSubmission<PurchaseCreated>();

  const parsedLines = lines.map((line) => ({
    sku: line.sku.trim(),
    category: line.category.trim(),
    quantity: Number.parseInt(line.quantity, 10),
    unitPriceMinor: parseMoneyToMinor(line.unitPrice, currency),
  }));
  const linesTotal = parsedLines.reduce(
    (sum, line) => sum + (line.unitPriceMinor ?? 0) * (Number.isFinite(line.quantity) ? line.quantity : 0),
    0,
  );

  const buildBody = (): CreatePurchaseBody | string => {
    if (!storeId) return t('desk.purchase.noStore');
    if (lines.length) {
      const bad = parsedLines.findIndex(
        (line) => !line.sku || !(line.quantity >= 1) || line.unitPriceMinor === null,
      );
      if (bad >= 0) return t('desk.purchase.badLine', { line: bad + 1 });
      const items: PurchaseItemInput[] = parsedLines.map((line) => ({
        sku: line.sku,
        ...(line.category ? { category: line.category } : {}),
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor ?? 0,
      }));
      return { memberId, storeId, currency, totalMinor: linesTotal, items };
    }
    const totalMinor = parseMoneyToMinor(total, currency);
    if (totalMinor === null || totalMinor <= 0) return t('desk.purchase.badTotal');
    return {
      memberId,
      storeId,
      currency,
      totalMinor,
      items: [{ sku: 'SALE', name: 'Sale', quantity: 1, unitPriceMinor: totalMinor }],
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
    const now = Date.now();
    const previous = findDuplicateSale(
      recentSales,
      { memberId, totalMinor: body.totalMinor, currency: body.currency },
      now,
    );
    if (previous) {
      setRepeat({ body, previous, at: now });
      return;
    }
    await run(body);
  };
  const [lastBody, setLastBody] = useState<CreatePurchaseBody | null>(null);
  const run = async (body: CreatePurchaseBody) => {
    setLastBody(body);
    const result = await submit((idempotencyKey) => staffApi.purchase(body, { idempotencyKey }));
    if (result) {
      onRecorded(result, body.totalMinor);
      setTotal('');
      setLines([]);
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
            {state.status === 'submitting' ? t('desk.purchase.recording') : t('desk.purchase.record')}
          </button>
        ) : null}
      </form>
      {repeat ? (
        <ConfirmDialog
          title={t('desk.duplicate.title')}
          confirmLabel={t('desk.duplicate.confirm')}
          onConfirm={() => {
            const { body } = repeat;
            setRepeat(null);
            void run(body);
          }}
          onCancel={() => {
            setRepeat(null);
            setTimeout(() => focusTotal(totalRef), 0);
          }}
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
});
