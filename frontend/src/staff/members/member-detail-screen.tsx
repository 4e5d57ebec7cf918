import { useCallback, useEffect, useState } from 'react';
import type { LedgerEntry, MemberDetail } from '@regulars/contracts';
import { formatDate, formatDateTime, formatMoney, formatPoints } from '../../shared/format.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { CancelRedemptionDialog } from '../desk/cancel-redemption-dialog.js';
import { RefundDialog } from '../desk/refund-dialog.js';
import { navigate } from '../router.js';
import { COUPON_GIVER_ROLES, DESK_ROLES, MANAGER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { AdjustmentForm } from './adjustment-form.js';
import { MemberAccountPanel } from './member-account-panel.js';
import { MemberCoupons } from './member-coupons.js';
import { MemberGiftCertificates } from './member-gift-certificates.js';
import { shownMemberName } from './member-identity.js';
import { MemberTierPanel } from '../tiers/member-tier-panel.js';

/** One member: balance, stats, the ledger page by page; adjustments and refunds for managers. */
export function MemberDetailScreen({ memberId }: { memberId: string }) {
  const { t, language } = useI18n();
  const session = useSession();
  const isManager = hasRole(session, MANAGER_ROLES);
  // Cancelling a redemption is for staff at the till (cashiers, managers, admins).
  const canCancel = hasRole(session, DESK_ROLES);
  const hasActions = isManager || canCancel;
  const [member, setMember] = useState<MemberDetail | null>(null);
  const [entries, setEntries] = useState<LedgerEntry[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [refundOf, setRefundOf] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [detail, ledger] = await Promise.all([staffApi.member(memberId), staffApi.ledger(memberId)]);
      setMember(detail);
      setEntries(ledger.items);
      setCursor(ledger.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  }, [memberId]);

  useEffect(() => {
    void load();
  }, [load]);

  const more = async () => {
    if (!cursor) return;
    try {
      const page = await staffApi.ledger(memberId, cursor);
      setEntries((previous) => [...(previous ?? []), ...page.items]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    }
  };

  if (error && !member)
    return (
      <main className="page" id="main">
        <ErrorNotice error={error} onRetry={() => void load()} />
      </main>
    );
  if (!member || !entries) return <Loading label={t('common.loading')} />;
  const { program } = session;
  return (
    <main className="page" id="main" aria-labelledby="member-name">
      <p>
        <a
          href="/staff/members"
          onClick={(event) => {
            event.preventDefault();
            navigate('/members');
          }}
        >
          ← {t('members.back')}
        </a>
      </p>
      <h1 id="member-name">
        {shownMemberName(member, t)}
        {member.isBlocked ? <span className="badge badge-paused"> {t('members.status.blocked')}</span> : null}
      </h1>
      <p className="field-hint">
        {member.deletedAt ? '' : `${member.phone} · `}
        {member.cardNumber} {member.email ? `· ${member.email}` : ''} ·{' '}
        {t('members.joined', { date: formatDate(member.joinedAt, language) })}
      </p>
      <div className="stat-grid">
        <div className="panel stat">
          <p className="stat-label">{t('desk.member.available')}</p>
          <p className="stat-value" data-testid="member-available">
            {formatPoints(member.balance.available, language)}
          </p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('desk.member.pending')}</p>
          <p className="stat-value">{formatPoints(member.balance.pending, language)}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('members.stats.purchases')}</p>
          <p className="stat-value">{member.stats.purchaseCount}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('members.stats.spent')}</p>
          <p className="stat-value">
            {formatMoney(member.stats.totalSpentMinor, program.currency, language)}
          </p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('members.stats.average')}</p>
          <p className="stat-value">
            {formatMoney(member.stats.averageOrderMinor, program.currency, language)}
          </p>
        </div>
      </div>
      <MemberTierPanel memberId={member.id} canOverride={isManager} />
      {isManager ? <MemberAccountPanel member={member} onChanged={() => void load()} /> : null}
      {isManager ? <AdjustmentForm memberId={member.id} onDone={() => void load()} /> : null}
      {/* Giving by hand picks among the coupon templates, which marketers and admins may list. */}
      <MemberCoupons memberId={member.id} canGive={hasRole(session, COUPON_GIVER_ROLES)} />
      <MemberGiftCertificates memberId={member.id} />
      <section className="panel" aria-labelledby="ledger-title">
        <h2 id="ledger-title">{t('members.ledger')}</h2>
        {error ? <ErrorNotice error={error} /> : null}
        {!entries.length ? (
          <EmptyState>{t('members.ledgerEmpty')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('members.when')}</th>
                <th scope="col">{t('members.what')}</th>
                <th scope="col">{t('members.why')}</th>
                <th scope="col" className="num">
                  {t('members.points')}
                </th>
                {hasActions ? (
                  <th scope="col">
                    <span className="visually-hidden">{t('members.actions')}</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatDateTime(entry.at, language)}</td>
                  <td>{t(`ledger.type.${entry.type}` as StaffMessageKey)}</td>
                  <td>
                    {entry.reason}
                    {entry.rules.length ? (
                      <span className="field-hint">
                        {' '}
                        (
                        {entry.rules
                          .map((rule) => `${rule.ruleName} v${rule.ruleVersion}: ${rule.points}`)
                          .join(', ')}
                        )
                      </span>
                    ) : null}
                    {entry.actor?.label ? <span className="field-hint"> — {entry.actor.label}</span> : null}
                  </td>
                  <td className={`num ${entry.points >= 0 ? 'points-plus' : 'points-minus'}`}>
                    {entry.points > 0 ? `+${entry.points}` : entry.points}
                  </td>
                  {hasActions ? (
                    <td>
                      {isManager && entry.type === 'earn' && entry.source.type === 'purchase' ? (
                        <button type="button" className="link" onClick={() => setRefundOf(entry.source.id)}>
                          {t('desk.refund.open')}
                        </button>
                      ) : null}
                      {canCancel && entry.type === 'redeem' && entry.source.type === 'redemption' ? (
                        <button type="button" className="link" onClick={() => setCancelling(entry.source.id)}>
                          {t('desk.cancelRedemption.open')}
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {cursor ? (
          <button type="button" className="secondary" onClick={() => void more()}>
            {t('common.more')}
          </button>
        ) : null}
      </section>
      {cancelling ? (
        <CancelRedemptionDialog
          redemptionId={cancelling}
          onClose={() => setCancelling(null)}
          onRefundSale={
            isManager
              ? (purchaseId) => {
                  setCancelling(null);
                  setRefundOf(purchaseId);
                }
              : undefined
          }
          onDone={() => {
            setCancelling(null);
            void load();
          }}
        />
      ) : null}
      {refundOf ? (
        <RefundDialog
          purchaseId={refundOf}
          maxMinor={null}
          onClose={() => setRefundOf(null)}
          onDone={() => {
            setRefundOf(null);
            void load();
          }}
        />
      ) : null}
    </main>
  );
}
