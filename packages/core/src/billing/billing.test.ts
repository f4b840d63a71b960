import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { japanConsumptionTax } from '../tax/japan.ts';
import { parsePlainDate } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { diffLines } from './diff.ts';
import { BillingError } from './errors.ts';
import { hasCorporateNumberCheckDigit, invoiceTotals, isJapanRegistrationNumber } from './invoice.ts';
import {
  type LicenseTerm,
  proposeDiscountLines,
  proposeLicenseLines,
  proposeMeteredLines,
  proposeOneTimeLine,
  proposeServiceLines,
  proposeUsageLines,
} from './lines.ts';
import type { InvoicedSource, InvoiceLineDraft, ProposedLine } from './types.ts';

const jpy = (s: string) => Money.of(s, 'JPY');
const d = (s: string) => parsePlainDate(s);

function term(overrides: Partial<LicenseTerm> = {}): LicenseTerm {
  return {
    subscriptionId: 's1',
    title: 'Microsoft 365 E3',
    productId: 'M365E3',
    termStart: d('2026-01-01'),
    term: 'P1Y',
    billingCycle: 'monthly',
    quantity: 10,
    unitPrice: jpy('1090'),
    events: [],
    ...overrides,
  };
}

const amounts = (lines: readonly ProposedLine[]) => lines.map((l) => [l.sourceKey, l.amount.toString()]);

/** What the invoices hold after writing `drafts` on top of `invoiced`. */
function apply(invoiced: readonly InvoicedSource[], drafts: readonly InvoiceLineDraft[]): InvoicedSource[] {
  return [...invoiced, ...drafts.map((l) => ({ sourceKey: l.sourceKey, amount: l.amount }))];
}

describe('licence lines, worked in yen', () => {
  it('bills a subscription bought mid-month from its own charge periods (15th to 15th)', () => {
    const t = term({ termStart: d('2026-01-15'), quantity: 3 });
    expect(amounts(proposeLicenseLines(t, { until: d('2026-02-01') }))).toEqual([
      ['sub:s1:2026-01-15', '3270'],
    ]);
    const feb = proposeLicenseLines(t, { until: d('2026-03-01') });
    expect(amounts(feb)).toEqual([
      ['sub:s1:2026-01-15', '3270'],
      ['sub:s1:2026-02-15', '3270'],
    ]);
    expect(feb[1]).toMatchObject({ periodStart: '2026-02-15', periodEnd: '2026-03-15', quantity: '3' });
  });

  it('adds 5 seats on 20 January: 10 × 31 + 5 × 12 = 370 seat-days, 1090 × 370 / 31 = 13009.68 → 13010', () => {
    const t = term({ events: [{ kind: 'change', effective: d('2026-01-20'), delta: 5 }] });
    const [line] = proposeLicenseLines(t, { until: d('2026-02-01') });
    expect(line!.amount.toString()).toBe('13010');
    expect(line!.unrounded.toString().startsWith('13009.677419354838')).toBe(true);
    expect(line!.quantity).toBe('15');
    expect(line!.explanation.summary).toContain('370 seat-days');
  });

  it('removes 3 seats inside the window (5 Jan): 310 - 3 × 27 = 229 seat-days → 8052, and refunds 2848 after a 10900 invoice', () => {
    const t = term({ events: [{ kind: 'change', effective: d('2026-01-05'), delta: -3 }] });
    const proposed = proposeLicenseLines(t, { until: d('2026-02-01') });
    expect(amounts(proposed)).toEqual([['sub:s1:2026-01-01', '8052']]);
    const invoiced = [{ sourceKey: 'sub:s1:2026-01-01', amount: jpy('10900') }];
    const drafts = diffLines(proposed, invoiced, 'JPY');
    expect(drafts.map((l) => l.amount.toString())).toEqual(['-2848']);
    expect(drafts[0]!.previouslyInvoiced.toString()).toBe('10900');
    expect(drafts[0]!.explanation.summary).toContain('Adjustment');
  });

  it('removes seats outside the window at renewal only: January 10 seats, February 7 seats, no refund', () => {
    const first = term({ term: 'P1M', quantity: 10 });
    const renewed = term({ term: 'P1M', termStart: d('2026-02-01'), quantity: 7 });
    const until = d('2026-03-01');
    expect(
      amounts([...proposeLicenseLines(first, { until }), ...proposeLicenseLines(renewed, { until })]),
    ).toEqual([
      ['sub:s1:2026-01-01', '10900'],
      ['sub:s1:2026-02-01', '7630'],
    ]);
  });

  it('cancels inside the window: 5 seats bought 10 March, cancelled 12 March, 10 of 155 seat-days → 352', () => {
    const t = term({
      termStart: d('2026-03-10'),
      quantity: 5,
      events: [{ kind: 'cancel', effective: d('2026-03-12') }],
    });
    const lines = proposeLicenseLines(t, { until: d('2026-06-01') });
    expect(amounts(lines)).toEqual([['sub:s1:2026-03-10', '352']]);
    expect(lines[0]!.quantity).toBe('0');
  });

  it('bills an annual term monthly: twelve lines of 10900, 130800 in all', () => {
    const lines = proposeLicenseLines(term(), { until: d('2027-06-01') });
    expect(lines).toHaveLength(12);
    expect(
      Money.sum(
        lines.map((l) => l.amount),
        'JPY',
      ).toString(),
    ).toBe('130800');
  });

  it('bills an annual term annually and a seat added 1 July: 365 + 184 seat-days → 19674, 6594 billed in July', () => {
    const t = term({ billingCycle: 'annual', quantity: 1, unitPrice: jpy('13080') });
    const january = proposeLicenseLines(t, { until: d('2026-02-01') });
    expect(amounts(january)).toEqual([['sub:s1:2026-01-01', '13080']]);
    const added = { ...t, events: [{ kind: 'change' as const, effective: d('2026-07-01'), delta: 1 }] };
    const july = proposeLicenseLines(added, { until: d('2026-08-01') });
    expect(amounts(july)).toEqual([['sub:s1:2026-01-01', '19674']]);
    const drafts = diffLines(july, apply([], diffLines(january, [], 'JPY')), 'JPY');
    expect(drafts.map((l) => l.amount.toString())).toEqual(['6594']);
  });

  it('renews with a new price: the new term is charged at 1200', () => {
    const first = term({ term: 'P1M', quantity: 2 });
    const renewed = term({ term: 'P1M', termStart: d('2026-02-01'), quantity: 2, unitPrice: jpy('1200') });
    const until = d('2026-03-01');
    const lines = [...proposeLicenseLines(first, { until }), ...proposeLicenseLines(renewed, { until })];
    expect(amounts(lines)).toEqual([
      ['sub:s1:2026-01-01', '2180'],
      ['sub:s1:2026-02-01', '2400'],
    ]);
  });

  it('ignores changes effective after the billing date and terms not started yet', () => {
    const t = term({ events: [{ kind: 'change', effective: d('2026-02-10'), delta: 5 }] });
    expect(amounts(proposeLicenseLines(t, { until: d('2026-02-01') }))).toEqual([
      ['sub:s1:2026-01-01', '10900'],
    ]);
    expect(proposeLicenseLines(term({ termStart: d('2026-02-01') }), { until: d('2026-02-01') })).toEqual([]);
  });
});

describe('usage lines', () => {
  it('adds the unrounded sales of each meter category and rounds once per Azure subscription', () => {
    const rows = [
      {
        entitlementId: 'az1',
        entitlementName: 'Prod',
        meterCategory: 'Virtual Machines',
        quantity: '10',
        sale: jpy('100.4'),
      },
      {
        entitlementId: 'az1',
        entitlementName: 'Prod',
        meterCategory: 'Storage',
        quantity: '3',
        sale: jpy('0.4'),
      },
      {
        entitlementId: 'az0',
        entitlementName: 'Dev',
        meterCategory: 'Storage',
        quantity: '1',
        sale: jpy('0.3'),
      },
    ];
    const lines = proposeUsageLines(rows, Period.parse('2026-01'), { currency: 'JPY' });
    // 100.4 + 0.4 = 100.8 → 101 (rounding each category first would give 100 + 0 = 100)
    expect(amounts(lines)).toEqual([
      ['usage:az0:2026-01', '0'],
      ['usage:az1:2026-01', '101'],
    ]);
    expect(lines[1]!.explanation.steps.map((s) => s.label)).toEqual([
      'Storage',
      'Virtual Machines',
      'Line amount',
    ]);
  });

  it('refuses usage in another currency', () => {
    const rows = [
      {
        entitlementId: 'a',
        entitlementName: '',
        meterCategory: 'x',
        quantity: '1',
        sale: Money.of('1', 'EUR'),
      },
    ];
    expect(() => proposeUsageLines(rows, Period.parse('2026-01'), { currency: 'JPY' })).toThrow(BillingError);
  });
});

describe('discounts', () => {
  const a = term({ subscriptionId: 'a', productId: 'A', quantity: 3 }); // 3270 a month
  const b = term({ subscriptionId: 'b', productId: 'B', quantity: 1, unitPrice: jpy('2750') });
  const until = d('2026-02-01');

  it('gives a bundle discount of 5% only while the customer has both A and B', () => {
    const rule = { id: 'bundle', name: 'A+B bundle', percent: '5', requiresAll: ['A', 'B'] };
    const both = [...proposeLicenseLines(a, { until }), ...proposeLicenseLines(b, { until })];
    // 3270 × 5% = 163.5 → -164 (half-up away from zero); 2750 × 5% = 137.5 → -138
    expect(amounts(proposeDiscountLines(both, [rule]))).toEqual([
      ['discount:bundle:sub:a:2026-01-01', '-164'],
      ['discount:bundle:sub:b:2026-01-01', '-138'],
    ]);
    expect(proposeDiscountLines(proposeLicenseLines(a, { until }), [rule])).toEqual([]);
  });

  it('applies a product discount only to charge periods inside its effective dates', () => {
    const rule = { id: 'p', name: 'Promo', percent: '10', productIds: ['A'], from: d('2026-02-01') };
    const lines = proposeLicenseLines(a, { until: d('2026-03-01') });
    expect(amounts(proposeDiscountLines(lines, [rule]))).toEqual([['discount:p:sub:a:2026-02-01', '-327']]);
    expect(() => proposeDiscountLines(lines, [{ ...rule, percent: '101' }])).toThrow(BillingError);
  });
});

describe('diff and invoice totals', () => {
  it('reverses a source that is no longer proposed', () => {
    const drafts = diffLines([], [{ sourceKey: 'usage:az1:2026-01', amount: jpy('101') }], 'JPY');
    expect(drafts.map((l) => [l.kind, l.amount.toString()])).toEqual([['usage', '-101']]);
  });

  it('computes Japanese consumption tax once per rate, rounded down', () => {
    const lines = [
      { amount: jpy('13010'), taxRate: 'standard' },
      { amount: jpy('352'), taxRate: 'standard' },
      { amount: jpy('1235'), taxRate: 'standard' },
      { amount: jpy('1999'), taxRate: 'reduced' },
    ];
    const totals = invoiceTotals({ currency: 'JPY', lines, taxPolicy: japanConsumptionTax() });
    // standard 14597 × 10% = 1459.7 → 1459; reduced 1999 × 8% = 159.92 → 159. Per-line tax would give 1301+35+123+159 = 1618.
    expect(totals.net.toString()).toBe('16596');
    expect(totals.taxResult.rates.map((r) => [r.rate, r.net.toString(), r.tax.toString()])).toEqual([
      ['standard', '14597', '1459'],
      ['reduced', '1999', '159'],
    ]);
    expect(totals.tax.toString()).toBe('1618');
    expect(totals.gross.toString()).toBe('18214');
    const halfUp = invoiceTotals({
      currency: 'JPY',
      lines,
      taxPolicy: japanConsumptionTax({ rounding: 'half-up' }),
    });
    expect(halfUp.tax.toString()).toBe('1620');
  });

  it('refuses unrounded lines', () => {
    expect(() =>
      invoiceTotals({
        currency: 'JPY',
        lines: [{ amount: jpy('1.5'), taxRate: 'standard' }],
        taxPolicy: japanConsumptionTax(),
      }),
    ).toThrow(BillingError);
  });

  it('validates Japanese registration numbers', () => {
    expect(isJapanRegistrationNumber('T7000012050002')).toBe(true);
    expect(hasCorporateNumberCheckDigit('T7000012050002')).toBe(true);
    expect(hasCorporateNumberCheckDigit('T1000012050002')).toBe(false);
    expect(isJapanRegistrationNumber('7000012050002')).toBe(false);
    expect(isJapanRegistrationNumber('T700001205000')).toBe(false);
  });
});

describe('properties', () => {
  const scenario = fc.record({
    price: fc.integer({ min: 1, max: 100_000 }),
    quantity: fc.integer({ min: 1, max: 50 }),
    cycle: fc.constantFrom('monthly' as const, 'annual' as const),
    start: fc.integer({ min: 0, max: 364 }),
    changes: fc.array(
      fc.record({ day: fc.integer({ min: 0, max: 364 }), delta: fc.integer({ min: 1, max: 5 }) }),
      {
        maxLength: 5,
      },
    ),
    runs: fc.array(fc.integer({ min: 0, max: 800 }), { minLength: 1, maxLength: 6 }),
  });

  it('re-running any sequence of billing dates adds nothing, and the invoices add up to the final proposal', () => {
    fc.assert(
      fc.property(scenario, ({ price, quantity, cycle, start, changes, runs }) => {
        const termStart = d('2026-01-01').add({ days: start });
        const t = term({
          termStart,
          quantity,
          billingCycle: cycle,
          unitPrice: jpy(String(price)),
          events: changes
            .map((c) => ({
              kind: 'change' as const,
              effective: termStart.add({ days: c.day }),
              delta: c.delta,
            }))
            .sort((x, y) => x.effective.toString().localeCompare(y.effective.toString())),
        });
        let invoiced: InvoicedSource[] = [];
        const dates = [...runs].sort((x, y) => x - y).map((n) => termStart.add({ days: n }));
        for (const until of dates) {
          const proposed = proposeLicenseLines(t, { until });
          invoiced = apply(invoiced, diffLines(proposed, invoiced, 'JPY'));
          expect(diffLines(proposed, invoiced, 'JPY')).toEqual([]);
          const totals = invoiceTotals({
            currency: 'JPY',
            lines: invoiced.map((i) => ({ amount: i.amount, taxRate: 'standard' })),
            taxPolicy: japanConsumptionTax(),
          });
          expect(
            totals.net.equals(
              Money.sum(
                proposed.map((l) => l.amount),
                'JPY',
              ),
            ),
          ).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a charge period split by a cancellation and re-purchase of the same seats charges the whole period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 99_999 }), (day, price) => {
        // remove all 4 seats on `day`, add 4 back the same day: seat-days unchanged, charge unchanged
        const t = term({
          quantity: 4,
          unitPrice: jpy(String(price)),
          events: [
            { kind: 'change', effective: d('2026-01-01').add({ days: day }), delta: -4 },
            { kind: 'change', effective: d('2026-01-01').add({ days: day }), delta: 4 },
          ],
        });
        const [line] = proposeLicenseLines(t, { until: d('2026-02-01') });
        expect(line!.amount.toString()).toBe(String(price * 4));
      }),
    );
  });
});

describe('own services', () => {
  it('charges a monthly service per calendar month, the first month prorated: 5000 × 2 × 17 / 31 = 5483.87 → 5484', () => {
    const service = {
      subscriptionId: 'o1',
      title: 'Managed backup',
      start: d('2026-01-15'),
      quantity: 2,
      unitPrice: jpy('5000'),
    };
    expect(amounts(proposeServiceLines(service, { until: d('2026-03-01') }))).toEqual([
      ['sub:o1:2026-01-01', '5484'],
      ['sub:o1:2026-02-01', '10000'],
    ]);
    // cancelled 11 February: 10 of 28 days → 3571.43 → 3571
    expect(
      amounts(proposeServiceLines({ ...service, end: d('2026-02-11') }, { until: d('2026-04-01') })),
    ).toEqual([
      ['sub:o1:2026-01-01', '5484'],
      ['sub:o1:2026-02-01', '3571'],
    ]);
  });

  it('charges a one-time fee once, in the month it was provided', () => {
    const fee = {
      subscriptionId: 'f1',
      title: 'Setup',
      start: d('2026-01-20'),
      quantity: 1,
      unitPrice: jpy('30000'),
    };
    expect(proposeOneTimeLine(fee, { until: d('2026-01-20') })).toBeNull();
    expect(proposeOneTimeLine(fee, { until: d('2026-02-01') })?.amount.toString()).toBe('30000');
  });

  describe('usage-billed (metered)', () => {
    const metered = (months: [string, string, number][]) => ({
      subscriptionId: 'm1',
      title: 'Cloud backup storage',
      productId: 'backup',
      unit: 'GB',
      unitPrice: jpy('30'),
      months: new Map(months.map(([m, quantity, records]) => [m, { quantity, records }])),
    });

    it('bills a month in arrears as one line Σ quantity × unit price: 120.5 GB × ¥30 = ¥3,615', () => {
      const service = metered([['2026-10', '120.5', 3]]);
      // October is not over before 1 November: nothing yet
      expect(proposeMeteredLines(service, { until: d('2026-10-31') })).toEqual([]);
      const [line, ...rest] = proposeMeteredLines(service, { until: d('2026-11-01') });
      expect(rest).toEqual([]);
      expect(line).toMatchObject({
        sourceKey: 'metered:m1:2026-10',
        kind: 'own_service',
        periodStart: '2026-10-01',
        periodEnd: '2026-11-01',
        quantity: '120.5',
      });
      expect(line!.amount.toString()).toBe('3615');
      expect(line!.unitPrice?.toString()).toBe('30');
      expect(line!.explanation.summary).toBe(
        '120.5 GB × 30 JPY = 3615 JPY (usage 2026-10-01 to 2026-10-31, 3 records); 3615 JPY rounded half up to the JPY minor unit = 3615 JPY',
      );
    });

    it('rounds the month once, never per record: 0.35 GB × ¥3.33 = ¥1.1655 → ¥1', () => {
      const service = { ...metered([['2026-10', '0.35', 2]]), unitPrice: jpy('3.33') };
      const [line] = proposeMeteredLines(service, { until: d('2026-11-01') });
      expect(line!.unrounded.toString()).toBe('1.1655');
      expect(line!.amount.toString()).toBe('1');
    });

    it('a late record of an invoiced month is billed as the difference only', () => {
      const before = proposeMeteredLines(metered([['2026-10', '120.5', 3]]), { until: d('2026-11-01') });
      const invoiced: InvoicedSource[] = before.map((l) => ({ sourceKey: l.sourceKey, amount: l.amount }));
      // 10 GB more recorded for October after its invoice; November's usage is billed in full
      const after = proposeMeteredLines(
        metered([
          ['2026-10', '130.5', 4],
          ['2026-11', '2', 1],
        ]),
        { until: d('2026-12-01') },
      );
      const drafts = diffLines(after, invoiced, 'JPY');
      expect(drafts.map((l) => [l.sourceKey, l.amount.toString(), l.previouslyInvoiced.toString()])).toEqual([
        ['metered:m1:2026-10', '300', '3615'],
        ['metered:m1:2026-11', '60', '0'],
      ]);
      expect(drafts[0]!.explanation.summary).toMatch(/^Adjustment: now 3915 JPY, already invoiced 3615 JPY/);
      // re-run: nothing
      const all = [...invoiced, ...drafts.map((l) => ({ sourceKey: l.sourceKey, amount: l.amount }))];
      expect(diffLines(after, all, 'JPY')).toEqual([]);
    });

    it('refuses a quantity that is not a plain decimal', () => {
      expect(() => proposeMeteredLines(metered([['2026-10', '-1', 1]]), { until: d('2026-11-01') })).toThrow(
        BillingError,
      );
    });
  });
});
