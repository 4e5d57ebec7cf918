// What the applied instruments take off a basket. Pure: the checkout prices the basket again after
// every change (items replaced, an instrument applied or removed), so the same inputs always give the
// same lines, and what the till is told equals what completion records.

export type PricingLine = {
  sku: string;
  quantity: number;
  unitPriceMinor: number;
  category?: string | null;
  /** `giftCertificate`: stored value sold; no instrument touches it (see priceBasket). */
  kind?: 'product' | 'giftCertificate';
};

/** One instrument as the pricing sees it: a discount (reward, coupon) or a tender (points, gift certificate). */
export type PricingInstrument = {
  id: string;
  kind: 'fixed_discount' | 'percent_discount' | 'free_product' | 'points_payment' | 'stored_value';
  /** fixed_discount: the discount; points_payment: what the points are worth; stored_value: the amount held. */
  valueMinor?: number | null;
  percent?: number | null;
  sku?: string | null;
  /** A coupon: taken after the other discounts, so that its minimum basket counts what is left. */
  isCoupon?: boolean;
  /** Discounts: the lines it may touch (by SKU or category; null: all of them). */
  appliesTo?: { skus: readonly string[]; categories: readonly string[] } | null;
  /** Discounts: what the basket must still cost, after the discounts before it, for it to apply. */
  minBasketMinor?: number | null;
};

export type DropReason =
  | 'NO_MATCHING_ITEM'
  | 'EXCEEDS_TOTAL'
  | 'MIN_BASKET_NOT_MET'
  | 'NOT_APPLICABLE_TO_ITEMS'
  | 'GIFT_CERTIFICATE_NOT_PAYABLE';

export type PricedInstrument = {
  id: string;
  amountMinor: number;
  lines: Array<{ index: number; amountMinor: number }>;
};

export type PricedBasket = {
  lines: Array<{
    grossMinor: number;
    discountMinor: number;
    paidWithPointsMinor: number;
    paidWithGiftCertificatesMinor: number;
    toPayMinor: number;
    /** Units of the line given free by free-product instruments. */
    freeUnits: number;
  }>;
  applied: PricedInstrument[];
  dropped: Array<{ id: string; reason: DropReason }>;
  totals: {
    subtotalMinor: number;
    discountMinor: number;
    paidWithPointsMinor: number;
    paidWithGiftCertificatesMinor: number;
    toPayMinor: number;
  };
  /** What is left to pay on the lines a tender may pay (all but the gift certificates sold). */
  tenderableMinor: number;
  /** The gift certificates sold in the basket (their lines' gross: always paid in money). */
  giftCertificatesSoldMinor: number;
};

/**
 * Splits `total` over `weights` in proportion, in whole minor units (largest remainder; ties to the
 * earlier line). Never gives a line more than its weight when `total <= Σ weights`.
 */
export function spread(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, index) => ({ index, rest: (total * w) % sum }))
    .sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of order) {
    if (left === 0) break;
    if ((shares[index] ?? 0) < (weights[index] ?? 0)) {
      shares[index] = (shares[index] ?? 0) + 1;
      left -= 1;
    }
  }
  return shares;
}

/**
 * Prices the basket: discounts first, in the order they were applied (a fixed amount spread over the
 * lines in proportion and capped at what is left; a percent of what is left, spread the same way; a
 * free product as one unit of its line), coupons after the other discounts (limited to the lines they
 * apply to, and only while the basket still costs their minimum), then the tenders over what is left
 * to pay: points, then gift certificates. An instrument that no longer fits (its product left the
 * basket, a tender worth more than is left, a coupon's minimum not met) is dropped with the reason,
 * and takes nothing.
 *
 * A gift certificate sold in the basket (a `giftCertificate` line) is stored value, not goods: no
 * discount touches it (nor counts it towards a coupon's minimum, nor gives it as a free product), and
 * neither points nor a gift certificate pay for it — "a certificate cannot be paid with a certificate",
 * and points do not buy stored value either. A tender that would need it is dropped as
 * `GIFT_CERTIFICATE_NOT_PAYABLE`; it is always paid in money.
 */
export function priceBasket(
  lines: readonly PricingLine[],
  instruments: readonly PricingInstrument[],
): PricedBasket {
  const gross = lines.map((l) => l.quantity * l.unitPriceMinor);
  const left = [...gross];
  const discount = lines.map(() => 0);
  const points = lines.map(() => 0);
  const certificates = lines.map(() => 0);
  /** Units of each line already given free. */
  const freeUnits = lines.map(() => 0);
  const applied: PricedInstrument[] = [];
  const dropped: PricedBasket['dropped'] = [];
  const take = (instrument: PricingInstrument, amounts: number[], into: number[]) => {
    const touched: PricedInstrument['lines'] = [];
    amounts.forEach((amount, index) => {
      if (amount <= 0) return;
      left[index] = (left[index] ?? 0) - amount;
      into[index] = (into[index] ?? 0) + amount;
      touched.push({ index, amountMinor: amount });
    });
    applied.push({ id: instrument.id, amountMinor: amounts.reduce((a, b) => a + b, 0), lines: touched });
  };
  const isTender = (i: PricingInstrument) => i.kind === 'points_payment' || i.kind === 'stored_value';
  const isSold = lines.map((l) => l.kind === 'giftCertificate');
  /** What is left on the lines an instrument may touch: every line but the certificates sold. */
  const open = () => left.map((amount, index) => (isSold[index] ? 0 : amount));
  const soldMinor = gross.reduce((sum, amount, index) => sum + (isSold[index] ? amount : 0), 0);
  const ordered = [
    ...instruments.filter((i) => !isTender(i) && !i.isCoupon),
    ...instruments.filter((i) => !isTender(i) && i.isCoupon),
    ...instruments.filter((i) => i.kind === 'points_payment'),
    ...instruments.filter((i) => i.kind === 'stored_value'),
  ];
  /** What is left on the lines a discount may touch (0 on the others). */
  const eligible = (instrument: PricingInstrument): number[] => {
    const scope = instrument.appliesTo;
    const openLeft = open();
    if (!scope || (scope.skus.length === 0 && scope.categories.length === 0)) return openLeft;
    return lines.map((line, index) =>
      scope.skus.includes(line.sku) || (line.category != null && scope.categories.includes(line.category))
        ? (openLeft[index] ?? 0)
        : 0,
    );
  };
  const hasGoods = isSold.some((sold) => !sold);
  for (const instrument of ordered) {
    const remaining = open().reduce((a, b) => a + b, 0);
    if (!isTender(instrument) && instrument.minBasketMinor && remaining < instrument.minBasketMinor) {
      dropped.push({ id: instrument.id, reason: 'MIN_BASKET_NOT_MET' });
      continue;
    }
    switch (instrument.kind) {
      case 'fixed_discount':
      case 'percent_discount': {
        const weights = eligible(instrument);
        const base = weights.reduce((a, b) => a + b, 0);
        if (base === 0) {
          dropped.push({
            id: instrument.id,
            reason: remaining === 0 && hasGoods ? 'EXCEEDS_TOTAL' : 'NOT_APPLICABLE_TO_ITEMS',
          });
          break;
        }
        const amount =
          instrument.kind === 'fixed_discount'
            ? Math.min(instrument.valueMinor ?? 0, base)
            : Math.floor((base * (instrument.percent ?? 0)) / 100);
        take(instrument, spread(amount, weights), discount);
        break;
      }
      case 'free_product': {
        // The matching line with a unit still charged; the dearest unit first.
        let best = -1;
        lines.forEach((line, index) => {
          if (line.sku !== instrument.sku || isSold[index]) return;
          if ((freeUnits[index] ?? 0) >= line.quantity || (left[index] ?? 0) <= 0) return;
          if (best < 0 || line.unitPriceMinor > (lines[best]?.unitPriceMinor ?? 0)) best = index;
        });
        if (best < 0) {
          dropped.push({ id: instrument.id, reason: 'NO_MATCHING_ITEM' });
          break;
        }
        freeUnits[best] = (freeUnits[best] ?? 0) + 1;
        const amounts = lines.map(() => 0);
        amounts[best] = Math.min(lines[best]?.unitPriceMinor ?? 0, left[best] ?? 0);
        take(instrument, amounts, discount);
        break;
      }
      case 'points_payment':
      case 'stored_value': {
        const value = instrument.valueMinor ?? 0;
        if (value > remaining) {
          // Enough is left only with the certificates sold, which a tender may not pay.
          const soldLeft = left.reduce((sum, amount, index) => sum + (isSold[index] ? amount : 0), 0);
          dropped.push({
            id: instrument.id,
            reason: value <= remaining + soldLeft ? 'GIFT_CERTIFICATE_NOT_PAYABLE' : 'EXCEEDS_TOTAL',
          });
          break;
        }
        take(instrument, spread(value, open()), instrument.kind === 'points_payment' ? points : certificates);
        break;
      }
    }
  }
  const priced = lines.map((_, index) => ({
    grossMinor: gross[index] ?? 0,
    discountMinor: discount[index] ?? 0,
    paidWithPointsMinor: points[index] ?? 0,
    paidWithGiftCertificatesMinor: certificates[index] ?? 0,
    toPayMinor: left[index] ?? 0,
    freeUnits: freeUnits[index] ?? 0,
  }));
  const sum = (pick: (l: (typeof priced)[number]) => number) => priced.reduce((a, l) => a + pick(l), 0);
  return {
    lines: priced,
    applied,
    dropped,
    totals: {
      subtotalMinor: sum((l) => l.grossMinor),
      discountMinor: sum((l) => l.discountMinor),
      paidWithPointsMinor: sum((l) => l.paidWithPointsMinor),
      paidWithGiftCertificatesMinor: sum((l) => l.paidWithGiftCertificatesMinor),
      toPayMinor: sum((l) => l.toPayMinor),
    },
    tenderableMinor: open().reduce((a, b) => a + b, 0),
    giftCertificatesSoldMinor: soldMinor,
  };
}

/** A basket line as the purchase records it: what it costs and what was taken off it. */
export type RecordedLine<L> = L & { quantity: number; discountMinor: number; paidWithPointsMinor: number };

/**
 * The purchase's lines for a priced basket. A unit given free is recorded as its own line (discounted
 * in full), so that the rules see it as the free unit it is: it earns no stamp and no per-item points,
 * while the units paid for on the same line still do.
 */
export function recordedLines<L extends PricingLine>(
  lines: readonly L[],
  priced: PricedBasket,
): Array<RecordedLine<L>> {
  return lines.flatMap((line, index) => {
    const p = priced.lines[index];
    const discount = p?.discountMinor ?? 0;
    const points = p?.paidWithPointsMinor ?? 0;
    const free = Math.min(p?.freeUnits ?? 0, line.quantity);
    if (free === 0 || free === line.quantity) {
      return [{ ...line, discountMinor: discount, paidWithPointsMinor: points }];
    }
    const freeGross = free * line.unitPriceMinor;
    const restGross = (line.quantity - free) * line.unitPriceMinor;
    const freeDiscount = Math.min(freeGross, discount);
    // What the rest of the line cannot carry stays on the free units (never more than they cost).
    const freePoints = Math.min(freeGross - freeDiscount, Math.max(0, points - restGross));
    return [
      { ...line, quantity: free, discountMinor: freeDiscount, paidWithPointsMinor: freePoints },
      {
        ...line,
        quantity: line.quantity - free,
        discountMinor: discount - freeDiscount,
        paidWithPointsMinor: points - freePoints,
      },
    ];
  });
}
