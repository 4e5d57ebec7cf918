import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { MemberSessionResponse, OtpRequestResponse, ProgramSignUpInfo } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { CheckboxField, TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { LanguageSwitch } from '../../shared/ui/language-switch.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { LoadError } from '../home/load-error.js';
import { joinErrors, phoneError, type JoinErrors } from './join-validation.js';
import { serverNow } from '../../shared/sandbox/server-clock.js';
import { useErrorText } from '../card-errors.js';
import { useNow } from '../use-now.js';

/** Seconds before the card offers to send another code (the server's own limit may ask for longer). */
const RESEND_AFTER_SECONDS = 30;

/** The friend's code of a share link (`/card/?ref=MARIA-7K3F`), filled in the join form. */
const linkCode = new URLSearchParams(window.location.search).get('ref')?.slice(0, 40) ?? '';
// The link's opening counts in the referral funnel (once per page load; its own chunk).
if (linkCode) {
  void import('../invite/referral-join.js').then((m) => m.openReferralLink(linkCode)).catch(() => undefined);
}

/** Join or sign in: phone → one-time code (with name, birth date and consents when the phone is new). */
export function JoinFlow({
  onJoined,
  signedOut = null,
}: {
  onJoined(session: MemberSessionResponse): void;
  /** Why the card was signed out: blocked at the till, or the member deleted their account. */
  signedOut?: 'blocked' | 'deleted' | 'ended' | null;
}) {
  const { t, language, setLanguage } = useI18n();
  const [otp, setOtp] = useState<OtpRequestResponse | null>(null);
  const [phone, setPhone] = useState('');
  return (
    <main className="join" id="main">
      <div className="join-language">
        <LanguageSwitch language={language} onChange={setLanguage} label={t('app.language')} />
      </div>
      {signedOut === 'blocked' ? <Notice tone="error">{t('join.blocked')}</Notice> : null}
      {signedOut === 'deleted' ? <Notice tone="success">{t('join.deleted')}</Notice> : null}
      <h1>{t('join.title')}</h1>
      <p>{t('join.intro')}</p>
      {otp ? (
        <CodeStep otp={otp} onBack={() => setOtp(null)} onJoined={onJoined} onResent={setOtp} />
      ) : (
        <PhoneStep phone={phone} onPhoneChange={setPhone} onSent={setOtp} />
      )}
    </main>
  );
}

function PhoneStep({
  phone,
  onPhoneChange,
  onSent,
}: {
  phone: string;
  onPhoneChange(phone: string): void;
  onSent(otp: OtpRequestResponse): void;
}) {
  const { t } = useI18n();
  const [isSending, setSending] = useState(false);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const refusedText = useErrorText(refused);
  const [error, setError] = useState<unknown>(null);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const problem = phoneError(phone);
    setInvalid(problem ? t(problem) : null);
    setRefused(null);
    if (problem) return;
    setSending(true);
    setError(null);
    try {
      onSent(await cardApi.requestCode(phone.trim()));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 400) setRefused(caught);
      else setError(caught);
    } finally {
      setSending(false);
    }
  };

  return (
    <form className="panel" onSubmit={(event) => void submit(event)} noValidate>
      <TextField
        label={t('join.phone')}
        hint={t('join.phoneHint')}
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        name="phone"
        value={phone}
        onChange={(event) => onPhoneChange(event.target.value)}
        error={invalid ?? refusedText}
        required
        autoFocus
      />
      {error ? <LoadError error={error} onRetry={() => void submit()} /> : null}
      <button type="submit" className="big wide" disabled={isSending}>
        {isSending ? t('join.sending') : t('join.sendCode')}
      </button>
    </form>
  );
}

function CodeStep({
  otp,
  onBack,
  onJoined,
  onResent,
}: {
  otp: OtpRequestResponse;
  onBack(): void;
  onJoined(session: MemberSessionResponse): void;
  onResent(otp: OtpRequestResponse): void;
}) {
  const { t } = useI18n();
  // The code request does not say whether the phone is a member's (anyone could ask it about any
  // phone): the first verify tells, with SIGNUP_REQUIRED, and the same code then creates the card.
  const [isNewMember, setNewMember] = useState(false);
  const [fields, setFields] = useState({ name: '', email: '', birthDate: '', code: '', referral: linkCode });
  const [referralError, setReferralError] = useState<string | null>(null);
  const [consents, setConsents] = useState({ email: false, sms: false, push: false });
  const [errors, setErrors] = useState<JoinErrors>({});
  const [refused, setRefused] = useState<unknown>(null);
  const serverMessage = useErrorText(refused);
  const [error, setError] = useState<unknown>(null);
  const [isVerifying, setVerifying] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const today = new Date(serverNow()).toISOString().slice(0, 10);

  const set = (name: keyof typeof fields) => (event: { target: { value: string } }) =>
    setFields((previous) => ({ ...previous, [name]: event.target.value }));

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    const found = joinErrors(fields, { isNewMember, today });
    setErrors(found);
    setRefused(null);
    if (Object.keys(found).length) {
      formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    setVerifying(true);
    setError(null);
    const referralCode = isNewMember ? fields.referral.trim() : '';
    // A code is checked before the card is created, and given once it exists (its own chunk).
    const referrals = referralCode ? await import('../invite/referral-join.js') : null;
    try {
      if (referrals) {
        setReferralError(null);
        try {
          await referrals.checkReferralCode(referralCode);
        } catch (caught) {
          if (caught instanceof ApiError && caught.status < 500) {
            setReferralError(t('join.referralUnknown'));
            return;
          }
          throw caught;
        }
      }
      const session = await cardApi.verifyCode({
        phone: otp.phone,
        code: fields.code.trim(),
        signup: isNewMember
          ? {
              name: fields.name.trim(),
              ...(fields.email.trim() ? { email: fields.email.trim() } : {}),
              ...(fields.birthDate ? { birthDate: fields.birthDate } : {}),
              consents,
            }
          : undefined,
      });
      onJoined(session);
      if (referrals) await referrals.claimReferral(session.member.id, referralCode).catch(() => undefined);
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'SIGNUP_REQUIRED') setNewMember(true);
      else if (caught instanceof ApiError && caught.status < 500) setRefused(caught);
      else setError(caught);
    } finally {
      setVerifying(false);
    }
  };

  const message = (key: keyof JoinErrors) => {
    const found = errors[key];
    return found ? t(found) : null;
  };

  return (
    <form ref={formRef} className="panel" onSubmit={(event) => void submit(event)} noValidate>
      <p>
        {t('join.codeSentTo', { phone: otp.phone })}{' '}
        <button type="button" className="link" onClick={onBack}>
          {t('join.changePhone')}
        </button>
      </p>
      <p>{isNewMember ? t('join.newMember') : t('join.enterCode')}</p>
      {isNewMember ? (
        <>
          <TextField
            label={t('join.name')}
            name="name"
            autoComplete="name"
            value={fields.name}
            onChange={set('name')}
            error={message('name')}
            required
            autoFocus
          />
          <TextField
            label={t('join.email')}
            name="email"
            type="email"
            autoComplete="email"
            value={fields.email}
            onChange={set('email')}
            error={message('email')}
          />
          <TextField
            label={t('join.birthDate')}
            hint={t('join.birthDateHint')}
            name="birthDate"
            type="date"
            autoComplete="bday"
            max={today}
            value={fields.birthDate}
            onChange={set('birthDate')}
            error={message('birthDate')}
          />
          <TextField
            label={t('join.referralCode')}
            name="referral"
            autoCapitalize="characters"
            value={fields.referral}
            onChange={set('referral')}
            error={referralError}
          />
          <LegalLinks />
          <fieldset className="plain-fieldset">
            <legend>{t('join.consents')}</legend>
            <CheckboxField
              label={t('join.consentEmail')}
              checked={consents.email}
              onChange={(email) => setConsents((c) => ({ ...c, email }))}
            />
            <CheckboxField
              label={t('join.consentSms')}
              checked={consents.sms}
              onChange={(sms) => setConsents((c) => ({ ...c, sms }))}
            />
            <CheckboxField
              label={t('join.consentPush')}
              checked={consents.push}
              onChange={(push) => setConsents((c) => ({ ...c, push }))}
            />
          </fieldset>
        </>
      ) : null}
      <TextField
        label={t('join.code')}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        maxLength={6}
        value={fields.code}
        onChange={set('code')}
        error={message('code')}
        required
        autoFocus={!isNewMember}
      />
      <ResendCode phone={otp.phone} onResent={onResent} onRefused={setRefused} />
      {otp.devCode ? (
        <p className="dev-hint" data-testid="dev-code">
          {t('join.devHint', { code: otp.devCode })}
        </p>
      ) : null}
      {serverMessage ? <Notice tone="error">{serverMessage}</Notice> : null}
      {error ? <LoadError error={error} onRetry={() => void submit()} /> : null}
      <button type="submit" className="big wide" disabled={isVerifying}>
        {isVerifying ? t('join.verifying') : isNewMember ? t('join.submitNew') : t('join.submitCode')}
      </button>
    </form>
  );
}

/** The program's terms and privacy notice, when it has published them, as links that open apart. */
function LegalLinks() {
  const { t } = useI18n();
  const [info, setInfo] = useState<ProgramSignUpInfo | null>(null);
  useEffect(() => {
    cardApi.signUpInfo().then(setInfo, () => setInfo(null));
  }, []);
  const links = [
    info?.termsUrl ? { href: info.termsUrl, label: t('join.terms') } : null,
    info?.privacyUrl ? { href: info.privacyUrl, label: t('join.privacy') } : null,
  ].filter((link) => link !== null);
  if (!links.length) return null;
  return (
    <p className="field-hint" data-testid="join-legal">
      {t('join.legal')}{' '}
      {links.map((link, index) => (
        <span key={link.href}>
          {index > 0 ? ', ' : ''}
          <a href={link.href} target="_blank" rel="noopener noreferrer">
            {link.label}
          </a>
        </span>
      ))}
    </p>
  );
}

/**
 * "Send a new code", offered 30 s after the last one was sent, or when the server's limit says (its
 * `retryAfterSeconds`), with the seconds counting down meanwhile.
 */
function ResendCode({
  phone,
  onResent,
  onRefused,
}: {
  phone: string;
  onResent(otp: OtpRequestResponse): void;
  onRefused(error: unknown): void;
}) {
  const { t } = useI18n();
  const now = useNow(1000);
  const [allowedAt, setAllowedAt] = useState(() => Date.now() + RESEND_AFTER_SECONDS * 1000);
  const [isSending, setSending] = useState(false);
  const seconds = Math.ceil((allowedAt - now) / 1000);
  const time = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  const resend = async () => {
    setSending(true);
    onRefused(null);
    try {
      onResent(await cardApi.requestCode(phone));
      setAllowedAt(Date.now() + RESEND_AFTER_SECONDS * 1000);
    } catch (caught) {
      const retryAfter =
        caught instanceof ApiError
          ? (caught.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds
          : undefined;
      if (typeof retryAfter === 'number') setAllowedAt(Date.now() + retryAfter * 1000);
      onRefused(caught);
    } finally {
      setSending(false);
    }
  };
  return seconds > 0 ? (
    <p className="field-hint" data-testid="resend-countdown" aria-live="polite">
      {t('join.resendIn', { time })}
    </p>
  ) : (
    <button type="button" className="link" onClick={() => void resend()} disabled={isSending}>
      {t('join.resend')}
    </button>
  );
}
