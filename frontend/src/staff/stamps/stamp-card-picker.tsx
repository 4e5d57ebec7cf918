import type { StampCard } from '@regulars/contracts';
import { useLoad } from '../../shared/use-load.js';
import { useI18n } from '../staff-i18n.js';
import { stampsApi } from './stamps-api.js';

/** The active stamp card definitions, for the pickers of the rules designer. */
export function useActiveStampCards() {
  return useLoad(async () => (await stampsApi.list({ status: 'active' })).items);
}

/**
 * Picks a stamp card definition by name (the rule stores its id): the card says how many stamps unlock
 * which reward, shown under the select. A card the rule names that is no longer active stays listed.
 */
export function StampCardPicker({
  value,
  onChange,
  cards,
  label,
}: {
  value: string;
  onChange(id: string): void;
  cards: StampCard[] | null;
  label: string;
}) {
  const { t } = useI18n();
  const chosen = cards?.find((card) => card.id === value);
  if (cards && cards.length === 0) return <p className="field-hint">{t('rules.effects.stampCardNone')}</p>;
  return (
    <label className="field">
      <span>{label}</span>
      <select
        name="effect-cardId"
        value={chosen ? value : ''}
        onChange={(event) => onChange(event.target.value)}
      >
        <option value="">{t('rules.effects.stampCardPick')}</option>
        {cards?.map((card) => (
          <option key={card.id} value={card.id}>
            {card.name}
          </option>
        ))}
      </select>
      {chosen ? (
        <span className="field-hint">
          {t('rules.effects.stampCardRule', {
            threshold: chosen.threshold,
            reward: chosen.rewardName ?? '—',
          })}
        </span>
      ) : null}
    </label>
  );
}
