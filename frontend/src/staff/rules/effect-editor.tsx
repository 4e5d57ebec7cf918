import type { ReactNode } from 'react';
import { UNAVAILABLE_EFFECTS, type Effect } from '@regulars/rules';
import { useI18n } from '../staff-i18n.js';
import type { StaffMessageKey } from '../staff-messages.js';
import { StampCardPicker, useActiveStampCards } from '../stamps/stamp-card-picker.js';
import { CouponTemplatePicker } from '../coupons/coupon-template-picker.js';
import { joinList, splitList, withoutUndefined } from './rule-draft.js';
import { ItemTermsInput } from './item-terms-input.js';
import { MoneyInput, NumericInput } from './numeric-input.js';
import { multiplierBasisPoints, plainNumber } from './numeric-text.js';

const EFFECT_TYPES = [
  'awardFixedPoints',
  'awardPointsPerSpend',
  'awardPointsPerItem',
  'multiplyPoints',
  'addStamps',
  'issueCoupon',
  'addMemberTag',
  'removeMemberTag',
] as const;
type EffectType = (typeof EFFECT_TYPES)[number];

const TEMPLATES: Record<EffectType, Effect> = {
  awardFixedPoints: { type: 'awardFixedPoints', points: 100 },
  awardPointsPerSpend: { type: 'awardPointsPerSpend', points: 1, perAmountMinor: 100, rounding: 'floor' },
  awardPointsPerItem: { type: 'awardPointsPerItem', points: 10, items: { categories: ['coffee'] } },
  multiplyPoints: {
    type: 'multiplyPoints',
    targets: { baseEarn: true },
    factorBasisPoints: 20_000,
    rounding: 'floor',
  },
  // The card is picked from the stamp card definitions (publishing refuses a rule without an active one).
  addStamps: { type: 'addStamps', cardId: '', stamps: 1, per: 'item' },
  // The template is picked from the active assigned coupon templates (publishing refuses any other).
  issueCoupon: { type: 'issueCoupon', couponTemplateId: '', quantity: 1 },
  addMemberTag: { type: 'addMemberTag', tag: 'vip' },
  removeMemberTag: { type: 'removeMemberTag', tag: 'vip' },
};

type Loose = Record<string, unknown>;

/** The list of effects, each with the fields of its type. */
export function EffectsEditor({ effects, onChange }: { effects: Effect[]; onChange(next: Effect[]): void }) {
  const { t } = useI18n();
  return (
    <div className="stack">
      {effects.map((effect, index) => (
        <fieldset key={index} className="effect">
          <legend>{t('rules.effects.number', { number: index + 1 })}</legend>
          <EffectFields
            effect={effect}
            onChange={(next) => onChange(effects.map((e, i) => (i === index ? next : e)))}
          />
          {effects.length > 1 ? (
            <button
              type="button"
              className="link"
              onClick={() => onChange(effects.filter((_, i) => i !== index))}
            >
              {t('rules.effects.remove')}
            </button>
          ) : null}
        </fieldset>
      ))}
      <button
        type="button"
        className="secondary"
        onClick={() => onChange([...effects, TEMPLATES.awardFixedPoints])}
      >
        {t('rules.effects.add')}
      </button>
    </div>
  );
}

function EffectFields({ effect, onChange }: { effect: Effect; onChange(next: Effect): void }) {
  const { t } = useI18n();
  const loose = effect as unknown as Loose;
  const set = (patch: Loose) => {
    onChange(withoutUndefined({ ...loose, ...patch }) as unknown as Effect);
  };
  const num = (key: string, label: StaffMessageKey) => (
    <NumericInput
      label={t(label)}
      name={`effect-${key}`}
      inputMode="numeric"
      codec={plainNumber}
      value={typeof loose[key] === 'number' ? loose[key] : undefined}
      onChange={(value) => set({ [key]: value })}
    />
  );
  const money = (key: string, label: StaffMessageKey) => (
    <MoneyInput
      label={t(label)}
      name={`effect-${key}`}
      value={typeof loose[key] === 'number' ? loose[key] : undefined}
      onChange={(value) => set({ [key]: value })}
    />
  );
  const text = (key: string, label: StaffMessageKey) => (
    <label className="field">
      <span>{t(label)}</span>
      <input
        value={typeof loose[key] === 'string' ? (loose[key] as string) : ''}
        onChange={(event) => set({ [key]: event.target.value || undefined })}
      />
    </label>
  );
  const items = (isRequired: boolean) => {
    const current = (loose.items ?? {}) as { categories?: string[]; skus?: string[] };
    const setItems = (patch: { categories?: string[]; skus?: string[] }) => {
      const next = { ...current, ...patch };
      if (!next.categories) delete next.categories;
      if (!next.skus) delete next.skus;
      set({ items: next.categories || next.skus || isRequired ? next : undefined });
    };
    return (
      <>
        <ItemTermsInput
          kind="category"
          value={current.categories}
          onChange={(categories) => setItems({ categories })}
        />
        <ItemTermsInput kind="sku" value={current.skus} onChange={(skus) => setItems({ skus })} />
      </>
    );
  };
  const rounding = (
    <label className="field narrow">
      <span>{t('rules.effects.rounding')}</span>
      <select
        value={String(loose.rounding ?? 'floor')}
        onChange={(event) => set({ rounding: event.target.value })}
      >
        <option value="floor">{t('rules.rounding.floor')}</option>
        <option value="round">{t('rules.rounding.round')}</option>
        <option value="ceil">{t('rules.rounding.ceil')}</option>
      </select>
    </label>
  );

  return (
    <div className="row">
      <label className="field">
        <span>{t('rules.effects.type')}</span>
        <select
          name="effect-type"
          value={effect.type}
          onChange={(event) => onChange(TEMPLATES[event.target.value as EffectType])}
        >
          {/* Effects nothing carries out yet are hidden (publishing refuses them); one a draft already
              holds stays listed so that the select shows it. */}
          {EFFECT_TYPES.filter((type) => !UNAVAILABLE_EFFECTS.has(type) || type === effect.type).map(
            (type) => (
              <option key={type} value={type}>
                {t(`rules.effect.${type}` as StaffMessageKey)}
              </option>
            ),
          )}
        </select>
      </label>
      {effect.type === 'awardFixedPoints' ? num('points', 'rules.effects.points') : null}
      {effect.type === 'awardPointsPerSpend' ? (
        <>
          {num('points', 'rules.effects.points')}
          {money('perAmountMinor', 'rules.designer.perAmount')}
          {rounding}
          {items(false)}
          {num('maxPoints', 'rules.effects.maxPoints')}
        </>
      ) : null}
      {effect.type === 'awardPointsPerItem' ? (
        <>
          {num('points', 'rules.effects.points')}
          {items(true)}
          {num('maxPoints', 'rules.effects.maxPoints')}
        </>
      ) : null}
      {effect.type === 'multiplyPoints' ? (
        <MultiplierFields effect={effect} set={set} rounding={rounding} />
      ) : null}
      {effect.type === 'addStamps' ? (
        <>
          <StampCardField value={effect.cardId} onChange={(cardId) => set({ cardId })} />
          {num('stamps', 'rules.effects.stamps')}
          <label className="field narrow">
            <span>{t('rules.effects.per')}</span>
            <select value={effect.per} onChange={(event) => set({ per: event.target.value })}>
              <option value="purchase">{t('rules.effects.perPurchase')}</option>
              <option value="item">{t('rules.effects.perItem')}</option>
            </select>
          </label>
          {items(false)}
        </>
      ) : null}
      {effect.type === 'issueCoupon' ? (
        <>
          <CouponTemplatePicker
            name="effect-couponTemplateId"
            label={t('rules.effects.couponTemplate')}
            value={effect.couponTemplateId}
            onChange={(couponTemplateId) => set({ couponTemplateId })}
          />
          {num('quantity', 'rules.effects.quantity')}
        </>
      ) : null}
      {effect.type === 'addMemberTag' || effect.type === 'removeMemberTag'
        ? text('tag', 'rules.effects.tag')
        : null}
    </div>
  );
}

/** The addStamps effect's card: a stamp card definition chosen by name. */
function StampCardField({ value, onChange }: { value: string; onChange(id: string): void }) {
  const { t } = useI18n();
  const cards = useActiveStampCards();
  return (
    <StampCardPicker
      value={value}
      onChange={onChange}
      cards={cards.data}
      label={t('rules.effects.stampCard')}
    />
  );
}

function MultiplierFields({
  effect,
  set,
  rounding,
}: {
  effect: Extract<Effect, { type: 'multiplyPoints' }>;
  set(patch: Loose): void;
  rounding: ReactNode;
}) {
  const { t } = useI18n();
  const targets = effect.targets as { baseEarn?: true; ruleIds?: string[]; groups?: string[] };
  const setTargets = (patch: Partial<typeof targets>) => {
    set({ targets: withoutUndefined({ ...targets, ...patch }) });
  };
  return (
    <>
      <NumericInput
        label={t('rules.designer.factor')}
        name="effect-factor"
        codec={multiplierBasisPoints}
        value={Number.isInteger(effect.factorBasisPoints) ? effect.factorBasisPoints : undefined}
        onChange={(factorBasisPoints) => set({ factorBasisPoints })}
      />
      <label className="checkbox-field">
        <input
          type="checkbox"
          checked={targets.baseEarn === true}
          onChange={(event) => setTargets({ baseEarn: event.target.checked ? true : undefined })}
        />
        <span>{t('rules.effects.baseEarn')}</span>
      </label>
      <label className="field">
        <span>{t('rules.effects.ruleIds')}</span>
        <input
          value={joinList(targets.ruleIds)}
          onChange={(event) => setTargets({ ruleIds: splitList(event.target.value) })}
        />
      </label>
      {rounding}
    </>
  );
}
