import type { CreditCheck } from '../orders/credit-check.ts';
import { decideCredit } from './credit-limits.repository.ts';

/**
 * The order flow's credit check (modules/orders/credit-check.ts) over the stored credit limits: the
 * customer's own levels and those of every reseller above it, against the exposure after the order
 * (month-to-date usage + this month's accepted orders + the new order); the strictest outcome
 * decides. The order keeps the outcome, the level and a message, without the partner's amounts.
 */
export function creditControlCheck(now: () => Date): CreditCheck {
  return {
    async check(db, request) {
      const view = await decideCredit(db, request.customerId, request.monthlyAmount, now());
      const level = view.level?.replaceAll('_', ' ');
      const message =
        view.outcome === 'allowed'
          ? 'Within the credit levels.'
          : view.outcome === 'warning'
            ? 'The order passes the credit warning level: it is placed, with this notice.'
            : view.outcome === 'approval_required'
              ? 'The order passes the approval-required credit level: it waits for a partner’s approval.'
              : `Purchases are blocked: the order passes the ${level ?? 'purchase blocked'} level of credit control.`;
      return {
        outcome: view.outcome,
        implementation: 'credit-control',
        message,
        // The order is shown to the customer too: the outcome and level, never the partner's amounts
        // (partners see the working in GET /credit-limits/check and on the credit limit).
        explanation: {
          summary: message,
          level: view.level,
          decidedBy: view.decidedBy?.kind ?? null,
          steps: [],
        },
      };
    },
  };
}
