import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { type CreditLevels, validateCreditLevels } from './levels.ts';

const usd = (s: string) => Money.of(s, 'USD');

describe('validateCreditLevels', () => {
  const cases: { name: string; levels: CreditLevels; issues: [string, string, string | null][] }[] = [
    { name: 'all unset', levels: {}, issues: [] },
    {
      name: 'all null',
      levels: { warning: null, approvalRequired: null, purchaseBlocked: null },
      issues: [],
    },
    // 800 ≤ 1,000 ≤ 1,200.
    {
      name: 'ordered',
      levels: { warning: usd('800'), approvalRequired: usd('1000'), purchaseBlocked: usd('1200') },
      issues: [],
    },
    {
      name: 'equal levels are allowed',
      levels: { warning: usd('1000'), approvalRequired: usd('1000') },
      issues: [],
    },
    { name: 'zero is allowed', levels: { purchaseBlocked: usd('0') }, issues: [] },
    { name: 'only blocked', levels: { purchaseBlocked: usd('5') }, issues: [] },
    // 1,200 > 1,000.
    {
      name: 'warning above approval',
      levels: { warning: usd('1200'), approvalRequired: usd('1000') },
      issues: [['level_order', 'warning', 'approval_required']],
    },
    // Approval unset: warning is still checked against blocked (1,300 > 1,200).
    {
      name: 'warning above blocked, approval unset',
      levels: { warning: usd('1300'), purchaseBlocked: usd('1200') },
      issues: [['level_order', 'warning', 'purchase_blocked']],
    },
    // 1,300 is above both 1,000 and 1,200; every conflict is listed for the form.
    {
      name: 'warning above both',
      levels: { warning: usd('1300'), approvalRequired: usd('1000'), purchaseBlocked: usd('1200') },
      issues: [
        ['level_order', 'warning', 'approval_required'],
        ['level_order', 'warning', 'purchase_blocked'],
      ],
    },
    { name: 'negative', levels: { warning: usd('-1') }, issues: [['negative_level', 'warning', null]] },
    {
      name: 'mixed currencies',
      levels: { warning: usd('1'), purchaseBlocked: Money.of('100', 'JPY') },
      issues: [['currency_mismatch', 'purchase_blocked', 'warning']],
    },
  ];

  it.each(cases)('$name', ({ levels, issues }) => {
    expect(validateCreditLevels(levels).map((i) => [i.code, i.level, i.other])).toEqual(issues);
  });

  it('says what is wrong in words too', () => {
    expect(validateCreditLevels({ warning: usd('1200'), approvalRequired: usd('1000') })[0]!.message).toBe(
      'The warning level (1,200.00 USD) is above the approval-required level (1,000.00 USD)',
    );
  });
});
