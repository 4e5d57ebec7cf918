import { useState, type ReactNode } from 'react';
import { useSession } from '../session.js';
import { useI18n } from '../staff-i18n.js';
import { moneyMinor, numericText, typedText, type NumericCodec, type TypedText } from './numeric-text.js';

/**
 * A controlled number field over an integer of the draft: it keeps what is typed ("1.", "") and sets the
 * draft to the value it means, or to undefined while it is empty (the draft's check then names the field).
 * A text that is not a value leaves the draft as it was and marks the field invalid.
 */
export function NumericInput({
  label,
  codec,
  value,
  onChange,
  name,
  inputMode = 'decimal',
  className = 'field narrow',
}: {
  label: ReactNode;
  codec: NumericCodec;
  value: number | undefined;
  onChange(next: number | undefined): void;
  name?: string;
  inputMode?: 'decimal' | 'numeric';
  className?: string;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState<TypedText | null>(null);
  const text = numericText(codec, value, typed);
  const isInvalid = text.trim() !== '' && codec.parse(text) === null;
  return (
    <label className={className}>
      <span>{label}</span>
      <input
        name={name}
        inputMode={inputMode}
        value={text}
        aria-invalid={isInvalid || undefined}
        title={isInvalid ? t('rules.designer.notANumber') : undefined}
        onChange={(event) => {
          const next = typedText(codec, event.target.value, value);
          setTyped(next);
          if (next.value !== value) onChange(next.value);
        }}
        onBlur={() => setTyped(null)}
      />
    </label>
  );
}

/** An amount in the program's currency ("12.50"), kept in the draft in minor units. */
export function MoneyInput({
  label,
  value,
  onChange,
  name,
  className,
}: {
  label: string;
  value: number | undefined;
  onChange(next: number | undefined): void;
  name?: string;
  className?: string;
}) {
  const { program } = useSession();
  return (
    <NumericInput
      label={`${label} (${program.currency})`}
      codec={moneyMinor(program.currency)}
      value={value}
      onChange={onChange}
      name={name}
      className={className}
    />
  );
}
