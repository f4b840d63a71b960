import { currencyDigits, Money } from '@cspc/core';
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { usageErrors } from './usage.errors.ts';
import type { RateTierExplanation, UsageImportsTable } from './usage.tables.ts';

/**
 * Reading rated usage, always from the caller's seat:
 * - a provider or reseller sees its own sales — rows of the tier it sells at, with what it pays
 *   (`cost`: Microsoft's price for the provider, the seller above's price for a reseller) and
 *   what it charges (`sale`), for every customer below it;
 * - a customer sees only what it pays (`sale`), never a cost.
 * Tenancy is by construction: seller rows carry the seller, customer rows the customer.
 */

export type UsageViewKind = 'seller' | 'customer';

export interface UsageFilter {
  period: string;
  customerId?: string | undefined;
  subscriptionId?: string | undefined;
  meterCategory?: string | undefined;
  resourceGroup?: string | undefined;
}

export interface Period {
  period: string;
  from: string;
  /** Exclusive. */
  to: string;
  days: number;
}

export function parsePeriod(period: string): Period {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) throw usageErrors.invalidPeriod(period);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { period, from: `${period}-01`, to: next, days };
}

export function viewKindOf(scope: Scope): UsageViewKind {
  return scope.organizationKind === 'customer' ? 'customer' : 'seller';
}

/** A customer filter must name a customer in the caller's subtree (404 otherwise). */
export async function checkCustomer(db: Kysely<Database>, scope: Scope, customerId: string | undefined) {
  if (!customerId) return;
  const row = await db
    .selectFrom('organizations')
    .select('id')
    .where('id', '=', customerId)
    .where('kind', '=', 'customer')
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
  if (!row) throw notFound('customer');
}

/** WHERE conditions on usage_daily `d` for the caller's seat and the filter. */
function dailyConditions(scope: Scope, filter: UsageFilter, period: Period): RawBuilder<boolean> {
  const me = scope.organizationId;
  const parts: RawBuilder<unknown>[] = [
    viewKindOf(scope) === 'customer'
      ? sql`d.customer_id = ${me} AND d.buyer_id = ${me}`
      : sql`d.seller_id = ${me} AND d.customer_id IN (SELECT t.descendant_id FROM organization_tree t WHERE t.ancestor_id = ${me})`,
    sql`d.usage_date >= ${period.from} AND d.usage_date < ${period.to}`,
  ];
  if (filter.customerId) parts.push(sql`d.customer_id = ${filter.customerId}`);
  if (filter.subscriptionId) parts.push(sql`d.entitlement_id = ${filter.subscriptionId.toLowerCase()}`);
  if (filter.meterCategory) parts.push(sql`d.meter_category = ${filter.meterCategory}`);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

export interface Amounts {
  currency: string;
  sale: string;
  /** Seller view only. */
  cost?: string;
  margin?: string;
  quantity?: string;
}

interface AmountRow {
  currency: string;
  sale: string;
  cost: string | null;
  margin: string | null;
}

function amounts(row: AmountRow, kind: UsageViewKind): Amounts {
  return kind === 'customer'
    ? { currency: row.currency.trim(), sale: row.sale }
    : {
        currency: row.currency.trim(),
        sale: row.sale,
        cost: row.cost ?? '0',
        ...(row.margin !== null ? { margin: row.margin } : {}),
      };
}

// Sums stay exact; trailing zeros of the unrounded sums are dropped for readability.
const SUMS = sql`
  d.currency,
  trim_scale(sum(d.sale))::text AS sale,
  trim_scale(sum(d.cost))::text AS cost,
  CASE WHEN bool_and(d.cost_currency = d.currency) THEN trim_scale(sum(d.sale) - sum(d.cost))::text END AS margin`;

export interface ForecastView {
  currency: string;
  monthToDate: string;
  projected: string;
  dailyAverage: string;
  basisDays: number;
  remainingDays: number;
  explanation: string;
}

export interface UsageSummary {
  period: string;
  view: UsageViewKind;
  /** The last usage day with data in the period (Microsoft reports a day about 24 h later). */
  asOf: string | null;
  totals: (Amounts & { lines: number })[];
  byDay: (Amounts & { date: string })[];
  byMeterCategory: (Amounts & { meterCategory: string })[];
  bySubscription: (Amounts & {
    subscriptionId: string;
    subscriptionName: string;
    customerId: string;
    customerName: string;
  })[];
  forecast: ForecastView[];
}

const FORECAST_BASIS_DAYS = 7;

/** Month to date by day, meter category and subscription, with a forecast to month end. */
export async function usageSummary(
  db: Kysely<Database>,
  scope: Scope,
  filter: UsageFilter,
  today: string,
): Promise<UsageSummary> {
  const period = parsePeriod(filter.period);
  await checkCustomer(db, scope, filter.customerId);
  const kind = viewKindOf(scope);
  const where = dailyConditions(scope, filter, period);

  const totals = await sql<AmountRow & { lines: string | number; last: string | null }>`
    SELECT ${SUMS}, sum(d.line_count) AS lines, max(d.usage_date)::text AS last
    FROM usage_daily d WHERE ${where} GROUP BY d.currency ORDER BY d.currency`.execute(db);
  const byDay = await sql<AmountRow & { date: string }>`
    SELECT d.usage_date::text AS date, ${SUMS}
    FROM usage_daily d WHERE ${where} GROUP BY d.usage_date, d.currency ORDER BY d.usage_date, d.currency`.execute(
    db,
  );
  const byCategory = await sql<AmountRow & { meter_category: string }>`
    SELECT d.meter_category, ${SUMS}
    FROM usage_daily d WHERE ${where} GROUP BY d.meter_category, d.currency
    ORDER BY sum(d.sale) DESC, d.meter_category`.execute(db);
  const bySubscription = await sql<
    AmountRow & { entitlement_id: string; name: string; customer_id: string; customer_name: string }
  >`
    SELECT s.*, coalesce(u.description, '') AS name, o.name AS customer_name FROM (
      SELECT d.entitlement_id, d.customer_id, ${SUMS}
      FROM usage_daily d WHERE ${where} GROUP BY d.entitlement_id, d.customer_id, d.currency
      ORDER BY sum(d.sale) DESC, d.entitlement_id LIMIT 200
    ) s JOIN organizations o ON o.id = s.customer_id
    LEFT JOIN usage_subscriptions u ON u.entitlement_id = s.entitlement_id
    ORDER BY s.sale::numeric DESC, s.entitlement_id`.execute(db);

  const last = totals.rows.map((r) => r.last).filter((d): d is string => d !== null);
  const asOf = last.length > 0 ? last.sort().at(-1)! : null;
  return {
    period: period.period,
    view: kind,
    asOf,
    totals: totals.rows.map((r) => ({ ...amounts(r, kind), lines: Number(r.lines) })),
    byDay: byDay.rows.map((r) => ({ date: r.date, ...amounts(r, kind) })),
    byMeterCategory: byCategory.rows.map((r) => ({ meterCategory: r.meter_category, ...amounts(r, kind) })),
    bySubscription: bySubscription.rows.map((r) => ({
      subscriptionId: r.entitlement_id,
      subscriptionName: r.name,
      customerId: r.customer_id,
      customerName: r.customer_name,
      ...amounts(r, kind),
    })),
    forecast: forecast(period, asOf, today, byDay.rows, totals.rows),
  };
}

/**
 * The forecast is a simple trend, explained in its text: month to date, plus the average daily
 * sale of the last (up to) seven days with data, times the days left in the month after the last
 * reported day. A closed month (today after its end, all days reported) is not projected.
 */
function forecast(
  period: Period,
  asOf: string | null,
  today: string,
  byDay: readonly (AmountRow & { date: string })[],
  totals: readonly AmountRow[],
): ForecastView[] {
  return totals.map((total) => {
    const currency = total.currency.trim();
    const days = byDay.filter((d) => d.currency.trim() === currency);
    const mtd = Money.of(total.sale, currency);
    const reported = asOf ? Number(asOf.slice(8, 10)) : 0;
    const remaining = today >= period.to ? 0 : Math.max(0, period.days - reported);
    const basis = days.slice(-FORECAST_BASIS_DAYS);
    const average =
      basis.length === 0
        ? Money.zero(currency)
        : Money.sum(
            basis.map((d) => Money.of(d.sale, currency)),
            currency,
          ).dividedBy(basis.length);
    const projected = mtd.plus(average.times(remaining)).round();
    const shown = (m: Money) => `${m.round().toFixed()} ${currency}`;
    const explanation =
      remaining === 0
        ? `Month to date ${shown(mtd)}${asOf ? ` through ${asOf}` : ''}; the month is complete, nothing is projected.`
        : `Month to date ${shown(mtd)}${asOf ? ` through ${asOf}` : ''}, plus the average of the last ${basis.length} day(s) with usage (${shown(average)} per day) × ${remaining} remaining day(s) = ${shown(projected)} projected for ${period.period}.`;
    return {
      currency,
      monthToDate: total.sale,
      projected: projected.toFixed(),
      dailyAverage: average.roundTo(Math.max(currencyDigits(currency), 4)).toString(),
      basisDays: basis.length,
      remainingDays: remaining,
      explanation,
    };
  });
}

export type BreakdownDimension =
  | 'day'
  | 'meter_category'
  | 'subscription'
  | 'customer'
  | 'resource_group'
  | 'meter';

export interface BreakdownItem extends Amounts {
  key: string;
  label: string;
  quantity?: string;
}

/**
 * One chart series: the period's amounts by a dimension. Day, category, subscription and customer
 * come from the daily aggregates; resource group and meter from the lines (priced at the caller's
 * tier through the rates the lines were rated with).
 */
export async function usageBreakdown(
  db: Kysely<Database>,
  scope: Scope,
  filter: UsageFilter,
  by: BreakdownDimension,
  limit: number,
): Promise<{ period: string; view: UsageViewKind; by: BreakdownDimension; items: BreakdownItem[] }> {
  const period = parsePeriod(filter.period);
  await checkCustomer(db, scope, filter.customerId);
  const kind = viewKindOf(scope);
  let rows: (AmountRow & { key: string; label: string; quantity: string | null })[];
  if (by === 'resource_group' || by === 'meter') {
    const key = by === 'meter' ? sql`l.meter_id` : sql`l.resource_group`;
    const label = by === 'meter' ? sql`l.meter_name` : sql`l.resource_group`;
    const where = lineConditions(scope, filter, period);
    const priced =
      kind === 'customer'
        ? sql`l.sale_currency AS currency, l.sale, NULL::numeric AS cost, true AS same`
        : sql`rt.currency, rt.sale_cost_factor * l.cost + rt.sale_list_factor * coalesce(l.list_amount, 0) AS sale,
              rt.cost_cost_factor * l.cost + rt.cost_list_factor * coalesce(l.list_amount, 0) AS cost,
              rt.cost_currency = rt.currency AS same`;
    const join =
      kind === 'customer'
        ? sql``
        : sql`JOIN usage_rate_tiers rt ON rt.rate_id = l.rate_id AND rt.seller_id = ${scope.organizationId}`;
    const result = await sql<AmountRow & { key: string; label: string; quantity: string | null }>`
      SELECT p.key, max(p.label) AS label, p.currency,
        trim_scale(sum(p.sale))::text AS sale, trim_scale(sum(p.cost))::text AS cost,
        CASE WHEN bool_and(p.same) THEN trim_scale(sum(p.sale) - sum(p.cost))::text END AS margin,
        trim_scale(sum(p.quantity))::text AS quantity
      FROM (
        SELECT ${key} AS key, ${label} AS label, l.quantity, ${priced}
        FROM usage_lines l ${join}
        WHERE ${where}
      ) p
      GROUP BY p.key, p.currency ORDER BY sum(p.sale) DESC, p.key LIMIT ${limit}`.execute(db);
    rows = result.rows;
  } else {
    const where = dailyConditions(scope, filter, period);
    const keyOf = {
      day: sql`d.usage_date::text`,
      meter_category: sql`d.meter_category`,
      subscription: sql`d.entitlement_id`,
      customer: sql`d.customer_id::text`,
    }[by];
    const labelOf = {
      day: sql`d.usage_date::text`,
      meter_category: sql`d.meter_category`,
      subscription: sql`(SELECT u.description FROM usage_subscriptions u WHERE u.entitlement_id = d.entitlement_id)`,
      customer: sql`(SELECT o.name FROM organizations o WHERE o.id = d.customer_id)`,
    }[by];
    const order = by === 'day' ? sql`1` : sql`sum(d.sale) DESC, 1`;
    const grouped = by === 'customer' ? sql`d.customer_id` : keyOf;
    const result = await sql<AmountRow & { key: string; label: string; quantity: string | null }>`
      SELECT ${keyOf} AS key, ${labelOf} AS label, ${SUMS}, trim_scale(sum(d.quantity))::text AS quantity
      FROM usage_daily d WHERE ${where}
      GROUP BY ${grouped}, d.currency ORDER BY ${order} LIMIT ${limit}`.execute(db);
    rows = result.rows;
  }
  return {
    period: period.period,
    view: kind,
    by,
    items: rows.map((r) => ({
      key: r.key,
      label: r.label ?? r.key,
      ...amounts(r, kind),
      ...(r.quantity !== null && by !== 'customer' && by !== 'day' && by !== 'subscription'
        ? { quantity: r.quantity }
        : {}),
    })),
  };
}

/** WHERE conditions on usage_lines `l` for the caller's seat and the filter. */
export function lineConditions(scope: Scope, filter: UsageFilter, period: Period): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [
    viewKindOf(scope) === 'customer'
      ? sql`l.customer_id = ${scope.organizationId}`
      : sql`l.customer_id IN (SELECT t.descendant_id FROM organization_tree t WHERE t.ancestor_id = ${scope.organizationId})`,
    sql`l.usage_date >= ${period.from} AND l.usage_date < ${period.to}`,
  ];
  if (filter.customerId) parts.push(sql`l.customer_id = ${filter.customerId}`);
  if (filter.subscriptionId) parts.push(sql`l.entitlement_id = ${filter.subscriptionId.toLowerCase()}`);
  if (filter.meterCategory) parts.push(sql`l.meter_category = ${filter.meterCategory}`);
  if (filter.resourceGroup) parts.push(sql`lower(l.resource_group) = ${filter.resourceGroup.toLowerCase()}`);
  return sql<boolean>`${sql.join(parts, sql` AND `)}`;
}

// ---------------------------------------------------------------------------------------------
// Imports, quarantine, rates

export interface UsageImportView {
  id: string;
  providerId: string;
  channel: string;
  fileName: string | null;
  request: Record<string, unknown>;
  columnVariant: string | null;
  status: string;
  counts: {
    rowsRead: number;
    linesLoaded: number;
    linesReplaced: number;
    linesUnchanged: number;
    linesSkippedBilled: number;
    linesQuarantined: number;
    linesRemoved: number;
    daysLoaded: number;
    daysReplaced: number;
    daysUnchanged: number;
    daysSuperseded: number;
  };
  firstUsageDate: string | null;
  lastUsageDate: string | null;
  error: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
}

/** Imports are the provider's business: Microsoft's data, costs included. */
function requireProviderSeat(scope: Scope): void {
  if (scope.organizationKind !== 'provider') {
    throw notFound('usage import');
  }
}

type ImportRow = Selectable<UsageImportsTable>;

function toImportView(r: ImportRow): UsageImportView {
  return {
    id: r.id,
    providerId: r.provider_id,
    channel: r.channel,
    fileName: r.file_name,
    request: r.request,
    columnVariant: r.column_variant,
    status: r.status,
    counts: {
      rowsRead: Number(r.rows_read),
      linesLoaded: Number(r.lines_loaded),
      linesReplaced: Number(r.lines_replaced),
      linesUnchanged: Number(r.lines_unchanged),
      linesSkippedBilled: Number(r.lines_skipped_billed),
      linesQuarantined: Number(r.lines_quarantined),
      linesRemoved: Number(r.lines_removed),
      daysLoaded: r.days_loaded,
      daysReplaced: r.days_replaced,
      daysUnchanged: r.days_unchanged,
      daysSuperseded: r.days_superseded,
    },
    firstUsageDate: r.first_usage_date,
    lastUsageDate: r.last_usage_date,
    error: r.error,
    startedBy: r.started_by,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
  };
}

export async function listImports(
  db: Kysely<Database>,
  scope: Scope,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<UsageImportView>> {
  if (scope.organizationKind !== 'provider') throw usageErrors.providerOnly();
  let query = db
    .selectFrom('usage_imports')
    .selectAll()
    .where('provider_id', '=', scope.organizationId)
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1);
  const after = decodeCursorParts(page.cursor, 2);
  if (after) {
    query = query.where(sql<boolean>`(started_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  }
  const rows = await query.execute();
  const items = rows.slice(0, page.limit).map(toImportView);
  const last = items.at(-1);
  return {
    items,
    nextCursor: rows.length > page.limit && last ? encodeCursor(last.startedAt, last.id) : null,
  };
}

export async function findImport(db: Kysely<Database>, scope: Scope, id: string): Promise<UsageImportView> {
  requireProviderSeat(scope);
  const row = await db
    .selectFrom('usage_imports')
    .selectAll()
    .where('id', '=', id)
    .where('provider_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!row) throw notFound('usage import');
  return toImportView(row);
}

export interface QuarantinedRow {
  line: number;
  reason: string;
  message: string;
  record: string;
}

export async function listQuarantine(
  db: Kysely<Database>,
  scope: Scope,
  importId: string,
  page: { limit: number; cursor?: string | undefined; reason?: string | undefined },
): Promise<Page<QuarantinedRow>> {
  await findImport(db, scope, importId);
  let query = db
    .selectFrom('usage_quarantine')
    .select(['id', 'line_no', 'reason', 'message', 'record'])
    .where('import_id', '=', importId)
    .orderBy('line_no')
    .orderBy('id')
    .limit(page.limit + 1);
  if (page.reason) query = query.where('reason', '=', page.reason as never);
  const after = decodeCursorParts(page.cursor, 2);
  if (after) query = query.where(sql<boolean>`(line_no, id) > (${after[0]}::bigint, ${after[1]}::bigint)`);
  const rows = await query.execute();
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((r) => ({
      line: Number(r.line_no),
      reason: r.reason,
      message: r.message,
      record: r.record,
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor(String(last.line_no), String(last.id)) : null,
  };
}

export interface RateView {
  rateId: string;
  tier: number;
  buyerId: string | null;
  costCurrency: string;
  currency: string;
  /** sale = saleCostFactor × Microsoft cost + saleListFactor × pay-as-you-go list (exact). */
  costCostFactor: string;
  costListFactor: string;
  saleCostFactor: string;
  saleListFactor: string;
  ruleId: string | null;
  basis: string;
  explanation: RateTierExplanation;
  lines: number;
}

/**
 * The rates the caller's sales of a period were rated with, at the caller's own tier, each with
 * its explanation. Customers have no rates to see (a rate would reveal the seller's cost).
 */
export async function listRates(
  db: Kysely<Database>,
  scope: Scope,
  filter: UsageFilter,
): Promise<RateView[]> {
  const period = parsePeriod(filter.period);
  await checkCustomer(db, scope, filter.customerId);
  if (viewKindOf(scope) === 'customer') return [];
  const where = lineConditions(scope, filter, period);
  const rows = await sql<{
    rate_id: string;
    tier: number;
    buyer_id: string | null;
    cost_currency: string;
    currency: string;
    cost_cost_factor: string;
    cost_list_factor: string;
    sale_cost_factor: string;
    sale_list_factor: string;
    rule_id: string | null;
    basis: string;
    explanation: RateTierExplanation;
    lines: string | number;
  }>`
    SELECT rt.rate_id, rt.tier, rt.buyer_id, rt.cost_currency, rt.currency,
      trim_scale(rt.cost_cost_factor)::text AS cost_cost_factor, trim_scale(rt.cost_list_factor)::text AS cost_list_factor,
      trim_scale(rt.sale_cost_factor)::text AS sale_cost_factor, trim_scale(rt.sale_list_factor)::text AS sale_list_factor,
      rt.rule_id, rt.basis, rt.explanation, u.lines
    FROM (SELECT l.rate_id, count(*) AS lines FROM usage_lines l WHERE ${where} GROUP BY l.rate_id) u
    JOIN usage_rate_tiers rt ON rt.rate_id = u.rate_id AND rt.seller_id = ${scope.organizationId}
    ORDER BY u.lines DESC, rt.rate_id`.execute(db);
  return rows.rows.map((r) => ({
    rateId: r.rate_id,
    tier: r.tier,
    buyerId: r.buyer_id,
    costCurrency: r.cost_currency.trim(),
    currency: r.currency.trim(),
    costCostFactor: r.cost_cost_factor,
    costListFactor: r.cost_list_factor,
    saleCostFactor: r.sale_cost_factor,
    saleListFactor: r.sale_list_factor,
    ruleId: r.rule_id,
    basis: r.basis,
    explanation: r.explanation,
    lines: Number(r.lines),
  }));
}
