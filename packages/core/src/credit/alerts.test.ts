import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { parsePlainDate, parseYearMonth } from '../time/calendar.ts';
import {
  monthStartCreditAlerts,
  plannedLevelAlerts,
  provisionalCreditAlerts,
  usageLevelAlerts,
} from './alerts.ts';
import { CreditError } from './errors.ts';
import type { CreditLevels } from './levels.ts';
import { provisionalCredit } from './provisional.ts';

const usd = (s: string) => Money.of(s, 'USD');
const customer = { kind: 'customer' as const, id: 'c-1' };
const reseller = { kind: 'reseller' as const, id: 'r:7' };
const march = parseYearMonth('2026-03');
const LEVELS: CreditLevels = {
  warning: usd('800'),
  approvalRequired: usd('1000'),
  purchaseBlocked: usd('1200'),
};

// New customer since 2026-03-01 with a plan of 1,000: provisional credit 1,000 in March.
const firstMonth = provisionalCredit({
  customerSince: parsePlainDate('2026-03-01'),
  month: march,
  planned: usd('1000'),
  monthlyUsage: [],
  currency: 'USD',
});

// Long-standing customer at the start of April 2026: window October–March, highest 1,500 (January).
const april = provisionalCredit({
  customerSince: parsePlainDate('2024-01-15'),
  month: parseYearMonth('2026-04'),
  planned: usd('1000'),
  monthlyUsage: [
    { month: parseYearMonth('2025-10'), amount: usd('900') },
    { month: parseYearMonth('2026-01'), amount: usd('1500') },
    { month: parseYearMonth('2026-03'), amount: usd('1100') },
  ],
  currency: 'USD',
});

describe('provisionalCreditAlerts (a): usage exceeds the provisional credit amount', () => {
  const cases: { usage: string; alerts: number }[] = [
    // 1,000 ≤ 1,000: equal is not exceeding.
    { usage: '1000', alerts: 0 },
    // 1,000.01 > 1,000.
    { usage: '1000.01', alerts: 1 },
    { usage: '0', alerts: 0 },
  ];
  it.each(cases)('usage $usage vs 1,000 → $alerts alert(s)', ({ usage, alerts }) => {
    const result = provisionalCreditAlerts({ subject: customer, provisional: firstMonth, usage: usd(usage) });
    expect(result.alerts).toHaveLength(alerts);
  });

  it('returns the values, the explanation and a stable key; alreadyRaised suppresses', () => {
    const input = { subject: customer, provisional: firstMonth, usage: usd('1250') };
    const [alert] = provisionalCreditAlerts(input).alerts;
    expect(alert).toMatchObject({
      type: 'provisional_credit_exceeded',
      trigger: 'usage',
      subject: customer,
      dedupeKey: 'provisional_credit_exceeded:customer/c-1:2026-03',
    });
    expect(alert!.level).toBeUndefined();
    expect(alert!.period.toString()).toBe('2026-03');
    expect([alert!.values.usage.toString(), alert!.values.provisionalCredit.toString()]).toEqual([
      '1250',
      '1000',
    ]);
    expect(alert!.explanation).toEqual({
      summary: 'Usage 1,250.00 USD in 2026-03 exceeds the provisional credit amount 1,000.00 USD',
      steps: [
        {
          label: 'provisional credit',
          formula: 'Provisional credit for 2026-03: 1,000.00 USD, the planned amount (the customer is new)',
          result: '1,000.00 USD',
        },
        { label: 'usage vs provisional credit', formula: '1,250.00 USD > 1,000.00 USD', result: 'exceeded' },
      ],
    });
    expect(provisionalCreditAlerts(input).alerts[0]!.dedupeKey).toBe(alert!.dedupeKey);
    const again = provisionalCreditAlerts({ ...input, alreadyRaised: [alert!.dedupeKey] });
    expect([again.alerts.length, again.due.length]).toEqual([0, 1]);
  });

  it('raises nothing without a provisional credit amount', () => {
    const none = provisionalCredit({
      customerSince: parsePlainDate('2026-03-01'),
      month: march,
      planned: null,
      monthlyUsage: [],
      currency: 'USD',
    });
    const result = provisionalCreditAlerts({ subject: customer, provisional: none, usage: usd('99999') });
    expect(result.alerts).toEqual([]);
    expect(result.explanation.summary).toBe(
      'No provisional credit amount for 2026-03: no provisional-credit alert',
    );
  });
});

describe('monthStartCreditAlerts (b): highest usage of the past six months above the purchase-blocked level', () => {
  const cases: { name: string; blocked: string | null; alerts: number }[] = [
    // 1,500 (January) > 1,200.
    { name: 'above', blocked: '1200', alerts: 1 },
    // 1,500 = 1,500: not exceeding.
    { name: 'equal', blocked: '1500', alerts: 0 },
    { name: 'below', blocked: '2000', alerts: 0 },
    { name: 'level unset', blocked: null, alerts: 0 },
  ];
  it.each(cases)('$name', ({ blocked, alerts }) => {
    const levels = { purchaseBlocked: blocked === null ? null : usd(blocked) };
    expect(monthStartCreditAlerts({ subject: customer, levels, provisional: april }).alerts).toHaveLength(
      alerts,
    );
  });

  it('names the month and amount that triggered it', () => {
    const [alert] = monthStartCreditAlerts({ subject: customer, levels: LEVELS, provisional: april }).alerts;
    expect(alert).toMatchObject({
      type: 'credit_level',
      level: 'purchase_blocked',
      trigger: 'highest_usage',
      dedupeKey: 'credit_level:customer/c-1:2026-04:purchase_blocked:highest_usage',
    });
    expect(alert!.values.highestMonth.toString()).toBe('2026-01');
    expect([alert!.values.highestUsage.toString(), alert!.values.levelAmount.toString()]).toEqual([
      '1500',
      '1200',
    ]);
    expect(alert!.explanation.steps).toEqual([
      {
        label: 'highest monthly usage of the past 6 months',
        formula:
          'max(2025-10: 900.00 USD, 2025-11: 0.00 USD, 2025-12: 0.00 USD, 2026-01: 1,500.00 USD, 2026-02: 0.00 USD, 2026-03: 1,100.00 USD)',
        result: '1,500.00 USD (2026-01)',
      },
      {
        label: 'highest usage vs purchase-blocked level',
        formula: '1,500.00 USD > 1,200.00 USD',
        result: 'exceeded',
      },
    ]);
  });

  it('has nothing to say in a customer first month', () => {
    const result = monthStartCreditAlerts({ subject: customer, levels: LEVELS, provisional: firstMonth });
    expect(result.alerts).toEqual([]);
    expect(result.explanation.summary).toBe('No past month of usage: no month-start alert for 2026-03');
  });
});

describe('usageLevelAlerts (c): month-to-date usage passes a level', () => {
  const cases: { usage: string; levels: string[] }[] = [
    { usage: '800', levels: [] },
    // 800.01 > 800.
    { usage: '800.01', levels: ['warning'] },
    // 1,000 is at the approval level, not above it.
    { usage: '1000', levels: ['warning'] },
    { usage: '1100', levels: ['warning', 'approval_required'] },
    // One jump past all three: one alert per level.
    { usage: '1250', levels: ['warning', 'approval_required', 'purchase_blocked'] },
  ];
  it.each(cases)('usage $usage → $levels', ({ usage, levels }) => {
    const result = usageLevelAlerts({ subject: customer, month: march, levels: LEVELS, usage: usd(usage) });
    expect(result.alerts.map((a) => a.level)).toEqual(levels);
  });

  it('alerts once per level per month over a month of daily re-evaluations', () => {
    const raised: string[] = [];
    // Month-to-date by day: 500, 850, 850 (retry), 1,100, 900 (correction), 1,300.
    for (const usage of ['500', '850', '850', '1100', '900', '1300']) {
      const result = usageLevelAlerts({
        subject: reseller,
        month: march,
        levels: LEVELS,
        usage: usd(usage),
        alreadyRaised: raised,
      });
      raised.push(...result.alerts.map((a) => a.dedupeKey));
    }
    expect(raised).toEqual([
      'credit_level:reseller/r%3A7:2026-03:warning:usage',
      'credit_level:reseller/r%3A7:2026-03:approval_required:usage',
      'credit_level:reseller/r%3A7:2026-03:purchase_blocked:usage',
    ]);
    // Next month, usage restarts at zero and the keys are new.
    const next = usageLevelAlerts({
      subject: reseller,
      month: parseYearMonth('2026-04'),
      levels: LEVELS,
      usage: usd('900'),
      alreadyRaised: raised,
    });
    expect(next.alerts.map((a) => a.dedupeKey)).toEqual([
      'credit_level:reseller/r%3A7:2026-04:warning:usage',
    ]);
  });

  it('explains each level', () => {
    const result = usageLevelAlerts({
      subject: customer,
      month: march,
      levels: { warning: usd('800'), purchaseBlocked: usd('1200') },
      usage: usd('900'),
    });
    expect(result.explanation).toEqual({
      summary: 'Usage 900.00 USD in 2026-03 passed warning level',
      steps: [
        { label: 'usage vs warning level', formula: '900.00 USD > 800.00 USD', result: 'passed' },
        { label: 'approval-required level', formula: 'not set', result: 'not checked' },
        { label: 'usage vs purchase-blocked level', formula: '900.00 USD ≤ 1,200.00 USD', result: 'within' },
      ],
    });
    expect(result.alerts[0]!.values.levelAmount.toString()).toBe('800');
  });

  it('refuses invalid levels', () => {
    expect(() =>
      usageLevelAlerts({ subject: customer, month: march, levels: { warning: usd('-1') }, usage: usd('1') }),
    ).toThrow(CreditError);
    expect(() =>
      usageLevelAlerts({ subject: { kind: 'customer', id: '' }, month: march, levels: {}, usage: usd('1') }),
    ).toThrow(CreditError);
  });
});

describe('plannedLevelAlerts (c): a planned-amount change passes a level', () => {
  const cases: { name: string; previous: string | null; current: string | null; levels: string[] }[] = [
    // 900 → 1,100: warning was already passed (900 > 800); approval 900 ≤ 1,000 < 1,100 is passed.
    { name: 'passes approval only', previous: '900', current: '1100', levels: ['approval_required'] },
    // First plan set at 1,300: passes all three at once.
    {
      name: 'first plan above every level',
      previous: null,
      current: '1300',
      levels: ['warning', 'approval_required', 'purchase_blocked'],
    },
    // 1,000 → 1,000.01 crosses approval by a cent; 999 → 1,000 reaches it without passing.
    { name: 'by a cent', previous: '1000', current: '1000.01', levels: ['approval_required'] },
    { name: 'reaching is not passing', previous: '999', current: '1000', levels: [] },
    { name: 'going down', previous: '1300', current: '900', levels: [] },
    { name: 'unchanged above', previous: '1300', current: '1300', levels: [] },
    { name: 'plan removed', previous: '1300', current: null, levels: [] },
  ];
  it.each(cases)('$name', ({ previous, current, levels }) => {
    const result = plannedLevelAlerts({
      subject: customer,
      month: march,
      levels: LEVELS,
      previous: previous === null ? null : usd(previous),
      current: current === null ? null : usd(current),
    });
    expect(result.alerts.map((a) => a.level)).toEqual(levels);
  });

  it('alerts once per level per month, even if the plan goes up, down and up again', () => {
    const raised: string[] = [];
    const changes: [string | null, string][] = [
      [null, '900'],
      ['900', '1100'],
      ['1100', '950'],
      ['950', '1100'],
    ];
    for (const [previous, current] of changes) {
      const result = plannedLevelAlerts({
        subject: customer,
        month: march,
        levels: LEVELS,
        previous: previous === null ? null : usd(previous),
        current: usd(current),
        alreadyRaised: raised,
      });
      raised.push(...result.alerts.map((a) => a.dedupeKey));
    }
    expect(raised).toEqual([
      'credit_level:customer/c-1:2026-03:warning:planned_amount',
      'credit_level:customer/c-1:2026-03:approval_required:planned_amount',
    ]);
  });

  it('returns the change that triggered it', () => {
    const [alert] = plannedLevelAlerts({
      subject: customer,
      month: march,
      levels: { purchaseBlocked: usd('1200') },
      previous: usd('1000'),
      current: usd('1500'),
    }).alerts;
    expect(alert!.values.previousPlanned!.toString()).toBe('1000');
    expect(alert!.values.planned.toString()).toBe('1500');
    expect(alert!.explanation).toEqual({
      summary:
        'The planned amount changed from 1,000.00 USD to 1,500.00 USD, passing the purchase-blocked level 1,200.00 USD',
      steps: [
        { label: 'planned amount change', formula: '1,000.00 USD → 1,500.00 USD', result: '1,500.00 USD' },
        {
          label: 'planned amount vs purchase-blocked level (1,200.00 USD)',
          formula: 'before not above, after above',
          result: 'passed upward',
        },
      ],
    });
  });
});

describe('credit level alerts, properties', () => {
  const minor = fc.bigInt({ min: 0n, max: 10n ** 7n });
  const levels: CreditLevels = {
    warning: Money.fromMinorUnits(300_000n, 'USD'),
    approvalRequired: Money.fromMinorUnits(600_000n, 'USD'),
    purchaseBlocked: Money.fromMinorUnits(900_000n, 'USD'),
  };
  const due = (usage: bigint) =>
    usageLevelAlerts({
      subject: customer,
      month: march,
      levels,
      usage: Money.fromMinorUnits(usage, 'USD'),
    }).due.map((a) => a.dedupeKey);

  it('more usage never un-passes a level, and re-evaluation with alreadyRaised raises nothing', () => {
    fc.assert(
      fc.property(minor, minor, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(due(low).every((k) => due(high).includes(k))).toBe(true);
        const again = usageLevelAlerts({
          subject: customer,
          month: march,
          levels,
          usage: Money.fromMinorUnits(high, 'USD'),
          alreadyRaised: due(high),
        });
        expect(again.alerts).toEqual([]);
      }),
    );
  });

  it('a sequence of plan changes alerts each level at most once, and only levels the plan went above', () => {
    fc.assert(
      fc.property(fc.array(minor, { minLength: 1, maxLength: 10 }), (plans) => {
        const raised: string[] = [];
        let previous: Money | null = null;
        for (const plan of plans) {
          const current = Money.fromMinorUnits(plan, 'USD');
          const result = plannedLevelAlerts({
            subject: customer,
            month: march,
            levels,
            previous,
            current,
            alreadyRaised: raised,
          });
          for (const alert of result.alerts) expect(current.greaterThan(alert.values.levelAmount)).toBe(true);
          raised.push(...result.alerts.map((a) => a.dedupeKey));
          previous = current;
        }
        expect(new Set(raised).size).toBe(raised.length);
      }),
    );
  });
});
