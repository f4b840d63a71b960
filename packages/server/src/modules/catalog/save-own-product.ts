import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { CatalogBillingCycle, CatalogTerm, OwnBillingModel } from './catalog.tables.ts';
import { DECIMAL } from './catalog-model.ts';
import { isInSubtree } from './lineage.ts';
import { findOwnProduct, type OwnProductView } from './own-products.repository.ts';

export interface OwnOfferInput {
  term: CatalogTerm;
  billingCycle: CatalogBillingCycle;
  unitPrice: string;
  /** What one unit costs the seller (0 when it has no direct cost): the base of markups and of the below-cost check. */
  cost: string;
}

export interface OwnProductInput {
  sellerId?: string | undefined;
  vendor?: string | undefined;
  name: string;
  description?: string | undefined;
  productFamily?: string | undefined;
  billingModel: OwnBillingModel;
  unit?: string | undefined;
  currency?: string | undefined;
  offers: OwnOfferInput[];
}

export type OwnProductPatch = Partial<Omit<OwnProductInput, 'sellerId'>>;

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Which terms and billing cycles each billing model allows. */
const ALLOWED: Record<OwnBillingModel, { terms: CatalogTerm[]; cycles: CatalogBillingCycle[] }> = {
  recurring: { terms: ['P1M', 'P1Y', 'P3Y'], cycles: ['monthly', 'annual', 'triennial'] },
  one_time: { terms: ['none'], cycles: ['one_time'] },
  usage: { terms: ['none'], cycles: ['usage'] },
};

function check(input: {
  billingModel: OwnBillingModel;
  currency?: string | undefined;
  offers: OwnOfferInput[];
}) {
  const problems: { field: string; message: string }[] = [];
  if (input.currency !== undefined && !CURRENCIES.has(input.currency)) {
    problems.push({ field: 'currency', message: 'Use a three-letter ISO 4217 currency code such as JPY.' });
  }
  if (input.offers.length === 0) problems.push({ field: 'offers', message: 'Give at least one price.' });
  const allowed = ALLOWED[input.billingModel];
  const seen = new Set<string>();
  input.offers.forEach((o, i) => {
    if (!allowed.terms.includes(o.term) || !allowed.cycles.includes(o.billingCycle)) {
      problems.push({
        field: `offers.${i}`,
        message: `A ${input.billingModel} product is sold on terms ${allowed.terms.join('/')} with billing ${allowed.cycles.join('/')}.`,
      });
    }
    const key = `${o.term}|${o.billingCycle}`;
    if (seen.has(key)) problems.push({ field: `offers.${i}`, message: 'Each term and billing cycle once.' });
    seen.add(key);
    if (!DECIMAL.test(o.unitPrice)) {
      problems.push({
        field: `offers.${i}.unitPrice`,
        message: 'A non-negative decimal string such as "5000".',
      });
    }
    if (!DECIMAL.test(o.cost)) {
      problems.push({ field: `offers.${i}.cost`, message: 'A non-negative decimal string such as "3000".' });
    }
  });
  if (problems.length > 0) {
    throw badRequest(
      'validation_failed',
      problems.map((p) => `${p.field}: ${p.message}`).join(' '),
      problems,
    );
  }
}

async function writeOffers(db: Kysely<Database>, productId: string, offers: OwnOfferInput[]) {
  await db.deleteFrom('own_product_offers').where('own_product_id', '=', productId).execute();
  await db
    .insertInto('own_product_offers')
    .values(
      offers.map((o) => ({
        own_product_id: productId,
        term: o.term,
        billing_cycle: o.billingCycle,
        unit_price: o.unitPrice,
        cost: o.cost,
      })),
    )
    .execute();
}

/** A provider or reseller adds a product of its own (support, security, setup, …) to its catalog. */
export async function createOwnProduct(
  db: Kysely<Database>,
  scope: Scope,
  input: OwnProductInput,
): Promise<OwnProductView> {
  requirePermission(scope, 'catalog:manage');
  check(input);
  return db.transaction().execute(async (trx) => {
    const sellerId = input.sellerId ?? scope.organizationId;
    if (!(await isInSubtree(trx, scope, sellerId))) throw notFound('seller');
    const seller = await trx
      .selectFrom('organizations')
      .select(['kind', 'name', 'currency'])
      .where('id', '=', sellerId)
      .executeTakeFirstOrThrow();
    if (seller.kind === 'customer') {
      throw badRequest('invalid_seller', 'Only providers and resellers sell products of their own.');
    }
    const { id } = await trx
      .insertInto('own_products')
      .values({
        seller_id: sellerId,
        vendor: input.vendor?.trim() || seller.name,
        name: input.name.trim(),
        description: input.description ?? '',
        product_family: input.productFamily?.trim() ?? '',
        billing_model: input.billingModel,
        unit: input.unit?.trim() || (input.billingModel === 'usage' ? 'unit' : 'licence'),
        currency: input.currency ?? seller.currency.trim(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeOffers(trx, id, input.offers);
    const created = (await findOwnProduct(trx, scope, id))!;
    await recordAudit(trx, scope, {
      organizationId: sellerId,
      action: 'create',
      entityType: 'own_product',
      entityId: id,
      after: created,
    });
    return created;
  });
}

/** Edits an own product the caller manages; `offers`, when given, replace the old ones. */
export async function updateOwnProduct(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  patch: OwnProductPatch,
  expectedVersion?: number,
): Promise<OwnProductView> {
  requirePermission(scope, 'catalog:manage');
  return db.transaction().execute(async (trx) => {
    const before = await findOwnProduct(trx, scope, id);
    if (!before) throw notFound('own product');
    if (!before.editable) throw new AppError('forbidden', 403, 'This product belongs to a seller above you.');
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError('version_conflict', 412, 'Someone else changed this product. Reload and try again.');
    }
    const billingModel = patch.billingModel ?? before.billingModel;
    const offers =
      patch.offers ??
      before.offers.map((o) => ({
        term: o.term,
        billingCycle: o.billingCycle,
        unitPrice: o.unitPrice,
        cost: o.cost ?? '0',
      }));
    check({ billingModel, currency: patch.currency, offers });
    await trx
      .updateTable('own_products')
      .set({
        ...(patch.vendor !== undefined ? { vendor: patch.vendor.trim() } : {}),
        ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.productFamily !== undefined ? { product_family: patch.productFamily.trim() } : {}),
        ...(patch.unit !== undefined ? { unit: patch.unit.trim() } : {}),
        ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
        billing_model: billingModel,
        version: before.version + 1,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    if (patch.offers !== undefined || patch.billingModel !== undefined) await writeOffers(trx, id, offers);
    const after = (await findOwnProduct(trx, scope, id))!;
    await recordAudit(trx, scope, {
      organizationId: before.sellerId,
      action: 'update',
      entityType: 'own_product',
      entityId: id,
      before,
      after,
    });
    return after;
  });
}

/**
 * Takes an own product off sale. It is never deleted: subscriptions, invoices and price rules may
 * still name it, and it stays readable by id.
 */
export async function retireOwnProduct(db: Kysely<Database>, scope: Scope, id: string): Promise<void> {
  requirePermission(scope, 'catalog:manage');
  await db.transaction().execute(async (trx) => {
    const before = await findOwnProduct(trx, scope, id);
    if (!before) throw notFound('own product');
    if (!before.editable) throw new AppError('forbidden', 403, 'This product belongs to a seller above you.');
    if (before.retiredAt) return;
    await trx
      .updateTable('own_products')
      .set({ retired_at: sql`now()`, version: before.version + 1, updated_at: sql`now()` })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: before.sellerId,
      action: 'retire',
      entityType: 'own_product',
      entityId: id,
      before,
    });
  });
}
