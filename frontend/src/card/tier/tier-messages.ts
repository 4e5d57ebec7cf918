// The card's tier badge texts in the program's four languages, in the badge's own chunk (loaded after the
// card's first paint, so that the card's QR code stays within the page's budget).
import type { Catalogue, Language } from '../../shared/i18n/i18n.js';

const en = {
  'tier.title': 'Your tier',
  'tier.member': '{tier} member',
  'tier.toNextSpend': '{amount} more to {tier}',
  'tier.toNextPoints': '{points} more points to {tier}',
  'tier.keepSpend': 'Spend {amount} before {date} to keep {tier}',
  'tier.keepPoints': 'Earn {points} points before {date} to keep {tier}',
  'tier.keptUntil': '{tier} is yours until {date}',
  'tier.top': 'You are on the top tier',
  'tier.setByShop': 'Set for you by the shop',
  'tier.progressLabel': 'On the way to {tier}',
};
export type TierMessageKey = keyof typeof en;

const es: Catalogue<TierMessageKey, 'es'> = {
  'tier.title': 'Tu nivel',
  'tier.member': 'Cliente {tier}',
  'tier.toNextSpend': 'Te faltan {amount} para {tier}',
  'tier.toNextPoints': 'Te faltan {points} puntos para {tier}',
  'tier.keepSpend': 'Gasta {amount} antes del {date} para mantener {tier}',
  'tier.keepPoints': 'Gana {points} puntos antes del {date} para mantener {tier}',
  'tier.keptUntil': 'Tienes {tier} hasta el {date}',
  'tier.top': 'Estás en el nivel más alto',
  'tier.setByShop': 'Asignado por la tienda',
  'tier.progressLabel': 'Camino a {tier}',
};

const ru: Catalogue<TierMessageKey, 'ru'> = {
  'tier.title': 'Ваш уровень',
  'tier.member': 'Уровень: {tier}',
  'tier.toNextSpend': 'До уровня {tier} осталось {amount}',
  'tier.toNextPoints': 'До уровня {tier} осталось баллов: {points}',
  'tier.keepSpend': 'Чтобы сохранить {tier}, потратьте {amount} до {date}',
  'tier.keepPoints': 'Чтобы сохранить {tier}, накопите баллов: {points} до {date}',
  'tier.keptUntil': 'Уровень {tier} сохраняется до {date}',
  'tier.top': 'У вас самый высокий уровень',
  'tier.setByShop': 'Назначен магазином',
  'tier.progressLabel': 'Путь к уровню {tier}',
};

const ro: Catalogue<TierMessageKey, 'ro'> = {
  'tier.title': 'Nivelul tău',
  'tier.member': 'Client {tier}',
  'tier.toNextSpend': 'Mai ai {amount} până la {tier}',
  'tier.toNextPoints': 'Mai ai {points} puncte până la {tier}',
  'tier.keepSpend': 'Cheltuie {amount} până pe {date} ca să păstrezi {tier}',
  'tier.keepPoints': 'Câștigă {points} puncte până pe {date} ca să păstrezi {tier}',
  'tier.keptUntil': 'Nivelul {tier} este al tău până pe {date}',
  'tier.top': 'Ești la cel mai înalt nivel',
  'tier.setByShop': 'Stabilit de magazin',
  'tier.progressLabel': 'Spre {tier}',
};

const messages: Record<Language, Record<TierMessageKey, string>> = { en, es, ru, ro };

type Params = Record<string, string>;

/** The badge's texts in one language, English as the fallback. */
export function tierTexts(language: string): (key: TierMessageKey, params?: Params) => string {
  const catalogue = messages[language as Language] ?? messages.en;
  return (key, params = {}) =>
    (catalogue[key] ?? en[key]).replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}
