import { Money } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, forbidden } from '../../http/errors.ts';
import { csvRecords, type PartnerCenterClient } from '../../partner-center/index.ts';
import { billingErrors } from './billing.errors.ts';

/**
 * Cost reconciliation for the provider (#7): Microsoft's invoices of a billing month — licence
 * reconciliation lines (new-commerce "one-time" billing line items) and billed daily rated usage —
 * matched against the cost we recorded for the same subscriptions and month:
 *
 * - **Licences**, per Partner Center subscription: the licence lines the provider invoiced for the
 *   month (drafts included), each costed at the provider tier's unit cost
 *   (`subscription_event_prices`, seller = provider): exact amount × unit cost / unit price, rounded
 *   once per line; quantity = Σ seats of the lines; unit price = the tier's unit cost.
 * - **Azure usage**, per Azure subscription (entitlement): Σ `usage_daily.cost` of the provider's
 *   tier for the month.
 *
 * Each item is `matched` (equal amounts) or a difference with a reason: `missing_here` (Microsoft
 * charged, nothing recorded here), `missing_at_microsoft`, `price_differs`, `quantity_differs`,
 * `amount_differs`. Nothing is stored: the report is computed on each request, from Partner Center
 * (`GET /reconciliation`) or from an uploaded reconciliation CSV (`POST /reconciliation/import`).
 */

export const reconciliationErrors = {
  providerOnly: () => forbidden('Only the provider reconciles Microsoft’s invoices.'),
  invalidCsv: (message: string) => badRequest('invalid_reconciliation_csv', message),
};

export type ReconciliationReason =
  | 'missing_here'
  | 'missing_at_microsoft'
  | 'price_differs'
  | 'quantity_differs'
  | 'amount_differs'
  /** Our usage was recorded as billed on a Microsoft invoice that Partner Center does not list. */
  | 'invoice_unknown_at_microsoft';

export interface CostItem {
  kind: 'license' | 'usage';
  /** Partner Center subscription id (licences) or Azure subscription / entitlement id (usage). */
  key: string;
  currency: string;
  amount: string;
  quantity: string | null;
  unitPrice: string | null;
  customerId?: string | null;
  description?: string;
  /** Microsoft invoice numbers the recorded usage cites (imported billed usage). */
  invoiceNumbers?: string[];
}

export interface ReconciliationItem {
  kind: 'license' | 'usage';
  key: string;
  description: string;
  currency: string;
  status: 'matched' | 'different';
  reason: ReconciliationReason | null;
  ours: { amount: string; quantity: string | null; unitPrice: string | null } | null;
  microsoft: { amount: string; quantity: string | null; unitPrice: string | null } | null;
  /** Microsoft − ours. */
  difference: string;
  /** Why, when the reason needs more than its code (e.g. the invoice Partner Center does not list). */
  note: string | null;
}

export interface ReconciliationReport {
  providerId: string;
  period: string;
  source: 'partner_center' | 'csv';
  invoices: { id: string; currency: string | null; totalCharges: string | null }[];
  items: ReconciliationItem[];
  /** What keeps the report from being conclusive (e.g. no Microsoft invoice for the month). */
  warnings: string[];
  summary: {
    currency: string;
    matched: number;
    differences: number;
    ours: string;
    microsoft: string;
    difference: string;
  }[];
}

const dec = (a: string | null | undefined) => (a && a.trim() !== '' ? a.trim() : '0');
const addDec = (a: string | null, b: string | null | undefined, currency: string) =>
  Money.of(dec(a), currency)
    .plus(Money.of(dec(b), currency))
    .toString();

/** Adds items of the same kind, key and currency. */
function merge(items: CostItem[]): Map<string, CostItem> {
  const map = new Map<string, CostItem>();
  for (const item of items) {
    const id = `${item.kind}|${item.key}|${item.currency}`;
    const have = map.get(id);
    if (!have) {
      map.set(id, { ...item });
      continue;
    }
    have.amount = addDec(have.amount, item.amount, item.currency);
    if (item.quantity !== null) have.quantity = addDec(have.quantity, item.quantity, item.currency);
    if (have.unitPrice === null) have.unitPrice = item.unitPrice;
    have.description ??= item.description;
  }
  return map;
}

/** Matches our recorded cost against Microsoft's lines (pure). */
export function matchCosts(ours: CostItem[], microsoft: CostItem[]): ReconciliationItem[] {
  const a = merge(ours);
  const b = merge(microsoft);
  const items: ReconciliationItem[] = [];
  for (const id of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const o = a.get(id);
    const m = b.get(id);
    const any = (o ?? m)!;
    const currency = any.currency;
    const oursAmount = Money.of(dec(o?.amount), currency);
    const msAmount = Money.of(dec(m?.amount), currency);
    let reason: ReconciliationReason | null = null;
    if (!o) reason = 'missing_here';
    else if (!m) reason = 'missing_at_microsoft';
    else if (!oursAmount.equals(msAmount)) {
      const same = (x: string | null, y: string | null) =>
        x === null || y === null || Money.of(x, currency).equals(Money.of(y, currency));
      if (!same(o.unitPrice, m.unitPrice)) reason = 'price_differs';
      else if (!same(o.quantity, m.quantity)) reason = 'quantity_differs';
      else reason = 'amount_differs';
    }
    const side = (x: CostItem | undefined) =>
      x ? { amount: x.amount, quantity: x.quantity, unitPrice: x.unitPrice } : null;
    items.push({
      kind: any.kind,
      key: any.key,
      description: o?.description ?? m?.description ?? any.key,
      currency,
      status: reason ? 'different' : 'matched',
      reason,
      ours: side(o),
      microsoft: side(m),
      difference: msAmount.minus(oursAmount).toString(),
      note: null,
    });
  }
  return items;
}

/**
 * Usage recorded here as billed on Microsoft invoices that the source does not list (imported
 * billed usage — a file, or the demo's generated history — whose invoice Partner Center never
 * issued): such an item is not "missing at Microsoft" by chance, it cites an invoice that is not
 * there. It gets the reason `invoice_unknown_at_microsoft` and a note naming the invoice, and the
 * report a warning. Pure.
 */
export function explainUnknownInvoices(
  items: ReconciliationItem[],
  ours: CostItem[],
  microsoftInvoices: readonly string[],
  period: string,
): string[] {
  const cited = new Map<string, Set<string>>();
  for (const o of ours) {
    if (!o.invoiceNumbers?.length) continue;
    const id = `${o.kind}|${o.key}|${o.currency}`;
    const set = cited.get(id) ?? new Set();
    for (const n of o.invoiceNumbers) set.add(n);
    cited.set(id, set);
  }
  const known = new Set(microsoftInvoices);
  const unknown = new Set<string>();
  for (const item of items) {
    if (item.reason !== 'missing_at_microsoft') continue;
    const numbers = [...(cited.get(`${item.kind}|${item.key}|${item.currency}`) ?? [])].sort();
    if (numbers.length === 0 || numbers.some((n) => known.has(n))) continue;
    item.reason = 'invoice_unknown_at_microsoft';
    item.note = `Recorded as billed on Microsoft invoice ${numbers.join(', ')}, which the source does not list for ${period}.`;
    for (const n of numbers) unknown.add(n);
  }
  if (unknown.size === 0) return [];
  const cites = `the usage recorded here cites ${[...unknown].sort().join(', ')}`;
  const why =
    "that usage was imported (a file or the demo's generated history) rather than pulled from Partner Center, so it cannot be matched until Microsoft's invoice for it exists.";
  return [
    microsoftInvoices.length === 0
      ? `There is no Microsoft invoice for ${period}, yet ${cites}: ${why}`
      : `Microsoft's invoices for ${period} are ${[...microsoftInvoices].sort().join(', ')}, yet ${cites}: ${why}`,
  ];
}

const monthRange = (period: string) => {
  const [y, m] = period.split('-').map(Number) as [number, number];
  const to = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { from: `${period}-01`, to };
};

/** The cost recorded here for the provider and month (licences and Azure usage). */
export async function recordedCosts(
  db: Kysely<Database>,
  providerId: string,
  period: string,
): Promise<CostItem[]> {
  const { from, to } = monthRange(period);
  const licences = await sql<{
    pc_subscription_id: string | null;
    subscription_id: string;
    title: string;
    currency: string;
    quantity: string;
    unrounded: string;
    unit_price: string | null;
    unit_cost: string | null;
    tier_price: string | null;
  }>`
    SELECT s.pc_subscription_id, s.id AS subscription_id, s.title, i.currency, l.quantity::text AS quantity,
      l.unrounded::text AS unrounded, l.unit_price::text AS unit_price,
      p.unit_cost::text AS unit_cost, p.unit_price::text AS tier_price
    FROM invoice_lines l
    JOIN invoices i ON i.id = l.invoice_id
    JOIN subscriptions s ON s.id = l.subscription_id
    LEFT JOIN LATERAL (
      SELECT sp.unit_cost, sp.unit_price FROM subscription_events e
      JOIN subscription_event_prices sp ON sp.event_id = e.id AND sp.seller_id = ${providerId}
      WHERE e.subscription_id = s.id
        AND (l.period_end IS NULL OR e.effective_at < l.period_end::timestamptz)
      ORDER BY e.effective_at DESC, e.id DESC LIMIT 1) p ON true
    WHERE i.issuer_id = ${providerId} AND i.period = ${from}::date AND i.status IN ('draft', 'issued', 'paid')
      AND l.kind = 'license'
    ORDER BY s.id, l.position`.execute(db);
  const items: CostItem[] = [];
  for (const r of licences.rows) {
    const currency = r.currency.trim();
    let amount = Money.zero(currency);
    if (r.unit_cost !== null && r.tier_price !== null && !Money.of(r.tier_price, currency).isZero()) {
      amount = Money.of(r.unrounded, currency).times(r.unit_cost).dividedBy(r.tier_price).round('half-up');
    }
    items.push({
      kind: 'license',
      key: r.pc_subscription_id ?? r.subscription_id,
      currency,
      amount: amount.toString(),
      quantity: r.quantity,
      unitPrice: r.unit_cost,
      description: r.title,
    });
  }
  const usage = await sql<{
    entitlement_id: string;
    currency: string;
    cost: string;
    name: string | null;
    invoices: string | null;
  }>`
    SELECT d.entitlement_id, d.cost_currency AS currency, sum(d.cost)::text AS cost, min(us.description) AS name,
      string_agg(DISTINCT nullif(cd.invoice_number, ''), ',') AS invoices
    FROM usage_daily d
    LEFT JOIN usage_subscriptions us ON us.entitlement_id = d.entitlement_id
    LEFT JOIN usage_customer_days cd ON cd.customer_id = d.customer_id AND cd.usage_date = d.usage_date
      AND cd.billing_currency = d.billing_currency AND cd.kind = 'billed'
    WHERE d.seller_id = ${providerId} AND d.usage_date >= ${from}::date AND d.usage_date < ${to}::date
    GROUP BY d.entitlement_id, d.cost_currency`.execute(db);
  for (const r of usage.rows) {
    items.push({
      kind: 'usage',
      key: r.entitlement_id,
      currency: r.currency.trim(),
      amount: r.cost,
      quantity: null,
      unitPrice: null,
      description: r.name ? `Azure: ${r.name}` : `Azure subscription ${r.entitlement_id}`,
      ...(r.invoices ? { invoiceNumbers: r.invoices.split(',') } : {}),
    });
  }
  return items;
}

/** Microsoft's invoices of the month and their licence and usage lines, through the client. */
export async function microsoftCosts(
  client: PartnerCenterClient,
  period: string,
): Promise<{ invoices: ReconciliationReport['invoices']; items: CostItem[] }> {
  const invoices: ReconciliationReport['invoices'] = [];
  const items: CostItem[] = [];
  for await (const invoice of client.billing.listInvoices()) {
    if (!invoice.billingPeriodStartDate?.startsWith(period)) continue;
    if (invoice.documentType && invoice.documentType !== 'invoice') continue;
    invoices.push({
      id: invoice.id,
      currency: invoice.currencyCode ?? null,
      totalCharges: invoice.totalCharges ?? null,
    });
    for await (const line of client.billing.oneTimeLineItems(invoice.id)) {
      if (!line.subscriptionId) continue;
      const currency = line.currency ?? invoice.currencyCode ?? 'USD';
      items.push({
        kind: 'license',
        key: line.subscriptionId,
        currency,
        amount: dec(line.subtotal),
        quantity: line.quantity ?? null,
        unitPrice: line.effectiveUnitPrice ?? line.unitPrice ?? null,
        description: [line.productName, line.skuName].filter(Boolean).join(' ') || line.subscriptionId,
      });
    }
    if (!invoice.currencyCode) continue;
    for await (const u of client.billing.dailyRatedUsageLineItems(invoice.id, {
      currencyCode: invoice.currencyCode,
      period: 'current',
    })) {
      const key = u.entitlementId ?? u.subscriptionId;
      if (!key) continue;
      items.push({
        kind: 'usage',
        key,
        currency: u.billingCurrency ?? invoice.currencyCode,
        amount: dec(u.billingPreTaxTotal),
        quantity: null,
        unitPrice: null,
      });
    }
  }
  return { invoices, items };
}

/**
 * Microsoft's lines from a reconciliation CSV (header row; licence rows have `SubscriptionId` and
 * `Subtotal`, usage rows `EntitlementId` and `BillingPreTaxTotal`; column names are matched without
 * case). Rows of other months (by `ChargeStartDate` / `UsageDate` when present) are left out.
 */
export async function csvCosts(
  text: string,
  period: string,
): Promise<{ items: CostItem[]; invoices: string[] }> {
  const records: string[][] = [];
  for await (const r of csvRecords(
    (async function* () {
      yield text.replace(/^\uFEFF/, '');
    })(),
  )) {
    if (!(r.length === 1 && r[0] === '')) records.push(r);
  }
  const [header, ...rows] = records;
  if (!header || rows.length === 0)
    throw reconciliationErrors.invalidCsv('The CSV has no header or no rows.');
  const col = new Map(header.map((h, i) => [h.trim().toLowerCase(), i]));
  const get = (row: string[], name: string) => {
    const i = col.get(name.toLowerCase());
    return i === undefined ? undefined : (row[i] ?? '').trim();
  };
  const decimalOk = (v: string | undefined) => v === undefined || v === '' || /^-?\d+(\.\d+)?$/.test(v);
  const items: CostItem[] = [];
  const invoices = new Set<string>();
  rows.forEach((row, index) => {
    const line = index + 2;
    const entitlement = get(row, 'EntitlementId');
    const usageTotal = get(row, 'BillingPreTaxTotal');
    const subscription = get(row, 'SubscriptionId');
    const subtotal = get(row, 'Subtotal');
    const date = get(row, 'UsageDate') || get(row, 'ChargeStartDate');
    if (date && /^\d{4}-\d{2}/.test(date) && !date.startsWith(period)) return;
    const invoice = get(row, 'InvoiceNumber');
    if (invoice) invoices.add(invoice);
    if (entitlement && usageTotal !== undefined) {
      if (!decimalOk(usageTotal))
        throw reconciliationErrors.invalidCsv(`Line ${line}: BillingPreTaxTotal is not a decimal.`);
      const currency = get(row, 'BillingCurrency') || get(row, 'Currency');
      if (!currency) throw reconciliationErrors.invalidCsv(`Line ${line}: no BillingCurrency.`);
      items.push({
        kind: 'usage',
        key: entitlement,
        currency,
        amount: dec(usageTotal),
        quantity: null,
        unitPrice: null,
      });
      return;
    }
    if (subscription && subtotal !== undefined) {
      const quantity = get(row, 'Quantity');
      const unitPrice = get(row, 'EffectiveUnitPrice') || get(row, 'UnitPrice');
      if (!decimalOk(subtotal) || !decimalOk(quantity) || !decimalOk(unitPrice))
        throw reconciliationErrors.invalidCsv(
          `Line ${line}: Subtotal, Quantity and UnitPrice must be decimals.`,
        );
      const currency = get(row, 'Currency') || get(row, 'BillingCurrency');
      if (!currency) throw reconciliationErrors.invalidCsv(`Line ${line}: no Currency.`);
      items.push({
        kind: 'license',
        key: subscription,
        currency,
        amount: dec(subtotal),
        quantity: quantity || null,
        unitPrice: unitPrice || null,
        description: [get(row, 'ProductName'), get(row, 'SkuName')].filter(Boolean).join(' ') || subscription,
      });
      return;
    }
    throw reconciliationErrors.invalidCsv(
      `Line ${line}: neither a licence line (SubscriptionId, Subtotal) nor a usage line (EntitlementId, BillingPreTaxTotal).`,
    );
  });
  return { items, invoices: [...invoices] };
}

function summarise(items: ReconciliationItem[]): ReconciliationReport['summary'] {
  const by = new Map<string, ReconciliationReport['summary'][number]>();
  for (const item of items) {
    const c = item.currency;
    const s = by.get(c) ?? {
      currency: c,
      matched: 0,
      differences: 0,
      ours: '0',
      microsoft: '0',
      difference: '0',
    };
    if (item.status === 'matched') s.matched += 1;
    else s.differences += 1;
    s.ours = addDec(s.ours, item.ours?.amount, c);
    s.microsoft = addDec(s.microsoft, item.microsoft?.amount, c);
    s.difference = Money.of(s.microsoft, c).minus(Money.of(s.ours, c)).toString();
    by.set(c, s);
  }
  return [...by.values()].sort((x, y) => x.currency.localeCompare(y.currency));
}

async function providerOf(db: Kysely<Database>, scope: Scope, period: string): Promise<string> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) throw billingErrors.invalidPeriod(period);
  if (scope.organizationKind !== 'provider') throw reconciliationErrors.providerOnly();
  const org = await db
    .selectFrom('organizations')
    .select(['id', 'kind'])
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();
  if (org.kind !== 'provider') throw reconciliationErrors.providerOnly();
  return org.id;
}

/** The report against Partner Center (the provider's connection, or the emulator). */
export async function reconcileWithPartnerCenter(
  db: Kysely<Database>,
  scope: Scope,
  period: string,
  clientFor: (providerId: string) => Promise<PartnerCenterClient>,
): Promise<ReconciliationReport> {
  const providerId = await providerOf(db, scope, period);
  const ms = await microsoftCosts(await clientFor(providerId), period);
  const ours = await recordedCosts(db, providerId, period);
  const items = matchCosts(ours, ms.items);
  const warnings = explainUnknownInvoices(
    items,
    ours,
    ms.invoices.map((i) => i.id),
    period,
  );
  return {
    providerId,
    period,
    source: 'partner_center',
    invoices: ms.invoices,
    items,
    warnings,
    summary: summarise(items),
  };
}

/** The report against an uploaded reconciliation CSV. */
export async function reconcileWithCsv(
  db: Kysely<Database>,
  scope: Scope,
  period: string,
  csv: string,
): Promise<ReconciliationReport> {
  const providerId = await providerOf(db, scope, period);
  const ms = await csvCosts(csv, period);
  const ours = await recordedCosts(db, providerId, period);
  const items = matchCosts(ours, ms.items);
  // a file without invoice numbers says nothing about which invoices exist
  const warnings = ms.invoices.length > 0 ? explainUnknownInvoices(items, ours, ms.invoices, period) : [];
  return {
    providerId,
    period,
    source: 'csv',
    invoices: ms.invoices.map((id) => ({ id, currency: null, totalCharges: null })),
    items,
    warnings,
    summary: summarise(items),
  };
}
