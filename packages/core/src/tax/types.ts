import type { Money } from '../money/money.ts';

/**
 * How a line is taxed. `exempt`: no tax by law (Japan 非課税, VAT-exempt supplies).
 * `reverse_charge`: no tax on this invoice, the buyer accounts for it.
 */
export type TaxTreatment = 'taxable' | 'exempt' | 'reverse_charge';

export interface TaxLine {
  /** Already rounded to the currency's minor unit; net, or tax-inclusive if the invoice says so. */
  amount: Money;
  /** Rate key in the policy's table (`standard`, `reduced`). Required for taxable lines. */
  rate?: string;
  /** Default `taxable`. */
  treatment?: TaxTreatment;
}

/** A party to the invoice, for policies that depend on where seller and buyer are (VAT). */
export interface TaxParty {
  /** ISO 3166-1 alpha-2, upper case (`DE`, `FR`, `JP`). */
  country: string;
  /** VAT (or equivalent) registration id, if the party has one. */
  vatId?: string;
}

export interface TaxInvoice {
  currency: string;
  lines: readonly TaxLine[];
  /**
   * True when taxable line amounts include tax (税込): the tax of each rate is then
   * `inclusive total × rate / (100 + rate)`. Untaxed (exempt, reverse-charge) lines hold no tax either way.
   */
  pricesIncludeTax?: boolean;
  seller?: TaxParty;
  buyer?: TaxParty;
}

/** The amounts of one rate (or of one untaxed treatment) on the invoice, as a qualified invoice lists them. */
export interface TaxRateTotal {
  treatment: TaxTreatment;
  /** The rate key; null for an untaxed group whose lines named none. */
  rate: string | null;
  /** Percentage applied, a decimal string: `10`, `8`, `19`; `0` for untaxed groups. */
  percent: string;
  /** Amount before tax. */
  net: Money;
  tax: Money;
  /** net + tax. */
  gross: Money;
  /** Positions of the lines in this group, in invoice order. */
  lines: number[];
}

export interface TaxNote {
  code: 'reverse_charge';
  /** English wording to print on the invoice; a UI may translate by `code`. */
  text: string;
}

export interface TaxStep {
  label: string;
  formula: string;
  result: string;
}

/** Structured working, so that a UI can show or translate it and an auditor can check it. */
export interface TaxExplanation {
  summary: string;
  steps: TaxStep[];
}

export interface TaxResult {
  /** Which policy computed this (`jp-consumption-tax`, `vat`). */
  policy: string;
  currency: string;
  pricesIncludeTax: boolean;
  /** Taxable rates in the order of the policy's rate table, then exempt, then reverse-charge groups. */
  rates: TaxRateTotal[];
  net: Money;
  tax: Money;
  gross: Money;
  notes: TaxNote[];
  explanation: TaxExplanation;
}

/**
 * A tax regime. Given an invoice's lines, each already rounded as an invoice line, it returns the
 * tax per rate and the totals. Pure: rates and settings are given to the policy when it is built.
 */
export interface TaxPolicy {
  readonly id: string;
  compute(invoice: TaxInvoice): TaxResult;
}
