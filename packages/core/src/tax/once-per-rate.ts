import Big from 'big.js';
import { currencyDigits } from '../money/currency.ts';
import { CurrencyMismatchError, Money, type RoundingMode } from '../money/money.ts';
import { TaxError } from './errors.ts';
import type { TaxInvoice, TaxNote, TaxRateTotal, TaxResult, TaxStep, TaxTreatment } from './types.ts';

/** Rate key → percentage as a decimal string, e.g. `{ standard: '10', reduced: '8' }`. */
export type TaxRateTable = Readonly<Record<string, string>>;

const PERCENT = /^\d{1,3}(?:\.\d{1,6})?$/;
const TREATMENTS: readonly TaxTreatment[] = ['taxable', 'exempt', 'reverse_charge'];

/** Checks a rate table once, when a policy is built, and returns a frozen copy in its key order. */
export function checkRateTable(rates: TaxRateTable, where: string): TaxRateTable {
  if (rates === null || typeof rates !== 'object') {
    throw new TaxError('invalid_tax_rate', `${where}: the rate table must be an object`);
  }
  const entries: [string, string][] = [];
  for (const [key, percent] of Object.entries(rates)) {
    if (typeof percent !== 'string' || !PERCENT.test(percent) || new Big(percent).gt(100)) {
      throw new TaxError(
        'invalid_tax_rate',
        `${where}: rate ${JSON.stringify(key)} must be a percentage between 0 and 100 as a decimal string, got ${JSON.stringify(percent)}`,
        { rate: key },
      );
    }
    entries.push([key, new Big(percent).toFixed()]);
  }
  // fromEntries defines own properties, so even a key such as "__proto__" stays a plain rate key.
  return Object.freeze(Object.fromEntries(entries));
}

export interface OncePerRateSettings {
  policy: string;
  /** Name of the tax in explanations: `consumption tax`, `VAT`. */
  taxName: string;
  /** null only when every taxable line is reverse-charged and no table applies. */
  rates: TaxRateTable | null;
  rounding: RoundingMode;
  /** Treat every taxable line as reverse-charged (cross-border B2B). */
  reverseChargeAll: boolean;
  reverseChargeNote: string;
}

const MODE_WORDS: Readonly<Record<RoundingMode, string>> = {
  'half-up': 'rounded half up',
  'half-even': 'rounded half to even',
  down: 'rounded down (truncated)',
  up: 'rounded up',
};

/** Validates a rounding mode when a policy is built, so a typo fails at start-up, not on an invoice. */
export function checkRounding(mode: RoundingMode): RoundingMode {
  if (typeof mode !== 'string' || !Object.hasOwn(MODE_WORDS, mode)) {
    throw new TaxError('invalid_rounding', `Unknown rounding mode ${JSON.stringify(mode)}`, {
      rounding: String(mode),
    });
  }
  return mode;
}

/** A rounded amount padded to the currency's digits (12.50 EUR); an exact one in full (691.2 JPY). */
function shown(m: Money): string {
  return `${m.isRounded() ? m.toFixed() : m.toString()} ${m.currency}`;
}

function sumFormula(amounts: readonly Money[]): string {
  if (amounts.length === 0) return 'no lines';
  // Past a handful of lines the formula stops being readable; the line positions are in the result.
  if (amounts.length > 8) return `sum of ${amounts.length} lines`;
  return amounts.map(shown).join(' + ');
}

function groupLabel(group: Pick<TaxRateTotal, 'treatment' | 'rate' | 'percent'>): string {
  if (group.treatment === 'exempt') return 'Exempt';
  if (group.treatment === 'reverse_charge') return 'Reverse charge';
  return `${group.percent}% (${group.rate})`;
}

interface Group {
  treatment: TaxTreatment;
  rate: string | null;
  amounts: Money[];
  lines: number[];
}

/**
 * The tax of an invoice computed once per rate: the line amounts of each rate are added, and the
 * tax of that sum is rounded once. Never a sum of per-line rounded taxes, which drifts by up to a
 * minor unit per line and is what Japan's qualified invoice rules (one rounding per rate per
 * invoice) and most VAT regimes forbid or discourage. The result depends only on the sum per rate,
 * so it is the same whatever the order of the lines or however they are split.
 */
export function computeOncePerRate(invoice: TaxInvoice, settings: OncePerRateSettings): TaxResult {
  if (invoice === null || typeof invoice !== 'object') throw new TypeError('invoice must be an object');
  const { currency } = invoice;
  currencyDigits(currency);
  if (!Array.isArray(invoice.lines)) throw new TaxError('invalid_tax_line', 'invoice.lines must be an array');
  const inclusive = invoice.pricesIncludeTax === true;
  const { rates } = settings;

  const taxable = new Map<string, Group>();
  for (const key of Object.keys(rates ?? {})) {
    taxable.set(key, { treatment: 'taxable', rate: key, amounts: [], lines: [] });
  }
  const untaxed: Record<'exempt' | 'reverse_charge', Group> = {
    exempt: { treatment: 'exempt', rate: null, amounts: [], lines: [] },
    reverse_charge: { treatment: 'reverse_charge', rate: null, amounts: [], lines: [] },
  };

  invoice.lines.forEach((line, i) => {
    const where = `line ${i}`;
    if (line === null || typeof line !== 'object' || !(line.amount instanceof Money)) {
      throw new TaxError('invalid_tax_line', `${where}: amount must be a Money`, { line: String(i) });
    }
    if (line.amount.currency !== currency) throw new CurrencyMismatchError(currency, line.amount.currency);
    if (!line.amount.isRounded()) {
      throw new TaxError(
        'unrounded_line',
        `${where}: ${line.amount.toString()} ${currency} is not rounded to the minor unit; round each line first`,
        { line: String(i) },
      );
    }
    const treatment = line.treatment ?? 'taxable';
    if (!TREATMENTS.includes(treatment)) {
      throw new TaxError('invalid_tax_line', `${where}: unknown treatment ${JSON.stringify(treatment)}`, {
        line: String(i),
      });
    }
    const known = rates !== null && typeof line.rate === 'string' && Object.hasOwn(rates, line.rate);
    // A rate key is checked whenever there is a table to check it against, also on untaxed lines:
    // a typo there would become a wrongly taxed line the day the treatment changes.
    const mustKnow = treatment === 'taxable' && !settings.reverseChargeAll;
    if (!known && (mustKnow || (line.rate !== undefined && rates !== null))) {
      throw new TaxError(
        'unknown_tax_rate',
        line.rate === undefined
          ? `${where}: a taxable line needs a rate key`
          : `${where}: unknown tax rate ${JSON.stringify(line.rate)} (known: ${Object.keys(rates ?? {}).join(', ')})`,
        { line: String(i), rate: String(line.rate ?? '') },
      );
    }
    const effective: TaxTreatment =
      treatment === 'taxable' && settings.reverseChargeAll ? 'reverse_charge' : treatment;
    const group: Group = effective === 'taxable' ? taxable.get(line.rate!)! : untaxed[effective];
    group.amounts.push(line.amount);
    group.lines.push(i);
  });

  const how = MODE_WORDS[settings.rounding];
  const steps: TaxStep[] = [];
  const totals: TaxRateTotal[] = [];
  for (const group of taxable.values()) {
    if (group.lines.length === 0) continue;
    const percent = rates![group.rate!]!;
    const sum = Money.sum(group.amounts, currency);
    const label = groupLabel({ ...group, percent });
    let net: Money;
    let tax: Money;
    let formula: string;
    if (inclusive) {
      const divisor = new Big(percent).plus(100).toFixed();
      // Money keeps the quotient to 40 decimals: for rates with up to 6 decimals no exact value
      // can sit that close to a rounding boundary without being on it, so rounding it is exact.
      const exact = sum.times(percent).dividedBy(divisor);
      tax = exact.round(settings.rounding);
      net = sum.minus(tax);
      formula = `${shown(sum)} × ${percent} / ${divisor} = ${exact.toString()} ${currency}, ${how}`;
    } else {
      const exact = sum.percent(percent);
      tax = exact.round(settings.rounding);
      net = sum;
      formula = `${shown(sum)} × ${percent}% = ${exact.toString()} ${currency}, ${how}`;
    }
    steps.push({
      label: `${label}: total of ${inclusive ? 'tax-inclusive ' : ''}lines`,
      formula: sumFormula(group.amounts),
      result: shown(sum),
    });
    steps.push({ label: `${label}: ${settings.taxName}`, formula, result: shown(tax) });
    if (inclusive) {
      steps.push({
        label: `${label}: amount before tax`,
        formula: `${shown(sum)} − ${shown(tax)}`,
        result: shown(net),
      });
    }
    totals.push({
      treatment: 'taxable',
      rate: group.rate,
      percent,
      net,
      tax,
      gross: net.plus(tax),
      lines: group.lines,
    });
  }
  for (const group of [untaxed.exempt, untaxed.reverse_charge]) {
    if (group.lines.length === 0) continue;
    const sum = Money.sum(group.amounts, currency);
    const zero = Money.zero(currency);
    steps.push({
      label: `${groupLabel({ ...group, percent: '0' })}: total of lines`,
      formula: sumFormula(group.amounts),
      result: `${shown(sum)}, no ${settings.taxName} charged`,
    });
    totals.push({
      treatment: group.treatment,
      rate: null,
      percent: '0',
      net: sum,
      tax: zero,
      gross: sum,
      lines: group.lines,
    });
  }

  const net = Money.sum(
    totals.map((t) => t.net),
    currency,
  );
  const tax = Money.sum(
    totals.map((t) => t.tax),
    currency,
  );
  const gross = net.plus(tax);
  const taxed = totals.filter((t) => t.treatment === 'taxable');
  steps.push({
    label: `Total ${settings.taxName}`,
    formula: taxed.length === 0 ? 'no taxable lines' : taxed.map((t) => shown(t.tax)).join(' + '),
    result: shown(tax),
  });
  steps.push({ label: 'Invoice total', formula: `${shown(net)} + ${shown(tax)}`, result: shown(gross) });

  const notes: TaxNote[] =
    untaxed.reverse_charge.lines.length > 0
      ? [{ code: 'reverse_charge', text: settings.reverseChargeNote }]
      : [];
  const perRate = taxed.map((t) => `${t.percent}% ${shown(t.tax)} on ${shown(t.net)}`).join(', ');
  const summary =
    taxed.length === 0
      ? `No ${settings.taxName} charged on ${shown(net)}` +
        (settings.reverseChargeAll ? ' (reverse charge)' : '')
      : `${settings.taxName[0]!.toUpperCase()}${settings.taxName.slice(1)} ${shown(tax)} on ${shown(net)}, ` +
        `computed once per rate on the invoice total of each rate and ${how}: ${perRate}`;

  return {
    policy: settings.policy,
    currency,
    pricesIncludeTax: inclusive,
    rates: totals,
    net,
    tax,
    gross,
    notes,
    explanation: { summary, steps },
  };
}
