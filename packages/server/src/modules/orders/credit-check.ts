import { type CreditLevels, creditDecision, type Money } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

/**
 * The credit control hook of the order flow. Before an order is submitted it asks a CreditCheck
 * what to do: place it (`allowed`), place it with a notice (`warning`), hold it until someone with
 * `orders:approve` approves it (`approval_required`), or refuse it (`blocked`).
 *
 * The default (order-services.ts) is the credit control module's `creditControlCheck`
 * (modules/credit-control/credit-control-check.ts) over the stored credit limits.
 * `passThroughCreditCheck` allows every order and says so on the order; `levelsCreditCheck` is the
 * core `creditDecision` over levels and exposure supplied by a loader. Tests swap checks with
 * `configureOrders(deps, { creditCheck })`.
 */

export type CreditCheckOutcome = 'allowed' | 'warning' | 'approval_required' | 'blocked';

export interface CreditCheckRequest {
  customerId: string;
  sellerId: string;
  /** What the order adds per month in the customer's currency (0 for reductions and changes). */
  monthlyAmount: Money;
}

export interface CreditCheckResult {
  outcome: CreditCheckOutcome;
  /** Which implementation decided (shown on the order, so a pass-through is never mistaken for a check). */
  implementation: string;
  message: string;
  explanation: unknown;
}

export interface CreditCheck {
  check(db: Kysely<Database>, request: CreditCheckRequest): Promise<CreditCheckResult>;
}

/** Allows every order. Clearly named: no credit control is configured. */
export const passThroughCreditCheck: CreditCheck = {
  async check() {
    return {
      outcome: 'allowed',
      implementation: 'pass-through',
      message: 'No credit control is configured: the order was not checked against credit levels.',
      explanation: { summary: 'pass-through credit check', steps: [] },
    };
  },
};

export interface CreditPosition {
  levels: CreditLevels;
  /** Month-to-date usage + committed monthly charges before the order, in the levels' currency. */
  currentExposure: Money;
}

/**
 * Credit levels decide (core `creditDecision`): `load` returns the customer's levels and current
 * exposure, or null when none are set (then the order is allowed).
 */
export function levelsCreditCheck(
  load: (db: Kysely<Database>, request: CreditCheckRequest) => Promise<CreditPosition | null>,
): CreditCheck {
  return {
    async check(db, request) {
      const position = await load(db, request);
      if (!position) {
        return {
          outcome: 'allowed',
          implementation: 'credit-levels',
          message: 'No credit levels are set for this customer.',
          explanation: { summary: 'no credit levels', steps: [] },
        };
      }
      const decision = creditDecision({
        levels: position.levels,
        currentExposure: position.currentExposure,
        orderAmount: request.monthlyAmount,
      });
      return {
        outcome: decision.outcome,
        implementation: 'credit-levels',
        message: decision.explanation.summary,
        explanation: decision.explanation,
      };
    },
  };
}
