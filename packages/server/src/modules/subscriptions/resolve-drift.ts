import {
  decideAutoRenew,
  decideCancel,
  decideQuantityChange,
  decideReactivate,
  decideSuspend,
  type SubscriptionDecision,
  Temporal,
} from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { AppError, conflict, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { toAppError } from '../../partner-center/index.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { lineageOf } from '../catalog/lineage.ts';
import { priceLine } from '../orders/line-pricing.ts';
import type { OrderServices } from '../orders/order-services.ts';
import { nceRefused, subscriptionLocked } from '../orders/orders.errors.ts';
import {
  insertPartnerCenterSubscription,
  savePartnerCenterState,
  withPartnerCenterState,
} from './save-subscription.ts';
import {
  chargePeriodOf,
  fromPartnerCenter,
  type SubscriptionRow,
  toCoreSubscription,
} from './subscription-model.ts';
import { isLockedFor, recordSubscriptionEvent, subscriptionById } from './subscriptions.repository.ts';
import type { DriftKind } from './subscriptions.tables.ts';

/**
 * Drift, and its one-click resolutions:
 * - adopt: take Microsoft's value (its state is the truth of what the customer has). Quantity,
 *   status and auto-renew are copied, with a `corrected` event so billing follows; a subscription
 *   created outside the product becomes ours (an `adopted` event, priced with today's price
 *   books); one Microsoft no longer has is marked cancelled.
 * - fix: push our value to Microsoft (quantity, status, auto-renew) through the same NCE rules as
 *   any change, with an operation key of the drift so a repeated click changes nothing twice. Only
 *   the subscription's seller (or the customer) can fix; anyone who may reconcile can adopt.
 */

export interface DriftView {
  id: string;
  providerId: string;
  customerId: string;
  customerName: string;
  subscriptionId: string | null;
  partnerCenter: { customerId: string; subscriptionId: string };
  kind: DriftKind;
  localValue: string | null;
  microsoftValue: string | null;
  details: Record<string, unknown>;
  detectedAt: string;
  lastSeenAt: string;
  resolvedAt: string | null;
  resolution: string | null;
  resolvedBy: string | null;
  /** What can be done about it. */
  actions: ('adopt' | 'fix')[];
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('subscription_drift as d')
    .innerJoin('organizations as c', 'c.id', 'd.customer_id')
    .selectAll('d')
    .select('c.name as customer_name')
    .where('d.customer_id', 'in', visibleOrganizationIds(db, scope));
}

type DriftRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: DriftRow): DriftView {
  const fixable = ['quantity', 'status', 'auto_renew'].includes(row.kind);
  return {
    id: row.id,
    providerId: row.provider_id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    subscriptionId: row.subscription_id,
    partnerCenter: { customerId: row.pc_customer_id, subscriptionId: row.pc_subscription_id },
    kind: row.kind,
    localValue: row.local_value,
    microsoftValue: row.microsoft_value,
    details: row.details,
    detectedAt: row.detected_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
    actions: row.resolved_at ? [] : fixable ? ['adopt', 'fix'] : ['adopt'],
  };
}

export async function listDrift(
  db: Kysely<Database>,
  scope: Scope,
  filter: {
    limit: number;
    cursor?: string | undefined;
    status?: 'open' | 'resolved' | 'all' | undefined;
    customerId?: string | undefined;
  },
): Promise<Page<DriftView>> {
  requirePermission(scope, 'subscriptions:read');
  let query = baseQuery(db, scope)
    .orderBy('d.detected_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(filter.limit + 1);
  const status = filter.status ?? 'open';
  if (status === 'open') query = query.where('d.resolved_at', 'is', null);
  if (status === 'resolved') query = query.where('d.resolved_at', 'is not', null);
  if (filter.customerId) query = query.where('d.customer_id', '=', filter.customerId);
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(d.detected_at, d.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const items = rows.slice(0, filter.limit).map(toView);
  const last = rows[filter.limit - 1];
  return {
    items,
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.detected_at.toISOString(), last.id) : null,
  };
}

const instant = (date: Date) => Temporal.Instant.fromEpochMilliseconds(date.getTime());

async function markResolved(
  db: Kysely<Database>,
  id: string,
  resolution: 'adopted' | 'fixed',
  scope: Scope,
): Promise<void> {
  await db
    .updateTable('subscription_drift')
    .set({ resolved_at: sql`now()`, resolution, resolved_by: scope.actor.label })
    .where('id', '=', id)
    .execute();
}

async function correctedEvent(
  trx: Kysely<Database>,
  before: SubscriptionRow,
  after: SubscriptionRow,
  now: Date,
  driftId: string,
  how: 'adopt' | 'fix',
) {
  await recordSubscriptionEvent(trx, {
    subscriptionId: after.id,
    kind: 'corrected',
    effectiveAt: now,
    quantityBefore: before.quantity,
    quantityAfter: after.quantity,
    statusBefore: before.status,
    statusAfter: after.status,
    skuBefore: before.product_id ? `${before.product_id}:${before.sku_id}` : null,
    skuAfter: after.product_id ? `${after.product_id}:${after.sku_id}` : null,
    term: after.term,
    billingCycle: after.billing_cycle,
    termStart: after.term_start,
    termEnd: after.term_end,
    chargePeriod: chargePeriodOf(after, now.toISOString().slice(0, 10)),
    autoRenew: after.auto_renew,
    source: 'reconciliation',
    details: { driftId, resolution: how },
    prices: after.price_tiers,
  });
}

export async function resolveDrift(
  services: OrderServices,
  scope: Scope,
  driftId: string,
  how: 'adopt' | 'fix',
): Promise<DriftView> {
  requirePermission(scope, 'subscriptions:reconcile');
  const { db, clock } = services;
  const drift = await baseQuery(db, scope).where('d.id', '=', driftId).executeTakeFirst();
  if (!drift) throw notFound('drift');
  if (drift.resolved_at) throw conflict('drift_resolved', 'This difference has already been resolved.');
  const now = clock.now();
  const client = await services.partnerCenter.clientFor(drift.provider_id);
  const sub = drift.subscription_id ? await subscriptionById(db, drift.subscription_id) : undefined;
  if (how === 'fix') {
    if (!['quantity', 'status', 'auto_renew'].includes(drift.kind) || !sub) {
      throw conflict(
        'not_fixable',
        'Only a quantity, status or auto-renew difference can be fixed at Microsoft; adopt it instead.',
      );
    }
    if (isLockedFor(scope, sub)) {
      const lineage = await lineageOf(db, sub.customer_id);
      throw subscriptionLocked(lineage.find((o) => o.id === sub.seller_id)?.name ?? 'another organisation');
    }
  }
  try {
    if (drift.kind === 'unknown_subscription') {
      const pc = await client.subscriptions.get(drift.pc_customer_id, drift.pc_subscription_id);
      const state = fromPartnerCenter(pc, now);
      const lineage = await lineageOf(db, drift.customer_id);
      const seller = lineage.at(-2)!;
      let price: Awaited<ReturnType<typeof priceLine>> | null = null;
      if (state.kind === 'license' && state.productId && state.skuId) {
        price = await priceLine(
          db,
          {
            providerId: drift.provider_id,
            customerId: drift.customer_id,
            sku: `${state.productId}:${state.skuId}`,
            quantity: Math.max(1, state.quantity),
            term: state.term as 'P1M',
            billingCycle: state.billingCycle as 'monthly',
          },
          now,
        ).catch(() => null);
      }
      await db.transaction().execute(async (trx) => {
        const parent = state.parentPcSubscriptionId
          ? await trx
              .selectFrom('subscriptions')
              .select('id')
              .where('provider_id', '=', drift.provider_id)
              .where('pc_subscription_id', '=', state.parentPcSubscriptionId)
              .executeTakeFirst()
          : undefined;
        const { row, created } = await insertPartnerCenterSubscription(trx, {
          providerId: drift.provider_id,
          sellerId: seller.id,
          customerId: drift.customer_id,
          pcCustomerId: drift.pc_customer_id,
          state,
          parentSubscriptionId: parent?.id ?? null,
          isAddOn: Boolean(state.parentPcSubscriptionId),
          unitPrice: price?.unitPrice ?? null,
          currency: price?.currency ?? null,
          priceTiers: price?.tiers ?? [],
          orderId: null,
          attributes: { adoptedFrom: 'partner_center' },
          now,
        });
        if (created) {
          const effective = pc.creationDate ? new Date(pc.creationDate) : now;
          await recordSubscriptionEvent(trx, {
            subscriptionId: row.id,
            kind: 'adopted',
            effectiveAt: effective,
            quantityBefore: 0,
            quantityAfter: row.quantity,
            statusBefore: null,
            statusAfter: row.status,
            skuAfter: row.product_id ? `${row.product_id}:${row.sku_id}` : null,
            term: row.term,
            billingCycle: row.billing_cycle,
            termStart: row.term_start,
            termEnd: row.term_end,
            chargePeriod: chargePeriodOf(row, effective.toISOString().slice(0, 10)),
            autoRenew: row.auto_renew,
            source: 'reconciliation',
            details: { driftId, createdOutsideTheProduct: true },
            prices: price?.tiers ?? [],
          });
        }
        await trx
          .updateTable('subscription_drift')
          .set({ subscription_id: row.id })
          .where('id', '=', driftId)
          .execute();
        await markResolved(trx, driftId, 'adopted', scope);
        await recordAudit(trx, scope, {
          organizationId: drift.customer_id,
          action: 'adopt',
          entityType: 'subscription',
          entityId: row.id,
          after: { pcSubscriptionId: drift.pc_subscription_id, quantity: row.quantity },
        });
      });
    } else if (drift.kind === 'missing_at_microsoft') {
      if (!sub) throw notFound('subscription');
      await db.transaction().execute(async (trx) => {
        const after = await trx
          .updateTable('subscriptions')
          .set({ status: 'cancelled', auto_renew: false, version: sql`version + 1`, updated_at: sql`now()` })
          .where('id', '=', sub.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await correctedEvent(trx, sub, after, now, driftId, 'adopt');
        await markResolved(trx, driftId, 'adopted', scope);
        await recordAudit(trx, scope, {
          organizationId: drift.customer_id,
          action: 'adopt',
          entityType: 'subscription',
          entityId: sub.id,
          before: { status: sub.status },
          after: { status: 'cancelled' },
        });
      });
    } else {
      if (!sub) throw notFound('subscription');
      const current = await client.subscriptions.get(drift.pc_customer_id, drift.pc_subscription_id);
      let pc = current;
      if (how === 'fix') {
        const fresh = withPartnerCenterState(sub, fromPartnerCenter(current, now));
        const core = toCoreSubscription(fresh);
        const key = { operationKey: `drift:${driftId}:fix` };
        let decision: SubscriptionDecision<unknown> | null = null;
        if (drift.kind === 'quantity') {
          if (core) decision = decideQuantityChange(core, sub.quantity, instant(now));
          if (decision && !decision.allowed) throw nceRefused(decision, sub.title);
          await client.subscriptions.setQuantity(drift.pc_customer_id, current, sub.quantity, key);
        } else if (drift.kind === 'auto_renew') {
          if (core) decision = decideAutoRenew(core, sub.auto_renew);
          if (decision && !decision.allowed) throw nceRefused(decision, sub.title);
          await client.subscriptions.setAutoRenew(drift.pc_customer_id, current, sub.auto_renew, key);
        } else {
          const target = sub.status;
          if (target === 'suspended') {
            if (core) decision = decideSuspend(core, instant(now));
            if (decision && !decision.allowed) throw nceRefused(decision, sub.title);
            await client.subscriptions.suspend(drift.pc_customer_id, current, key);
          } else if (target === 'active') {
            if (core) decision = decideReactivate(core, instant(now));
            if (decision && !decision.allowed) throw nceRefused(decision, sub.title);
            await client.subscriptions.reactivate(drift.pc_customer_id, current, key);
          } else if (target === 'cancelled') {
            if (core) decision = decideCancel(core, instant(now));
            if (decision && !decision.allowed) throw nceRefused(decision, sub.title);
            await client.subscriptions.cancel(drift.pc_customer_id, current, key);
          } else {
            throw conflict(
              'not_fixable',
              `A subscription cannot be made ${target} at Microsoft; adopt Microsoft's status instead.`,
            );
          }
        }
        pc = await client.subscriptions.get(drift.pc_customer_id, drift.pc_subscription_id);
      }
      const state = fromPartnerCenter(pc, now);
      await db.transaction().execute(async (trx) => {
        const before = (await subscriptionById(trx, sub.id))!;
        const after = await savePartnerCenterState(trx, before, state, now);
        if (
          before.quantity !== after.quantity ||
          before.status !== after.status ||
          before.auto_renew !== after.auto_renew
        ) {
          await correctedEvent(trx, before, after, now, driftId, how);
        }
        await markResolved(trx, driftId, how === 'fix' ? 'fixed' : 'adopted', scope);
        await recordAudit(trx, scope, {
          organizationId: drift.customer_id,
          action: how,
          entityType: 'subscription',
          entityId: sub.id,
          before: { [drift.kind]: drift.local_value },
          after: { [drift.kind]: how === 'fix' ? drift.local_value : drift.microsoft_value },
        });
      });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw toAppError(error);
  }
  const view = await baseQuery(db, scope).where('d.id', '=', driftId).executeTakeFirstOrThrow();
  return toView(view);
}
