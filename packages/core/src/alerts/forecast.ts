/**
 * Month-end forecast (PRODUCT.md §6, budgets): where month-to-date usage is heading, and whether that
 * is over the planned amount.
 *
 * forecast = month-to-date + average of the last 7 complete days × remaining days, where:
 * - The trend is the average of the 7 most recent days with complete data on or before `today`,
 *   wherever they fall: on the 3rd of a month, the last days of the previous month carry the trend
 *   (the caller passes a series across the month boundary, as for spikes). Fewer than 7 complete
 *   days: the average of those there are (the explanation says how many). None: no forecast
 *   (status `no_trend`); no amount at all: status `no_data`.
 * - Month-to-date is every amount recorded for the month's days, complete or partial: money already
 *   spent, as the customer sees it on the month-to-date chart.
 * - Remaining days are the month's days without complete data: the days after today, today if its
 *   data is partial, and past days with no data (no data ≠ zero, so they are projected at the
 *   trend rather than counted as free).
 * - A partial day is projected at the greater of its recorded amount and the average: its amount
 *   is a floor, and what it already recorded is in month-to-date, so the projection adds only the
 *   top-up: average × remaining days − Σ min(partial amount, average).
 * - Usage dated after `today` is refused (input error): the clock is a parameter, data from the
 *   future means the caller passed the wrong day. A `today` after the month simply leaves only the
 *   days without data to project (usually none: the forecast is the month's total).
 * - The average is exact; the forecast is rounded half-up to the currency's minor unit once, at the
 *   end (a projection to 40 decimals is noise in a UI and in a budget comparison).
 * - Over budget means forecast > planned (the requirement's "over"; landing exactly on the plan is
 *   on budget). To be told on reaching the plan, add a 100% threshold to budgetThresholdAlerts.
 *   Planned 0 or not set: no budget, no alert. Once per month: dedupe key
 *   `budget_forecast:<subject>:<YYYY-MM>`; pass alreadyRaised to suppress.
 */
import { Money } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { type DailyUsage, dailySeries } from './daily.ts';
import { AlertError } from './errors.ts';
import { type AlertExplanation, type AlertStep, plural, showMoney } from './explanation.ts';
import { type BudgetSubject, budgetSubjectKey, checkBudgetSubject } from './subject.ts';

/** How many complete days the trend averages. */
export const FORECAST_TREND_DAYS = 7;

export interface ForecastInput {
  subject: BudgetSubject;
  /** Daily usage, any order, one row per date; may start before the month (for the trend). */
  daily: readonly DailyUsage[];
  month: Temporal.PlainYearMonth;
  today: Temporal.PlainDate;
}

export type ForecastStatus = 'forecast' | 'no_trend' | 'no_data';

export interface MonthEndForecast {
  subject: BudgetSubject;
  month: Temporal.PlainYearMonth;
  today: Temporal.PlainDate;
  status: ForecastStatus;
  /** Rounded half-up to the currency's minor unit; null unless status is `forecast`. */
  forecast: Money | null;
  /** Null only when no day has an amount (status `no_data`). */
  monthToDate: Money | null;
  /** The trend, exact; null without complete days. */
  average: Money | null;
  /** The complete days averaged, oldest first. */
  trendDays: Temporal.PlainDate[];
  /** The month's days with complete data. */
  completeDays: number;
  /** The month's days without complete data (projected at the trend). */
  remainingDays: number;
  explanation: AlertExplanation;
}

/** Projects the month's total usage from month-to-date and the recent daily trend. */
export function forecastMonthEnd(input: ForecastInput): MonthEndForecast {
  checkBudgetSubject(input.subject);
  const { subject, month, today } = input;
  const series = dailySeries(input.daily);
  for (const day of series.days) {
    if (day.amount !== null && Temporal.PlainDate.compare(day.date, today) > 0) {
      throw new AlertError('usage_after_today', `Usage dated ${day.date} is after today (${today})`, {
        date: day.date.toString(),
        today: today.toString(),
      });
    }
  }
  const period = Period.month(month);
  const base = { subject, month, today };
  if (series.currency === null) {
    return {
      ...base,
      status: 'no_data',
      forecast: null,
      monthToDate: null,
      average: null,
      trendDays: [],
      completeDays: 0,
      remainingDays: period.days(),
      explanation: {
        summary: `No usage data: no forecast for ${month}`,
        steps: [{ label: 'usage data', formula: 'none', result: 'no forecast' }],
      },
    };
  }
  const currency = series.currency;

  // The series is sorted, so the last complete days are the most recent; all are on or before
  // today (checked above). Kept oldest first for the explanation.
  const trend = series.days.filter((d) => d.complete && d.amount !== null).slice(-FORECAST_TREND_DAYS);
  const average =
    trend.length === 0
      ? null
      : Money.sum(
          trend.map((d) => d.amount!),
          currency,
        ).dividedBy(trend.length);

  let completeSum = Money.zero(currency);
  let partialSum = Money.zero(currency);
  let completeDays = 0;
  let remainingDays = 0;
  const partials: Money[] = [];
  for (let date = period.start; period.contains(date); date = date.add({ days: 1 })) {
    const row = series.byDate.get(date.toString());
    if (row?.amount != null && row.complete) {
      completeSum = completeSum.plus(row.amount);
      completeDays += 1;
      continue;
    }
    remainingDays += 1;
    if (row?.amount != null) {
      partialSum = partialSum.plus(row.amount);
      partials.push(row.amount);
    }
  }
  const monthToDate = completeSum.plus(partialSum);
  const mtdStep: AlertStep = {
    label: 'month-to-date',
    formula:
      `${plural(completeDays, 'complete day', 'complete days')} ${showMoney(completeSum)}` +
      (partials.length === 0
        ? ''
        : ` + ${plural(partials.length, 'partial day', 'partial days')} ${showMoney(partialSum)}`),
    result: showMoney(monthToDate),
  };
  const remainingStep: AlertStep = {
    label: 'remaining days',
    formula: `${period.days()} days in ${month} − ${plural(completeDays, 'complete day', 'complete days')}`,
    result: plural(remainingDays, 'day', 'days'),
  };

  if (average === null) {
    return {
      ...base,
      status: 'no_trend',
      forecast: null,
      monthToDate,
      average: null,
      trendDays: [],
      completeDays,
      remainingDays,
      explanation: {
        summary: `No complete day of usage yet: no trend, no forecast for ${month}`,
        steps: [mtdStep, { label: 'trend', formula: 'no complete day', result: 'no forecast' }],
      },
    };
  }

  const alreadyRecorded = Money.sum(
    partials.map((p) => Money.min(p, average)),
    currency,
  );
  const projection = average.times(remainingDays).minus(alreadyRecorded);
  const exact = monthToDate.plus(projection);
  const forecast = exact.round();
  const first = trend[0]!.date;
  const last = trend[trend.length - 1]!.date;
  const steps: AlertStep[] = [
    {
      label: `trend: average of the last ${plural(trend.length, 'complete day', 'complete days')} (${first} to ${last})`,
      formula: `(${trend.map((d) => showMoney(d.amount!)).join(' + ')}) / ${trend.length}`,
      result: showMoney(average),
    },
    mtdStep,
    remainingStep,
    {
      label: 'projection of the remaining days',
      formula:
        `${showMoney(average)} × ${remainingDays}` +
        (partials.length === 0 ? '' : ` − ${showMoney(alreadyRecorded)} already recorded on partial days`),
      result: showMoney(projection),
    },
    {
      label: 'forecast, rounded half-up',
      formula: `${showMoney(monthToDate)} + ${showMoney(projection)} = ${showMoney(exact)}`,
      result: showMoney(forecast),
    },
  ];
  return {
    ...base,
    status: 'forecast',
    forecast,
    monthToDate,
    average,
    trendDays: trend.map((d) => d.date),
    completeDays,
    remainingDays,
    explanation: {
      summary:
        `Forecast for ${month}: ${showMoney(forecast)} (month-to-date ${showMoney(monthToDate)} + ` +
        `${remainingDays} remaining days at ${showMoney(average)} a day)`,
      steps,
    },
  };
}

export type ForecastBudgetStatus = 'over_budget' | 'within_budget' | 'no_planned_amount' | 'no_forecast';

export interface ForecastAlert {
  type: 'budget_forecast';
  subject: BudgetSubject;
  period: Temporal.PlainYearMonth;
  values: { forecast: Money; planned: Money; excess: Money; monthToDate: Money };
  explanation: AlertExplanation;
  dedupeKey: string;
}

export interface ForecastBudgetCheck {
  status: ForecastBudgetStatus;
  over: boolean;
  /** forecast − planned when over budget. */
  excess: Money | null;
  /** The alert to send: null unless over budget and not already raised this month. */
  alert: ForecastAlert | null;
  explanation: AlertExplanation;
}

/** Whether the month-end forecast exceeds the planned monthly amount (strictly). */
export function forecastOverBudget(
  forecast: MonthEndForecast,
  planned: Money | null,
  alreadyRaised = false,
): ForecastBudgetCheck {
  const { month } = forecast;
  if (planned?.isNegative()) {
    throw new AlertError('invalid_planned_amount', `A planned amount cannot be negative, got ${planned}`, {
      planned: planned.toString(),
    });
  }
  const none = (status: ForecastBudgetStatus, summary: string, step: AlertStep): ForecastBudgetCheck => ({
    status,
    over: false,
    excess: null,
    alert: null,
    explanation: { summary, steps: [...forecast.explanation.steps, step] },
  });
  if (planned === null || planned.isZero()) {
    return none('no_planned_amount', `No planned amount for ${month}: no forecast alert`, {
      label: 'planned amount',
      formula: planned === null ? 'not set' : showMoney(planned),
      result: 'no budget, no alert',
    });
  }
  if (forecast.forecast === null || forecast.monthToDate === null) {
    return none('no_forecast', `No forecast for ${month}: no forecast alert`, {
      label: 'forecast',
      formula: forecast.status,
      result: 'no alert',
    });
  }
  const over = forecast.forecast.greaterThan(planned);
  const compare: AlertStep = {
    label: 'forecast vs planned',
    formula: `${showMoney(forecast.forecast)} ${over ? '>' : '≤'} ${showMoney(planned)}`,
    result: over ? 'over budget' : 'within budget',
  };
  const steps = [...forecast.explanation.steps, compare];
  if (!over) {
    return {
      status: 'within_budget',
      over,
      excess: null,
      alert: null,
      explanation: {
        summary: `Forecast ${showMoney(forecast.forecast)} is within the planned ${showMoney(planned)} for ${month}`,
        steps,
      },
    };
  }
  const excess = forecast.forecast.minus(planned);
  const explanation: AlertExplanation = {
    summary:
      `Usage is heading for ${showMoney(forecast.forecast)} in ${month}, ${showMoney(excess)} over ` +
      `the planned ${showMoney(planned)}`,
    steps,
  };
  return {
    status: 'over_budget',
    over,
    excess,
    alert: alreadyRaised
      ? null
      : {
          type: 'budget_forecast',
          subject: forecast.subject,
          period: month,
          values: { forecast: forecast.forecast, planned, excess, monthToDate: forecast.monthToDate },
          explanation,
          dedupeKey: `budget_forecast:${budgetSubjectKey(forecast.subject)}:${month}`,
        },
    explanation,
  };
}
