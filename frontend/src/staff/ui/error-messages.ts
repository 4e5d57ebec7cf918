// What the portal says of a refusal that has no text of its own in the error catalogue
// (shared/errors/error-texts.ts covers every code the desk can meet; these are the admin screens' rarer
// codes): a general sentence with the code, for whoever reports it.
const en = {
  'error.withCode': 'The server refused this (code {code}).',
} as const;

export type ErrorMessageKey = keyof typeof en;

const es: Record<ErrorMessageKey, string> = {
  'error.withCode': 'El servidor rechazó esta acción (código {code}).',
};
const ru: Record<ErrorMessageKey, string> = {
  'error.withCode': 'Сервер отклонил это действие (код {code}).',
};
const ro: Record<ErrorMessageKey, string> = {
  'error.withCode': 'Serverul a refuzat această acțiune (cod {code}).',
};

export const errorMessages = { en, es, ru, ro };
