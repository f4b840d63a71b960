import { randomUUID } from 'node:crypto';
import {
  InvalidDateError,
  InvalidPriceRuleError,
  parsePlainDate,
  Temporal,
  validatePriceRule,
} from '@cspc/core';
import { formatMoney } from '@cspc/core/pricing/explanation';
import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { DECIMAL } from '../catalog/catalog-model.ts';
import { lineageOf, todayIn } from '../catalog/lineage.ts';
import { ruleWarnings, sellerItems } from './below-cost.ts';
import type { StoredRuleKind } from './price-books.tables.ts';
import {
  type BuyerScopeView,
  findRuleRow,
  findVisibleSeller,
  type PriceRuleRow,
  type PriceRuleView,
  type TargetView,
  targetColumns,
  toCoreRule,
  toRuleView,
} from './price-rules.repository.ts';

export interface PriceRuleInput {
  name?: string | undefined;
  kind: StoredRuleKind;
  percent?: string | undefined;
  unitPrice?: string | undefined;
  currency?: string | undefined;
  target: TargetView;
  buyerScope: BuyerScopeView;
  term?: CatalogTerm | null | undefined;
  billingCycle?: CatalogBillingCycle | null | undefined;
  effectiveFrom: string;
  effectiveTo?: string | null | undefined;
  allowBelowCost?: boolean | undefined;
}

export type PriceRulePatch = Partial<PriceRuleInput>;

const USAGE_KINDS: readonly StoredRuleKind[] = ['usage_markup', 'usage_payg_discount'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function invalid(field: string, message: string): AppError {
  return badRequest('invalid_price_rule', `${field}: ${message}`, [{ field, message }]);
}

function date(field: string, value: string): Temporal.PlainDate {
  try {
    return parsePlainDate(value);
  } catch (error) {
    if (error instanceof InvalidDateError) throw invalid(field, 'a date YYYY-MM-DD');
    throw error;
  }
}

/** The row the input describes, checked field by field and then by the core's validatePriceRule. */
function rowOf(
  id: string,
  sellerId: string,
  sellerCurrency: string,
  input: PriceRuleInput,
): Omit<PriceRuleRow, 'version' | 'created_at' | 'updated_at'> {
  const fixed = input.kind === 'fixed_price';
  if (fixed) {
    if (input.unitPrice === undefined || !DECIMAL.test(input.unitPrice)) {
      throw invalid('unitPrice', 'a fixed price needs a non-negative decimal string such as "1200"');
    }
    if (input.percent !== undefined) throw invalid('percent', 'a fixed price takes no percentage');
    if (!input.billingCycle) {
      throw invalid('billingCycle', 'a fixed price is per billing period: name the billing cycle it is for');
    }
  } else {
    if (input.percent === undefined)
      throw invalid('percent', `a ${input.kind} rule needs a percentage such as "8"`);
    if (input.unitPrice !== undefined) throw invalid('unitPrice', 'only fixed_price rules take a unit price');
  }
  if (USAGE_KINDS.includes(input.kind) && (input.term || input.billingCycle)) {
    throw invalid('term', 'Azure usage is not sold on terms; usage rules take no term or billing cycle');
  }
  const from = date('effectiveFrom', input.effectiveFrom);
  const to = input.effectiveTo ? date('effectiveTo', input.effectiveTo) : null;
  const scope = input.buyerScope;
  const row = {
    id,
    seller_id: sellerId,
    name: (input.name ?? '').trim(),
    kind: input.kind,
    percent: fixed ? null : (input.percent ?? null),
    unit_price: fixed ? (input.unitPrice ?? null) : null,
    currency: fixed ? (input.currency ?? sellerCurrency) : null,
    ...targetColumns(input.target),
    buyer_scope: scope.kind,
    buyer_organization_id:
      scope.kind === 'all' ? null : ((scope.kind === 'customer' ? scope.customerId : scope.resellerId) ?? ''),
    term: input.term ?? null,
    billing_cycle: input.billingCycle ?? null,
    effective_from: from.toString(),
    effective_to: to ? to.toString() : null,
    allow_below_cost: input.allowBelowCost ?? false,
  };
  try {
    validatePriceRule(toCoreRule({ ...row, version: 1, created_at: new Date(), updated_at: new Date() }));
  } catch (error) {
    if (error instanceof InvalidPriceRuleError) throw invalid(error.field, error.message);
    if (error instanceof Error && 'code' in error) throw invalid('currency', error.message);
    throw error;
  }
  return row;
}

/** Buyer scope and target must name things the seller actually sells to and sells. */
async function checkReferences(
  db: Kysely<Database>,
  row: Pick<
    PriceRuleRow,
    'seller_id' | 'buyer_scope' | 'buyer_organization_id' | 'target_kind' | 'target_value' | 'target_sku_id'
  >,
): Promise<void> {
  if (row.buyer_scope !== 'all') {
    const buyerId = row.buyer_organization_id ?? '';
    const buyer = UUID.test(buyerId)
      ? await db
          .selectFrom('organization_tree as t')
          .innerJoin('organizations as o', 'o.id', 't.descendant_id')
          .select(['o.kind'])
          .where('t.ancestor_id', '=', row.seller_id)
          .where('t.descendant_id', '=', buyerId)
          .where('t.depth', '>', 0)
          .executeTakeFirst()
      : undefined;
    const wanted = row.buyer_scope === 'customer' ? 'customer' : 'reseller';
    if (!buyer || buyer.kind !== wanted) {
      throw invalid(
        row.buyer_scope === 'customer' ? 'buyerScope.customerId' : 'buyerScope.resellerId',
        `must be a ${wanted} below the seller`,
      );
    }
  }
  const lineage = await lineageOf(db, row.seller_id);
  const providerId = lineage[0]!.id;
  const value = row.target_value ?? '';
  switch (row.target_kind) {
    case 'product':
    case 'sku': {
      let q = db
        .selectFrom('catalog_skus')
        .select('id')
        .where('provider_id', '=', providerId)
        .where('product_id', '=', value);
      if (row.target_kind === 'sku') q = q.where('sku_id', '=', row.target_sku_id ?? '');
      if (!(await q.executeTakeFirst())) throw invalid('target', `${row.target_kind} is not in the catalog`);
      return;
    }
    case 'meter': {
      const meter = await db
        .selectFrom('catalog_meters')
        .select('id')
        .where('provider_id', '=', providerId)
        .where('meter_id', '=', value)
        .executeTakeFirst();
      if (!meter) throw invalid('target.meterId', 'is not an Azure meter of the catalog');
      return;
    }
    case 'own_product': {
      const sellers = lineage.map((o) => o.id);
      const product = UUID.test(value)
        ? await db
            .selectFrom('own_products')
            .select('id')
            .where('id', '=', value)
            .where('seller_id', 'in', sellers)
            .executeTakeFirst()
        : undefined;
      if (!product) throw invalid('target.ownProductId', 'is not an own product this seller sells');
      return;
    }
    default:
      return;
  }
}

/** Refuses a rule that sells below cost unless it is flagged; the details name what and why. */
async function guardBelowCost(db: Kysely<Database>, row: PriceRuleRow, timeZone: string, now: Date) {
  if (row.allow_below_cost) return;
  const today = todayIn(now, timeZone);
  const from = parsePlainDate(row.effective_from);
  const to = row.effective_to ? parsePlainDate(row.effective_to) : null;
  let on = Temporal.PlainDate.compare(from, today) > 0 ? from : today;
  if (to && Temporal.PlainDate.compare(to, on) <= 0) on = from;
  const { chain, items } = await sellerItems(db, row.seller_id, on);
  const { warnings } = ruleWarnings([row], items, { date: on, exchangeRates: chain.exchangeRates });
  if (warnings.length === 0) return;
  throw conflict(
    'price_rule_below_cost',
    `This rule would sell ${warnings.length} item(s) below cost, e.g. ${warnings[0]!.describe.title} at ${formatMoney(warnings[0]!.price)} (cost ${formatMoney(warnings[0]!.cost)}). Set allowBelowCost to keep it deliberately.`,
    warnings.slice(0, 10).map((w) => ({
      item: w.describe,
      cost: w.cost.toString(),
      price: w.price.toString(),
      currency: w.price.currency,
      summary: w.explanation.summary,
    })),
  );
}

async function sellerFor(db: Kysely<Database>, scope: Scope, sellerId: string) {
  const seller = await findVisibleSeller(db, scope, sellerId);
  if (!seller) throw notFound('price book');
  if (seller.kind === 'customer') throw notFound('price book');
  const tz = await db
    .selectFrom('organizations')
    .select('time_zone')
    .where('id', '=', sellerId)
    .executeTakeFirstOrThrow();
  return { ...seller, timeZone: tz.time_zone };
}

export async function createPriceRule(
  db: Kysely<Database>,
  scope: Scope,
  sellerId: string,
  input: PriceRuleInput,
  now: Date,
): Promise<PriceRuleView> {
  requirePermission(scope, 'price_books:write');
  return db.transaction().execute(async (trx) => {
    const seller = await sellerFor(trx, scope, sellerId);
    const row = rowOf(randomUUID(), seller.id, seller.currency, input);
    await checkReferences(trx, row);
    await guardBelowCost(trx, { ...row, version: 1, created_at: now, updated_at: now }, seller.timeZone, now);
    const created = await trx.insertInto('price_rules').values(row).returningAll().executeTakeFirstOrThrow();
    const view = toRuleView(created);
    await recordAudit(trx, scope, {
      organizationId: seller.id,
      action: 'create',
      entityType: 'price_rule',
      entityId: created.id,
      after: view,
    });
    return view;
  });
}

function inputOf(row: PriceRuleRow): PriceRuleInput {
  const view = toRuleView(row);
  return {
    name: view.name,
    kind: view.kind,
    ...(view.percent !== null ? { percent: view.percent } : {}),
    ...(view.unitPrice !== null ? { unitPrice: view.unitPrice } : {}),
    ...(view.currency !== null ? { currency: view.currency } : {}),
    target: view.target,
    buyerScope: view.buyerScope,
    term: view.term,
    billingCycle: view.billingCycle,
    effectiveFrom: view.effectiveFrom,
    effectiveTo: view.effectiveTo,
    allowBelowCost: view.allowBelowCost,
  };
}

export async function updatePriceRule(
  db: Kysely<Database>,
  scope: Scope,
  sellerId: string,
  ruleId: string,
  patch: PriceRulePatch,
  now: Date,
  expectedVersion?: number,
): Promise<PriceRuleView> {
  requirePermission(scope, 'price_books:write');
  return db.transaction().execute(async (trx) => {
    const seller = await sellerFor(trx, scope, sellerId);
    const before = await findRuleRow(trx, seller.id, ruleId);
    if (!before) throw notFound('price rule');
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError('version_conflict', 412, 'Someone else changed this rule. Reload and try again.');
    }
    const merged: PriceRuleInput = { ...inputOf(before), ...patch };
    // Switching between a percentage and a fixed price drops the other's amount.
    if (patch.kind === 'fixed_price' && patch.percent === undefined) delete merged.percent;
    if (patch.kind !== undefined && patch.kind !== 'fixed_price' && patch.unitPrice === undefined) {
      delete merged.unitPrice;
      delete merged.currency;
    }
    const row = rowOf(before.id, seller.id, seller.currency, merged);
    await checkReferences(trx, row);
    await guardBelowCost(
      trx,
      { ...row, version: before.version, created_at: before.created_at, updated_at: now },
      seller.timeZone,
      now,
    );
    const { id: _id, seller_id: _seller, ...values } = row;
    const updated = await trx
      .updateTable('price_rules')
      .set({ ...values, version: before.version + 1, updated_at: now })
      .where('id', '=', before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toRuleView(updated);
    await recordAudit(trx, scope, {
      organizationId: seller.id,
      action: 'update',
      entityType: 'price_rule',
      entityId: before.id,
      before: toRuleView(before),
      after: view,
    });
    return view;
  });
}

/** Removes a rule; the audit log keeps it. To end a rule from a date, set its effectiveTo instead. */
export async function deletePriceRule(
  db: Kysely<Database>,
  scope: Scope,
  sellerId: string,
  ruleId: string,
): Promise<void> {
  requirePermission(scope, 'price_books:write');
  await db.transaction().execute(async (trx) => {
    const seller = await sellerFor(trx, scope, sellerId);
    const before = await findRuleRow(trx, seller.id, ruleId);
    if (!before) throw notFound('price rule');
    await trx.deleteFrom('price_rules').where('id', '=', before.id).execute();
    await recordAudit(trx, scope, {
      organizationId: seller.id,
      action: 'delete',
      entityType: 'price_rule',
      entityId: before.id,
      before: toRuleView(before),
    });
  });
}
