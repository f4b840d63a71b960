import { Money } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { billingErrors } from './billing.errors.ts';

/**
 * Margin report (#7): revenue vs cost of the caller's seller organisation for one billing month,
 * by customer, reseller or product.
 *
 * - **Revenue**: the lines of the invoices the caller issued for the month (issued or paid; drafts
 *   and void invoices do not count), minus what credit notes credited on each line.
 * - **Cost** — what the caller pays its supplier for the same charges:
 *   - the **provider**: Microsoft's cost. A licence line costs its exact amount × `unit_cost /
 *     unit_price` of the subscription's price tier where the provider is the seller
 *     (`subscription_event_prices`, latest priced event before the line's period ends); a usage
 *     line costs its exact amount × Σ cost / Σ sale of the provider's tier rows of that Azure
 *     subscription and month (`usage_daily`). Each line's cost is rounded once, like the line.
 *   - a **reseller**: the lines its supplier (the provider or the parent reseller) invoiced it for
 *     the month, minus the supplier's credit notes — a reseller never sees Microsoft's cost.
 * - Discount and manual lines have no cost. Amounts are exact decimal strings; margin = revenue −
 *   cost; margin % = margin / revenue × 100, two decimals (half-up), null without revenue.
 */

export type MarginGroupBy = 'customer' | 'reseller' | 'product';

export interface MarginRow {
  key: string | null;
  name: string;
  currency: string;
  revenue: string;
  cost: string;
  margin: string;
  marginPercent: string | null;
}

export interface MarginReport {
  sellerId: string;
  period: string;
  groupBy: MarginGroupBy;
  costBasis: 'microsoft' | 'supplier_invoices';
  rows: MarginRow[];
  totals: Omit<MarginRow, 'key' | 'name'>[];
  /** Costs left out because they are in another currency than the revenue (no exchange rates). */
  warnings: string[];
}

interface LineRow {
  id: string;
  kind: string;
  source_key: string;
  subscription_id: string | null;
  entitlement_id: string | null;
  product_id: string | null;
  description: string;
  period_end: string | null;
  unrounded: string;
  amount: string;
  currency: string;
  recipient_id: string;
  recipient_kind: string;
  credited: string;
}

/** "12.5" → "12.50", "-3" → "-3.00". */
const fixed2 = (s: string) => {
  const [int, frac = ''] = s.split('.');
  return `${int}.${frac.padEnd(2, '0')}`;
};

const SUB_KEY = /sub:([0-9a-f-]{36})/;
const USAGE_KEY = /usage:(.+):(\d{4}-\d{2})$/;

/** The invoice lines of the month issued by `issuerId` (to `recipientId` if given), net of credits. */
async function linesOf(db: Kysely<Database>, issuerId: string, period: string, recipientId?: string) {
  const recipient = recipientId ? sql`AND i.recipient_id = ${recipientId}` : sql``;
  const rows = await sql<LineRow>`
    SELECT l.id, l.kind, l.source_key, l.subscription_id, l.entitlement_id, l.product_id, l.description,
      l.period_end::text AS period_end, l.unrounded::text AS unrounded, l.amount::text AS amount,
      i.currency, i.recipient_id, o.kind AS recipient_kind,
      coalesce(cr.amount, 0)::text AS credited
    FROM invoice_lines l
    JOIN invoices i ON i.id = l.invoice_id
    JOIN organizations o ON o.id = i.recipient_id
    LEFT JOIN (
      SELECT cl.invoice_line_id, sum(cl.amount) AS amount
      FROM credit_note_lines cl JOIN credit_notes c ON c.id = cl.credit_note_id
      WHERE c.issuer_id = ${issuerId} AND cl.invoice_line_id IS NOT NULL
      GROUP BY cl.invoice_line_id) cr ON cr.invoice_line_id = l.id
    WHERE i.issuer_id = ${issuerId} AND i.period = ${`${period}-01`}::date AND i.status IN ('issued', 'paid')
      ${recipient}
    ORDER BY i.id, l.position`.execute(db);
  // credit notes without line references (not made by this API, but allowed by the schema)
  const loose = await sql<{ recipient_id: string; recipient_kind: string; currency: string; amount: string }>`
    SELECT i.recipient_id, o.kind AS recipient_kind, i.currency, sum(cl.amount)::text AS amount
    FROM credit_note_lines cl
    JOIN credit_notes c ON c.id = cl.credit_note_id
    JOIN invoices i ON i.id = c.invoice_id
    JOIN organizations o ON o.id = i.recipient_id
    WHERE cl.invoice_line_id IS NULL AND i.issuer_id = ${issuerId} AND i.period = ${`${period}-01`}::date
      AND i.status IN ('issued', 'paid') ${recipient}
    GROUP BY i.recipient_id, o.kind, i.currency`.execute(db);
  const lines = rows.rows.map((r) => ({ ...r, currency: r.currency.trim() }));
  for (const l of loose.rows) {
    lines.push({
      id: `credit:${l.recipient_id}`,
      kind: 'credit',
      source_key: '',
      subscription_id: null,
      entitlement_id: null,
      product_id: null,
      description: 'Credit notes',
      period_end: null,
      unrounded: '0',
      amount: '0',
      currency: l.currency.trim(),
      recipient_id: l.recipient_id,
      recipient_kind: l.recipient_kind,
      credited: l.amount,
    });
  }
  return lines;
}

export async function marginReport(
  db: Kysely<Database>,
  scope: Scope,
  period: string,
  groupBy: MarginGroupBy,
): Promise<MarginReport> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw billingErrors.invalidPeriod(period);
  if (scope.organizationKind === 'customer') throw billingErrors.sellersOnly();
  const sellerId = scope.organizationId;
  const seller = await db
    .selectFrom('organizations')
    .select(['id', 'kind', 'parent_id'])
    .where('id', '=', sellerId)
    .executeTakeFirstOrThrow();

  const revenueLines = await linesOf(db, sellerId, period);
  // cost per line id (provider), or the supplier's lines (reseller)
  const costs: { line: LineRow; cost: Money }[] = [];
  const warnings = new Set<string>();

  if (seller.kind === 'provider') {
    const subIds = [
      ...new Set(
        revenueLines.map((l) => l.subscription_id ?? SUB_KEY.exec(l.source_key)?.[1] ?? null).filter(Boolean),
      ),
    ] as string[];
    const tiers =
      subIds.length === 0
        ? []
        : (
            await sql<{
              subscription_id: string;
              effective_at: Date;
              unit_cost: string;
              cost_currency: string;
              unit_price: string;
              currency: string;
            }>`
            SELECT e.subscription_id, e.effective_at, p.unit_cost::text AS unit_cost, p.cost_currency,
              p.unit_price::text AS unit_price, p.currency
            FROM subscription_events e
            JOIN subscription_event_prices p ON p.event_id = e.id AND p.seller_id = ${sellerId}
            WHERE e.subscription_id = ANY(${subIds}::uuid[])
            ORDER BY e.subscription_id, e.effective_at`.execute(db)
          ).rows;
    const usageKeys = new Map<string, { entitlement: string; month: string }>();
    for (const l of revenueLines) {
      const m = USAGE_KEY.exec(l.source_key);
      if (m && l.kind !== 'discount') usageKeys.set(`${m[1]}|${m[2]}`, { entitlement: m[1]!, month: m[2]! });
    }
    const usageRatios = new Map<string, { cost: string; sale: string; costCurrency: string }>();
    // one grouped query per month referenced (usually just the period)
    for (const month of new Set([...usageKeys.values()].map((k) => k.month))) {
      const from = `${month}-01`;
      const rows = await sql<{ entitlement_id: string; cost: string; sale: string; cost_currency: string }>`
        SELECT d.entitlement_id, sum(d.cost)::text AS cost, sum(d.sale)::text AS sale,
          min(d.cost_currency) AS cost_currency
        FROM usage_daily d
        WHERE d.seller_id = ${sellerId}
          AND d.usage_date >= ${from}::date AND d.usage_date < (${from}::date + interval '1 month')
        GROUP BY d.entitlement_id`.execute(db);
      for (const r of rows.rows) {
        if (!usageKeys.has(`${r.entitlement_id}|${month}`)) continue;
        usageRatios.set(`${r.entitlement_id}|${month}`, {
          cost: r.cost,
          sale: r.sale,
          costCurrency: r.cost_currency.trim(),
        });
      }
    }
    const tiersBySub = new Map<string, typeof tiers>();
    for (const t of tiers) {
      const list = tiersBySub.get(t.subscription_id) ?? [];
      list.push(t);
      tiersBySub.set(t.subscription_id, list);
    }
    for (const line of revenueLines) {
      const exact = Money.of(line.unrounded, line.currency);
      let cost = Money.zero(line.currency);
      const usage = USAGE_KEY.exec(line.source_key);
      const subId = line.subscription_id ?? SUB_KEY.exec(line.source_key)?.[1] ?? null;
      if (line.kind === 'discount' || line.kind === 'manual' || line.kind === 'credit') {
        // no cost
      } else if (usage) {
        const ratio = usageRatios.get(`${usage[1]}|${usage[2]}`);
        if (ratio && !Money.of(ratio.sale, line.currency).isZero()) {
          if (ratio.costCurrency !== line.currency) warnings.add(`cost currency ${ratio.costCurrency}`);
          else cost = exact.times(ratio.cost).dividedBy(ratio.sale).round('half-up');
        }
      } else if (subId) {
        const end = line.period_end ? new Date(`${line.period_end}T00:00:00Z`) : null;
        const ofSub = tiersBySub.get(subId) ?? [];
        const priced = ofSub.filter((t) => !end || t.effective_at < end);
        const tier = priced.at(-1) ?? ofSub[0];
        if (tier && !Money.of(tier.unit_price, line.currency).isZero()) {
          if (tier.cost_currency.trim() !== line.currency)
            warnings.add(`cost currency ${tier.cost_currency}`);
          else cost = exact.times(tier.unit_cost).dividedBy(tier.unit_price).round('half-up');
        }
      }
      costs.push({ line, cost });
    }
  } else if (seller.parent_id) {
    for (const line of await linesOf(db, seller.parent_id, period, sellerId)) {
      costs.push({
        line,
        cost: Money.of(line.amount, line.currency).minus(Money.of(line.credited, line.currency)),
      });
    }
  }

  // Dimensions: the end customer of a subscription or Azure subscription, the reseller in between.
  const entitlements = [
    ...new Set(
      [...revenueLines, ...costs.map((c) => c.line)]
        .map((l) => l.entitlement_id ?? USAGE_KEY.exec(l.source_key)?.[1] ?? null)
        .filter(Boolean),
    ),
  ] as string[];
  const subscriptions = [
    ...new Set(
      [...revenueLines, ...costs.map((c) => c.line)]
        .map((l) => l.subscription_id ?? SUB_KEY.exec(l.source_key)?.[1] ?? null)
        .filter(Boolean),
    ),
  ] as string[];
  const customerOfSub = new Map<string, { customer: string; product: string; title: string }>();
  if (subscriptions.length > 0) {
    const rows = await db
      .selectFrom('subscriptions')
      .select(['id', 'customer_id', 'product_id', 'title'])
      .where('id', 'in', subscriptions)
      .execute();
    for (const r of rows)
      customerOfSub.set(r.id, { customer: r.customer_id, product: r.product_id ?? '', title: r.title });
  }
  const customerOfEntitlement = new Map<string, string>();
  if (entitlements.length > 0) {
    const rows = await db
      .selectFrom('usage_subscriptions')
      .select(['entitlement_id', 'customer_id'])
      .where('entitlement_id', 'in', entitlements)
      .execute();
    for (const r of rows) customerOfEntitlement.set(r.entitlement_id, r.customer_id);
  }

  const dimension = (line: LineRow, recipientForCost: boolean): { key: string | null; name?: string } => {
    const subId = line.subscription_id ?? SUB_KEY.exec(line.source_key)?.[1] ?? null;
    const entitlement = line.entitlement_id ?? USAGE_KEY.exec(line.source_key)?.[1] ?? null;
    const sub = subId ? customerOfSub.get(subId) : undefined;
    if (groupBy === 'product') {
      if (line.kind === 'manual') return { key: 'manual', name: 'Manual lines' };
      if (line.kind === 'credit') return { key: 'credit', name: 'Credit notes' };
      if (entitlement) return { key: 'azure', name: 'Azure' };
      const product = line.product_id ?? sub?.product ?? null;
      return product ? { key: product, name: sub?.title ?? product } : { key: null, name: 'Other' };
    }
    const customer =
      sub?.customer ??
      (entitlement ? customerOfEntitlement.get(entitlement) : undefined) ??
      (recipientForCost ? null : line.recipient_kind === 'customer' ? line.recipient_id : null);
    if (groupBy === 'customer') return { key: customer };
    // reseller: the recipient of the caller's invoice when it is a reseller; direct customers: none
    if (recipientForCost) return { key: null };
    return { key: line.recipient_kind === 'customer' ? null : line.recipient_id };
  };

  interface Acc {
    key: string | null;
    name?: string;
    currency: string;
    revenue: Money;
    cost: Money;
  }
  const acc = new Map<string, Acc>();
  const at = (d: { key: string | null; name?: string }, currency: string): Acc => {
    const id = `${d.key ?? ''}|${currency}`;
    let a = acc.get(id);
    if (!a) {
      a = { key: d.key, currency, revenue: Money.zero(currency), cost: Money.zero(currency) };
      if (d.name) a.name = d.name;
      acc.set(id, a);
    }
    return a;
  };
  // For a reseller, group by reseller: the supplier's lines to the caller are attributed through the
  // caller's own revenue lines of the same source key (the sub-reseller it billed), else direct.
  const resellerOfKey = new Map<string, string | null>();
  for (const line of revenueLines) {
    const a = at(dimension(line, false), line.currency);
    a.revenue = a.revenue
      .plus(Money.of(line.amount, line.currency))
      .minus(Money.of(line.credited, line.currency));
    if (line.source_key) resellerOfKey.set(line.source_key, dimension(line, false).key);
  }
  for (const { line, cost } of costs) {
    const isOwn = seller.kind === 'provider';
    let d = isOwn ? dimension(line, false) : dimension(line, true);
    if (!isOwn && groupBy === 'reseller') d = { key: resellerOfKey.get(line.source_key) ?? null };
    const a = at(d, line.currency);
    a.cost = a.cost.plus(cost);
  }

  const orgIds = [
    ...new Set([...acc.values()].map((a) => a.key).filter((k) => k && /^[0-9a-f-]{36}$/.test(k))),
  ];
  const names = new Map<string, string>();
  if (orgIds.length > 0 && groupBy !== 'product') {
    const rows = await db
      .selectFrom('organizations')
      .select(['id', 'name'])
      .where('id', 'in', orgIds as string[])
      .execute();
    for (const r of rows) names.set(r.id, r.name);
  }
  const percent = (margin: Money, revenue: Money): string | null =>
    revenue.isZero()
      ? null
      : fixed2(margin.times('100').dividedBy(revenue.toString()).roundTo(2, 'half-up').toString());
  const row = (a: Acc): MarginRow => {
    const margin = a.revenue.minus(a.cost);
    return {
      key: a.key,
      name:
        a.name ??
        (a.key ? (names.get(a.key) ?? a.key) : groupBy === 'reseller' ? 'Direct customers' : 'Unassigned'),
      currency: a.currency,
      revenue: a.revenue.toString(),
      cost: a.cost.toString(),
      margin: margin.toString(),
      marginPercent: percent(margin, a.revenue),
    };
  };
  const rows = [...acc.values()]
    .map(row)
    .sort((x, y) => x.currency.localeCompare(y.currency) || x.name.localeCompare(y.name));
  const totalsBy = new Map<string, { revenue: Money; cost: Money }>();
  for (const a of acc.values()) {
    const t = totalsBy.get(a.currency) ?? { revenue: Money.zero(a.currency), cost: Money.zero(a.currency) };
    t.revenue = t.revenue.plus(a.revenue);
    t.cost = t.cost.plus(a.cost);
    totalsBy.set(a.currency, t);
  }
  const totals = [...totalsBy.entries()]
    .sort(([x], [y]) => x.localeCompare(y))
    .map(([currency, t]) => {
      const margin = t.revenue.minus(t.cost);
      return {
        currency,
        revenue: t.revenue.toString(),
        cost: t.cost.toString(),
        margin: margin.toString(),
        marginPercent: percent(margin, t.revenue),
      };
    });
  return {
    sellerId,
    period,
    groupBy,
    costBasis: seller.kind === 'provider' ? 'microsoft' : 'supplier_invoices',
    rows,
    totals,
    warnings: [...warnings].sort(),
  };
}

const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The report as CSV (UTF-8 with BOM): one row per group and currency, then the totals per currency. */
export function marginCsv(report: MarginReport): string {
  const header = [
    'period',
    'group_by',
    'key',
    'name',
    'currency',
    'revenue',
    'cost',
    'margin',
    'margin_percent',
  ];
  const lines = [
    ...report.rows.map((r) => [
      report.period,
      report.groupBy,
      r.key ?? '',
      r.name,
      r.currency,
      r.revenue,
      r.cost,
      r.margin,
      r.marginPercent ?? '',
    ]),
    ...report.totals.map((t) => [
      report.period,
      'total',
      '',
      'Total',
      t.currency,
      t.revenue,
      t.cost,
      t.margin,
      t.marginPercent ?? '',
    ]),
  ];
  return `\uFEFF${[header, ...lines].map((l) => l.map(cell).join(',')).join('\r\n')}\r\n`;
}
