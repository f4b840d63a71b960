import { decideQuantityChange, Temporal } from '@cspc/core';
import { describe, expect, it } from 'vitest';
import { SubscriptionSchema } from '../../partner-center/schemas/subscriptions.ts';
import { chargePeriodOf, fromPartnerCenter, toCoreSubscription } from './subscription-model.ts';

const pc = SubscriptionSchema.parse({
  id: 'a1',
  offerId: 'CFQ7TTC0LH18:0001:CFQ7TTC0K971',
  offerName: 'Microsoft 365 Business Basic',
  quantity: 8,
  creationDate: '2025-01-15T09:00:00.000Z',
  effectiveStartDate: '2025-01-15T09:00:00.000Z',
  commitmentEndDate: '2026-01-14T00:00:00Z',
  cancellationAllowedUntilDate: '2025-01-22T09:00:00Z',
  status: 'active',
  autoRenewEnabled: true,
  billingCycle: 'monthly',
  termDuration: 'P1Y',
  refundableQuantity: {
    totalQuantity: 3,
    details: [{ quantity: 3, allowedUntilDateTime: '2025-01-25T10:00:00Z' }],
  },
  scheduledNextTermInstructions: {
    product: {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      availabilityId: 'X',
      billingCycle: 'Monthly',
      termDuration: 'P1Y',
    },
    quantity: 5,
  },
});

describe('subscription model', () => {
  const now = new Date('2025-01-20T00:00:00Z');
  const state = fromPartnerCenter(pc, now);

  it('reads Partner Center’s inclusive term end as our exclusive renewal date, and the seat lots', () => {
    expect(state).toMatchObject({
      kind: 'license',
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      termStart: '2025-01-15',
      termEnd: '2026-01-15',
      quantity: 8,
      scheduledChange: {
        effectiveOn: '2026-01-15',
        quantity: 5,
        skuId: 'CFQ7TTC0LH18:0001',
        billingCycle: 'monthly',
      },
    });
    // 3 seats still removable (added 168 h before their deadline), 5 past their window.
    expect(state.seatLots).toEqual([
      { quantity: 5, addedAt: '2025-01-15T00:00:00.000Z', refundableUntil: '2025-01-15T00:00:00.000Z' },
      { quantity: 3, addedAt: '2025-01-18T10:00:00.000Z', refundableUntil: '2025-01-25T10:00:00.000Z' },
    ]);
  });

  it('gives the core a subscription whose decisions match Partner Center’s', () => {
    const row = {
      id: 's1',
      kind: 'license',
      product_id: state.productId,
      sku_id: state.skuId,
      status: state.status,
      term: state.term,
      billing_cycle: state.billingCycle,
      term_start: state.termStart,
      term_end: state.termEnd,
      quantity: state.quantity,
      seat_lots: state.seatLots,
      auto_renew: state.autoRenew,
      scheduled_change: state.scheduledChange,
      cancellation_allowed_until: state.cancellationAllowedUntil,
      is_addon: false,
      parent_subscription_id: null,
      is_trial: false,
    } as never;
    const core = toCoreSubscription(row)!;
    const at = Temporal.Instant.from('2025-01-20T00:00:00Z');
    expect(decideQuantityChange(core, 5, at).allowed).toBe(true);
    const refused = decideQuantityChange(core, 4, at);
    expect(refused.allowed ? null : refused.code).toBe('decrease_outside_window');
    expect(chargePeriodOf(row, '2025-02-20')).toEqual({ start: '2025-02-15', end: '2025-03-15' });
  });
});
