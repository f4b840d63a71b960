/**
 * Spike alerts (PRODUCT.md §6): "alert when a day's usage is at least double any of the previous
 * two days' usage", i.e. day ≥ 2 × min(day−1, day−2). (Japanese original: 過去2日間のいずれかの
 * 利用金額より倍以上, "at least double the amount of either of the past two days".)
 *
 * Decisions, each chosen so that an alert is only raised when the data proves the requirement's
 * condition, and so that the rule does not page customers about non-events:
 * - Boundary: "at least double" is inclusive: 100, 300, 200 alerts (200 ≥ 2 × 100).
 * - Previous days are looked up by calendar date (date − 1, date − 2), whatever the month: on the 1st
 *   of March the basis is the 27th and 28th of February. The caller passes the days to evaluate
 *   plus the two days before the first of them; every day of the series is evaluated.
 * - Missing days: a day with no row or a null amount has no data, which is not zero. If one previous
 *   day is unknown and today is at least double the other, the condition ("double any one of them")
 *   already holds, so it alerts; if not, the unknown day might have made it hold, which is no proof:
 *   no alert. Both unknown: outcome `no_basis`.
 * - Partial data: a day with `complete: false` is never alerted on (its amount is still growing;
 *   outcome `partial`); it is evaluated again once complete. A partial *previous* day is treated as
 *   unknown, since its amount understates the day and would make doubling too easy.
 * - Zero days: with 0 as a basis, 2 × 0 = 0 and any day would alert (even another zero day). So:
 *   - a day with no usage (≤ 0, e.g. a net credit) is never a spike;
 *   - a previous day of 0 (or less) is no basis when the other previous day had usage: the day is
 *     compared with that day alone (100, 0, 150 → no alert; 100, 0, 200 → alert). A single idle day
 *     (a weekend, an outage) followed by a normal day is a return to normal, not a spike;
 *   - when both previous days are known zeros, any positive usage is a spike (reason `from_zero`):
 *     usage starting in a dormant subscription is exactly what a customer wants to hear about, and
 *     two idle days in a row are rare enough in active subscriptions not to be noise;
 *   - one zero and one unknown day: `no_basis` (the unknown day may well have been normal usage).
 * - Once per day: dates in `alreadyRaised` are reported (outcome `spike`, alreadyRaised true) but
 *   not alerted again; the dedupe key `usage_spike:<subject>:<YYYY-MM-DD>` is deterministic.
 */
import { Money } from '../money/money.ts';
import type { Temporal } from '../time/calendar.ts';
import { type DailyUsage, dailySeries } from './daily.ts';
import { type AlertExplanation, type AlertStep, showMoney } from './explanation.ts';
import { type BudgetSubject, budgetSubjectKey, checkBudgetSubject } from './subject.ts';

export interface SpikeInput {
  subject: BudgetSubject;
  /** Any order, one row per date, one currency. */
  days: readonly DailyUsage[];
  /** Days already alerted as spikes. */
  alreadyRaised?: readonly Temporal.PlainDate[];
}

/**
 * How a previous day served as a basis: `basis` (complete, usage > 0), `zero` (complete, no usage),
 * `no_data` (no row or a null amount), `partial` (still arriving, treated as unknown).
 */
export type SpikeBasisStatus = 'basis' | 'zero' | 'no_data' | 'partial';

export interface SpikeBasisDay {
  date: Temporal.PlainDate;
  amount: Money | null;
  status: SpikeBasisStatus;
}

export type SpikeOutcome = 'spike' | 'no_spike' | 'no_basis' | 'partial' | 'no_data';
export type SpikeReason = 'doubled' | 'from_zero';

export interface SpikeDay {
  date: Temporal.PlainDate;
  amount: Money | null;
  outcome: SpikeOutcome;
  /** Why it is a spike; null unless outcome is `spike`. */
  reason: SpikeReason | null;
  /** [day − 1, day − 2]; empty when the day itself could not be evaluated (no data, partial). */
  previous: SpikeBasisDay[];
  /** 2 × the smallest previous day with usage (0 for `from_zero`); null when nothing was compared. */
  threshold: Money | null;
  alreadyRaised: boolean;
  explanation: AlertExplanation;
}

export interface SpikeAlert {
  type: 'usage_spike';
  subject: BudgetSubject;
  date: Temporal.PlainDate;
  period: Temporal.PlainYearMonth;
  reason: SpikeReason;
  values: { amount: Money; previous: SpikeBasisDay[]; threshold: Money };
  explanation: AlertExplanation;
  dedupeKey: string;
}

export interface SpikeResult {
  /** New spikes, oldest first: the alerts to send. */
  alerts: SpikeAlert[];
  /** Every day of the series, oldest first, with its outcome. */
  days: SpikeDay[];
}

const STATUS_TEXT: Record<SpikeBasisStatus, string> = {
  basis: 'basis',
  zero: 'no usage, no basis',
  no_data: 'no data (unknown, not zero)',
  partial: 'partial day, treated as unknown',
};

function basisDay(byDate: ReadonlyMap<string, DailyUsage>, date: Temporal.PlainDate): SpikeBasisDay {
  const row = byDate.get(date.toString());
  if (row === undefined || row.amount === null) return { date, amount: null, status: 'no_data' };
  if (!row.complete) return { date, amount: row.amount, status: 'partial' };
  return { date, amount: row.amount, status: row.amount.isPositive() ? 'basis' : 'zero' };
}

function basisStep(day: SpikeBasisDay, offset: number): AlertStep {
  return {
    label: `day − ${offset} (${day.date})`,
    formula: day.amount === null ? 'no data' : showMoney(day.amount),
    result: STATUS_TEXT[day.status],
  };
}

/** Evaluates every day of the series against the two calendar days before it. */
export function spikeAlerts(input: SpikeInput): SpikeResult {
  checkBudgetSubject(input.subject);
  const series = dailySeries(input.days);
  const raised = new Set((input.alreadyRaised ?? []).map((d) => d.toString()));
  const subjectKey = budgetSubjectKey(input.subject);
  const days: SpikeDay[] = [];
  const alerts: SpikeAlert[] = [];

  for (const row of series.days) {
    const { date, amount } = row;
    const base = { date, amount, alreadyRaised: false };
    if (amount === null) {
      days.push({
        ...base,
        outcome: 'no_data',
        reason: null,
        previous: [],
        threshold: null,
        explanation: {
          summary: `No usage data for ${date}: nothing to evaluate`,
          steps: [{ label: `day ${date}`, formula: 'no data', result: 'not evaluated' }],
        },
      });
      continue;
    }
    if (!row.complete) {
      days.push({
        ...base,
        outcome: 'partial',
        reason: null,
        previous: [],
        threshold: null,
        explanation: {
          summary: `Usage data for ${date} is still incomplete (${showMoney(amount)} so far): no spike alert on a partial day`,
          steps: [{ label: `day ${date}`, formula: showMoney(amount), result: 'partial, not evaluated' }],
        },
      });
      continue;
    }

    const previous = [
      basisDay(series.byDate, date.subtract({ days: 1 })),
      basisDay(series.byDate, date.subtract({ days: 2 })),
    ];
    const steps = previous.map((p, i) => basisStep(p, i + 1));
    const todayStep: AlertStep = { label: `day ${date}`, formula: showMoney(amount), result: 'complete' };
    steps.unshift(todayStep);

    let outcome: SpikeOutcome;
    let reason: SpikeReason | null = null;
    let threshold: Money | null = null;
    let summary: string;
    const positives = previous.filter((p) => p.status === 'basis');
    if (!amount.isPositive()) {
      outcome = 'no_spike';
      steps.push({
        label: 'usage on the day',
        formula: `${showMoney(amount)} ≤ 0`,
        result: 'no usage, never a spike',
      });
      summary = `No usage on ${date}: not a spike`;
    } else if (positives.length > 0) {
      // The smallest previous day with usage; on a tie the more recent day (day − 1) is named.
      const lowest = positives.reduce((min, p) => (p.amount!.lessThan(min.amount!) ? p : min));
      const lowestAmount = lowest.amount!;
      threshold = lowestAmount.times(2);
      const spike = amount.greaterThanOrEqual(threshold);
      outcome = spike ? 'spike' : 'no_spike';
      reason = spike ? 'doubled' : null;
      steps.push({
        label: 'spike threshold',
        formula: `2 × min(${positives.map((p) => showMoney(p.amount!)).join(', ')})`,
        result: showMoney(threshold),
      });
      steps.push({
        label: 'usage vs threshold',
        formula: `${showMoney(amount)} ${spike ? '≥' : '<'} ${showMoney(threshold)}`,
        result: spike ? 'spike' : 'no spike',
      });
      summary = spike
        ? `Usage on ${date} (${showMoney(amount)}) is at least double that of ${lowest.date} (${showMoney(lowestAmount)})`
        : `Usage on ${date} (${showMoney(amount)}) is less than double the previous days' usage (threshold ${showMoney(threshold)})`;
    } else if (previous.every((p) => p.status === 'zero')) {
      outcome = 'spike';
      reason = 'from_zero';
      threshold = Money.zero(amount.currency);
      steps.push({
        label: 'usage vs two idle days',
        formula: `${showMoney(amount)} > 0 after two days without usage`,
        result: 'spike',
      });
      summary = `Usage started on ${date} (${showMoney(amount)}) after two days without usage`;
    } else {
      outcome = 'no_basis';
      steps.push({
        label: 'spike threshold',
        formula: 'no previous day with known usage',
        result: 'no basis, no alert',
      });
      summary = `No basis to judge ${date}: neither of the two previous days has complete usage data`;
    }

    const alreadyRaised = outcome === 'spike' && raised.has(date.toString());
    const explanation: AlertExplanation = { summary, steps };
    days.push({ ...base, outcome, reason, previous, threshold, alreadyRaised, explanation });
    if (outcome === 'spike' && !alreadyRaised) {
      alerts.push({
        type: 'usage_spike',
        subject: input.subject,
        date,
        period: date.toPlainYearMonth(),
        reason: reason!,
        values: { amount, previous, threshold: threshold! },
        explanation,
        dedupeKey: `usage_spike:${subjectKey}:${date}`,
      });
    }
  }
  return { alerts, days };
}
