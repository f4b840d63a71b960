import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { canonicalJson } from '../catalog/catalog-model.ts';
import { advanceOrder, dispatchOrder } from './advance-order.ts';
import { publishAwaitingApproval } from './order-events.ts';
import type { OrderServices } from './order-services.ts';
import { applyOrderEvent, type OrderRow } from './order-state.ts';
import { findOrder, type OrderView } from './orders.repository.ts';
import { type OrderInput, type PreparedOrder, prepareOrder, type QuotedPrice } from './prepare-order.ts';

/**
 * Places an order: prepare (catalog, prices, NCE, tenant), then in one transaction insert it, submit
 * it, ask the credit check, pass the gates (approval, the reseller relationship of an existing
 * tenant) and schedule or queue it. Jobs are sent after the commit.
 *
 * Idempotency: with an `Idempotency-Key`, the first request stores (key, hash of the body, order)
 * in the same transaction as the order. A repeat with the same key and body returns that order; a
 * different body is refused (422). Two concurrent requests with one key: the second waits on the
 * key's row and then returns the first one's order. Keys are kept 24 hours.
 */

export const IDEMPOTENCY_HOURS = 24;

export interface CreateOrderResult {
  order: OrderView;
  /** True when an earlier request with the same Idempotency-Key created the order. */
  replayed: boolean;
}

class IdempotentReplay extends Error {}

export function requestHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

async function existingKey(db: Kysely<Database>, scope: Scope, key: string, now: Date) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('organization_id', '=', scope.organizationId)
    .where('key', '=', key)
    .where('expires_at', '>', now)
    .executeTakeFirst();
}

async function replay(
  services: OrderServices,
  scope: Scope,
  key: string,
  hash: string,
): Promise<CreateOrderResult | null> {
  const row = await existingKey(services.db, scope, key, services.clock.now());
  if (!row) return null;
  if (row.request_hash !== hash) {
    throw new AppError(
      'idempotency_key_reused',
      422,
      'This Idempotency-Key was already used for a different order. Use a new key for a new order.',
      { orderId: row.order_id },
    );
  }
  const order = await findOrder(services.db, scope, row.order_id, services.config.secretKey);
  if (!order) return null;
  return { order, replayed: true };
}

export async function insertPreparedOrder(
  trx: Kysely<Database>,
  prepared: PreparedOrder,
  extra: { createdBy: string; quoteId?: string | null },
): Promise<OrderRow> {
  const row = await trx
    .insertInto('orders')
    .values({
      id: prepared.id,
      number: prepared.number,
      provider_id: prepared.providerId,
      seller_id: prepared.sellerId,
      customer_id: prepared.customerId,
      placed_by_org_id: prepared.placedByOrgId,
      state: 'draft',
      tenant_action: prepared.tenantAction ? JSON.stringify(prepared.tenantAction) : null,
      relationship_url: prepared.relationshipUrl,
      effective_at: prepared.effectiveAt,
      effective_date: prepared.effectiveDate,
      time_zone: prepared.timeZone,
      quote_id: extra.quoteId ?? null,
      reference: prepared.reference,
      attributes: JSON.stringify(prepared.attributes),
      currency: prepared.currency,
      monthly_amount: prepared.monthlyAmount.toString(),
      created_by: extra.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('order_lines')
    .values(
      prepared.lines.map((l) => ({
        id: l.id,
        order_id: prepared.id,
        position: l.position,
        kind: l.kind,
        subscription_id: l.subscriptionId,
        product_id: l.productId,
        sku_id: l.skuId,
        catalog_item_id: l.catalogItemId,
        own_product_id: l.ownProductId,
        title: l.title,
        term: l.term,
        billing_cycle: l.billingCycle,
        quantity: l.quantity,
        params: JSON.stringify(l.params),
        unit_price: l.unitPrice,
        currency: l.currency,
        price_tiers: JSON.stringify(l.priceTiers),
        price_explanation: l.priceExplanation === null ? null : JSON.stringify(l.priceExplanation),
      })),
    )
    .execute();
  return row;
}

export async function createOrder(
  services: OrderServices,
  scope: Scope,
  input: OrderInput,
  options: {
    idempotencyKey?: string | undefined;
    quoteId?: string | null;
    quoted?: ReadonlyMap<number, QuotedPrice>;
  } = {},
): Promise<CreateOrderResult> {
  requirePermission(scope, 'orders:write');
  const { db } = services;
  const key = options.idempotencyKey?.trim();
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw badRequest('invalid_idempotency_key', 'Idempotency-Key: 1 to 200 characters.');
  }
  const hash = requestHash(input);
  if (key) {
    const earlier = await replay(services, scope, key, hash);
    if (earlier) return earlier;
  }
  const now = services.clock.now();
  const prepared = await prepareOrder(services, scope, input, {
    now,
    ...(options.quoted ? { quoted: options.quoted } : {}),
  });
  const actor = scope.actor.label;

  let created: OrderRow;
  try {
    created = await db.transaction().execute(async (trx) => {
      let row = await insertPreparedOrder(trx, prepared, {
        createdBy: actor,
        quoteId: options.quoteId ?? null,
      });
      if (key) {
        const claimed = await trx
          .insertInto('idempotency_keys')
          .values({
            organization_id: scope.organizationId,
            key,
            request_hash: hash,
            order_id: prepared.id,
            expires_at: new Date(now.getTime() + IDEMPOTENCY_HOURS * 3_600_000),
          })
          .onConflict((oc) =>
            oc
              .columns(['organization_id', 'key'])
              .doUpdateSet({
                request_hash: hash,
                order_id: prepared.id,
                created_at: sql`now()`,
                expires_at: new Date(now.getTime() + IDEMPOTENCY_HOURS * 3_600_000),
              })
              .where('idempotency_keys.expires_at', '<=', now),
          )
          .returning('order_id')
          .executeTakeFirst();
        // Someone else holds the key (committed while we prepared): theirs is the order.
        if (!claimed) throw new IdempotentReplay();
      }
      row = await applyOrderEvent(trx, row, { type: 'submit' }, now, { actor });
      const credit = await services.creditCheck.check(trx, {
        customerId: prepared.customerId,
        sellerId: prepared.sellerId,
        monthlyAmount: prepared.monthlyAmount,
      });
      if (credit.outcome === 'blocked') {
        throw new AppError('credit_blocked', 409, `Credit control refuses this order: ${credit.message}`, {
          credit,
        });
      }
      await trx
        .updateTable('orders')
        .set({ credit: JSON.stringify(credit) })
        .where('id', '=', row.id)
        .execute();
      if (credit.outcome === 'approval_required') {
        row = await applyOrderEvent(
          trx,
          row,
          { type: 'credit_approval_required', reason: credit.message },
          now,
          { actor: 'credit control' },
        );
        await publishAwaitingApproval(trx, row, credit.message);
      } else {
        row = await advanceOrder(trx, row, now, actor);
      }
      await recordAudit(trx, scope, {
        organizationId: prepared.customerId,
        action: 'create',
        entityType: 'order',
        entityId: prepared.id,
        after: {
          number: prepared.number,
          state: row.state,
          lines: prepared.lines.map((l) => ({ kind: l.kind, title: l.title, quantity: l.quantity })),
          effectiveAt: prepared.effectiveAt?.toISOString() ?? null,
          credit: credit.outcome,
        },
      });
      return row;
    });
  } catch (error) {
    if (error instanceof IdempotentReplay && key) {
      const earlier = await replay(services, scope, key, hash);
      if (earlier) return earlier;
    }
    throw error;
  }
  await dispatchOrder(services, created);
  const order = await findOrder(db, scope, created.id, services.config.secretKey);
  return { order: order!, replayed: false };
}
