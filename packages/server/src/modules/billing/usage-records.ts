import { dateInZone, Temporal } from '@cspc/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { decodeCursorParts, encodeCursor, type Page, PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { billingErrors } from './billing.errors.ts';

/**
 * Metered usage of a partner's own services billed by usage (`billing_cycle = 'usage'`, #7): the
 * seller's staff (the subscription's seller or one of its ancestors) record quantities per day;
 * billing (sources.ts → core `proposeMeteredLines`) invoices each calendar month in arrears as one
 * line Σ quantity × unit price. One record per subscription, day and reference: the same record
 * posted again changes nothing, posted with another quantity or note it is corrected. Audited.
 */

export const usageRecordErrors = {
  notFound: () => notFound('subscription'),
  notMetered: (kind: string, cycle: string) =>
    conflict(
      'subscription_not_usage_billed',
      `Usage can be recorded only for an own service billed by usage; this subscription is ${kind === 'own_product' ? `an own service billed ${cycle}` : `a ${kind.replace('_', ' ')}`}.`,
    ),
  invalidQuantity: () =>
    badRequest(
      'invalid_quantity',
      'The quantity must be a positive decimal with at most 6 decimals (e.g. "120.5").',
    ),
  invalidDate: (value: string) =>
    badRequest(
      'invalid_usage_date',
      `The usage date must be a day as YYYY-MM-DD, got ${JSON.stringify(value)}.`,
    ),
  beforeStart: (start: string) =>
    badRequest(
      'usage_date_outside_subscription',
      `The usage date is before the subscription started (${start}); record usage from that day on.`,
    ),
  afterEnd: (end: string) =>
    badRequest(
      'usage_date_outside_subscription',
      `The subscription ended on ${end}; usage can be recorded only for days before that.`,
    ),
  future: (today: string) =>
    badRequest(
      'usage_date_in_future',
      `Usage can be recorded up to today (${today} in the seller's time zone), not for days to come.`,
    ),
};

export interface UsageRecordInput {
  date: string;
  quantity: string;
  reference?: string | undefined;
  note?: string | undefined;
}

export interface UsageRecordView {
  id: string;
  subscriptionId: string;
  date: string;
  quantity: string;
  unit: string;
  reference: string;
  note: string;
  recordedBy: string;
  createdAt: string;
  updatedAt: string;
}

const QUANTITY = /^\d{1,12}(\.\d{1,6})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Canonical decimal: no leading zeros, no trailing decimal zeros ("0120.50" → "120.5"). */
function canonical(quantity: string): string {
  const [int = '0', frac = ''] = quantity.split('.');
  const i = int.replace(/^0+(?=\d)/, '');
  const f = frac.replace(/0+$/, '');
  return f ? `${i}.${f}` : i;
}

/** The subscription if the caller sells it (seller or ancestor of the seller); 404 otherwise. */
async function sellersSubscription(db: Kysely<Database>, scope: Scope, id: string) {
  const row = await db
    .selectFrom('subscriptions as s')
    .innerJoin('organizations as o', 'o.id', 's.seller_id')
    .leftJoin('own_products as p', 'p.id', 's.own_product_id')
    .select([
      's.id',
      's.kind',
      's.billing_cycle',
      's.status',
      's.term_start',
      's.created_at',
      'o.time_zone',
      'p.unit',
    ])
    .where('s.id', '=', id)
    .where((eb) =>
      eb(
        's.seller_id',
        'in',
        eb
          .selectFrom('organization_tree')
          .select('descendant_id')
          .where('ancestor_id', '=', scope.organizationId),
      ),
    )
    .executeTakeFirst();
  if (!row) throw usageRecordErrors.notFound();
  return row;
}

function requireSellerStaff(scope: Scope): void {
  if (scope.organizationKind === 'customer') throw billingErrors.sellersOnly();
}

/** The days usage may be recorded for: from the subscription's start, before its end, up to today. */
async function openDays(
  db: Kysely<Database>,
  sub: Awaited<ReturnType<typeof sellersSubscription>>,
  now: Date,
): Promise<{ start: string; end: string | null; today: string }> {
  const dayOf = (at: Date) => dateInZone(Temporal.Instant.from(at.toISOString()), sub.time_zone).toString();
  const events = await db
    .selectFrom('subscription_events')
    .select(['kind', 'effective_at', 'status_after'])
    .where('subscription_id', '=', sub.id)
    .orderBy('effective_at')
    .orderBy('id')
    .execute();
  const first = events[0];
  const start = sub.term_start ?? dayOf(first ? first.effective_at : sub.created_at);
  const cancel = events.find((e) => e.kind === 'cancelled' || e.status_after === 'cancelled');
  return { start, end: cancel ? dayOf(cancel.effective_at) : null, today: dayOf(now) };
}

function view(
  row: {
    id: string;
    subscription_id: string;
    usage_date: string;
    quantity: string;
    reference: string;
    note: string;
    recorded_by: string;
    created_at: Date;
    updated_at: Date;
  },
  unit: string,
): UsageRecordView {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    date: row.usage_date,
    quantity: canonical(row.quantity),
    unit,
    reference: row.reference,
    note: row.note,
    recordedBy: row.recorded_by,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export type RecordOutcome = 'created' | 'unchanged' | 'corrected';

/** Records (or corrects) one day's metered quantity of a usage-billed own service. */
export async function recordServiceUsage(
  db: Kysely<Database>,
  scope: Scope,
  subscriptionId: string,
  input: UsageRecordInput,
  now: Date,
): Promise<{ outcome: RecordOutcome; record: UsageRecordView }> {
  requireSellerStaff(scope);
  const sub = await sellersSubscription(db, scope, subscriptionId);
  if (sub.kind !== 'own_product' || sub.billing_cycle !== 'usage') {
    throw usageRecordErrors.notMetered(sub.kind, sub.billing_cycle);
  }
  if (typeof input.quantity !== 'string' || !QUANTITY.test(input.quantity.trim())) {
    throw usageRecordErrors.invalidQuantity();
  }
  const quantity = canonical(input.quantity.trim());
  if (quantity === '0') throw usageRecordErrors.invalidQuantity();
  if (!DATE.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`))) {
    throw usageRecordErrors.invalidDate(input.date);
  }
  try {
    Temporal.PlainDate.from(input.date, { overflow: 'reject' });
  } catch {
    throw usageRecordErrors.invalidDate(input.date);
  }
  const days = await openDays(db, sub, now);
  if (input.date < days.start) throw usageRecordErrors.beforeStart(days.start);
  if (days.end !== null && input.date >= days.end) throw usageRecordErrors.afterEnd(days.end);
  if (input.date > days.today) throw usageRecordErrors.future(days.today);
  const reference = (input.reference ?? '').trim();
  const note = (input.note ?? '').trim();
  const unit = sub.unit ?? 'unit';

  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('service_usage_records')
      .values({
        subscription_id: sub.id,
        usage_date: input.date,
        reference,
        quantity,
        note,
        recorded_by_org: scope.organizationId,
        recorded_by: scope.actor.label,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['subscription_id', 'usage_date', 'reference']).doNothing())
      .returningAll()
      .executeTakeFirst();
    const audit = (action: string, before: object | null, after: object, id: string) =>
      recordAudit(trx, scope, {
        organizationId: scope.organizationId,
        action,
        entityType: 'subscription',
        entityId: sub.id,
        ...(before ? { before } : {}),
        after: { recordId: id, ...after },
      });
    if (inserted) {
      await audit(
        'service_usage.recorded',
        null,
        { date: input.date, quantity, unit, reference, note },
        inserted.id,
      );
      return { outcome: 'created' as const, record: view(inserted, unit) };
    }
    const existing = await trx
      .selectFrom('service_usage_records')
      .selectAll()
      .where('subscription_id', '=', sub.id)
      .where('usage_date', '=', input.date)
      .where('reference', '=', reference)
      .forUpdate()
      .executeTakeFirstOrThrow();
    if (canonical(existing.quantity) === quantity && existing.note === note) {
      return { outcome: 'unchanged' as const, record: view(existing, unit) };
    }
    const updated = await trx
      .updateTable('service_usage_records')
      .set({
        quantity,
        note,
        recorded_by_org: scope.organizationId,
        recorded_by: scope.actor.label,
        updated_at: now,
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await audit(
      'service_usage.corrected',
      { quantity: canonical(existing.quantity), note: existing.note },
      { date: input.date, quantity, unit, reference, note },
      existing.id,
    );
    return { outcome: 'corrected' as const, record: view(updated, unit) };
  });
}

/** The records of a subscription, newest day first, optionally of one month, with the month's total. */
export async function listServiceUsage(
  db: Kysely<Database>,
  scope: Scope,
  subscriptionId: string,
  filter: { period?: string | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<UsageRecordView> & { unit: string; total: string | null }> {
  requireSellerStaff(scope);
  const sub = await sellersSubscription(db, scope, subscriptionId);
  const unit = sub.unit ?? 'unit';
  let q = db.selectFrom('service_usage_records').selectAll().where('subscription_id', '=', sub.id);
  let total: string | null = null;
  if (filter.period) {
    const [y, m] = filter.period.split('-').map(Number) as [number, number];
    const from = `${filter.period}-01`;
    const to = new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
    q = q.where('usage_date', '>=', from).where('usage_date', '<', to);
    const sum = await sql<{ total: string | null }>`
      SELECT sum(quantity)::text AS total FROM service_usage_records
      WHERE subscription_id = ${sub.id} AND usage_date >= ${from}::date AND usage_date < ${to}::date`.execute(
      db,
    );
    total = canonical(sum.rows[0]?.total ?? '0');
  }
  const at = decodeCursorParts(page.cursor, 2);
  if (at) {
    const [date, id] = at as [string, string];
    q = q.where((eb) =>
      eb.or([eb('usage_date', '<', date), eb.and([eb('usage_date', '=', date), eb('id', '>', id)])]),
    );
  }
  const rows = await q
    .orderBy('usage_date', 'desc')
    .orderBy('id')
    .limit(page.limit + 1)
    .execute();
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return {
    items: rows.slice(0, page.limit).map((r) => view(r, unit)),
    nextCursor: last ? encodeCursor(last.usage_date, last.id) : null,
    unit,
    total,
  };
}

const UsageRecordSchema = Type.Object(
  {
    id: Type.String(),
    subscriptionId: Type.String(),
    date: Type.String(),
    quantity: Type.String({ description: 'Exact decimal' }),
    unit: Type.String(),
    reference: Type.String(),
    note: Type.String(),
    recordedBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'ServiceUsageRecord' },
);

export const usageRecordRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.post(
    '/subscriptions/:id/usage-records',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Record a day’s metered quantity of a usage-billed own service (seller staff; same day and reference again: unchanged or corrected)',
        params: IdParams,
        body: Type.Object({
          date: Type.String({ maxLength: 10, description: 'YYYY-MM-DD, the day the usage happened' }),
          quantity: Type.String({ maxLength: 30, description: 'Positive decimal, e.g. "120.5"' }),
          reference: Type.Optional(Type.String({ maxLength: 200 })),
          note: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: {
          200: Type.Object({ outcome: Type.String(), record: UsageRecordSchema }),
          201: Type.Object({ outcome: Type.String(), record: UsageRecordSchema }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      const result = await recordServiceUsage(db, scope, request.params.id, request.body, deps.clock.now());
      return reply.code(result.outcome === 'created' ? 201 : 200).send(result);
    },
  );

  app.get(
    '/subscriptions/:id/usage-records',
    {
      schema: {
        tags: ['billing'],
        summary: 'Metered usage recorded for a usage-billed own service, newest day first (seller staff)',
        params: IdParams,
        querystring: Type.Object({
          ...PageQuery,
          period: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })),
        }),
        response: {
          200: Type.Object({
            ...pageOf(UsageRecordSchema).properties,
            unit: Type.String(),
            total: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const { limit = 50, cursor, period } = request.query;
      return listServiceUsage(db, scope, request.params.id, { period }, { limit, cursor });
    },
  );
};
