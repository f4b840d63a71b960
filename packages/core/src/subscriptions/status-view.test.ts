import { describe, expect, it } from 'vitest';
import { Temporal } from '../time/calendar.ts';
import { subscriptionFromPurchase } from './purchase.ts';
import { nceStatusView } from './status-view.ts';
import type { Subscription } from './types.ts';

const instant = (s: string) => Temporal.Instant.from(s);
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

const T0 = instant('2026-01-01T09:00:00Z');
const after = (hours: number) => T0.add({ hours });
const base = subscriptionFromPurchase({
  id: 'sub-1',
  skuId: 'BASIC',
  term: 'P1Y',
  billingCycle: 'monthly',
  quantity: 10,
  purchasedAt: T0,
});

describe('nceStatusView', () => {
  it('inside the window: countdown, refundable seats and everything possible now', () => {
    // 24 h 30 s after the purchase: 143 h 59 min 30 s left, shown as PT143H59M.
    const view = nceStatusView(base, after(24).add({ seconds: 30 }));
    expect(plain(view.cancellation)).toEqual({
      until: '2026-01-08T09:00:00Z',
      hoursLeft: 143.99166666666667,
      remaining: 'PT143H59M',
    });
    expect(plain(view.refundable)).toEqual({
      totalQuantity: 10,
      lots: [
        {
          quantity: 10,
          addedAt: '2026-01-01T09:00:00Z',
          until: '2026-01-08T09:00:00Z',
          hoursLeft: 143.99166666666667,
          remaining: 'PT143H59M',
        },
      ],
    });
    expect(plain(view.term)).toEqual({
      duration: 'P1Y',
      billingCycle: 'monthly',
      start: '2026-01-01',
      end: '2027-01-01',
      lastDay: '2026-12-31',
    });
    expect(plain(view.renewal)).toEqual({
      date: '2027-01-01',
      autoRenew: true,
      outcome: 'renews',
      scheduledChange: null,
    });
    expect(plain(view.possibleNow)).toEqual([
      { action: 'increase_quantity' },
      { action: 'decrease_quantity', minimumQuantity: 1, until: '2026-01-08T09:00:00Z' },
      { action: 'cancel', until: '2026-01-08T09:00:00Z' },
      { action: 'suspend' },
      { action: 'turn_off_auto_renew' },
      { action: 'schedule_change' },
      { action: 'upgrade' },
    ]);
    expect(view.atRenewalOnly.map((a) => a.action)).toEqual([
      'change_sku',
      'change_term',
      'change_billing_cycle',
    ]);
    expect(view.unavailable).toEqual([]);
  });

  it('after the window: decreases and the way out only at the renewal', () => {
    const view = nceStatusView(base, after(200));
    expect(view.cancellation).toBeNull();
    expect(view.refundable.totalQuantity).toBe(0);
    expect(view.possibleNow.map((a) => a.action)).toEqual([
      'increase_quantity',
      'suspend',
      'turn_off_auto_renew',
      'schedule_change',
      'upgrade',
    ]);
    expect(plain(view.unavailable)).toEqual([
      {
        action: 'decrease_quantity',
        code: 'decrease_outside_window',
        message:
          'Seats can only be removed within 168 h of being added and every seat is past that; ' +
          'schedule the decrease for the renewal on 2027-01-01',
        alternative: { kind: 'schedule_at_renewal', date: '2027-01-01', quantity: 9 },
      },
      {
        action: 'cancel',
        code: 'cancel_outside_window',
        message:
          'The cancellation window closed at 2026-01-08T09:00:00Z; turn off auto-renew so that it ends on 2027-01-01',
        alternative: { kind: 'turn_off_auto_renew', date: '2027-01-01', lastDay: '2026-12-31' },
      },
    ]);
    expect(plain(view.atRenewalOnly)).toEqual([
      {
        action: 'decrease_quantity',
        date: '2027-01-01',
        how: { kind: 'schedule_at_renewal', date: '2027-01-01' },
      },
      { action: 'change_sku', date: '2027-01-01', how: { kind: 'schedule_at_renewal', date: '2027-01-01' } },
      { action: 'change_term', date: '2027-01-01', how: { kind: 'schedule_at_renewal', date: '2027-01-01' } },
      {
        action: 'change_billing_cycle',
        date: '2027-01-01',
        how: { kind: 'schedule_at_renewal', date: '2027-01-01' },
      },
      {
        action: 'end_subscription',
        date: '2027-01-01',
        how: { kind: 'turn_off_auto_renew', date: '2027-01-01', lastDay: '2026-12-31' },
      },
    ]);
  });

  it('a partly refundable subscription: the lowest quantity reachable now', () => {
    const sub: Subscription = {
      ...base,
      quantity: 14,
      seatLots: [...base.seatLots, { quantity: 4, addedAt: after(190), refundableUntil: after(358) }],
    };
    const view = nceStatusView(sub, after(200), { minimum: 5 });
    expect(plain(view.possibleNow.find((a) => a.action === 'decrease_quantity'))).toEqual({
      action: 'decrease_quantity',
      minimumQuantity: 10,
      until: '2026-01-16T07:00:00Z', // T0 + 358 h
    });
    expect(view.atRenewalOnly[0]?.action).toBe('decrease_quantity');
  });

  it('suspended: only reactivation (and a still-open cancellation); the subscription will expire', () => {
    const view = nceStatusView({ ...base, status: 'suspended', autoRenew: false }, after(2));
    expect(view.renewal.outcome).toBe('expires');
    expect(view.possibleNow.map((a) => a.action)).toEqual(['cancel', 'reactivate']);
    expect(view.unavailable.map((u) => `${u.action}:${u.code}`)).toEqual([
      'increase_quantity:subscription_suspended',
      'decrease_quantity:subscription_suspended',
      'turn_on_auto_renew:subscription_suspended',
      'schedule_change:subscription_suspended',
      'upgrade:subscription_suspended',
    ]);
    expect(view.atRenewalOnly).toEqual([]);
  });

  it('with auto-renew off, scheduling needs it turned on first', () => {
    const view = nceStatusView({ ...base, autoRenew: false }, after(200));
    expect(view.renewal.outcome).toBe('expires');
    expect(plain(view.unavailable.find((u) => u.action === 'schedule_change'))).toEqual({
      action: 'schedule_change',
      code: 'auto_renew_required',
      message: 'Changes can only be scheduled for a renewal: turn on auto-renew first',
      alternative: { kind: 'turn_on_auto_renew_and_schedule', date: '2027-01-01' },
    });
    expect(plain(view.atRenewalOnly.at(-1))).toEqual({
      action: 'end_subscription',
      date: '2027-01-01',
      how: { kind: 'ends_at_term_end', date: '2027-01-01', lastDay: '2026-12-31' },
    });
  });

  it('cancelled: nothing is possible', () => {
    const view = nceStatusView(
      { ...base, status: 'cancelled', seatLots: [], cancellationAllowedUntil: null },
      after(2),
    );
    expect(view.possibleNow).toEqual([]);
    expect(view.renewal.outcome).toBe('none');
    expect(view.cancellation).toBeNull();
    expect(new Set(view.unavailable.map((u) => u.code))).toEqual(new Set(['subscription_cancelled']));
  });
});
