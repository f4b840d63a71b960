import { Money } from '../money/money.ts';
import { exact } from '../proration/explanation.ts';
import { BillingError } from './errors.ts';
import type { InvoicedSource, InvoiceLineDraft, ProposedLine } from './types.ts';

/**
 * What still has to be invoiced: for every source key, the proposed (rounded) amount minus what
 * non-void invoices already hold for it. A key proposed and invoiced alike yields nothing (so a
 * re-run adds nothing); a late change yields only its difference; a key invoiced but no longer
 * proposed (usage revised to nothing) is reversed in full. Lines come out in the proposal's order,
 * reversals after them in key order.
 */
export function diffLines(
  proposed: readonly ProposedLine[],
  invoiced: readonly InvoicedSource[],
  currency: string,
): InvoiceLineDraft[] {
  const already = new Map<string, Money>();
  for (const item of invoiced) {
    if (item.amount.currency !== currency) {
      throw new BillingError(
        'currency_mismatch',
        `Invoiced ${item.sourceKey} is in ${item.amount.currency}, not ${currency}`,
      );
    }
    already.set(item.sourceKey, (already.get(item.sourceKey) ?? Money.zero(currency)).plus(item.amount));
  }
  const seen = new Set<string>();
  const drafts: InvoiceLineDraft[] = [];
  let zero: Money | undefined;
  for (const line of proposed) {
    if (seen.has(line.sourceKey)) {
      throw new BillingError('invalid_line', `Two proposed lines share the source key ${line.sourceKey}`);
    }
    seen.add(line.sourceKey);
    if (line.amount.currency !== currency) {
      throw new BillingError(
        'currency_mismatch',
        `Line ${line.sourceKey} is in ${line.amount.currency}, not ${currency}`,
      );
    }
    if (!line.amount.isRounded()) {
      throw new BillingError(
        'unrounded_line',
        `Line ${line.sourceKey} is not rounded: ${line.amount.toString()}`,
      );
    }
    const invoicedBefore = already.get(line.sourceKey);
    if (invoicedBefore === undefined) {
      // Nothing invoiced for the key yet (a first run): the whole line, no subtraction needed.
      if (line.amount.isZero()) continue;
      zero ??= Money.zero(currency);
      drafts.push({ ...line, proposedTotal: line.amount, previouslyInvoiced: zero });
      continue;
    }
    const previous = invoicedBefore;
    const delta = line.amount.minus(previous);
    if (delta.isZero()) continue;
    drafts.push(
      previous.isZero()
        ? { ...line, proposedTotal: line.amount, previouslyInvoiced: previous }
        : {
            ...line,
            amount: delta,
            proposedTotal: line.amount,
            previouslyInvoiced: previous,
            explanation: {
              ...line.explanation,
              summary: `Adjustment: now ${exact(line.amount)}, already invoiced ${exact(previous)}, difference ${exact(delta)}. ${line.explanation.summary}`,
              steps: [
                ...line.explanation.steps,
                { label: 'Already invoiced', formula: 'earlier invoices', result: exact(previous) },
                {
                  label: 'Difference',
                  formula: `${exact(line.amount)} - ${exact(previous)}`,
                  result: exact(delta),
                },
              ],
            },
          },
    );
  }
  const gone = [...already.keys()].filter((k) => !seen.has(k)).sort();
  for (const key of gone) {
    const previous = already.get(key)!;
    if (previous.isZero()) continue;
    drafts.push(reversal(key, previous));
  }
  return drafts;
}

function reversal(sourceKey: string, previous: Money): InvoiceLineDraft {
  const kind = sourceKey.startsWith('usage:')
    ? 'usage'
    : sourceKey.startsWith('discount:')
      ? 'discount'
      : sourceKey.startsWith('metered:')
        ? 'own_service'
        : 'license';
  const zero = Money.zero(previous.currency);
  return {
    sourceKey,
    kind,
    description: `Reversal of ${sourceKey}`,
    subscriptionId: null,
    entitlementId: null,
    productId: null,
    periodStart: '',
    periodEnd: '',
    quantity: '0',
    unitPrice: null,
    unrounded: previous.negate(),
    amount: previous.negate(),
    taxRate: 'standard',
    proposedTotal: zero,
    previouslyInvoiced: previous,
    explanation: {
      summary: `No longer charged: ${exact(previous)} invoiced earlier is reversed`,
      steps: [
        { label: 'Already invoiced', formula: 'earlier invoices', result: exact(previous) },
        { label: 'Now due', formula: 'source no longer produces a charge', result: exact(zero) },
        {
          label: 'Difference',
          formula: `${exact(zero)} - ${exact(previous)}`,
          result: exact(previous.negate()),
        },
      ],
    },
  };
}
