import { useState, type FormEvent } from 'react';
import type {
  GiftCertificate,
  GiftCertificateBalance,
  GiftCertificateBatch,
  IssuedGiftCertificate,
  MemberSummary,
} from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatDate, formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { saveFile } from '../coupons/coupons-api.js';
import { navigate } from '../router.js';
import { MANAGER_ROLES, hasRole, useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useSubmission } from '../ui/use-submission.js';
import { giftCertificatesApi } from './gift-certificates-api.js';
import { maskedCode, statusLabel } from './gift-certificate-words.js';
import { LiabilityReport } from './liability-report.js';

/** Who issues free value (the API's issuers): managers, and marketers for campaigns. */
export const ISSUER_ROLES = ['admin', 'manager', 'marketer'] as const;
const BATCH_MAX = 1000;

/** Gift certificates: issue (one, or a batch as CSV), look up by code or last 4 characters, the liability. */
export function GiftCertificatesScreen() {
  const { t } = useI18n();
  const session = useSession();
  const canIssue = hasRole(session, ISSUER_ROLES);
  const isManager = hasRole(session, MANAGER_ROLES);
  return (
    <main className="page" id="main" aria-labelledby="gift-title">
      <h1 id="gift-title">{t('gift.title')}</h1>
      <p>{t('gift.intro')}</p>
      {canIssue ? <IssuePanel /> : null}
      <LookUpPanel />
      {isManager ? <LiabilityReport /> : null}
    </main>
  );
}

type Issued =
  | { kind: 'one'; certificate: IssuedGiftCertificate; recipient: MemberSummary | null }
  | { kind: 'batch'; batch: GiftCertificateBatch };

/** The recipient typed as a phone or a 12-digit card number, found among the members. */
async function findRecipient(text: string): Promise<MemberSummary | null> {
  const query = /^\d{12}$/.test(text) ? { cardNumber: text } : { phone: text };
  const page = await staffApi.findMembers({ ...query, limit: 1 });
  return page.items[0] ?? null;
}

function IssuePanel() {
  const { t, language } = useI18n();
  const { program } = useSession();
  const currency = program.currency;
  const [value, setValue] = useState('');
  const [count, setCount] = useState('1');
  const [recipient, setRecipient] = useState('');
  const [reason, setReason] = useState('');
  const [campaign, setCampaign] = useState('');
  const [problems, setProblems] = useState<
    Partial<Record<'value' | 'count' | 'recipient' | 'reason', string>>
  >({});
  const [issued, setIssued] = useState<Issued | null>(null);
  const [printError, setPrintError] = useState<unknown>(null);
  const issuing = useSubmission<Issued>();
  const money = (minor: number) => formatMoney(minor, currency, language);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const valueMinor = parseMoneyToMinor(value, currency);
    const howMany = /^\d+$/.test(count.trim()) ? Number(count.trim()) : NaN;
    const found: typeof problems = {
      ...(valueMinor === null || valueMinor < 1 || valueMinor > 1_000_000
        ? { value: t('gift.issue.valueInvalid', { max: money(1_000_000) }) }
        : {}),
      ...(howMany >= 1 && howMany <= BATCH_MAX
        ? {}
        : { count: t('gift.issue.countInvalid', { max: BATCH_MAX }) }),
      ...(reason.trim() ? {} : { reason: t('gift.issue.reasonMissing') }),
      ...(recipient.trim() && howMany > 1 ? { recipient: t('gift.issue.recipientWithBatch') } : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0 || valueMinor === null) return;
    setIssued(null);
    const common = {
      valueMinor,
      reason: reason.trim(),
      ...(campaign.trim() ? { campaign: campaign.trim() } : {}),
    };
    const result = await issuing.submit(async (idempotencyKey): Promise<Issued> => {
      if (howMany > 1) {
        const batch = await giftCertificatesApi.issueBatch({ ...common, count: howMany }, { idempotencyKey });
        return { kind: 'batch', batch };
      }
      const member = recipient.trim() ? await findRecipient(recipient.trim()) : null;
      if (recipient.trim() && !member)
        throw new ApiError({
          status: 404,
          code: 'RECIPIENT_NOT_FOUND',
          message: 'No member with this phone',
        });
      const certificate = await giftCertificatesApi.issue(
        { ...common, ...(member ? { memberId: member.id } : {}) },
        { idempotencyKey },
      );
      return { kind: 'one', certificate, recipient: member };
    });
    if (result) {
      setIssued(result);
      if (result.kind === 'batch')
        saveFile(new Blob([result.batch.csv], { type: 'text/csv' }), 'gift-certificates.csv');
    }
  };
  /** The PDF of certificates just issued, made from their codes (the server keeps none in clear). */
  const printCodes = async (codes: string[]) => {
    setPrintError(null);
    try {
      const pdf = await giftCertificatesApi.print(codes, language);
      // A PDF answer is read as a Blob (parseAs), whatever the generated type says of its body.
      saveFile(pdf as unknown as Blob, codes.length === 1 ? 'gift-certificate.pdf' : 'gift-certificates.pdf');
    } catch (caught) {
      setPrintError(caught);
    }
  };
  const refusal =
    issuing.state.status === 'failed' || issuing.state.status === 'connectionLost'
      ? issuing.state.error
      : null;

  return (
    <section className="panel" aria-labelledby="gift-issue-title">
      <h2 id="gift-issue-title">{t('gift.issue.title')}</h2>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <div className="row">
          <TextField
            label={t('gift.issue.value', { currency })}
            inputMode="decimal"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            error={problems.value}
            disabled={issuing.isLocked}
          />
          <TextField
            label={t('gift.issue.count')}
            hint={t('gift.issue.countHint')}
            inputMode="numeric"
            value={count}
            onChange={(event) => setCount(event.target.value)}
            error={problems.count}
            disabled={issuing.isLocked}
          />
        </div>
        <TextField
          label={t('gift.issue.recipient')}
          hint={t('gift.issue.recipientHint')}
          value={recipient}
          onChange={(event) => setRecipient(event.target.value)}
          error={problems.recipient}
          disabled={issuing.isLocked}
        />
        <div className="row">
          <TextField
            label={t('gift.issue.reason')}
            hint={t('gift.issue.reasonHint')}
            value={reason}
            maxLength={500}
            onChange={(event) => setReason(event.target.value)}
            error={problems.reason}
            disabled={issuing.isLocked}
          />
          <TextField
            label={t('gift.issue.campaign')}
            hint={t('gift.issue.campaignHint')}
            value={campaign}
            maxLength={120}
            onChange={(event) => setCampaign(event.target.value)}
            disabled={issuing.isLocked}
          />
        </div>
        {refusal instanceof ApiError && refusal.code === 'RECIPIENT_NOT_FOUND' ? (
          <Notice tone="error">{t('gift.issue.recipientNotFound')}</Notice>
        ) : refusal instanceof ApiError && refusal.code === 'GIFT_CERTIFICATE_ALREADY_ISSUED' ? (
          <Notice tone="error">{t('gift.issue.alreadyIssued')}</Notice>
        ) : refusal ? (
          <ErrorNotice error={refusal} />
        ) : null}
        <div className="row">
          <button type="submit" disabled={issuing.state.status === 'submitting'}>
            {issuing.state.status === 'connectionLost' ? t('common.retry') : t('gift.issue.submit')}
          </button>
        </div>
      </form>
      {printError ? <ErrorNotice error={printError} /> : null}
      {issued?.kind === 'one' ? (
        <Notice tone="success">
          <p>
            {issued.recipient
              ? t('gift.issue.doneFor', {
                  value: money(issued.certificate.initialValueMinor),
                  name: issued.recipient.name,
                })
              : t('gift.issue.done', { value: money(issued.certificate.initialValueMinor) })}
          </p>
          <p>
            {t('gift.issue.code')} <code data-testid="issued-code">{issued.certificate.displayCode}</code>
          </p>
          <p className="field-hint">{t('gift.issue.codeOnce')}</p>
          <button
            type="button"
            className="secondary"
            onClick={() => void printCodes([issued.certificate.code])}
          >
            {t('gift.issue.downloadPdf')}
          </button>
        </Notice>
      ) : issued?.kind === 'batch' ? (
        <Notice
          tone="success"
          action={
            <>
              <button
                type="button"
                className="secondary"
                onClick={() =>
                  saveFile(new Blob([issued.batch.csv], { type: 'text/csv' }), 'gift-certificates.csv')
                }
              >
                {t('gift.issue.downloadCsv')}
              </button>{' '}
              <button
                type="button"
                className="secondary"
                onClick={() => void printCodes(codesOfCsv(issued.batch.csv))}
              >
                {t('gift.issue.downloadPdf')}
              </button>
            </>
          }
        >
          <p>
            {t('gift.issue.batchDone', { count: issued.batch.count, value: money(issued.batch.valueMinor) })}
          </p>
          <p className="field-hint">{t('gift.issue.batchOnce')}</p>
        </Notice>
      ) : null}
    </section>
  );
}

const LAST4 = /^[2-9A-HJKMNP-Z]{4}$/;

/** A full code (typed or scanned) → its balance and the certificates ending like it; 4 characters → those. */
function LookUpPanel() {
  const { t, language } = useI18n();
  const [query, setQuery] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [balance, setBalance] = useState<GiftCertificateBalance | null>(null);
  const [found, setFound] = useState<GiftCertificate[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const typed = query
      .trim()
      .toUpperCase()
      .replace(/[\s-]+/g, '');
    if (!typed) {
      setProblem(t('gift.lookUp.missing'));
      return;
    }
    if (typed.length === 4 && !LAST4.test(typed)) {
      setProblem(t('gift.lookUp.last4Invalid'));
      return;
    }
    setProblem(null);
    setBusy(true);
    setError(null);
    setBalance(null);
    setFound(null);
    try {
      let last4 = typed;
      if (typed.length !== 4) {
        const checked = await giftCertificatesApi.balance(query.trim());
        setBalance(checked);
        last4 = checked.last4;
      }
      setFound((await giftCertificatesApi.list({ last4 })).items);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="gift-lookup-title">
      <h2 id="gift-lookup-title">{t('gift.lookUp.title')}</h2>
      <form className="row" onSubmit={(event) => void submit(event)} noValidate>
        <TextField
          label={t('gift.lookUp.code')}
          hint={t('gift.lookUp.codeHint')}
          value={query}
          autoComplete="off"
          onChange={(event) => setQuery(event.target.value)}
          error={problem}
          disabled={isBusy}
        />
        <button type="submit" disabled={isBusy}>
          {t('common.search')}
        </button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {balance ? (
        <Notice tone="info">
          {t('gift.lookUp.balance', {
            last4: maskedCode(balance.last4),
            available: formatMoney(balance.availableMinor, balance.currency, language),
            status: statusLabel(balance.status, t),
          })}
        </Notice>
      ) : null}
      {found && found.length === 0 ? <EmptyState>{t('gift.lookUp.none')}</EmptyState> : null}
      {found && found.length > 0 ? <CertificateTable certificates={found} /> : null}
    </section>
  );
}

/** Certificates by the end of their code, with what they hold; each opens its detail. */
export function CertificateTable({ certificates }: { certificates: GiftCertificate[] }) {
  const { t, language } = useI18n();
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t('gift.list.code')}</th>
          <th scope="col" className="num">
            {t('gift.list.value')}
          </th>
          <th scope="col" className="num">
            {t('gift.list.balance')}
          </th>
          <th scope="col">{t('gift.list.status')}</th>
          <th scope="col">{t('gift.list.issued')}</th>
          <th scope="col">{t('gift.list.expires')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('gift.list.actions')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {certificates.map((certificate) => (
          <tr key={certificate.id}>
            <td>
              <code>{maskedCode(certificate.last4)}</code>
            </td>
            <td className="num">
              {formatMoney(certificate.initialValueMinor, certificate.currency, language)}
            </td>
            <td className="num">{formatMoney(certificate.balanceMinor, certificate.currency, language)}</td>
            <td>{statusLabel(certificate.status, t)}</td>
            <td>{formatDate(certificate.issuedAt, language)}</td>
            <td>
              {certificate.expiresAt ? formatDate(certificate.expiresAt, language) : t('gift.list.noExpiry')}
            </td>
            <td>
              <a
                href={`/staff/gift-certificates/${certificate.id}`}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(`/gift-certificates/${certificate.id}`);
                }}
              >
                {t('gift.list.open', { last4: certificate.last4 })}
              </a>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The codes of a batch's CSV (its first column, after the header). */
function codesOfCsv(csv: string): string[] {
  return csv
    .trim()
    .split('\n')
    .slice(1)
    .map((row) => row.split(',')[0] ?? '')
    .filter((code) => code.length > 0);
}
