import {
  type CreditLevels,
  creditDecision,
  Money,
  plannedLevelAlerts,
  validateCreditLevels,
} from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../http/errors.ts';
import { decodeCursor, encodeCursor, type Page } from '../../http/pagination.ts';
import {
  buyerOf,
  type CreditLimitRow,
  creditLimitRows,
  creditSubjectOf,
  evaluationDay,
  levelsOf,
  provisionalCreditOf,
  storeCreditAlert,
} from '../alerts/evaluate-alerts.ts';
import { monthToDate } from '../alerts/usage-totals.ts';
import { recordAudit } from '../audit/audit.repository.ts';

/**
 * Credit limits: three monthly levels per customer (set by its seller) or per reseller (set by the
 * provider or its parent reseller). A limit is visible to the seller and the seller's ancestors
 * only — the organisation it is about never sees it (404).
 */

export interface CreditLimitInput {
  organizationId: string;
  currency?: string;
  warning?: string | null;
  approvalRequired?: string | null;
  purchaseBlocked?: string | null;
}

export type CreditLimitUpdate = Omit<CreditLimitInput, 'organizationId' | 'currency'>;

export interface ExplanationView {
  summary: string;
  steps: { label: string; formula: string; result: string }[];
}

export interface CreditLimitView {
  id: string;
  organizationId: string;
  organizationName: string;
  organizationKind: 'customer' | 'reseller';
  sellerId: string;
  currency: string;
  warning: string | null;
  approvalRequired: string | null;
  purchaseBlocked: string | null;
  monthToDate: string;
  provisionalCredit: {
    month: string;
    amount: string | null;
    basis: string;
    window: { month: string; amount: string; recorded: boolean; fullMonth: boolean }[];
    highest: { month: string; amount: string } | null;
    explanation: ExplanationView;
  };
  createdAt: string;
  updatedAt: string;
  version: number;
}

const DECIMAL = /^\d{1,15}(\.\d{1,10})?$/;

function parseLevel(value: string | null | undefined, field: string, currency: string): Money | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || !DECIMAL.test(value)) {
    throw badRequest('invalid_amount', `${field}: a decimal amount ≥ 0 such as "500000", or null.`, {
      field,
    });
  }
  return Money.of(value, currency);
}

function checkLevels(levels: CreditLevels): void {
  const issues = validateCreditLevels(levels);
  if (issues.length > 0) {
    throw badRequest(
      'invalid_credit_levels',
      issues.map((i) => i.message).join('; '),
      issues.map((i) => ({ code: i.code, level: i.level, other: i.other, message: i.message })),
    );
  }
}

/** Limits the caller may see: those set by its own organisation or a descendant. */
function visibleRows(db: Kysely<Database>, scope: Scope) {
  return creditLimitRows(db)
    .select(['c.created_at', 'c.updated_at', 'c.version'])
    .where('c.seller_id', 'in', visibleOrganizationIds(db, scope));
}

type Row = CreditLimitRow & { created_at: Date; updated_at: Date; version: number };

async function toView(db: Kysely<Database>, row: Row, now: Date): Promise<CreditLimitView> {
  const { month, today } = evaluationDay(now);
  const provisional = await provisionalCreditOf(db, row, month);
  const usage = await monthToDate(db, buyerOf(row), month, today);
  return {
    id: row.id,
    organizationId: row.organization_id,
    organizationName: row.organization_name,
    organizationKind: row.organization_kind === 'customer' ? 'customer' : 'reseller',
    sellerId: row.seller_id,
    currency: row.currency,
    warning: row.warning_amount,
    approvalRequired: row.approval_amount,
    purchaseBlocked: row.blocked_amount,
    monthToDate: usage.toString(),
    provisionalCredit: {
      month: provisional.month.toString(),
      amount: provisional.amount?.toString() ?? null,
      basis: provisional.basis,
      window: provisional.window.map((m) => ({
        month: m.month.toString(),
        amount: m.amount.toString(),
        recorded: m.recorded,
        fullMonth: m.fullMonth,
      })),
      highest: provisional.highest
        ? { month: provisional.highest.month.toString(), amount: provisional.highest.amount.toString() }
        : null,
      explanation: provisional.explanation,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: row.version,
  };
}

export async function listCreditLimits(
  db: Kysely<Database>,
  scope: Scope,
  filter: { limit: number; cursor?: string | undefined; organizationId?: string | undefined },
  now: Date,
): Promise<Page<CreditLimitView>> {
  requirePermission(scope, 'credit:read');
  let query = visibleRows(db, scope);
  if (filter.organizationId) query = query.where('c.organization_id', '=', filter.organizationId);
  const after = decodeCursor(filter.cursor);
  if (after) query = query.where('c.id', '>', after);
  const rows = await query
    .orderBy('c.id')
    .limit(filter.limit + 1)
    .execute();
  const items: CreditLimitView[] = [];
  for (const row of rows.slice(0, filter.limit)) items.push(await toView(db, row, now));
  return {
    items,
    nextCursor: rows.length > filter.limit ? encodeCursor(items[items.length - 1]!.id) : null,
  };
}

export async function findCreditLimit(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<CreditLimitView> {
  requirePermission(scope, 'credit:read');
  const row = await visibleRows(db, scope).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('credit limit');
  return toView(db, row, now);
}

export async function createCreditLimit(
  db: Kysely<Database>,
  scope: Scope,
  input: CreditLimitInput,
  now: Date,
): Promise<CreditLimitView> {
  requirePermission(scope, 'credit:manage');
  if (scope.organizationKind === 'customer') throw forbidden('Credit limits are set by partners.');
  const org = await db
    .selectFrom('organizations')
    .select(['id', 'kind', 'currency', 'parent_id'])
    .where('id', '=', input.organizationId)
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
  if (!org) throw notFound('organization');
  if (org.id === scope.organizationId) {
    throw badRequest('own_organization', 'A partner cannot set its own credit limit; its seller does.');
  }
  if (org.kind !== 'customer' && org.kind !== 'reseller') {
    throw badRequest('not_a_credit_subject', 'Credit limits are set for customers and resellers.');
  }
  const currency = input.currency ?? org.currency;
  if (currency !== org.currency) {
    throw badRequest(
      'currency_mismatch',
      `Credit levels are in the organisation's currency (${org.currency}), not ${currency}.`,
      { expected: org.currency, actual: currency },
    );
  }
  const levels = {
    warning: parseLevel(input.warning, 'warning', currency),
    approvalRequired: parseLevel(input.approvalRequired, 'approvalRequired', currency),
    purchaseBlocked: parseLevel(input.purchaseBlocked, 'purchaseBlocked', currency),
  };
  checkLevels(levels);
  const id = await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('credit_limits')
      .select('id')
      .where('organization_id', '=', org.id)
      .executeTakeFirst();
    if (existing) {
      throw conflict(
        'credit_limit_exists',
        'This organisation already has credit limits; change those instead.',
        {
          creditLimitId: existing.id,
        },
      );
    }
    const row = await trx
      .insertInto('credit_limits')
      .values({
        organization_id: org.id,
        seller_id: org.parent_id!,
        currency,
        warning_amount: levels.warning?.toString() ?? null,
        approval_amount: levels.approvalRequired?.toString() ?? null,
        blocked_amount: levels.purchaseBlocked?.toString() ?? null,
        created_by: scope.actor.label,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, scope, {
      organizationId: org.parent_id!,
      action: 'create',
      entityType: 'credit_limit',
      entityId: row.id,
      after: {
        organizationId: org.id,
        currency,
        warning: levels.warning?.toString() ?? null,
        approvalRequired: levels.approvalRequired?.toString() ?? null,
        purchaseBlocked: levels.purchaseBlocked?.toString() ?? null,
      },
    });
    return row.id;
  });
  return findCreditLimit(db, scope, id, now);
}

async function limitForUpdate(trx: Kysely<Database>, scope: Scope, id: string) {
  requirePermission(scope, 'credit:manage');
  const row = await trx
    .selectFrom('credit_limits')
    .selectAll()
    .where('id', '=', id)
    .where('seller_id', 'in', visibleOrganizationIds(trx, scope))
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw notFound('credit limit');
  return row;
}

export async function updateCreditLimit(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  input: CreditLimitUpdate,
  now: Date,
  expectedVersion?: number,
): Promise<CreditLimitView> {
  requirePermission(scope, 'credit:manage');
  await db.transaction().execute(async (trx) => {
    const before = await limitForUpdate(trx, scope, id);
    if (expectedVersion !== undefined && before.version !== expectedVersion) {
      throw new AppError(
        'version_conflict',
        412,
        'The credit limit was changed meanwhile; reload it and try again.',
        { version: before.version },
      );
    }
    const pick = (value: string | null | undefined, old: string | null, field: string) =>
      value === undefined
        ? old === null
          ? null
          : Money.of(old, before.currency)
        : parseLevel(value, field, before.currency);
    const levels = {
      warning: pick(input.warning, before.warning_amount, 'warning'),
      approvalRequired: pick(input.approvalRequired, before.approval_amount, 'approvalRequired'),
      purchaseBlocked: pick(input.purchaseBlocked, before.blocked_amount, 'purchaseBlocked'),
    };
    checkLevels(levels);
    const after = {
      warning_amount: levels.warning?.toString() ?? null,
      approval_amount: levels.approvalRequired?.toString() ?? null,
      blocked_amount: levels.purchaseBlocked?.toString() ?? null,
    };
    await trx
      .updateTable('credit_limits')
      .set({ ...after, updated_at: now, version: before.version + 1 })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: before.seller_id,
      action: 'update',
      entityType: 'credit_limit',
      entityId: id,
      before: {
        warning: before.warning_amount,
        approvalRequired: before.approval_amount,
        purchaseBlocked: before.blocked_amount,
      },
      after: {
        warning: after.warning_amount,
        approvalRequired: after.approval_amount,
        purchaseBlocked: after.blocked_amount,
      },
    });
  });
  return findCreditLimit(db, scope, id, now);
}

export async function deleteCreditLimit(db: Kysely<Database>, scope: Scope, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const before = await limitForUpdate(trx, scope, id);
    await trx.deleteFrom('credit_limits').where('id', '=', id).execute();
    await recordAudit(trx, scope, {
      organizationId: before.seller_id,
      action: 'delete',
      entityType: 'credit_limit',
      entityId: id,
      before: {
        organizationId: before.organization_id,
        warning: before.warning_amount,
        approvalRequired: before.approval_amount,
        purchaseBlocked: before.blocked_amount,
      },
    });
  });
}

/**
 * A customer's planned amount changed (its whole-usage budget was set, changed or removed): alert
 * its seller for each credit level passed upward (core plannedLevelAlerts), in the caller's
 * transaction.
 */
export async function plannedAmountChanged(
  trx: Kysely<Database>,
  customerId: string,
  previous: Money | null,
  current: Money | null,
  now: Date,
): Promise<number> {
  const limit = await creditLimitRows(trx).where('c.organization_id', '=', customerId).executeTakeFirst();
  if (!limit) return 0;
  const inCurrency = (m: Money | null) => (m !== null && m.currency === limit.currency ? m : null);
  const { month } = evaluationDay(now);
  const result = plannedLevelAlerts({
    subject: creditSubjectOf(limit),
    month,
    levels: levelsOf(limit),
    previous: inCurrency(previous),
    current: inCurrency(current),
  });
  let created = 0;
  for (const alert of result.alerts) {
    if (await storeCreditAlert(trx, alert, limit.organization_name, limit.seller_id, now)) created += 1;
  }
  return created;
}

// ---------------------------------------------------------------------------------------------
// Exposure and the credit decision of orders

/** States of orders that no longer commit anything. */
const CLOSED_ORDER_STATES = ['draft', 'cancelled', 'rejected', 'failed'];

/**
 * Current exposure of a credit subject for the month of `now`: month-to-date usage charged to it,
 * plus the monthly amounts of its orders placed this month that credit control accepted
 * (customers: their orders; resellers: the orders of their subtree), not cancelled, rejected or
 * failed, in the limit's currency.
 */
export async function currentExposure(
  db: Kysely<Database>,
  limit: CreditLimitRow,
  now: Date,
  excludeOrderId?: string,
): Promise<{ usage: Money; orders: Money; total: Money }> {
  const { month, today } = evaluationDay(now);
  const usage = await monthToDate(db, buyerOf(limit), month, today);
  let query = db
    .selectFrom('orders')
    .select(sql<string | null>`sum(monthly_amount)::text`.as('amount'))
    .where('currency', '=', limit.currency)
    .where('state', 'not in', CLOSED_ORDER_STATES as never[])
    .where('created_at', '>=', new Date(`${month}-01T00:00:00Z`))
    // Only orders credit control already accepted: the order being checked has no decision yet.
    .where('credit', 'is not', null);
  query =
    limit.organization_kind === 'customer'
      ? query.where('customer_id', '=', limit.organization_id)
      : query.where('customer_id', 'in', (eb) =>
          eb
            .selectFrom('organization_tree')
            .select('descendant_id')
            .where('ancestor_id', '=', limit.organization_id),
        );
  if (excludeOrderId) query = query.where('id', '!=', excludeOrderId);
  const row = await query.executeTakeFirst();
  const orders = Money.of(row?.amount ?? '0', limit.currency);
  return { usage, orders, total: usage.plus(orders) };
}

export type CheckOutcome = 'allowed' | 'warning' | 'approval_required' | 'blocked';

const SEVERITY: Record<CheckOutcome, number> = { allowed: 0, warning: 1, approval_required: 2, blocked: 3 };

export interface CreditCheckView {
  outcome: CheckOutcome;
  action: 'proceed' | 'proceed_with_notice' | 'hold_for_approval' | 'refuse';
  level: string | null;
  message: { code: string; values: Record<string, { amount: string; currency: string }> };
  summary: string;
  /** Which credit limit decided (the customer's, or a reseller's above it); null when allowed. */
  decidedBy: { organizationId: string; kind: 'customer' | 'reseller' } | null;
  explanation: { summary: string; steps: { label: string; formula: string; result: string }[] }[];
}

/**
 * The credit decision for an order adding `amount` per month to `customerId`: the customer's own
 * limit and the limits of every reseller above it are each decided (core creditDecision, exposure
 * after the order); the strictest outcome wins. Without any limit in the currency: allowed.
 */
export async function decideCredit(
  db: Kysely<Database>,
  customerId: string,
  amount: Money,
  now: Date,
  excludeOrderId?: string,
): Promise<CreditCheckView> {
  const limits = await creditLimitRows(db)
    .where('c.organization_id', 'in', (eb) =>
      eb.selectFrom('organization_tree').select('ancestor_id').where('descendant_id', '=', customerId),
    )
    .where('c.currency', '=', amount.currency)
    .execute();
  let best: CreditCheckView = {
    outcome: 'allowed',
    action: 'proceed',
    level: null,
    message: { code: 'credit_allowed', values: { orderAmount: amount.toJSON() } },
    summary:
      limits.length === 0
        ? 'No credit levels are set for this customer.'
        : 'Order allowed: within every credit level.',
    decidedBy: null,
    explanation: [],
  };
  const explanations: CreditCheckView['explanation'] = [];
  for (const limit of limits) {
    const exposure = await currentExposure(db, limit, now, excludeOrderId);
    const decision = creditDecision({
      levels: levelsOf(limit),
      currentExposure: exposure.total,
      orderAmount: amount,
    });
    const explanation = {
      summary: `${limit.organization_name}: ${decision.explanation.summary}`,
      steps: [
        {
          label: 'current exposure',
          formula: `month-to-date usage ${exposure.usage.toString()} + orders this month ${exposure.orders.toString()}`,
          result: `${exposure.total.toString()} ${amount.currency}`,
        },
        ...decision.explanation.steps,
      ],
    };
    explanations.push(explanation);
    if (SEVERITY[decision.outcome] > SEVERITY[best.outcome]) {
      best = {
        outcome: decision.outcome,
        action: decision.action,
        level: decision.level,
        message: {
          code: decision.message.code,
          values: { ...decision.message.values } as CreditCheckView['message']['values'],
        },
        summary: decision.explanation.summary,
        decidedBy: {
          organizationId: limit.organization_id,
          kind: limit.organization_kind === 'customer' ? 'customer' : 'reseller',
        },
        explanation: [],
      };
    }
  }
  return { ...best, explanation: explanations };
}

const CUSTOMER_SUMMARY: Record<CheckOutcome, string> = {
  allowed: 'The order can be placed.',
  warning: 'The order can be placed; your partner is notified that it passes a credit warning level.',
  approval_required: 'The order will wait for your partner’s approval before it is processed.',
  blocked: 'The order cannot be placed: purchases are blocked by your partner’s credit control.',
};

/** What a customer may see of a decision: the outcome, never the partner's levels. */
export function forCustomer(view: CreditCheckView): CreditCheckView {
  const orderAmount = view.message.values.orderAmount;
  return {
    outcome: view.outcome,
    action: view.action,
    level: null,
    message: { code: view.message.code, values: orderAmount ? { orderAmount } : {} },
    summary: CUSTOMER_SUMMARY[view.outcome],
    decidedBy: null,
    explanation: [],
  };
}

/** GET /credit-limits/check: the outcome an order would get, for the order form. */
export async function checkCredit(
  db: Kysely<Database>,
  scope: Scope,
  query: { customerId: string; amount: string; currency?: string | undefined },
  now: Date,
): Promise<CreditCheckView> {
  if (!scope.permissions.has('orders:write') && !scope.permissions.has('credit:read')) throw forbidden();
  const customer = await db
    .selectFrom('organizations')
    .select(['id', 'kind', 'currency'])
    .where('id', '=', query.customerId)
    .where('id', 'in', visibleOrganizationIds(db, scope))
    .executeTakeFirst();
  if (!customer) throw notFound('customer');
  if (customer.kind !== 'customer') {
    throw badRequest('not_a_customer', 'Orders are placed for customers; this organisation is a partner.');
  }
  const currency = query.currency ?? customer.currency;
  if (!/^[A-Z]{3}$/.test(currency)) throw badRequest('invalid_currency', 'currency: a code such as JPY.');
  if (!/^-?\d{1,15}(\.\d{1,10})?$/.test(query.amount)) {
    throw badRequest('invalid_amount', 'amount: the order’s monthly amount as a decimal, e.g. "12000".', {
      field: 'amount',
    });
  }
  const view = await decideCredit(db, customer.id, Money.of(query.amount, currency), now);
  return scope.organizationKind === 'customer' ? forCustomer(view) : view;
}
