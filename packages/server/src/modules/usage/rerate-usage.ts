import { requirePermission, type Scope } from '../../auth/scope.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { saveRates } from './import-usage.ts';
import { type ComboRate, type RatingCombo, rateCombos } from './rating.ts';
import { type UsageSession, type UsageTarget, withUsageSession } from './session.ts';
import { usageErrors } from './usage.errors.ts';
import { checkCustomer, listRates, parsePeriod, type RateView } from './usage.repository.ts';

/**
 * Re-rates the stored usage of a period with the price books as they are now (after a price rule
 * changed), for the caller's customers or one of them: every line gets the rate its combination
 * resolves to today, lines whose rate changed get their new customer sale, and the per-tier daily
 * aggregates of the affected customer-days are rebuilt from the lines. One transaction; a dry run
 * computes everything and rolls it back. Periods that have been invoiced (usage_period_locks) are
 * refused.
 */

export interface RerateOptions {
  period: string;
  customerId?: string | undefined;
  dryRun?: boolean | undefined;
}

export interface RerateTotals {
  currency: string;
  cost: string;
  sale: string;
  margin: string | null;
}

export interface RerateResult {
  period: string;
  dryRun: boolean;
  customers: number;
  lines: number;
  linesChanged: number;
  daysRebuilt: number;
  /** The caller's own sales (its tier) before and after. */
  before: RerateTotals[];
  after: RerateTotals[];
  /** The rates now in use at the caller's tier, with their explanations. */
  rates: RateView[];
}

class DryRun extends Error {
  readonly result: RerateResult;
  constructor(result: RerateResult) {
    super('dry run');
    this.result = result;
  }
}

const LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('cspc.usage:' || $1, 0))`;

async function totals(
  session: UsageSession,
  seller: string,
  from: string,
  to: string,
): Promise<RerateTotals[]> {
  const rows = await session.query<RerateTotals>(
    `SELECT trim(d.currency) AS currency, trim_scale(sum(d.cost))::text AS cost, trim_scale(sum(d.sale))::text AS sale,
       CASE WHEN bool_and(d.cost_currency = d.currency) THEN trim_scale(sum(d.sale) - sum(d.cost))::text END AS margin
     FROM usage_daily d
     WHERE d.seller_id = $1 AND d.usage_date >= $2 AND d.usage_date < $3
       AND d.customer_id IN (SELECT customer_id FROM rerate_customers)
     GROUP BY d.currency ORDER BY d.currency`,
    [seller, from, to],
  );
  return rows;
}

export async function rerateUsage(
  target: UsageTarget,
  scope: Scope,
  options: RerateOptions,
): Promise<RerateResult> {
  requirePermission(scope, 'usage:rerate');
  if (scope.organizationKind === 'customer') throw usageErrors.sellersOnly();
  const period = parsePeriod(options.period);
  try {
    return await withUsageSession(target, async (session) => {
      const db = session.db;
      await checkCustomer(db, scope, options.customerId);
      const provider = await db
        .selectFrom('organization_tree as t')
        .innerJoin('organizations as o', 'o.id', 't.ancestor_id')
        .select('o.id')
        .where('t.descendant_id', '=', scope.organizationId)
        .where('o.kind', '=', 'provider')
        .executeTakeFirstOrThrow();
      await session.query(LOCK_SQL, [provider.id]);
      const locked = await db
        .selectFrom('usage_period_locks')
        .select('period')
        .where('provider_id', '=', provider.id)
        .where('period', '=', period.from)
        .executeTakeFirst();
      if (locked) throw usageErrors.periodLocked(period.period);
      await session.execute(`SET LOCAL work_mem = '64MB'`);

      await session.execute(
        'CREATE TEMP TABLE rerate_customers (customer_id uuid PRIMARY KEY) ON COMMIT DROP',
      );
      await session.execute(
        `INSERT INTO rerate_customers
         SELECT o.id FROM organizations o JOIN organization_tree t ON t.descendant_id = o.id AND t.ancestor_id = $1
         WHERE o.kind = 'customer' AND ($2::uuid IS NULL OR o.id = $2::uuid)`,
        [scope.organizationId, options.customerId ?? null],
      );
      const before = await totals(session, scope.organizationId, period.from, period.to);

      const found = await session.query<Omit<RatingCombo, 'id'>>(
        `SELECT l.customer_id, l.meter_id, l.meter_category, l.list_amount IS NOT NULL AS has_list,
           trim(l.billing_currency) AS billing_currency,
           min(l.usage_date)::text AS first_date, max(l.usage_date)::text AS last_date
         FROM usage_lines l
         WHERE l.customer_id IN (SELECT customer_id FROM rerate_customers)
           AND l.usage_date >= $1 AND l.usage_date < $2
         GROUP BY 1, 2, 3, 4, 5`,
        [period.from, period.to],
      );
      const combos: RatingCombo[] = found.map((c, i) => ({ ...c, id: i + 1 }));
      const rated = await rateCombos({ db, providerId: provider.id }, combos);
      const failures = rated.filter((r) => r.rate === null);
      if (failures.length > 0) {
        throw usageErrors.rerateFailed(
          [...new Set(failures.map((f) => f.error ?? 'unknown'))].slice(0, 5).join('; '),
        );
      }
      await saveRates(
        db,
        provider.id,
        rated.flatMap((r) => (r.rate ? [r.rate] : [])),
      );
      await session.execute(
        `CREATE TEMP TABLE rerate_keys (
           combo integer PRIMARY KEY, customer_id uuid NOT NULL, meter_id text NOT NULL, meter_category text NOT NULL,
           has_list boolean NOT NULL, billing_currency char(3) COLLATE "C" NOT NULL) ON COMMIT DROP`,
      );
      for (let i = 0; i < combos.length; i += 1000) {
        const batch = combos.slice(i, i + 1000);
        const params: unknown[] = [];
        const tuples = batch.map((c) => {
          params.push(c.id, c.customer_id, c.meter_id, c.meter_category, c.has_list, c.billing_currency);
          const n = params.length;
          return `($${n - 5}::integer, $${n - 4}::uuid, $${n - 3}, $${n - 2}, $${n - 1}::boolean, $${n})`;
        });
        await session.execute(`INSERT INTO rerate_keys VALUES ${tuples.join(', ')}`, params);
      }
      await session.execute(CREATE_COMBO_RATES_SQL);
      await session.copyIn('usage_combo_rates', COMBO_RATE_COLUMNS, comboRateCsv(rated));
      await session.execute('ANALYZE rerate_keys');
      await session.execute('ANALYZE usage_combo_rates');

      await session.execute(
        'CREATE TEMP TABLE rerate_days ON COMMIT DROP AS SELECT customer_id, usage_date, billing_currency FROM usage_customer_days LIMIT 0',
      );
      await session.execute(
        `WITH changed AS (
           UPDATE usage_lines l
           SET rate_id = r.rate_id,
               sale = r.sale_cost_factor * l.cost + r.sale_list_factor * coalesce(l.list_amount, 0),
               sale_currency = r.sale_currency
           FROM rerate_keys k JOIN usage_combo_rates r ON r.combo = k.combo
           WHERE l.customer_id = k.customer_id AND l.meter_id = k.meter_id AND l.meter_category = k.meter_category
             AND (l.list_amount IS NOT NULL) = k.has_list AND l.billing_currency = k.billing_currency
             AND l.usage_date >= r.valid_from AND l.usage_date < r.valid_to
             AND l.usage_date >= $1 AND l.usage_date < $2
             AND l.rate_id <> r.rate_id
           RETURNING l.customer_id, l.usage_date, l.billing_currency
         )
         INSERT INTO rerate_days SELECT DISTINCT customer_id, usage_date, billing_currency FROM changed`,
        [period.from, period.to],
      );
      const [counted] = await session.query<{ lines: string | number; changed: string | number }>(
        `SELECT
           (SELECT count(*) FROM usage_lines l WHERE l.customer_id IN (SELECT customer_id FROM rerate_customers)
              AND l.usage_date >= $1 AND l.usage_date < $2) AS lines,
           (SELECT count(*) FROM usage_lines l JOIN rerate_days d ON d.customer_id = l.customer_id
              AND d.usage_date = l.usage_date AND d.billing_currency = l.billing_currency) AS changed`,
        [period.from, period.to],
      );
      const daysRebuilt = await rebuildDaily(session);
      await session.execute(
        `UPDATE usage_customer_days cd SET rated_at = now()
         FROM rerate_days d WHERE d.customer_id = cd.customer_id AND d.usage_date = cd.usage_date
           AND d.billing_currency = cd.billing_currency`,
      );
      const after = await totals(session, scope.organizationId, period.from, period.to);
      const [customerCount] = await session.query<{ n: string | number }>(
        'SELECT count(*) AS n FROM rerate_customers',
      );
      const result: RerateResult = {
        period: period.period,
        dryRun: options.dryRun === true,
        customers: Number(customerCount?.n ?? 0),
        lines: Number(counted?.lines ?? 0),
        linesChanged: Number(counted?.changed ?? 0),
        daysRebuilt,
        before,
        after,
        rates: await listRates(db, scope, { period: period.period, customerId: options.customerId }),
      };
      if (options.dryRun) throw new DryRun(result);
      await recordAudit(db, scope, {
        organizationId: scope.organizationId,
        action: 'rerate',
        entityType: 'usage_period',
        entityId: `${period.period}${options.customerId ? `:${options.customerId}` : ''}`,
        before: { totals: before },
        after: { totals: after, linesChanged: result.linesChanged, daysRebuilt },
      });
      return result;
    });
  } catch (error) {
    if (error instanceof DryRun) return error.result;
    throw error;
  }
}

/** Rebuilds the daily groups of the days in `rerate_days` from their (re-rated) lines. */
async function rebuildDaily(session: UsageSession): Promise<number> {
  await session.execute(
    `DELETE FROM usage_daily_groups x USING rerate_days d
     WHERE x.customer_id = d.customer_id AND x.usage_date = d.usage_date AND x.billing_currency = d.billing_currency`,
  );
  await session.execute('SET LOCAL enable_nestloop = off');
  await session.execute(
    `INSERT INTO usage_daily_groups (customer_id, usage_date, billing_currency, entitlement_id, meter_category,
       rate_id, quantity, cost, list_amount, line_count)
     SELECT l.customer_id, l.usage_date, l.billing_currency, l.entitlement_id, l.meter_category, l.rate_id,
       sum(l.quantity), sum(l.cost), sum(coalesce(l.list_amount, 0)), count(*)::integer
     FROM usage_lines l
     JOIN rerate_days d ON d.customer_id = l.customer_id AND d.usage_date = l.usage_date
       AND d.billing_currency = l.billing_currency
     GROUP BY l.customer_id, l.usage_date, l.billing_currency, l.entitlement_id, l.meter_category, l.rate_id`,
  );
  await session.execute('SET LOCAL enable_nestloop = on');
  const [days] = await session.query<{ n: string | number }>('SELECT count(*) AS n FROM rerate_days');
  return Number(days?.n ?? 0);
}

const COMBO_RATE_COLUMNS = [
  'combo',
  'customer_id',
  'billing_currency',
  'meter_category',
  'valid_from',
  'valid_to',
  'rate_id',
  'sale_cost_factor',
  'sale_list_factor',
  'sale_currency',
  'error',
];

const CREATE_COMBO_RATES_SQL = `
  CREATE TEMP TABLE usage_combo_rates (
    combo integer NOT NULL, customer_id uuid NOT NULL, billing_currency char(3) COLLATE "C" NOT NULL,
    meter_category text COLLATE "C" NOT NULL, valid_from date NOT NULL, valid_to date NOT NULL,
    rate_id uuid, sale_cost_factor numeric, sale_list_factor numeric, sale_currency char(3), error text
  ) ON COMMIT DROP`;

const q = (value: string) => `"${value.replace(/"/g, '""')}"`;

/** The combination → rate table as COPY CSV (text always quoted: '' is not NULL). */
async function* comboRateCsv(rated: readonly ComboRate[]): AsyncGenerator<Buffer> {
  let lines: string[] = [];
  for (const r of rated) {
    const last = r.rate?.tiers.at(-1);
    lines.push(
      [
        r.combo.id,
        r.combo.customer_id,
        r.combo.billing_currency,
        q(r.combo.meter_category),
        r.validFrom,
        r.validTo,
        r.rate?.id ?? '',
        last?.saleCostFactor ?? '',
        last?.saleListFactor ?? '',
        last?.currency ?? '',
        r.error === null ? '' : q(r.error),
      ].join(','),
    );
    if (lines.length >= 5000) {
      yield Buffer.from(`${lines.join('\n')}\n`);
      lines = [];
    }
  }
  if (lines.length > 0) yield Buffer.from(`${lines.join('\n')}\n`);
}
