import { normaliseItemTerm } from '@regulars/rules';
import type { CatalogTermKind } from '@regulars/contracts';
import { PurchaseModel } from '../purchases/purchase.model.js';

/** How many recent purchases the pickers read: enough for a shop's catalogue, bounded on a page load. */
const RECENT_PURCHASES = 2000;
/** How many terms a picker offers. */
const MAX_TERMS = 200;

/**
 * The categories and SKUs purchases have used, for the rules designer's pickers: read from the most recent
 * purchases (newest first by `_id`, an index walk of a bounded length), normalised as rules match them.
 */
export class CatalogTermsService {
  async terms(query: { kind: CatalogTermKind; prefix?: string | undefined }) {
    const field = query.kind === 'category' ? 'category' : 'sku';
    const prefix = query.prefix === undefined ? '' : normaliseItemTerm(query.prefix);
    const purchases = await PurchaseModel.find({}, { [`items.${field}`]: 1 })
      .sort({ _id: -1 })
      .limit(RECENT_PURCHASES)
      .lean();
    const terms = new Set<string>();
    for (const purchase of purchases) {
      for (const item of purchase.items ?? []) {
        const value = item[field];
        if (typeof value !== 'string' || value.trim() === '') continue;
        const term = normaliseItemTerm(value);
        if (term.startsWith(prefix)) terms.add(term);
      }
    }
    return { kind: query.kind, items: [...terms].sort().slice(0, MAX_TERMS) };
  }
}
