// What a printed coupon says about its discount and its conditions, from its terms (the template's
// version it was issued with), in the document's language. Plain functions of the terms: the coupon
// module, or the route that prints a batch, puts their output in a VoucherDocument.
import type { CouponDiscount, CouponTerms } from '@regulars/contracts';
import { formatDocumentMoney, type DocumentLanguage } from './document-texts.js';

type CouponPhrases = {
  percentOff: (percent: string) => string;
  amountOff: (amount: string) => string;
  free: (product: string) => string;
  minBasket: (amount: string) => string;
  firstPurchaseOnly: string;
  selectedProducts: string;
  selectedStores: string;
  selectedMembers: string;
  perCustomer: (count: string) => string;
  notWithCoupons: string;
  notWithRewards: string;
};

const PHRASES: Record<DocumentLanguage, CouponPhrases> = {
  en: {
    percentOff: (percent) => `${percent} off`,
    amountOff: (amount) => `${amount} off`,
    free: (product) => `Free ${product}`,
    minBasket: (amount) => `Minimum basket ${amount}`,
    firstPurchaseOnly: 'First purchase only',
    selectedProducts: 'On selected products only',
    selectedStores: 'In selected stores only',
    selectedMembers: 'For selected members only',
    perCustomer: (count) => `At most ${count} per customer`,
    notWithCoupons: 'Cannot be combined with other coupons',
    notWithRewards: 'Cannot be combined with rewards',
  },
  es: {
    percentOff: (percent) => `${percent} de descuento`,
    amountOff: (amount) => `${amount} de descuento`,
    free: (product) => `${product} gratis`,
    minBasket: (amount) => `Compra mínima de ${amount}`,
    firstPurchaseOnly: 'Solo en la primera compra',
    selectedProducts: 'Solo en productos seleccionados',
    selectedStores: 'Solo en tiendas seleccionadas',
    selectedMembers: 'Solo para socios seleccionados',
    perCustomer: (count) => `Máximo ${count} por cliente`,
    notWithCoupons: 'No acumulable con otros cupones',
    notWithRewards: 'No acumulable con recompensas',
  },
  ru: {
    percentOff: (percent) => `Скидка ${percent}`,
    amountOff: (amount) => `Скидка ${amount}`,
    free: (product) => `${product} в подарок`,
    minBasket: (amount) => `Минимальная сумма покупки ${amount}`,
    firstPurchaseOnly: 'Только на первую покупку',
    selectedProducts: 'Только на отдельные товары',
    selectedStores: 'Только в отдельных магазинах',
    selectedMembers: 'Только для отдельных участников программы',
    perCustomer: (count) => `Не более ${count} на покупателя`,
    notWithCoupons: 'Не суммируется с другими купонами',
    notWithRewards: 'Не суммируется с наградами',
  },
  ro: {
    percentOff: (percent) => `Reducere ${percent}`,
    amountOff: (amount) => `Reducere ${amount}`,
    free: (product) => `${product} gratuit`,
    minBasket: (amount) => `Coș minim ${amount}`,
    firstPurchaseOnly: 'Doar la prima cumpărătură',
    selectedProducts: 'Doar pentru produsele selectate',
    selectedStores: 'Doar în magazinele selectate',
    selectedMembers: 'Doar pentru membrii selectați',
    perCustomer: (count) => `Cel mult ${count} per client`,
    notWithCoupons: 'Nu se cumulează cu alte cupoane',
    notWithRewards: 'Nu se cumulează cu recompense',
  },
};

/**
 * The value line of a coupon: "15% off", "€5.00 off", "Free Espresso" (and their es/ru/ro forms).
 * `productName` names a free product's SKU for a person (the SKU itself when nothing better is known).
 */
export function couponValueText(
  discount: CouponDiscount,
  { currency, language, productName }: { currency: string; language: DocumentLanguage; productName?: string },
): string {
  const phrases = PHRASES[language];
  switch (discount.kind) {
    case 'percent':
      return phrases.percentOff(
        new Intl.NumberFormat(language, { style: 'percent' }).format(discount.percent / 100),
      );
    case 'fixed':
      return phrases.amountOff(formatDocumentMoney(discount.amountMinor, currency, language));
    case 'free_product':
      return phrases.free(productName ?? discount.sku);
  }
}

/**
 * The conditions a customer must know before coming to the till, as one paragraph for the terms of the
 * printed coupon: its description, then the minimum basket, what and where it applies, its limits.
 */
export function couponTermsText(terms: CouponTerms, language: DocumentLanguage): string {
  const phrases = PHRASES[language];
  const { conditions } = terms;
  const parts = [
    terms.description?.trim() ?? '',
    conditions.minBasketMinor !== null
      ? phrases.minBasket(formatDocumentMoney(conditions.minBasketMinor, terms.currency, language))
      : '',
    conditions.firstPurchaseOnly ? phrases.firstPurchaseOnly : '',
    conditions.appliesTo &&
    (conditions.appliesTo.skus.length > 0 || conditions.appliesTo.categories.length > 0)
      ? phrases.selectedProducts
      : '',
    conditions.storeIds.length > 0 ? phrases.selectedStores : '',
    conditions.tags.length > 0 ? phrases.selectedMembers : '',
    terms.perMemberLimit !== null
      ? phrases.perCustomer(new Intl.NumberFormat(language).format(terms.perMemberLimit))
      : '',
    terms.stacking.withCoupons ? '' : phrases.notWithCoupons,
    terms.stacking.withRewards ? '' : phrases.notWithRewards,
  ].filter((part) => part !== '');
  return parts.map((part) => (/[.!?]$/.test(part) ? part : `${part}.`)).join(' ');
}
