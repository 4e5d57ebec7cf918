import { useState } from 'react';
import type { LedgerMismatch, LedgerVerifyResult, MemberSummary } from '@regulars/contracts';
import { formatDateTime, formatPoints } from '../../shared/format.js';
import { Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { navigate } from '../router.js';
import { staffApi } from '../staff-api.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';

const CHECKS: Record<string, StaffMessageKey> = {
  entry_consistency: 'admin.ledger.check.entry_consistency',
  lot_remaining: 'admin.ledger.check.lot_remaining',
  lot_bounds: 'admin.ledger.check.lot_bounds',
  member_total: 'admin.ledger.check.member_total',
  member_available: 'admin.ledger.check.member_available',
  member_pending: 'admin.ledger.check.member_pending',
  member_debt: 'admin.ledger.check.member_debt',
  member_exists: 'admin.ledger.check.member_exists',
};
const checkText = (check: string, t: StaffT) =>
  CHECKS[check] ? t(CHECKS[check]) : t('admin.ledger.check.other', { check: check.replace(/_/g, ' ') });

/** Members shown by name and card, looked up once each (at most this many; the rest show as unknown). */
const MEMBERS_LOOKED_UP = 50;

type Run = { result: LedgerVerifyResult; members: Map<string, MemberSummary | null>; at: string };

/** Ledger verification: runs the check on demand and lists what disagrees, by member name and card. */
export function LedgerVerifyScreen() {
  const { t, language } = useI18n();
  const [run, setRun] = useState<Run | null>(null);
  const [isRunning, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const verify = async () => {
    if (isRunning) return;
    setRunning(true);
    setError(null);
    try {
      const result = await adminApi.verifyLedger();
      const ids = [...new Set(result.mismatches.map((m) => m.memberId).filter((id): id is string => !!id))];
      const members = new Map<string, MemberSummary | null>();
      await Promise.all(
        ids.slice(0, MEMBERS_LOOKED_UP).map(async (id) => {
          members.set(id, await staffApi.member(id).catch(() => null));
        }),
      );
      setRun({ result, members, at: new Date().toISOString() });
    } catch (caught) {
      setError(caught);
    } finally {
      setRunning(false);
    }
  };

  const memberCell = (mismatch: LedgerMismatch, members: Map<string, MemberSummary | null>) => {
    if (!mismatch.memberId) return t('admin.ledger.noMember');
    const member = members.get(mismatch.memberId);
    if (!member) return t('admin.ledger.unknownMember');
    return (
      <a
        href={`/staff/members/${member.id}`}
        onClick={(event) => {
          event.preventDefault();
          navigate(`/members/${member.id}`);
        }}
      >
        {member.name} · {member.cardNumber}
      </a>
    );
  };

  return (
    <main className="page" id="main" aria-labelledby="ledger-title">
      <h1 id="ledger-title">{t('admin.ledger.title')}</h1>
      <p className="field-hint">{t('admin.ledger.intro')}</p>
      <div className="row">
        <button type="button" onClick={() => void verify()} disabled={isRunning}>
          {isRunning ? t('admin.ledger.running') : t('admin.ledger.run')}
        </button>
      </div>
      {isRunning ? <Loading label={t('admin.ledger.running')} /> : null}
      {error ? <AdminErrorNotice error={error} onRetry={() => void verify()} /> : null}
      {run && !isRunning ? (
        <section className="panel" aria-labelledby="ledger-result-title" data-testid="ledger-result">
          <h2 id="ledger-result-title" className="visually-hidden">
            {t('admin.ledger.title')}
          </h2>
          {run.result.ok ? (
            <Notice tone="success">
              <p>{t('admin.ledger.ok', { count: formatPoints(run.result.checked, language) })}</p>
            </Notice>
          ) : (
            <Notice tone="warning">
              <p>
                {t('admin.ledger.problems', {
                  mismatches: formatPoints(run.result.mismatches.length, language),
                  count: formatPoints(run.result.checked, language),
                })}
              </p>
            </Notice>
          )}
          <p className="field-hint">
            {t('admin.ledger.checkedAt', { date: formatDateTime(run.at, language) })}
          </p>
          {run.result.mismatches.length ? (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('admin.ledger.member')}</th>
                  <th scope="col">{t('admin.ledger.check')}</th>
                  <th scope="col" className="num">
                    {t('admin.ledger.expected')}
                  </th>
                  <th scope="col" className="num">
                    {t('admin.ledger.actual')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {run.result.mismatches.map((mismatch, index) => (
                  <tr key={`${mismatch.check}-${mismatch.entityId ?? ''}-${index}`}>
                    <td>{memberCell(mismatch, run.members)}</td>
                    <td>{checkText(mismatch.check, t)}</td>
                    <td className="num">{formatPoints(mismatch.expected, language)}</td>
                    <td className="num">{formatPoints(mismatch.actual, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : null}
        </section>
      ) : null}
    </main>
  );
}
