import { Money } from '../money/money.ts';
import type { TaxParty, TaxPolicy, TaxResult } from '../tax/types.ts';
import { BillingError } from './errors.ts';

export interface InvoiceTotalsInput {
  currency: string;
  lines: readonly { amount: Money; taxRate: string }[];
  taxPolicy: TaxPolicy;
  pricesIncludeTax?: boolean;
  seller?: TaxParty;
  buyer?: TaxParty;
}

export interface InvoiceTotals {
  net: Money;
  tax: Money;
  gross: Money;
  taxResult: TaxResult;
}

/**
 * The totals of an invoice from its rounded lines, tax computed once per rate by the policy, and
 * the invariants checked before anything is written: every line in the invoice currency and
 * rounded; net = Σ lines; gross = net + tax; the per-rate nets add up to net.
 */
export function invoiceTotals(input: InvoiceTotalsInput): InvoiceTotals {
  const { currency, lines } = input;
  lines.forEach((line, i) => {
    if (line.amount.currency !== currency) {
      throw new BillingError(
        'currency_mismatch',
        `Line ${i + 1} is in ${line.amount.currency}, the invoice in ${currency}`,
      );
    }
    if (!line.amount.isRounded()) {
      throw new BillingError('unrounded_line', `Line ${i + 1} is not rounded: ${line.amount.toString()}`);
    }
  });
  const taxResult = input.taxPolicy.compute({
    currency,
    lines: lines.map((l) => ({ amount: l.amount, rate: l.taxRate })),
    pricesIncludeTax: input.pricesIncludeTax ?? false,
    ...(input.seller ? { seller: input.seller } : {}),
    ...(input.buyer ? { buyer: input.buyer } : {}),
  });
  const sum = Money.sum(
    lines.map((l) => l.amount),
    currency,
  );
  const net = taxResult.net;
  const gross = taxResult.gross;
  checkInvariant(
    input.pricesIncludeTax ? gross.equals(sum) : net.equals(sum),
    `the lines add up to ${sum.toString()} but the invoice total is ${(input.pricesIncludeTax ? gross : net).toString()}`,
  );
  checkInvariant(gross.equals(net.plus(taxResult.tax)), 'gross is not net + tax');
  checkInvariant(
    Money.sum(
      taxResult.rates.map((r) => r.net),
      currency,
    ).equals(net),
    'the per-rate totals do not add up to the net total',
  );
  checkInvariant(taxResult.tax.isRounded(), 'the tax is not rounded');
  return { net, tax: taxResult.tax, gross, taxResult };
}

function checkInvariant(ok: boolean, what: string): void {
  if (!ok) throw new BillingError('invariant_violated', `Invoice invariant violated: ${what}`);
}

const REGISTRATION = /^T\d{13}$/;

/**
 * The form of a Japanese qualified invoice issuer registration number (適格請求書発行事業者登録番号):
 * `T` and 13 digits. Only the form is required; see `hasCorporateNumberCheckDigit` for companies.
 */
export function isJapanRegistrationNumber(value: string): boolean {
  return typeof value === 'string' && REGISTRATION.test(value);
}

/**
 * For a company the 13 digits are its corporate number (法人番号), whose first digit is a check
 * digit: 9 − (Σ Pn × Qn mod 9) over the other 12 digits Pn counted from the right, Qn = 1 for odd n
 * and 2 for even n. (Sole proprietors get numbers of their own; do not reject on this alone.)
 */
export function hasCorporateNumberCheckDigit(value: string): boolean {
  if (!isJapanRegistrationNumber(value)) return false;
  const digits = value.slice(1);
  const body = digits.slice(1);
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(body[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return Number(digits[0]) === 9 - (sum % 9);
}
