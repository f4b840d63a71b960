export { TaxError, type TaxErrorCode } from './errors.ts';
export {
  JAPAN_CONSUMPTION_TAX_RATES,
  type JapanConsumptionTaxOptions,
  japanConsumptionTax,
} from './japan.ts';
export {
  type DisplayedRate,
  displayedRates,
  type InvoiceLanguage,
  type RateAmounts,
  taxInclusiveStatement,
  taxName,
  taxNoteText,
} from './notes.ts';
export type { TaxRateTable } from './once-per-rate.ts';
export type {
  TaxExplanation,
  TaxInvoice,
  TaxLine,
  TaxNote,
  TaxParty,
  TaxPolicy,
  TaxRateTotal,
  TaxResult,
  TaxStep,
  TaxTreatment,
} from './types.ts';
export { EU_MEMBER_STATES, type VatPolicyOptions, type VatRateTables, vatPolicy } from './vat.ts';
