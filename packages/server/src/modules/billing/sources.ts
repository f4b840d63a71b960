import {
  type BillingCycle,
  BillingError,
  type DiscountRule,
  diffLines,
  type InvoicedSource,
  type InvoiceLineDraft,
  isBillingCycle,
  isTermDuration,
  type LicenseTerm,
  type MeteredService,
  Money,
  Period,
  type ProposedLine,
  parsePlainDate,
  proposeDiscountLines,
  proposeLicenseLines,
  proposeMeteredLines,
  proposeOneTimeLine,
  proposeServiceLines,
  proposeUsageLines,
  type QuantityEvent,
  Temporal,
  type TermDuration,
  type UsageAmount,
} from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { BillingProfile } from './profiles.ts';
import { dayInZone } from './zone-days.ts';

/**
 * Reads what an issuer's invoices are made of — subscription events priced at the issuer's tier,
 * rated usage sold by the issuer, what earlier invoices already hold — for all its recipients at
 * once (a run) or for one (a preview), and turns it into the lines still to invoice, per recipient
 * and currency. Pure arithmetic lives in @cspc/core (billing, proration, tax); this is the glue.
 */

export interface BillingMonth {
  period: string;
  /** First day, 'YYYY-MM-DD'. */
  from: string;
  /** First day of the next month (exclusive). */
  to: string;
}

export function billingMonth(period: string): BillingMonth | null {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(period);
  if (!match) return null;
  const p = Period.parse(period);
  return { period, from: p.start.toString(), to: p.end.toString() };
}

interface EventRow {
  id: string;
  subscription_id: string;
  kind: string;
  effective_at: Date;
  quantity_before: number | null;
  quantity_after: number;
  status_after: string;
  term: string | null;
  billing_cycle: string | null;
  term_start: string | null;
  unit_price: string | null;
  currency: string | null;
  buyer_id: string | null;
  sub_kind: string;
  title: string;
  product_id: string | null;
  sub_term: string;
  sub_billing_cycle: string;
  sub_term_start: string | null;
  time_zone: string;
  unit: string | null;
}

/** Metered quantities of usage-billed own services: subscription → month (YYYY-MM) → total. */
type MeteredUsage = Map<string, Map<string, { quantity: string; records: number }>>;

export interface RecipientSources {
  recipientId: string;
  terms: LicenseTerm[];
  services: ProposedLine[];
  usage: Map<string, UsageAmount[]>;
  invoiced: Map<string, (InvoicedSource & { periodStart: string | null })[]>;
  /** Problems that kept a subscription off the invoice (shown on the run and the preview). */
  skipped: { subscriptionId: string; reason: string }[];
}

const TERM_STARTS = new Set(['purchased', 'provisioned', 'renewed', 'upgraded', 'adopted']);

/** Loads the sources of every recipient of `issuerId` for the month (or only `recipientId`'s). */
export async function loadSources(
  db: Kysely<Database>,
  issuerId: string,
  month: BillingMonth,
  policy: BillingProfile['usagePolicy'],
  recipientId?: string,
): Promise<Map<string, RecipientSources>> {
  const byRecipient = new Map<string, RecipientSources>();
  const get = (id: string): RecipientSources => {
    let r = byRecipient.get(id);
    if (!r) {
      r = { recipientId: id, terms: [], services: [], usage: new Map(), invoiced: new Map(), skipped: [] };
      byRecipient.set(id, r);
    }
    return r;
  };
  const recipientFilter = recipientId ? sql`AND p2.buyer_id = ${recipientId}` : sql``;
  // Every event of every subscription the issuer sells (at its tier), with the issuer's price.
  const events = await sql<EventRow>`
    SELECT e.id::text AS id, e.subscription_id, e.kind, e.effective_at, e.quantity_before, e.quantity_after,
      e.status_after, e.term, e.billing_cycle, e.term_start::text AS term_start,
      p.unit_price::text AS unit_price, p.currency, p.buyer_id,
      s.kind AS sub_kind, s.title, s.product_id, s.term AS sub_term, s.billing_cycle AS sub_billing_cycle,
      s.term_start::text AS sub_term_start, o.time_zone, op.unit
    FROM subscription_events e
    JOIN subscriptions s ON s.id = e.subscription_id
    JOIN organizations o ON o.id = s.seller_id
    LEFT JOIN own_products op ON op.id = s.own_product_id
    LEFT JOIN subscription_event_prices p ON p.event_id = e.id AND p.seller_id = ${issuerId}
    WHERE e.subscription_id IN (
      SELECT e2.subscription_id FROM subscription_event_prices p2
      JOIN subscription_events e2 ON e2.id = p2.event_id
      WHERE p2.seller_id = ${issuerId} ${recipientFilter})
      AND e.effective_at < ${new Date(`${month.to}T00:00:00Z`).toISOString()}::timestamptz + interval '1 day'
    ORDER BY e.subscription_id, e.effective_at, e.id`.execute(db);
  // Metered usage of the issuer's usage-billed own services, per subscription and month (arrears).
  const metered: MeteredUsage = new Map();
  const records = await sql<{ subscription_id: string; month: string; quantity: string; records: number }>`
    SELECT r.subscription_id, to_char(r.usage_date, 'YYYY-MM') AS month, sum(r.quantity)::text AS quantity,
      count(*)::int AS records
    FROM service_usage_records r
    JOIN subscriptions s ON s.id = r.subscription_id
    WHERE s.kind = 'own_product' AND s.billing_cycle = 'usage'
      AND r.usage_date < ${month.to}::date
      AND r.subscription_id IN (
        SELECT e2.subscription_id FROM subscription_event_prices p2
        JOIN subscription_events e2 ON e2.id = p2.event_id
        WHERE p2.seller_id = ${issuerId} ${recipientFilter})
    GROUP BY r.subscription_id, to_char(r.usage_date, 'YYYY-MM')`.execute(db);
  for (const r of records.rows) {
    const months = metered.get(r.subscription_id) ?? new Map();
    months.set(r.month, { quantity: r.quantity, records: r.records });
    metered.set(r.subscription_id, months);
  }
  let current: EventRow[] = [];
  const flush = () => {
    if (current.length > 0) addSubscription(current, get, month, metered);
    current = [];
  };
  for (const row of events.rows) {
    if (current.length > 0 && current[0]!.subscription_id !== row.subscription_id) flush();
    current.push(row);
  }
  flush();

  // Rated usage the issuer sold in the month, per buyer, currency, Azure subscription and category.
  const billedOnly =
    policy === 'billed'
      ? sql`AND EXISTS (SELECT 1 FROM usage_customer_days cd WHERE cd.customer_id = d.customer_id
          AND cd.usage_date = d.usage_date AND cd.billing_currency = d.billing_currency AND cd.kind = 'billed')`
      : sql``;
  const usageRecipient = recipientId ? sql`AND d.buyer_id = ${recipientId}` : sql``;
  const usage = await sql<{
    buyer_id: string;
    currency: string;
    entitlement_id: string;
    meter_category: string;
    quantity: string;
    sale: string;
    name: string | null;
  }>`
    SELECT u.*, us.description AS name FROM (
      SELECT d.buyer_id, d.currency, d.entitlement_id, d.meter_category,
        sum(d.quantity)::text AS quantity, sum(d.sale)::text AS sale
      FROM usage_daily d
      WHERE d.seller_id = ${issuerId} AND d.usage_date >= ${month.from}::date AND d.usage_date < ${month.to}::date
        ${usageRecipient} ${billedOnly}
      GROUP BY d.buyer_id, d.currency, d.entitlement_id, d.meter_category) u
    LEFT JOIN usage_subscriptions us ON us.entitlement_id = u.entitlement_id`.execute(db);
  for (const row of usage.rows) {
    const r = get(row.buyer_id);
    const currency = row.currency.trim();
    const list = r.usage.get(currency) ?? [];
    list.push({
      entitlementId: row.entitlement_id,
      entitlementName: row.name ?? '',
      meterCategory: row.meter_category,
      quantity: row.quantity,
      sale: Money.of(row.sale, currency),
    });
    r.usage.set(currency, list);
  }

  // What issued (and paid) invoices already hold, per source key.
  const invoicedQuery = db
    .selectFrom('invoice_lines as l')
    .innerJoin('invoices as i', 'i.id', 'l.invoice_id')
    .select([
      'i.recipient_id',
      'i.currency',
      'l.source_key',
      sql<string>`sum(l.amount)::text`.as('amount'),
      sql<string | null>`min(l.period_start)::text`.as('period_start'),
    ])
    .where('i.issuer_id', '=', issuerId)
    .where('i.status', 'in', ['issued', 'paid'])
    .where('l.kind', '<>', 'manual') // staff's one-off lines have no source to diff against
    .groupBy(['i.recipient_id', 'i.currency', 'l.source_key']);
  const invoiced = await (recipientId
    ? invoicedQuery.where('i.recipient_id', '=', recipientId)
    : invoicedQuery
  ).execute();
  for (const row of invoiced) {
    const r = get(row.recipient_id);
    const currency = row.currency.trim();
    const list = r.invoiced.get(currency) ?? [];
    list.push({
      sourceKey: row.source_key,
      amount: Money.of(row.amount, currency),
      periodStart: row.period_start,
    });
    r.invoiced.set(currency, list);
  }
  return byRecipient;
}

const MAX_DATE = '9999-12-31';

/**
 * Date arithmetic memoised across a run (10,000s of subscriptions share a few hundred term starts):
 * Temporal dates are immutable, so one parsed value serves every subscription. Bounded caches.
 */
const knownZones = new Set<string>();
const parsedDates = new Map<string, Temporal.PlainDate>();
const termEnds = new Map<string, string>();

function plainDate(text: string): Temporal.PlainDate {
  let date = parsedDates.get(text);
  if (!date) {
    date = parsePlainDate(text);
    if (parsedDates.size >= 20_000) parsedDates.clear();
    parsedDates.set(text, date);
  }
  return date;
}

const monthPeriods = new Map<string, Period>();

/** The Period of a 'YYYY-MM' (one object per month, so core can memoise its wording). */
function monthPeriodOf(period: string): Period {
  let p = monthPeriods.get(period);
  if (!p) {
    p = Period.parse(period);
    if (monthPeriods.size >= 1_000) monthPeriods.clear();
    monthPeriods.set(period, p);
  }
  return p;
}

/** The first day after a term starting `termStart` (exclusive end), 'YYYY-MM-DD'. */
function termEndOf(termStart: string, duration: TermDuration): string {
  const key = `${termStart}|${duration}`;
  let end = termEnds.get(key);
  if (end === undefined) {
    end = plainDate(termStart)
      .add({ months: duration === 'P1M' ? 1 : duration === 'P1Y' ? 12 : 36 })
      .toString();
    if (termEnds.size >= 20_000) termEnds.clear();
    termEnds.set(key, end);
  }
  return end;
}

/** Turns one subscription's events (in effective order) into licence terms or own-service lines. */
function addSubscription(
  rows: EventRow[],
  get: (id: string) => RecipientSources,
  month: BillingMonth,
  metered: MeteredUsage,
): void {
  const first = rows[0]!;
  const buyer = rows.find((r) => r.buyer_id !== null)?.buyer_id;
  if (!buyer) return;
  const recipient = get(buyer);
  const subscriptionId = first.subscription_id;
  const until = plainDate(month.to);
  const dayOf = (r: EventRow) => dayInZone(r.effective_at.getTime(), r.time_zone);
  try {
    // An unknown time zone skips the subscription (as the first event's day would), checked once per zone.
    if (!knownZones.has(first.time_zone)) {
      dayOf(first);
      knownZones.add(first.time_zone);
    }
    if (first.sub_kind === 'own_product') {
      addOwnService(rows, recipient, until, dayOf, metered);
      return;
    }
    if (first.sub_kind !== 'license') return; // Azure plans are billed through their usage
    const terms: LicenseTerm[] = [];
    let term: LicenseTerm | null = null;
    let termEnd = MAX_DATE;
    let quantity = 0;
    let termStartText = '';
    for (const row of rows) {
      const termStart = row.term_start ?? row.sub_term_start;
      if (TERM_STARTS.has(row.kind) && termStart && (!term || termStartText !== termStart)) {
        const duration = row.term ?? row.sub_term;
        const cycle = row.billing_cycle ?? row.sub_billing_cycle;
        if (
          !isTermDuration(duration) ||
          !isBillingCycle(cycle) ||
          row.unit_price === null ||
          row.currency === null
        ) {
          recipient.skipped.push({
            subscriptionId,
            reason: `no price or term for the ${row.kind} event ${row.id}`,
          });
          term = null;
          continue;
        }
        if (row.quantity_after < 1) {
          term = null;
          continue;
        }
        term = {
          subscriptionId,
          title: row.title,
          productId: row.product_id,
          termStart: plainDate(termStart),
          term: duration as TermDuration,
          billingCycle: cycle as BillingCycle,
          quantity: row.quantity_after,
          unitPrice: Money.of(row.unit_price, row.currency.trim()),
          events: [],
        };
        termStartText = termStart;
        termEnd = termEndOf(termStart, duration as TermDuration);
        quantity = row.quantity_after;
        terms.push(term);
        continue;
      }
      if (!term) continue;
      const day = dayOf(row);
      const effective = Temporal.PlainDate.compare(day, term.termStart) < 0 ? term.termStart : day;
      if (effective.toString() >= termEnd) continue;
      const events = term.events as QuantityEvent[];
      const cancels =
        row.status_after === 'cancelled' || (row.kind === 'upgraded' && row.quantity_after === 0);
      if (row.kind === 'cancelled' || cancels) {
        events.push({ kind: 'cancel', effective });
        term = null;
        continue;
      }
      if (row.kind === 'quantity_changed' || row.kind === 'corrected') {
        const delta = row.quantity_after - quantity;
        quantity = row.quantity_after;
        if (delta !== 0) events.push({ kind: 'change', effective, delta });
      }
    }
    recipient.terms.push(...terms);
  } catch (error) {
    recipient.skipped.push({
      subscriptionId,
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

function addOwnService(
  rows: EventRow[],
  recipient: RecipientSources,
  until: Temporal.PlainDate,
  dayOf: (r: EventRow) => Temporal.PlainDate,
  metered: MeteredUsage,
): void {
  const start = rows.find((r) => TERM_STARTS.has(r.kind) && r.unit_price !== null);
  if (!start) return;
  const cycle = start.billing_cycle ?? start.sub_billing_cycle;
  const duration = start.term ?? start.sub_term;
  const unitPrice = Money.of(start.unit_price!, start.currency!.trim());
  const startDay = start.term_start ? parsePlainDate(start.term_start) : dayOf(start);
  const base = {
    subscriptionId: start.subscription_id,
    title: start.title,
    productId: start.product_id,
    start: startDay,
    quantity: start.quantity_after,
    unitPrice,
  };
  if (cycle === 'one_time') {
    const line = proposeOneTimeLine(base, { until });
    if (line) recipient.services.push(line);
    return;
  }
  if (cycle === 'usage') {
    // Billed in arrears from the recorded quantities (usage-records.ts), one line per month.
    const service: MeteredService = {
      subscriptionId: start.subscription_id,
      title: start.title,
      productId: start.product_id,
      unit: start.unit ?? 'unit',
      unitPrice,
      months: metered.get(start.subscription_id) ?? new Map(),
    };
    recipient.services.push(...proposeMeteredLines(service, { until }));
    return;
  }
  if (cycle === 'monthly' && duration === 'none') {
    const cancel = rows.find((r) => r.kind === 'cancelled' || r.status_after === 'cancelled');
    recipient.services.push(
      ...proposeServiceLines({ ...base, end: cancel ? dayOf(cancel) : null }, { until }),
    );
    return;
  }
  if (isTermDuration(duration) && isBillingCycle(cycle)) {
    recipient.terms.push({
      subscriptionId: start.subscription_id,
      kind: 'own_service',
      title: start.title,
      productId: start.product_id,
      termStart: startDay,
      term: duration,
      billingCycle: cycle,
      quantity: start.quantity_after,
      unitPrice,
      events: [],
    });
    return;
  }
  recipient.skipped.push({
    subscriptionId: start.subscription_id,
    reason: `own service billed ${cycle} is not invoiced automatically`,
  });
}

export interface RecipientDraft {
  recipientId: string;
  currency: string;
  lines: InvoiceLineDraft[];
  proposed: ProposedLine[];
}

/** The lines still to invoice for one recipient, one draft per currency (empty drafts are dropped). */
export function draftsFor(
  sources: RecipientSources,
  month: BillingMonth,
  discounts: readonly DiscountRule[],
): RecipientDraft[] {
  const until = plainDate(month.to);
  const byCurrency = new Map<string, ProposedLine[]>();
  const add = (line: ProposedLine) => {
    const list = byCurrency.get(line.amount.currency) ?? [];
    list.push(line);
    byCurrency.set(line.amount.currency, list);
  };
  for (const term of sources.terms) {
    for (const line of proposeLicenseLines(term, { until })) add(line);
  }
  for (const line of sources.services) add(line);
  const monthPeriod = monthPeriodOf(month.period);
  for (const [currency, rows] of sources.usage) {
    for (const line of proposeUsageLines(rows, monthPeriod, { currency })) add(line);
  }
  const currencies = new Set([...byCurrency.keys(), ...sources.invoiced.keys()]);
  const drafts: RecipientDraft[] = [];
  for (const currency of [...currencies].sort()) {
    const base = byCurrency.get(currency) ?? [];
    const proposed = [...base, ...proposeDiscountLines(base, discounts)];
    // Compare like with like: usage of this month only, and charges of periods starting before the
    // end of the month (a re-run of an earlier month must not reverse what later months billed).
    const invoiced = (sources.invoiced.get(currency) ?? []).filter((i) =>
      i.sourceKey.startsWith('usage:')
        ? i.sourceKey.endsWith(`:${month.period}`)
        : i.periodStart === null || i.periodStart < month.to,
    );
    const lines = diffLines(proposed, invoiced, currency);
    if (lines.length > 0) drafts.push({ recipientId: sources.recipientId, currency, lines, proposed });
  }
  return drafts;
}

export function discountRules(profile: BillingProfile): DiscountRule[] {
  return profile.discounts.map((r) => ({
    id: r.id,
    name: r.name,
    percent: r.percent,
    ...(r.productIds ? { productIds: r.productIds } : {}),
    ...(r.requiresAll ? { requiresAll: r.requiresAll } : {}),
    ...(r.from ? { from: parsePlainDate(r.from) } : {}),
    ...(r.to ? { to: parsePlainDate(r.to) } : {}),
  }));
}

export { BillingError };
