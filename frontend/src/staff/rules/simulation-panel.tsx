import { useState, type FormEvent } from 'react';
import type { MemberSummary, RuleSelection, SimulateBody, SimulationResult } from '@regulars/contracts';
import { formatPoints, parseMoneyToMinor } from '../../shared/format.js';
import { zonedLocalToIso } from './zoned-time.js';
import { SelectField, TextField } from '../../shared/ui/field.js';
import { EmptyState } from '../../shared/ui/notice.js';
import { useSession } from '../session.js';
import { staffApi } from '../staff-api.js';
import { useI18n } from '../staff-i18n.js';
import { ErrorNotice } from '../ui/error-notice.js';
import { useActiveStampCards } from '../stamps/stamp-card-picker.js';
import type { Draft } from './rule-draft.js';

type Line = { sku: string; category: string; quantity: string; unitPrice: string };
type TraceRow = {
  ruleId?: unknown;
  ruleName?: unknown;
  outcome?: unknown;
  points?: unknown;
  message?: unknown;
};

type StampsAddedRow = {
  type?: unknown;
  cardId?: unknown;
  stamps?: unknown;
  balanceBefore?: unknown;
  balanceAfter?: unknown;
  threshold?: unknown;
  rewardsUnlocked?: unknown;
};

/** The stamps a simulation would add, per stamp card by its name (the trace cannot name it). */
function StampLines({ effects }: { effects: SimulationResult['effects'] }) {
  const { t } = useI18n();
  const cards = useActiveStampCards();
  const added = (effects as StampsAddedRow[]).filter((effect) => effect.type === 'stampsAdded');
  if (added.length === 0) return null;
  return (
    <ul className="stack" aria-label={t('rules.sim.stamps')}>
      {added.map((effect, index) => (
        <li key={index}>
          {t('rules.sim.stampsLine', {
            card:
              cards.data?.find((card) => card.id === effect.cardId)?.name ?? t('rules.sim.stampsUnknownCard'),
            stamps: Number(effect.stamps),
            before: Number(effect.balanceBefore),
            after: Number(effect.balanceAfter),
            threshold: typeof effect.threshold === 'number' ? effect.threshold : '—',
            unlocked: Number(effect.rewardsUnlocked),
          })}
        </li>
      ))}
    </ul>
  );
}

/** Try the rules on a basket and a member (real or hypothetical) before publishing; writes nothing. */
export function SimulationPanel({ draft, isSaved }: { draft: Draft; isSaved: boolean }) {
  const { t, language } = useI18n();
  const { program } = useSession();
  const [which, setWhich] = useState<'published+drafts' | 'published' | 'inline'>(
    isSaved ? 'published+drafts' : 'inline',
  );
  const [memberMode, setMemberMode] = useState<'hypothetical' | 'real'>('hypothetical');
  const [tier, setTier] = useState('');
  const [purchaseCount, setPurchaseCount] = useState('5');
  const [tags, setTags] = useState('');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<MemberSummary[] | null>(null);
  const [member, setMember] = useState<MemberSummary | null>(null);
  const [lines, setLines] = useState<Line[]>([
    { sku: 'SALE', category: '', quantity: '1', unitPrice: '10.00' },
  ]);
  const [at, setAt] = useState('');
  const [result, setResult] = useState<SimulationResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [invalid, setInvalid] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  const search = async () => {
    setError(null);
    try {
      const text = query.trim();
      const digits = text.replace(/\D/g, '');
      const page = await staffApi.findMembers(
        /^\d{12}$/.test(text)
          ? { cardNumber: text }
          : digits.length >= 6 && /^[+\d\s()-]+$/.test(text)
            ? { phone: text }
            : text.includes('@')
              ? { email: text }
              : { name: text },
      );
      setFound(page.items);
    } catch (caught) {
      setError(caught);
    }
  };

  const run = async (event: FormEvent) => {
    event.preventDefault();
    const items = lines.map((line) => ({
      sku: line.sku.trim(),
      ...(line.category.trim() ? { category: line.category.trim() } : {}),
      quantity: Number.parseInt(line.quantity, 10),
      unitPriceMinor: parseMoneyToMinor(line.unitPrice, program.currency) ?? -1,
    }));
    if (items.some((item) => !item.sku || !(item.quantity >= 1) || item.unitPriceMinor < 0)) {
      setInvalid(t('rules.sim.badBasket'));
      return;
    }
    if (memberMode === 'real' && !member) {
      setInvalid(t('rules.sim.pickMember'));
      return;
    }
    setInvalid(null);
    // "This rule alone": only the draft runs (with the published rules its multiplier multiplies).
    const rules: RuleSelection = which === 'inline' ? { inline: draft, alone: true } : which;
    // The time is typed in the program's time zone, the one the rules read hours and days in.
    const atInstant = at ? zonedLocalToIso(at, program.timeZone) : null;
    const body: SimulateBody = {
      basket: { currency: program.currency, items, ...(atInstant ? { at: atInstant } : {}) },
      rules,
      ...(memberMode === 'real' && member
        ? { memberId: member.id }
        : {
            member: {
              ...(tier.trim() ? { tier: tier.trim() } : {}),
              ...(Number.isInteger(Number(purchaseCount)) && purchaseCount !== ''
                ? { purchaseCount: Number(purchaseCount) }
                : {}),
              ...(tags.trim()
                ? {
                    tags: tags
                      .split(',')
                      .map((tag) => tag.trim())
                      .filter(Boolean),
                  }
                : {}),
            },
          }),
    };
    setBusy(true);
    setError(null);
    try {
      setResult(await staffApi.simulate(body));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const setLine = (index: number, patch: Partial<Line>) =>
    setLines((previous) => previous.map((line, i) => (i === index ? { ...line, ...patch } : line)));

  return (
    <section className="panel simulation" aria-labelledby="sim-title">
      <h2 id="sim-title">{t('rules.sim.title')}</h2>
      <form onSubmit={(event) => void run(event)} noValidate>
        <SelectField
          label={t('rules.sim.which')}
          name="sim-rules"
          value={which}
          onChange={(e) => setWhich(e.target.value as typeof which)}
        >
          <option value="published+drafts" disabled={!isSaved}>
            {t('rules.sim.publishedAndDrafts')}
          </option>
          <option value="published">{t('rules.sim.published')}</option>
          <option value="inline">{t('rules.designer.simAlone')}</option>
        </SelectField>
        <fieldset className="plain-fieldset">
          <legend>{t('rules.sim.member')}</legend>
          <div className="row">
            <label className="checkbox-field">
              <input
                type="radio"
                name="member-mode"
                checked={memberMode === 'hypothetical'}
                onChange={() => setMemberMode('hypothetical')}
              />
              <span>{t('rules.sim.hypothetical')}</span>
            </label>
            <label className="checkbox-field">
              <input
                type="radio"
                name="member-mode"
                checked={memberMode === 'real'}
                onChange={() => setMemberMode('real')}
              />
              <span>{t('rules.sim.real')}</span>
            </label>
          </div>
          {memberMode === 'hypothetical' ? (
            <div className="row">
              <TextField label={t('rules.sim.tier')} value={tier} onChange={(e) => setTier(e.target.value)} />
              <TextField
                label={t('rules.sim.purchaseCount')}
                inputMode="numeric"
                value={purchaseCount}
                onChange={(e) => setPurchaseCount(e.target.value)}
              />
              <TextField label={t('rules.sim.tags')} value={tags} onChange={(e) => setTags(e.target.value)} />
            </div>
          ) : (
            <div>
              <div className="row">
                <TextField
                  label={t('rules.sim.findMember')}
                  value={query}
                  onChange={(e) => setQuery(e.target.value)}
                />
                <button type="button" className="secondary" onClick={() => void search()}>
                  {t('common.search')}
                </button>
              </div>
              {member ? <p>{t('rules.sim.chosen', { name: member.name, card: member.cardNumber })}</p> : null}
              {found && !found.length ? <EmptyState>{t('members.none')}</EmptyState> : null}
              {found?.length ? (
                <ul className="plain-list">
                  {found.map((candidate) => (
                    <li key={candidate.id}>
                      <button type="button" className="link" onClick={() => setMember(candidate)}>
                        {candidate.name} · {candidate.cardNumber}
                      </button>
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          )}
        </fieldset>
        <fieldset className="plain-fieldset">
          <legend>{t('rules.sim.basket')}</legend>
          {lines.map((line, index) => (
            <div className="row" key={index}>
              <TextField
                label={t('desk.purchase.sku')}
                value={line.sku}
                onChange={(e) => setLine(index, { sku: e.target.value })}
              />
              <TextField
                label={t('desk.purchase.category')}
                value={line.category}
                onChange={(e) => setLine(index, { category: e.target.value })}
              />
              <TextField
                label={t('desk.purchase.quantity')}
                inputMode="numeric"
                value={line.quantity}
                onChange={(e) => setLine(index, { quantity: e.target.value })}
              />
              <TextField
                label={t('desk.purchase.unitPrice')}
                name={`sim-price-${index}`}
                inputMode="decimal"
                value={line.unitPrice}
                onChange={(e) => setLine(index, { unitPrice: e.target.value })}
              />
              {lines.length > 1 ? (
                <button
                  type="button"
                  className="link"
                  onClick={() => setLines((previous) => previous.filter((_, i) => i !== index))}
                >
                  {t('common.remove')}
                </button>
              ) : null}
            </div>
          ))}
          <button
            type="button"
            className="link"
            onClick={() =>
              setLines((previous) => [...previous, { sku: '', category: '', quantity: '1', unitPrice: '' }])
            }
          >
            {t('desk.purchase.addLine')}
          </button>
          <TextField
            label={t('rules.designer.simAt', { timeZone: program.timeZone })}
            name="sim-at"
            type="datetime-local"
            value={at}
            onChange={(e) => setAt(e.target.value)}
            hint={t('rules.sim.atHint')}
          />
        </fieldset>
        {invalid ? (
          <p className="field-error" role="alert">
            {invalid}
          </p>
        ) : null}
        {error ? <ErrorNotice error={error} /> : null}
        <button type="submit" disabled={isBusy}>
          {isBusy ? t('rules.sim.running') : t('rules.sim.run')}
        </button>
      </form>
      {result ? (
        <div className="sim-result" role="status" aria-live="polite">
          <p className="outcome-big" data-testid="sim-points">
            {t('rules.sim.points', { points: formatPoints(result.points, language) })}
          </p>
          <table>
            <caption className="visually-hidden">{t('rules.sim.trace')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('rules.sim.rule')}</th>
                <th scope="col">{t('rules.sim.outcome')}</th>
                <th scope="col" className="num">
                  {t('rules.sim.pointsColumn')}
                </th>
                <th scope="col">{t('rules.sim.why')}</th>
              </tr>
            </thead>
            <tbody>
              {(result.trace as TraceRow[]).map((row, index) => (
                <tr key={index}>
                  <td>{String(row.ruleName ?? row.ruleId ?? '')}</td>
                  <td>
                    <span
                      className={`badge ${row.outcome === 'applied' ? 'badge-published' : 'badge-draft'}`}
                    >
                      {String(row.outcome ?? '')}
                    </span>
                  </td>
                  <td className="num">
                    {typeof row.points === 'number' ? formatPoints(row.points, language) : ''}
                  </td>
                  <td>{String(row.message ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <StampLines effects={result.effects} />
        </div>
      ) : null}
    </section>
  );
}
