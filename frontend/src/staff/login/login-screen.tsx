import { useState, type FormEvent } from 'react';
import type { StaffLoginResponse } from '@regulars/contracts';
import { ApiError } from '../../shared/api/errors.js';
import { TextField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { LanguageSwitch } from '../../shared/ui/language-switch.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** Email and password; the server's refusal is shown as one sentence, never which part was wrong. */
export function LoginScreen({ onSignedIn }: { onSignedIn(response: StaffLoginResponse): void }) {
  const { t, language, setLanguage } = useI18n();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isBusy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (!/^[^\s@]+@[^\s@]+$/.test(email.trim()) || !password) {
      setInvalid(t('login.missing'));
      return;
    }
    setInvalid(null);
    setBusy(true);
    try {
      onSignedIn(await staffApi.login(email.trim(), password));
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 401) setInvalid(t('login.wrong'));
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login" id="main">
      <form className="panel login-panel" onSubmit={(event) => void submit(event)} noValidate>
        <h1>{t('login.title')}</h1>
        <TextField
          label={t('login.email')}
          type="email"
          autoComplete="username"
          name="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          autoFocus
        />
        <TextField
          label={t('login.password')}
          type="password"
          autoComplete="current-password"
          name="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
        {invalid ? <Notice tone="error">{invalid}</Notice> : null}
        {error ? <ErrorNotice error={error} /> : null}
        <button type="submit" className="big wide" disabled={isBusy}>
          {isBusy ? t('login.signingIn') : t('login.submit')}
        </button>
        <div className="login-language">
          <LanguageSwitch language={language} onChange={setLanguage} label={t('common.language')} />
        </div>
      </form>
    </main>
  );
}
