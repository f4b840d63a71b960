import { Money, type RoundingMode } from '../money/money.ts';
import { Temporal } from '../time/calendar.ts';
import { Period } from '../time/period.ts';
import { ProrationError } from './errors.ts';
import {
  describePeriod,
  exact,
  type ProrationExplanation,
  type ProrationStep,
  plural,
} from './explanation.ts';

export interface ProratedChargeInput {
  /** Price of one unit for one whole charge period (a monthly price for monthly billing, etc.). */
  unitPrice: Money;
  /** Seats, a safe integer; negative for a reduction or cancellation, which yields a refund. */
  quantity: number;
  chargePeriod: Period;
  /** The days charged, inside the charge period; several pieces are added up (they must not overlap). */
  used: Period | readonly Period[];
}

export interface ProratedCharge {
  /** unitPrice × quantity × usedDays / periodDays, NOT rounded: round once per invoice line. */
  amount: Money;
  usedDays: number;
  periodDays: number;
  explanation: ProrationExplanation;
}

export function checkQuantity(quantity: number, what = 'quantity'): void {
  if (!Number.isSafeInteger(quantity)) {
    throw new ProrationError('invalid_quantity', `${what} must be a safe integer, got ${String(quantity)}`);
  }
}

function checkPeriod(p: unknown, what: string): asserts p is Period {
  if (!(p instanceof Period)) throw new ProrationError('invalid_period', `${what} must be a Period`);
}

/** Throws when two of the periods share a day; pieces of one charge must not count a day twice. */
export function checkDisjoint(periods: readonly Period[]): void {
  const sorted = [...periods].sort((a, b) => Temporal.PlainDate.compare(a.start, b.start));
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1]!;
    const current = sorted[i]!;
    if (previous.overlap(current) !== null) {
      throw new ProrationError('overlapping_periods', `Periods ${previous} and ${current} overlap`);
    }
  }
}

function within(inner: Period, outer: Period): boolean {
  return (
    Temporal.PlainDate.compare(outer.start, inner.start) <= 0 &&
    Temporal.PlainDate.compare(inner.end, outer.end) <= 0
  );
}

/**
 * The charge for `quantity` units used on part of a charge period, as Microsoft prorates NCE
 * licences: `unit price × quantity × days used / days in the charge period`, in whole calendar days
 * and with the charge period's real length (28–31 days for a month, 365 or 366 for a year).
 *
 * Multiplying before the single division keeps the result exact whenever it has a finite decimal
 * expansion; otherwise Money keeps 40 decimals, which cannot change the rounding of an invoice line
 * for any unit price with fewer than ~30 decimals (a tie or an integer boundary that close would
 * need a denominator of 10^37). Several `used` pieces are summed into one day count before dividing,
 * so prorating a split period is exactly the same as prorating the whole.
 */
export function proratedCharge(input: ProratedChargeInput): ProratedCharge {
  const { unitPrice, quantity, chargePeriod } = input;
  if (!(unitPrice instanceof Money)) throw new TypeError('unitPrice must be a Money');
  checkQuantity(quantity);
  checkPeriod(chargePeriod, 'chargePeriod');
  const pieces: readonly Period[] = input.used instanceof Period ? [input.used] : input.used;
  if (!Array.isArray(pieces) || pieces.length === 0) {
    throw new ProrationError('invalid_period', 'used must be a Period or a non-empty list of them');
  }
  for (const piece of pieces) {
    checkPeriod(piece, 'used');
    if (!within(piece, chargePeriod)) {
      throw new ProrationError(
        'used_outside_charge_period',
        `Used period ${piece} is not inside charge period ${chargePeriod}`,
      );
    }
  }
  checkDisjoint(pieces);

  const periodDays = chargePeriod.days();
  const usedDays = pieces.reduce((sum, p) => sum + p.days(), 0);
  const full = unitPrice.times(quantity);
  const amount = usedDays === periodDays ? full : full.times(usedDays).dividedBy(periodDays);

  const steps: ProrationStep[] = [
    {
      label: 'Charge period',
      formula: describePeriod(chargePeriod),
      result: plural(periodDays, 'day', 'days'),
    },
    {
      label: 'Days charged',
      formula: pieces.length === 1 ? describePeriod(pieces[0]!) : pieces.map(describePeriod).join(' + '),
      result: plural(usedDays, 'day', 'days'),
    },
    {
      label: 'Full-period charge',
      formula: `${exact(unitPrice)} × ${quantity}`,
      result: exact(full),
    },
    {
      label: 'Prorated charge',
      formula: `${exact(full)} × ${usedDays} / ${periodDays}`,
      result: exact(amount),
    },
  ];
  return {
    amount,
    usedDays,
    periodDays,
    explanation: {
      summary:
        `${exact(unitPrice)} × ${quantity} for ${usedDays} of ${periodDays} days ` +
        `of the charge period ${describePeriod(chargePeriod)} = ${exact(amount)} (not rounded)`,
      steps,
    },
  };
}

const MODE_WORDS: Readonly<Record<RoundingMode, string>> = {
  'half-up': 'rounded half up',
  'half-even': 'rounded half to even',
  down: 'rounded down (truncated)',
  up: 'rounded up',
};

export function describeRounding(mode: RoundingMode): string {
  return Object.hasOwn(MODE_WORDS, mode) ? MODE_WORDS[mode] : `rounded (${String(mode)})`;
}

export interface RoundedLine {
  amount: Money;
  explanation: ProrationExplanation;
}

/**
 * The one rounding of an invoice line, to the currency's minor unit (JPY 0 decimals, USD 2).
 * Prorated parts of a line are added unrounded first and rounded here once, so that no rounding
 * error accumulates across the parts of a line.
 */
export function roundLine(amount: Money, mode: RoundingMode = 'half-up'): RoundedLine {
  if (!(amount instanceof Money)) throw new TypeError('amount must be a Money');
  const rounded = amount.round(mode);
  const how = describeRounding(mode);
  return {
    amount: rounded,
    explanation: {
      summary: `${exact(amount)} ${how} to the ${amount.currency} minor unit = ${exact(rounded)}`,
      steps: [{ label: 'Line amount', formula: `${exact(amount)}, ${how}`, result: exact(rounded) }],
    },
  };
}

export interface AllocatedPart {
  period: Period;
  days: number;
  amount: Money;
}

export interface AllocationResult {
  parts: AllocatedPart[];
  explanation: ProrationExplanation;
}

/**
 * Splits an already rounded line total across periods in proportion to their days, so that the
 * parts add up to the total exactly (largest remainder, Money.allocate): e.g. an annual charge
 * spread over calendar months for revenue recognition, or a charge period straddling two invoice
 * months. Parts are returned in the order the periods were given.
 */
export function allocateAcrossPeriods(total: Money, periods: readonly Period[]): AllocationResult {
  if (!(total instanceof Money)) throw new TypeError('total must be a Money');
  if (!total.isRounded()) {
    throw new ProrationError(
      'unrounded_total',
      `${exact(total)} has more decimals than ${total.currency} allows; roundLine() it first`,
    );
  }
  if (!Array.isArray(periods) || periods.length === 0) {
    throw new ProrationError('invalid_period', 'allocateAcrossPeriods needs at least one period');
  }
  periods.forEach((p, i) => {
    checkPeriod(p, `periods[${i}]`);
  });
  checkDisjoint(periods);
  const days = periods.map((p) => p.days());
  const totalDays = days.reduce((a, b) => a + b, 0);
  const amounts = total.allocate(days);
  const parts = periods.map((period, i) => ({ period, days: days[i]!, amount: amounts[i]! }));
  return {
    parts,
    explanation: {
      summary:
        `${exact(total)} split over ${plural(periods.length, 'period', 'periods')} ` +
        `by days (${totalDays} in all); the parts add up to the total exactly`,
      steps: parts.map((part) => ({
        label: describePeriod(part.period),
        formula: `${exact(total)} × ${part.days} / ${totalDays}, whole minor units, leftovers to the largest remainders`,
        result: exact(part.amount),
      })),
    },
  };
}
