import { sql } from 'kysely';
import type { Subscription as PcSubscription } from '../../partner-center/index.ts';
import type { CatalogBillingCycle, CatalogTerm } from '../catalog/catalog.tables.ts';
import { type LinePrice, priceLine } from '../orders/line-pricing.ts';
import type { OrderServices } from '../orders/order-services.ts';
import { savePartnerCenterState } from './save-subscription.ts';
import { chargePeriodOf, fromPartnerCenter, type SubscriptionRow } from './subscription-model.ts';
import { recordSubscriptionEvent } from './subscriptions.repository.ts';
import type { DriftKind } from './subscriptions.tables.ts';

/**
 * Compares our subscriptions with Partner Center, customer by customer, and
 * - records what Microsoft did by itself as events: a renewal (the term moved on; priced again
 *   for the new term) and an expiry (a term that ended without auto-renew);
 * - keeps the mirrored details current (seat lots, cancellation window, scheduled change);
 * - reports drift for the rest: quantity, status or auto-renew that differ, subscriptions
 *   Microsoft has and we do not (created outside the product), and ours Microsoft does not know.
 *   Drift stays open until it disappears (cleared) or someone adopts or fixes it.
 */

export interface ReconcileReport {
  providerId: string;
  customers: number;
  subscriptions: number;
  renewed: number;
  expired: number;
  driftDetected: number;
  driftCleared: number;
  driftOpen: number;
  errors: string[];
}

const LIVE = ['active', 'suspended'];

async function renewalPrice(
  services: OrderServices,
  row: SubscriptionRow,
  termStart: string,
): Promise<LinePrice | null> {
  if (row.kind !== 'license' || !row.product_id || !row.sku_id) return null;
  try {
    return await priceLine(
      services.db,
      {
        providerId: row.provider_id,
        customerId: row.customer_id,
        sku: `${row.product_id}:${row.sku_id}`,
        quantity: Math.max(1, row.quantity),
        term: row.term as CatalogTerm,
        billingCycle: row.billing_cycle as CatalogBillingCycle,
        date: termStart,
      },
      services.clock.now(),
    );
  } catch {
    // A SKU that is no longer priced keeps the price of the previous term.
    return null;
  }
}

async function openDrift(
  services: OrderServices,
  input: {
    providerId: string;
    customerId: string;
    subscriptionId: string | null;
    pcCustomerId: string;
    pcSubscriptionId: string;
    kind: DriftKind;
    local: string | null;
    microsoft: string | null;
    details?: Record<string, unknown>;
  },
): Promise<boolean> {
  const existing = await services.db
    .selectFrom('subscription_drift')
    .select('id')
    .where('provider_id', '=', input.providerId)
    .where('pc_subscription_id', '=', input.pcSubscriptionId)
    .where('kind', '=', input.kind)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (existing) {
    await services.db
      .updateTable('subscription_drift')
      .set({
        local_value: input.local,
        microsoft_value: input.microsoft,
        details: JSON.stringify(input.details ?? {}),
        last_seen_at: sql`now()`,
      })
      .where('id', '=', existing.id)
      .execute();
    return false;
  }
  await services.db
    .insertInto('subscription_drift')
    .values({
      provider_id: input.providerId,
      customer_id: input.customerId,
      subscription_id: input.subscriptionId,
      pc_customer_id: input.pcCustomerId,
      pc_subscription_id: input.pcSubscriptionId,
      kind: input.kind,
      local_value: input.local,
      microsoft_value: input.microsoft,
      details: JSON.stringify(input.details ?? {}),
    })
    .onConflict((oc) =>
      oc.columns(['provider_id', 'pc_subscription_id', 'kind']).where('resolved_at', 'is', null).doNothing(),
    )
    .execute();
  return true;
}

async function clearDrift(
  services: OrderServices,
  providerId: string,
  pcSubscriptionId: string,
  keep: readonly DriftKind[],
): Promise<number> {
  let query = services.db
    .updateTable('subscription_drift')
    .set({ resolved_at: sql`now()`, resolution: 'cleared', resolved_by: 'reconciliation' })
    .where('provider_id', '=', providerId)
    .where('pc_subscription_id', '=', pcSubscriptionId)
    .where('resolved_at', 'is', null);
  if (keep.length > 0) query = query.where('kind', 'not in', [...keep]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Microsoft renewed (the term moved on) or let the term expire: record it as events. */
async function recordLifecycle(
  services: OrderServices,
  row: SubscriptionRow,
  pc: PcSubscription,
  report: ReconcileReport,
): Promise<SubscriptionRow> {
  const now = services.clock.now();
  const state = fromPartnerCenter(pc, now);
  const renewed =
    row.term_end !== null &&
    state.termEnd !== null &&
    state.termStart !== null &&
    state.termEnd > row.term_end &&
    LIVE.includes(state.status);
  const expired = LIVE.includes(row.status) && state.status === 'expired';
  if (!renewed && !expired) return row;
  const price = renewed
    ? await renewalPrice(services, { ...row, ...{ quantity: state.quantity } }, state.termStart!)
    : null;
  return services.db.transaction().execute(async (trx) => {
    const after = await savePartnerCenterState(trx, row, state, now, {
      ...(price ? { unitPrice: price.unitPrice, currency: price.currency, priceTiers: price.tiers } : {}),
    });
    const effective = renewed
      ? new Date(`${state.termStart}T00:00:00Z`)
      : new Date(`${row.term_end ?? now.toISOString().slice(0, 10)}T00:00:00Z`);
    await recordSubscriptionEvent(trx, {
      subscriptionId: row.id,
      kind: renewed ? 'renewed' : 'expired',
      effectiveAt: effective,
      quantityBefore: row.quantity,
      quantityAfter: after.quantity,
      statusBefore: row.status,
      statusAfter: after.status,
      skuBefore: row.product_id ? `${row.product_id}:${row.sku_id}` : null,
      skuAfter: after.product_id ? `${after.product_id}:${after.sku_id}` : null,
      term: after.term,
      billingCycle: after.billing_cycle,
      termStart: after.term_start,
      termEnd: after.term_end,
      chargePeriod: renewed ? chargePeriodOf(after, after.term_start!) : null,
      autoRenew: after.auto_renew,
      source: 'reconciliation',
      details: renewed
        ? {
            previousTerm: { start: row.term_start, end: row.term_end },
            appliedSchedule: row.scheduled_change,
          }
        : { endedTerm: { start: row.term_start, end: row.term_end } },
      prices: renewed ? after.price_tiers : [],
    });
    if (renewed) report.renewed += 1;
    else report.expired += 1;
    return after;
  });
}

export async function reconcileProvider(
  services: OrderServices,
  providerId: string,
): Promise<ReconcileReport> {
  const { db, clock } = services;
  const report: ReconcileReport = {
    providerId,
    customers: 0,
    subscriptions: 0,
    renewed: 0,
    expired: 0,
    driftDetected: 0,
    driftCleared: 0,
    driftOpen: 0,
    errors: [],
  };
  const tenants = await db
    .selectFrom('customer_tenants')
    .selectAll()
    .where('provider_id', '=', providerId)
    .orderBy('organization_id')
    .execute();
  if (tenants.length === 0) return report;
  const client = await services.partnerCenter.clientFor(providerId);
  for (const tenant of tenants) {
    report.customers += 1;
    let remote: PcSubscription[];
    try {
      remote = await client.subscriptions.list(tenant.pc_customer_id);
    } catch (error) {
      report.errors.push(`${tenant.domain}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const local = await db
      .selectFrom('subscriptions')
      .selectAll()
      .where('customer_id', '=', tenant.organization_id)
      .where('pc_subscription_id', 'is not', null)
      .execute();
    const byPcId = new Map(local.map((s) => [s.pc_subscription_id!.toLowerCase(), s]));
    const seen = new Set<string>();
    for (const pc of remote) {
      report.subscriptions += 1;
      const key = pc.id.toLowerCase();
      seen.add(key);
      const found = byPcId.get(key);
      const now = clock.now();
      const state = fromPartnerCenter(pc, now);
      const base = {
        providerId,
        customerId: tenant.organization_id,
        pcCustomerId: tenant.pc_customer_id,
        pcSubscriptionId: pc.id,
      };
      if (!found) {
        if (!LIVE.includes(state.status)) continue;
        if (
          await openDrift(services, {
            ...base,
            subscriptionId: null,
            kind: 'unknown_subscription',
            local: null,
            microsoft: `${state.title} × ${state.quantity} (${state.status})`,
            details: { offerId: pc.offerId ?? null, quantity: state.quantity, status: state.status },
          })
        ) {
          report.driftDetected += 1;
        }
        continue;
      }
      const row = await recordLifecycle(services, found, pc, report);
      const kinds: DriftKind[] = [];
      const compare: [DriftKind, string, string][] = [
        ['quantity', String(row.quantity), String(state.quantity)],
        ['status', row.status, state.status],
        ['auto_renew', String(row.auto_renew), String(state.autoRenew)],
      ];
      for (const [kind, mine, theirs] of compare) {
        if (mine === theirs) continue;
        kinds.push(kind);
        if (
          await openDrift(services, {
            ...base,
            subscriptionId: row.id,
            kind,
            local: mine,
            microsoft: theirs,
          })
        ) {
          report.driftDetected += 1;
        }
      }
      report.driftCleared += await clearDrift(services, providerId, pc.id, kinds);
      // What Microsoft decides alone is mirrored without being drift.
      await db
        .updateTable('subscriptions')
        .set({
          seat_lots: JSON.stringify(state.seatLots),
          cancellation_allowed_until: state.cancellationAllowedUntil,
          scheduled_change: state.scheduledChange ? JSON.stringify(state.scheduledChange) : null,
          ...(kinds.length === 0 ? { term_start: state.termStart, term_end: state.termEnd } : {}),
          last_reconciled_at: now,
        })
        .where('id', '=', row.id)
        .execute();
    }
    for (const row of local) {
      if (seen.has(row.pc_subscription_id!.toLowerCase()) || !LIVE.includes(row.status)) continue;
      if (
        await openDrift(services, {
          providerId,
          customerId: tenant.organization_id,
          subscriptionId: row.id,
          pcCustomerId: tenant.pc_customer_id,
          pcSubscriptionId: row.pc_subscription_id!,
          kind: 'missing_at_microsoft',
          local: `${row.title} × ${row.quantity} (${row.status})`,
          microsoft: null,
        })
      ) {
        report.driftDetected += 1;
      }
    }
  }
  const open = await db
    .selectFrom('subscription_drift')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('provider_id', '=', providerId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  report.driftOpen = Number(open.n);
  return report;
}

export async function reconcileAll(services: OrderServices): Promise<ReconcileReport[]> {
  const providers = await services.db
    .selectFrom('customer_tenants')
    .select('provider_id')
    .distinct()
    .execute();
  const reports: ReconcileReport[] = [];
  for (const { provider_id } of providers) reports.push(await reconcileProvider(services, provider_id));
  return reports;
}
