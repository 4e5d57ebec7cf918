import { useState, type FormEvent } from 'react';
import type { GiftCertificate, GiftCertificateDetail } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatDate, formatDateTime, formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { navigate } from '../router.js';
import { MANAGER_ROLES, hasRole, useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { giftCertificatesApi } from './gift-certificates-api.js';
import { maskedCode, statusLabel } from './gift-certificate-words.js';

/** Who may block at the till (the API's store staff); unblocking and reloading are for managers. */
const BLOCKER_ROLES = ['admin', 'manager', 'cashier'] as const;

type Action = 'block' | 'unblock' | 'reload';

/** One certificate: what it holds, its whole ledger, and block / unblock / reload for those who may. */
export function GiftCertificateDetailScreen({ certificateId }: { certificateId: string }) {
  const { t, language } = useI18n();
  const session = useSession();
  const detail = useLoad(() => giftCertificatesApi.detail(certificateId), certificateId);
  const [action, setAction] = useState<Action | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (detail.error)
    return (
      <main className="page" id="main">
        <ErrorNotice error={detail.error} onRetry={detail.reload} />
      </main>
    );
  const certificate = detail.data;
  if (!certificate) return <Loading label={t('common.loading')} />;
  const money = (minor: number) => formatMoney(minor, certificate.currency, language);
  const isManager = hasRole(session, MANAGER_ROLES);
  const canBlock = hasRole(session, BLOCKER_ROLES) && certificate.status === 'active';
  const canUnblock = isManager && certificate.status === 'blocked';
  const canReload = isManager && certificate.status === 'active';

  return (
    <main className="page" id="main" aria-labelledby="gift-detail-title">
      <p>
        <a
          href="/staff/gift-certificates"
          onClick={(event) => {
            event.preventDefault();
            navigate('/gift-certificates');
          }}
        >
          ← {t('gift.detail.back')}
        </a>
      </p>
      <h1 id="gift-detail-title">{t('gift.detail.title', { last4: maskedCode(certificate.last4) })}</h1>
      <p className="field-hint">
        {t(`gift.channel.${certificate.channel}` as StaffMessageKey)}
        {certificate.campaign ? ` · ${certificate.campaign}` : ''} ·{' '}
        {t('gift.detail.issuedOn', { date: formatDate(certificate.issuedAt, language) })}
        {certificate.issuedBy.label ? ` · ${certificate.issuedBy.label}` : ''}
      </p>
      <div className="stat-grid">
        <div className="panel stat">
          <p className="stat-label">{t('gift.detail.available')}</p>
          <p className="stat-value" data-testid="gift-available">
            {money(certificate.availableMinor)}
          </p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('gift.detail.held')}</p>
          <p className="stat-value">{money(certificate.heldMinor)}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('gift.detail.initial')}</p>
          <p className="stat-value">{money(certificate.initialValueMinor)}</p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('gift.detail.status')}</p>
          <p className="stat-value" data-testid="gift-status">
            {statusLabel(certificate.status, t)}
          </p>
        </div>
        <div className="panel stat">
          <p className="stat-label">{t('gift.detail.expires')}</p>
          <p className="stat-value">
            {certificate.expiresAt ? formatDate(certificate.expiresAt, language) : t('gift.list.noExpiry')}
          </p>
        </div>
      </div>
      {certificate.status === 'blocked' && certificate.blockedReason ? (
        <Notice tone="warning">
          {t('gift.detail.blockedBecause', { reason: certificate.blockedReason })}
        </Notice>
      ) : null}
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {canBlock || canUnblock || canReload ? (
        <div className="row">
          {canReload ? (
            <button type="button" className="secondary" onClick={() => setAction('reload')}>
              {t('gift.reload.open')}
            </button>
          ) : null}
          {canBlock ? (
            <button type="button" className="secondary" onClick={() => setAction('block')}>
              {t('gift.block.open')}
            </button>
          ) : null}
          {canUnblock ? (
            <button type="button" className="secondary" onClick={() => setAction('unblock')}>
              {t('gift.unblock.open')}
            </button>
          ) : null}
        </div>
      ) : null}
      {action ? (
        <ActionForm
          key={action}
          action={action}
          certificate={certificate}
          onCancel={() => setAction(null)}
          onDone={(message) => {
            setAction(null);
            setNotice(message);
            detail.reload();
          }}
        />
      ) : null}
      <section className="panel" aria-labelledby="gift-entries-title">
        <h2 id="gift-entries-title">{t('gift.detail.entries')}</h2>
        <EntriesTable certificate={certificate} />
      </section>
    </main>
  );
}

function EntriesTable({ certificate }: { certificate: GiftCertificateDetail }) {
  const { t, language } = useI18n();
  const money = (minor: number) => formatMoney(minor, certificate.currency, language);
  if (!certificate.entries.length) return <EmptyState>{t('gift.detail.noEntries')}</EmptyState>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('gift.entries.when')}</th>
          <th scope="col">{t('gift.entries.what')}</th>
          <th scope="col">{t('gift.entries.why')}</th>
          <th scope="col" className="num">
            {t('gift.entries.amount')}
          </th>
          <th scope="col" className="num">
            {t('gift.entries.balanceAfter')}
          </th>
        </tr>
      </thead>
      <tbody>
        {certificate.entries.map((entry) => (
          <tr key={entry.id}>
            <td>{formatDateTime(entry.createdAt, language)}</td>
            <td>{t(`gift.entry.${entry.type}` as StaffMessageKey)}</td>
            <td>
              {entry.reason}
              {entry.actor.label ? <span className="field-hint"> — {entry.actor.label}</span> : null}
            </td>
            <td className={`num ${entry.amountMinor >= 0 ? 'points-plus' : 'points-minus'}`}>
              {entry.amountMinor > 0 ? `+${money(entry.amountMinor)}` : money(entry.amountMinor)}
            </td>
            <td className="num">{money(entry.balanceAfterMinor)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Block, unblock (a reason each) or reload (an amount and a reason), said in words when refused. */
function ActionForm({
  action,
  certificate,
  onCancel,
  onDone,
}: {
  action: Action;
  certificate: GiftCertificate;
  onCancel(): void;
  onDone(message: string): void;
}) {
  const { t, language } = useI18n();
  const money = (minor: number) => formatMoney(minor, certificate.currency, language);
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<{ amount?: string; reason?: string }>({});
  const submission = useSubmission<GiftCertificate>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const amountMinor = action === 'reload' ? parseMoneyToMinor(amount, certificate.currency) : null;
    const found = {
      ...(action === 'reload' && (amountMinor === null || amountMinor < 1)
        ? { amount: t('gift.reload.amountInvalid', { example: money(2000) }) }
        : {}),
      ...(reason.trim() ? {} : { reason: t('gift.action.reasonMissing') }),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    const done = await submission.submit((idempotencyKey) =>
      action === 'reload'
        ? giftCertificatesApi.reload(
            certificate.id,
            { amountMinor: amountMinor ?? 0, reason: reason.trim() },
            { idempotencyKey },
          )
        : action === 'block'
          ? giftCertificatesApi.block(certificate.id, reason.trim(), { idempotencyKey })
          : giftCertificatesApi.unblock(certificate.id, reason.trim(), { idempotencyKey }),
    );
    if (!done) return;
    onDone(
      action === 'reload'
        ? t('gift.reload.done', { amount: money(amountMinor ?? 0), balance: money(done.balanceMinor) })
        : t(action === 'block' ? 'gift.block.done' : 'gift.unblock.done'),
    );
  };
  const refusal =
    submission.state.status === 'failed' || submission.state.status === 'connectionLost'
      ? submission.state.error
      : null;
  const cap =
    refusal instanceof ApiError && refusal.code === 'GIFT_CERTIFICATE_RELOAD_CAP'
      ? (refusal.details as { capMinor?: number; balanceMinor?: number } | null)
      : null;

  return (
    <section className="panel" aria-labelledby="gift-action-title">
      <h2 id="gift-action-title">{t(`gift.${action}.title` as StaffMessageKey)}</h2>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        {action === 'reload' ? (
          <TextField
            label={t('gift.reload.amount', { currency: certificate.currency })}
            inputMode="decimal"
            value={amount}
            onChange={(event) => setAmount(event.target.value)}
            error={problems.amount}
            disabled={submission.isLocked}
          />
        ) : null}
        <TextField
          label={t('gift.action.reason')}
          hint={t(`gift.${action}.reasonHint` as StaffMessageKey)}
          value={reason}
          maxLength={500}
          onChange={(event) => setReason(event.target.value)}
          error={problems.reason}
          disabled={submission.isLocked}
        />
        {cap && typeof cap.capMinor === 'number' && typeof cap.balanceMinor === 'number' ? (
          <Notice tone="error">
            {t('gift.reload.cap', {
              cap: money(cap.capMinor),
              room: money(Math.max(0, cap.capMinor - cap.balanceMinor)),
            })}
          </Notice>
        ) : refusal ? (
          <ErrorNotice error={refusal} />
        ) : null}
        <div className="row">
          <button type="submit" disabled={submission.state.status === 'submitting'}>
            {submission.state.status === 'connectionLost'
              ? t('common.retry')
              : t(`gift.${action}.submit` as StaffMessageKey)}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={submission.isLocked}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
