export { diffLines } from './diff.ts';
export { BillingError, type BillingErrorCode } from './errors.ts';
export {
  hasCorporateNumberCheckDigit,
  type InvoiceTotals,
  type InvoiceTotalsInput,
  invoiceTotals,
  isJapanRegistrationNumber,
} from './invoice.ts';
export {
  type DiscountRule,
  type LicenseTerm,
  type MeteredService,
  type ProposeOptions,
  proposeDiscountLines,
  proposeLicenseLines,
  proposeMeteredLines,
  proposeOneTimeLine,
  proposeServiceLines,
  proposeUsageLines,
  type RecurringService,
  type UsageAmount,
} from './lines.ts';
export type {
  InvoicedSource,
  InvoiceLineDraft,
  InvoiceLineKind,
  LineExplanation,
  LineExplanationStep,
  ProposedLine,
} from './types.ts';
