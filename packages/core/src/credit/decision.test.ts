import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CurrencyMismatchError, Money } from '../money/money.ts';
import { type CreditOutcome, creditDecision } from './decision.ts';
import { CreditError } from './errors.ts';
import type { CreditLevels } from './levels.ts';

const usd = (s: string) => Money.of(s, 'USD');
const LEVELS: CreditLevels = {
  warning: usd('800'),
  approvalRequired: usd('1000'),
  purchaseBlocked: usd('1200'),
};

describe('creditDecision, each outcome (levels 800 / 1,000 / 1,200 USD)', () => {
  const cases: { current: string; order: string; outcome: CreditOutcome; action: string; after: string }[] = [
    // 500 + 200 = 700 ≤ 800.
    { current: '500', order: '200', outcome: 'allowed', action: 'proceed', after: '700' },
    // 500 + 300 = 800: at the warning level is not above it.
    { current: '500', order: '300', outcome: 'allowed', action: 'proceed', after: '800' },
    // 800.01 > 800.
    { current: '500', order: '300.01', outcome: 'warning', action: 'proceed_with_notice', after: '800.01' },
    // 1,000: above warning, not above approval.
    { current: '700', order: '300', outcome: 'warning', action: 'proceed_with_notice', after: '1000' },
    {
      current: '700',
      order: '300.01',
      outcome: 'approval_required',
      action: 'hold_for_approval',
      after: '1000.01',
    },
    // 1,200: at the blocked level, still only approval.
    {
      current: '900',
      order: '300',
      outcome: 'approval_required',
      action: 'hold_for_approval',
      after: '1200',
    },
    { current: '900', order: '300.01', outcome: 'blocked', action: 'refuse', after: '1200.01' },
    // Already above the blocked level: any order adding exposure is refused.
    { current: '1300', order: '10', outcome: 'blocked', action: 'refuse', after: '1310' },
    // A reduction or a free item adds no exposure: always allowed.
    { current: '1300', order: '-50', outcome: 'allowed', action: 'proceed', after: '1250' },
    { current: '1300', order: '0', outcome: 'allowed', action: 'proceed', after: '1300' },
  ];
  it.each(cases)('$current + $order → $outcome', ({ current, order, outcome, action, after }) => {
    const d = creditDecision({ levels: LEVELS, currentExposure: usd(current), orderAmount: usd(order) });
    expect([d.outcome, d.action, d.values.exposureAfter.toString()]).toEqual([outcome, action, after]);
    expect(d.message.code).toBe(`credit_${outcome}`);
  });

  it('refuses with a message code and values a UI can translate', () => {
    const d = creditDecision({ levels: LEVELS, currentExposure: usd('900'), orderAmount: usd('450') });
    expect(d.level).toBe('purchase_blocked');
    expect(d.message).toEqual({
      code: 'credit_blocked',
      values: {
        orderAmount: { amount: '450', currency: 'USD' },
        currentExposure: { amount: '900', currency: 'USD' },
        exposureAfter: { amount: '1350', currency: 'USD' },
        levelAmount: { amount: '1200', currency: 'USD' },
        // 1,200 − 900 = 300: the largest order that would not be refused.
        availableBeforeBlock: { amount: '300', currency: 'USD' },
      },
    });
    expect(d.explanation).toEqual({
      summary:
        'Order refused: purchase blocked: exposure after the order 1,350.00 USD is above the purchase-blocked level 1,200.00 USD',
      steps: [
        { label: 'exposure after the order', formula: '900.00 USD + 450.00 USD', result: '1,350.00 USD' },
        { label: 'vs warning level', formula: '1,350.00 USD > 800.00 USD', result: 'above' },
        { label: 'vs approval-required level', formula: '1,350.00 USD > 1,000.00 USD', result: 'above' },
        { label: 'vs purchase-blocked level', formula: '1,350.00 USD > 1,200.00 USD', result: 'above' },
        { label: 'outcome', formula: 'strictest level passed: purchase-blocked level', result: 'blocked' },
      ],
    });
    // Already over: nothing is available (never negative).
    const over = creditDecision({ levels: LEVELS, currentExposure: usd('1300'), orderAmount: usd('1') });
    expect(over.values.availableBeforeBlock!.toString()).toBe('0');
  });

  it('skips unset levels and allows everything without levels', () => {
    const onlyBlocked = { purchaseBlocked: usd('1000') };
    // 900 + 200 = 1,100 > 1,000 → blocked; 900 + 100 = 1,000 → allowed.
    expect(
      creditDecision({ levels: onlyBlocked, currentExposure: usd('900'), orderAmount: usd('200') }).outcome,
    ).toBe('blocked');
    expect(
      creditDecision({ levels: onlyBlocked, currentExposure: usd('900'), orderAmount: usd('100') }).outcome,
    ).toBe('allowed');
    const none = creditDecision({ levels: {}, currentExposure: usd('1000000'), orderAmount: usd('1') });
    expect([none.outcome, none.level, none.values.availableBeforeBlock]).toEqual(['allowed', null, null]);
    expect(none.explanation.steps.slice(1, 4).map((s) => s.result)).toEqual([
      'not checked',
      'not checked',
      'not checked',
    ]);
  });

  it('lets the stricter of two equal levels decide', () => {
    // 1,001 > 1,000 = warning = approval → approval required.
    const d = creditDecision({
      levels: { warning: usd('1000'), approvalRequired: usd('1000') },
      currentExposure: usd('1000'),
      orderAmount: usd('1'),
    });
    expect([d.outcome, d.level]).toEqual(['approval_required', 'approval_required']);
  });

  it('refuses invalid levels and mixed currencies', () => {
    try {
      creditDecision({
        levels: { warning: usd('2000'), purchaseBlocked: usd('1000') },
        currentExposure: usd('0'),
        orderAmount: usd('1'),
      });
      expect.fail('expected a CreditError');
    } catch (error) {
      expect(error).toBeInstanceOf(CreditError);
      expect((error as CreditError).code).toBe('invalid_credit_levels');
      expect((error as CreditError).issues.map((i) => i.code)).toEqual(['level_order']);
    }
    expect(() =>
      creditDecision({
        levels: LEVELS,
        currentExposure: Money.of('1', 'JPY'),
        orderAmount: Money.of('1', 'JPY'),
      }),
    ).toThrow(CurrencyMismatchError);
  });
});

describe('creditDecision, properties', () => {
  const SEVERITY: Record<CreditOutcome, number> = {
    allowed: 0,
    warning: 1,
    approval_required: 2,
    blocked: 3,
  };
  const minor = fc.bigInt({ min: 0n, max: 10n ** 7n });

  it('a larger order is never treated more leniently', () => {
    fc.assert(
      fc.property(
        minor,
        minor.filter((n) => n > 0n),
        minor,
        (current, a, extra) => {
          const decide = (order: bigint) =>
            SEVERITY[
              creditDecision({
                levels: {
                  warning: Money.fromMinorUnits(300_000n, 'USD'),
                  approvalRequired: Money.fromMinorUnits(600_000n, 'USD'),
                  purchaseBlocked: Money.fromMinorUnits(900_000n, 'USD'),
                },
                currentExposure: Money.fromMinorUnits(current, 'USD'),
                orderAmount: Money.fromMinorUnits(order, 'USD'),
              }).outcome
            ];
          expect(decide(a + extra)).toBeGreaterThanOrEqual(decide(a));
        },
      ),
    );
  });

  it('an order is refused exactly when it adds exposure and exposure after it is above the blocked level', () => {
    fc.assert(
      fc.property(
        minor,
        fc.bigInt({ min: -(10n ** 6n), max: 10n ** 7n }),
        minor,
        (current, order, blocked) => {
          const d = creditDecision({
            levels: { purchaseBlocked: Money.fromMinorUnits(blocked, 'USD') },
            currentExposure: Money.fromMinorUnits(current, 'USD'),
            orderAmount: Money.fromMinorUnits(order, 'USD'),
          });
          expect(d.outcome === 'blocked').toBe(order > 0n && current + order > blocked);
        },
      ),
    );
  });
});
