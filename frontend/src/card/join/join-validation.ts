// Checks the join form before sending (the card ships no zod; the server validates again).
import type { CardMessageKey } from '../card-messages.js';

export type JoinFields = { name: string; email: string; birthDate: string; code: string };
export type JoinErrors = Partial<Record<keyof JoinFields, CardMessageKey>>;

export function phoneError(phone: string): CardMessageKey | null {
  return phone.replace(/\D/g, '').length >= 6 ? null : 'join.phoneInvalid';
}

export function joinErrors(fields: JoinFields, options: { isNewMember: boolean; today: string }): JoinErrors {
  const errors: JoinErrors = {};
  if (!/^\d{6}$/.test(fields.code.trim())) errors.code = 'join.codeInvalid';
  if (!options.isNewMember) return errors;
  if (!fields.name.trim() || fields.name.trim().length > 120) errors.name = 'join.nameInvalid';
  if (fields.email.trim() && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fields.email.trim()))
    errors.email = 'join.emailInvalid';
  if (
    fields.birthDate &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(fields.birthDate) ||
      fields.birthDate >= options.today ||
      fields.birthDate < '1900-01-01')
  )
    errors.birthDate = 'join.birthDateInvalid';
  return errors;
}
