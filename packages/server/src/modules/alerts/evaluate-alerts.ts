import {
  type BudgetSubject,
  type BudgetThresholdAlert,
  budgetThresholdAlerts,
  type CreditAlert,
  type CreditSubject,
  FORECAST_TREND_DAYS,
  type ForecastAlert,
  forecastMonthEnd,
  forecastOverBudget,
  Money,
  type MonthEndForecast,
  monthStartCreditAlerts,
  PROVISIONAL_CREDIT_MONTHS,
  type ProvisionalCredit,
  provisionalCredit,
  provisionalCreditAlerts,
  type SpikeAlert,
  spikeAlerts,
  Temporal,
  usageLevelAlerts,
} from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { budgetAlertEvent, creditAlertEvent } from '../notifications/alert-events.ts';
import { publishEvent } from '../notifications/publish.ts';
import { insertAlert, type NewAlert } from './alerts.repository.ts';
import { dailyUsage, firstUsageDate, monthlyUsage, monthToDate, type UsageBuyer } from './usage-totals.ts';

/**
 * Evaluates every rule of PRODUCT.md §6 for a provider's subtree (or some customers) for one month,
 * with the core's pure rules, and stores what they raise: each alert once (its dedupe key is
 * UNIQUE), published to notifications in the same transaction. Re-evaluating is harmless, so the
 * job runs after every usage import and at the start of each month, and the CLI can run it anytime.
 */

export interface EvaluateOptions {
  /** The provider (or any partner) whose subtree is evaluated. */
  rootId: string;
  /** Only these customers' budgets and credit (default: all in the subtree). */
  organizationIds?: readonly string[];
  /** YYYY-MM; default the month of `now`. A past month is evaluated as of its last day. */
  period?: string;
  now: Date;
}

export interface EvaluationCounts {
  period: string;
  budgets: number;
  creditLimits: number;
  /** Alerts due by the rules (new or already stored). */
  evaluated: number;
  /** Newly stored (and published) alerts, per type. */
  created: Record<string, number>;
}

export function utcToday(now: Date): Temporal.PlainDate {
  return Temporal.PlainDate.from(now.toISOString().slice(0, 10));
}

/** The month evaluated and the day it is evaluated as of. */
export function evaluationDay(
  now: Date,
  period?: string,
): { month: Temporal.PlainYearMonth; today: Temporal.PlainDate } {
  const today = utcToday(now);
  if (!period) return { month: today.toPlainYearMonth(), today };
  const month = Temporal.PlainYearMonth.from(period);
  const last = month.toPlainDate({ day: month.daysInMonth });
  return { month, today: Temporal.PlainDate.compare(today, last) < 0 ? today : last.add({ days: 1 }) };
}

export interface BudgetRow {
  id: string;
  customer_id: string;
  customer_name: string;
  entitlement_id: string;
  currency: string;
  planned_amount: string;
  thresholds: string[];
  effective_from: string;
  created_at: Date;
}

/**
 * Spike alerts start two days before the budget was set (the import's lag): a new budget does
 * not alert about every past spike of the month, which the usage charts already show.
 */
export const SPIKE_LOOKBACK_DAYS = 2;

export interface BudgetEvaluation {
  subject: BudgetSubject;
  month: Temporal.PlainYearMonth;
  monthToDate: Money;
  thresholds: ReturnType<typeof budgetThresholdAlerts>;
  forecast: MonthEndForecast;
  forecastCheck: ReturnType<typeof forecastOverBudget>;
  spikes: SpikeAlert[];
}

/** The budget rules for one budget and month, evaluated as of `today` (no writes). */
export async function evaluateBudget(
  db: Kysely<Database>,
  budget: BudgetRow,
  month: Temporal.PlainYearMonth,
  today: Temporal.PlainDate,
): Promise<BudgetEvaluation> {
  const subject: BudgetSubject = {
    customerId: budget.customer_id,
    subscriptionId: budget.entitlement_id === '' ? null : budget.entitlement_id,
  };
  const buyer: UsageBuyer = {
    buyerId: budget.customer_id,
    kind: 'customer',
    currency: budget.currency,
    entitlementId: budget.entitlement_id,
  };
  const first = month.toPlainDate({ day: 1 });
  const last = month.toPlainDate({ day: month.daysInMonth });
  // The trend and the spike basis reach back before the month (the core wants those days too).
  const from = first.subtract({ days: Math.max(FORECAST_TREND_DAYS, 2) });
  const through = Temporal.PlainDate.compare(today, last) < 0 ? today : last;
  const series = await dailyUsage(db, buyer, from, through, today);
  const inMonth = series.filter((d) => d.date.toPlainYearMonth().equals(month));
  const mtd = Money.sum(
    inMonth.flatMap((d) => (d.amount ? [d.amount] : [])),
    budget.currency,
  );
  const planned = Money.of(budget.planned_amount, budget.currency);
  const thresholds = budgetThresholdAlerts({
    subject,
    month,
    planned,
    thresholds: budget.thresholds,
    monthToDate: mtd,
  });
  const forecast = forecastMonthEnd({ subject, daily: series, month, today: through });
  const forecastCheck = forecastOverBudget(forecast, planned);
  // Spikes: days of the month (the two days before are only the basis).
  const spikeDays = series.filter(
    (d) => Temporal.PlainDate.compare(d.date, first.subtract({ days: 2 })) >= 0,
  );
  const spikesFrom = utcToday(budget.created_at).subtract({ days: SPIKE_LOOKBACK_DAYS });
  const spikes = spikeAlerts({ subject, days: spikeDays }).alerts.filter(
    (a) => a.period.equals(month) && Temporal.PlainDate.compare(a.date, spikesFrom) >= 0,
  );
  return { subject, month, monthToDate: mtd, thresholds, forecast, forecastCheck, spikes };
}

function budgetAlertRow(alert: BudgetThresholdAlert | SpikeAlert | ForecastAlert): NewAlert {
  const subject = alert.subject.subscriptionId
    ? { type: 'subscription' as const, id: alert.subject.subscriptionId }
    : { type: 'customer' as const, id: alert.subject.customerId };
  const base = {
    organizationId: alert.subject.customerId,
    audienceId: alert.subject.customerId,
    subject,
    period: alert.period.toString(),
    explanation: alert.explanation,
    dedupeKey: alert.dedupeKey,
  };
  switch (alert.type) {
    case 'budget_threshold':
      return {
        ...base,
        type: 'budget_threshold',
        level: alert.threshold,
        values: {
          threshold: alert.threshold,
          planned: alert.values.planned.toJSON(),
          thresholdAmount: alert.values.thresholdAmount.toJSON(),
          monthToDate: alert.values.monthToDate.toJSON(),
        },
      };
    case 'usage_spike':
      return {
        ...base,
        type: 'usage_spike',
        date: alert.date.toString(),
        trigger: alert.reason,
        values: {
          amount: alert.values.amount.toJSON(),
          threshold: alert.values.threshold.toJSON(),
          previous: alert.values.previous.map((p) => ({
            date: p.date.toString(),
            amount: p.amount?.toJSON() ?? null,
            status: p.status,
          })),
        },
      };
    case 'budget_forecast':
      return {
        ...base,
        type: 'forecast_over_budget',
        values: {
          forecast: alert.values.forecast.toJSON(),
          planned: alert.values.planned.toJSON(),
          excess: alert.values.excess.toJSON(),
          monthToDate: alert.values.monthToDate.toJSON(),
        },
      };
  }
}

export function creditAlertRow(alert: CreditAlert, audienceId: string): NewAlert {
  const base = {
    organizationId: alert.subject.id,
    audienceId,
    subject: { type: alert.subject.kind, id: alert.subject.id },
    period: alert.period.toString(),
    explanation: alert.explanation,
    dedupeKey: alert.dedupeKey,
    trigger: alert.trigger,
  };
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(alert.values)) {
    values[key] =
      value instanceof Money ? value.toJSON() : value === null || value === undefined ? null : String(value);
  }
  if (alert.type === 'provisional_credit_exceeded') {
    return { ...base, type: 'provisional_credit_exceeded', values };
  }
  return { ...base, type: 'credit_level', level: alert.level, values };
}

/** Stores a budget alert and publishes it, in the caller's transaction; true when new. */
async function storeBudgetAlert(
  trx: Kysely<Database>,
  alert: BudgetThresholdAlert | SpikeAlert | ForecastAlert,
  customerName: string,
  now: Date,
): Promise<boolean> {
  if (!(await insertAlert(trx, budgetAlertRow(alert), now))) return false;
  await publishEvent(trx, { ...budgetAlertEvent(alert, customerName), occurredAt: now });
  return true;
}

/** Stores a credit alert (visible to `audienceId`'s subtree) and publishes it; true when new. */
export async function storeCreditAlert(
  trx: Kysely<Database>,
  alert: CreditAlert,
  subjectName: string,
  audienceId: string,
  now: Date,
): Promise<boolean> {
  if (!(await insertAlert(trx, creditAlertRow(alert, audienceId), now))) return false;
  await publishEvent(trx, { ...creditAlertEvent(alert, subjectName), occurredAt: now });
  return true;
}

export interface CreditLimitRow {
  id: string;
  organization_id: string;
  organization_name: string;
  organization_kind: 'provider' | 'reseller' | 'customer';
  organization_created_at: Date;
  seller_id: string;
  currency: string;
  warning_amount: string | null;
  approval_amount: string | null;
  blocked_amount: string | null;
}

export function levelsOf(row: CreditLimitRow) {
  const of = (v: string | null) => (v === null ? null : Money.of(v, row.currency));
  return {
    warning: of(row.warning_amount),
    approvalRequired: of(row.approval_amount),
    purchaseBlocked: of(row.blocked_amount),
  };
}

export function buyerOf(row: CreditLimitRow): UsageBuyer {
  return {
    buyerId: row.organization_id,
    kind: row.organization_kind === 'customer' ? 'customer' : 'reseller',
    currency: row.currency,
  };
}

/** The customer's planned monthly amount for credit control: its whole-usage budget, if any. */
async function plannedAmountOf(
  db: Kysely<Database>,
  row: CreditLimitRow,
  month: Temporal.PlainYearMonth,
): Promise<Money | null> {
  if (row.organization_kind !== 'customer') return null;
  const budget = await db
    .selectFrom('budgets')
    .select(['planned_amount', 'currency'])
    .where('customer_id', '=', row.organization_id)
    .where('entitlement_id', '=', '')
    .where('effective_from', '<=', `${month}-01`)
    .executeTakeFirst();
  return budget && budget.currency === row.currency ? Money.of(budget.planned_amount, row.currency) : null;
}

/** The provisional credit amount of a credit subject for a month, with its derivation. */
export async function provisionalCreditOf(
  db: Kysely<Database>,
  row: CreditLimitRow,
  month: Temporal.PlainYearMonth,
): Promise<ProvisionalCredit> {
  const buyer = buyerOf(row);
  const firstUsage = await firstUsageDate(db, buyer);
  const created = utcToday(row.organization_created_at);
  // A customer's history starts with its first usage when that predates its record here (imported).
  let since = firstUsage && Temporal.PlainDate.compare(firstUsage, created) < 0 ? firstUsage : created;
  if (Temporal.PlainYearMonth.compare(since.toPlainYearMonth(), month) > 0)
    since = month.toPlainDate({ day: 1 });
  const usage = await monthlyUsage(
    db,
    buyer,
    month.subtract({ months: PROVISIONAL_CREDIT_MONTHS }),
    month.subtract({ months: 1 }),
  );
  return provisionalCredit({
    customerSince: since,
    month,
    planned: await plannedAmountOf(db, row, month),
    monthlyUsage: usage,
    currency: row.currency,
  });
}

export function creditSubjectOf(row: CreditLimitRow): CreditSubject {
  return { kind: row.organization_kind === 'customer' ? 'customer' : 'reseller', id: row.organization_id };
}

export function creditLimitRows(db: Kysely<Database>) {
  return db
    .selectFrom('credit_limits as c')
    .innerJoin('organizations as o', 'o.id', 'c.organization_id')
    .select([
      'c.id',
      'c.organization_id',
      'o.name as organization_name',
      'o.kind as organization_kind',
      'o.created_at as organization_created_at',
      'c.seller_id',
      'c.currency',
      'c.warning_amount',
      'c.approval_amount',
      'c.blocked_amount',
    ]);
}

export async function evaluateAlerts(
  db: Kysely<Database>,
  options: EvaluateOptions,
): Promise<EvaluationCounts> {
  const { month, today } = evaluationDay(options.now, options.period);
  const subtree = db
    .selectFrom('organization_tree')
    .select('descendant_id')
    .where('ancestor_id', '=', options.rootId);
  let budgetQuery = db
    .selectFrom('budgets as b')
    .innerJoin('organizations as o', 'o.id', 'b.customer_id')
    .select([
      'b.id',
      'b.customer_id',
      'o.name as customer_name',
      'b.entitlement_id',
      'b.currency',
      'b.planned_amount',
      'b.thresholds',
      'b.effective_from',
      'b.created_at',
    ])
    .where('b.customer_id', 'in', subtree)
    .where('b.effective_from', '<=', `${month}-01`);
  let creditQuery = creditLimitRows(db).where('c.organization_id', 'in', subtree);
  if (options.organizationIds) {
    if (options.organizationIds.length === 0) {
      return { period: month.toString(), budgets: 0, creditLimits: 0, evaluated: 0, created: {} };
    }
    budgetQuery = budgetQuery.where('b.customer_id', 'in', [...options.organizationIds]);
    creditQuery = creditQuery.where('c.organization_id', 'in', [...options.organizationIds]);
  }
  const budgets = await budgetQuery.orderBy('b.created_at').execute();
  const limits = await creditQuery.orderBy('c.created_at').execute();
  const counts: EvaluationCounts = {
    period: month.toString(),
    budgets: budgets.length,
    creditLimits: limits.length,
    evaluated: 0,
    created: {},
  };
  const count = (type: string) => {
    counts.created[type] = (counts.created[type] ?? 0) + 1;
  };
  const now = options.now;

  for (const budget of budgets) {
    const evaluation = await evaluateBudget(db, budget, month, today);
    const due: (BudgetThresholdAlert | SpikeAlert | ForecastAlert)[] = [
      ...evaluation.thresholds.alerts,
      ...evaluation.spikes,
      ...(evaluation.forecastCheck.alert ? [evaluation.forecastCheck.alert] : []),
    ];
    counts.evaluated += due.length;
    if (due.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      for (const alert of due) {
        if (await storeBudgetAlert(trx, alert, budget.customer_name, now)) {
          count(alert.type === 'budget_forecast' ? 'forecast_over_budget' : alert.type);
        }
      }
    });
  }

  for (const limit of limits) {
    const subject = creditSubjectOf(limit);
    const levels = levelsOf(limit);
    const usage = await monthToDate(db, buyerOf(limit), month, today);
    const provisional = await provisionalCreditOf(db, limit, month);
    const due: CreditAlert[] = [
      ...provisionalCreditAlerts({ subject, provisional, usage }).alerts,
      ...usageLevelAlerts({ subject, month, levels, usage }).alerts,
      // Due from the first evaluation of the month on: the dedupe key makes it once per month.
      ...monthStartCreditAlerts({ subject, levels, provisional }).alerts,
    ];
    counts.evaluated += due.length;
    if (due.length === 0) continue;
    await db.transaction().execute(async (trx) => {
      for (const alert of due) {
        if (await storeCreditAlert(trx, alert, limit.organization_name, limit.seller_id, now)) {
          count(alert.type);
        }
      }
    });
  }
  return counts;
}

/** Every provider's subtree (the job and the CLI without --provider). */
export async function evaluateAllProviders(
  db: Kysely<Database>,
  options: Omit<EvaluateOptions, 'rootId'>,
): Promise<EvaluationCounts[]> {
  const providers = await db
    .selectFrom('organizations')
    .select('id')
    .where('kind', '=', 'provider')
    .execute();
  const results: EvaluationCounts[] = [];
  for (const p of providers) results.push(await evaluateAlerts(db, { ...options, rootId: p.id }));
  return results;
}
