import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { findOrganization } from '../organizations/organizations.repository.ts';

/**
 * Journals for ERP and accounting systems, per seller and calendar month. Each has a fixed column
 * spec (the same for CSV and JSON, documented in docs/api.md); amounts are exact decimal strings
 * in the row's currency, unrounded, exactly as recorded.
 */
export interface JournalColumn {
  name: string;
  type: 'string' | 'date' | 'decimal' | 'integer' | 'uuid';
  description: string;
}

export type JournalRow = Record<string, string | number | null>;

export interface Journal {
  journal: 'sales' | 'purchase';
  organizationId: string;
  period: string;
  columns: JournalColumn[];
  items: JournalRow[];
  /** false while the records this journal is made of do not exist yet in this installation. */
  available: boolean;
  note: string | null;
}

/** Issued invoices and credit notes, one row per document and tax rate (Japan: per-rate totals). */
export const SALES_JOURNAL_COLUMNS: JournalColumn[] = [
  { name: 'period', type: 'string', description: 'Billing period, YYYY-MM' },
  { name: 'document_type', type: 'string', description: '`invoice` or `credit_note`' },
  { name: 'document_number', type: 'string', description: 'Gapless number per issuer' },
  { name: 'document_id', type: 'uuid', description: 'The document in the API (/api/v1/invoices/{id})' },
  { name: 'issue_date', type: 'date', description: 'YYYY-MM-DD' },
  { name: 'due_date', type: 'date', description: 'YYYY-MM-DD; empty for credit notes' },
  { name: 'issuer_id', type: 'uuid', description: 'The selling organisation' },
  { name: 'issuer_registration_number', type: 'string', description: 'e.g. the Japanese T-number' },
  { name: 'customer_id', type: 'uuid', description: 'The buyer (a customer or a reseller)' },
  { name: 'customer_name', type: 'string', description: 'The buyer’s name at issue' },
  { name: 'currency', type: 'string', description: 'ISO 4217' },
  { name: 'tax_rate', type: 'decimal', description: 'Percent, e.g. `10`; `0` for exempt or reverse charge' },
  { name: 'tax_category', type: 'string', description: '`standard`, `reduced`, `exempt`, `reverse_charge`' },
  { name: 'net_amount', type: 'decimal', description: 'Sum of the lines at this rate, before tax' },
  {
    name: 'tax_amount',
    type: 'decimal',
    description: 'Tax at this rate (computed once per document and rate)',
  },
  { name: 'gross_amount', type: 'decimal', description: 'net_amount + tax_amount' },
  { name: 'credited_document_number', type: 'string', description: 'Credit notes: the invoice corrected' },
];

/** What the seller bought for resale: Azure consumption per customer, subscription and meter category. */
export const PURCHASE_JOURNAL_COLUMNS: JournalColumn[] = [
  { name: 'period', type: 'string', description: 'Usage month, YYYY-MM' },
  { name: 'supplier', type: 'string', description: '`Microsoft` for the provider, else the seller above' },
  { name: 'supplier_id', type: 'uuid', description: 'The seller above; empty for Microsoft' },
  { name: 'customer_id', type: 'uuid', description: 'The end customer the usage is for' },
  { name: 'customer_name', type: 'string', description: 'The end customer’s name' },
  { name: 'azure_subscription_id', type: 'string', description: 'Azure subscription (entitlement) id' },
  { name: 'azure_subscription_name', type: 'string', description: 'Its name as Microsoft reports it' },
  { name: 'meter_category', type: 'string', description: 'Azure meter category, e.g. Virtual Machines' },
  {
    name: 'usage_status',
    type: 'string',
    description: '`billed` (on a Microsoft invoice) or `unbilled` (may still change)',
  },
  {
    name: 'microsoft_invoice_number',
    type: 'string',
    description: 'Microsoft’s invoice for billed usage (provider only)',
  },
  { name: 'first_usage_date', type: 'date', description: 'YYYY-MM-DD' },
  { name: 'last_usage_date', type: 'date', description: 'YYYY-MM-DD' },
  { name: 'line_count', type: 'integer', description: 'Daily rated usage lines aggregated in the row' },
  { name: 'currency', type: 'string', description: 'The currency the supplier charges, ISO 4217' },
  { name: 'amount', type: 'decimal', description: 'Cost before tax, exact (PEC included for Microsoft)' },
];

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` → its first day and the first day of the next month. */
export function periodBounds(period: string): { start: string; end: string } {
  const match = PERIOD.exec(period);
  if (!match) throw badRequest('invalid_period', 'The period must be a month as YYYY-MM, e.g. 2026-03.');
  const year = Number(match[1]);
  const month = Number(match[2]);
  const next = month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
  return { start: `${period}-01`, end: `${next}-01` };
}

/** A seller in the caller's subtree (journals are a seller's books; customers have none). */
async function sellerOf(db: Kysely<Database>, scope: Scope, organizationId: string | undefined) {
  requirePermission(scope, 'exports:read');
  const org = await findOrganization(db, scope, organizationId ?? scope.organizationId);
  if (!org) throw notFound('organization');
  if (org.kind === 'customer') {
    throw badRequest('not_a_seller', 'Journals are kept by providers and resellers, not customers.');
  }
  return org;
}

/**
 * The sales journal from the billing engine (#7): the seller's issued invoices of the billing
 * period (paid ones included, void ones not) and its credit notes issued in the month, one row per
 * document and tax rate, with the per-rate net and tax exactly as the documents state them.
 */
export async function salesJournal(
  db: Kysely<Database>,
  scope: Scope,
  input: { period: string; organizationId?: string | undefined },
): Promise<Journal> {
  const { start, end } = periodBounds(input.period);
  const org = await sellerOf(db, scope, input.organizationId);
  const registration = await db
    .selectFrom('billing_profiles')
    .select('registration_number')
    .where('organization_id', '=', org.id)
    .executeTakeFirst();
  const invoices = await db
    .selectFrom('invoices as i')
    .innerJoin('organizations as c', 'c.id', 'i.recipient_id')
    .select([
      'i.id',
      'i.number',
      'i.issue_date',
      'i.due_date',
      'i.recipient_id',
      'c.name',
      'i.currency',
      'i.tax_by_rate',
      'i.recipient_snapshot',
    ])
    .where('i.issuer_id', '=', org.id)
    .where('i.period', '=', start)
    .where('i.status', 'in', ['issued', 'paid'])
    .orderBy('i.number')
    .execute();
  const credits = await db
    .selectFrom('credit_notes as n')
    .innerJoin('invoices as i', 'i.id', 'n.invoice_id')
    .innerJoin('organizations as c', 'c.id', 'n.recipient_id')
    .select([
      'n.id',
      'n.number',
      'n.issue_date',
      'n.recipient_id',
      'c.name',
      'n.currency',
      'n.tax_by_rate',
      'i.number as invoice_number',
    ])
    .where('n.issuer_id', '=', org.id)
    .where('n.issue_date', '>=', start)
    .where('n.issue_date', '<', end)
    .orderBy('n.number')
    .execute();
  const items: JournalRow[] = [];
  const category = (r: { treatment: string; rate: string | null }) =>
    r.treatment === 'taxable' ? (r.rate ?? 'standard') : r.treatment;
  for (const i of invoices) {
    const name = (i.recipient_snapshot as { name?: string }).name ?? i.name;
    for (const r of i.tax_by_rate) {
      items.push({
        period: input.period,
        document_type: 'invoice',
        document_number: i.number,
        document_id: i.id,
        issue_date: i.issue_date,
        due_date: i.due_date,
        issuer_id: org.id,
        issuer_registration_number: registration?.registration_number ?? null,
        customer_id: i.recipient_id,
        customer_name: name,
        currency: i.currency.trim(),
        tax_rate: r.percent,
        tax_category: category(r),
        net_amount: r.net,
        tax_amount: r.tax,
        gross_amount: r.gross,
        credited_document_number: null,
      });
    }
  }
  for (const n of credits) {
    for (const r of n.tax_by_rate) {
      items.push({
        period: input.period,
        document_type: 'credit_note',
        document_number: n.number,
        document_id: n.id,
        issue_date: n.issue_date,
        due_date: null,
        issuer_id: org.id,
        issuer_registration_number: registration?.registration_number ?? null,
        customer_id: n.recipient_id,
        customer_name: n.name,
        currency: n.currency.trim(),
        tax_rate: r.percent,
        tax_category: category(r),
        // a credit note lowers sales: its amounts enter the journal negated
        net_amount: negate(r.net),
        tax_amount: negate(r.tax),
        gross_amount: negate(r.gross),
        credited_document_number: n.invoice_number,
      });
    }
  }
  return {
    journal: 'sales',
    organizationId: org.id,
    period: input.period,
    columns: SALES_JOURNAL_COLUMNS,
    items,
    available: true,
    note: null,
  };
}

const negate = (amount: string) =>
  amount.startsWith('-') ? amount.slice(1) : amount === '0' ? '0' : `-${amount}`;

/**
 * The purchase journal from rated Azure usage: what the seller pays its supplier (Microsoft for
 * the provider, the seller above for a reseller) per end customer, Azure subscription, meter
 * category and billing state, summed exactly in SQL. License purchases join it with the billing
 * engine.
 */
export async function purchaseJournal(
  db: Kysely<Database>,
  scope: Scope,
  input: { period: string; organizationId?: string | undefined },
): Promise<Journal> {
  const { start, end } = periodBounds(input.period);
  const org = await sellerOf(db, scope, input.organizationId);
  const supplier = org.parentId
    ? await db
        .selectFrom('organizations')
        .select(['id', 'name'])
        .where('id', '=', org.parentId)
        .executeTakeFirst()
    : undefined;
  const rows = await db
    .selectFrom('usage_daily as d')
    .innerJoin('organizations as c', 'c.id', 'd.customer_id')
    .leftJoin('usage_subscriptions as us', 'us.entitlement_id', 'd.entitlement_id')
    .leftJoin('usage_customer_days as cd', (join) =>
      join
        .onRef('cd.customer_id', '=', 'd.customer_id')
        .onRef('cd.usage_date', '=', 'd.usage_date')
        .onRef('cd.billing_currency', '=', 'd.billing_currency'),
    )
    .select([
      'd.customer_id',
      'c.name as customer_name',
      'd.entitlement_id',
      sql<string>`coalesce(max(us.description), '')`.as('entitlement_description'),
      'd.meter_category',
      'd.cost_currency',
      sql<string>`coalesce(cd.kind, 'unbilled')`.as('usage_status'),
      sql<string>`coalesce(cd.invoice_number, '')`.as('invoice_number'),
      sql<string>`min(d.usage_date)::text`.as('first_usage_date'),
      sql<string>`max(d.usage_date)::text`.as('last_usage_date'),
      sql<string>`sum(d.line_count)::text`.as('line_count'),
      sql<string>`sum(d.cost)::text`.as('amount'),
    ])
    .where('d.seller_id', '=', org.id)
    .where('d.usage_date', '>=', start)
    .where('d.usage_date', '<', end)
    .groupBy([
      'd.customer_id',
      'c.name',
      'd.entitlement_id',
      'd.meter_category',
      'd.cost_currency',
      sql`coalesce(cd.kind, 'unbilled')`,
      sql`coalesce(cd.invoice_number, '')`,
    ])
    .orderBy('c.name')
    .orderBy('d.customer_id')
    .orderBy('d.entitlement_id')
    .orderBy('d.meter_category')
    .orderBy(sql`coalesce(cd.kind, 'unbilled')`)
    .execute();
  const fromMicrosoft = org.kind === 'provider';
  return {
    journal: 'purchase',
    organizationId: org.id,
    period: input.period,
    columns: PURCHASE_JOURNAL_COLUMNS,
    items: rows.map((r) => ({
      period: input.period,
      supplier: fromMicrosoft ? 'Microsoft' : (supplier?.name ?? ''),
      supplier_id: fromMicrosoft ? null : (supplier?.id ?? null),
      customer_id: r.customer_id,
      customer_name: r.customer_name,
      azure_subscription_id: r.entitlement_id,
      azure_subscription_name: r.entitlement_description,
      meter_category: r.meter_category,
      usage_status: r.usage_status,
      microsoft_invoice_number: fromMicrosoft && r.invoice_number ? r.invoice_number : null,
      first_usage_date: r.first_usage_date,
      last_usage_date: r.last_usage_date,
      line_count: Number(r.line_count),
      currency: r.cost_currency,
      amount: r.amount,
    })),
    available: true,
    note: 'Azure consumption only; license purchases are added with the billing engine.',
  };
}
