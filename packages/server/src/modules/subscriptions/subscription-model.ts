import {
  type BillingCycle,
  type SubscriptionStatus as CoreStatus,
  type Subscription as CoreSubscription,
  chargePeriodContaining,
  isBillingCycle,
  isTermDuration,
  parsePlainDate,
  Temporal,
  type TermDuration,
} from '@cspc/core';
import type { Selectable } from 'kysely';
import type { Subscription as PcSubscription } from '../../partner-center/schemas/subscriptions.ts';
import type {
  LocalSubscriptionStatus,
  StoredScheduledChange,
  StoredSeatLot,
  SubscriptionKind,
  SubscriptionsTable,
} from './subscriptions.tables.ts';

/**
 * Conversions between the three shapes of a subscription: Partner Center's resource, our row, and
 * the core's NCE `Subscription` that every decision takes. Partner Center dates are UTC; its
 * `commitmentEndDate` is the last day of the term, ours (like the core's) is the exclusive renewal date.
 */

export const AZURE_PLAN_PRODUCT = 'DZH318Z0BPS6';
const NCE_WINDOW_MS = 168 * 3_600_000;

export type SubscriptionRow = Selectable<SubscriptionsTable>;

const utcDay = (iso: string): string => iso.slice(0, 10);

function addDays(day: string, days: number): string {
  return parsePlainDate(day).add({ days }).toString();
}

/** Partner Center status → ours (`deleted` is a cancellation, never restorable). */
export function localStatus(status: string | undefined): LocalSubscriptionStatus {
  switch (status) {
    case 'active':
      return 'active';
    case 'suspended':
      return 'suspended';
    case 'deleted':
      return 'cancelled';
    case 'expired':
    case 'disabled':
      return 'expired';
    default:
      return 'pending';
  }
}

export function splitOffer(offerId: string | undefined): {
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
} {
  const parts = (offerId ?? '').split(':');
  if (parts.length < 2) return { productId: null, skuId: null, catalogItemId: offerId ?? null };
  return { productId: parts[0]!, skuId: parts[1]!, catalogItemId: offerId ?? null };
}

function cycleOf(value: string | undefined): string {
  const v = (value ?? '').replace(/[\s_-]/g, '').toLowerCase();
  if (v === 'monthly' || v === 'annual' || v === 'triennial') return v;
  if (v === 'onetime') return 'one_time';
  return 'monthly';
}

/** Everything our row mirrors of a Partner Center subscription. */
export interface PartnerCenterState {
  pcSubscriptionId: string;
  kind: Exclude<SubscriptionKind, 'own_product'>;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  title: string;
  status: LocalSubscriptionStatus;
  quantity: number;
  term: string;
  billingCycle: string;
  termStart: string | null;
  termEnd: string | null;
  autoRenew: boolean;
  cancellationAllowedUntil: Date | null;
  seatLots: StoredSeatLot[];
  scheduledChange: StoredScheduledChange | null;
  parentPcSubscriptionId: string | null;
  isTrial: boolean;
}

export function fromPartnerCenter(pc: PcSubscription, now: Date): PartnerCenterState {
  const offer = splitOffer(pc.offerId);
  const azure = offer.productId === AZURE_PLAN_PRODUCT || pc.productType?.id?.toLowerCase() === 'azure';
  const termStart = pc.effectiveStartDate ? utcDay(pc.effectiveStartDate) : null;
  const lastDay = pc.commitmentEndDate ? utcDay(pc.commitmentEndDate) : null;
  const termEnd = azure || !lastDay || lastDay.startsWith('9999') ? null : addDays(lastDay, 1);
  const quantity = pc.quantity ?? 0;
  const lots: StoredSeatLot[] = (pc.refundableQuantity?.details ?? []).map((d) => {
    const until = new Date(d.allowedUntilDateTime);
    return {
      quantity: d.quantity,
      addedAt: new Date(until.getTime() - NCE_WINDOW_MS).toISOString(),
      refundableUntil: until.toISOString(),
    };
  });
  const refundable = lots.reduce((n, l) => n + l.quantity, 0);
  if (!azure && quantity > refundable && termStart) {
    // Seats whose window has closed: one lot, refundable until a moment already past.
    const start = `${termStart}T00:00:00.000Z`;
    lots.unshift({ quantity: quantity - refundable, addedAt: start, refundableUntil: start });
  }
  const next = pc.scheduledNextTermInstructions;
  const scheduled: StoredScheduledChange | null =
    next && termEnd
      ? {
          effectiveOn: termEnd,
          quantity: next.quantity,
          skuId: `${next.product.productId}:${next.product.skuId}`,
          term: next.product.termDuration,
          billingCycle: cycleOf(next.product.billingCycle),
          scheduledAt: now.toISOString(),
        }
      : null;
  return {
    pcSubscriptionId: pc.id,
    kind: azure ? 'azure_plan' : 'license',
    ...offer,
    title: pc.offerName ?? pc.friendlyName ?? pc.offerId ?? 'Subscription',
    status: localStatus(pc.status),
    quantity,
    term: azure ? 'none' : (pc.termDuration ?? 'P1M'),
    billingCycle: azure ? 'usage' : cycleOf(pc.billingCycle),
    termStart,
    termEnd,
    autoRenew: pc.autoRenewEnabled ?? false,
    cancellationAllowedUntil: pc.cancellationAllowedUntilDate
      ? new Date(pc.cancellationAllowedUntilDate)
      : null,
    seatLots: lots,
    scheduledChange: scheduled,
    parentPcSubscriptionId: pc.parentSubscriptionId ?? null,
    isTrial: pc.isTrial ?? false,
  };
}

const instant = (value: string | Date) =>
  Temporal.Instant.fromEpochMilliseconds(typeof value === 'string' ? Date.parse(value) : value.getTime());

export function toInstant(value: Date): Temporal.Instant {
  return instant(value);
}

/** True when the NCE decisions of the core apply: a licence with a term and a billing cycle. */
export function isNceRow(
  row: Pick<SubscriptionRow, 'kind' | 'term' | 'billing_cycle' | 'term_start' | 'term_end'>,
) {
  return (
    row.kind === 'license' &&
    isTermDuration(row.term) &&
    isBillingCycle(row.billing_cycle) &&
    row.term_start !== null &&
    row.term_end !== null
  );
}

const CORE_STATUS: Record<LocalSubscriptionStatus, CoreStatus> = {
  active: 'active',
  suspended: 'suspended',
  cancelled: 'cancelled',
  expired: 'expired',
  pending: 'pending',
};

/** The core's view of a licence subscription; null for what the NCE rules do not cover. */
export function toCoreSubscription(row: SubscriptionRow): CoreSubscription | null {
  if (!isNceRow(row)) return null;
  const scheduled = row.scheduled_change;
  return {
    id: row.id,
    skuId: `${row.product_id}:${row.sku_id}`,
    status: CORE_STATUS[row.status],
    term: row.term as TermDuration,
    billingCycle: row.billing_cycle as BillingCycle,
    termStart: parsePlainDate(row.term_start!),
    termEnd: parsePlainDate(row.term_end!),
    quantity: row.quantity,
    seatLots: row.seat_lots.map((lot) => ({
      quantity: lot.quantity,
      addedAt: instant(lot.addedAt),
      refundableUntil: instant(lot.refundableUntil),
    })),
    autoRenew: row.auto_renew,
    scheduledChange:
      scheduled && isTermDuration(scheduled.term) && isBillingCycle(scheduled.billingCycle)
        ? {
            effectiveOn: parsePlainDate(scheduled.effectiveOn),
            quantity: scheduled.quantity,
            skuId: scheduled.skuId,
            term: scheduled.term,
            billingCycle: scheduled.billingCycle,
            scheduledAt: instant(scheduled.scheduledAt),
          }
        : null,
    cancellationAllowedUntil: row.cancellation_allowed_until ? instant(row.cancellation_allowed_until) : null,
    isAddOn: row.is_addon,
    ...(row.parent_subscription_id ? { parentId: row.parent_subscription_id } : {}),
    isTrial: row.is_trial,
  };
}

/** The charge period (half-open, dates) containing `day`, or null when the subscription has none. */
export function chargePeriodOf(
  row: Pick<SubscriptionRow, 'kind' | 'term' | 'billing_cycle' | 'term_start' | 'term_end'>,
  day: string,
): { start: string; end: string } | null {
  if (!isNceRow(row)) {
    if (row.billing_cycle === 'monthly' && row.kind === 'own_product' && row.term_start) {
      const date = parsePlainDate(day);
      const start = date.with({ day: 1 });
      return { start: start.toString(), end: start.add({ months: 1 }).toString() };
    }
    return null;
  }
  try {
    const period = chargePeriodContaining(
      parsePlainDate(row.term_start!),
      row.term as TermDuration,
      row.billing_cycle as BillingCycle,
      parsePlainDate(day),
    );
    if (!period) return null;
    const end = period.end.toString() > row.term_end! ? row.term_end! : period.end.toString();
    return { start: period.start.toString(), end };
  } catch {
    return null;
  }
}
