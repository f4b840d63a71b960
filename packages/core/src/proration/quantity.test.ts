import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate, Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { type BillingCycle, type TermDuration, termPeriod } from './charge-periods.ts';
import { ProrationError } from './errors.ts';
import { proratedCharge, roundLine } from './prorate.ts';
import { periodCharge, type QuantityEvent, type QuantitySchedule, quantitySegments } from './quantity.ts';

const date = parsePlainDate;
const change = (effective: string, delta: number): QuantityEvent => ({
  kind: 'change',
  effective: date(effective),
  delta,
});
const cancel = (effective: string): QuantityEvent => ({ kind: 'cancel', effective: date(effective) });

function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ProrationError);
    expect((error as ProrationError).code).toBe(code);
    return;
  }
  expect.fail('expected a ProrationError');
}

// Monthly-billed P1Y from 2026-01-20 with 10 seats: +5 on 02-01, −3 on 02-05 (undoing part of the
// add inside its window), cancelled on 03-22.
const schedule: QuantitySchedule = {
  termStart: date('2026-01-20'),
  term: 'P1Y',
  billingCycle: 'monthly',
  quantity: 10,
  events: [cancel('2026-03-22'), change('2026-02-01', 5), change('2026-02-05', -3)],
};

const summary = (s: ReturnType<typeof quantitySegments>[number]['segments'][number]) =>
  `${s.kind} ${s.quantity} ${s.used}`;

describe('quantitySegments', () => {
  it('charges in advance, then each change for the rest of its charge period', () => {
    const periods = quantitySegments(schedule);
    expect(periods.map((p) => p.chargePeriod.toString())).toEqual([
      '2026-01-20..2026-02-20',
      '2026-02-20..2026-03-20',
      '2026-03-20..2026-04-20',
    ]);
    const [first, second, third] = periods;
    expect(first!.segments.map(summary)).toEqual([
      'advance 10 2026-01-20..2026-02-20',
      'increase 5 2026-02-01..2026-02-20',
      'decrease -3 2026-02-05..2026-02-20',
    ]);
    // 10 × 31 + 5 × 19 − 3 × 15 = 310 + 95 − 45 = 360 seat-days; 10 + 5 − 3 = 12 seats after.
    expect([first!.openingQuantity, first!.closingQuantity, first!.quantityDays]).toEqual([10, 12, 360]);
    // 12 × 28 = 336 seat-days (2026-02-20 → 2026-03-20 is 28 days).
    expect(second!.segments.map(summary)).toEqual(['advance 12 2026-02-20..2026-03-20']);
    expect(second!.quantityDays).toBe(336);
    // Cancelled on 03-22 after 2 days: 12 × 31 − 12 × 29 = 372 − 348 = 24 = 12 seats × 2 days.
    expect(third!.segments.map(summary)).toEqual([
      'advance 12 2026-03-20..2026-04-20',
      'cancellation -12 2026-03-22..2026-04-20',
    ]);
    expect([third!.closingQuantity, third!.quantityDays]).toEqual([0, 24]);
  });

  it('prices each segment and the whole period line consistently', () => {
    const [first, , third] = quantitySegments(schedule);
    const unitPrice = Money.of('3000', 'JPY');
    const line = periodCharge(unitPrice, first!);
    // 3000 × 360 / 31 = 1080000 / 31 = 34838.709677…, half up → 34839
    expect(roundLine(line.amount).amount.toString()).toBe('34839');
    // The segments prorated one by one, added unrounded, give the same line.
    const parts = first!.segments.map(
      (s) =>
        proratedCharge({ unitPrice, quantity: s.quantity, chargePeriod: first!.chargePeriod, used: s.used })
          .amount,
    );
    // 3000 × 10 = 30000; 3000 × 5 × 19 / 31 = 9193.548…; 3000 × −3 × 15 / 31 = −4354.838…;
    // 30000 + 9193.548… − 4354.838… = 34838.709…, half up → 34839
    expect(roundLine(Money.sum(parts, 'JPY')).amount.toString()).toBe('34839');
    expect(line.explanation.steps).toEqual([
      {
        label: 'Charged in advance from 2026-01-20',
        formula: '10 × 31 days (2026-01-20 to 2026-02-19)',
        result: '310 seat-days',
      },
      {
        label: 'Seats added from 2026-02-01',
        formula: '5 × 19 days (2026-02-01 to 2026-02-19)',
        result: '95 seat-days',
      },
      {
        label: 'Seats removed (refund) from 2026-02-05',
        formula: '-3 × 15 days (2026-02-05 to 2026-02-19)',
        result: '-45 seat-days',
      },
      {
        label: 'Charge for the period',
        formula: '3000 JPY × 360 seat-days / 31 days',
        result: '34838.7096774193548387096774193548387096774194 JPY',
      },
    ]);
    // The cancellation refund alone: −12 × 3000 × 29 / 31 = −1044000 / 31 = −33677.419…, half up → −33677
    const refund = third!.segments[1]!;
    expect(
      roundLine(
        proratedCharge({
          unitPrice,
          quantity: refund.quantity,
          chargePeriod: third!.chargePeriod,
          used: refund.used,
        }).amount,
      ).amount.toString(),
    ).toBe('-33677');
    // Net for the period: 3000 × 24 / 31 = 72000 / 31 = 2322.58…, half up → 2323
    expect(roundLine(periodCharge(unitPrice, third!).amount).amount.toString()).toBe('2323');
  });

  it('returns only the charge periods touching `within`, with the quantity reached by then', () => {
    const march = quantitySegments(schedule, Period.parse('2026-03'));
    expect(march.map((p) => [p.chargePeriod.toString(), p.openingQuantity])).toEqual([
      ['2026-02-20..2026-03-20', 12],
      ['2026-03-20..2026-04-20', 12],
    ]);
    expect(quantitySegments(schedule, Period.parse('2026-05'))).toEqual([]);
  });

  it('refunds everything for a cancellation on the first day', () => {
    const [only, ...rest] = quantitySegments({
      termStart: date('2026-04-01'),
      term: 'P1Y',
      billingCycle: 'annual',
      quantity: 5,
      events: [cancel('2026-04-01')],
    });
    expect(rest).toEqual([]);
    expect(only!.segments.map(summary)).toEqual([
      'advance 5 2026-04-01..2027-04-01',
      'cancellation -5 2026-04-01..2027-04-01',
    ]);
    // 5 × 365 − 5 × 365 = 0 seat-days
    expect(only!.quantityDays).toBe(0);
  });

  it('prorates an annual add of 5 seats on 2026-10-15', () => {
    const [year] = quantitySegments({
      termStart: date('2026-04-01'),
      term: 'P1Y',
      billingCycle: 'annual',
      quantity: 10,
      events: [change('2026-10-15', 5)],
    });
    const add = year!.segments[1]!;
    expect(summary(add)).toBe('increase 5 2026-10-15..2027-04-01');
    const charge = proratedCharge({
      unitPrice: Money.of('24000', 'JPY'),
      quantity: add.quantity,
      chargePeriod: year!.chargePeriod,
      used: add.used,
    });
    // 5 × 24000 × 168 / 365 = 20160000 / 365 = 55232.876…, half up → 55233
    expect(roundLine(charge.amount).amount.toString()).toBe('55233');
  });

  it('refuses impossible schedules', () => {
    const base = {
      termStart: date('2026-01-01'),
      term: 'P1Y' as const,
      billingCycle: 'monthly' as const,
      quantity: 3,
    };
    expectCode(
      () => quantitySegments({ ...base, events: [change('2026-02-01', -4)] }),
      'invalid_quantity_change',
    );
    expectCode(
      () => quantitySegments({ ...base, events: [change('2026-02-01', 0)] }),
      'invalid_quantity_change',
    );
    expectCode(
      () => quantitySegments({ ...base, events: [change('2027-01-01', 1)] }),
      'invalid_quantity_change',
    );
    expectCode(
      () => quantitySegments({ ...base, events: [change('2025-12-31', 1)] }),
      'invalid_quantity_change',
    );
    expectCode(
      () => quantitySegments({ ...base, events: [cancel('2026-02-01'), change('2026-02-03', 1)] }),
      'invalid_quantity_change',
    );
    expectCode(
      () => quantitySegments({ ...base, events: [cancel('2026-02-01'), change('2026-06-03', 1)] }),
      'invalid_quantity_change',
    );
    expectCode(() => quantitySegments({ ...base, quantity: 0, events: [] }), 'invalid_quantity');
    expectCode(() => quantitySegments({ ...base, events: [change('2026-02-01', 0.5)] }), 'invalid_quantity');
  });
});

const combos: [TermDuration, BillingCycle][] = [
  ['P1M', 'monthly'],
  ['P1Y', 'monthly'],
  ['P1Y', 'annual'],
  ['P3Y', 'annual'],
];

const scheduleArb = fc
  .record({
    start: fc.integer({ min: 0, max: 365 * 10 }),
    combo: fc.constantFrom(...combos),
    quantity: fc.integer({ min: 1, max: 20 }),
    changes: fc.array(
      fc.tuple(
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.integer({ min: -5, max: 5 }),
      ),
      {
        maxLength: 8,
      },
    ),
    cancelAt: fc.option(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
  })
  .map(({ start, combo: [term, billingCycle], quantity, changes, cancelAt }) => {
    const termStart = Temporal.PlainDate.from('2024-01-01').add({ days: start });
    const days = termPeriod(termStart, term).days();
    const at = (f: number) => termStart.add({ days: Math.floor(f * days) });
    const cancelDate = cancelAt === null ? null : at(cancelAt);
    // Keep only changes that are non-zero, before the cancellation and never below zero seats.
    const sorted = changes
      .map(([f, delta]) => ({ effective: at(f), delta }))
      .filter(
        (c) =>
          c.delta !== 0 && (cancelDate === null || Temporal.PlainDate.compare(c.effective, cancelDate) < 0),
      )
      .sort((a, b) => Temporal.PlainDate.compare(a.effective, b.effective));
    const events: QuantityEvent[] = [];
    let held = quantity;
    for (const c of sorted) {
      if (held + c.delta < 0) continue;
      held += c.delta;
      events.push({ kind: 'change', ...c });
    }
    if (cancelDate !== null) events.push({ kind: 'cancel', effective: cancelDate });
    return { termStart, term, billingCycle, quantity, events } satisfies QuantitySchedule;
  });

describe('quantitySegments properties', () => {
  it('charges each period the seats held day by day', () => {
    fc.assert(
      fc.property(scheduleArb, (s) => {
        const heldOn = (day: Temporal.PlainDate): number => {
          let held = s.quantity;
          for (const e of s.events) {
            if (Temporal.PlainDate.compare(e.effective, day) > 0) break;
            held = e.kind === 'cancel' ? 0 : held + e.delta;
          }
          return held;
        };
        const periods = quantitySegments(s);
        for (const p of periods) {
          let expected = 0;
          for (let d = p.chargePeriod.start; p.chargePeriod.contains(d); d = d.add({ days: 1 }))
            expected += heldOn(d);
          expect(p.quantityDays).toBe(expected);
          expect(p.closingQuantity).toBe(heldOn(p.chargePeriod.end.subtract({ days: 1 })));
        }
        const cancel = s.events.find((e) => e.kind === 'cancel');
        if (cancel !== undefined) expect(periods.at(-1)!.chargePeriod.contains(cancel.effective)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
