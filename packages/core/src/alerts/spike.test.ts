import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { parsePlainDate, type Temporal } from '../time/calendar.ts';
import type { DailyUsage } from './daily.ts';
import type { AlertError } from './errors.ts';
import { spikeAlerts } from './spike.ts';

const usd = (s: string) => Money.of(s, 'USD');
const subject = { customerId: 'c-1' };

/** A day: an amount ("100"), no data (null), or a partial amount ({ partial: "40" }). */
type Entry = string | null | { partial: string };

/** Consecutive days from `start`. */
function series(start: string, entries: Entry[]): DailyUsage[] {
  const first = parsePlainDate(start);
  return entries.map((e, i) => {
    const date = first.add({ days: i });
    if (e === null) return { date, amount: null, complete: true };
    if (typeof e === 'string') return { date, amount: usd(e), complete: true };
    return { date, amount: usd(e.partial), complete: false };
  });
}

function last(days: DailyUsage[], alreadyRaised: Temporal.PlainDate[] = []) {
  const result = spikeAlerts({ subject, days, alreadyRaised });
  return { result, day: result.days[result.days.length - 1]! };
}

describe('spikeAlerts, worked examples (the last day is judged)', () => {
  const cases: { name: string; days: Entry[]; outcome: string; reason?: string; threshold?: string }[] = [
    // Seed: 210 ≥ 2 × min(300, 100) = 200 → spike.
    {
      name: 'seed: 100, 300, 210',
      days: ['100', '300', '210'],
      outcome: 'spike',
      reason: 'doubled',
      threshold: '200',
    },
    // Seed: 190 < 200 → no spike.
    { name: 'seed: 100, 300, 190', days: ['100', '300', '190'], outcome: 'no_spike', threshold: '200' },
    // "At least double" is inclusive: 200 ≥ 200.
    { name: 'exactly double', days: ['100', '300', '200'], outcome: 'spike', threshold: '200' },
    // The lower day may be either one: min(100, 300) with 100 the day before.
    { name: 'lower day is day − 1', days: ['300', '100', '200'], outcome: 'spike', threshold: '200' },
    { name: 'equal previous days', days: ['100', '100', '199.99'], outcome: 'no_spike', threshold: '200' },
    // Cents: 2 × 50.25 = 100.50; 100.49 < 100.50.
    { name: 'a cent short', days: ['50.25', '80', '100.49'], outcome: 'no_spike', threshold: '100.5' },
    // Zero day next to a day with usage: the zero is no basis, compare with 100 alone → 2 × 100 = 200.
    { name: 'zero day then normal day', days: ['100', '0', '150'], outcome: 'no_spike', threshold: '200' },
    { name: 'zero day then double', days: ['100', '0', '200'], outcome: 'spike', threshold: '200' },
    // Two idle days then any usage: usage started.
    {
      name: 'two zero days then usage',
      days: ['0', '0', '0.01'],
      outcome: 'spike',
      reason: 'from_zero',
      threshold: '0',
    },
    // A day without usage is never a spike (0 ≥ 2 × 0 would be).
    { name: 'three zero days', days: ['0', '0', '0'], outcome: 'no_spike' },
    { name: 'zero after usage', days: ['100', '300', '0'], outcome: 'no_spike' },
    // A net credit counts as no usage: basis 100 alone → 150 < 200.
    { name: 'negative previous day', days: ['-20', '100', '150'], outcome: 'no_spike', threshold: '200' },
    // Day − 2 unknown: 250 ≥ 2 × 100 already proves "double one of them".
    { name: 'day − 2 missing, proven', days: [null, '100', '250'], outcome: 'spike', threshold: '200' },
    // Day − 2 unknown: 150 < 200, and the unknown day proves nothing.
    {
      name: 'day − 2 missing, not proven',
      days: [null, '100', '150'],
      outcome: 'no_spike',
      threshold: '200',
    },
    { name: 'day − 1 missing, proven', days: ['100', null, '250'], outcome: 'spike', threshold: '200' },
    { name: 'both previous days missing', days: [null, null, '500'], outcome: 'no_basis' },
    // One known zero and one unknown day: the unknown day may have been ordinary usage.
    { name: 'zero and missing', days: ['0', null, '500'], outcome: 'no_basis' },
    // A partial previous day is unknown: basis 300 alone → 250 < 600 (with 50 as basis it would alert).
    {
      name: 'partial previous day',
      days: [{ partial: '50' }, '300', '250'],
      outcome: 'no_spike',
      threshold: '600',
    },
    // Today still arriving: never alerted on.
    { name: 'partial day', days: ['100', '300', { partial: '900' }], outcome: 'partial' },
    { name: 'day without data', days: ['100', '300', null], outcome: 'no_data' },
  ];

  it.each(cases)('$name → $outcome', ({ days, outcome, reason, threshold }) => {
    const { result, day } = last(series('2026-03-10', days));
    expect(day.outcome).toBe(outcome);
    if (reason !== undefined) expect(day.reason).toBe(reason);
    if (threshold !== undefined) expect(day.threshold?.toString()).toBe(threshold);
    const alerted = result.alerts.some((a) => a.date.equals(day.date));
    expect(alerted).toBe(outcome === 'spike');
  });

  it('explains the seed spike with the values that triggered it', () => {
    const { result } = last(series('2026-03-01', ['100', '300', '210']));
    const alert = result.alerts.find((a) => a.date.toString() === '2026-03-03')!;
    expect(alert.dedupeKey).toBe('usage_spike:customer/c-1:2026-03-03');
    expect(alert.period.toString()).toBe('2026-03');
    expect(alert.values.amount.toString()).toBe('210');
    expect(alert.values.threshold.toString()).toBe('200');
    expect(alert.values.previous.map((p) => [p.date.toString(), p.amount?.toString(), p.status])).toEqual([
      ['2026-03-02', '300', 'basis'],
      ['2026-03-01', '100', 'basis'],
    ]);
    expect(alert.explanation).toEqual({
      summary: 'Usage on 2026-03-03 (210.00 USD) is at least double that of 2026-03-01 (100.00 USD)',
      steps: [
        { label: 'day 2026-03-03', formula: '210.00 USD', result: 'complete' },
        { label: 'day − 1 (2026-03-02)', formula: '300.00 USD', result: 'basis' },
        { label: 'day − 2 (2026-03-01)', formula: '100.00 USD', result: 'basis' },
        { label: 'spike threshold', formula: '2 × min(300.00 USD, 100.00 USD)', result: '200.00 USD' },
        { label: 'usage vs threshold', formula: '210.00 USD ≥ 200.00 USD', result: 'spike' },
      ],
    });
  });

  it('judges every day of the series: in 100, 300, 190 day 2 is the spike (300 ≥ 2 × 100, day 0 unknown)', () => {
    const { result } = last(series('2026-03-01', ['100', '300', '190']));
    expect(result.days.map((d) => d.outcome)).toEqual(['no_basis', 'spike', 'no_spike']);
    expect(result.alerts.map((a) => a.date.toString())).toEqual(['2026-03-02']);
  });

  it('looks across the month boundary, including 29 February', () => {
    const march = last(series('2026-02-27', ['100', '300', '210']));
    expect(march.day.date.toString()).toBe('2026-03-01');
    expect(march.day.previous.map((p) => p.date.toString())).toEqual(['2026-02-28', '2026-02-27']);
    expect(march.result.alerts.at(-1)!.period.toString()).toBe('2026-03');
    const leap = last(series('2028-02-28', ['100', '300', '210']));
    expect(leap.day.date.toString()).toBe('2028-03-01');
    expect(leap.day.previous.map((p) => p.date.toString())).toEqual(['2028-02-29', '2028-02-28']);
    expect(leap.day.outcome).toBe('spike');
    // Without the previous month's rows, 1 March has no basis.
    expect(last(series('2026-03-01', ['500'])).day.outcome).toBe('no_basis');
  });

  it('treats a gap in the rows like a day without data', () => {
    const days = series('2026-03-01', ['100', '300', '250']).filter((d) => d.date.day !== 2);
    // 2026-03-02 has no row: basis 100 alone → 250 ≥ 200.
    const { day } = last(days);
    expect(day.previous.map((p) => p.status)).toEqual(['no_data', 'basis']);
    expect(day.outcome).toBe('spike');
  });

  it('does not repeat a spike already raised, and keys are stable across evaluations', () => {
    const days = series('2026-03-01', ['100', '100', '300', '100', '100', '400']);
    const first = spikeAlerts({ subject, days });
    expect(first.alerts.map((a) => a.dedupeKey)).toEqual([
      'usage_spike:customer/c-1:2026-03-03',
      'usage_spike:customer/c-1:2026-03-06',
    ]);
    expect(spikeAlerts({ subject, days }).alerts.map((a) => a.dedupeKey)).toEqual(
      first.alerts.map((a) => a.dedupeKey),
    );
    const again = spikeAlerts({ subject, days, alreadyRaised: [parsePlainDate('2026-03-03')] });
    expect(again.alerts.map((a) => a.date.toString())).toEqual(['2026-03-06']);
    expect(again.days[2]).toMatchObject({ outcome: 'spike', alreadyRaised: true });
    const none = spikeAlerts({ subject, days, alreadyRaised: first.alerts.map((a) => a.date) });
    expect(none.alerts).toEqual([]);
  });

  it('a partial day alerts once its data is complete', () => {
    const partial = last(series('2026-03-01', ['100', '300', { partial: '150' }]));
    expect(partial.result.alerts.map((a) => a.date.toString())).toEqual(['2026-03-02']);
    const complete = last(series('2026-03-01', ['100', '300', '250']));
    expect(complete.result.alerts.map((a) => a.date.toString())).toEqual(['2026-03-02', '2026-03-03']);
    expect(partial.day.explanation.summary).toBe(
      'Usage data for 2026-03-03 is still incomplete (150.00 USD so far): no spike alert on a partial day',
    );
  });

  it('refuses two rows for a day and mixed currencies', () => {
    const days = series('2026-03-01', ['100', '200']);
    try {
      spikeAlerts({ subject, days: [...days, days[0]!] });
      expect.fail('expected an AlertError');
    } catch (error) {
      expect((error as AlertError).code).toBe('duplicate_day');
    }
    const mixed = [
      ...days,
      { date: parsePlainDate('2026-03-03'), amount: Money.of('1', 'EUR'), complete: true },
    ];
    expect(() => spikeAlerts({ subject, days: mixed })).toThrow(CurrencyMismatchError);
  });
});

describe('spikeAlerts, properties', () => {
  const amounts = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 3, maxLength: 40 });
  const toSeries = (values: number[]) => series('2026-01-25', values.map(String));

  it('on complete days with usage, it is exactly day ≥ 2 × min(day − 1, day − 2)', () => {
    fc.assert(
      fc.property(amounts, (values) => {
        const { days } = spikeAlerts({ subject, days: toSeries(values) });
        for (let i = 2; i < values.length; i++) {
          const expected = values[i]! >= 2 * Math.min(values[i - 1]!, values[i - 2]!);
          expect(days[i]!.outcome).toBe(expected ? 'spike' : 'no_spike');
        }
      }),
    );
  });

  it('does not depend on the order of the rows', () => {
    fc.assert(
      fc.property(
        amounts.chain((values) =>
          fc.tuple(fc.constant(values), fc.shuffledSubarray(toSeries(values), { minLength: values.length })),
        ),
        ([values, shuffled]) => {
          const keys = (days: DailyUsage[]) => spikeAlerts({ subject, days }).alerts.map((a) => a.dedupeKey);
          expect(keys(shuffled)).toEqual(keys(toSeries(values)));
        },
      ),
    );
  });

  it('never alerts on a partial day or a day without data, and re-evaluation raises nothing new', () => {
    const entry = fc.oneof(
      fc.integer({ min: 0, max: 1000 }).map(String),
      fc.constant(null),
      fc.integer({ min: 0, max: 1000 }).map((n) => ({ partial: String(n) })),
    );
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 40 }), (entries) => {
        const days = series('2026-02-20', entries);
        const first = spikeAlerts({ subject, days });
        for (const alert of first.alerts) {
          const row = days.find((d) => d.date.equals(alert.date))!;
          expect(row.complete && row.amount?.isPositive() === true).toBe(true);
        }
        expect(spikeAlerts({ subject, days, alreadyRaised: first.alerts.map((a) => a.date) }).alerts).toEqual(
          [],
        );
      }),
    );
  });
});
