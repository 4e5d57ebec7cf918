import { useState, type FormEvent } from 'react';
import type { MemberDetail, TierLadder, TierLadderDraft, TierPreview } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { formatDate, formatMoney, formatPoints } from '../../shared/format.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import {
  TIER_COUNT_MAX,
  draftOf,
  formOf,
  newRowKey,
  type LadderForm,
  type Problem,
  type Problems,
} from './tier-ladder-draft.js';
import { tiersApi } from './tiers-api.js';
import './tiers.css';

/** The published ladder, or null when none is published yet (404 TIER_LADDER_NOT_FOUND). */
async function loadLadder(): Promise<{ ladder: TierLadder | null }> {
  try {
    return { ladder: await tiersApi.ladder() };
  } catch (caught) {
    if (caught instanceof ApiError && caught.code === 'TIER_LADDER_NOT_FOUND') return { ladder: null };
    throw caught;
  }
}

/** The marketers' tier ladder: the published version, a draft, its preview on the members, then publish. */
export function TierLadderScreen() {
  const { t } = useI18n();
  const current = useLoad(loadLadder);
  const [notice, setNotice] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  return (
    <main className="page" id="main" aria-labelledby="tiers-title">
      <h1 id="tiers-title">{t('tiers.title')}</h1>
      <p>{t('tiers.intro')}</p>
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {current.error ? (
        <ErrorNotice error={current.error} onRetry={current.reload} />
      ) : !current.data ? (
        <Loading label={t('common.loading')} />
      ) : (
        <>
          <section className="panel" aria-labelledby="tiers-current-title">
            <h2 id="tiers-current-title">{t('tiers.current.title')}</h2>
            {current.data.ladder ? (
              <PublishedLadder ladder={current.data.ladder} />
            ) : (
              <EmptyState>{t('tiers.current.none')}</EmptyState>
            )}
          </section>
          <LadderDraftForm
            key={`${current.data.ladder?.version ?? 0}-${version}`}
            ladder={current.data.ladder}
            onPublished={(published) => {
              setNotice(t('tiers.draft.published', { version: published.version }));
              setVersion((n) => n + 1);
              current.reload();
            }}
          />
        </>
      )}
    </main>
  );
}

function useThreshold() {
  const { language } = useI18n();
  const { program } = useSession();
  return (value: number, basis: TierLadder['basis']) =>
    basis === 'spend' ? formatMoney(value, program.currency, language) : formatPoints(value, language);
}

function PublishedLadder({ ladder }: { ladder: TierLadder }) {
  const { t, language } = useI18n();
  const threshold = useThreshold();
  return (
    <>
      <p className="field-hint">
        {t('tiers.current.version', {
          version: ladder.version,
          date: formatDate(ladder.publishedAt, language),
        })}{' '}
        · {t(`tiers.basis.${ladder.basis}`)} ·{' '}
        {ladder.window.kind === 'rolling_months'
          ? `${t('tiers.draft.windowMonths')}: ${ladder.window.months}`
          : t(`tiers.window.${ladder.window.kind}`)}{' '}
        · {t(`tiers.policy.${ladder.downgrade.policy}`)}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('tiers.preview.tier')}</th>
            <th scope="col" className="num">
              {t('tiers.current.threshold')}
            </th>
            <th scope="col" className="num">
              {t('tiers.draft.discount')}
            </th>
            <th scope="col">{t('tiers.draft.neverDowngrade')}</th>
          </tr>
        </thead>
        <tbody>
          {ladder.tiers.map((tier) => (
            <tr key={tier.code}>
              <td>{tier.name}</td>
              <td className="num">{threshold(tier.threshold, ladder.basis)}</td>
              <td className="num">{tier.discountPercent}</td>
              <td>{t(tier.neverDowngrade ? 'common.yes' : 'common.no')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function problemText(t: ReturnType<typeof useI18n>['t'], problem: Problem | undefined): string | undefined {
  if (!problem) return undefined;
  if (problem.key === 'whole')
    return t('tiers.problem.whole', { min: problem.min ?? 0, max: problem.max ?? 0 });
  return t(`tiers.problem.${problem.key}`);
}

/** The draft's fields (exactly the contract's), Preview, then Publish once the shown preview is of this draft. */
function LadderDraftForm({
  ladder,
  onPublished,
}: {
  ladder: TierLadder | null;
  onPublished(ladder: TierLadder): void;
}) {
  const { t } = useI18n();
  const { program } = useSession();
  const [form, setForm] = useState<LadderForm>(() => formOf(ladder, program.currency));
  const [problems, setProblems] = useState<Problems>({});
  const [preview, setPreview] = useState<{ draft: TierLadderDraft; result: TierPreview } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'preview' | 'publish' | null>(null);

  const change = (next: Partial<LadderForm>) => {
    setForm({ ...form, ...next });
    // A preview speaks of the draft it was made of: any change asks for a new one.
    setPreview(null);
  };
  const changeTier = (index: number, next: Partial<LadderForm['tiers'][number]>) =>
    change({ tiers: form.tiers.map((row, i) => (i === index ? { ...row, ...next } : row)) });
  const problem = (field: string) => problemText(t, problems[field]);

  const runPreview = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    const built = draftOf(form, program.currency);
    setProblems(built.problems ?? {});
    if (!built.draft) return;
    setBusy('preview');
    setError(null);
    try {
      const result = await tiersApi.preview(built.draft);
      setPreview({ draft: built.draft, result });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  };

  const publish = async () => {
    if (!preview || busy) return;
    setBusy('publish');
    setError(null);
    try {
      const reason = form.reason.trim();
      onPublished(await tiersApi.publish({ ...preview.draft, ...(reason ? { reason } : {}) }));
    } catch (caught) {
      setError(caught);
      setBusy(null);
    }
  };

  const isSpend = form.basis === 'spend';
  const disabled = busy !== null;
  return (
    <section className="panel" aria-labelledby="tiers-draft-title">
      <h2 id="tiers-draft-title">{t('tiers.draft.title')}</h2>
      <form className="stack" onSubmit={(event) => void runPreview(event)} noValidate>
        <SelectField
          label={t('tiers.draft.basis')}
          value={form.basis}
          disabled={disabled}
          onChange={(event) => change({ basis: event.target.value as LadderForm['basis'] })}
        >
          <option value="points_earned">{t('tiers.basis.points_earned')}</option>
          <option value="spend">{t('tiers.basis.spend')}</option>
        </SelectField>
        <div className="row">
          <SelectField
            label={t('tiers.draft.window')}
            value={form.windowKind}
            disabled={disabled}
            onChange={(event) => change({ windowKind: event.target.value as LadderForm['windowKind'] })}
          >
            <option value="rolling_months">{t('tiers.window.rolling_months')}</option>
            <option value="calendar_year">{t('tiers.window.calendar_year')}</option>
            <option value="lifetime">{t('tiers.window.lifetime')}</option>
          </SelectField>
          {form.windowKind === 'rolling_months' ? (
            <TextField
              label={t('tiers.draft.windowMonths')}
              inputMode="numeric"
              value={form.windowMonths}
              disabled={disabled}
              error={problem('windowMonths')}
              onChange={(event) => change({ windowMonths: event.target.value })}
            />
          ) : null}
        </div>
        <div className="row">
          <SelectField
            label={t('tiers.draft.retention')}
            value={form.retentionKind}
            disabled={disabled}
            onChange={(event) => change({ retentionKind: event.target.value as LadderForm['retentionKind'] })}
          >
            <option value="months">{t('tiers.retention.months')}</option>
            <option value="end_of_next_calendar_year">
              {t('tiers.retention.end_of_next_calendar_year')}
            </option>
          </SelectField>
          {form.retentionKind === 'months' ? (
            <TextField
              label={t('tiers.draft.retentionMonths')}
              inputMode="numeric"
              value={form.retentionMonths}
              disabled={disabled}
              error={problem('retentionMonths')}
              onChange={(event) => change({ retentionMonths: event.target.value })}
            />
          ) : null}
        </div>
        <div className="row">
          <SelectField
            label={t('tiers.draft.policy')}
            value={form.policy}
            disabled={disabled}
            onChange={(event) => change({ policy: event.target.value as LadderForm['policy'] })}
          >
            <option value="none">{t('tiers.policy.none')}</option>
            <option value="one_down">{t('tiers.policy.one_down')}</option>
            <option value="to_qualified">{t('tiers.policy.to_qualified')}</option>
          </SelectField>
          <TextField
            label={t('tiers.draft.graceDays')}
            inputMode="numeric"
            value={form.graceDays}
            disabled={disabled}
            error={problem('graceDays')}
            onChange={(event) => change({ graceDays: event.target.value })}
          />
          <TextField
            label={t('tiers.draft.warnDays')}
            inputMode="numeric"
            value={form.warnDaysBefore}
            disabled={disabled}
            error={problem('warnDaysBefore')}
            onChange={(event) => change({ warnDaysBefore: event.target.value })}
          />
        </div>
        <fieldset className="stack">
          <legend>{t('tiers.draft.tiers')}</legend>
          {form.tiers.map((row, index) => {
            const heading = t('tiers.draft.tierHeading', { number: index + 1 });
            return (
              <fieldset key={row.key} className="row tier-rows">
                <legend className="visually-hidden">{heading}</legend>
                <TextField
                  label={t('tiers.draft.name')}
                  value={row.name}
                  maxLength={60}
                  disabled={disabled}
                  error={problem(`tiers.${index}.name`)}
                  onChange={(event) => changeTier(index, { name: event.target.value })}
                />
                <TextField
                  label={t('tiers.draft.code')}
                  hint={index === 0 ? t('tiers.draft.codeHint') : undefined}
                  value={row.code}
                  maxLength={40}
                  disabled={disabled}
                  error={problem(`tiers.${index}.code`)}
                  onChange={(event) => changeTier(index, { code: event.target.value })}
                />
                <TextField
                  label={
                    isSpend
                      ? t('tiers.draft.thresholdMoney', { currency: program.currency })
                      : t('tiers.draft.thresholdPoints')
                  }
                  hint={index === 0 ? t('tiers.draft.baseThreshold') : undefined}
                  inputMode="decimal"
                  value={row.threshold}
                  disabled={disabled}
                  error={problem(`tiers.${index}.threshold`)}
                  onChange={(event) => changeTier(index, { threshold: event.target.value })}
                />
                <TextField
                  label={t('tiers.draft.discount')}
                  inputMode="numeric"
                  value={row.discountPercent}
                  disabled={disabled}
                  error={problem(`tiers.${index}.discountPercent`)}
                  onChange={(event) => changeTier(index, { discountPercent: event.target.value })}
                />
                <CheckboxField
                  label={t('tiers.draft.neverDowngrade')}
                  checked={row.neverDowngrade}
                  onChange={(neverDowngrade) => changeTier(index, { neverDowngrade })}
                />
                {form.tiers.length > 1 ? (
                  <button
                    type="button"
                    className="secondary"
                    disabled={disabled}
                    onClick={() => change({ tiers: form.tiers.filter((_, i) => i !== index) })}
                  >
                    {t('tiers.draft.removeTier', { name: row.name.trim() || heading })}
                  </button>
                ) : null}
              </fieldset>
            );
          })}
          {form.tiers.length < TIER_COUNT_MAX ? (
            <div className="row">
              <button
                type="button"
                className="secondary"
                disabled={disabled}
                onClick={() =>
                  change({
                    tiers: [
                      ...form.tiers,
                      {
                        key: newRowKey(),
                        code: '',
                        name: '',
                        threshold: '',
                        discountPercent: '0',
                        neverDowngrade: false,
                      },
                    ],
                  })
                }
              >
                {t('tiers.draft.addTier')}
              </button>
            </div>
          ) : null}
        </fieldset>
        <TextField
          label={t('tiers.draft.reason')}
          value={form.reason}
          maxLength={500}
          disabled={disabled}
          onChange={(event) => setForm({ ...form, reason: event.target.value })}
        />
        {Object.keys(problems).length > 0 ? <Notice tone="error">{t('tiers.problem.summary')}</Notice> : null}
        {error ? <ErrorNotice error={error} /> : null}
        <div className="row">
          <button type="submit" className={preview ? 'secondary' : undefined} disabled={disabled}>
            {busy === 'preview' ? t('tiers.draft.previewing') : t('tiers.draft.preview')}
          </button>
          <button type="button" disabled={disabled || !preview} onClick={() => void publish()}>
            {busy === 'publish' ? t('tiers.draft.publishing') : t('tiers.draft.publish')}
          </button>
        </div>
        {!preview ? <p className="field-hint">{t('tiers.draft.previewFirst')}</p> : null}
      </form>
      {preview ? <PreviewResult preview={preview.result} basis={preview.draft.basis} /> : null}
    </section>
  );
}

/** Who the sampled members are: their names and card numbers (the preview carries only ids). */
async function loadSample(preview: TierPreview): Promise<Map<string, MemberDetail | null>> {
  const members = await Promise.all(
    preview.sample.map(async (entry) => {
      try {
        return [entry.memberId, await staffApi.member(entry.memberId)] as const;
      } catch (caught) {
        if (caught instanceof ApiError && caught.code === 'MEMBER_NOT_FOUND')
          return [entry.memberId, null] as const;
        throw caught;
      }
    }),
  );
  return new Map(members);
}

function PreviewResult({ preview, basis }: { preview: TierPreview; basis: TierLadder['basis'] }) {
  const { t, language } = useI18n();
  const threshold = useThreshold();
  const sample = useLoad(() => loadSample(preview), preview);
  const nameOf = (code: string | null) =>
    code === null
      ? t('tiers.preview.newcomer')
      : (preview.perTier.find((tier) => tier.code === code)?.name ?? code);
  return (
    <section aria-labelledby="tiers-preview-title" data-testid="tier-preview">
      <h3 id="tiers-preview-title">{t('tiers.preview.title')}</h3>
      <p>
        {t('tiers.preview.summary', {
          evaluated: formatPoints(preview.evaluated, language),
          up: formatPoints(preview.movedUp, language),
          down: formatPoints(preview.movedDown, language),
        })}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('tiers.preview.tier')}</th>
            <th scope="col" className="num">
              {t('tiers.preview.members')}
            </th>
            <th scope="col" className="num">
              {t('tiers.preview.movedUp')}
            </th>
            <th scope="col" className="num">
              {t('tiers.preview.movedDown')}
            </th>
          </tr>
        </thead>
        <tbody>
          {preview.perTier.map((tier) => (
            <tr key={tier.code}>
              <td>{tier.name}</td>
              <td className="num">{formatPoints(tier.members, language)}</td>
              <td className="num">{formatPoints(tier.movedUp, language)}</td>
              <td className="num">{formatPoints(tier.movedDown, language)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>{t('tiers.preview.sample')}</h4>
      {preview.sample.length === 0 ? (
        <EmptyState>{t('tiers.preview.sampleEmpty')}</EmptyState>
      ) : sample.error ? (
        <ErrorNotice error={sample.error} onRetry={sample.reload} />
      ) : !sample.data ? (
        <Loading label={t('common.loading')} />
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('tiers.preview.member')}</th>
              <th scope="col">{t('tiers.preview.cardNumber')}</th>
              <th scope="col">{t('tiers.preview.change')}</th>
              <th scope="col" className="num">
                {t('tiers.preview.counted')}
              </th>
            </tr>
          </thead>
          <tbody>
            {preview.sample.map((entry) => {
              const member = sample.data?.get(entry.memberId) ?? null;
              return (
                <tr key={entry.memberId}>
                  <td>{member ? member.name : t('tiers.preview.unknownMember')}</td>
                  <td>{member?.cardNumber ?? '—'}</td>
                  <td>
                    {nameOf(entry.from)} → {nameOf(entry.to)}
                  </td>
                  <td className="num">{threshold(entry.qualifyingValue, basis)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
