import type { Money } from '../money/money.ts';

export type InvoiceLineKind = 'license' | 'usage' | 'own_service' | 'discount' | 'manual';

export interface LineExplanationStep {
  label: string;
  formula: string;
  result: string;
}

/** Why a line is what it is: structured working back to its sources, in plain English. */
export interface LineExplanation {
  summary: string;
  steps: LineExplanationStep[];
  /** Ids of what the line came from (subscription events, usage entitlement, discount rule). */
  sources?: Record<string, unknown>;
}

/**
 * A line that should exist on the invoices of a customer: the whole charge of one source (one
 * subscription × charge period, one Azure subscription × month, one discount of one of these),
 * rounded ONCE to the currency's minor unit. The diff turns it into what is still to be invoiced.
 */
export interface ProposedLine {
  /** Identity of the source across runs: equal keys are the same charge. */
  sourceKey: string;
  kind: InvoiceLineKind;
  description: string;
  subscriptionId: string | null;
  entitlementId: string | null;
  productId: string | null;
  /** Inclusive start and exclusive end, ISO dates. */
  periodStart: string;
  periodEnd: string;
  /** Decimal string (seats, or usage quantity summed). */
  quantity: string;
  unitPrice: Money | null;
  /** Exact, before the one rounding. */
  unrounded: Money;
  /** Rounded to the currency's minor unit. */
  amount: Money;
  /** Rate key of the tax policy (`standard`, `reduced`). */
  taxRate: string;
  explanation: LineExplanation;
}

/** What is already on non-void invoices for one source key (summed over every invoice). */
export interface InvoicedSource {
  sourceKey: string;
  amount: Money;
}

/** A line to write on the invoice being built: the difference between proposed and invoiced. */
export interface InvoiceLineDraft extends ProposedLine {
  /** What the source's proposed line totals now (rounded). */
  proposedTotal: Money;
  /** What earlier invoices already charged for this source. */
  previouslyInvoiced: Money;
}
