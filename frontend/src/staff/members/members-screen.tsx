import { useState, type FormEvent } from 'react';
import type { MemberLookupQuery, MemberSummary } from '@regulars/contracts';
import { formatDate } from '../../shared/format.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { Loading } from '../../shared/ui/spinner.js';
import { dayEndIso, dayStartIso } from '../admin/day-range.js';
import { navigate } from '../router.js';
import { useSession } from '../session.js';
import './members.css';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { shownMemberName, shownMemberPhone } from './member-identity.js';

/** Which lookup a typed query means: 12 digits a card number, digits a phone, @ an email, else name words. */
export function lookupFor(text: string): Partial<MemberLookupQuery> {
  const trimmed = text.trim();
  if (/^\d{12}$/.test(trimmed.replace(/\s/g, ''))) return { cardNumber: trimmed.replace(/\s/g, '') };
  if (/^[+\d\s()-]{6,}$/.test(trimmed)) return { phone: trimmed };
  if (trimmed.includes('@')) return { email: trimmed };
  return { name: trimmed };
}

type Filters = {
  tag: string;
  blocked: '' | 'true' | 'false';
  joinedFrom: string;
  joinedTo: string;
  storeId: string;
};
const NO_FILTERS: Filters = { tag: '', blocked: '', joinedFrom: '', joinedTo: '', storeId: '' };

/** Find a member by phone, card number, email or the start of any word of the name, with filters. */
export function MembersScreen() {
  const { t, language } = useI18n();
  const { program, stores } = useSession();
  const [query, setQuery] = useState('');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [rangeError, setRangeError] = useState<string | null>(null);
  const [results, setResults] = useState<MemberSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [isLoading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);

  const search = async (event?: FormEvent, next?: string) => {
    event?.preventDefault();
    const hasFilter = Object.values(filters).some(Boolean);
    if (!query.trim() && !hasFilter) {
      setInvalid(t('members.searchEmpty'));
      return;
    }
    setInvalid(null);
    const joinedFrom = filters.joinedFrom ? dayStartIso(filters.joinedFrom, program.timeZone) : null;
    const joinedTo = filters.joinedTo ? dayEndIso(filters.joinedTo, program.timeZone) : null;
    if (joinedFrom && joinedTo && joinedTo <= joinedFrom) {
      setRangeError(t('members.filter.rangeInvalid'));
      return;
    }
    setRangeError(null);
    const narrowed: Partial<MemberLookupQuery> = {
      ...(query.trim() ? lookupFor(query) : {}),
      ...(filters.tag.trim() ? { tag: filters.tag.trim() } : {}),
      ...(filters.blocked ? { blocked: filters.blocked } : {}),
      ...(joinedFrom ? { joinedFrom } : {}),
      ...(joinedTo ? { joinedTo } : {}),
      ...(filters.storeId ? { storeId: filters.storeId } : {}),
    };
    setLoading(true);
    setError(null);
    try {
      const page = await staffApi.findMembers({ ...narrowed, ...(next ? { cursor: next } : {}) });
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
      <form className="stack" onSubmit={(event) => void search(event)} role="search" noValidate>
        <div className="row">
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
        </div>
        <fieldset className="member-filters">
          <legend>{t('members.filters')}</legend>
          <TextField
            label={t('members.filter.tag')}
            value={filters.tag}
            onChange={(event) => setFilters((current) => ({ ...current, tag: event.target.value }))}
            maxLength={60}
          />
          <SelectField
            label={t('members.filter.status')}
            value={filters.blocked}
            onChange={(event) =>
              setFilters((current) => ({ ...current, blocked: event.target.value as Filters['blocked'] }))
            }
          >
            <option value="">{t('members.filter.anyStatus')}</option>
            <option value="true">{t('members.filter.blocked')}</option>
            <option value="false">{t('members.filter.notBlocked')}</option>
          </SelectField>
          <TextField
            label={t('members.filter.joinedFrom')}
            type="date"
            value={filters.joinedFrom}
            onChange={(event) => setFilters((current) => ({ ...current, joinedFrom: event.target.value }))}
          />
          <TextField
            label={t('members.filter.joinedTo')}
            type="date"
            value={filters.joinedTo}
            onChange={(event) => setFilters((current) => ({ ...current, joinedTo: event.target.value }))}
            error={rangeError}
          />
          {stores.length ? (
            <SelectField
              label={t('members.filter.store')}
              value={filters.storeId}
              onChange={(event) => setFilters((current) => ({ ...current, storeId: event.target.value }))}
            >
              <option value="">{t('members.filter.anyStore')}</option>
              {stores.map((store) => (
                <option key={store.id} value={store.id}>
                  {store.name}
                </option>
              ))}
            </SelectField>
          ) : null}
        </fieldset>
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
              <th scope="col">{t('members.joinedCol')}</th>
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
                    {shownMemberName(member, t)}
                  </a>
                  {member.isBlocked ? (
                    <span className="badge badge-paused"> {t('members.blocked')}</span>
                  ) : null}
                </td>
                <td>{shownMemberPhone(member)}</td>
                <td>{member.cardNumber}</td>
                <td>{member.tier ?? '—'}</td>
                <td>{formatDate(member.joinedAt, language)}</td>
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
