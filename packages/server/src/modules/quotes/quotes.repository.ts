import { type Kysely, type Selectable, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database, Locale } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import type { StoredPriceTier } from '../orders/orders.tables.ts';
import { type QuoteTotals, quoteTotals } from './quote-totals.ts';
import type { Prospect, QuoteLinesTable, QuoteStatus, QuotesTable } from './quotes.tables.ts';

/**
 * Quotes as their seller (and every organisation above it) and, once sent, their customer see
 * them. Only the seller edits, sends and accepts them.
 */

export type QuoteRow = Selectable<QuotesTable>;
export type QuoteLineRow = Selectable<QuoteLinesTable>;

export interface QuoteLineView {
  id: string;
  position: number;
  itemKind: string;
  sku: string | null;
  ownProductId: string | null;
  catalogItemId: string | null;
  title: string;
  quantity: number;
  term: string;
  billingCycle: string;
  startDate: string | null;
  unitPrice: string;
  currency: string;
  totalPerCycle: string;
  periodsPerTerm: number | null;
  totalPerTerm: string | null;
  explanation: unknown;
  /** The seller's own tiers (cost and sale); empty for the customer. */
  priceTiers: StoredPriceTier[];
}

export interface QuoteView {
  id: string;
  number: string;
  sellerId: string;
  sellerName: string;
  customerId: string | null;
  customerName: string;
  prospect: Prospect | null;
  status: QuoteStatus;
  currency: string;
  locale: Locale;
  validUntil: string;
  title: string;
  notes: string;
  orderId: string | null;
  shared: boolean;
  lines: QuoteLineView[];
  totals: QuoteTotals;
  createdBy: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
  acceptedAt: string | null;
}

type ListRow = QuoteRow & {
  seller_name: string;
  seller_country: string;
  customer_name: string | null;
  customer_country: string | null;
};

function baseQuery(db: Kysely<Database>) {
  return db
    .selectFrom('quotes as q')
    .innerJoin('organizations as s', 's.id', 'q.seller_id')
    .leftJoin('organizations as c', 'c.id', 'q.customer_id')
    .selectAll('q')
    .select([
      's.name as seller_name',
      's.country as seller_country',
      'c.name as customer_name',
      'c.country as customer_country',
    ]);
}

function visibleTo(db: Kysely<Database>, scope: Scope) {
  return baseQuery(db).where((eb) =>
    eb.or([
      eb('q.seller_id', 'in', visibleOrganizationIds(db, scope)),
      eb.and([eb('q.customer_id', 'in', visibleOrganizationIds(db, scope)), eb('q.status', '!=', 'draft')]),
    ]),
  );
}

/** Draft and sent quotes past their validity read as expired (the hourly job persists it). */
export function effectiveStatus(row: Pick<QuoteRow, 'status' | 'valid_until'>, today: string): QuoteStatus {
  if ((row.status === 'draft' || row.status === 'sent') && row.valid_until < today) return 'expired';
  return row.status;
}

export interface QuoteViewOptions {
  /** Tiers sold by these organisations are shown (the caller's subtree); none for public views. */
  visible: ReadonlySet<string>;
  today: string;
}

export function toQuoteView(
  row: ListRow,
  lines: readonly QuoteLineRow[],
  options: QuoteViewOptions,
): QuoteView {
  const currency = row.currency.trim();
  return {
    id: row.id,
    number: row.number,
    sellerId: row.seller_id,
    sellerName: row.seller_name,
    customerId: row.customer_id,
    customerName: row.customer_name ?? row.prospect?.companyName ?? '',
    prospect: row.prospect,
    status: effectiveStatus(row, options.today),
    currency,
    locale: row.locale,
    validUntil: row.valid_until,
    title: row.title,
    notes: row.notes,
    orderId: row.order_id,
    shared: row.share_token_hash !== null,
    lines: lines.map((l) => ({
      id: l.id,
      position: l.position,
      itemKind: l.item_kind,
      sku: l.sku,
      ownProductId: l.own_product_id,
      catalogItemId: l.catalog_item_id,
      title: l.title,
      quantity: l.quantity,
      term: l.term,
      billingCycle: l.billing_cycle,
      startDate: l.start_date,
      unitPrice: l.unit_price,
      currency: l.currency.trim(),
      totalPerCycle: l.total_per_cycle,
      periodsPerTerm: l.periods_per_term,
      totalPerTerm: l.total_per_term,
      explanation: l.explanation,
      priceTiers: l.tiers.filter((t) => options.visible.has(t.sellerId)),
    })),
    totals: quoteTotals(
      lines.map((l) => ({
        billingCycle: l.billing_cycle,
        totalPerCycle: l.total_per_cycle,
        totalPerTerm: l.total_per_term,
        currency: l.currency.trim(),
      })),
      currency,
      {
        seller: row.seller_country.trim(),
        buyer: (row.customer_country ?? row.prospect?.country ?? row.seller_country).trim(),
      },
    ),
    createdBy: row.created_by,
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    sentAt: row.sent_at?.toISOString() ?? null,
    acceptedAt: row.accepted_at?.toISOString() ?? null,
  };
}

async function linesOf(db: Kysely<Database>, ids: readonly string[]): Promise<Map<string, QuoteLineRow[]>> {
  const map = new Map<string, QuoteLineRow[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('quote_lines')
    .selectAll()
    .where('quote_id', 'in', [...ids])
    .orderBy('quote_id')
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = map.get(r.quote_id) ?? [];
    list.push(r);
    map.set(r.quote_id, list);
  }
  return map;
}

async function visibleSet(db: Kysely<Database>, scope: Scope): Promise<Set<string>> {
  return new Set((await visibleOrganizationIds(db, scope).execute()).map((r) => r.descendant_id));
}

export async function listQuotes(
  db: Kysely<Database>,
  scope: Scope,
  filter: {
    limit: number;
    cursor?: string | undefined;
    status?: QuoteStatus | undefined;
    customerId?: string | undefined;
  },
  today: string,
): Promise<Page<QuoteView>> {
  let query = visibleTo(db, scope)
    .orderBy('q.created_at', 'desc')
    .orderBy('q.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.status) query = query.where('q.status', '=', filter.status);
  if (filter.customerId) query = query.where('q.customer_id', '=', filter.customerId);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(q.created_at, q.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const lines = await linesOf(
    db,
    page.map((r) => r.id),
  );
  const visible = await visibleSet(db, scope);
  const last = page.at(-1);
  return {
    items: page.map((r) => toQuoteView(r, lines.get(r.id) ?? [], { visible, today })),
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}

export async function findQuote(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  today: string,
): Promise<QuoteView | undefined> {
  const row = await visibleTo(db, scope).where('q.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const lines = await linesOf(db, [id]);
  return toQuoteView(row, lines.get(id) ?? [], { visible: await visibleSet(db, scope), today });
}

/** The read-only view behind a share link: no tiers, no costs. */
export async function findSharedQuote(
  db: Kysely<Database>,
  tokenHash: string,
  today: string,
): Promise<QuoteView | undefined> {
  const row = await baseQuery(db)
    .where('q.share_token_hash', '=', tokenHash)
    .where('q.status', '!=', 'cancelled')
    .executeTakeFirst();
  if (!row) return undefined;
  const lines = await linesOf(db, [row.id]);
  return toQuoteView(row, lines.get(row.id) ?? [], { visible: new Set(), today });
}

export async function quoteRowForUpdate(db: Kysely<Database>, id: string) {
  return db.selectFrom('quotes').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}
