import { useState, type FormEvent } from 'react';
import type { CouponTemplate, CreateCouponTemplateBody } from '@regulars/contracts';
import { ApiError, fieldIssuesOf } from '../../shared/api/errors.js';
import { currencyDigits, formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { CheckboxField, SelectField, TextField } from '../../shared/ui/field.js';
import { useSession } from '../session.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { couponsApi } from './coupons-api.js';

/** The characters codes are made of (no 0/O, 1/I/L): a prefix may use only these. */
const CODE_CHARACTERS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

type Draft = {
  name: string;
  description: string;
  kind: 'bearer' | 'assigned';
  discountKind: 'percent' | 'fixed' | 'free_product';
  percent: string;
  amount: string;
  sku: string;
  minBasket: string;
  skus: string;
  categories: string;
  storeIds: string[];
  tags: string;
  firstPurchaseOnly: boolean;
  validityType: 'window' | 'relative';
  startsAt: string;
  endsAt: string;
  daysFromIssue: string;
  activationDelayDays: string;
  perMemberLimit: string;
  totalCap: string;
  usesPerCoupon: string;
  withCoupons: boolean;
  withRewards: boolean;
  prefix: string;
  length: string;
  restoreOnRefund: boolean;
};
type Field =
  | 'name'
  | 'description'
  | 'discount'
  | 'minBasket'
  | 'skus'
  | 'categories'
  | 'stores'
  | 'tags'
  | 'startsAt'
  | 'endsAt'
  | 'daysFromIssue'
  | 'activationDelayDays'
  | 'perMemberLimit'
  | 'totalCap'
  | 'usesPerCoupon'
  | 'prefix'
  | 'length';
type Problems = Partial<Record<Field, string>>;

/** A `datetime-local` value (the viewer's time) for an ISO instant. */
function localInput(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const list = (text: string) =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

function minorInput(minor: number, currency: string): string {
  return (minor / 10 ** currencyDigits(currency)).toFixed(currencyDigits(currency));
}

function draftOf(template: CouponTemplate | null, currency: string): Draft {
  const discount = template?.discount;
  const validity = template?.validity;
  const conditions = template?.conditions;
  return {
    name: template?.name ?? '',
    description: template?.description ?? '',
    kind: template?.kind ?? 'bearer',
    discountKind: discount?.kind ?? 'percent',
    percent: discount?.kind === 'percent' ? String(discount.percent) : '10',
    amount: discount?.kind === 'fixed' ? minorInput(discount.amountMinor, currency) : '',
    sku: discount?.kind === 'free_product' ? discount.sku : '',
    minBasket:
      conditions?.minBasketMinor !== null && conditions?.minBasketMinor !== undefined
        ? minorInput(conditions.minBasketMinor, currency)
        : '',
    skus: conditions?.appliesTo?.skus.join(', ') ?? '',
    categories: conditions?.appliesTo?.categories.join(', ') ?? '',
    storeIds: conditions?.storeIds ?? [],
    tags: conditions?.tags.join(', ') ?? '',
    firstPurchaseOnly: conditions?.firstPurchaseOnly ?? false,
    validityType: validity?.type ?? 'relative',
    startsAt: validity?.type === 'window' ? localInput(validity.startsAt) : '',
    endsAt: validity?.type === 'window' ? localInput(validity.endsAt) : '',
    daysFromIssue: validity?.type === 'relative' ? String(validity.daysFromIssue) : '30',
    activationDelayDays: validity?.type === 'relative' ? String(validity.activationDelayDays) : '0',
    perMemberLimit: template?.perMemberLimit ? String(template.perMemberLimit) : '',
    totalCap: template?.totalCap ? String(template.totalCap) : '',
    usesPerCoupon: template ? String(template.usesPerCoupon) : '1',
    withCoupons: template?.stacking.withCoupons ?? false,
    withRewards: template?.stacking.withRewards ?? true,
    prefix: template?.codeFormat.prefix ?? '',
    length: template ? String(template.codeFormat.length) : '13',
    restoreOnRefund: template?.restoreOnRefund ?? true,
  };
}

const wholeIn = (text: string, min: number, max: number): number | null => {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
};

/** Checks the draft in the viewer's words and builds the body, or says what is wrong under each field. */
function toBody(
  draft: Draft,
  currency: string,
  t: StaffT,
  language: string,
): { body: CreateCouponTemplateBody; problems: Problems } | { body: null; problems: Problems } {
  const problems: Problems = {};
  const money = (minor: number) => formatMoney(minor, currency, language);
  if (!draft.name.trim()) problems.name = t('coupons.form.nameMissing');
  let discount: CreateCouponTemplateBody['discount'] | null = null;
  if (draft.discountKind === 'percent') {
    const percent = wholeIn(draft.percent, 1, 100);
    if (percent === null) problems.discount = t('coupons.form.percentInvalid');
    else discount = { kind: 'percent', percent };
  } else if (draft.discountKind === 'fixed') {
    const amountMinor = parseMoneyToMinor(draft.amount, currency);
    if (amountMinor === null || amountMinor < 1 || amountMinor > 100_000_000)
      problems.discount = t('coupons.form.amountInvalid', { example: money(500) });
    else discount = { kind: 'fixed', amountMinor };
  } else if (!draft.sku.trim()) problems.discount = t('coupons.form.skuMissing');
  else discount = { kind: 'free_product', sku: draft.sku.trim() };

  let minBasketMinor: number | null = null;
  if (draft.minBasket.trim()) {
    minBasketMinor = parseMoneyToMinor(draft.minBasket, currency);
    if (minBasketMinor === null || minBasketMinor < 1)
      problems.minBasket = t('coupons.form.amountInvalid', { example: money(1500) });
  }

  let validity: CreateCouponTemplateBody['validity'] | null = null;
  if (draft.validityType === 'window') {
    const startsAt = draft.startsAt ? new Date(draft.startsAt) : null;
    const endsAt = draft.endsAt ? new Date(draft.endsAt) : null;
    if (!startsAt || Number.isNaN(startsAt.getTime())) problems.startsAt = t('coupons.form.dateMissing');
    if (!endsAt || Number.isNaN(endsAt.getTime())) problems.endsAt = t('coupons.form.dateMissing');
    else if (startsAt && endsAt <= startsAt) problems.endsAt = t('coupons.form.endsBeforeStart');
    if (startsAt && endsAt && !problems.startsAt && !problems.endsAt)
      validity = { type: 'window', startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() };
  } else {
    const daysFromIssue = wholeIn(draft.daysFromIssue, 1, 3650);
    const activationDelayDays = wholeIn(draft.activationDelayDays || '0', 0, 365);
    if (daysFromIssue === null) problems.daysFromIssue = t('coupons.form.daysInvalid', { max: '3,650' });
    if (activationDelayDays === null)
      problems.activationDelayDays = t('coupons.form.delayInvalid', { max: 365 });
    if (daysFromIssue !== null && activationDelayDays !== null)
      validity = { type: 'relative', daysFromIssue, activationDelayDays };
  }

  const optionalWhole = (field: 'perMemberLimit' | 'totalCap', max: number): number | null => {
    if (!draft[field].trim()) return null;
    const value = wholeIn(draft[field], 1, max);
    if (value === null)
      problems[field] = t('coupons.form.wholeInvalid', { max: max.toLocaleString(language) });
    return value;
  };
  const perMemberLimit = optionalWhole('perMemberLimit', 1000);
  const totalCap = optionalWhole('totalCap', 100_000_000);
  const usesPerCoupon = wholeIn(draft.usesPerCoupon, 1, 1000);
  if (usesPerCoupon === null)
    problems.usesPerCoupon = t('coupons.form.wholeInvalid', { max: (1000).toLocaleString(language) });

  const prefix = draft.prefix.trim().toUpperCase();
  if (prefix.length > 8 || [...prefix].some((char) => !CODE_CHARACTERS.includes(char)))
    problems.prefix = t('coupons.form.prefixInvalid', { characters: CODE_CHARACTERS });
  const length = wholeIn(draft.length, 6, 28);
  if (length === null) problems.length = t('coupons.form.lengthInvalid');

  if (Object.keys(problems).length > 0 || !discount || !validity || usesPerCoupon === null || length === null)
    return { body: null, problems };
  const skus = list(draft.skus);
  const categories = list(draft.categories);
  return {
    problems,
    body: {
      name: draft.name.trim(),
      description: draft.description.trim() || null,
      kind: draft.kind,
      discount,
      conditions: {
        minBasketMinor,
        appliesTo: skus.length || categories.length ? { skus, categories } : null,
        storeIds: draft.storeIds,
        tags: list(draft.tags),
        firstPurchaseOnly: draft.firstPurchaseOnly,
      },
      validity,
      perMemberLimit,
      totalCap,
      usesPerCoupon,
      stacking: { withCoupons: draft.withCoupons, withRewards: draft.withRewards },
      codeFormat: { prefix, length },
      restoreOnRefund: draft.restoreOnRefund,
    },
  };
}

/** Where the server's field paths go in the form. */
function fieldOfPath(path: string): Field | null {
  if (path === 'name' || path === 'description') return path;
  if (path.startsWith('discount')) return 'discount';
  if (path.startsWith('conditions.minBasketMinor')) return 'minBasket';
  if (path.startsWith('conditions.appliesTo.skus')) return 'skus';
  if (path.startsWith('conditions.appliesTo.categories')) return 'categories';
  if (path.startsWith('conditions.storeIds')) return 'stores';
  if (path.startsWith('conditions.tags')) return 'tags';
  if (path === 'validity.startsAt') return 'startsAt';
  if (path === 'validity.endsAt') return 'endsAt';
  if (path === 'validity.daysFromIssue') return 'daysFromIssue';
  if (path === 'validity.activationDelayDays') return 'activationDelayDays';
  if (path === 'perMemberLimit' || path === 'totalCap' || path === 'usesPerCoupon') return path;
  if (path === 'codeFormat.prefix') return 'prefix';
  if (path === 'codeFormat.length') return 'length';
  return null;
}

/** The server's refusal as problems under the fields it names; what names no field stays a notice. */
function problemsOfRefusal(caught: unknown, t: StaffT): { problems: Problems; rest: unknown } {
  if (!(caught instanceof ApiError)) return { problems: {}, rest: caught };
  const details = (caught.details ?? {}) as { minimumLength?: unknown };
  if (caught.code === 'COUPON_VALIDITY_ENDED')
    return { problems: { endsAt: t('coupons.error.validityEnded') }, rest: null };
  if (caught.code === 'STORE_NOT_FOUND')
    return { problems: { stores: t('coupons.error.storeNotFound') }, rest: null };
  if (caught.code === 'COUPON_CODE_FORMAT_WEAK')
    return {
      problems: {
        length:
          typeof details.minimumLength === 'number'
            ? t('coupons.error.codeTooShort', { length: details.minimumLength })
            : t('coupons.error.codeFormat'),
      },
      rest: null,
    };
  const issues = fieldIssuesOf(caught);
  const problems: Problems = {};
  const unplaced = issues.filter((issue) => {
    const field = fieldOfPath(issue.path);
    if (!field) return true;
    problems[field] ??= issue.message;
    return false;
  });
  return { problems, rest: unplaced.length || !issues.length ? caught : null };
}

/** Design a coupon (or change one: a new version; coupons issued before keep their terms). */
export function CouponTemplateForm({
  template,
  onSaved,
  onCancel,
}: {
  template: CouponTemplate | null;
  onSaved(saved: CouponTemplate): void;
  onCancel(): void;
}) {
  const { t, language } = useI18n();
  const { program, stores } = useSession();
  const currency = template?.currency ?? program.currency;
  const [draft, setDraft] = useState<Draft>(() => draftOf(template, currency));
  const [problems, setProblems] = useState<Problems>({});
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setDraft((previous) => ({ ...previous, ...patch }));
  const text = (field: keyof Draft & Field, label: string, hint?: string, extra: object = {}) => (
    <TextField
      label={label}
      hint={hint}
      value={draft[field] as string}
      onChange={(event) => set({ [field]: event.target.value })}
      error={problems[field]}
      disabled={isBusy}
      {...extra}
    />
  );

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (isBusy) return;
    const built = toBody(draft, currency, t, language);
    setProblems(built.problems);
    setError(null);
    if (!built.body) return;
    setBusy(true);
    try {
      const { kind: _kind, ...changes } = built.body;
      const saved = template
        ? await couponsApi.updateTemplate(template.id, changes)
        : await couponsApi.createTemplate(built.body);
      onSaved(saved);
    } catch (caught) {
      const { problems: refused, rest } = problemsOfRefusal(caught, t);
      setProblems(refused);
      setError(rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="coupon-form-title">
      <h2 id="coupon-form-title">
        {template ? t('coupons.form.editTitle', { name: template.name }) : t('coupons.form.createTitle')}
      </h2>
      {template ? <p className="field-hint">{t('coupons.form.editHint')}</p> : null}
      <form className="stack" onSubmit={(event) => void submit(event)} noValidate>
        {text('name', t('coupons.form.name'), t('coupons.form.nameHint'), { maxLength: 120 })}
        {text('description', t('coupons.form.description'), t('coupons.form.descriptionHint'), {
          maxLength: 500,
        })}
        {template ? (
          <p>
            {t('coupons.form.kind')}:{' '}
            {t(template.kind === 'bearer' ? 'coupons.kind.bearer' : 'coupons.kind.assigned')}
          </p>
        ) : (
          <SelectField
            label={t('coupons.form.kind')}
            value={draft.kind}
            onChange={(event) => set({ kind: event.target.value as Draft['kind'] })}
            disabled={isBusy}
          >
            <option value="bearer">{t('coupons.kind.bearer')}</option>
            <option value="assigned">{t('coupons.kind.assigned')}</option>
          </SelectField>
        )}
        <p className="field-hint">
          {t(draft.kind === 'bearer' ? 'coupons.form.kindBearerHint' : 'coupons.form.kindAssignedHint')}
        </p>
        <fieldset className="stack">
          <legend>{t('coupons.form.discount')}</legend>
          <div className="row">
            <SelectField
              label={t('coupons.form.discountKind')}
              value={draft.discountKind}
              onChange={(event) => set({ discountKind: event.target.value as Draft['discountKind'] })}
              disabled={isBusy}
            >
              <option value="percent">{t('coupons.discount.percent')}</option>
              <option value="fixed">{t('coupons.discount.fixed')}</option>
              <option value="free_product">{t('coupons.discount.freeProduct')}</option>
            </SelectField>
            {draft.discountKind === 'percent' ? (
              <TextField
                label={t('coupons.form.percent')}
                inputMode="numeric"
                value={draft.percent}
                onChange={(event) => set({ percent: event.target.value })}
                error={problems.discount}
                disabled={isBusy}
              />
            ) : draft.discountKind === 'fixed' ? (
              <TextField
                label={t('coupons.form.amount', { currency })}
                inputMode="decimal"
                value={draft.amount}
                onChange={(event) => set({ amount: event.target.value })}
                error={problems.discount}
                disabled={isBusy}
              />
            ) : (
              <TextField
                label={t('coupons.form.sku')}
                value={draft.sku}
                onChange={(event) => set({ sku: event.target.value })}
                error={problems.discount}
                disabled={isBusy}
              />
            )}
          </div>
        </fieldset>
        <fieldset className="stack">
          <legend>{t('coupons.form.conditions')}</legend>
          {text('minBasket', t('coupons.form.minBasket', { currency }), t('coupons.form.minBasketHint'), {
            inputMode: 'decimal',
          })}
          <div className="row">
            {text('categories', t('coupons.form.categories'), t('coupons.form.listHint'))}
            {text('skus', t('coupons.form.skus'), t('coupons.form.listHint'))}
          </div>
          <p className="field-hint">{t('coupons.form.appliesToHint')}</p>
          {stores.length > 0 ? (
            <fieldset>
              <legend>{t('coupons.form.stores')}</legend>
              {stores.map((store) => (
                <CheckboxField
                  key={store.id}
                  label={store.name}
                  checked={draft.storeIds.includes(store.id)}
                  onChange={(checked) =>
                    set({
                      storeIds: checked
                        ? [...draft.storeIds, store.id]
                        : draft.storeIds.filter((id) => id !== store.id),
                    })
                  }
                />
              ))}
              <p className="field-hint">{t('coupons.form.storesHint')}</p>
              {problems.stores ? <p className="field-error">{problems.stores}</p> : null}
            </fieldset>
          ) : null}
          {text('tags', t('coupons.form.tags'), t('coupons.form.tagsHint'))}
          <CheckboxField
            label={t('coupons.form.firstPurchaseOnly')}
            checked={draft.firstPurchaseOnly}
            onChange={(firstPurchaseOnly) => set({ firstPurchaseOnly })}
          />
        </fieldset>
        <fieldset className="stack">
          <legend>{t('coupons.form.validity')}</legend>
          <SelectField
            label={t('coupons.form.validityType')}
            value={draft.validityType}
            onChange={(event) => set({ validityType: event.target.value as Draft['validityType'] })}
            disabled={isBusy}
          >
            <option value="relative">{t('coupons.validity.relative')}</option>
            <option value="window">{t('coupons.validity.window')}</option>
          </SelectField>
          {draft.validityType === 'window' ? (
            <div className="row">
              {text('startsAt', t('coupons.form.startsAt'), undefined, { type: 'datetime-local' })}
              {text('endsAt', t('coupons.form.endsAt'), undefined, { type: 'datetime-local' })}
            </div>
          ) : (
            <div className="row">
              {text('daysFromIssue', t('coupons.form.daysFromIssue'), undefined, { inputMode: 'numeric' })}
              {text(
                'activationDelayDays',
                t('coupons.form.activationDelayDays'),
                t('coupons.form.activationDelayHint'),
                { inputMode: 'numeric' },
              )}
            </div>
          )}
        </fieldset>
        <fieldset className="stack">
          <legend>{t('coupons.form.limits')}</legend>
          <div className="row">
            {text('usesPerCoupon', t('coupons.form.usesPerCoupon'), t('coupons.form.usesPerCouponHint'), {
              inputMode: 'numeric',
            })}
            {text('perMemberLimit', t('coupons.form.perMemberLimit'), t('coupons.form.noLimitHint'), {
              inputMode: 'numeric',
            })}
            {text('totalCap', t('coupons.form.totalCap'), t('coupons.form.noLimitHint'), {
              inputMode: 'numeric',
            })}
          </div>
          <CheckboxField
            label={t('coupons.form.restoreOnRefund')}
            checked={draft.restoreOnRefund}
            onChange={(restoreOnRefund) => set({ restoreOnRefund })}
          />
        </fieldset>
        <fieldset className="stack">
          <legend>{t('coupons.form.stacking')}</legend>
          <CheckboxField
            label={t('coupons.form.withCoupons')}
            checked={draft.withCoupons}
            onChange={(withCoupons) => set({ withCoupons })}
          />
          <CheckboxField
            label={t('coupons.form.withRewards')}
            checked={draft.withRewards}
            onChange={(withRewards) => set({ withRewards })}
          />
          <p className="field-hint">{t('coupons.form.stackingHint')}</p>
        </fieldset>
        <fieldset className="stack">
          <legend>{t('coupons.form.codeFormat')}</legend>
          <div className="row">
            {text('prefix', t('coupons.form.prefix'), t('coupons.form.prefixHint'), { maxLength: 8 })}
            {text('length', t('coupons.form.length'), t('coupons.form.lengthHint'), { inputMode: 'numeric' })}
          </div>
        </fieldset>
        {error ? <ErrorNotice error={error} /> : null}
        <div className="row">
          <button type="submit" disabled={isBusy}>
            {isBusy ? t('coupons.form.saving') : template ? t('coupons.form.save') : t('coupons.form.create')}
          </button>
          <button type="button" className="secondary" onClick={onCancel} disabled={isBusy}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </section>
  );
}
