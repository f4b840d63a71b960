import { japanConsumptionTax, Money, type TaxPolicy, type TaxResult, vatPolicy } from '@cspc/core';

/**
 * The totals of a quote: per billing period of each billing cycle (what the customer pays each
 * month, each year, once) and for the whole term, each with tax. Tax follows the seller's
 * jurisdiction: Japanese consumption tax (10%, once per rate per document) for Japanese sellers,
 * VAT by the place of supply for sellers in the EU, none elsewhere (shown as such).
 */

export interface TotalLine {
  billingCycle: string;
  totalPerCycle: string;
  totalPerTerm: string | null;
  currency: string;
}

export interface TaxedAmount {
  net: string;
  tax: string;
  gross: string;
  currency: string;
  taxPolicy: string;
  taxExplanation: string;
}

export interface QuoteTotals {
  currency: string;
  byBillingCycle: (TaxedAmount & { billingCycle: string })[];
  term: TaxedAmount;
}

const EU_VAT = {
  DE: { standard: '19', reduced: '7' },
  AT: { standard: '20', reduced: '10' },
  FR: { standard: '20', reduced: '5.5' },
  NL: { standard: '21', reduced: '9' },
} as const;

function policyFor(sellerCountry: string): TaxPolicy | null {
  if (sellerCountry === 'JP') return japanConsumptionTax();
  if (sellerCountry in EU_VAT) return vatPolicy({ rates: EU_VAT });
  return null;
}

function taxed(
  amounts: readonly Money[],
  currency: string,
  parties: { seller: string; buyer: string },
): TaxedAmount {
  const net = Money.sum(
    amounts.map((a) => a.round()),
    currency,
  );
  const policy = policyFor(parties.seller);
  if (!policy || amounts.length === 0) {
    return {
      net: net.toString(),
      tax: '0',
      gross: net.toString(),
      currency,
      taxPolicy: 'none',
      taxExplanation: policy ? 'nothing to tax' : `no tax policy for sellers in ${parties.seller}`,
    };
  }
  let result: TaxResult;
  try {
    result = policy.compute({
      currency,
      lines: amounts.map((amount) => ({ amount: amount.round(), rate: 'standard' })),
      seller: { country: parties.seller },
      buyer: { country: parties.buyer },
    });
  } catch {
    return {
      net: net.toString(),
      tax: '0',
      gross: net.toString(),
      currency,
      taxPolicy: 'none',
      taxExplanation: `no tax rates for buyers in ${parties.buyer}`,
    };
  }
  return {
    net: result.net.toString(),
    tax: result.tax.toString(),
    gross: result.gross.toString(),
    currency,
    taxPolicy: result.policy,
    taxExplanation: result.explanation.summary,
  };
}

export function quoteTotals(
  lines: readonly TotalLine[],
  currency: string,
  parties: { seller: string; buyer: string },
): QuoteTotals {
  const cycles = [...new Set(lines.map((l) => l.billingCycle))];
  const byBillingCycle = cycles.map((billingCycle) => ({
    billingCycle,
    ...taxed(
      lines.filter((l) => l.billingCycle === billingCycle).map((l) => Money.of(l.totalPerCycle, l.currency)),
      currency,
      parties,
    ),
  }));
  const term = taxed(
    lines.map((l) => Money.of(l.totalPerTerm ?? l.totalPerCycle, l.currency)),
    currency,
    parties,
  );
  return { currency, byBillingCycle, term };
}
