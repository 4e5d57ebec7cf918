import { useCallback, useEffect, useRef, useState } from 'react';
import type { MemberDetail } from '@regulars/contracts';
import { Notice } from '../../shared/ui/notice.js';
import { useOnline } from '../../shared/use-online.js';
import { MANAGER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { DeskOutcomePanel, type DeskOutcome } from './desk-outcome.js';
import { IdentifyPanel, type Identified } from './identify-panel.js';
import { MemberPanel } from './member-panel.js';
import { PurchaseForm } from './purchase-form.js';
import { RedeemPanel } from './redeem-panel.js';
import { CancelRedemptionDialog } from './cancel-redemption-dialog.js';
import { rememberSale, type RecordedSale } from './duplicate-sale.js';
import { MemberHistory } from './member-history.js';
import { RefundDialog } from './refund-dialog.js';

/**
 * The cashier desk. The common case is three actions: scan (or type) the card, type the total,
 * press Enter. Shortcuts: F2 next customer, F4 total; in a dialog Enter confirms and Esc cancels.
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
    setIdentified(null);
    setDetail(null);
    setOutcome(null);
    setRefundOf(null);
    setCancelling(null);
    setTimeout(() => identifyRef.current?.focus(), 0);
  }, [setOutcome]);

  const onIdentified = useCallback(
    (found: Identified) => {
      setIdentified(found);
      setDetail(null);
      setOutcome(null);
      void loadDetail(found.member.id);
      // After a dialog (enrolling) the focus would stay where the dialog left it.
      setTimeout(() => totalRef.current?.focus(), 0);
    },
    [loadDetail, setOutcome],
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

  const available = detail?.balance.available ?? identified?.member.balance.available ?? 0;
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
          {outcome ? (
            <DeskOutcomePanel
              outcome={outcome}
              onRefund={
                canRefund && outcome.kind === 'purchase'
                  ? () => setRefundOf({ id: outcome.purchase.id, totalMinor: outcome.totalMinor })
                  : undefined
              }
              onCancelRedemption={
                outcome.kind === 'redemption'
                  ? () => setCancelling({ id: outcome.redemption.id, label: outcome.label })
                  : undefined
              }
            />
          ) : null}
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
            <PurchaseForm
              ref={totalRef}
              memberId={identified.member.id}
              memberName={identified.member.name}
              recentSales={recentSales}
              onRecorded={(purchase, totalMinor) => {
                setRecentSales((previous) =>
                  rememberSale(previous, {
                    memberId: identified.member.id,
                    totalMinor,
                    currency: session.program.currency,
                    at: Date.now(),
                  }),
                );
                setOutcome({ kind: 'purchase', purchase, totalMinor });
                refreshBalance(purchase.balance);
              }}
            />
            <RedeemPanel
              memberId={identified.member.id}
              available={available}
              cardCode={identified.cardCode}
              onRedeemed={(redemption, label) => {
                setOutcome({ kind: 'redemption', redemption, label });
                refreshBalance(redemption.balance);
                // A scanned code may be presented for one redemption only.
                setIdentified((previous) => (previous ? { ...previous, cardCode: null } : previous));
              }}
            />
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
