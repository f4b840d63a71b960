import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quantitySegments } from '../proration/quantity.ts';
import { parsePlainDate, Temporal } from '../time/calendar.ts';
import { subscriptionFromPurchase } from './purchase.ts';
import { applyImmediateChange, decideQuantityChange } from './quantity.ts';
import { decideScheduleChange } from './schedule.ts';
import type { SeatLot, Subscription, SubscriptionDecision } from './types.ts';

const instant = (s: string) => Temporal.Instant.from(s);
/** JSON form: Temporal values as their ISO strings, so expectations are exact and readable. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// P1Y billed monthly, 10 seats, bought 2026-01-01T09:00Z: term 2026-01-01..2027-01-01,
// seats and cancellation refundable until 2026-01-08T09:00Z (168 h).
const T0 = instant('2026-01-01T09:00:00Z');
const after = (hours: number) => T0.add({ hours });
const base = subscriptionFromPurchase({
  id: 'sub-1',
  skuId: 'CFQ7TTC0LH18:0001',
  term: 'P1Y',
  billingCycle: 'monthly',
  quantity: 10,
  purchasedAt: T0,
});

function lot(quantity: number, addedAt: Temporal.Instant): SeatLot {
  return { quantity, addedAt, refundableUntil: addedAt.add({ hours: 168 }) };
}

function expectAllowed<T>(decision: SubscriptionDecision<T>): T {
  if (!decision.allowed) expect.fail(`expected allowed, got ${decision.code}: ${decision.message}`);
  return decision.outcome;
}

function expectRefused<T>(decision: SubscriptionDecision<T>, code: string) {
  if (decision.allowed) expect.fail(`expected ${code}, got allowed: ${decision.explanation.summary}`);
  expect(decision.code).toBe(code);
  return decision;
}

describe('subscriptionFromPurchase', () => {
  it('opens the term on the UTC purchase date and a 168 h window at the purchase instant', () => {
    expect(plain(base)).toEqual({
      id: 'sub-1',
      skuId: 'CFQ7TTC0LH18:0001',
      status: 'active',
      term: 'P1Y',
      billingCycle: 'monthly',
      termStart: '2026-01-01',
      termEnd: '2027-01-01',
      quantity: 10,
      seatLots: [{ quantity: 10, addedAt: '2026-01-01T09:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' }],
      autoRenew: true,
      scheduledChange: null,
      cancellationAllowedUntil: '2026-01-08T09:00:00Z',
      isAddOn: false,
      isTrial: false,
    });
  });

  it('refuses impossible purchases', () => {
    expect(() => subscriptionFromPurchase({ ...basePurchase(), quantity: 0 })).toThrow(RangeError);
    expect(() =>
      subscriptionFromPurchase({ ...basePurchase(), term: 'P1M', billingCycle: 'annual' }),
    ).toThrow(/cannot be billed/);
    expect(() =>
      subscriptionFromPurchase({ ...basePurchase(), termEnd: parsePlainDate('2027-01-02') }),
    ).toThrow(RangeError);
  });
});

function basePurchase() {
  return {
    id: 'sub-1',
    skuId: 'SKU',
    term: 'P1Y' as const,
    billingCycle: 'monthly' as const,
    quantity: 10,
    purchasedAt: T0,
  };
}

describe('decideQuantityChange: decrease window (168 h, inclusive)', () => {
  const cases: { label: string; now: Temporal.Instant; allowed: boolean }[] = [
    { label: 'at 0 h', now: T0, allowed: true },
    { label: 'at 167 h', now: after(167), allowed: true },
    { label: 'at exactly 168 h', now: after(168), allowed: true },
    { label: '1 ns after 168 h', now: after(168).add({ nanoseconds: 1 }), allowed: false },
    { label: 'at 169 h', now: after(169), allowed: false },
  ];
  for (const { label, now, allowed } of cases) {
    it(`10 → 8 ${label}: ${allowed ? 'allowed' : 'refused'}`, () => {
      const decision = decideQuantityChange(base, 8, now);
      expect(decision.allowed).toBe(allowed);
    });
  }

  it('at 169 h: refused with "schedule the decrease at renewal on 2027-01-01"', () => {
    const decision = expectRefused(decideQuantityChange(base, 8, after(169)), 'decrease_outside_window');
    expect(plain(decision.alternative)).toEqual({
      kind: 'schedule_at_renewal',
      date: '2027-01-01',
      quantity: 8,
    });
    expect(decision.alsoPossible).toEqual([]);
    expect(decision.message).toContain('schedule the decrease for the renewal on 2027-01-01');
    expect(plain(decision.explanation.steps)).toContainEqual({
      label: 'Seats added 2026-01-01T09:00:00Z',
      formula: '10 seats, refundable until 2026-01-08T09:00:00Z; 169 h since added',
      result: 'window closed',
    });
  });

  it('with auto-renew off the alternative is to turn it on and schedule', () => {
    const decision = expectRefused(
      decideQuantityChange({ ...base, autoRenew: false }, 8, after(169)),
      'decrease_outside_window',
    );
    expect(plain(decision.alternative)).toEqual({
      kind: 'turn_on_auto_renew_and_schedule',
      date: '2027-01-01',
      quantity: 8,
    });
    expect(decision.message).toContain('turn on auto-renew and schedule');
  });

  it('at 167 h: 2 seats removed and refunded from the UTC date, for the rest of the charge period', () => {
    const outcome = expectAllowed(decideQuantityChange(base, 8, after(167)));
    if (outcome.kind !== 'decrease') expect.fail('expected a decrease');
    // 2026-01-01T09:00Z + 167 h = 2026-01-08T08:00Z
    expect(plain(outcome.refund)).toEqual({
      quantity: 2,
      effective: '2026-01-08',
      chargePeriod: { start: '2026-01-01', end: '2026-02-01' },
      refundedDays: { start: '2026-01-08', end: '2026-02-01' },
      quantityEvent: { kind: 'change', effective: '2026-01-08', delta: -2 },
    });
    expect(plain(outcome.subscription.seatLots)).toEqual([
      { quantity: 8, addedAt: '2026-01-01T09:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' },
    ]);
    expect(outcome.subscription.quantity).toBe(8);
    // The refund basis feeds proration unchanged: 2 seats × 24 days (01-08..02-01) refunded.
    const [january] = quantitySegments({
      termStart: base.termStart,
      term: base.term,
      billingCycle: base.billingCycle,
      quantity: 10,
      events: [outcome.refund.quantityEvent],
    });
    expect(january!.segments.map((s) => `${s.kind} ${s.quantity} ${s.used}`)).toEqual([
      'advance 10 2026-01-01..2026-02-01',
      'decrease -2 2026-01-08..2026-02-01',
    ]);
  });
});

describe('decideQuantityChange: seat lots', () => {
  // 10 bought at T0, +3 at T0+24 h, +2 at T0+48 h.
  const withLots: Subscription = {
    ...base,
    quantity: 15,
    seatLots: [lot(10, T0), lot(3, after(24)), lot(2, after(48))],
  };

  it('consumes the newest lot first', () => {
    const outcome = expectAllowed(decideQuantityChange(withLots, 11, after(50)));
    if (outcome.kind !== 'decrease') expect.fail('expected a decrease');
    expect(plain(outcome.takenFrom)).toEqual([
      { quantity: 2, addedAt: '2026-01-03T09:00:00Z', refundableUntil: '2026-01-10T09:00:00Z' },
      { quantity: 2, addedAt: '2026-01-02T09:00:00Z', refundableUntil: '2026-01-09T09:00:00Z' },
    ]);
    expect(plain(outcome.subscription.seatLots)).toEqual([
      { quantity: 10, addedAt: '2026-01-01T09:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' },
      { quantity: 1, addedAt: '2026-01-02T09:00:00Z', refundableUntil: '2026-01-09T09:00:00Z' },
    ]);
  });

  it('after the first lot expires only the later lots can go', () => {
    // T0+170 h: the 10 bought at T0 are past their window; 3 + 2 are still refundable.
    expect(expectAllowed(decideQuantityChange(withLots, 10, after(170))).to).toBe(10);
    const refusal = expectRefused(decideQuantityChange(withLots, 9, after(170)), 'decrease_outside_window');
    expect(refusal.message).toContain('Only 5 of the 6 seats');
    expect(plain(refusal.alternative)).toEqual({
      kind: 'schedule_at_renewal',
      date: '2027-01-01',
      quantity: 9,
    });
    expect(plain(refusal.alsoPossible)).toEqual([
      {
        kind: 'decrease_now',
        minimumQuantity: 10,
        lots: [
          { quantity: 3, addedAt: '2026-01-02T09:00:00Z', refundableUntil: '2026-01-09T09:00:00Z' },
          { quantity: 2, addedAt: '2026-01-03T09:00:00Z', refundableUntil: '2026-01-10T09:00:00Z' },
        ],
      },
    ]);
  });

  it('each lot closes at its own deadline', () => {
    // T0+192 h = 2026-01-09T09:00Z: the +3 lot's last instant; the +2 lot lasts one more day.
    expect(decideQuantityChange(withLots, 10, after(192)).allowed).toBe(true);
    expect(decideQuantityChange(withLots, 10, after(193)).allowed).toBe(false);
    expect(decideQuantityChange(withLots, 13, after(216)).allowed).toBe(true);
    expect(decideQuantityChange(withLots, 13, after(217)).allowed).toBe(false);
  });
});

describe('decideQuantityChange: increase', () => {
  it('is allowed long after the window and opens a new 168 h lot', () => {
    const now = instant('2026-06-15T00:00:00Z');
    const outcome = expectAllowed(decideQuantityChange(base, 15, now));
    if (outcome.kind !== 'increase') expect.fail('expected an increase');
    expect(plain(outcome.lot)).toEqual({
      quantity: 5,
      addedAt: '2026-06-15T00:00:00Z',
      refundableUntil: '2026-06-22T00:00:00Z',
    });
    expect(plain(outcome.charge)).toEqual({
      quantity: 5,
      effective: '2026-06-15',
      chargePeriod: { start: '2026-06-01', end: '2026-07-01' },
      chargedDays: { start: '2026-06-15', end: '2026-07-01' },
      quantityEvent: { kind: 'change', effective: '2026-06-15', delta: 5 },
    });
    const increased = outcome.subscription;
    expect(increased.quantity).toBe(15);
    expect(increased.seatLots).toHaveLength(2);
    // The added seats (and only those) can be removed within their own window.
    expect(decideQuantityChange(increased, 10, now.add({ hours: 167 })).allowed).toBe(true);
    expect(decideQuantityChange(increased, 9, now.add({ hours: 167 })).allowed).toBe(false);
    const late = expectRefused(
      decideQuantityChange(increased, 10, now.add({ hours: 169 })),
      'decrease_outside_window',
    );
    expect(plain(late.alternative)).toEqual({
      kind: 'schedule_at_renewal',
      date: '2027-01-01',
      quantity: 10,
    });
  });

  it('wipes a scheduled change, with a note', () => {
    const scheduled = expectAllowed(decideScheduleChange(base, { quantity: 5 }, after(200))).subscription;
    expect(scheduled.scheduledChange).not.toBeNull();
    const decision = decideQuantityChange(scheduled, 12, after(300));
    const outcome = expectAllowed(decision);
    expect(outcome.subscription.scheduledChange).toBeNull();
    expect(plain(outcome.wipedSchedule)).toEqual({
      effectiveOn: '2027-01-01',
      quantity: 5,
      skuId: 'CFQ7TTC0LH18:0001',
      term: 'P1Y',
      billingCycle: 'monthly',
      scheduledAt: '2026-01-09T17:00:00Z',
    });
    expect(outcome.notes).toEqual([
      'The change scheduled for the renewal (quantity 5, SKU CFQ7TTC0LH18:0001, P1Y billed monthly, from ' +
        '2027-01-01) was removed: any immediate mid-term change deletes the changes scheduled for the ' +
        'renewal; schedule it again if it is still wanted',
    ]);
    expect(decision.explanation.steps.at(-1)).toEqual({
      label: 'Scheduled change',
      formula: 'quantity 5, SKU CFQ7TTC0LH18:0001, P1Y billed monthly, from 2027-01-01',
      result: 'removed',
    });
  });
});

describe('decideQuantityChange: refusals', () => {
  const cases: {
    label: string;
    sub: Subscription;
    quantity: number;
    now: Temporal.Instant;
    limits?: { minimum?: number; maximum?: number };
    code: string;
    alternative: unknown;
  }[] = [
    {
      label: 'suspended',
      sub: { ...base, status: 'suspended' },
      quantity: 12,
      now: after(1),
      code: 'subscription_suspended',
      alternative: { kind: 'reactivate_first' },
    },
    {
      label: 'pending',
      sub: { ...base, status: 'pending' },
      quantity: 12,
      now: after(1),
      code: 'subscription_pending',
      alternative: { kind: 'wait_until_provisioned' },
    },
    {
      label: 'cancelled',
      sub: { ...base, status: 'cancelled' },
      quantity: 12,
      now: after(1),
      code: 'subscription_cancelled',
      alternative: { kind: 'purchase_new_subscription' },
    },
    {
      label: 'expired',
      sub: { ...base, status: 'expired' },
      quantity: 12,
      now: after(1),
      code: 'subscription_expired',
      alternative: { kind: 'purchase_new_subscription' },
    },
    {
      label: 'after the term end',
      sub: base,
      quantity: 12,
      now: instant('2027-01-01T00:00:00Z'),
      code: 'outside_term',
      alternative: null,
    },
    {
      label: 'same quantity',
      sub: base,
      quantity: 10,
      now: after(1),
      code: 'quantity_unchanged',
      alternative: null,
    },
    {
      label: 'a fraction',
      sub: base,
      quantity: 10.5,
      now: after(1),
      code: 'invalid_quantity',
      alternative: { kind: 'choose_quantity_in_range', minimum: 1, maximum: null },
    },
    {
      label: 'above the SKU maximum',
      sub: base,
      quantity: 21,
      now: after(1),
      limits: { minimum: 5, maximum: 20 },
      code: 'quantity_out_of_range',
      alternative: { kind: 'choose_quantity_in_range', minimum: 5, maximum: 20 },
    },
    {
      label: 'below the SKU minimum',
      sub: base,
      quantity: 4,
      now: after(1),
      limits: { minimum: 5, maximum: 20 },
      code: 'quantity_out_of_range',
      alternative: { kind: 'choose_quantity_in_range', minimum: 5, maximum: 20 },
    },
    {
      label: 'zero inside the cancellation window',
      sub: base,
      quantity: 0,
      now: after(1),
      code: 'quantity_out_of_range',
      alternative: { kind: 'cancel_subscription', until: '2026-01-08T09:00:00Z' },
    },
    {
      label: 'zero after the cancellation window',
      sub: base,
      quantity: 0,
      now: after(200),
      code: 'quantity_out_of_range',
      alternative: { kind: 'turn_off_auto_renew', date: '2027-01-01', lastDay: '2026-12-31' },
    },
  ];
  for (const c of cases) {
    it(`${c.label} → ${c.code}`, () => {
      const refusal = expectRefused(decideQuantityChange(c.sub, c.quantity, c.now, c.limits), c.code);
      expect(plain(refusal.alternative)).toEqual(c.alternative);
      expect(refusal.explanation.summary).toBe(refusal.message);
    });
  }

  it('refuses a non-Instant now', () => {
    expect(() => decideQuantityChange(base, 12, '2026-01-01T00:00:00Z' as never)).toThrow(TypeError);
  });
});

describe('applyImmediateChange', () => {
  it('returns the state without a schedule, and no note when nothing was scheduled', () => {
    const result = applyImmediateChange(base, { quantity: 11 });
    expect(result.subscription.quantity).toBe(11);
    expect(result.wipedSchedule).toBeNull();
    expect(result.note).toBeNull();
  });
});

describe('decideQuantityChange properties', () => {
  // Random changes at increasing times: lots always account for every seat, and a decrease is
  // allowed exactly when it removes no more seats than are inside their window at that moment.
  it('keeps lots equal to the quantity and allows a decrease iff it fits the open windows', () => {
    const op = fc.record({
      hoursLater: fc.integer({ min: 0, max: 200 }),
      quantity: fc.integer({ min: 1, max: 30 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 25 }), (ops) => {
        let sub: Subscription = base;
        let now = T0;
        for (const { hoursLater, quantity } of ops) {
          now = now.add({ hours: hoursLater });
          if (Temporal.Instant.compare(now, instant('2027-01-01T00:00:00Z')) >= 0) break;
          const refundable = sub.seatLots
            .filter((l) => Temporal.Instant.compare(now, l.refundableUntil) <= 0)
            .reduce((n, l) => n + l.quantity, 0);
          const decision = decideQuantityChange(sub, quantity, now);
          if (quantity === sub.quantity) expect(decision.allowed).toBe(false);
          else if (quantity > sub.quantity) expect(decision.allowed).toBe(true);
          else expect(decision.allowed).toBe(sub.quantity - quantity <= refundable);
          if (decision.allowed) {
            sub = decision.outcome.subscription;
            expect(sub.quantity).toBe(quantity);
          }
          expect(sub.seatLots.reduce((n, l) => n + l.quantity, 0)).toBe(sub.quantity);
          expect(sub.seatLots.every((l) => l.quantity > 0)).toBe(true);
        }
      }),
    );
  });
});
