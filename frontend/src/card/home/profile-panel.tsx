import { lazy, Suspense, useState } from 'react';
import type { MemberDetail } from '@regulars/contracts';
import { CheckboxField } from '../../shared/ui/field.js';
import { Notice } from '../../shared/ui/notice.js';
import { LanguageSwitch } from '../../shared/ui/language-switch.js';
import { cardApi } from '../card-api.js';
import { useI18n } from '../card-i18n.js';
import { spacedCardNumber } from '../card-format.js';
import { LoadError } from './load-error.js';

type Consents = MemberDetail['consents'];

const SelfService = lazy(() =>
  import('../profile/self-service.js').then((m) => ({ default: m.SelfService })),
);

/** Who the member is, their marketing consents per channel, the language, and log out. */
export function ProfilePanel({
  member,
  phone,
  cardNumber,
  isOffline,
  onSaved,
  onLogout,
  onDeleted,
}: {
  member: MemberDetail | null;
  phone: string;
  cardNumber: string;
  isOffline: boolean;
  onSaved(): void;
  onLogout(): void;
  onDeleted(): void;
}) {
  const { t, language, setLanguage } = useI18n();
  const [consents, setConsents] = useState<Consents>(
    member?.consents ?? { email: false, sms: false, push: false },
  );
  const [state, setState] = useState<'idle' | 'saving' | 'saved'>('idle');
  const [error, setError] = useState<unknown>(null);

  const save = async () => {
    if (!member) return;
    setState('saving');
    setError(null);
    try {
      await cardApi.updateProfile(member.id, { consents });
      setState('saved');
      onSaved();
    } catch (caught) {
      setError(caught);
      setState('idle');
    }
  };
  const toggle = (channel: keyof Consents) => (checked: boolean) => {
    setConsents((previous) => ({ ...previous, [channel]: checked }));
    setState('idle');
  };

  return (
    <div className="stack">
      <section className="panel">
        <h2>{member?.name ?? ''}</h2>
        <dl className="facts">
          <dt>{t('profile.phone')}</dt>
          <dd>{phone}</dd>
          <dt>{t('profile.cardNumber')}</dt>
          <dd>{spacedCardNumber(cardNumber)}</dd>
        </dl>
        <LanguageSwitch language={language} onChange={setLanguage} label={t('app.language')} />
      </section>
      {member ? (
        <form
          className="panel"
          onSubmit={(event) => {
            event.preventDefault();
            void save();
          }}
        >
          <fieldset className="plain-fieldset">
            <legend>{t('profile.consents')}</legend>
            <CheckboxField
              label={t('join.consentEmail')}
              checked={consents.email}
              onChange={toggle('email')}
            />
            <CheckboxField label={t('join.consentSms')} checked={consents.sms} onChange={toggle('sms')} />
            <CheckboxField label={t('join.consentPush')} checked={consents.push} onChange={toggle('push')} />
          </fieldset>
          {error ? <LoadError error={error} onRetry={() => void save()} /> : null}
          {state === 'saved' ? <Notice tone="success">{t('profile.saved')}</Notice> : null}
          <button type="submit" disabled={state === 'saving'}>
            {state === 'saving' ? t('profile.saving') : t('profile.save')}
          </button>
        </form>
      ) : null}
      {member ? (
        <Suspense fallback={null}>
          <SelfService member={member} isOffline={isOffline} onSaved={onSaved} onDeleted={onDeleted} />
        </Suspense>
      ) : null}
      <section className="panel">
        <p className="field-hint">{t('profile.logoutHint')}</p>
        <button type="button" className="secondary" onClick={onLogout}>
          {t('profile.logout')}
        </button>
      </section>
    </div>
  );
}
