import type { RoundingMode } from '../money/money.ts';
import { checkRateTable, checkRounding, computeOncePerRate, type TaxRateTable } from './once-per-rate.ts';
import type { TaxPolicy } from './types.ts';

/**
 * Japanese consumption tax (消費税) since October 2019: 10% standard, 8% reduced (food and drink
 * other than alcohol and eating out, and some newspaper subscriptions). Each already includes the
 * local consumption tax (7.8% + 2.2%, 6.24% + 1.76%); a qualified invoice shows only the totals.
 */
export const JAPAN_CONSUMPTION_TAX_RATES: TaxRateTable = Object.freeze({ standard: '10', reduced: '8' });

export interface JapanConsumptionTaxOptions {
  /**
   * How the tax of each rate is brought to whole yen. Default `down` (切り捨て), what most Japanese
   * issuers do; `half-up` (四捨五入) and `up` (切り上げ) are also allowed by the rules, provided
   * the issuer uses one method consistently.
   */
  rounding?: RoundingMode;
  /** Override the rate table (e.g. to date-effective rates after a future change). */
  rates?: TaxRateTable;
}

/**
 * Consumption tax as the qualified invoice system (適格請求書等保存方式, from October 2023)
 * requires: on each invoice, the line amounts are totalled per rate and the tax is computed and
 * rounded ONCE per rate on that total, never per line. The result lists, per rate, the total
 * (税率ごとに区分した対価の額) and the tax (税率ごとに区分した消費税額等), which a qualified
 * invoice must show. With `pricesIncludeTax` the totals are tax-inclusive and the tax of a rate is
 * `total × rate / (100 + rate)`, rounded once, which the rules equally allow.
 *
 * Negative lines (refunds prorated from a seat reduction) simply lower their rate's total; a
 * negative total is rounded toward zero by `down`, symmetrically with charges.
 */
export function japanConsumptionTax(options: JapanConsumptionTaxOptions = {}): TaxPolicy {
  const rates = checkRateTable(options.rates ?? JAPAN_CONSUMPTION_TAX_RATES, 'Japanese consumption tax');
  const rounding = checkRounding(options.rounding ?? 'down');
  return {
    id: 'jp-consumption-tax',
    compute: (invoice) =>
      computeOncePerRate(invoice, {
        policy: 'jp-consumption-tax',
        taxName: 'consumption tax',
        rates,
        rounding,
        reverseChargeAll: false,
        reverseChargeNote: 'Reverse charge: consumption tax to be accounted for by the recipient',
      }),
  };
}
