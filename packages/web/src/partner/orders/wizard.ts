import type { CatalogItem } from '../api';

export interface WizardLine {
  key: string;
  sku: string;
  title: string;
  term: string;
  billingCycle: string;
  quantity: number;
  item: CatalogItem;
}

export interface OfferChoice {
  value: string;
  term: string;
  billingCycle: string;
}

// Annual commitments first: that is what most licence orders are.
const TERM_ORDER = ['P1Y', 'P3Y', 'P1M', 'none'];

/**
 * The term/billing combinations a customer in `country` can buy for a catalog SKU: offers that are
 * not retired, sold in that market, one entry per combination.
 */
export function offerChoices(item: CatalogItem, country: string): OfferChoice[] {
  const seen = new Map<string, OfferChoice>();
  for (const offer of item.offers) {
    if (offer.retiredAt) continue;
    if (offer.countries.length > 0 && !offer.countries.includes(country.toUpperCase())) continue;
    const value = `${offer.term}|${offer.billingCycle}`;
    if (!seen.has(value)) seen.set(value, { value, term: offer.term, billingCycle: offer.billingCycle });
  }
  const rank = (term: string) => {
    const i = TERM_ORDER.indexOf(term);
    return i === -1 ? TERM_ORDER.length : i;
  };
  return [...seen.values()].sort(
    (a, b) => rank(a.term) - rank(b.term) || a.billingCycle.localeCompare(b.billingCycle),
  );
}
