import { AlertError, Money, normalizeThreshold, type Temporal } from '@cspc/core';
import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import { type BudgetRow, evaluateBudget, evaluationDay } from '../alerts/evaluate-alerts.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { plannedAmountChanged } from '../credit-control/credit-limits.repository.ts';

/**
 * Budgets: a customer's planned monthly Azure amount (whole usage or one Azure subscription) with
 * alert thresholds. A customer admin keeps its own; a partner keeps those of customers in its
 * subtree. Other tenants' budgets do not exist for the caller (404).
 */

export interface BudgetInput {
  customerId: string;
  entitlementId?: string | null;
  currency?: string;
  plannedAmount: string;
  thresholds?: string[];
  effectiveFrom?: string;
}

export interface BudgetUpdate {
  plannedAmount: string;
  thresholds?: string[];
  effectiveFrom?: string;
}

export interface BudgetStatusView {
  period: string;
  monthToDate: string;
  forecast: string | null;
  thresholds: { threshold: string; amount: string; reached: boolean }[];
  explanation: { summary: string; steps: { label: string; formula: string; result: string }[] };
}

export interface BudgetView {
  id: string;
  customerId: string;
  customerName: string;
  entitlementId: string | null;
  currency: string;
  plannedAmount: string;
  thresholds: string[];
  effectiveFrom: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  status?: BudgetStatusView;
}

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function parseAmount(value: string, field: string, currency: string): Money {
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw badRequest('invalid_amount', `${field}: a decimal amount ≥ 0 such as "50000" or "1234.50".`, {
      field,
    });
  }
  return Money.of(value, currency);
}

function parseThresholds(list: string[] | undefined): string[] | undefined {
  if (list === undefined) return undefined;
  try {
    const normalised = [...new Set(list.map(normalizeThreshold))];
    return normalised.sort((a, b) => Number(a) - Number(b));
  } catch (error) {
    if (error instanceof AlertError) throw badRequest(error.code, error.message, error.detail);
    throw error;
  }
}

function parseMonth(value: string | undefined, fallback: Temporal.PlainYearMonth): string {
  if (value === undefined) return `${fallback}-01`;
  if (!MONTH.test(value)) {
    throw badRequest('invalid_period', 'effectiveFrom is a month, YYYY-MM (e.g. 2026-03).', {
      field: 'effectiveFrom',
    });
  }
  return `${value}-01`;
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('budgets as b')
    .innerJoin('organizations as o', 'o.id', 'b.customer_id')
    .selectAll('b')
    .select('o.name as customer_name')
    .where('b.customer_id', 'in', visibleOrganizationIds(db, scope));
}

type Row = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

function toView(row: Row): BudgetView {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerName: row.customer_name,
    entitlementId: row.entitlement_id === '' ? null : row.entitlement_id,
    currency: row.currency,
    plannedAmount: row.planned_amount,
    thresholds: row.thresholds,
    effectiveFrom: row.effective_from.slice(0, 7),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export async function listBudgets(
  db: Kysely<Database>,
  scope: Scope,
  filter: { limit: number; cursor?: string | undefined; customerId?: string | undefined },
): Promise<Page<BudgetView>> {
  requirePermission(scope, 'budgets:read');
  let query = baseQuery(db, scope);
  if (filter.customerId) query = query.where('b.customer_id', '=', filter.customerId);
  const after = decodeCursor(filter.cursor);
  if (after) query = query.where('b.id', '>', after);
  const rows = await query
    .orderBy('b.id')
    .limit(filter.limit + 1)
    .execute();
  const items = rows.slice(0, filter.limit).map(toView);
  return {
    items,
    nextCursor: rows.length > filter.limit ? encodeCursor(items[items.length - 1]!.id) : null,
  };
}

/** The budget with its status for the current month (month-to-date, forecast, thresholds). */
export async function findBudget(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<BudgetView> {
  requirePermission(scope, 'budgets:read');
  const row = await baseQuery(db, scope).where('b.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('budget');
  const view = toView(row);
  const { month, today } = evaluationDay(now);
  const evaluation = await evaluateBudget(db, row as BudgetRow, month, today);
  view.status = {
    period: month.toString(),
    monthToDate: evaluation.monthToDate.toString(),
    forecast: evaluation.forecast.forecast?.toString() ?? null,
    thresholds: evaluation.thresholds.thresholds.map((t) => ({
      threshold: t.threshold,
      amount: t.amount.toString(),
      reached: t.reached,
    })),
    explanation: evaluation.forecastCheck.explanation,
  };
  return view;
}

async function customerOf(db: Kysely<Database>, scope: Scope, customerId: string) {
  const org = await db
    .selectFrom('organizations')
    .select(['id', 'kind', 'currency', 'name'])
    .where('id', '=', customerId)
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
  if (!org) throw notFound('customer');
  if (org.kind !== 'customer') {
    throw badRequest('not_a_customer', 'Budgets belong to customers; this organisation is a partner.');
  }
  return org;
}

export async function createBudget(
  db: Kysely<Database>,
  scope: Scope,
  input: BudgetInput,
  now: Date,
): Promise<BudgetView> {
  requirePermission(scope, 'budgets:write');
  const customer = await customerOf(db, scope, input.customerId);
  const currency = input.currency ?? customer.currency;
  if (currency !== customer.currency) {
    throw badRequest(
      'currency_mismatch',
      `A budget is in the customer's currency (${customer.currency}), not ${currency}.`,
      { expected: customer.currency, actual: currency },
    );
  }
  const planned = parseAmount(input.plannedAmount, 'plannedAmount', currency);
  const thresholds = parseThresholds(input.thresholds) ?? ['50'];
  const effectiveFrom = parseMonth(input.effectiveFrom, evaluationDay(now).month);
  const entitlementId = input.entitlementId?.trim() ?? '';
  if (entitlementId.length > 100) {
    throw badRequest('invalid_entitlement', 'entitlementId: at most 100 characters.');
  }
  const id = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('budgets')
      .select('id')
      .where('customer_id', '=', customer.id)
      .where('entitlement_id', '=', entitlementId)
      .executeTakeFirst();
    if (existing) {
      throw conflict(
        'budget_exists',
        entitlementId === ''
          ? 'This customer already has a budget for its whole Azure usage; change that one instead.'
          : 'This Azure subscription already has a budget; change that one instead.',
        { budgetId: existing.id },
      );
    }
    const row = await trx
      .insertInto('budgets')
      .values({
        customer_id: customer.id,
        entitlement_id: entitlementId,
        currency,
        planned_amount: planned.toString(),
        thresholds,
        effective_from: effectiveFrom,
        created_by: scope.actor.label,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, scope, {
      organizationId: customer.id,
      action: 'create',
      entityType: 'budget',
      entityId: row.id,
      after: { entitlementId, currency, plannedAmount: planned.toString(), thresholds, effectiveFrom },
    });
    if (entitlementId === '') await plannedAmountChanged(trx, customer.id, null, planned, now);
    return row.id;
  });
  return findBudget(db, scope, id, now);
}

async function budgetForUpdate(trx: Kysely<Database>, scope: Scope, id: string) {
  const row = await trx
    .selectFrom('budgets')
    .selectAll()
    .where('id', '=', id)
    .where('customer_id', 'in', visibleOrganizationIds(trx, scope))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('budget');
  return row;
}

export async function updateBudget(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  input: BudgetUpdate,
  now: Date,
  expectedVersion?: number,
): Promise<BudgetView> {
  requirePermission(scope, 'budgets:write');
  await db.transaction().execute(async (trx) => {
    const before = await budgetForUpdate(trx, scope, id);
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw new AppError(
        'version_conflict',
        412,
        'The budget was changed meanwhile; reload it and try again.',
        {
          version: before.version,
        },
      );
    }
    const planned = parseAmount(input.plannedAmount, 'plannedAmount', before.currency);
    const thresholds = parseThresholds(input.thresholds) ?? before.thresholds;
    const effectiveFrom =
      input.effectiveFrom === undefined
        ? before.effective_from
        : parseMonth(input.effectiveFrom, evaluationDay(now).month);
    await trx
      .updateTable('budgets')
      .set({
        planned_amount: planned.toString(),
        thresholds,
        effective_from: effectiveFrom,
        updated_at: now,
        version: before.version + 1,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: before.customer_id,
      action: 'update',
      entityType: 'budget',
      entityId: id,
      before: {
        plannedAmount: before.planned_amount,
        thresholds: before.thresholds,
        effectiveFrom: before.effective_from,
      },
      after: { plannedAmount: planned.toString(), thresholds, effectiveFrom },
    });
    if (before.entitlement_id === '') {
      const previous = Money.of(before.planned_amount, before.currency);
      await plannedAmountChanged(trx, before.customer_id, previous, planned, now);
    }
  });
  return findBudget(db, scope, id, now);
}

export async function deleteBudget(db: Kysely<Database>, scope: Scope, id: string): Promise<void> {
  requirePermission(scope, 'budgets:write');
  await db.transaction().execute(async (trx) => {
    const before = await budgetForUpdate(trx, scope, id);
    await trx.deleteFrom('budgets').where('id', '=', id).execute();
    await recordAudit(trx, scope, {
      organizationId: before.customer_id,
      action: 'delete',
      entityType: 'budget',
      entityId: id,
      before: {
        entitlementId: before.entitlement_id,
        plannedAmount: before.planned_amount,
        thresholds: before.thresholds,
      },
    });
  });
}
