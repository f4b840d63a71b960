import { currencyDigits } from '../money/currency.ts';
import type { Money } from '../money/money.ts';

/** One line of working: what was compared or computed, the arithmetic with its numbers, the outcome. */
export interface AlertStep {
  label: string;
  formula: string;
  result: string;
}

/**
 * Why an alert was (or was not) raised. Data, not a paragraph: a UI lays the steps out as a table or
 * translates the labels, and support can answer "why did I get this e-mail?" from the stored alert.
 */
export interface AlertExplanation {
  summary: string;
  steps: AlertStep[];
}

const PLAIN = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The exact amount, padded to the currency's minor unit, with thousands separators:
 * "1,000 JPY", "150.00 USD", "142.857142… USD". Never rounded, so the arithmetic shown is the
 * arithmetic done (the pricing module prints money the same way).
 */
export function showMoney(m: Money): string {
  const match = PLAIN.exec(m.toString());
  if (match === null) return `${m.toString()} ${m.currency}`;
  const whole = (match[2] ?? '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const fraction = (match[3] ?? '').padEnd(currencyDigits(m.currency), '0');
  return `${match[1] ?? ''}${whole}${fraction === '' ? '' : `.${fraction}`} ${m.currency}`;
}

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * One segment of a dedupe key. Ids come from users and other systems; percent-encoding keeps a `:`
 * or `/` inside an id from ever making two different alerts share a key.
 */
export function keyPart(s: string): string {
  return encodeURIComponent(s);
}
