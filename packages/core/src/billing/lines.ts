import { Money, type RoundingMode } from '../money/money.ts';
import type { BillingCycle, TermDuration } from '../proration/charge-periods.ts';
import { describePeriod, exact, plural } from '../proration/explanation.ts';
import { proratedCharge, roundLine } from '../proration/prorate.ts';
import type { QuantityEvent } from '../proration/quantity.ts';
import { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { BillingError } from './errors.ts';
import { licenceCharges } from './licence-charges.ts';
import type { InvoiceLineKind, ProposedLine } from './types.ts';

/**
 * One term of a licence (or a recurring own service) as billing sees it: the seats bought at the
 * term start, the unit price per charge period locked for the term (the tier's price for this
 * seller → buyer), and the seat changes accepted inside the term. A renewal is a new term (new
 * price); an upgrade ends one subscription and starts another.
 */
export interface LicenseTerm {
  subscriptionId: string;
  kind?: Extract<InvoiceLineKind, 'license' | 'own_service'>;
  title: string;
  productId?: string | null;
  termStart: Temporal.PlainDate;
  term: TermDuration;
  billingCycle: BillingCycle;
  quantity: number;
  unitPrice: Money;
  events: readonly QuantityEvent[];
  taxRate?: string;
}

export interface ProposeOptions {
  /** Charge periods starting before this day, and changes effective before it, are billed. */
  until: Temporal.PlainDate;
  rounding?: RoundingMode;
}

/**
 * Every licence line that should exist up to `until`: licences are billed in advance, one line per
 * subscription per charge period (`unit price × seat-days / days in the charge period`, rounded
 * once), including the prorated charges and refunds of the seat changes effective so far. A line
 * whose charge period was billed before and changed since is proposed at its new total; the diff
 * bills only the difference.
 */
export function proposeLicenseLines(term: LicenseTerm, options: ProposeOptions): ProposedLine[] {
  const until = options.until;
  if (Temporal.PlainDate.compare(term.termStart, until) >= 0) return [];
  // quantitySegments + periodCharge per charge period, memoised date math (licence-charges.ts).
  const charges = licenceCharges(term, until);
  const lines: ProposedLine[] = [];
  const termStart = term.termStart.toString();
  for (const charge of charges) {
    const rounded = roundLine(charge.amount, options.rounding);
    lines.push({
      sourceKey: `sub:${term.subscriptionId}:${charge.start}`,
      kind: term.kind ?? 'license',
      description: term.title,
      subscriptionId: term.subscriptionId,
      entitlementId: null,
      productId: term.productId ?? null,
      periodStart: charge.start,
      periodEnd: charge.end,
      quantity: String(charge.closingQuantity),
      unitPrice: term.unitPrice,
      unrounded: charge.amount,
      amount: rounded.amount,
      taxRate: term.taxRate ?? 'standard',
      explanation: {
        summary: `${charge.explanation.summary}; ${rounded.explanation.summary}`,
        steps: [...charge.explanation.steps, ...rounded.explanation.steps],
        sources: { subscriptionId: term.subscriptionId, termStart },
      },
    });
  }
  return lines;
}

/** Rated Azure usage of one Azure subscription (entitlement), one meter category, one month. */
export interface UsageAmount {
  entitlementId: string;
  entitlementName: string;
  meterCategory: string;
  quantity: string;
  /** The seller's sale to the buyer, unrounded. */
  sale: Money;
  taxRate?: string;
}

/** The wording of a month, computed once per Period object (a run bills one month). */
const monthWordsCache = new WeakMap<Period, { ym: string; start: string; end: string; described: string }>();
function monthWords(month: Period) {
  let words = monthWordsCache.get(month);
  if (!words) {
    words = {
      ym: month.start.toPlainYearMonth().toString(),
      start: month.start.toString(),
      end: month.end.toString(),
      described: describePeriod(month),
    };
    monthWordsCache.set(month, words);
  }
  return words;
}

/**
 * Azure usage, in arrears: one line per Azure subscription and month, the unrounded sales of its
 * meter categories added first and rounded once; the explanation lists every category.
 */
export function proposeUsageLines(
  rows: readonly UsageAmount[],
  month: Period,
  options: { currency: string; rounding?: RoundingMode },
): ProposedLine[] {
  const byEntitlement = new Map<string, UsageAmount[]>();
  for (const row of rows) {
    if (row.sale.currency !== options.currency) {
      throw new BillingError(
        'currency_mismatch',
        `Usage of ${row.entitlementId} is in ${row.sale.currency}, the invoice in ${options.currency}`,
      );
    }
    const list = byEntitlement.get(row.entitlementId) ?? [];
    list.push(row);
    byEntitlement.set(row.entitlementId, list);
  }
  const { ym, start, end, described } = monthWords(month);
  const lines: ProposedLine[] = [];
  for (const [entitlementId, group] of [...byEntitlement].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const categories = [...group].sort((a, b) => (a.meterCategory < b.meterCategory ? -1 : 1));
    const total = Money.sum(
      categories.map((c) => c.sale),
      options.currency,
    );
    const rounded = roundLine(total, options.rounding);
    const name = categories[0]?.entitlementName || entitlementId;
    lines.push({
      sourceKey: `usage:${entitlementId}:${ym}`,
      kind: 'usage',
      description: `Azure ${name}`,
      subscriptionId: null,
      entitlementId,
      productId: null,
      periodStart: start,
      periodEnd: end,
      quantity: '1',
      unitPrice: null,
      unrounded: total,
      amount: rounded.amount,
      taxRate: categories[0]?.taxRate ?? 'standard',
      explanation: {
        summary: `Azure usage of ${name} in ${described}: ${categories.length} meter categor${categories.length === 1 ? 'y' : 'ies'} = ${exact(total)}; ${rounded.explanation.summary}`,
        steps: [
          ...categories.map((c) => ({
            label: c.meterCategory || '(no category)',
            formula: `quantity ${c.quantity}`,
            result: exact(c.sale),
          })),
          ...rounded.explanation.steps,
        ],
        sources: { entitlementId, month: ym },
      },
    });
  }
  return lines;
}

/**
 * A discount rule: `percent` off the lines of `productIds` (all licence and own-service lines when
 * omitted), effective for charge periods starting in [from, to). A bundle discount names
 * `requiresAll`: it applies only while the customer has lines for every one of those products.
 */
export interface DiscountRule {
  id: string;
  name: string;
  percent: string;
  productIds?: readonly string[];
  requiresAll?: readonly string[];
  from?: Temporal.PlainDate;
  to?: Temporal.PlainDate;
}

const PERCENT = /^(?:100(?:\.0+)?|\d{1,2}(?:\.\d{1,4})?)$/;

/**
 * The discount lines for the proposed lines: one per rule and discounted line (source key
 * `discount:<rule>:<line source key>`), `-(line amount × percent / 100)` rounded once, so a
 * discount follows its line through the diff like any other line.
 */
export function proposeDiscountLines(
  lines: readonly ProposedLine[],
  rules: readonly DiscountRule[],
  options: { rounding?: RoundingMode } = {},
): ProposedLine[] {
  const result: ProposedLine[] = [];
  const products = new Set(lines.filter((l) => !l.amount.isZero()).map((l) => l.productId));
  for (const rule of rules) {
    if (typeof rule.percent !== 'string' || !PERCENT.test(rule.percent)) {
      throw new BillingError(
        'invalid_discount',
        `Discount ${rule.id}: percent must be 0–100, got ${rule.percent}`,
      );
    }
    if (rule.requiresAll && !rule.requiresAll.every((p) => products.has(p))) continue;
    for (const line of lines) {
      if (line.kind !== 'license' && line.kind !== 'own_service') continue;
      if (rule.productIds && !(line.productId && rule.productIds.includes(line.productId))) continue;
      const start = Temporal.PlainDate.from(line.periodStart);
      if (rule.from && Temporal.PlainDate.compare(start, rule.from) < 0) continue;
      if (rule.to && Temporal.PlainDate.compare(start, rule.to) >= 0) continue;
      const unrounded = line.amount.percent(rule.percent).negate();
      const rounded = roundLine(unrounded, options.rounding);
      if (rounded.amount.isZero()) continue;
      result.push({
        ...line,
        sourceKey: `discount:${rule.id}:${line.sourceKey}`,
        kind: 'discount',
        description: `${rule.name} (${rule.percent}% off ${line.description})`,
        quantity: '1',
        unitPrice: null,
        unrounded,
        amount: rounded.amount,
        explanation: {
          summary: `${rule.percent}% of ${exact(line.amount)} = ${exact(unrounded)}; ${rounded.explanation.summary}`,
          steps: [
            { label: 'Discounted line', formula: line.sourceKey, result: exact(line.amount) },
            {
              label: rule.name,
              formula: `-${exact(line.amount)} × ${rule.percent} / 100`,
              result: exact(unrounded),
            },
            ...rounded.explanation.steps,
          ],
          sources: { discountRuleId: rule.id, line: line.sourceKey },
        },
      });
    }
  }
  return result;
}

/**
 * A partner's own recurring service without a commitment term: charged per calendar month in
 * advance, `unit price × quantity`, the first and last month prorated by days (`used / days in the
 * month`) from `start` to `end` (the cancellation day, exclusive).
 */
export interface RecurringService {
  subscriptionId: string;
  title: string;
  productId?: string | null;
  start: Temporal.PlainDate;
  end?: Temporal.PlainDate | null;
  quantity: number;
  /** Per month. */
  unitPrice: Money;
  taxRate?: string;
}

export function proposeServiceLines(service: RecurringService, options: ProposeOptions): ProposedLine[] {
  const lines: ProposedLine[] = [];
  const end = service.end ?? null;
  let month = Period.monthContaining(service.start);
  while (
    Temporal.PlainDate.compare(month.start, options.until) < 0 &&
    (end === null || Temporal.PlainDate.compare(month.start, end) < 0)
  ) {
    const usedStart =
      Temporal.PlainDate.compare(service.start, month.start) > 0 ? service.start : month.start;
    const usedEnd = end !== null && Temporal.PlainDate.compare(end, month.end) < 0 ? end : month.end;
    if (Temporal.PlainDate.compare(usedStart, usedEnd) < 0) {
      const charge = proratedCharge({
        unitPrice: service.unitPrice,
        quantity: service.quantity,
        chargePeriod: month,
        used: Period.of(usedStart, usedEnd),
      });
      const rounded = roundLine(charge.amount, options.rounding);
      lines.push({
        sourceKey: `sub:${service.subscriptionId}:${month.start.toString()}`,
        kind: 'own_service',
        description: service.title,
        subscriptionId: service.subscriptionId,
        entitlementId: null,
        productId: service.productId ?? null,
        periodStart: month.start.toString(),
        periodEnd: month.end.toString(),
        quantity: String(service.quantity),
        unitPrice: service.unitPrice,
        unrounded: charge.amount,
        amount: rounded.amount,
        taxRate: service.taxRate ?? 'standard',
        explanation: {
          summary: `${charge.explanation.summary}; ${rounded.explanation.summary}`,
          steps: [...charge.explanation.steps, ...rounded.explanation.steps],
          sources: { subscriptionId: service.subscriptionId },
        },
      });
    }
    month = Period.month(month.end.toPlainYearMonth());
  }
  return lines;
}

/** A one-time fee: `unit price × quantity` on the invoice of the month it was provided in. */
export function proposeOneTimeLine(
  fee: Omit<RecurringService, 'end'>,
  options: ProposeOptions,
): ProposedLine | null {
  if (Temporal.PlainDate.compare(fee.start, options.until) >= 0) return null;
  const exactAmount = fee.unitPrice.times(fee.quantity);
  const rounded = roundLine(exactAmount, options.rounding);
  return {
    sourceKey: `sub:${fee.subscriptionId}:one_time`,
    kind: 'own_service',
    description: fee.title,
    subscriptionId: fee.subscriptionId,
    entitlementId: null,
    productId: fee.productId ?? null,
    periodStart: fee.start.toString(),
    periodEnd: fee.start.add({ days: 1 }).toString(),
    quantity: String(fee.quantity),
    unitPrice: fee.unitPrice,
    unrounded: exactAmount,
    amount: rounded.amount,
    taxRate: fee.taxRate ?? 'standard',
    explanation: {
      summary: `One-time fee ${exact(fee.unitPrice)} × ${fee.quantity} = ${exact(exactAmount)}; ${rounded.explanation.summary}`,
      steps: [
        {
          label: 'One-time fee',
          formula: `${exact(fee.unitPrice)} × ${fee.quantity}`,
          result: exact(exactAmount),
        },
        ...rounded.explanation.steps,
      ],
      sources: { subscriptionId: fee.subscriptionId },
    },
  };
}

/**
 * A partner's own service billed by usage (`billing_cycle = usage`): staff record metered
 * quantities per day; each calendar month is billed in arrears as ONE line
 * `Σ quantity × unit price`, rounded once. `months` holds the recorded totals per month
 * (`YYYY-MM` → exact decimal quantity).
 */
export interface MeteredService {
  subscriptionId: string;
  title: string;
  productId?: string | null;
  /** The unit the quantity is counted in (`GB`, `hour`, `ticket`). */
  unit: string;
  /** Per unit. */
  unitPrice: Money;
  months: ReadonlyMap<string, { quantity: string; records: number }>;
  taxRate?: string;
}

/**
 * One line per month whose end is not after `until` (in arrears) and that has recorded usage, keyed
 * `metered:<subscription>:<YYYY-MM>`. Late records of a month already invoiced raise the month's
 * total, and the diff bills the difference only.
 */
export function proposeMeteredLines(service: MeteredService, options: ProposeOptions): ProposedLine[] {
  const lines: ProposedLine[] = [];
  for (const ym of [...service.months.keys()].sort()) {
    const usage = service.months.get(ym)!;
    const month = Period.parse(ym);
    if (Temporal.PlainDate.compare(month.end, options.until) > 0) continue;
    if (!/^\d+(\.\d+)?$/.test(usage.quantity)) {
      throw new BillingError(
        'invalid_line',
        `Usage of ${service.subscriptionId} in ${ym}: ${usage.quantity}`,
      );
    }
    const unrounded = service.unitPrice.times(usage.quantity);
    const rounded = roundLine(unrounded, options.rounding);
    const period = describePeriod(month);
    const formula = `${usage.quantity} ${service.unit} × ${exact(service.unitPrice)}`;
    lines.push({
      sourceKey: `metered:${service.subscriptionId}:${ym}`,
      kind: 'own_service',
      description: service.title,
      subscriptionId: service.subscriptionId,
      entitlementId: null,
      productId: service.productId ?? null,
      periodStart: month.start.toString(),
      periodEnd: month.end.toString(),
      quantity: usage.quantity,
      unitPrice: service.unitPrice,
      unrounded,
      amount: rounded.amount,
      taxRate: service.taxRate ?? 'standard',
      explanation: {
        summary: `${formula} = ${exact(unrounded)} (usage ${period}, ${plural(usage.records, 'record', 'records')}); ${rounded.explanation.summary}`,
        steps: [
          {
            label: `Recorded usage ${period}`,
            formula: plural(usage.records, 'record', 'records'),
            result: `${usage.quantity} ${service.unit}`,
          },
          { label: 'Quantity × unit price', formula, result: exact(unrounded) },
          ...rounded.explanation.steps,
        ],
        sources: { subscriptionId: service.subscriptionId, month: ym },
      },
    });
  }
  return lines;
}
