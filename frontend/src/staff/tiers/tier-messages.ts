// The portal's tier texts (the desk's tier on identification and its tier discount line) in the
// portal's four languages; staff-messages.ts spreads them into its catalogues.
const en = {
  'desk.member.tier': 'Tier: {tier}',
  'desk.member.tierSetByShop': 'set by hand: {reason}',
  'desk.checkout.tierDiscount': 'Tier discount ({label})',
};

const es: Record<keyof typeof en, string> = {
  'desk.member.tier': 'Nivel: {tier}',
  'desk.member.tierSetByShop': 'asignado a mano: {reason}',
  'desk.checkout.tierDiscount': 'Descuento de nivel ({label})',
};

const ru: Record<keyof typeof en, string> = {
  'desk.member.tier': 'Уровень: {tier}',
  'desk.member.tierSetByShop': 'назначен вручную: {reason}',
  'desk.checkout.tierDiscount': 'Скидка уровня ({label})',
};

const ro: Record<keyof typeof en, string> = {
  'desk.member.tier': 'Nivel: {tier}',
  'desk.member.tierSetByShop': 'stabilit manual: {reason}',
  'desk.checkout.tierDiscount': 'Reducere de nivel ({label})',
};

export const tierMessages = { en, es, ru, ro };
