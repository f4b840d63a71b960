/**
 * New-commerce subscription lifecycle (RULES.md §3–§7): purchase, seat lots and the 7-day
 * reduction window, cancellation window, suspension, auto-renew, scheduled next-term changes,
 * renewal/expiry and transitions. Every state change that Microsoft bills records charges.
 */

import { chargeChange, chargePeriod, chargeRefund } from './billing.ts';
import { type BillingCycle, type CatalogSku, cancelWindowMs } from './catalog.ts';
import { addDays, dateMs, dateOf, isTermDuration, termEnd } from './dates.ts';
import { errors, PcError } from './errors.ts';
import type { Emulator } from './runtime.ts';
import type { CustomerRec, ScheduledInstructions, SeatLot, SubscriptionRec } from './state.ts';

const DAY = 86_400_000;

export interface PurchaseInput {
  customer: CustomerRec;
  sku: CatalogSku;
  termDuration?: string;
  billingCycle: string;
  quantity: number;
  orderId: string;
  friendlyName?: string;
  parentSubscriptionId?: string;
  promotionId?: string;
  customTermEndDate?: string;
  partnerIdOnRecord?: string;
  legacyOfferId?: string;
  /** Partial transitions: the new subscription shares the source's term and cancellation window. */
  coterminousWith?: SubscriptionRec;
  chargeType?: string;
  referenceId?: string;
}

export function createSubscription(emu: Emulator, input: PurchaseInput): SubscriptionRec {
  const now = emu.now();
  const { sku, customer } = input;
  const id = emu.nextGuid();
  const base: SubscriptionRec = {
    id,
    customerId: customer.id,
    orderId: input.orderId,
    kind: input.legacyOfferId ? 'legacy' : sku.kind,
    productId: sku.productId,
    skuId: sku.skuId,
    availabilityId: sku.availabilityId,
    offerId: input.legacyOfferId ?? sku.catalogItemId,
    offerName: sku.skuTitle,
    friendlyName: input.friendlyName || sku.skuTitle,
    quantity: input.quantity,
    status: 'active',
    autoRenewEnabled: sku.kind !== 'azurePlan',
    billingCycle: input.billingCycle,
    termDuration: input.termDuration ?? '',
    createdAt: now,
    termStartAt: now,
    termStartDate: dateOf(now),
    commitmentEndDate: '9999-12-31',
    nextChargeDate: null,
    currency: customer.currency,
    unitPrice: '0',
    erpPrice: '0',
    lots: [],
    scheduled: null,
    version: 1,
    cancelWindowMs: 0,
    entitlements: [],
    renewals: 0,
    licenseSkuId: sku.licenseSkuId,
  };
  if (input.parentSubscriptionId) base.parentSubscriptionId = input.parentSubscriptionId;
  if (input.promotionId) base.promotionId = input.promotionId;
  if (input.partnerIdOnRecord) base.partnerIdOnRecord = input.partnerIdOnRecord;
  emu.state.subscriptions[id] = base;
  emu.state.stats.subscriptionsCreated += 1;

  if (sku.kind === 'azurePlan') {
    base.entitlements.push({
      id: emu.nextGuid(),
      friendlyName: 'Azure subscription 1',
      status: 'active',
      createdAt: now,
      roleAssignments: [],
    });
    return base;
  }

  const term = emu.catalog.term(sku, base.termDuration, base.billingCycle);
  base.cancelWindowMs = input.legacyOfferId ? 0 : cancelWindowMs(term);
  const price = emu.catalog.periodPrice(sku, base.currency, base.termDuration, base.billingCycle, now);
  base.unitPrice = price.unit;
  base.erpPrice = price.erp;
  const source = input.coterminousWith;
  if (source) {
    base.termStartAt = source.termStartAt;
    base.termStartDate = source.termStartDate;
    base.commitmentEndDate = source.commitmentEndDate;
    base.nextChargeDate = source.nextChargeDate;
    base.autoRenewEnabled = source.autoRenewEnabled;
    base.lots = [
      { quantity: input.quantity, addedAt: now, allowedUntil: source.termStartAt + source.cancelWindowMs },
    ];
    chargeChange(emu, base, input.chargeType ?? 'convert', dateOf(now), 0, input.quantity, {
      referenceId: input.referenceId,
    });
    return base;
  }
  base.commitmentEndDate = input.customTermEndDate ?? termEnd(base.termStartDate, base.termDuration);
  base.lots = [{ quantity: input.quantity, addedAt: now, allowedUntil: now + base.cancelWindowMs }];
  const first = chargePeriod(emu, base, input.chargeType ?? 'new', base.termStartDate);
  base.nextChargeDate = nextChargeAfter(base, first.end);
  return base;
}

function nextChargeAfter(sub: SubscriptionRec, periodEnd: string): string | null {
  const next = addDays(periodEnd, 1);
  return next <= sub.commitmentEndDate ? next : null;
}

export function isTermBased(sub: SubscriptionRec): boolean {
  return sub.kind === 'nce' || sub.kind === 'software';
}

export function cancellationAllowedUntil(sub: SubscriptionRec): number | null {
  if (!isTermBased(sub) || sub.status === 'deleted' || sub.status === 'expired') return null;
  return sub.termStartAt + sub.cancelWindowMs;
}

export function refundableQuantity(
  sub: SubscriptionRec,
  now: number,
): { totalQuantity: number; details: { quantity: number; allowedUntilDateTime: string }[] } {
  if (!isTermBased(sub) || (sub.status !== 'active' && sub.status !== 'suspended'))
    return { totalQuantity: 0, details: [] };
  const live = sub.lots.filter((l) => l.allowedUntil > now && l.quantity > 0);
  return {
    totalQuantity: live.reduce((n, l) => n + l.quantity, 0),
    details: live.map((l) => ({
      quantity: l.quantity,
      allowedUntilDateTime: new Date(l.allowedUntil).toISOString(),
    })),
  };
}

function assertUpdatable(sub: SubscriptionRec): void {
  if (sub.status === 'deleted' || sub.status === 'expired' || sub.status === 'disabled') {
    throw errors.cannotUpdateInStatus(sub.id, sub.status);
  }
}

function wipeSchedule(sub: SubscriptionRec): void {
  sub.scheduled = null;
}

function bump(emu: Emulator, sub: SubscriptionRec): void {
  sub.version += 1;
  emu.markDirty();
}

export function changeQuantity(emu: Emulator, sub: SubscriptionRec, quantity: number): void {
  assertUpdatable(sub);
  if (sub.kind === 'azurePlan') throw errors.cannotUpdateQuantity('Azure plan quantity is fixed at 1.');
  if (sub.status === 'suspended') throw errors.quantityWhileSuspended();
  const sku = emu.catalog.sku(sub.productId, sub.skuId);
  const min = sku?.min ?? 1;
  const max = sku?.max ?? 1_000_000;
  if (!Number.isInteger(quantity) || quantity < min || quantity > max)
    throw errors.quantityOutOfRange(min, max);
  if (quantity === sub.quantity) return;
  const now = emu.now();
  const today = dateOf(now);
  const old = sub.quantity;
  if (quantity > old) {
    sub.lots.push({
      quantity: quantity - old,
      addedAt: now,
      allowedUntil: now + (isTermBased(sub) ? 7 * DAY : 0),
    });
    sub.quantity = quantity;
    if (isTermBased(sub) || sub.kind === 'legacy')
      chargeChange(emu, sub, 'addQuantity', today, old, quantity);
  } else {
    const reduce = old - quantity;
    if (isTermBased(sub)) {
      const refundable = refundableQuantity(sub, now);
      if (reduce > refundable.totalQuantity) {
        throw errors.quantityCannotDecrease(
          `Seats can only be removed within 7 days (168 hours) of being added. Requested reduction ${reduce}, refundable quantity ${refundable.totalQuantity}.`,
        );
      }
      consumeLots(sub.lots, reduce, now);
    }
    sub.quantity = quantity;
    chargeChange(emu, sub, 'removeQuantity', today, old, quantity);
  }
  wipeSchedule(sub);
  bump(emu, sub);
}

/** Removes seats newest-first from lots still inside their window (then from any, for transitions). */
function consumeLots(lots: SeatLot[], count: number, now: number, anyLot = false): void {
  let left = count;
  for (let i = lots.length - 1; i >= 0 && left > 0; i--) {
    const lot = lots[i]!;
    if (!anyLot && lot.allowedUntil <= now) continue;
    const take = Math.min(lot.quantity, left);
    lot.quantity -= take;
    left -= take;
  }
  if (anyLot === false && left > 0) consumeLots(lots, left, now, true);
  for (let i = lots.length - 1; i >= 0; i--) if (lots[i]!.quantity === 0) lots.splice(i, 1);
}

export function cancel(emu: Emulator, sub: SubscriptionRec, cascade = false): void {
  assertUpdatable(sub);
  const now = emu.now();
  if (sub.kind === 'azurePlan') {
    if (sub.entitlements.some((e) => e.status === 'active')) {
      throw errors.cannotUpdateStatus('Cancel the active Azure subscriptions of this Azure plan first.');
    }
  } else if (sub.kind === 'legacy') {
    throw errors.cannotUpdateStatus(
      'Licence-based legacy subscriptions cannot be cancelled; suspend them instead.',
    );
  } else if (!cascade) {
    const until = cancellationAllowedUntil(sub);
    if (until === null || now > until) {
      throw errors.cancellationWindowPassed(
        Math.round(sub.cancelWindowMs / DAY),
        `The cancellation window of subscription ${sub.id} ended at ${until === null ? 'n/a' : new Date(until).toISOString()}.`,
      );
    }
  }
  if (isTermBased(sub)) chargeRefund(emu, sub, 'cancelImmediate', dateOf(now));
  sub.status = 'deleted';
  sub.cancelledAt = now;
  sub.autoRenewEnabled = false;
  sub.nextChargeDate = null;
  sub.lots = [];
  wipeSchedule(sub);
  for (const e of sub.entitlements) {
    if (e.status !== 'deleted') {
      e.status = 'deleted';
      e.cancelledAt = now;
    }
  }
  for (const child of Object.values(emu.state.subscriptions)) {
    if (
      child.parentSubscriptionId === sub.id &&
      (child.status === 'active' || child.status === 'suspended')
    ) {
      cancel(emu, child, true);
    }
  }
  bump(emu, sub);
}

export function suspend(emu: Emulator, sub: SubscriptionRec): void {
  assertUpdatable(sub);
  if (sub.status === 'suspended') return;
  if (sub.kind === 'azurePlan' && sub.entitlements.some((e) => e.status === 'active')) {
    throw errors.azurePlanHasActiveSubscriptions();
  }
  sub.status = 'suspended';
  sub.suspendedAt = emu.now();
  // Dunning semantics: billing continues, auto-renew is switched off and schedules are dropped.
  sub.autoRenewEnabled = false;
  wipeSchedule(sub);
  bump(emu, sub);
}

export function reactivate(emu: Emulator, sub: SubscriptionRec): void {
  assertUpdatable(sub);
  if (sub.status === 'active') return;
  sub.status = 'active';
  delete sub.suspendedAt;
  bump(emu, sub);
}

export function setAutoRenew(emu: Emulator, sub: SubscriptionRec, on: boolean): void {
  assertUpdatable(sub);
  if (on === sub.autoRenewEnabled) return;
  if (on && (sub.kind === 'azurePlan' || sub.kind === 'legacy')) {
    throw errors.notEligibleForAutoRenew(`Subscription ${sub.id} has no renewable term.`);
  }
  sub.autoRenewEnabled = on;
  if (!on) wipeSchedule(sub);
  bump(emu, sub);
}

export function normaliseCycle(value: string | undefined): BillingCycle | undefined {
  if (!value) return undefined;
  const v = value.replace(/[\s_-]/g, '').toLowerCase();
  const map: Record<string, BillingCycle> = {
    monthly: 'monthly',
    annual: 'annual',
    yearly: 'annual',
    triennial: 'triennial',
    onetime: 'one_time',
    none: 'none',
  };
  return map[v];
}

export function setSchedule(emu: Emulator, sub: SubscriptionRec, instr: ScheduledInstructions | null): void {
  assertUpdatable(sub);
  if (instr === null) {
    if (sub.scheduled !== null) {
      sub.scheduled = null;
      bump(emu, sub);
    }
    return;
  }
  if (!isTermBased(sub))
    throw errors.invalidInput('Scheduled changes are only supported for new-commerce subscriptions.');
  if (!sub.autoRenewEnabled) {
    throw errors.invalidInput('Scheduled next-term changes require autoRenewEnabled to be true.');
  }
  const target = emu.catalog.sku(instr.product.productId, instr.product.skuId);
  if (!target || !emu.catalog.isAvailable(target, emu.now())) {
    throw errors.invalidInput(
      `Catalog item ${instr.product.productId}:${instr.product.skuId} is not available.`,
    );
  }
  const current = emu.catalog.sku(sub.productId, sub.skuId);
  const sameSku = target.productId === sub.productId && target.skuId === sub.skuId;
  if (!sameSku && !current?.upgrades.includes(`${target.productId}:${target.skuId}`)) {
    throw errors.invalidInput(
      `${target.productId}:${target.skuId} is not a scheduled transition target of this subscription.`,
    );
  }
  const cycle = normaliseCycle(instr.product.billingCycle);
  const term = emu.catalog.term(target, instr.product.termDuration, cycle);
  if (!term) {
    throw errors.invalidInput(
      `Term ${instr.product.termDuration} with ${instr.product.billingCycle} billing is not offered for ${target.catalogItemId}.`,
    );
  }
  if (!Number.isInteger(instr.quantity) || instr.quantity < target.min || instr.quantity > target.max) {
    throw errors.quantityOutOfRange(target.min, target.max);
  }
  sub.scheduled = {
    product: {
      productId: target.productId,
      skuId: target.skuId,
      availabilityId: target.availabilityId,
      billingCycle: instr.product.billingCycle,
      termDuration: term.duration,
      ...(instr.product.promotionId ? { promotionId: instr.product.promotionId } : {}),
    },
    quantity: instr.quantity,
    ...(instr.customTermEndDate ? { customTermEndDate: instr.customTermEndDate } : {}),
  };
  bump(emu, sub);
}

/** Term end reached (the day after commitmentEndDate): renew with scheduled changes, or expire. */
export function renewOrExpire(
  emu: Emulator,
  sub: SubscriptionRec,
  renewalDate: string,
): 'renewed' | 'expired' {
  const sched = sub.scheduled;
  const target = sched
    ? emu.catalog.sku(sched.product.productId, sched.product.skuId)
    : emu.catalog.sku(sub.productId, sub.skuId);
  if (
    !sub.autoRenewEnabled ||
    sub.status !== 'active' ||
    !target ||
    !emu.catalog.isAvailable(target, dateMs(renewalDate))
  ) {
    sub.status = 'expired';
    sub.autoRenewEnabled = false;
    sub.nextChargeDate = null;
    sub.lots = [];
    wipeSchedule(sub);
    bump(emu, sub);
    return 'expired';
  }
  const at = dateMs(renewalDate);
  if (sched) {
    const cycle = normaliseCycle(sched.product.billingCycle) ?? sub.billingCycle;
    sub.productId = target.productId;
    sub.skuId = target.skuId;
    sub.availabilityId = target.availabilityId;
    sub.offerId = target.catalogItemId;
    if (sub.friendlyName === sub.offerName) sub.friendlyName = target.skuTitle;
    sub.offerName = target.skuTitle;
    sub.licenseSkuId = target.licenseSkuId;
    sub.billingCycle = cycle;
    if (isTermDuration(sched.product.termDuration)) sub.termDuration = sched.product.termDuration;
    sub.quantity = sched.quantity;
  }
  const term = emu.catalog.term(target, sub.termDuration, sub.billingCycle);
  const price = emu.catalog.periodPrice(
    target,
    sub.currency,
    sub.termDuration,
    sub.billingCycle,
    renewalDate,
  );
  sub.unitPrice = price.unit;
  sub.erpPrice = price.erp;
  sub.cancelWindowMs = cancelWindowMs(term);
  sub.termStartAt = at;
  sub.termStartDate = renewalDate;
  sub.commitmentEndDate = sched?.customTermEndDate ?? termEnd(renewalDate, sub.termDuration);
  sub.lots = [{ quantity: sub.quantity, addedAt: at, allowedUntil: at + 7 * DAY }];
  sub.renewals += 1;
  wipeSchedule(sub);
  const first = chargePeriod(emu, sub, 'renew', renewalDate);
  sub.nextChargeDate = nextChargeAfter(sub, first.end);
  bump(emu, sub);
  return 'renewed';
}

/** Start of a new billing period inside the term (monthly/annual billing of longer terms). */
export function cycleCharge(emu: Emulator, sub: SubscriptionRec, periodStart: string): void {
  const p = chargePeriod(emu, sub, 'cycleCharge', periodStart);
  sub.nextChargeDate = nextChargeAfter(sub, p.end);
  emu.markDirty();
}

export interface TransitionResult {
  target: SubscriptionRec;
  referenceId: string;
}

/** Immediate upgrade (RULES.md §7): full quantity converts in place, partial creates a co-terminous subscription. */
export function transition(
  emu: Emulator,
  sub: SubscriptionRec,
  targetSku: CatalogSku,
  quantity: number,
): TransitionResult {
  if (sub.status !== 'active') {
    throw new PcError(400, 800002, 'Invalid request input', [
      'Subscription cannot be transitioned because the source subscription state is not active.',
    ]);
  }
  if (!Number.isInteger(quantity) || quantity < 1 || quantity > sub.quantity) {
    throw errors.invalidInput(`Transition quantity must be between 1 and ${sub.quantity}.`);
  }
  const term = emu.catalog.term(targetSku, sub.termDuration, sub.billingCycle);
  if (!term)
    throw errors.invalidInput(
      `${targetSku.catalogItemId} is not offered with the source subscription's term.`,
    );
  const now = emu.now();
  const today = dateOf(now);
  const referenceId = emu.nextGuid();
  if (quantity === sub.quantity) {
    const oldUnit = sub.unitPrice;
    const price = emu.catalog.periodPrice(targetSku, sub.currency, sub.termDuration, sub.billingCycle, now);
    sub.productId = targetSku.productId;
    sub.skuId = targetSku.skuId;
    sub.availabilityId = targetSku.availabilityId;
    sub.offerId = targetSku.catalogItemId;
    if (sub.friendlyName === sub.offerName) sub.friendlyName = targetSku.skuTitle;
    sub.offerName = targetSku.skuTitle;
    sub.licenseSkuId = targetSku.licenseSkuId;
    sub.unitPrice = price.unit;
    sub.erpPrice = price.erp;
    chargeChange(emu, sub, 'convert', today, quantity, quantity, { oldUnitPrice: oldUnit, referenceId });
    wipeSchedule(sub);
    bump(emu, sub);
    return { target: sub, referenceId };
  }
  const customer = emu.customer(sub.customerId);
  const old = sub.quantity;
  sub.quantity = old - quantity;
  consumeLots(sub.lots, quantity, now);
  chargeChange(emu, sub, 'convert', today, old, sub.quantity, { referenceId });
  wipeSchedule(sub);
  bump(emu, sub);
  const target = createSubscription(emu, {
    customer,
    sku: targetSku,
    termDuration: sub.termDuration,
    billingCycle: sub.billingCycle,
    quantity,
    orderId: sub.orderId,
    coterminousWith: sub,
    chargeType: 'convert',
    referenceId,
  });
  target.migratedFromSubscriptionId = sub.id;
  return { target, referenceId };
}
