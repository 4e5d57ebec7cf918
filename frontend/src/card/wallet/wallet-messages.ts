// The card's texts for what the member holds besides points (coupons, and the QR shown at the till for
// one of them) in the program's four languages. Kept apart from the card's catalogues so that they travel
// in the wallet's chunk, loaded after the card's first paint; plural keys follow Intl.PluralRules.
const en = {
  'coupons.title': 'Coupons',
  'coupons.empty': 'No coupons yet. The coupons you receive appear here, ready to show at the till.',
  'coupons.notLoaded': 'Your coupons appear here once your card has been online.',
  'coupons.percentOff': '{percent} off',
  'coupons.amountOff': '{amount} off',
  'coupons.freeProduct': 'One product free',
  'coupons.minBasket': 'On a purchase of {amount} or more',
  'coupons.someItems': 'On selected products',
  'coupons.someStores': 'At selected shops',
  'coupons.firstPurchase': 'On your first purchase',
  'coupons.validUntil': 'Valid until {date}',
  'coupons.validFrom': 'From {date} until {until}',
  'coupons.used': 'Used',
  'coupons.expired': 'Expired on {date}',
  'coupons.voided': 'No longer valid',
  'coupons.usesLeft.one': '{count} use left',
  'coupons.usesLeft.other': '{count} uses left',
  'coupons.show': 'Show at the till',
  'coupons.pastTitle': 'Used and expired',
  'code.back': 'Back to my card',
  'code.instructions': 'Show this code at the till',
  'code.label': 'QR code of {name}. Show it to the cashier.',
  'code.code': 'Code',
  'code.notYet': 'It can be used from {date}.',
};

export type WalletMessageKey = keyof typeof en;
type WalletMessages = Record<WalletMessageKey, string>;
/** Russian and Romanian add the plural forms English has not (`.few`, `.many`). */
type WithPlurals = WalletMessages & Record<string, string>;

const es: WalletMessages = {
  'coupons.title': 'Cupones',
  'coupons.empty':
    'Aún no tienes cupones. Los cupones que recibas aparecen aquí, listos para enseñar en caja.',
  'coupons.notLoaded': 'Tus cupones aparecen aquí cuando tu tarjeta se haya conectado una vez.',
  'coupons.percentOff': '{percent} de descuento',
  'coupons.amountOff': '{amount} de descuento',
  'coupons.freeProduct': 'Un producto gratis',
  'coupons.minBasket': 'En compras desde {amount}',
  'coupons.someItems': 'En productos seleccionados',
  'coupons.someStores': 'En tiendas seleccionadas',
  'coupons.firstPurchase': 'En tu primera compra',
  'coupons.validUntil': 'Válido hasta el {date}',
  'coupons.validFrom': 'Del {date} al {until}',
  'coupons.used': 'Usado',
  'coupons.expired': 'Caducó el {date}',
  'coupons.voided': 'Ya no es válido',
  'coupons.usesLeft.one': 'Te queda {count} uso',
  'coupons.usesLeft.other': 'Te quedan {count} usos',
  'coupons.show': 'Enseñar en caja',
  'coupons.pastTitle': 'Usados y caducados',
  'code.back': 'Volver a mi tarjeta',
  'code.instructions': 'Enseña este código en caja',
  'code.label': 'Código QR de {name}. Enséñalo en caja.',
  'code.code': 'Código',
  'code.notYet': 'Se puede usar desde el {date}.',
};

const ru: WithPlurals = {
  'coupons.title': 'Купоны',
  'coupons.empty': 'Купонов пока нет. Полученные купоны появятся здесь — их можно показать на кассе.',
  'coupons.notLoaded': 'Купоны появятся здесь, когда карта хотя бы раз подключится к интернету.',
  'coupons.percentOff': 'Скидка {percent}',
  'coupons.amountOff': 'Скидка {amount}',
  'coupons.freeProduct': 'Один товар бесплатно',
  'coupons.minBasket': 'При покупке от {amount}',
  'coupons.someItems': 'На отдельные товары',
  'coupons.someStores': 'В отдельных магазинах',
  'coupons.firstPurchase': 'На первую покупку',
  'coupons.validUntil': 'Действует до {date}',
  'coupons.validFrom': 'С {date} по {until}',
  'coupons.used': 'Использован',
  'coupons.expired': 'Истёк {date}',
  'coupons.voided': 'Больше не действует',
  'coupons.usesLeft.one': 'Осталось {count} использование',
  'coupons.usesLeft.few': 'Осталось {count} использования',
  'coupons.usesLeft.many': 'Осталось {count} использований',
  'coupons.usesLeft.other': 'Осталось {count} использования',
  'coupons.show': 'Показать на кассе',
  'coupons.pastTitle': 'Использованные и истёкшие',
  'code.back': 'Назад к карте',
  'code.instructions': 'Покажите этот код на кассе',
  'code.label': 'QR-код: {name}. Покажите его кассиру.',
  'code.code': 'Код',
  'code.notYet': 'Его можно использовать с {date}.',
};

const ro: WithPlurals = {
  'coupons.title': 'Cupoane',
  'coupons.empty': 'Încă nu aveți cupoane. Cupoanele primite apar aici, gata de arătat la casă.',
  'coupons.notLoaded': 'Cupoanele apar aici după ce cardul a fost conectat o dată la internet.',
  'coupons.percentOff': 'Reducere de {percent}',
  'coupons.amountOff': 'Reducere de {amount}',
  'coupons.freeProduct': 'Un produs gratuit',
  'coupons.minBasket': 'La cumpărături de cel puțin {amount}',
  'coupons.someItems': 'La anumite produse',
  'coupons.someStores': 'În anumite magazine',
  'coupons.firstPurchase': 'La prima cumpărătură',
  'coupons.validUntil': 'Valabil până la {date}',
  'coupons.validFrom': 'De la {date} până la {until}',
  'coupons.used': 'Folosit',
  'coupons.expired': 'A expirat la {date}',
  'coupons.voided': 'Nu mai este valabil',
  'coupons.usesLeft.one': 'Mai aveți {count} utilizare',
  'coupons.usesLeft.few': 'Mai aveți {count} utilizări',
  'coupons.usesLeft.other': 'Mai aveți {count} de utilizări',
  'coupons.show': 'Arătați la casă',
  'coupons.pastTitle': 'Folosite și expirate',
  'code.back': 'Înapoi la card',
  'code.instructions': 'Arătați acest cod la casă',
  'code.label': 'Codul QR pentru {name}. Arătați-l casierului.',
  'code.code': 'Cod',
  'code.notYet': 'Poate fi folosit de la {date}.',
};

export const walletMessages: Record<'en' | 'es' | 'ru' | 'ro', WalletMessages & Record<string, string>> = {
  en,
  es,
  ru,
  ro,
};

type Params = Record<string, string | number>;

/** The wallet's texts in one language: `t(key, params)` and `t.plural(key, count)`, English as the fallback. */
export type WalletTexts = {
  (key: WalletMessageKey, params?: Params): string;
  plural(key: string, count: number, params?: Params): string;
};

const fill = (template: string, params: Params) =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => String(params[name] ?? whole));

export function walletTexts(language: string): WalletTexts {
  const messages = walletMessages[language as keyof typeof walletMessages] ?? walletMessages.en;
  const rules = new Intl.PluralRules(language);
  const numbers = new Intl.NumberFormat(language);
  const t = (key: WalletMessageKey, params: Params = {}) =>
    fill(messages[key] ?? walletMessages.en[key], params);
  t.plural = (key: string, count: number, params: Params = {}) =>
    fill(messages[`${key}.${rules.select(count)}`] ?? messages[`${key}.other`] ?? key, {
      ...params,
      count: numbers.format(count),
    });
  return t;
}
