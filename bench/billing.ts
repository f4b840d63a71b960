/**
 * `npm run bench -- billing [--customers 10000] [--lines 1000000] [--period 2025-03]`
 *
 * A full billing run of a provider on PostgreSQL: N customers with 3 licence subscriptions each
 * (P1Y monthly, bought mid-month in the month before, every one with a seat change inside the
 * billed charge period) and 1,000,000 rated usage rows (stored at the finest grain usage keeps:
 * customer × Azure subscription × day × meter category, one usage line each, so no aggregation
 * helps), billed at the `billed` usage policy. Prints the run's time, invoices/s, peak RSS, a
 * re-run (adds nothing) and, as reference, one SQL aggregate over the same usage.
 * PostgreSQL: BENCH_DATABASE_URL, else DATABASE_URL, else postgres://postgres@127.0.0.1:5432/ —
 * the database cspc_bench_billing is dropped and created.
 */
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase } from '../packages/server/src/db/database.ts';
import { migrate } from '../packages/server/src/db/migrate.ts';
import { runBilling } from '../packages/server/src/modules/billing/run-billing.ts';

export const description =
  'Billing run: 10,000 customers × 3 licences with mid-period changes + 1M usage rows on PostgreSQL';

function option(args: string[], name: string, fallback: string): string {
  const i = args.lastIndexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function main(args: string[]): Promise<void> {
  const customers = Number(option(args, 'customers', '10000'));
  const usageRows = Number(option(args, 'lines', '1000000'));
  const period = option(args, 'period', '2025-03');
  const concurrency = Number(option(args, 'concurrency', '4'));
  const base =
    process.env.BENCH_DATABASE_URL ??
    process.env.DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new URL(base);
  admin.pathname = '/postgres';
  const url = new URL(base);
  url.pathname = '/cspc_bench_billing';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  await client.query('DROP DATABASE IF EXISTS cspc_bench_billing WITH (FORCE)');
  await client.query('CREATE DATABASE cspc_bench_billing');
  await client.end();
  const handle = await openDatabase({ databaseUrl: url.toString(), dataDir: null });
  await migrate(handle);
  const db = handle.db;

  const setupStarted = Date.now();
  const from = `${period}-01`;
  const previous = new Date(`${from}T00:00:00Z`);
  previous.setUTCMonth(previous.getUTCMonth() - 1);
  const prev = previous.toISOString().slice(0, 10);
  const days = Math.max(1, Math.round(usageRows / customers / 4));
  await sql`
    INSERT INTO organizations (id, parent_id, kind, name, country, currency, time_zone, locale)
    VALUES ('00000000-0000-4000-8000-000000000001', NULL, 'provider', 'Bench Distributor', 'JP', 'JPY', 'Asia/Tokyo', 'ja')`.execute(
    db,
  );
  await sql`
    INSERT INTO organizations (id, parent_id, kind, name, country, currency, time_zone, locale)
    SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-4000-8000-000000000001',
      'customer', 'Customer ' || g, 'JP', 'JPY', 'Asia/Tokyo', 'ja'
    FROM generate_series(1, ${customers}) g`.execute(db);
  await sql`
    INSERT INTO organization_tree (ancestor_id, descendant_id, depth)
    SELECT id, id, 0 FROM organizations
    UNION ALL SELECT parent_id, id, 1 FROM organizations WHERE parent_id IS NOT NULL`.execute(db);
  // 3 licences per customer: bought on day 10/15/20 of the previous month, 5/10/15 seats, and a
  // change inside the charge period that starts in the billed month (+2 seats, or -1 seat).
  await sql`
    INSERT INTO subscriptions (id, provider_id, seller_id, customer_id, kind, title, status, quantity, term,
      billing_cycle, term_start, unit_price, currency, product_id, sku_id, auto_renew)
    SELECT ('00000000-0000-4000-a000-' || lpad((c * 3 + k)::text, 12, '0'))::uuid,
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000001',
      ('00000000-0000-4000-9000-' || lpad(c::text, 12, '0'))::uuid,
      'license', 'Licence ' || k, 'active', 5 * (k + 1), 'P1Y', 'monthly',
      ${prev}::date + (9 + 5 * k), 1090 + 100 * k, 'JPY', 'P' || k, '0001', true
    FROM generate_series(1, ${customers}) c, generate_series(0, 2) k`.execute(db);
  await sql`
    INSERT INTO subscription_events (subscription_id, kind, effective_at, quantity_before, quantity_after,
      status_before, status_after, term, billing_cycle, term_start, source)
    SELECT id, 'purchased', term_start::timestamptz + interval '1 hour', 0, quantity, NULL, 'active', term,
      billing_cycle, term_start, 'order'
    FROM subscriptions`.execute(db);
  await sql`
    INSERT INTO subscription_events (subscription_id, kind, effective_at, quantity_before, quantity_after,
      status_before, status_after, term, billing_cycle, term_start, source)
    SELECT id, 'quantity_changed', (term_start + interval '1 month' + interval '3 days')::timestamptz, quantity,
      CASE WHEN right(id::text, 1) IN ('0', '2', '4', '6', '8') THEN quantity + 2 ELSE quantity - 1 END,
      'active', 'active', term, billing_cycle, term_start, 'order'
    FROM subscriptions`.execute(db);
  await sql`
    INSERT INTO subscription_event_prices (event_id, tier, seller_id, buyer_id, unit_cost, cost_currency, unit_price, currency)
    SELECT e.id, 0, s.seller_id, s.customer_id, s.unit_price * 0.85, 'JPY', s.unit_price, 'JPY'
    FROM subscription_events e JOIN subscriptions s ON s.id = e.subscription_id`.execute(db);
  // Usage: one rate (provider sells at cost + 10%), one Azure subscription per customer.
  await sql`
    INSERT INTO usage_rates (id, provider_id, billing_currency, has_list, tier_count)
    VALUES ('00000000-0000-4000-b000-000000000001', '00000000-0000-4000-8000-000000000001', 'JPY', false, 1)`.execute(
    db,
  );
  await sql`
    INSERT INTO usage_rate_tiers (rate_id, tier, seller_id, buyer_id, cost_currency, currency, cost_cost_factor,
      cost_list_factor, sale_cost_factor, sale_list_factor, basis, explanation)
    VALUES ('00000000-0000-4000-b000-000000000001', 1, '00000000-0000-4000-8000-000000000001', NULL, 'JPY', 'JPY',
      1, 0, 1.1, 0, 'rule', '{}')`.execute(db);
  await sql`
    INSERT INTO usage_daily_groups (customer_id, usage_date, billing_currency, entitlement_id, meter_category,
      rate_id, quantity, cost, list_amount, line_count)
    SELECT ('00000000-0000-4000-9000-' || lpad(c::text, 12, '0'))::uuid, ${from}::date + d, 'JPY',
      'az-' || c, (ARRAY['Virtual Machines', 'Storage', 'Bandwidth', 'SQL Database'])[m],
      '00000000-0000-4000-b000-000000000001', 1 + (c % 7), round(((c * 31 + d * 7 + m) % 1000) / 7.0, 6), 0, 1
    FROM generate_series(1, ${customers}) c, generate_series(0, ${days - 1}) d, generate_series(1, 4) m`.execute(
    db,
  );
  await sql`
    INSERT INTO usage_customer_days (customer_id, usage_date, billing_currency, provider_id, kind, line_count,
      fingerprint, import_id)
    SELECT ('00000000-0000-4000-9000-' || lpad(c::text, 12, '0'))::uuid, ${from}::date + d, 'JPY',
      '00000000-0000-4000-8000-000000000001', 'billed', 4, 'bench', gen_random_uuid()
    FROM generate_series(1, ${customers}) c, generate_series(0, ${days - 1}) d`.execute(db);
  await sql`ANALYZE`.execute(db);
  const counts = await sql<{ groups: string; events: string }>`
    SELECT (SELECT count(*) FROM usage_daily_groups)::text AS groups, (SELECT count(*) FROM subscription_events)::text AS events`.execute(
    db,
  );
  console.log(
    `set-up: ${fmt(customers)} customers, ${fmt(customers * 3)} licences, ${counts.rows[0]!.events} subscription events, ` +
      `${fmt(Number(counts.rows[0]!.groups))} usage rows (${days} days × 4 categories per customer) in ${fmt(Date.now() - setupStarted)} ms`,
  );

  const refStarted = performance.now();
  const reference = await sql<{ n: string }>`
    SELECT count(*)::text AS n FROM (
      SELECT d.buyer_id, d.entitlement_id, d.meter_category, sum(d.quantity), sum(d.sale)
      FROM usage_daily d
      WHERE d.seller_id = '00000000-0000-4000-8000-000000000001' AND d.usage_date >= ${from}::date
        AND d.usage_date < ${from}::date + interval '1 month'
      GROUP BY d.buyer_id, d.entitlement_id, d.meter_category) g`.execute(db);
  const referenceMs = performance.now() - refStarted;
  console.log(
    `reference: one SQL aggregate over the usage (${reference.rows[0]!.n} groups): ${fmt(referenceMs)} ms`,
  );

  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  const now = new Date(`${period}-28T00:00:00Z`);
  now.setUTCMonth(now.getUTCMonth() + 1);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const result = await runBilling(db, null, {
    sellerId: '00000000-0000-4000-8000-000000000001',
    period,
    now,
    concurrency,
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  console.log(
    `node CPU during the run: ${fmt((used.user + used.system) / 1000)} ms (concurrency ${concurrency})`,
  );
  const rerunStarted = performance.now();
  const rerun = await runBilling(db, null, { sellerId: '00000000-0000-4000-8000-000000000001', period, now });
  const rerunMs = performance.now() - rerunStarted;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const totals = await sql<{ invoices: string; lines: string; gross: string }>`
    SELECT count(DISTINCT i.id)::text AS invoices, count(l.id)::text AS lines, (SELECT sum(gross) FROM invoices)::text AS gross
    FROM invoices i JOIN invoice_lines l ON l.invoice_id = i.id`.execute(db);
  const t = totals.rows[0]!;
  console.log(
    `billing run: ${result.status}, ${fmt(result.invoicesCreated)} invoices, ${t.lines} lines, gross ${t.gross} JPY in ${fmt(ms)} ms ` +
      `= ${fmt(result.invoicesCreated / (ms / 1000))} invoices/s; errors ${result.errors.length}, skipped ${result.skipped.length}`,
  );
  console.log(
    `re-run: ${fmt(rerun.invoicesCreated)} created, ${fmt(rerun.invoicesUpdated)} updated, ${fmt(rerun.invoicesUnchanged)} unchanged in ${fmt(rerunMs)} ms`,
  );
  console.log(`peak RSS: ${fmt(peak / 1024 / 1024)} MB`);
  await handle.close();
}
