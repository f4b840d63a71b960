import { Money } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import {
  type BudgetRow,
  type EvaluationCounts,
  evaluateAlerts,
  evaluateBudget,
  evaluationDay,
} from '../alerts/evaluate-alerts.ts';

/**
 * Demo budgets (#8), sized from the demo's emulated usage so that the first evaluation shows what
 * the rules do whatever the day of the month:
 * - Customer A (Contoso Japan), whose usage spikes yesterday (demo-usage.ts): a budget high enough
 *   that no threshold or forecast alert fires, so its alert is the spike;
 * - Customer B (Fabrikam KK): planned = month-to-date × 1.6 (rounded up), thresholds 50/80/100%:
 *   month-to-date is 62.5% of the plan, one 50% crossing.
 * Runs once (skipped when the customers already have budgets); then evaluates their alerts.
 */
export async function seedDemoBudgets(
  db: Kysely<Database>,
  orgs: Record<string, string>,
  now: Date = new Date(),
): Promise<{ budgets: number; evaluation: EvaluationCounts | null }> {
  const a = orgs['customer-a'];
  const b = orgs['customer-b'];
  if (!a || !b || !orgs.provider) return { budgets: 0, evaluation: null };
  const existing = await db
    .selectFrom('budgets')
    .select('id')
    .where('customer_id', 'in', [a, b])
    .executeTakeFirst();
  if (existing) return { budgets: 0, evaluation: null };
  const { month, today } = evaluationDay(now);
  const currencies = await db
    .selectFrom('organizations')
    .select(['id', 'currency', 'name'])
    .where('id', 'in', [a, b])
    .execute();
  const of = (id: string) => currencies.find((c) => c.id === id)!;
  const draft = (id: string, planned: string): BudgetRow => ({
    id: '',
    customer_id: id,
    customer_name: of(id).name,
    entitlement_id: '',
    currency: of(id).currency,
    planned_amount: planned,
    thresholds: ['50'],
    effective_from: `${month}-01`,
    created_at: now,
  });

  // Customer A: above month-to-date × 4 and the forecast × 1.25.
  const probeA = await evaluateBudget(db, draft(a, '1'), month, today);
  const currencyA = of(a).currency;
  const plannedA = Money.max(
    Money.max(probeA.monthToDate.times(4), probeA.forecast.forecast?.times('1.25') ?? Money.zero(currencyA)),
    Money.of('100000', currencyA),
  ).round('up');
  // Customer B: month-to-date is 62.5% of the plan.
  const probeB = await evaluateBudget(db, draft(b, '1'), month, today);
  const currencyB = of(b).currency;
  const plannedB = probeB.monthToDate.isPositive()
    ? probeB.monthToDate.times('1.6').round('up')
    : Money.of('100000', currencyB);

  const rows = [
    { customer_id: a, currency: currencyA, planned_amount: plannedA.toString(), thresholds: ['50'] },
    {
      customer_id: b,
      currency: currencyB,
      planned_amount: plannedB.toString(),
      thresholds: ['50', '80', '100'],
    },
  ];
  await db
    .insertInto('budgets')
    .values(
      rows.map((r) => ({
        ...r,
        entitlement_id: '',
        effective_from: `${month}-01`,
        created_by: 'demo seed',
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
  const evaluation = await evaluateAlerts(db, { rootId: orgs.provider, organizationIds: [a, b], now });
  return { budgets: rows.length, evaluation };
}
