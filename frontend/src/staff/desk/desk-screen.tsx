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
import { ErrorNotice } from '../ui/error-notice.js';
import { BalanceCheckDialog } from './balance-check-dialog.js';
import { instrumentScanKind } from './identify-code.js';
import { shownMemberName } from '../members/member-identity.js';

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
  // A sale without a card: bearer coupons and gift certificates, no points.
  const [isWalkIn, setWalkIn] = useState(false);
  // Codes scanned before the sale opened (a coupon's QR in the identify field), applied once it opens.
  const [pendingCodes, setPendingCodes] = useState<string[]>([]);
  const [pendingFailure, setPendingFailure] = useState<unknown>(null);
  const [isCheckingBalance, setCheckingBalance] = useState(false);
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
    setWalkIn(false);
    setPendingCodes([]);
    setPendingFailure(null);
    setDetail(null);
    setOutcome(null);
    setRefundOf(null);
    setCancelling(null);
    setTimeout(() => identifyRef.current?.focus(), 0);
  }, [setOutcome, closeSale]);

  const onIdentified = useCallback(
    (found: Identified) => {
      closeSale();
      setWalkIn(false);
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

  const startWalkIn = useCallback(
    (code?: string) => {
      closeSale();
      setIdentified(null);
      setDetail(null);
      setOutcome(null);
      setWalkIn(true);
      setPendingCodes(code ? [code] : []);
      setPendingFailure(null);
      setTimeout(() => totalRef.current?.focus(), 0);
    },
    [closeSale, setOutcome],
  );

  /** The sale is open: the codes scanned before it are applied now (a refusal is shown, the sale stays). */
  const applyPending = async (opened: Checkout): Promise<Checkout> => {
    let current = opened;
    for (const code of pendingCodes) {
      try {
        current = await staffApi.applyToCheckout(current.id, { type: 'code', code });
      } catch (error) {
        setPendingFailure(error);
      }
    }
    setPendingCodes([]);
    return current;
  };

  const customer = identified
    ? { memberId: identified.member.id, name: shownMemberName(identified.member, t) }
    : isWalkIn
      ? { memberId: null, name: t('desk.walkIn.title') }
      : null;

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
        <button type="button" className="secondary" onClick={() => setCheckingBalance(true)}>
          {t('desk.balance.open')}
        </button>
        {customer ? (
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
          ) : isWalkIn ? (
            <section className="panel walk-in" aria-labelledby="walk-in-title" data-testid="walk-in">
              <h2 id="walk-in-title">{t('desk.walkIn.title')}</h2>
              <p className="field-hint">{t('desk.walkIn.hint')}</p>
              {pendingCodes.map((code) => (
                <Notice key={code} tone="info">
                  {instrumentScanKind(code) === 'giftCertificate'
                    ? t('desk.code.pendingGiftCertificate')
                    : t('desk.code.pendingCoupon')}
                </Notice>
              ))}
            </section>
          ) : (
            <IdentifyPanel
              ref={identifyRef}
              onIdentified={onIdentified}
              onInstrument={(code) => startWalkIn(code)}
              onWalkIn={() => startWalkIn()}
            />
          )}
          {pendingFailure ? <ErrorNotice error={pendingFailure} /> : null}
          {outcome ? <DeskOutcomePanel outcome={outcome} /> : null}
          {identified ? (
            <MemberHistory
              memberId={identified.member.id}
              refreshKey={historyKey}
              onCancelRedemption={setCancelling}
            />
          ) : null}
        </div>
        {customer ? (
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
                memberName={customer.name}
                recentSales={recentSales}
                onChange={(next) => {
                  setCheckout(next);
                  if (next.member) refreshBalance(next.member.balance);
                }}
                onChangeBasket={() => setEditingBasket(true)}
                onCompleted={(done) => {
                  const memberId = customer.memberId;
                  if (memberId) {
                    setRecentSales((previous) =>
                      rememberSale(previous, {
                        memberId,
                        totalMinor: done.totals.toPayMinor,
                        currency: done.currency,
                        at: Date.now(),
                      }),
                    );
                  }
                  setReceipt(done);
                  setCheckout(null);
                  if (done.balance) refreshBalance(done.balance);
                  refreshHistory();
                }}
                onCancelled={() => {
                  setCheckout(null);
                  setSaleNotice(t('desk.checkout.cancelled'));
                  if (customer.memberId) void loadDetail(customer.memberId);
                }}
              />
            ) : (
              <>
                {saleNotice ? <Notice tone="info">{saleNotice}</Notice> : null}
                <PurchaseForm
                  key={checkout?.id ?? 'new'}
                  ref={totalRef}
                  memberId={customer.memberId}
                  existing={checkout}
                  onOpened={(opened) => {
                    setEditingBasket(false);
                    setSaleNotice(null);
                    setPendingFailure(null);
                    if (opened.member) refreshBalance(opened.member.balance);
                    setCheckout(opened);
                    if (pendingCodes.length > 0) void applyPending(opened).then(setCheckout);
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
      {isCheckingBalance ? <BalanceCheckDialog onClose={() => setCheckingBalance(false)} /> : null}
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
