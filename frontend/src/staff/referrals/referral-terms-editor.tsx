import { useState, type FormEvent } from 'react';
import type {
  CouponTemplate,
  ReferralCapPolicy,
  ReferralReward,
  ReferralTerms,
  ReferralTermsBody,
  RefereeReward,
  RefereeRewardOn,
} from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { currencyDigits, formatDateTime, parseMoneyToMinor } from '../../shared/format.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState, Notice } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useLoad } from '../../shared/use-load.js';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { referralsApi } from './referrals-api.js';
import { rewardText } from './referral-words.js';

type RewardKind = 'points' | 'coupon' | 'giftCertificate';
type Draft = {
  isActive: boolean;
  referrerKind: RewardKind;
  referrerPoints: string;
  referrerTemplateId: string;
  referrerValue: string;
  refereeKind: 'none' | 'points' | 'coupon';
  refereePoints: string;
  refereeTemplateId: string;
  refereeRewardOn: RefereeRewardOn;
  minimumPurchase: string;
  clearingDays: string;
  attributionDays: string;
  monthlyCap: string;
  lifetimeCap: string;
  capPolicy: ReferralCapPolicy;
  reviewThreshold: string;
};
type Problems = Partial<Record<keyof Draft, string>>;

const wholeIn = (text: string, min: number, max: number): number | null => {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
};

function draftOf(terms: ReferralTerms | null, currency: string, pendingDays: number): Draft {
  // A plain decimal the field parses back (no thousands separators).
  const digits = currencyDigits(currency);
  const money = (minor: number) => (minor / 10 ** digits).toFixed(digits);
  const referrer = terms?.referrerReward;
  const referee = terms?.refereeReward ?? null;
  return {
    isActive: terms?.isActive ?? true,
    referrerKind: referrer?.kind ?? 'points',
    referrerPoints: referrer?.kind === 'points' ? String(referrer.points) : '500',
    referrerTemplateId: referrer?.kind === 'coupon' ? referrer.couponTemplateId : '',
    referrerValue: referrer?.kind === 'giftCertificate' ? money(referrer.valueMinor) : '',
    refereeKind: terms ? (referee?.kind ?? 'none') : 'points',
    refereePoints: referee?.kind === 'points' ? String(referee.points) : '250',
    refereeTemplateId: referee?.kind === 'coupon' ? referee.couponTemplateId : '',
    refereeRewardOn: terms?.refereeRewardOn ?? 'first_purchase',
    minimumPurchase: terms ? money(terms.minimumPurchaseMinor) : '0',
    clearingDays: String(terms?.clearingDays ?? Math.max(pendingDays, 14)),
    attributionDays: String(terms?.attributionDays ?? 30),
    monthlyCap: terms?.monthlyCap === null || !terms ? '' : String(terms.monthlyCap),
    lifetimeCap: terms?.lifetimeCap === null || !terms ? '' : String(terms.lifetimeCap),
    capPolicy: terms?.capPolicy ?? 'reject',
    reviewThreshold: String(terms?.reviewThreshold ?? 50),
  };
}

/** The marketers' terms: what each side gets, when, the caps and the review threshold; each save is a version. */
export function ReferralTermsEditor() {
  const { t, language } = useI18n();
  const { program } = useSession();
  const history = useLoad(() => referralsApi.terms());
  const templates = useLoad(async () => (await referralsApi.couponTemplates()).items);
  const [saved, setSaved] = useState<number | null>(null);

  if (history.error) return <ErrorNotice error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Loading label={t('common.loading')} />;
  const current = history.data.current;
  const templateName = (id: string) => templates.data?.find((template) => template.id === id)?.name ?? null;
  return (
    <>
      {saved !== null ? (
        <Notice tone="success">{t('referrals.terms.saved', { version: String(saved) })}</Notice>
      ) : null}
      <TermsForm
        key={current?.version ?? 0}
        terms={current}
        templates={templates.data}
        currency={program.currency}
        pendingDays={program.pendingDays}
        onSaved={(terms) => {
          setSaved(terms.version);
          history.reload();
        }}
      />
      <section className="panel versions" aria-labelledby="referral-versions-title">
        <h2 id="referral-versions-title">{t('referrals.terms.versions')}</h2>
        {history.data.versions.length === 0 ? (
          <EmptyState>{t('referrals.terms.noVersions')}</EmptyState>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('referrals.terms.version')}</th>
                <th scope="col">{t('referrals.terms.savedAt')}</th>
                <th scope="col">{t('referrals.terms.referrerReward')}</th>
                <th scope="col">{t('referrals.terms.refereeReward')}</th>
                <th scope="col">{t('referrals.terms.state')}</th>
              </tr>
            </thead>
            <tbody>
              {history.data.versions.map((version) => (
                <tr key={version.version}>
                  <td>{version.version}</td>
                  <td>{formatDateTime(version.createdAt, language)}</td>
                  <td>
                    {rewardText(version.referrerReward, {
                      t,
                      language,
                      currency: program.currency,
                      templateName,
                    })}
                  </td>
                  <td>
                    {rewardText(version.refereeReward, {
                      t,
                      language,
                      currency: program.currency,
                      templateName,
                    })}
                  </td>
                  <td>{t(version.isActive ? 'referrals.terms.on' : 'referrals.terms.off')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function TermsForm({
  terms,
  templates,
  currency,
  pendingDays,
  onSaved,
}: {
  terms: ReferralTerms | null;
  templates: CouponTemplate[] | null;
  currency: string;
  pendingDays: number;
  onSaved(terms: ReferralTerms): void;
}) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<Draft>(() => draftOf(terms, currency, pendingDays));
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  /** The body, or the problems under their fields (nothing is sent while one remains). */
  const bodyOf = (): { body: ReferralTermsBody | null; found: Problems } => {
    const found: Problems = {};
    let referrerReward: ReferralReward | null = null;
    if (draft.referrerKind === 'points') {
      const points = wholeIn(draft.referrerPoints, 1, 1_000_000);
      if (points === null) found.referrerPoints = t('referrals.terms.pointsInvalid');
      else referrerReward = { kind: 'points', points };
    } else if (draft.referrerKind === 'coupon') {
      if (!draft.referrerTemplateId) found.referrerTemplateId = t('referrals.terms.templateMissing');
      else referrerReward = { kind: 'coupon', couponTemplateId: draft.referrerTemplateId };
    } else {
      const valueMinor = parseMoneyToMinor(draft.referrerValue, currency);
      if (valueMinor === null || valueMinor < 1 || valueMinor > 10_000_000)
        found.referrerValue = t('referrals.terms.valueInvalid');
      else referrerReward = { kind: 'giftCertificate', valueMinor };
    }
    let refereeReward: RefereeReward | null = null;
    if (draft.refereeKind === 'points') {
      const points = wholeIn(draft.refereePoints, 1, 1_000_000);
      if (points === null) found.refereePoints = t('referrals.terms.pointsInvalid');
      else refereeReward = { kind: 'points', points };
    } else if (draft.refereeKind === 'coupon') {
      if (!draft.refereeTemplateId) found.refereeTemplateId = t('referrals.terms.templateMissing');
      else refereeReward = { kind: 'coupon', couponTemplateId: draft.refereeTemplateId };
    }
    const minimumPurchaseMinor = parseMoneyToMinor(draft.minimumPurchase.trim() || '0', currency);
    if (minimumPurchaseMinor === null || minimumPurchaseMinor < 0 || minimumPurchaseMinor > 100_000_000)
      found.minimumPurchase = t('referrals.terms.minimumInvalid');
    const clearingDays = wholeIn(draft.clearingDays, 0, 365);
    if (clearingDays === null) found.clearingDays = t('referrals.terms.daysInvalid', { min: '0' });
    else if (clearingDays < pendingDays)
      found.clearingDays = t('referrals.terms.clearingTooShort', { days: String(pendingDays) });
    const attributionDays = wholeIn(draft.attributionDays, 1, 365);
    if (attributionDays === null) found.attributionDays = t('referrals.terms.daysInvalid', { min: '1' });
    const monthlyCap = draft.monthlyCap.trim() ? wholeIn(draft.monthlyCap, 1, 10_000) : null;
    if (draft.monthlyCap.trim() && monthlyCap === null) found.monthlyCap = t('referrals.terms.capInvalid');
    const lifetimeCap = draft.lifetimeCap.trim() ? wholeIn(draft.lifetimeCap, 1, 1_000_000) : null;
    if (draft.lifetimeCap.trim() && lifetimeCap === null) found.lifetimeCap = t('referrals.terms.capInvalid');
    if (monthlyCap !== null && lifetimeCap !== null && monthlyCap > lifetimeCap)
      found.monthlyCap = t('referrals.terms.capAboveLifetime');
    const reviewThreshold = wholeIn(draft.reviewThreshold, 1, 100);
    if (reviewThreshold === null) found.reviewThreshold = t('referrals.terms.thresholdInvalid');
    if (
      Object.keys(found).length > 0 ||
      !referrerReward ||
      minimumPurchaseMinor === null ||
      clearingDays === null ||
      attributionDays === null ||
      reviewThreshold === null
    )
      return { body: null, found };
    return {
      found,
      body: {
        isActive: draft.isActive,
        referrerReward,
        refereeReward,
        refereeRewardOn: draft.refereeRewardOn,
        minimumPurchaseMinor,
        clearingDays,
        attributionDays,
        monthlyCap,
        lifetimeCap,
        capPolicy: draft.capPolicy,
        reviewThreshold,
      },
    };
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const { body, found } = bodyOf();
    setProblems(found);
    if (!body) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await referralsApi.saveTerms(body));
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'REFERRAL_CLEARING_TOO_SHORT')
        setProblems({ clearingDays: t('referrals.terms.clearingTooShort', { days: String(pendingDays) }) });
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const templateOptions = (
    <>
      <option value="">{t('referrals.terms.templatePick')}</option>
      {templates?.map((template) => (
        <option key={template.id} value={template.id}>
          {template.name}
        </option>
      ))}
    </>
  );

  return (
    <section className="panel" aria-labelledby="referral-terms-title">
      <h2 id="referral-terms-title">
        {terms
          ? t('referrals.terms.title', { version: String(terms.version) })
          : t('referrals.terms.titleNew')}
      </h2>
      <p className="field-hint">{t('referrals.terms.hint')}</p>
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        <CheckboxField
          label={t('referrals.terms.isActive')}
          checked={draft.isActive}
          onChange={(v) => set('isActive', v)}
        />
        <fieldset className="stack">
          <legend>{t('referrals.terms.referrerReward')}</legend>
          <SelectField
            label={t('referrals.terms.rewardKind')}
            value={draft.referrerKind}
            onChange={(event) => set('referrerKind', event.target.value as RewardKind)}
            disabled={isBusy}
          >
            <option value="points">{t('referrals.kind.points')}</option>
            <option value="giftCertificate">{t('referrals.kind.giftCertificate')}</option>
            <option value="coupon">{t('referrals.kind.coupon')}</option>
          </SelectField>
          {draft.referrerKind === 'points' ? (
            <TextField
              label={t('referrals.terms.points')}
              inputMode="numeric"
              value={draft.referrerPoints}
              onChange={(event) => set('referrerPoints', event.target.value)}
              error={problems.referrerPoints}
              disabled={isBusy}
            />
          ) : draft.referrerKind === 'giftCertificate' ? (
            <TextField
              label={t('referrals.terms.value', { currency })}
              inputMode="decimal"
              value={draft.referrerValue}
              onChange={(event) => set('referrerValue', event.target.value)}
              error={problems.referrerValue}
              disabled={isBusy}
            />
          ) : (
            <SelectField
              label={t('referrals.terms.template')}
              value={draft.referrerTemplateId}
              onChange={(event) => set('referrerTemplateId', event.target.value)}
              error={problems.referrerTemplateId}
              disabled={isBusy || !templates}
            >
              {templateOptions}
            </SelectField>
          )}
        </fieldset>
        <fieldset className="stack">
          <legend>{t('referrals.terms.refereeReward')}</legend>
          <SelectField
            label={t('referrals.terms.rewardKind')}
            value={draft.refereeKind}
            onChange={(event) => set('refereeKind', event.target.value as Draft['refereeKind'])}
            disabled={isBusy}
          >
            <option value="points">{t('referrals.kind.points')}</option>
            <option value="coupon">{t('referrals.kind.coupon')}</option>
            <option value="none">{t('referrals.kind.none')}</option>
          </SelectField>
          {draft.refereeKind === 'points' ? (
            <TextField
              label={t('referrals.terms.points')}
              inputMode="numeric"
              value={draft.refereePoints}
              onChange={(event) => set('refereePoints', event.target.value)}
              error={problems.refereePoints}
              disabled={isBusy}
            />
          ) : draft.refereeKind === 'coupon' ? (
            <SelectField
              label={t('referrals.terms.template')}
              value={draft.refereeTemplateId}
              onChange={(event) => set('refereeTemplateId', event.target.value)}
              error={problems.refereeTemplateId}
              disabled={isBusy || !templates}
            >
              {templateOptions}
            </SelectField>
          ) : null}
          {draft.refereeKind !== 'none' ? (
            <SelectField
              label={t('referrals.terms.refereeRewardOn')}
              value={draft.refereeRewardOn}
              onChange={(event) => set('refereeRewardOn', event.target.value as RefereeRewardOn)}
              disabled={isBusy}
            >
              <option value="first_purchase">{t('referrals.on.firstPurchase')}</option>
              <option value="join">{t('referrals.on.join')}</option>
            </SelectField>
          ) : null}
        </fieldset>
        <TextField
          label={t('referrals.terms.minimumPurchase', { currency })}
          hint={t('referrals.terms.minimumPurchaseHint')}
          inputMode="decimal"
          value={draft.minimumPurchase}
          onChange={(event) => set('minimumPurchase', event.target.value)}
          error={problems.minimumPurchase}
          disabled={isBusy}
        />
        <TextField
          label={t('referrals.terms.clearingDays')}
          hint={t('referrals.terms.clearingDaysHint', { days: String(pendingDays) })}
          inputMode="numeric"
          value={draft.clearingDays}
          onChange={(event) => set('clearingDays', event.target.value)}
          error={problems.clearingDays}
          disabled={isBusy}
        />
        <TextField
          label={t('referrals.terms.attributionDays')}
          hint={t('referrals.terms.attributionDaysHint')}
          inputMode="numeric"
          value={draft.attributionDays}
          onChange={(event) => set('attributionDays', event.target.value)}
          error={problems.attributionDays}
          disabled={isBusy}
        />
        <TextField
          label={t('referrals.terms.monthlyCap')}
          hint={t('referrals.terms.capHint')}
          inputMode="numeric"
          value={draft.monthlyCap}
          onChange={(event) => set('monthlyCap', event.target.value)}
          error={problems.monthlyCap}
          disabled={isBusy}
        />
        <TextField
          label={t('referrals.terms.lifetimeCap')}
          hint={t('referrals.terms.capHint')}
          inputMode="numeric"
          value={draft.lifetimeCap}
          onChange={(event) => set('lifetimeCap', event.target.value)}
          error={problems.lifetimeCap}
          disabled={isBusy}
        />
        <SelectField
          label={t('referrals.terms.capPolicy')}
          value={draft.capPolicy}
          onChange={(event) => set('capPolicy', event.target.value as ReferralCapPolicy)}
          disabled={isBusy}
        >
          <option value="reject">{t('referrals.cap.reject')}</option>
          <option value="next_month">{t('referrals.cap.nextMonth')}</option>
        </SelectField>
        <TextField
          label={t('referrals.terms.reviewThreshold')}
          hint={t('referrals.terms.reviewThresholdHint')}
          inputMode="numeric"
          value={draft.reviewThreshold}
          onChange={(event) => set('reviewThreshold', event.target.value)}
          error={problems.reviewThreshold}
          disabled={isBusy}
        />
        {error ? <ErrorNotice error={error} /> : null}
        <div className="row">
          <button type="submit" disabled={isBusy}>
            {isBusy ? t('referrals.terms.saving') : t('referrals.terms.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
