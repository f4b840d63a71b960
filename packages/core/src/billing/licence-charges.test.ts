import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import type { BillingCycle, TermDuration } from '../proration/charge-periods.ts';
import type { QuantityEvent } from '../proration/quantity.ts';
import { parsePlainDate, type Temporal } from '../time/calendar.ts';
import {
  fastLicenceCharges,
  type LicenceSchedule,
  licenceCharges,
  licenceChargesReference,
} from './licence-charges.ts';

const d = (s: string) => parsePlainDate(s);

/** The outcome of a computation, errors included, in a comparable form. */
function outcome(f: () => ReturnType<typeof licenceCharges>) {
  try {
    return {
      ok: f().map((c) => ({ ...c, amount: `${c.amount.toString()} ${c.amount.currency}` })),
    };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

const day0 = d('2023-12-15');
const date = fc.integer({ min: 0, max: 2000 }).map((n) => day0.add({ days: n }));
const terms: [TermDuration, BillingCycle][] = [
  ['P1M', 'monthly'],
  ['P1Y', 'monthly'],
  ['P1Y', 'annual'],
  ['P3Y', 'monthly'],
  ['P3Y', 'annual'],
  ['P3Y', 'triennial'],
];

const schedule = (clean: boolean) =>
  fc
    .record({
      termStart: date,
      shape: fc.constantFrom(...terms),
      quantity: clean ? fc.integer({ min: 1, max: 300 }) : fc.integer({ min: -2, max: 300 }),
      price: fc.constantFrom('1090', '999.99', '12.3456', '0.01', '31000'),
      currency: fc.constantFrom('JPY', 'USD'),
      events: fc.array(
        fc.record({
          offset: fc.integer({ min: clean ? 0 : -20, max: clean ? 360 : 1200 }),
          cancel: clean ? fc.constant(false) : fc.boolean(),
          delta: clean ? fc.integer({ min: 1, max: 20 }) : fc.integer({ min: -40, max: 20 }),
        }),
        { maxLength: 5 },
      ),
      until: fc.integer({ min: clean ? 1 : -10, max: 1200 }),
    })
    .map(({ termStart, shape, quantity, price, currency, events, until }) => ({
      schedule: {
        termStart,
        term: shape[0],
        billingCycle: shape[1],
        quantity,
        unitPrice: Money.of(price, currency),
        events: events.map(
          (e): QuantityEvent =>
            e.cancel
              ? { kind: 'cancel', effective: termStart.add({ days: e.offset }) }
              : { kind: 'change', effective: termStart.add({ days: e.offset }), delta: e.delta },
        ),
      } satisfies LicenceSchedule,
      until: termStart.add({ days: until }),
    }));

describe('licence charges: the fast path equals the proration reference', () => {
  it('on random schedules, errors included', () => {
    fc.assert(
      fc.property(schedule(false), ({ schedule: s, until }) => {
        expect(outcome(() => licenceCharges(s, until))).toEqual(
          outcome(() => licenceChargesReference(s, until)),
        );
      }),
      { numRuns: 400 },
    );
  });

  it('takes the fast path for ordinary schedules (seats added inside the first year)', () => {
    fc.assert(
      fc.property(schedule(true), ({ schedule: s, until }) => {
        // inside the term: a P1M term has at least 28 days
        fc.pre(s.term !== 'P1M' || s.events.every((e) => s.termStart.until(e.effective).days < 28));
        const fast = fastLicenceCharges(s, until);
        expect(fast).not.toBeNull();
        expect(outcome(() => fast!)).toEqual(outcome(() => licenceChargesReference(s, until)));
      }),
      { numRuns: 300 },
    );
  });

  it('month ends, leap days, a decrease, a cancellation and same-day events', () => {
    const cases: { s: LicenceSchedule; until: Temporal.PlainDate }[] = [
      {
        s: {
          termStart: d('2024-01-31'),
          term: 'P1Y',
          billingCycle: 'monthly',
          quantity: 10,
          unitPrice: Money.of('1090', 'JPY'),
          events: [
            { kind: 'change', effective: d('2024-02-29'), delta: -3 },
            { kind: 'change', effective: d('2024-02-29'), delta: 5 },
            { kind: 'cancel', effective: d('2024-04-10') },
          ],
        },
        until: d('2024-06-01'),
      },
      {
        s: {
          termStart: d('2028-02-29'),
          term: 'P3Y',
          billingCycle: 'annual',
          quantity: 2,
          unitPrice: Money.of('12.34', 'USD'),
          events: [{ kind: 'change', effective: d('2029-02-28'), delta: 1 }],
        },
        until: d('2031-01-01'),
      },
    ];
    for (const { s, until } of cases) {
      expect(fastLicenceCharges(s, until)).not.toBeNull();
      expect(outcome(() => licenceCharges(s, until))).toEqual(
        outcome(() => licenceChargesReference(s, until)),
      );
    }
  });

  it('leaves invalid schedules to the reference, which refuses them', () => {
    const s: LicenceSchedule = {
      termStart: d('2026-01-01'),
      term: 'P1Y',
      billingCycle: 'monthly',
      quantity: 1,
      unitPrice: Money.of('100', 'JPY'),
      events: [{ kind: 'change', effective: d('2026-02-01'), delta: -2 }],
    };
    expect(fastLicenceCharges(s, d('2026-04-01'))).toBeNull();
    expect(() => licenceCharges(s, d('2026-04-01'))).toThrow(/would leave -1/);
    expect(() =>
      licenceCharges({ ...s, term: 'P1M', billingCycle: 'annual', events: [] }, d('2026-04-01')),
    ).toThrow(/cannot be billed annual/);
  });
});
