import { useEffect, useState, type FormEvent } from 'react';
import type { ProgramSettings, UpdateProgramBody } from '@regulars/contracts';

type NegativeBalancePolicy = ProgramSettings['negativeBalancePolicy'];
import { currencyDigits, formatDateTime, formatMoney, parseMoneyToMinor } from '../../shared/format.js';
import { useLoad } from '../../shared/use-load.js';
import { Notice } from '../../shared/ui/notice.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { Loading } from '../../shared/ui/spinner.js';
import { useI18n, type StaffT } from '../staff-i18n.js';
import { adminApi } from './admin-api.js';
import { AdminErrorNotice } from './admin-errors.js';
import { useAdminWrite } from './use-admin-write.js';

type Draft = {
  name: string;
  currency: string;
  timeZone: string;
  pointValue: string;
  pendingDays: string;
  expiryMonths: string;
  negativeBalancePolicy: NegativeBalancePolicy;
  checkoutTtlMinutes: string;
  giftCertificateExpiryMonths: string;
  giftCertificateReloadCap: string;
  termsUrl: string;
  privacyUrl: string;
};
type Field = keyof Draft;

const TIME_ZONES: string[] =
  typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

function isCurrency(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false;
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code });
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/** Minor units as the admin would type them back ("0.01", "12.50"), in the currency's decimals. */
function minorToText(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  return digits === 0 ? String(minor) : (minor / 10 ** digits).toFixed(digits);
}

function toDraft(program: ProgramSettings): Draft {
  return {
    name: program.name,
    currency: program.currency,
    timeZone: program.timeZone,
    pointValue: minorToText(program.pointValueMinor, program.currency),
    pendingDays: String(program.pendingDays),
    expiryMonths: String(program.expiryMonths),
    negativeBalancePolicy: program.negativeBalancePolicy,
    checkoutTtlMinutes: String(program.checkoutTtlMinutes),
    giftCertificateExpiryMonths: String(program.giftCertificateExpiryMonths),
    giftCertificateReloadCap: minorToText(program.giftCertificateReloadCapMinor, program.currency),
    termsUrl: program.termsUrl ?? '',
    privacyUrl: program.privacyUrl ?? '',
  };
}

/** An empty field is no link (null); anything else must be an absolute http(s) URL. */
function legalUrl(text: string): string | null | undefined {
  const url = text.trim();
  if (!url) return null;
  try {
    return /^https?:$/.test(new URL(url).protocol) && url.length <= 500 ? url : undefined;
  } catch {
    return undefined;
  }
}

function wholeNumber(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null;
  const value = Number(text.trim());
  return value >= min && value <= max ? value : null;
}

/** The body of the PATCH (only what changed), or the fields that are wrong, in words. */
function toBody(
  draft: Draft,
  program: ProgramSettings,
  t: StaffT,
): { body: UpdateProgramBody } | { problems: Partial<Record<Field, string>> } {
  const problems: Partial<Record<Field, string>> = {};
  const currency = draft.currency.trim().toUpperCase();
  if (!draft.name.trim()) problems.name = t('admin.program.nameMissing');
  if (!isCurrency(currency)) problems.currency = t('admin.program.currencyInvalid');
  if (!isTimeZone(draft.timeZone.trim())) problems.timeZone = t('admin.program.timeZoneInvalid');
  const money = isCurrency(currency) ? currency : program.currency;
  const pointValueMinor = parseMoneyToMinor(draft.pointValue, money);
  if (pointValueMinor === null || pointValueMinor < 1 || pointValueMinor > 100_000)
    problems.pointValue = t('admin.program.pointValueInvalid');
  const pendingDays = wholeNumber(draft.pendingDays, 0, 365);
  if (pendingDays === null) problems.pendingDays = t('admin.program.range', { min: 0, max: 365 });
  const expiryMonths = wholeNumber(draft.expiryMonths, 0, 120);
  if (expiryMonths === null) problems.expiryMonths = t('admin.program.range', { min: 0, max: 120 });
  const checkoutTtlMinutes = wholeNumber(draft.checkoutTtlMinutes, 1, 1440);
  if (checkoutTtlMinutes === null)
    problems.checkoutTtlMinutes = t('admin.program.range', { min: 1, max: 1440 });
  const giftExpiry = wholeNumber(draft.giftCertificateExpiryMonths, 0, 120);
  if (giftExpiry === null)
    problems.giftCertificateExpiryMonths = t('admin.program.range', { min: 0, max: 120 });
  const reloadCapMinor = parseMoneyToMinor(draft.giftCertificateReloadCap, money);
  if (reloadCapMinor === null || reloadCapMinor < 1 || reloadCapMinor > 10_000_000)
    problems.giftCertificateReloadCap = t('admin.program.amountInvalid');
  const termsUrl = legalUrl(draft.termsUrl);
  if (termsUrl === undefined) problems.termsUrl = t('admin.program.urlInvalid');
  const privacyUrl = legalUrl(draft.privacyUrl);
  if (privacyUrl === undefined) problems.privacyUrl = t('admin.program.urlInvalid');
  if (Object.keys(problems).length > 0) return { problems };

  const next: Required<UpdateProgramBody> = {
    name: draft.name.trim(),
    currency,
    timeZone: draft.timeZone.trim(),
    pointValueMinor: pointValueMinor ?? program.pointValueMinor,
    pendingDays: pendingDays ?? program.pendingDays,
    expiryMonths: expiryMonths ?? program.expiryMonths,
    negativeBalancePolicy: draft.negativeBalancePolicy,
    checkoutTtlMinutes: checkoutTtlMinutes ?? program.checkoutTtlMinutes,
    giftCertificateExpiryMonths: giftExpiry ?? program.giftCertificateExpiryMonths,
    giftCertificateReloadCapMinor: reloadCapMinor ?? program.giftCertificateReloadCapMinor,
    termsUrl: termsUrl ?? null,
    privacyUrl: privacyUrl ?? null,
  };
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(next))
    if (program[key as keyof ProgramSettings] !== value) body[key] = value;
  return { body: body as UpdateProgramBody };
}

/** Program settings: every setting the program API has, amounts typed in the currency. */
export function ProgramSettingsScreen() {
  const { t, language } = useI18n();
  const loaded = useLoad(() => adminApi.program());
  const [program, setProgram] = useState<ProgramSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [problems, setProblems] = useState<Partial<Record<Field, string>>>({});
  const [saved, setSaved] = useState(false);
  const write = useAdminWrite();

  useEffect(() => {
    if (loaded.data) {
      setProgram(loaded.data);
      setDraft(toDraft(loaded.data));
    }
  }, [loaded.data]);

  const change = (field: Field, value: string) => {
    setDraft((current) => (current ? { ...current, [field]: value } : current));
    setSaved(false);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft || !program) return;
    const result = toBody(draft, program, t);
    if ('problems' in result) {
      setProblems(result.problems);
      return;
    }
    setProblems({});
    void write.run(async () => {
      const updated =
        Object.keys(result.body).length > 0 ? await adminApi.updateProgram(result.body) : program;
      setProgram(updated);
      setDraft(toDraft(updated));
      setSaved(true);
    });
  };

  const field = (name: Field, label: string, hint?: string, extra: Record<string, unknown> = {}) => (
    <TextField
      label={label}
      hint={hint}
      error={problems[name] ?? null}
      value={draft?.[name] ?? ''}
      onChange={(event) => change(name, event.target.value)}
      {...extra}
    />
  );

  return (
    <main className="page" id="main" aria-labelledby="program-title">
      <div className="page-heading">
        <h1 id="program-title">{t('admin.program.title')}</h1>
      </div>
      <p>{t('admin.program.intro')}</p>
      {loaded.error ? (
        <AdminErrorNotice error={loaded.error} onRetry={loaded.reload} />
      ) : !draft || !program ? (
        <Loading label={t('common.loading')} />
      ) : (
        <form className="panel stack" onSubmit={submit} noValidate>
          <div className="admin-form-grid">
            {field('name', t('admin.program.name'))}
            {field('currency', t('admin.program.currency'), t('admin.program.currencyHint'), {
              maxLength: 3,
              autoCapitalize: 'characters',
            })}
            {field('timeZone', t('admin.program.timeZone'), t('admin.program.timeZoneHint'), {
              list: 'admin-time-zones',
            })}
            {field(
              'pointValue',
              t('admin.program.pointValue', { currency: draft.currency.toUpperCase() }),
              t('admin.program.pointValueHint', {
                value: formatMoney(program.pointValueMinor, program.currency, language),
              }),
              { inputMode: 'decimal' },
            )}
            {field('pendingDays', t('admin.program.pendingDays'), t('admin.program.pendingDaysHint'), {
              inputMode: 'numeric',
            })}
            {field('expiryMonths', t('admin.program.expiryMonths'), t('admin.program.expiryMonthsHint'), {
              inputMode: 'numeric',
            })}
            <SelectField
              label={t('admin.program.negativeBalance')}
              value={draft.negativeBalancePolicy}
              onChange={(event) => change('negativeBalancePolicy', event.target.value)}
            >
              <option value="allow">{t('admin.program.negative.allow')}</option>
              <option value="floor_at_zero">{t('admin.program.negative.floor')}</option>
            </SelectField>
            {field('checkoutTtlMinutes', t('admin.program.checkoutTtl'), t('admin.program.checkoutTtlHint'), {
              inputMode: 'numeric',
            })}
            {field(
              'giftCertificateExpiryMonths',
              t('admin.program.giftExpiry'),
              t('admin.program.expiryMonthsHint'),
              { inputMode: 'numeric' },
            )}
            {field(
              'giftCertificateReloadCap',
              t('admin.program.giftReloadCap', { currency: draft.currency.toUpperCase() }),
              undefined,
              { inputMode: 'decimal' },
            )}
            {field('termsUrl', t('admin.program.termsUrl'), t('admin.program.legalUrlHint'), {
              type: 'url',
              inputMode: 'url',
            })}
            {field('privacyUrl', t('admin.program.privacyUrl'), t('admin.program.legalUrlHint'), {
              type: 'url',
              inputMode: 'url',
            })}
          </div>
          <datalist id="admin-time-zones">
            {TIME_ZONES.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
          <p className="field-hint">
            {t('admin.program.updatedAt', { date: formatDateTime(program.updatedAt, language) })}
          </p>
          {write.error ? <AdminErrorNotice error={write.error} /> : null}
          {saved ? (
            <Notice tone="success">
              <p>{t('admin.program.saved')}</p>
            </Notice>
          ) : null}
          <div className="row">
            <button type="submit" disabled={write.isBusy}>
              {write.isBusy ? t('admin.saving') : t('admin.program.save')}
            </button>
          </div>
        </form>
      )}
    </main>
  );
}
