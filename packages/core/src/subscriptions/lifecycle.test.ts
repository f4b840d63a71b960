import { describe, expect, it } from 'vitest';
import { Temporal } from '../time/calendar.ts';
import { decideCancel } from './cancel.ts';
import { subscriptionFromPurchase } from './purchase.ts';
import { decideQuantityChange } from './quantity.ts';
import { renew } from './renewal.ts';
import { decideClearScheduledChange, decideScheduleChange } from './schedule.ts';
import { decideAutoRenew, decideReactivate, decideSuspend } from './suspension.ts';
import type { SeatLot, Subscription, SubscriptionDecision } from './types.ts';
import { decideUpgrade } from './upgrade.ts';

const instant = (s: string) => Temporal.Instant.from(s);
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

// P1Y billed monthly, 10 seats, bought 2026-01-01T09:00Z; window until 2026-01-08T09:00Z.
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

function expectAllowed<T>(decision: SubscriptionDecision<T>): T {
  if (!decision.allowed) expect.fail(`expected allowed, got ${decision.code}: ${decision.message}`);
  return decision.outcome;
}

function expectRefused<T>(decision: SubscriptionDecision<T>, code: string) {
  if (decision.allowed) expect.fail(`expected ${code}, got allowed: ${decision.explanation.summary}`);
  expect(decision.code).toBe(code);
  return decision;
}

const scheduledBase = expectAllowed(decideScheduleChange(base, { quantity: 5 }, after(200))).subscription;

describe('decideCancel', () => {
  const cases: {
    label: string;
    sub: Subscription;
    now: Temporal.Instant;
    code: string | null;
    alternative?: unknown;
  }[] = [
    { label: 'at 1 h', sub: base, now: after(1), code: null },
    { label: 'at 167 h', sub: base, now: after(167), code: null },
    { label: 'at exactly 168 h', sub: base, now: after(168), code: null },
    {
      label: 'suspended, inside the window',
      sub: { ...base, status: 'suspended' },
      now: after(2),
      code: null,
    },
    {
      label: '1 ns after 168 h',
      sub: base,
      now: after(168).add({ nanoseconds: 1 }),
      code: 'cancel_outside_window',
      alternative: { kind: 'turn_off_auto_renew', date: '2027-01-01', lastDay: '2026-12-31' },
    },
    {
      label: 'at 169 h with auto-renew off',
      sub: { ...base, autoRenew: false },
      now: after(169),
      code: 'cancel_outside_window',
      alternative: { kind: 'ends_at_term_end', date: '2027-01-01', lastDay: '2026-12-31' },
    },
    {
      label: 'no cancellation window at all',
      sub: { ...base, cancellationAllowedUntil: null },
      now: after(1),
      code: 'not_cancellable',
      alternative: { kind: 'turn_off_auto_renew', date: '2027-01-01', lastDay: '2026-12-31' },
    },
    {
      label: 'already cancelled',
      sub: { ...base, status: 'cancelled' },
      now: after(1),
      code: 'subscription_cancelled',
      alternative: { kind: 'purchase_new_subscription' },
    },
    {
      label: 'pending',
      sub: { ...base, status: 'pending' },
      now: after(1),
      code: 'subscription_pending',
      alternative: { kind: 'wait_until_provisioned' },
    },
  ];
  for (const c of cases) {
    it(`${c.label}: ${c.code ?? 'allowed'}`, () => {
      const decision = decideCancel(c.sub, c.now);
      if (c.code === null) {
        expect(decision.allowed).toBe(true);
        return;
      }
      const refusal = expectRefused(decision, c.code);
      expect(plain(refusal.alternative)).toEqual(c.alternative);
    });
  }

  it('says what to do instead after the window', () => {
    const refusal = expectRefused(decideCancel(base, after(169)), 'cancel_outside_window');
    expect(refusal.message).toBe(
      'The cancellation window closed at 2026-01-08T09:00:00Z; turn off auto-renew so that it ends on 2027-01-01',
    );
    expect(plain(refusal.explanation.steps)).toEqual([
      {
        label: 'Cancellation allowed until',
        formula: 'cancellationAllowedUntil (inclusive)',
        result: '2026-01-08T09:00:00Z',
      },
      { label: 'Now', formula: '2026-01-08T10:00:00Z, 1 h after the deadline', result: 'window closed' },
    ]);
  });

  it('inside the window: cancelled, with a prorated refund basis for every seat', () => {
    // 2026-01-03T09:00Z: 48 h in, 120 h left; refund 2026-01-03..2026-02-01 (29 of 31 days).
    const decision = decideCancel(scheduledBase, after(48));
    const outcome = expectAllowed(decision);
    expect(plain(outcome.refund)).toEqual({
      quantity: 10,
      effective: '2026-01-03',
      chargePeriod: { start: '2026-01-01', end: '2026-02-01' },
      refundedDays: { start: '2026-01-03', end: '2026-02-01' },
      quantityEvent: { kind: 'cancel', effective: '2026-01-03' },
    });
    expect(plain(outcome.subscription)).toMatchObject({
      status: 'cancelled',
      autoRenew: false,
      scheduledChange: null,
      seatLots: [],
      cancellationAllowedUntil: null,
    });
    expect(decision.explanation.summary).toBe(
      'Cancellation allowed until 2026-01-08T09:00:00Z (120 h left); 10 seats are refunded from 2026-01-03',
    );
    expect(decision.explanation.steps).toContainEqual({
      label: 'Prorated refund',
      formula: '10 seats from 2026-01-03 to the end of the charge period 2026-01-01..2026-02-01',
      result: '29 of 31 days',
    });
  });

  it('refunds the rest of an annual charge period for annual billing', () => {
    const annual = { ...base, billingCycle: 'annual' as const };
    const outcome = expectAllowed(decideCancel(annual, after(100)));
    expect(plain(outcome.refund.chargePeriod)).toEqual({ start: '2026-01-01', end: '2027-01-01' });
    expect(outcome.refund.refundedDays.days()).toBe(361);
  });
});

describe('decideSuspend / decideReactivate', () => {
  it('suspension keeps billing, disables auto-renew and wipes the scheduled change (RULES.md §6.3)', () => {
    const outcome = expectAllowed(decideSuspend(scheduledBase, after(300)));
    expect(outcome.subscription.status).toBe('suspended');
    expect(outcome.subscription.autoRenew).toBe(false);
    expect(outcome.subscription.scheduledChange).toBeNull();
    expect(outcome.subscription.termEnd.toString()).toBe('2027-01-01');
    expect(outcome.autoRenewWasOn).toBe(true);
    expect(outcome.wipedSchedule?.quantity).toBe(5);
    expect(outcome.notes[0]).toBe(
      'Billing continues while suspended; the commitment end date does not change',
    );
  });

  it('refuses changes while suspended, and a second suspension', () => {
    const suspended = expectAllowed(decideSuspend(base, after(1))).subscription;
    expectRefused(decideSuspend(suspended, after(2)), 'already_suspended');
    expectRefused(decideQuantityChange(suspended, 12, after(2)), 'subscription_suspended');
    expectRefused(decideScheduleChange(suspended, { quantity: 5 }, after(2)), 'subscription_suspended');
    expectRefused(decideAutoRenew(suspended, true), 'subscription_suspended');
    expectRefused(decideUpgrade(suspended, { skuId: 'PREMIUM' }, after(2)), 'subscription_suspended');
  });

  it('reactivation resumes service but leaves auto-renew off', () => {
    const suspended = expectAllowed(decideSuspend(base, after(300))).subscription;
    const outcome = expectAllowed(decideReactivate(suspended, after(400)));
    expect(outcome.subscription.status).toBe('active');
    expect(outcome.subscription.autoRenew).toBe(false);
    expect(plain(outcome.suggested)).toEqual([{ kind: 'turn_on_auto_renew' }]);
    expect(decideAutoRenew(outcome.subscription, true).allowed).toBe(true);
  });

  it('refuses to reactivate an active subscription or one whose term ended while suspended', () => {
    expectRefused(decideReactivate(base, after(1)), 'not_suspended');
    const suspended = { ...base, status: 'suspended' as const, autoRenew: false };
    const ended = expectRefused(decideReactivate(suspended, instant('2027-01-01T00:00:00Z')), 'outside_term');
    expect(plain(ended.alternative)).toEqual({ kind: 'purchase_new_subscription' });
    expect(decideReactivate(suspended, instant('2026-12-31T23:59:59Z')).allowed).toBe(true);
  });
});

describe('decideAutoRenew', () => {
  it('turning it off ends the subscription at the term end and removes the schedule', () => {
    const outcome = expectAllowed(decideAutoRenew(scheduledBase, false));
    expect(outcome.subscription.autoRenew).toBe(false);
    expect(outcome.subscription.scheduledChange).toBeNull();
    expect(outcome.endsOn?.toString()).toBe('2027-01-01');
    expect(outcome.renewsOn).toBeNull();
    expect(outcome.wipedSchedule?.quantity).toBe(5);
  });

  it('refuses a no-op and ended subscriptions', () => {
    expectRefused(decideAutoRenew(base, true), 'auto_renew_unchanged');
    expectRefused(decideAutoRenew({ ...base, status: 'expired' }, true), 'subscription_expired');
    expect(expectAllowed(decideAutoRenew({ ...base, autoRenew: false }, true)).renewsOn?.toString()).toBe(
      '2027-01-01',
    );
  });
});

describe('decideScheduleChange', () => {
  it('schedules for the renewal date, resolving omitted fields from the subscription', () => {
    const decision = decideScheduleChange(base, { quantity: 5, billingCycle: 'annual' }, after(200));
    const outcome = expectAllowed(decision);
    expect(plain(outcome.scheduledChange)).toEqual({
      effectiveOn: '2027-01-01',
      quantity: 5,
      skuId: 'BASIC',
      term: 'P1Y',
      billingCycle: 'annual',
      scheduledAt: '2026-01-09T17:00:00Z',
    });
    expect(plain(outcome.nextTerm)).toEqual({ start: '2027-01-01', end: '2028-01-01' });
    expect(plain(outcome.firstChargePeriod)).toEqual({ start: '2027-01-01', end: '2028-01-01' });
    expect(outcome.replaced).toBeNull();
    expect(decision.explanation.summary).toBe(
      'Scheduled for the renewal on 2027-01-01: quantity 5, SKU BASIC, P1Y billed annual, from 2027-01-01',
    );
  });

  it('replaces an earlier schedule whole', () => {
    const first = expectAllowed(decideScheduleChange(base, { quantity: 5 }, after(200))).subscription;
    const second = expectAllowed(decideScheduleChange(first, { skuId: 'PREMIUM' }, after(201)));
    expect(second.replaced?.quantity).toBe(5);
    expect(second.scheduledChange.quantity).toBe(10);
    expect(second.scheduledChange.skuId).toBe('PREMIUM');
  });

  it('needs auto-renew', () => {
    const refusal = expectRefused(
      decideScheduleChange({ ...base, autoRenew: false }, { quantity: 5 }, after(200)),
      'auto_renew_required',
    );
    expect(plain(refusal.alternative)).toEqual({
      kind: 'turn_on_auto_renew_and_schedule',
      date: '2027-01-01',
      quantity: 5,
    });
  });

  const refusals: { label: string; change: object; options?: object; code: string; alternative: unknown }[] =
    [
      { label: 'nothing', change: {}, code: 'no_change', alternative: null },
      {
        label: 'the current values',
        change: { quantity: 10, skuId: 'BASIC' },
        code: 'no_change',
        alternative: null,
      },
      {
        label: 'a monthly term billed annually',
        change: { term: 'P1M', billingCycle: 'annual' },
        code: 'invalid_term_billing_combination',
        alternative: { kind: 'choose_billing_cycle', billingCycles: ['monthly'] },
      },
      {
        label: 'a monthly term keeping annual billing',
        change: { term: 'P1M' },
        code: 'invalid_term_billing_combination',
        alternative: { kind: 'choose_billing_cycle', billingCycles: ['monthly'] },
      },
      { label: 'an unknown term', change: { term: 'P2Y' }, code: 'invalid_term', alternative: null },
      {
        label: 'too many seats',
        change: { quantity: 301 },
        options: { maximum: 300 },
        code: 'quantity_out_of_range',
        alternative: { kind: 'choose_quantity_in_range', minimum: 1, maximum: 300 },
      },
      {
        label: 'an ineligible SKU',
        change: { skuId: 'OTHER' },
        options: { eligibleSkuIds: ['PREMIUM'] },
        code: 'sku_not_eligible',
        alternative: { kind: 'choose_eligible_sku', skuIds: ['PREMIUM'] },
      },
    ];
  for (const r of refusals) {
    it(`refuses ${r.label} (${r.code})`, () => {
      // This case starts from annual billing, which a P1M term cannot keep.
      const sub =
        r.label === 'a monthly term keeping annual billing'
          ? { ...base, billingCycle: 'annual' as const }
          : base;
      const refusal = expectRefused(decideScheduleChange(sub, r.change, after(200), r.options), r.code);
      expect(plain(refusal.alternative)).toEqual(r.alternative);
    });
  }

  it('can be cleared', () => {
    const outcome = expectAllowed(decideClearScheduledChange(scheduledBase));
    expect(outcome.subscription.scheduledChange).toBeNull();
    expect(outcome.removed.quantity).toBe(5);
    expectRefused(decideClearScheduledChange(base), 'no_scheduled_change');
  });
});

describe('renew', () => {
  // Renewal job runs 6 h into the new term's first day.
  const RUN = instant('2027-01-01T06:00:00Z');

  it('applies the scheduled change and opens a new 168 h window from the renewal', () => {
    const scheduled = expectAllowed(
      decideScheduleChange(base, { quantity: 5, billingCycle: 'annual' }, after(200)),
    ).subscription;
    const decision = renew(scheduled, RUN);
    const outcome = expectAllowed(decision);
    expect(outcome.kind).toBe('renewed');
    expect(plain(outcome.subscription)).toEqual({
      id: 'sub-1',
      skuId: 'BASIC',
      status: 'active',
      term: 'P1Y',
      billingCycle: 'annual',
      termStart: '2027-01-01',
      termEnd: '2028-01-01',
      quantity: 5,
      seatLots: [{ quantity: 5, addedAt: '2027-01-01T06:00:00Z', refundableUntil: '2027-01-08T06:00:00Z' }],
      autoRenew: true,
      scheduledChange: null,
      cancellationAllowedUntil: '2027-01-08T06:00:00Z',
      isAddOn: false,
      isTrial: false,
    });
    expect(outcome.appliedChange?.quantity).toBe(5);
    expect(plain(outcome.previousTerm)).toEqual({ start: '2026-01-01', end: '2027-01-01' });

    // The new window works like the first one: 167 h in allowed, 169 h refused.
    const renewed = outcome.subscription;
    expect(decideQuantityChange(renewed, 4, RUN.add({ hours: 167 })).allowed).toBe(true);
    const late = expectRefused(
      decideQuantityChange(renewed, 4, RUN.add({ hours: 169 })),
      'decrease_outside_window',
    );
    expect(plain(late.alternative)).toEqual({ kind: 'schedule_at_renewal', date: '2028-01-01', quantity: 4 });
    expect(decideCancel(renewed, RUN.add({ hours: 168 })).allowed).toBe(true);
    expectRefused(decideCancel(renewed, RUN.add({ hours: 169 })), 'cancel_outside_window');
  });

  it('renews unchanged without a schedule; a term change moves the term end', () => {
    const same = expectAllowed(renew(base, RUN)).subscription;
    expect([same.termStart.toString(), same.termEnd.toString(), same.quantity]).toEqual([
      '2027-01-01',
      '2028-01-01',
      10,
    ]);
    const toP3Y = expectAllowed(
      decideScheduleChange(base, { term: 'P3Y', billingCycle: 'triennial' }, after(200)),
    ).subscription;
    const renewed = expectAllowed(renew(toP3Y, RUN)).subscription;
    expect([renewed.term, renewed.billingCycle, renewed.termEnd.toString()]).toEqual([
      'P3Y',
      'triennial',
      '2030-01-01',
    ]);
  });

  it('expires without auto-renew, dropping lots and windows', () => {
    const outcome = expectAllowed(renew({ ...base, autoRenew: false }, RUN));
    expect(outcome.kind).toBe('expired');
    expect(plain(outcome.subscription)).toMatchObject({
      status: 'expired',
      autoRenew: false,
      seatLots: [],
      cancellationAllowedUntil: null,
      scheduledChange: null,
      termEnd: '2027-01-01',
    });
    expectRefused(decideQuantityChange(outcome.subscription, 12, RUN), 'subscription_expired');
  });

  it('expires a subscription still suspended at the term end', () => {
    const suspended = expectAllowed(decideSuspend(scheduledBase, after(300))).subscription;
    const outcome = expectAllowed(renew(suspended, RUN));
    expect(outcome.kind).toBe('expired');
    expect(outcome.appliedChange).toBeNull();
  });

  it('converts a trial to paid', () => {
    expect(expectAllowed(renew({ ...base, isTrial: true }, RUN)).subscription.isTrial).toBe(false);
  });

  it('refuses before the term end (the start of the term-end date, UTC)', () => {
    const early = expectRefused(renew(base, instant('2026-12-31T23:59:59Z')), 'term_not_ended');
    expect(plain(early.alternative)).toEqual({ kind: 'wait_until', at: '2027-01-01T00:00:00Z' });
    expect(renew(base, instant('2027-01-01T00:00:00Z')).allowed).toBe(true);
    expectRefused(renew({ ...base, status: 'cancelled' }, RUN), 'subscription_cancelled');
  });
});

describe('decideUpgrade', () => {
  it('a full upgrade changes the SKU in place, keeps the window and wipes the schedule', () => {
    const outcome = expectAllowed(decideUpgrade(scheduledBase, { skuId: 'PREMIUM' }, after(250)));
    expect(outcome.kind).toBe('full');
    expect(outcome.created).toBeNull();
    expect(outcome.source.skuId).toBe('PREMIUM');
    expect(outcome.source.quantity).toBe(10);
    expect(outcome.source.cancellationAllowedUntil?.toString()).toBe('2026-01-08T09:00:00Z');
    expect(outcome.source.scheduledChange).toBeNull();
    expect(outcome.wipedSchedule?.quantity).toBe(5);
  });

  it('a partial upgrade creates a co-terminous subscription that inherits the cancellation window', () => {
    // 100 h after purchase: 68 h left in the parent's window.
    const decision = decideUpgrade(base, { skuId: 'PREMIUM', quantity: 3 }, after(100));
    const outcome = expectAllowed(decision);
    expect(outcome.kind).toBe('partial');
    expect(outcome.source.quantity).toBe(7);
    expect(plain(outcome.source.seatLots)).toEqual([
      { quantity: 7, addedAt: '2026-01-01T09:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' },
    ]);
    expect(plain(outcome.created)).toEqual({
      skuId: 'PREMIUM',
      status: 'active',
      term: 'P1Y',
      billingCycle: 'monthly',
      termStart: '2026-01-01',
      termEnd: '2027-01-01',
      quantity: 3,
      seatLots: [{ quantity: 3, addedAt: '2026-01-05T13:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' }],
      autoRenew: true,
      scheduledChange: null,
      cancellationAllowedUntil: '2026-01-08T09:00:00Z',
      isAddOn: false,
      isTrial: false,
    });
    expect(decision.explanation.steps).toContainEqual({
      label: 'New subscription cancellable until',
      formula: 'inherited from sub-1; it does not reopen before the renewal',
      result: '2026-01-08T09:00:00Z',
    });
    // The window does not reopen: 169 h after the parent's purchase, only 69 h after the upgrade.
    const created: Subscription = { id: 'sub-2', ...outcome.created! };
    expect(decideCancel(created, after(168)).allowed).toBe(true);
    expectRefused(decideCancel(created, after(169)), 'cancel_outside_window');
    expectRefused(decideQuantityChange(created, 2, after(169)), 'decrease_outside_window');
  });

  it('after the parent window, the new subscription is not refundable at all', () => {
    const outcome = expectAllowed(decideUpgrade(base, { skuId: 'PREMIUM', quantity: 3 }, after(200)));
    const created: Subscription = { id: 'sub-2', ...outcome.created! };
    expectRefused(decideCancel(created, after(200)), 'cancel_outside_window');
    expectRefused(decideQuantityChange(created, 2, after(200)), 'decrease_outside_window');
  });

  it('moves refundable seats out of the source first, newest first, then the others', () => {
    const lots: SeatLot[] = [
      { quantity: 10, addedAt: T0, refundableUntil: after(168) },
      { quantity: 2, addedAt: after(120), refundableUntil: after(288) },
    ];
    const source: Subscription = { ...base, quantity: 12, seatLots: lots };
    const outcome = expectAllowed(decideUpgrade(source, { skuId: 'PREMIUM', quantity: 3 }, after(200)));
    expect(plain(outcome.source.seatLots)).toEqual([
      { quantity: 9, addedAt: '2026-01-01T09:00:00Z', refundableUntil: '2026-01-08T09:00:00Z' },
    ]);
  });

  const refusals: { label: string; sub: Subscription; skuId: string; quantity?: number; code: string }[] = [
    { label: 'the same SKU', sub: base, skuId: 'BASIC', code: 'same_sku' },
    {
      label: 'more seats than the source has',
      sub: base,
      skuId: 'PREMIUM',
      quantity: 11,
      code: 'invalid_quantity',
    },
    { label: 'zero seats', sub: base, skuId: 'PREMIUM', quantity: 0, code: 'invalid_quantity' },
    {
      label: 'a pending source',
      sub: { ...base, status: 'pending' },
      skuId: 'PREMIUM',
      code: 'subscription_pending',
    },
    { label: 'an ineligible target', sub: base, skuId: 'OTHER', code: 'sku_not_eligible' },
  ];
  for (const r of refusals) {
    it(`refuses ${r.label} (${r.code})`, () => {
      const target = r.quantity === undefined ? { skuId: r.skuId } : { skuId: r.skuId, quantity: r.quantity };
      expectRefused(
        decideUpgrade(r.sub, target, after(10), { eligibleSkuIds: ['PREMIUM', 'BASIC'] }),
        r.code,
      );
    });
  }
});
