import { useState, type FormEvent } from 'react';
import type { MemberTier, TierLadder, TierOverrideKind } from '@regulars/contracts';
import { formatDate, formatDateTime, formatMoney, formatPoints } from '../../shared/format.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { tiersApi } from './tiers-api.js';
import './tiers.css';

type Loaded = { tier: MemberTier; ladder: TierLadder } | null;

/** The member's tier and the ladder it is read against; null when no ladder is published yet. */
async function loadTier(memberId: string): Promise<Loaded> {
  const tier = await tiersApi.memberTier(memberId);
  if (!tier) return null;
  return { tier, ladder: await tiersApi.ladder() };
}

/** A member's tier on their detail screen: where they stand, what it takes, the history; overrides for managers. */
export function MemberTierPanel({ memberId, canOverride }: { memberId: string; canOverride: boolean }) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const loaded = useLoad(() => loadTier(memberId), memberId);
  const [current, setCurrent] = useState<MemberTier | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  if (loaded.error)
    return (
      <section className="panel" aria-labelledby="member-tier-title">
        <h2 id="member-tier-title">{t('tiers.member.title')}</h2>
        <ErrorNotice error={loaded.error} onRetry={loaded.reload} />
      </section>
    );
  if (loaded.isLoading && !loaded.data) return <Loading label={t('common.loading')} />;
  if (!loaded.data)
    return (
      <section className="panel" aria-labelledby="member-tier-title">
        <h2 id="member-tier-title">{t('tiers.member.title')}</h2>
        <EmptyState>{t('tiers.member.noLadder')}</EmptyState>
      </section>
    );
  const { ladder } = loaded.data;
  const tier = current ?? loaded.data.tier;
  const amount = (value: number) =>
    tier.basis === 'spend' ? formatMoney(value, program.currency, language) : formatPoints(value, language);
  const nameOf = (code: string | null) =>
    code === null ? '—' : (ladder.tiers.find((candidate) => candidate.code === code)?.name ?? code);

  return (
    <section className="panel" aria-labelledby="member-tier-title" data-testid="member-tier">
      <h2 id="member-tier-title">
        {t('tiers.member.title')}: {tier.tier.name}
      </h2>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <dl className="tier-facts">
        <dt>{t('tiers.member.since')}</dt>
        <dd>{tier.since ? formatDate(tier.since, language) : '—'}</dd>
        <dt>{t('tiers.member.qualifiedUntil')}</dt>
        <dd>{tier.qualifiedUntil ? formatDate(tier.qualifiedUntil, language) : t('tiers.member.never')}</dd>
        {tier.downgradeAt ? (
          <>
            <dt>{t('tiers.member.downgradeAt')}</dt>
            <dd>{formatDate(tier.downgradeAt, language)}</dd>
          </>
        ) : null}
        <dt>{t('tiers.member.counted')}</dt>
        <dd>{amount(tier.qualifyingValue)}</dd>
        <dt>{tier.next ? t('tiers.member.next', { tier: tier.next.name }) : t('tiers.member.top')}</dt>
        <dd>{tier.next ? amount(tier.next.remaining) : '—'}</dd>
      </dl>
      {tier.keep ? (
        <p>
          {t('tiers.member.keep', {
            remaining: amount(tier.keep.remaining),
            date: formatDate(tier.keep.by, language),
          })}
        </p>
      ) : null}
      {tier.override ? (
        <p data-testid="member-tier-override">
          {t('tiers.member.override', {
            kind: `${t(`tiers.overrideKind.${tier.override.kind}`)} ${nameOf(tier.override.tier)}`,
            reason: tier.override.reason,
          })}
          {tier.override.until
            ? ` (${t('tiers.member.overrideUntil', { date: formatDate(tier.override.until, language) })})`
            : null}
        </p>
      ) : null}
      <h3>{t('tiers.member.history')}</h3>
      {tier.history.length === 0 ? (
        <EmptyState>{t('tiers.member.historyEmpty')}</EmptyState>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('tiers.member.when')}</th>
              <th scope="col">{t('tiers.member.change')}</th>
              <th scope="col">{t('tiers.member.why')}</th>
            </tr>
          </thead>
          <tbody>
            {tier.history.map((change, index) => (
              <tr key={`${change.at}-${index}`}>
                <td>{formatDateTime(change.at, language)}</td>
                <td>
                  {t(`tiers.change.${change.kind}`)}: {nameOf(change.from)} → {nameOf(change.to)}
                </td>
                <td>{change.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canOverride ? (
        <OverrideForms
          memberId={memberId}
          tier={tier}
          ladder={ladder}
          onChanged={(next, message) => {
            setCurrent(next);
            setNotice(message);
          }}
        />
      ) : null}
    </section>
  );
}

/** The last moment of a picked day (yyyy-mm-dd) in the viewer's time zone, as the API's instant. */
function endOfDay(day: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const at = new Date(`${day}T23:59:59`);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

function OverrideForms({
  memberId,
  tier,
  ladder,
  onChanged,
}: {
  memberId: string;
  tier: MemberTier;
  ladder: TierLadder;
  onChanged(next: MemberTier, message: string): void;
}) {
  const { t } = useI18n();
  const [kind, setKind] = useState<TierOverrideKind>('floor');
  const [code, setCode] = useState(ladder.tiers[ladder.tiers.length - 1]?.code ?? '');
  const [until, setUntil] = useState('');
  const [reason, setReason] = useState('');
  const [clearReason, setClearReason] = useState('');
  const [problems, setProblems] = useState<{ reason?: string; until?: string; clearReason?: string }>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const run = async (action: () => Promise<MemberTier>, message: string, done: () => void) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(await action(), message);
      done();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const set = (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const untilAt = kind === 'fixed_until' ? endOfDay(until) : null;
    const found = {
      ...(reason.trim() ? {} : { reason: t('tiers.override.reasonMissing') }),
      ...(kind === 'fixed_until' && (!untilAt || new Date(untilAt).getTime() <= Date.now())
        ? { until: t('tiers.override.untilMissing') }
        : {}),
    };
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    void run(
      () =>
        tiersApi.setOverride(memberId, {
          kind,
          tier: code,
          reason: reason.trim(),
          ...(untilAt ? { until: untilAt } : {}),
        }),
      t('tiers.override.done'),
      () => setReason(''),
    );
  };

  const clear = (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    if (!clearReason.trim()) {
      setProblems({ clearReason: t('tiers.override.reasonMissing') });
      return;
    }
    setProblems({});
    void run(
      () => tiersApi.clearOverride(memberId, { reason: clearReason.trim() }),
      t('tiers.override.cleared'),
      () => setClearReason(''),
    );
  };

  return (
    <>
      <h3>{t('tiers.override.title')}</h3>
      <form className="row" onSubmit={set} noValidate aria-label={t('tiers.override.title')}>
        <SelectField
          label={t('tiers.override.kind')}
          value={kind}
          disabled={isBusy}
          onChange={(event) => setKind(event.target.value as TierOverrideKind)}
        >
          <option value="floor">{t('tiers.override.kind.floor')}</option>
          <option value="fixed_until">{t('tiers.override.kind.fixed_until')}</option>
        </SelectField>
        <SelectField
          label={t('tiers.override.tier')}
          value={code}
          disabled={isBusy}
          onChange={(event) => setCode(event.target.value)}
        >
          {ladder.tiers.map((candidate) => (
            <option key={candidate.code} value={candidate.code}>
              {candidate.name}
            </option>
          ))}
        </SelectField>
        {kind === 'fixed_until' ? (
          <TextField
            label={t('tiers.override.until')}
            type="date"
            value={until}
            disabled={isBusy}
            error={problems.until}
            onChange={(event) => setUntil(event.target.value)}
          />
        ) : null}
        <TextField
          label={t('tiers.override.reason')}
          value={reason}
          maxLength={500}
          disabled={isBusy}
          error={problems.reason}
          onChange={(event) => setReason(event.target.value)}
        />
        <button type="submit" disabled={isBusy}>
          {t('tiers.override.set')}
        </button>
      </form>
      {tier.override ? (
        <form className="row" onSubmit={clear} noValidate aria-label={t('tiers.override.clear')}>
          <TextField
            label={t('tiers.override.clearReason')}
            value={clearReason}
            maxLength={500}
            disabled={isBusy}
            error={problems.clearReason}
            onChange={(event) => setClearReason(event.target.value)}
          />
          <button type="submit" className="secondary" disabled={isBusy}>
            {t('tiers.override.clear')}
          </button>
        </form>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </>
  );
}
