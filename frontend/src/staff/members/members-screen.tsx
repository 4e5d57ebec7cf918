import { useState, type FormEvent } from 'react';
import type { MemberLookupQuery, MemberSummary } from '@regulars/contracts';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { navigate } from '../router.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';

/** Which lookup a typed query means: 12 digits a card number, digits a phone, @ an email, else a name prefix. */
export function lookupFor(text: string): Partial<MemberLookupQuery> {
  const trimmed = text.trim();
  if (/^\d{12}$/.test(trimmed.replace(/\s/g, ''))) return { cardNumber: trimmed.replace(/\s/g, '') };
  if (/^[+\d\s()-]{6,}$/.test(trimmed)) return { phone: trimmed };
  if (trimmed.includes('@')) return { email: trimmed };
  return { name: trimmed };
}

/** Find a member by phone, card number, email or the start of the name. */
export function MembersScreen() {
  const { t } = useI18n();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<MemberSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);

  const search = async (event?: FormEvent, next?: string) => {
    event?.preventDefault();
    if (!query.trim()) {
      setInvalid(t('members.searchEmpty'));
      return;
    }
    setInvalid(null);
    setLoading(true);
    setError(null);
    try {
      const page = await staffApi.findMembers({ ...lookupFor(query), ...(next ? { cursor: next } : {}) });
      setResults((previous) => (next && previous ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  };

  return (
    <main className="page" id="main" aria-labelledby="members-title">
      <h1 id="members-title">{t('members.title')}</h1>
      <form className="row" onSubmit={(event) => void search(event)} role="search" noValidate>
        <div className="field">
          <label htmlFor="member-query">{t('members.search')}</label>
          <input
            id="member-query"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            aria-describedby="member-query-hint"
            aria-invalid={invalid ? true : undefined}
          />
          <p className="field-hint" id="member-query-hint">
            {t('members.searchHint')}
          </p>
          {invalid ? <p className="field-error">{invalid}</p> : null}
        </div>
        <button type="submit" disabled={isLoading}>
          {t('common.search')}
        </button>
      </form>
      {error ? <ErrorNotice error={error} /> : null}
      {isLoading && !results ? <Loading label={t('common.loading')} /> : null}
      {results && !results.length ? <EmptyState>{t('members.none')}</EmptyState> : null}
      {results?.length ? (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('members.name')}</th>
              <th scope="col">{t('members.phone')}</th>
              <th scope="col">{t('members.card')}</th>
              <th scope="col">{t('members.tier')}</th>
            </tr>
          </thead>
          <tbody>
            {results.map((member) => (
              <tr key={member.id}>
                <td>
                  <a
                    href={`/staff/members/${member.id}`}
                    onClick={(event) => {
                      event.preventDefault();
                      navigate(`/members/${member.id}`);
                    }}
                  >
                    {member.name}
                  </a>
                  {member.isBlocked ? (
                    <span className="badge badge-paused"> {t('members.blocked')}</span>
                  ) : null}
                </td>
                <td>{member.phone}</td>
                <td>{member.cardNumber}</td>
                <td>{member.tier ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {cursor ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void search(undefined, cursor)}
          disabled={isLoading}
        >
          {t('common.more')}
        </button>
      ) : null}
    </main>
  );
}
