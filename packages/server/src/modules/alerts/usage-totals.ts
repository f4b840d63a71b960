import { type DailyUsage, Money, type MonthlyUsage, Temporal } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * Rated Azure usage as the budget and credit rules need it, read from the view `usage_daily`
 * (migrations/0004_usage.sql). "Usage of X" is what X is charged: the tier rows whose buyer is X —
 * for a customer its sale price, for a reseller what it pays its seller for all its customers.
 * Amounts are the exact (unrounded) sums.
 */

export interface UsageBuyer {
  /** The organisation charged: a customer, or a reseller. */
  buyerId: string;
  kind: 'customer' | 'reseller';
  currency: string;
  /** One Azure subscription (entitlement) of a customer; '' or absent for all. */
  entitlementId?: string;
}

function rowsOf(db: Kysely<Database>, buyer: UsageBuyer, from: string, to: string) {
  let query = db
    .selectFrom('usage_daily')
    .where('buyer_id', '=', buyer.buyerId)
    .where('currency', '=', buyer.currency)
    .where('usage_date', '>=', from)
    .where('usage_date', '<=', to);
  query =
    buyer.kind === 'customer'
      ? query.where('customer_id', '=', buyer.buyerId)
      : query.where('customer_id', 'in', (eb) =>
          eb.selectFrom('organization_tree').select('descendant_id').where('ancestor_id', '=', buyer.buyerId),
        );
  if (buyer.entitlementId) query = query.where('entitlement_id', '=', buyer.entitlementId);
  return query;
}

/**
 * One row per day with usage between `from` and `to` (inclusive). Days before `today` are complete;
 * `today` itself is partial (its data is still arriving). Days without rows are left out: no data.
 */
export async function dailyUsage(
  db: Kysely<Database>,
  buyer: UsageBuyer,
  from: Temporal.PlainDate,
  to: Temporal.PlainDate,
  today: Temporal.PlainDate,
): Promise<DailyUsage[]> {
  const rows = await rowsOf(db, buyer, from.toString(), to.toString())
    .select([sql<string>`usage_date::text`.as('day'), sql<string>`sum(sale)::text`.as('amount')])
    .groupBy('usage_date')
    .orderBy('usage_date')
    .execute();
  return rows.map((r) => {
    const date = Temporal.PlainDate.from(r.day);
    return {
      date,
      amount: Money.of(r.amount, buyer.currency),
      complete: Temporal.PlainDate.compare(date, today) < 0,
    };
  });
}

/** Usage totals per calendar month between two months (inclusive); months without usage are left out. */
export async function monthlyUsage(
  db: Kysely<Database>,
  buyer: UsageBuyer,
  from: Temporal.PlainYearMonth,
  to: Temporal.PlainYearMonth,
): Promise<MonthlyUsage[]> {
  const end = to.toPlainDate({ day: to.daysInMonth });
  const rows = await rowsOf(db, buyer, from.toPlainDate({ day: 1 }).toString(), end.toString())
    .select([
      sql<string>`to_char(usage_date, 'YYYY-MM')`.as('month'),
      sql<string>`sum(sale)::text`.as('amount'),
    ])
    .groupBy(sql`to_char(usage_date, 'YYYY-MM')`)
    .execute();
  return rows.map((r) => ({
    month: Temporal.PlainYearMonth.from(r.month),
    amount: Money.of(r.amount, buyer.currency),
  }));
}

/** Usage of `month` up to and including `through` (month-to-date). */
export async function monthToDate(
  db: Kysely<Database>,
  buyer: UsageBuyer,
  month: Temporal.PlainYearMonth,
  through: Temporal.PlainDate,
): Promise<Money> {
  const last = month.toPlainDate({ day: month.daysInMonth });
  const end = Temporal.PlainDate.compare(through, last) < 0 ? through : last;
  const row = await rowsOf(db, buyer, month.toPlainDate({ day: 1 }).toString(), end.toString())
    .select(sql<string | null>`sum(sale)::text`.as('amount'))
    .executeTakeFirst();
  return Money.of(row?.amount ?? '0', buyer.currency);
}

/** The first day with usage charged to the buyer, if any (the start of its usage history). */
export async function firstUsageDate(
  db: Kysely<Database>,
  buyer: UsageBuyer,
): Promise<Temporal.PlainDate | null> {
  const row = await rowsOf(db, buyer, '0001-01-01', '9999-12-31')
    .select(sql<string | null>`min(usage_date)::text`.as('first'))
    .executeTakeFirst();
  return row?.first ? Temporal.PlainDate.from(row.first) : null;
}
