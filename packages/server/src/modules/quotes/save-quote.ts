import { randomUUID } from 'node:crypto';
import { InvalidDateError, parsePlainDate } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database, Locale } from '../../db/schema.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { isInSubtree, lineageOf, todayIn } from '../catalog/lineage.ts';
import { priceLine } from '../orders/line-pricing.ts';
import { insertOrganization } from '../organizations/organizations.repository.ts';
import { findQuote, type QuoteView, quoteRowForUpdate } from './quotes.repository.ts';
import type { Prospect, QuoteItemKind } from './quotes.tables.ts';

/**
 * Creates and edits quotes. Every line is priced with the price books (the same function as
 * GET /api/v1/price-quotes, with its explanation) for the customer on the line's start date. A
 * prospect that does not exist yet is priced as a direct customer of the seller: the prices are
 * computed for a customer created in a transaction that is rolled back.
 */

export interface QuoteLineInput {
  sku?: string | undefined;
  ownProductId?: string | undefined;
  azurePlan?: boolean | undefined;
  quantity: number;
  term?: string | undefined;
  billingCycle?: string | undefined;
  startDate?: string | undefined;
}

export interface QuoteInput {
  customerId?: string | undefined;
  prospect?: Prospect | undefined;
  validUntil?: string | undefined;
  locale?: Locale | undefined;
  title?: string | undefined;
  notes?: string | undefined;
  lines: QuoteLineInput[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLLBACK = Symbol('rollback');

function day(value: string, field: string): string {
  try {
    return parsePlainDate(value).toString();
  } catch (error) {
    if (error instanceof InvalidDateError) throw badRequest('invalid_date', `${field}: use YYYY-MM-DD.`);
    throw error;
  }
}

interface PricedLine {
  item_kind: QuoteItemKind;
  sku: string | null;
  own_product_id: string | null;
  catalog_item_id: string | null;
  title: string;
  quantity: number;
  term: string;
  billing_cycle: string;
  start_date: string | null;
  unit_price: string;
  currency: string;
  total_per_cycle: string;
  periods_per_term: number | null;
  total_per_term: string | null;
  explanation: string;
  tiers: string;
}

async function priceLines(
  db: Kysely<Database>,
  providerId: string,
  customerId: string,
  currency: string,
  lines: readonly QuoteLineInput[],
  today: string,
  now: Date,
): Promise<PricedLine[]> {
  const out: PricedLine[] = [];
  for (const [index, line] of lines.entries()) {
    if (!Number.isSafeInteger(line.quantity) || line.quantity < 1) {
      throw badRequest('invalid_quantity', `lines[${index}].quantity: a whole number of at least 1.`);
    }
    const startDate = line.startDate ? day(line.startDate, `lines[${index}].startDate`) : null;
    if (line.azurePlan) {
      out.push({
        item_kind: 'azure_plan',
        sku: null,
        own_product_id: null,
        catalog_item_id: null,
        title: 'Azure plan',
        quantity: 1,
        term: 'none',
        billing_cycle: 'usage',
        start_date: startDate,
        unit_price: '0',
        currency,
        total_per_cycle: '0',
        periods_per_term: null,
        total_per_term: null,
        explanation: JSON.stringify({
          summary: 'Azure consumption is billed monthly in arrears, by usage, at the price book’s rates.',
          steps: [],
          notes: [],
        }),
        tiers: '[]',
      });
      continue;
    }
    const sku = line.ownProductId ?? line.sku;
    if (!sku) throw badRequest('item_required', `lines[${index}]: give sku, ownProductId or azurePlan.`);
    if (line.ownProductId && !UUID.test(line.ownProductId)) throw notFound('own product');
    const price = await priceLine(
      db,
      {
        providerId,
        customerId,
        sku,
        quantity: line.quantity,
        term: line.term as CatalogTerm | undefined,
        billingCycle: line.billingCycle as CatalogBillingCycle | undefined,
        date: startDate && startDate > today ? startDate : today,
      },
      now,
    );
    const q = price.quote;
    out.push({
      item_kind: q.item.kind === 'own_product' ? 'own_product' : 'license',
      sku: q.item.productId ? `${q.item.productId}:${q.item.skuId}` : null,
      own_product_id: q.item.ownProductId,
      catalog_item_id: q.item.catalogItemId,
      title: q.item.title,
      quantity: line.quantity,
      term: q.item.term ?? 'none',
      billing_cycle: q.item.billingCycle ?? 'usage',
      start_date: startDate,
      unit_price: q.unitPrice,
      currency: q.currency,
      total_per_cycle: q.totalPerBillingCycle,
      periods_per_term: q.billingPeriodsPerTerm,
      total_per_term: q.totalPerTerm,
      explanation: JSON.stringify(q.explanation),
      tiers: JSON.stringify(price.tiers),
    });
  }
  return out;
}

interface Parties {
  sellerId: string;
  providerId: string;
  customerId: string | null;
  prospect: Prospect | null;
  currency: string;
  locale: Locale;
  timeZone: string;
  country: string;
}

async function partiesOf(db: Kysely<Database>, scope: Scope, input: QuoteInput): Promise<Parties> {
  if ((input.customerId ? 1 : 0) + (input.prospect ? 1 : 0) !== 1) {
    throw badRequest(
      'customer_required',
      'Name the customer (customerId) or describe the prospect (prospect).',
    );
  }
  if (input.customerId) {
    if (!UUID.test(input.customerId) || !(await isInSubtree(db, scope, input.customerId)))
      throw notFound('customer');
    const lineage = await lineageOf(db, input.customerId);
    const customer = lineage.at(-1)!;
    const seller = lineage.at(-2);
    if (customer.kind !== 'customer' || !seller)
      throw badRequest('invalid_customer', 'Quotes are made for customers.');
    if (seller.id !== scope.organizationId) {
      throw forbidden(`${customer.name} buys from ${seller.name}; only ${seller.name} quotes for it.`);
    }
    const org = await db
      .selectFrom('organizations')
      .select('locale')
      .where('id', '=', customer.id)
      .executeTakeFirstOrThrow();
    return {
      sellerId: seller.id,
      providerId: lineage[0]!.id,
      customerId: customer.id,
      prospect: null,
      currency: customer.currency,
      locale: org.locale,
      timeZone: customer.timeZone,
      country: customer.country,
    };
  }
  if (scope.organizationKind === 'customer') throw forbidden('Customers do not make quotes.');
  const lineage = await lineageOf(db, scope.organizationId);
  const seller = lineage.at(-1)!;
  const p = input.prospect!;
  const prospect: Prospect = {
    companyName: p.companyName.trim(),
    country: (p.country ?? seller.country).toUpperCase(),
    currency: (p.currency ?? seller.currency).toUpperCase(),
    ...(p.email ? { email: p.email } : {}),
    ...(p.contactName ? { contactName: p.contactName } : {}),
    ...(p.domainPrefix ? { domainPrefix: p.domainPrefix.toLowerCase() } : {}),
  };
  if (!prospect.companyName) throw badRequest('validation_failed', 'prospect.companyName is required.');
  const sellerOrg = await db
    .selectFrom('organizations')
    .select('locale')
    .where('id', '=', seller.id)
    .executeTakeFirstOrThrow();
  return {
    sellerId: seller.id,
    providerId: lineage[0]!.id,
    customerId: null,
    prospect,
    currency: prospect.currency,
    locale: sellerOrg.locale,
    timeZone: seller.timeZone,
    country: prospect.country,
  };
}

/** Prices for a prospect: as a customer of the seller, created and rolled back. */
async function pricedFor(
  db: Kysely<Database>,
  parties: Parties,
  lines: readonly QuoteLineInput[],
  today: string,
  now: Date,
): Promise<PricedLine[]> {
  if (parties.customerId) {
    return priceLines(db, parties.providerId, parties.customerId, parties.currency, lines, today, now);
  }
  let priced: PricedLine[] = [];
  try {
    await db.transaction().execute(async (trx) => {
      const id = await insertOrganization(trx, {
        parent_id: parties.sellerId,
        kind: 'customer',
        name: parties.prospect!.companyName.slice(0, 200),
        country: parties.country,
        currency: parties.currency,
        time_zone: parties.timeZone,
        locale: parties.locale,
        tenant_id: null,
        domains: [],
        branding: '{}',
      });
      priced = await priceLines(trx, parties.providerId, id, parties.currency, lines, today, now);
      throw ROLLBACK;
    });
  } catch (error) {
    if (error !== ROLLBACK) throw error;
  }
  return priced;
}

function quoteNumber(id: string, now: Date): string {
  return `Q-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${id.slice(0, 8).toUpperCase()}`;
}

export async function createQuote(
  db: Kysely<Database>,
  scope: Scope,
  input: QuoteInput,
  now: Date,
): Promise<QuoteView> {
  requirePermission(scope, 'quotes:write');
  if (input.lines.length === 0 || input.lines.length > 50) {
    throw badRequest('validation_failed', 'A quote has 1 to 50 lines.');
  }
  const parties = await partiesOf(db, scope, input);
  const today = todayIn(now, parties.timeZone).toString();
  const validUntil = input.validUntil
    ? day(input.validUntil, 'validUntil')
    : parsePlainDate(today).add({ days: 30 }).toString();
  if (validUntil < today) throw badRequest('invalid_date', 'validUntil: today or later.');
  const priced = await pricedFor(db, parties, input.lines, today, now);
  const id = randomUUID();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('quotes')
      .values({
        id,
        number: quoteNumber(id, now),
        seller_id: parties.sellerId,
        customer_id: parties.customerId,
        prospect: parties.prospect ? JSON.stringify(parties.prospect) : null,
        currency: parties.currency,
        locale: input.locale ?? parties.locale,
        valid_until: validUntil,
        title: input.title ?? '',
        notes: input.notes ?? '',
        created_by: scope.actor.label,
      })
      .execute();
    await trx
      .insertInto('quote_lines')
      .values(priced.map((l, position) => ({ ...l, quote_id: id, position })))
      .execute();
    await recordAudit(trx, scope, {
      organizationId: parties.sellerId,
      action: 'create',
      entityType: 'quote',
      entityId: id,
      after: {
        customerId: parties.customerId,
        prospect: parties.prospect?.companyName ?? null,
        lines: priced.length,
      },
    });
  });
  return (await findQuote(db, scope, id, today))!;
}

export interface QuoteUpdate {
  validUntil?: string | undefined;
  locale?: Locale | undefined;
  title?: string | undefined;
  notes?: string | undefined;
  lines?: QuoteLineInput[] | undefined;
}

/** Edits a draft (a sent quote is re-opened as a draft: its prices are quoted again). */
export async function updateQuote(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  input: QuoteUpdate,
  now: Date,
): Promise<QuoteView> {
  requirePermission(scope, 'quotes:write');
  const existing = await findQuote(db, scope, id, now.toISOString().slice(0, 10));
  if (!existing) throw notFound('quote');
  if (existing.sellerId !== scope.organizationId) {
    throw forbidden(
      `This quote belongs to ${existing.sellerName}; only ${existing.sellerName} can change it.`,
    );
  }
  if (!['draft', 'sent'].includes(existing.status)) {
    throw badRequest(
      'quote_not_editable',
      `A quote that is ${existing.status} cannot be changed; make a new one.`,
    );
  }
  const row = (await db.selectFrom('quotes').selectAll().where('id', '=', id).executeTakeFirst())!;
  const lineage = await lineageOf(db, row.seller_id);
  const parties: Parties = {
    sellerId: row.seller_id,
    providerId: lineage[0]!.id,
    customerId: row.customer_id,
    prospect: row.prospect,
    currency: row.currency.trim(),
    locale: row.locale,
    timeZone: lineage.at(-1)!.timeZone,
    country: row.prospect?.country ?? lineage.at(-1)!.country,
  };
  const today = todayIn(now, parties.timeZone).toString();
  const priced = input.lines ? await pricedFor(db, parties, input.lines, today, now) : null;
  await db.transaction().execute(async (trx) => {
    const current = await quoteRowForUpdate(trx, id);
    if (!current) throw notFound('quote');
    await trx
      .updateTable('quotes')
      .set({
        ...(input.validUntil ? { valid_until: day(input.validUntil, 'validUntil') } : {}),
        ...(input.locale ? { locale: input.locale } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        status: 'draft',
        version: current.version + 1,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    if (priced) {
      await trx.deleteFrom('quote_lines').where('quote_id', '=', id).execute();
      await trx
        .insertInto('quote_lines')
        .values(priced.map((l, position) => ({ ...l, quote_id: id, position })))
        .execute();
    }
    await recordAudit(trx, scope, {
      organizationId: row.seller_id,
      action: 'update',
      entityType: 'quote',
      entityId: id,
      before: { status: existing.status, lines: existing.lines.length },
      after: { status: 'draft', lines: priced?.length ?? existing.lines.length },
    });
  });
  return (await findQuote(db, scope, id, today))!;
}
