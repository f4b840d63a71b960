import type { BudgetThresholdAlert, CreditAlert, ForecastAlert, SpikeAlert } from '@cspc/core';
import type { Amount } from './event-types.ts';
import { amountOf, type PublishInput } from './publish.ts';

/**
 * The core's alerts (packages/core/src/alerts, credit) as events to publish. The budget and credit
 * modules call these and pass the result to publishEvent in the transaction that records the
 * alert: the core's dedupe key becomes the event's, so an alert evaluated twice notifies once.
 * Subject ids are organisation ids: budget alerts belong to the customer, credit alerts to the
 * customer or reseller whose credit it is (its seller is told; see event-types.ts).
 */

type BudgetAlert = BudgetThresholdAlert | SpikeAlert | ForecastAlert;

export function budgetAlertEvent(
  alert: BudgetAlert,
  customerName: string,
): PublishInput<'budget_threshold' | 'usage_spike' | 'forecast_over_budget'> {
  const base = {
    organizationId: alert.subject.customerId,
    subject: alert.subject.subscriptionId
      ? { type: 'subscription', id: alert.subject.subscriptionId }
      : { type: 'customer', id: alert.subject.customerId },
    dedupeKey: alert.dedupeKey,
  };
  const explanation = alert.explanation.summary;
  switch (alert.type) {
    case 'budget_threshold':
      return {
        ...base,
        type: 'budget_threshold',
        data: {
          customerName,
          period: alert.period.toString(),
          threshold: alert.threshold,
          planned: amountOf(alert.values.planned),
          monthToDate: amountOf(alert.values.monthToDate),
          explanation,
        },
      };
    case 'usage_spike':
      return {
        ...base,
        type: 'usage_spike',
        data: {
          customerName,
          date: alert.date.toString(),
          amount: amountOf(alert.values.amount),
          previous: alert.values.previous.map((p) => ({
            date: p.date.toString(),
            amount: p.amount ? amountOf(p.amount) : null,
          })),
          explanation,
        },
      };
    case 'budget_forecast':
      return {
        ...base,
        type: 'forecast_over_budget',
        data: {
          customerName,
          period: alert.period.toString(),
          forecast: amountOf(alert.values.forecast),
          planned: amountOf(alert.values.planned),
          monthToDate: amountOf(alert.values.monthToDate),
          explanation,
        },
      };
  }
}

export function creditAlertEvent(
  alert: CreditAlert,
  subjectName: string,
): PublishInput<'provisional_credit_exceeded' | 'credit_level'> {
  const base = {
    organizationId: alert.subject.id,
    subject: { type: alert.subject.kind, id: alert.subject.id },
    dedupeKey: alert.dedupeKey,
  };
  const period = alert.period.toString();
  const explanation = alert.explanation.summary;
  if (alert.type === 'provisional_credit_exceeded') {
    return {
      ...base,
      type: 'provisional_credit_exceeded',
      data: {
        subjectName,
        period,
        usage: amountOf(alert.values.usage),
        provisionalCredit: amountOf(alert.values.provisionalCredit),
        explanation,
      },
    };
  }
  let amount: Amount;
  switch (alert.trigger) {
    case 'usage':
      amount = amountOf(alert.values.usage);
      break;
    case 'planned_amount':
      amount = amountOf(alert.values.planned);
      break;
    case 'highest_usage':
      amount = amountOf(alert.values.highestUsage);
      break;
  }
  return {
    ...base,
    type: 'credit_level',
    data: {
      subjectName,
      period,
      level: alert.level,
      trigger: alert.trigger,
      amount,
      levelAmount: amountOf(alert.values.levelAmount),
      explanation,
    },
  };
}
