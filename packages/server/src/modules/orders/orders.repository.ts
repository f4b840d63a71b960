import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { visibleOrganizationIds } from '../../db/tenancy.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { unseal } from '../provisioning/sealed.ts';
import type { OrderLineRow, OrderRow } from './order-state.ts';
import type { CreditRecord, OrderStateName, StoredPriceTier } from './orders.tables.ts';

/**
 * Orders as the customer and every organisation above it see them. Tenancy follows the customer.
 * Price tiers are filtered to the caller's own sales and below (a customer sees its price only).
 */

export interface OrderLineView {
  id: string;
  position: number;
  kind: string;
  subscriptionId: string | null;
  productId: string | null;
  skuId: string | null;
  catalogItemId: string | null;
  ownProductId: string | null;
  title: string;
  term: string | null;
  billingCycle: string | null;
  quantity: number | null;
  params: Record<string, unknown>;
  unitPrice: string | null;
  currency: string | null;
  priceTiers: StoredPriceTier[];
  status: string;
  waitingOn: string | null;
  failureReason: string | null;
  failureCode: string | null;
  result: Record<string, unknown>;
  createdSubscriptionId: string | null;
  completedAt: string | null;
}

export interface OrderTransitionView {
  from: string;
  to: string;
  event: string;
  reason: string | null;
  lineId: string | null;
  actor: string;
  at: string;
}

export interface OrderView {
  id: string;
  number: string;
  providerId: string;
  sellerId: string;
  sellerName: string;
  customerId: string;
  customerName: string;
  placedByOrgId: string;
  state: OrderStateName;
  tenant: { mode: 'new' | 'existing'; domain: string } | null;
  relationshipUrl: string | null;
  effectiveAt: string | null;
  effectiveDate: string | null;
  timeZone: string;
  quoteId: string | null;
  reference: string;
  attributes: Record<string, string>;
  currency: string;
  monthlyAmount: string;
  credit: CreditRecord | null;
  failureReason: string | null;
  alertedAt: string | null;
  lastError: string | null;
  attempts: number;
  approvedAt: string | null;
  relationshipAcceptedAt: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  version: number;
  lines: OrderLineView[];
  history: OrderTransitionView[];
}

type ListRow = OrderRow & { seller_name: string; customer_name: string };

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('orders as o')
    .innerJoin('organizations as seller', 'seller.id', 'o.seller_id')
    .innerJoin('organizations as customer', 'customer.id', 'o.customer_id')
    .selectAll('o')
    .select(['seller.name as seller_name', 'customer.name as customer_name'])
    .where('o.customer_id', 'in', visibleOrganizationIds(db, scope));
}

const SECRET_PARAMS = new Set(['password']);

function withoutSecrets(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_PARAMS.has(key)) continue;
    out[key] =
      item && typeof item === 'object' && !Array.isArray(item)
        ? withoutSecrets(item as Record<string, unknown>)
        : item;
  }
  return out;
}

export interface ViewContext {
  scope: Scope;
  visible: ReadonlySet<string>;
  /** Reveals sealed results (a new administrator's temporary password) to the ordering side. */
  secretKey?: Buffer | undefined;
}

function lineView(line: OrderLineRow, row: OrderRow, ctx: ViewContext): OrderLineView {
  const result = { ...line.result };
  const sealed = typeof result.temporaryPassword === 'string' ? result.temporaryPassword : null;
  delete result.temporaryPassword;
  const ordering = [row.seller_id, row.customer_id, row.placed_by_org_id].includes(ctx.scope.organizationId);
  if (sealed && ctx.secretKey && ordering && ctx.scope.permissions.has('orders:write')) {
    result.temporaryPassword = unseal(ctx.secretKey, sealed);
  }
  return {
    id: line.id,
    position: line.position,
    kind: line.kind,
    subscriptionId: line.subscription_id,
    productId: line.product_id,
    skuId: line.sku_id,
    catalogItemId: line.catalog_item_id,
    ownProductId: line.own_product_id,
    title: line.title,
    term: line.term,
    billingCycle: line.billing_cycle,
    quantity: line.quantity,
    params: withoutSecrets(line.params),
    unitPrice: line.unit_price,
    currency: line.currency?.trim() ?? null,
    priceTiers: line.price_tiers.filter((t) => ctx.visible.has(t.sellerId)),
    status: line.status,
    waitingOn: line.waiting_on,
    failureReason: line.failure_reason,
    failureCode: line.failure_code,
    result,
    createdSubscriptionId: line.created_subscription_id,
    completedAt: line.completed_at?.toISOString() ?? null,
  };
}

function orderView(
  row: ListRow,
  lines: readonly OrderLineRow[],
  history: readonly OrderTransitionView[],
  ctx: ViewContext,
): OrderView {
  const tenant = row.tenant_action
    ? {
        mode: row.tenant_action.mode,
        domain:
          row.tenant_action.mode === 'new'
            ? `${row.tenant_action.domainPrefix}.onmicrosoft.com`
            : row.tenant_action.domain,
      }
    : null;
  return {
    id: row.id,
    number: row.number,
    providerId: row.provider_id,
    sellerId: row.seller_id,
    sellerName: row.seller_name,
    customerId: row.customer_id,
    customerName: row.customer_name,
    placedByOrgId: row.placed_by_org_id,
    state: row.state,
    tenant,
    relationshipUrl: row.relationship_url,
    effectiveAt: row.effective_at?.toISOString() ?? null,
    effectiveDate: row.effective_date,
    timeZone: row.time_zone,
    quoteId: row.quote_id,
    reference: row.reference,
    attributes: row.attributes,
    currency: row.currency.trim(),
    monthlyAmount: row.monthly_amount,
    credit: row.credit,
    failureReason: row.failure_reason,
    alertedAt: row.alerted_at?.toISOString() ?? null,
    lastError: row.last_error,
    attempts: row.attempts,
    approvedAt: row.approved_at?.toISOString() ?? null,
    relationshipAcceptedAt: row.relationship_accepted_at?.toISOString() ?? null,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    version: row.version,
    lines: lines.map((l) => lineView(l, row, ctx)),
    history: [...history],
  };
}

async function linesByOrder(
  db: Kysely<Database>,
  ids: readonly string[],
): Promise<Map<string, OrderLineRow[]>> {
  const map = new Map<string, OrderLineRow[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', 'in', [...ids])
    .orderBy('order_id')
    .orderBy('position')
    .execute();
  for (const r of rows) {
    const list = map.get(r.order_id) ?? [];
    list.push(r);
    map.set(r.order_id, list);
  }
  return map;
}

export async function visibleOrgs(db: Kysely<Database>, scope: Scope): Promise<Set<string>> {
  return new Set((await visibleOrganizationIds(db, scope).execute()).map((r) => r.descendant_id));
}

export interface OrderFilter {
  limit: number;
  cursor?: string | undefined;
  state?: OrderStateName | undefined;
  customerId?: string | undefined;
  subscriptionId?: string | undefined;
}

export async function listOrders(
  db: Kysely<Database>,
  scope: Scope,
  filter: OrderFilter,
  secretKey?: Buffer,
): Promise<Page<OrderView>> {
  let query = baseQuery(db, scope)
    .orderBy('o.created_at', 'desc')
    .orderBy('o.id', 'desc')
    .limit(filter.limit + 1);
  if (filter.state) query = query.where('o.state', '=', filter.state);
  if (filter.customerId) query = query.where('o.customer_id', '=', filter.customerId);
  if (filter.subscriptionId) {
    const subscriptionId = filter.subscriptionId;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('order_lines as l')
          .select('l.id')
          .whereRef('l.order_id', '=', 'o.id')
          .where((w) =>
            w.or([
              w('l.subscription_id', '=', subscriptionId),
              w('l.created_subscription_id', '=', subscriptionId),
            ]),
          ),
      ),
    );
  }
  const after = decodeCursorParts(filter.cursor, 2);
  if (after)
    query = query.where(sql<boolean>`(o.created_at, o.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.execute();
  const page = rows.slice(0, filter.limit);
  const lines = await linesByOrder(
    db,
    page.map((r) => r.id),
  );
  const ctx: ViewContext = { scope, visible: await visibleOrgs(db, scope), secretKey };
  const last = page.at(-1);
  return {
    items: page.map((r) => orderView(r, lines.get(r.id) ?? [], [], ctx)),
    nextCursor:
      rows.length > filter.limit && last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}

export async function findOrder(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  secretKey?: Buffer,
): Promise<OrderView | undefined> {
  const row = await baseQuery(db, scope).where('o.id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const [lines, history] = await Promise.all([
    linesByOrder(db, [id]),
    db.selectFrom('order_transitions').selectAll().where('order_id', '=', id).orderBy('id').execute(),
  ]);
  return orderView(
    row,
    lines.get(id) ?? [],
    history.map((h) => ({
      from: h.from_state,
      to: h.to_state,
      event: h.event,
      reason: h.reason,
      lineId: h.line_id,
      actor: h.actor,
      at: h.at.toISOString(),
    })),
    { scope, visible: await visibleOrgs(db, scope), secretKey },
  );
}

/** Orders not yet done that change a subscription: what the customer sees as pending changes. */
export async function pendingChangesOf(
  db: Kysely<Database>,
  subscriptionIds: readonly string[],
): Promise<
  {
    subscriptionId: string;
    orderId: string;
    orderNumber: string;
    orderState: string;
    lineId: string;
    kind: string;
    quantity: number | null;
    params: Record<string, unknown>;
    effectiveAt: string | null;
  }[]
> {
  if (subscriptionIds.length === 0) return [];
  const rows = await db
    .selectFrom('order_lines as l')
    .innerJoin('orders as o', 'o.id', 'l.order_id')
    .select([
      'l.subscription_id',
      'l.id as line_id',
      'l.kind',
      'l.quantity',
      'l.params',
      'o.id as order_id',
      'o.number',
      'o.state',
      'o.effective_at',
    ])
    .where('l.subscription_id', 'in', [...subscriptionIds])
    .where('l.status', '=', 'pending')
    .where('l.kind', 'not in', ['add_on'])
    .where('o.state', 'in', [
      'submitted',
      'awaiting_approval',
      'awaiting_relationship',
      'scheduled',
      'provisioning',
    ])
    .orderBy('o.effective_at')
    .execute();
  return rows.map((r) => ({
    subscriptionId: r.subscription_id!,
    orderId: r.order_id,
    orderNumber: r.number,
    orderState: r.state,
    lineId: r.line_id,
    kind: r.kind,
    quantity: r.quantity,
    params: withoutSecrets(r.params),
    effectiveAt: r.effective_at?.toISOString() ?? null,
  }));
}
