import {
  FIELDS,
  FIELD_NAMES,
  OPERATORS_BY_TYPE,
  UNAVAILABLE_FIELDS,
  type Condition,
  type FieldName,
  type Operator,
} from '@regulars/rules';
import { useI18n } from '../staff-i18n.js';
import { useSession } from '../session.js';
import { splitList, withoutUndefined } from './rule-draft.js';
import { ItemTermsInput } from './item-terms-input.js';
import { MoneyInput, NumericInput } from './numeric-input.js';
import { moneyMinor, plainNumber } from './numeric-text.js';

type FieldCondition = Extract<Condition, { field: unknown }>;
type ItemsCondition = Extract<Condition, { items: unknown }>;

const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function defaultValue(field: FieldName, op: Operator): unknown {
  const type = FIELDS[field].type;
  if (op === 'between')
    return type === 'date' ? { min: '2025-01-01', max: '2025-12-31' } : { min: 0, max: 10 };
  if (op === 'in' || op === 'notIn' || op === 'contains') {
    if (op === 'contains') return '';
    return type === 'number' || type === 'money' ? [1] : type === 'dayOfWeek' ? ['saturday', 'sunday'] : [];
  }
  if (type === 'boolean') return true;
  if (type === 'number' || type === 'money') return 0;
  if (type === 'dayOfWeek') return 'monday';
  if (type === 'date') return '2025-01-01';
  return '';
}

/** The condition tree as nested groups: all / any / not, field comparisons and item conditions. */
export function ConditionBuilder({
  value,
  onChange,
}: {
  value: Condition | undefined;
  onChange(next: Condition | undefined): void;
}) {
  const { t } = useI18n();
  if (!value)
    return (
      <div className="condition-empty">
        <p className="field-hint">{t('rules.conditions.none')}</p>
        <button
          type="button"
          className="secondary"
          onClick={() =>
            onChange({ all: [{ field: 'purchase.totalMinor', op: 'gte', value: 1000 } as FieldCondition] })
          }
        >
          {t('rules.conditions.add')}
        </button>
      </div>
    );
  return (
    <ConditionNode
      node={value}
      onChange={onChange}
      onRemove={() => onChange(undefined)}
      depth={0}
      path="conditions"
    />
  );
}

function ConditionNode({
  node,
  onChange,
  onRemove,
  depth,
  path,
}: {
  node: Condition;
  onChange(next: Condition): void;
  onRemove(): void;
  depth: number;
  path: string;
}) {
  const { t } = useI18n();
  if ('all' in node || 'any' in node) {
    const mode = 'all' in node ? 'all' : 'any';
    const children = 'all' in node ? node.all : node.any;
    const setChildren = (next: Condition[]) => onChange(mode === 'all' ? { all: next } : { any: next });
    return (
      <fieldset className={`condition-group depth-${depth}`}>
        <legend className="visually-hidden">{path}</legend>
        <div className="row condition-group-head">
          <label>
            <span className="visually-hidden">{t('rules.conditions.mode')}</span>
            <select
              value={mode}
              onChange={(event) =>
                onChange(event.target.value === 'all' ? { all: children } : { any: children })
              }
            >
              <option value="all">{t('rules.conditions.all')}</option>
              <option value="any">{t('rules.conditions.any')}</option>
            </select>
          </label>
          <button type="button" className="link" onClick={onRemove}>
            {t('rules.conditions.removeGroup')}
          </button>
        </div>
        {children.map((child, index) => (
          <ConditionNode
            key={index}
            node={child}
            depth={depth + 1}
            path={`${path}.${mode}[${index}]`}
            onChange={(next) => setChildren(children.map((c, i) => (i === index ? next : c)))}
            onRemove={() => {
              const rest = children.filter((_, i) => i !== index);
              if (rest.length) setChildren(rest);
              else onRemove();
            }}
          />
        ))}
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() =>
              setChildren([
                ...children,
                { field: 'purchase.hour', op: 'between', value: { min: 14, max: 17 } } as FieldCondition,
              ])
            }
          >
            {t('rules.conditions.addField')}
          </button>
          <button
            type="button"
            className="secondary"
            onClick={() => setChildren([...children, { items: { categories: ['coffee'], minQuantity: 1 } }])}
          >
            {t('rules.conditions.addItems')}
          </button>
          {depth < 3 ? (
            <button
              type="button"
              className="secondary"
              onClick={() =>
                setChildren([
                  ...children,
                  { any: [{ field: 'member.purchaseCount', op: 'gte', value: 1 } as FieldCondition] },
                ])
              }
            >
              {t('rules.conditions.addGroup')}
            </button>
          ) : null}
        </div>
      </fieldset>
    );
  }
  if ('not' in node) {
    return (
      <div className="condition-not">
        <span className="badge">{t('rules.conditions.not')}</span>
        <ConditionNode
          node={node.not}
          depth={depth + 1}
          path={`${path}.not`}
          onChange={(next) => onChange({ not: next })}
          onRemove={onRemove}
        />
      </div>
    );
  }
  if ('items' in node) return <ItemsRow node={node} onChange={onChange} onRemove={onRemove} />;
  return <FieldRow node={node} onChange={onChange} onRemove={onRemove} />;
}

function FieldRow({
  node,
  onChange,
  onRemove,
}: {
  node: FieldCondition;
  onChange(next: Condition): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const spec = FIELDS[node.field];
  const operators = OPERATORS_BY_TYPE[spec.type];
  const set = (patch: Partial<{ field: FieldName; op: Operator; value: unknown }>) =>
    onChange({ ...node, ...patch } as FieldCondition);
  return (
    <div className="row condition-row">
      <label className="field">
        <span>{t('rules.conditions.field')}</span>
        <select
          value={node.field}
          onChange={(event) => {
            const field = event.target.value as FieldName;
            const op = OPERATORS_BY_TYPE[FIELDS[field].type][0] ?? 'eq';
            set({ field, op, value: defaultValue(field, op) });
          }}
        >
          {/* Facts nothing keeps yet are not offered (a draft that has one still shows it). */}
          {FIELD_NAMES.filter((name) => !UNAVAILABLE_FIELDS.has(name) || name === node.field).map((name) => (
            <option key={name} value={name}>
              {FIELDS[name].label}
            </option>
          ))}
        </select>
      </label>
      <label className="field narrow">
        <span>{t('rules.conditions.operator')}</span>
        <select
          value={node.op}
          onChange={(event) =>
            set({
              op: event.target.value as Operator,
              value: defaultValue(node.field, event.target.value as Operator),
            })
          }
        >
          {operators.map((op) => (
            <option key={op} value={op}>
              {t(`rules.op.${op}` as 'rules.op.eq')}
            </option>
          ))}
        </select>
      </label>
      <ValueInput field={node.field} op={node.op} value={node.value} onChange={(value) => set({ value })} />
      <button type="button" className="link" onClick={onRemove} aria-label={t('rules.conditions.remove')}>
        ✕
      </button>
    </div>
  );
}

function ValueInput({
  field,
  op,
  value,
  onChange,
}: {
  field: FieldName;
  op: Operator;
  value: unknown;
  onChange(value: unknown): void;
}) {
  const { t } = useI18n();
  const { program } = useSession();
  const type = FIELDS[field].type;
  const isNumeric = type === 'number' || type === 'money';
  const label = type === 'money' ? t('rules.designer.amount') : t('rules.conditions.value');
  const numberField = (fieldLabel: string, current: unknown, set: (next: number | undefined) => void) =>
    type === 'money' ? (
      <MoneyInput label={fieldLabel} value={asNumber(current)} onChange={set} />
    ) : (
      <NumericInput label={fieldLabel} codec={plainNumber} value={asNumber(current)} onChange={set} />
    );
  if (op === 'between') {
    const range = (value ?? {}) as { min?: unknown; max?: unknown };
    const part = (key: 'min' | 'max') => {
      const partLabel = t(key === 'min' ? 'rules.conditions.min' : 'rules.conditions.max');
      if (isNumeric)
        return numberField(partLabel, range[key], (next) =>
          onChange(withoutUndefined({ ...range, [key]: next })),
        );
      return (
        <label className="field narrow">
          <span>{partLabel}</span>
          <input
            type={type === 'date' ? 'date' : 'text'}
            value={String(range[key] ?? '')}
            onChange={(event) => onChange({ ...range, [key]: event.target.value })}
          />
        </label>
      );
    };
    return (
      <>
        {part('min')}
        {part('max')}
      </>
    );
  }
  if (op === 'in' || op === 'notIn') {
    // Amounts in a list are typed in the currency too; an item that is not an amount stays as typed, and
    // the draft's check names it. The list is read when the field is left, so "12." can be typed.
    const codec = type === 'money' ? moneyMinor(program.currency) : plainNumber;
    const shown = (Array.isArray(value) ? value : [])
      .map((item) => (isNumeric && typeof item === 'number' ? codec.format(item) : String(item)))
      .join(', ');
    return (
      <label className="field">
        <span>
          {type === 'money'
            ? `${t('rules.designer.listAmounts')} (${program.currency})`
            : t('rules.conditions.list')}
        </span>
        <input
          key={shown}
          defaultValue={shown}
          onBlur={(event) => {
            const items = splitList(event.target.value) ?? [];
            onChange(isNumeric ? items.map((item) => codec.parse(item) ?? item) : items);
          }}
        />
      </label>
    );
  }
  if (type === 'boolean')
    return (
      <label className="field narrow">
        <span>{label}</span>
        <select value={String(value)} onChange={(event) => onChange(event.target.value === 'true')}>
          <option value="true">{t('common.yes')}</option>
          <option value="false">{t('common.no')}</option>
        </select>
      </label>
    );
  if (type === 'dayOfWeek')
    return (
      <label className="field narrow">
        <span>{label}</span>
        <select value={String(value)} onChange={(event) => onChange(event.target.value)}>
          {DAYS.map((day) => (
            <option key={day} value={day}>
              {day}
            </option>
          ))}
        </select>
      </label>
    );
  if (isNumeric) return numberField(label, value, (next) => onChange(next));
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type={type === 'date' ? 'date' : 'text'}
        value={String(value ?? '')}
        onChange={(event) => onChange(event.target.value)}
      />
    </label>
  );
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function ItemsRow({
  node,
  onChange,
  onRemove,
}: {
  node: ItemsCondition;
  onChange(next: Condition): void;
  onRemove(): void;
}) {
  const { t } = useI18n();
  const items = node.items;
  const set = (patch: Partial<ItemsCondition['items']>) => {
    onChange({ items: withoutUndefined({ ...items, ...patch }) });
  };
  return (
    <div className="row condition-row">
      <ItemTermsInput
        kind="category"
        value={items.categories}
        onChange={(categories) => set({ categories })}
      />
      <ItemTermsInput kind="sku" value={items.skus} onChange={(skus) => set({ skus })} />
      <NumericInput
        label={t('rules.items.minQuantity')}
        inputMode="numeric"
        codec={plainNumber}
        value={items.minQuantity}
        onChange={(minQuantity) => set({ minQuantity })}
      />
      <MoneyInput
        label={t('rules.designer.minSpend')}
        value={items.minSpendMinor}
        onChange={(minSpendMinor) => set({ minSpendMinor })}
      />
      <button type="button" className="link" onClick={onRemove} aria-label={t('rules.conditions.remove')}>
        ✕
      </button>
    </div>
  );
}
