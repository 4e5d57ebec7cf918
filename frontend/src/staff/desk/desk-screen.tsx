import { useCallback, useEffect, useRef, useState } from 'react';
import type { Checkout, CheckoutReceipt, MemberDetail } from '@regulars/contracts';
import { Notice } from '../../shared/ui/notice.js';
import { useOnline } from '../../shared/use-online.js';
import { MANAGER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { DeskOutcomePanel, type DeskOutcome } from './desk-outcome.js';
import { IdentifyPanel, type Identified } from './identify-panel.js';
import { MemberPanel } from './member-panel.js';
import { PurchaseForm } from './purchase-form.js';
import { CheckoutPanel } from './checkout-panel.js';
import { ReceiptPanel } from './receipt-panel.js';
import { CancelRedemptionDialog } from './cancel-redemption-dialog.js';
import { rememberSale, type RecordedSale } from './duplicate-sale.js';
import { MemberHistory } from './member-history.js';
import { RefundDialog } from './refund-dialog.js';

/**
 * The cashier desk, around one checkout per sale: scan (or type) the card, type the total (or the
 * lines) and press Enter, tap what the member uses (rewards, points), press Enter to complete; the
 * receipt offers Undo until the next customer. Shortcuts: F2 next customer, F4 total; in a dialog Enter
 * confirms and Esc cancels.
 */
export function DeskScreen() {
  const { t } = useI18n();
  const session = useSession();
  const isOnline = useOnline();
  const [identified, setIdentified] = useState<Identified | null>(null);
  const [detail, setDetail] = useState<MemberDetail | null>(null);
  const [outcome, setOutcomeState] = useState<DeskOutcome | null>(null);
  // Bumped after every write, so that the member's history shows it.
  const [historyKey, setHistoryKey] = useState(0);
  const refreshHistory = useCallback(() => setHistoryKey((key) => key + 1), []);
  const setOutcome = useCallback(
    (next: DeskOutcome | null) => {
      setOutcomeState(next);
      if (next) refreshHistory();
    },
    [refreshHistory],
  );
  // Kept across customers: the same member scanned again a moment later is the usual double sale.
  const [recentSales, setRecentSales] = useState<RecordedSale[]>([]);
  const [refundOf, setRefundOf] = useState<{ id: string; totalMinor: number | null } | null>(null);
  const [cancelling, setCancelling] = useState<{ id: string; label: string } | null>(null);
  const [checkout, setCheckout] = useState<Checkout | null>(null);
  const [isEditingBasket, setEditingBasket] = useState(false);
  const [receipt, setReceipt] = useState<CheckoutReceipt | null>(null);
  const [saleNotice, setSaleNotice] = useState<string | null>(null);
  const closeSale = useCallback(() => {
    setCheckout((open) => {
      // A sale left open is cancelled, so that its holds come back at once (not at expiry).
      if (open?.status === 'open') void staffApi.cancelCheckout(open.id).catch(() => undefined);
      return null;
    });
    setReceipt(null);
    setEditingBasket(false);
    setSaleNotice(null);
  }, []);
  const identifyRef = useRef<HTMLInputElement>(null);
  const totalRef = useRef<HTMLInputElement>(null);
  const canRefund = hasRole(session, MANAGER_ROLES);

  const loadDetail = useCallback(async (memberId: string) => {
    try {
      setDetail(await staffApi.member(memberId));
    } catch {
      // The identify answer already has the balance; the detail only adds expiring points.
    }
  }, []);

  const nextCustomer = useCallback(() => {
    closeSale();
    setIdentified(null);
    setDetail(null);
    setOutcome(null);
    setRefundOf(null);
    setCancelling(null);
    setTimeout(() => identifyRef.current?.focus(), 0);
  }, [setOutcome, closeSale]);

  const onIdentified = useCallback(
    (found: Identified) => {
      closeSale();
      setIdentified(found);
      setDetail(null);
      setOutcome(null);
      void loadDetail(found.member.id);
      // After a dialog (enrolling) the focus would stay where the dialog left it.
      setTimeout(() => totalRef.current?.focus(), 0);
    },
    [loadDetail, setOutcome, closeSale],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'F2') {
        event.preventDefault();
        nextCustomer();
      } else if (event.key === 'F4') {
        event.preventDefault();
        totalRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [nextCustomer]);

  const refreshBalance = (balance: { available: number; pending: number }) => {
    setIdentified((previous) =>
      previous ? { ...previous, member: { ...previous.member, balance } } : previous,
    );
    setDetail((previous) =>
      previous ? { ...previous, balance: { ...previous.balance, ...balance } } : previous,
    );
  };

  return (
    <main className="page desk" id="main" aria-labelledby="desk-title">
      <div className="desk-heading">
        <h1 id="desk-title">{t('desk.title')}</h1>
        <p className="shortcuts">{t('desk.shortcuts')}</p>
        {identified ? (
          <button type="button" className="secondary big" onClick={nextCustomer}>
            {t('desk.nextCustomer')}
          </button>
        ) : null}
      </div>
      {!isOnline ? <Notice tone="warning">{t('desk.offline')}</Notice> : null}
      <div className="desk-grid">
        <div className="desk-column">
          {identified?.isNew ? (
            <Notice tone="success">{t('desk.enrol.done', { number: identified.member.cardNumber })}</Notice>
          ) : null}
          {identified ? (
            <MemberPanel identified={identified} detail={detail} />
          ) : (
            <IdentifyPanel ref={identifyRef} onIdentified={onIdentified} />
          )}
          {outcome ? <DeskOutcomePanel outcome={outcome} /> : null}
          {identified ? (
            <MemberHistory
              memberId={identified.member.id}
              refreshKey={historyKey}
              onCancelRedemption={setCancelling}
            />
          ) : null}
        </div>
        {identified ? (
          <div className="desk-column">
            {receipt ? (
              <ReceiptPanel
                receipt={receipt}
                onUndone={(undone) => {
                  if (undone.member) refreshBalance(undone.member.balance);
                  refreshHistory();
                }}
              />
            ) : checkout && !isEditingBasket ? (
              <CheckoutPanel
                checkout={checkout}
                memberName={identified.member.name}
                recentSales={recentSales}
                onChange={(next) => {
                  setCheckout(next);
                  if (next.member) refreshBalance(next.member.balance);
                }}
                onChangeBasket={() => setEditingBasket(true)}
                onCompleted={(done) => {
                  setRecentSales((previous) =>
                    rememberSale(previous, {
                      memberId: identified.member.id,
                      totalMinor: done.totals.toPayMinor,
                      currency: done.currency,
                      at: Date.now(),
                    }),
                  );
                  setReceipt(done);
                  setCheckout(null);
                  if (done.balance) refreshBalance(done.balance);
                  refreshHistory();
                }}
                onCancelled={() => {
                  setCheckout(null);
                  setSaleNotice(t('desk.checkout.cancelled'));
                  void loadDetail(identified.member.id);
                }}
              />
            ) : (
              <>
                {saleNotice ? <Notice tone="info">{saleNotice}</Notice> : null}
                <PurchaseForm
                  key={checkout?.id ?? 'new'}
                  ref={totalRef}
                  memberId={identified.member.id}
                  existing={checkout}
                  onOpened={(opened) => {
                    setCheckout(opened);
                    setEditingBasket(false);
                    setSaleNotice(null);
                    if (opened.member) refreshBalance(opened.member.balance);
                  }}
                />
              </>
            )}
          </div>
        ) : null}
      </div>
      {cancelling ? (
        <CancelRedemptionDialog
          redemptionId={cancelling.id}
          onClose={() => {
            setCancelling(null);
            // A refusal (cancelled or settled meanwhile) may have changed what the history shows.
            refreshHistory();
          }}
          onRefundSale={
            canRefund
              ? (purchaseId) => {
                  setCancelling(null);
                  setRefundOf({ id: purchaseId, totalMinor: null });
                }
              : undefined
          }
          onDone={(cancelled) => {
            setCancelling(null);
            setOutcome({ kind: 'redemptionCancelled', cancelled, label: cancelling.label });
            refreshBalance(cancelled.balance);
          }}
        />
      ) : null}
      {refundOf ? (
        <RefundDialog
          purchaseId={refundOf.id}
          maxMinor={refundOf.totalMinor}
          onClose={() => setRefundOf(null)}
          onDone={(refund) => {
            setRefundOf(null);
            setOutcome({ kind: 'refund', refund });
            refreshBalance(refund.balance);
          }}
        />
      ) : null}
    </main>
  );
}
