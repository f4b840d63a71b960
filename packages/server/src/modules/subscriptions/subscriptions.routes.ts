import { nceStatusView, Temporal } from '@cspc/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { requirePermission } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { orderServices } from '../orders/order-services.ts';
import { pendingChangesOf } from '../orders/orders.repository.ts';
import { OrderSchema, PriceTierSchema } from '../orders/orders.schemas.ts';
import {
  changeSubscription,
  type SubscriptionAction,
  type SubscriptionActionInput,
} from './change-subscription.ts';
import { reconcileProvider } from './reconcile-subscriptions.ts';
import { listDrift, resolveDrift } from './resolve-drift.ts';
import { toCoreSubscription } from './subscription-model.ts';
import {
  findSubscription,
  findSubscriptionRow,
  listSubscriptionEvents,
  listSubscriptions,
} from './subscriptions.repository.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const SubscriptionSchema = Type.Object(
  {
    id: Type.String(),
    providerId: Type.String(),
    sellerId: Type.String(),
    sellerName: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    kind: Type.String(),
    title: Type.String(),
    productId: Nullable(Type.String()),
    skuId: Nullable(Type.String()),
    catalogItemId: Nullable(Type.String()),
    ownProductId: Nullable(Type.String()),
    partnerCenter: Nullable(
      Type.Object({ customerId: Nullable(Type.String()), subscriptionId: Type.String() }),
    ),
    status: Type.String(),
    quantity: Type.Integer(),
    term: Type.String(),
    billingCycle: Type.String(),
    termStart: Nullable(Type.String()),
    termEnd: Nullable(Type.String({ description: 'Exclusive: the renewal date' })),
    lastDay: Nullable(Type.String()),
    autoRenew: Type.Boolean(),
    cancellationAllowedUntil: Nullable(Type.String()),
    seatLots: Type.Array(
      Type.Object({ quantity: Type.Integer(), addedAt: Type.String(), refundableUntil: Type.String() }),
    ),
    scheduledChange: Type.Unknown(),
    isAddOn: Type.Boolean(),
    parentSubscriptionId: Nullable(Type.String()),
    isTrial: Type.Boolean(),
    unitPrice: Nullable(Type.String()),
    currency: Nullable(Type.String()),
    priceTiers: Type.Array(PriceTierSchema),
    orderId: Nullable(Type.String()),
    attributes: Type.Record(Type.String(), Type.String()),
    locked: Type.Boolean({
      description: 'True: you see it but cannot change it (sold by another organisation)',
    }),
    lockedReason: Nullable(Type.String()),
    lastReconciledAt: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'Subscription' },
);

const SubscriptionDetailSchema = Type.Object(
  {
    ...SubscriptionSchema.properties,
    nce: Type.Unknown({ description: 'What the NCE rules allow now, at renewal only, and not at all' }),
    pendingChanges: Type.Array(Type.Unknown()),
  },
  { $id: 'SubscriptionDetail' },
);

const EventSchema = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  effectiveAt: Type.String(),
  quantityBefore: Nullable(Type.Integer()),
  quantityAfter: Type.Integer(),
  statusBefore: Nullable(Type.String()),
  statusAfter: Type.String(),
  skuBefore: Nullable(Type.String()),
  skuAfter: Nullable(Type.String()),
  term: Nullable(Type.String()),
  billingCycle: Nullable(Type.String()),
  termStart: Nullable(Type.String()),
  termEnd: Nullable(Type.String()),
  chargePeriod: Nullable(Type.Object({ start: Type.String(), end: Type.String() })),
  autoRenew: Nullable(Type.Boolean()),
  orderId: Nullable(Type.String()),
  source: Type.String(),
  details: Type.Unknown(),
  prices: Type.Array(PriceTierSchema),
  recordedAt: Type.String(),
});

const DriftSchema = Type.Object(
  {
    id: Type.String(),
    providerId: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    subscriptionId: Nullable(Type.String()),
    partnerCenter: Type.Object({ customerId: Type.String(), subscriptionId: Type.String() }),
    kind: Type.String(),
    localValue: Nullable(Type.String()),
    microsoftValue: Nullable(Type.String()),
    details: Type.Unknown(),
    detectedAt: Type.String(),
    lastSeenAt: Type.String(),
    resolvedAt: Nullable(Type.String()),
    resolution: Nullable(Type.String()),
    resolvedBy: Nullable(Type.String()),
    actions: Type.Array(Type.String()),
  },
  { $id: 'SubscriptionDrift' },
);

const ActionBody = Type.Object(
  {
    quantity: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
    enabled: Type.Optional(Type.Boolean()),
    sku: Type.Optional(Type.String({ maxLength: 100 })),
    term: Type.Optional(Type.String({ maxLength: 4 })),
    billingCycle: Type.Optional(Type.String({ maxLength: 10 })),
    effectiveDate: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })),
    effectiveAt: Type.Optional(Type.String({ maxLength: 40 })),
    effective: Type.Optional(Type.Union([Type.Literal('now'), Type.Literal('next_month')])),
    reference: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

const ACTIONS: { path: string; action: SubscriptionAction; summary: string; method?: 'post' | 'delete' }[] = [
  { path: 'quantity', action: 'quantity', summary: 'Change the quantity (NCE: decreases only within 168 h)' },
  { path: 'suspend', action: 'suspend', summary: 'Suspend (billing continues; auto-renew off)' },
  { path: 'reactivate', action: 'reactivate', summary: 'Reactivate a suspended subscription' },
  { path: 'cancel', action: 'cancel', summary: 'Cancel (NCE: within the cancellation window)' },
  { path: 'auto-renew', action: 'auto-renew', summary: 'Turn auto-renew on or off ({enabled})' },
  {
    path: 'schedule',
    action: 'schedule',
    summary: 'Schedule a change for the renewal (quantity, SKU, term, billing)',
  },
  {
    path: 'schedule',
    action: 'clear-schedule',
    summary: 'Remove the change scheduled for the renewal',
    method: 'delete',
  },
  { path: 'upgrade', action: 'upgrade', summary: 'Upgrade all or some seats to another SKU' },
];

export const subscriptionRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const services = () => orderServices(deps);

  app.get(
    '/subscriptions',
    {
      schema: {
        tags: ['subscriptions'],
        summary:
          'Subscriptions of the caller’s subtree (renewingWithinDays=N: terms ending in the next N days)',
        querystring: Type.Object({
          ...PageQuery,
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
          status: Type.Optional(
            Type.Union([
              Type.Literal('pending'),
              Type.Literal('active'),
              Type.Literal('suspended'),
              Type.Literal('cancelled'),
              Type.Literal('expired'),
            ]),
          ),
          kind: Type.Optional(
            Type.Union([Type.Literal('license'), Type.Literal('azure_plan'), Type.Literal('own_product')]),
          ),
          renewingWithinDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650 })),
        }),
        response: { 200: pageOf(SubscriptionSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'subscriptions:read');
      const { limit = 50, cursor, customerId, status, kind, renewingWithinDays } = request.query;
      return listSubscriptions(db, scope, {
        limit,
        cursor,
        customerId,
        status,
        kind,
        renewingWithinDays,
        today: deps.clock.now().toISOString().slice(0, 10),
      });
    },
  );

  app.get(
    '/subscriptions/drift',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Differences between our subscriptions and Partner Center found by reconciliation',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('all')]),
          ),
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(DriftSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status, customerId } = request.query;
      return listDrift(db, scopeOf(request), { limit, cursor, status, customerId });
    },
  );

  for (const how of ['adopt', 'fix'] as const) {
    app.post(
      `/subscriptions/drift/:id/${how}`,
      {
        schema: {
          tags: ['subscriptions'],
          summary:
            how === 'adopt'
              ? 'Adopt Microsoft’s state (a subscription made outside the product becomes ours)'
              : 'Push our state to Microsoft (quantity, status, auto-renew), under the NCE rules',
          params: IdParams,
          response: {
            200: DriftSchema,
            403: ErrorResponse,
            404: ErrorResponse,
            409: ErrorResponse,
            502: ErrorResponse,
            503: ErrorResponse,
          },
        },
      },
      async (request) => resolveDrift(services(), scopeOf(request), request.params.id, how),
    );
  }

  app.post(
    '/subscriptions/reconcile',
    {
      schema: {
        tags: ['subscriptions'],
        summary: 'Reconcile the provider’s subscriptions with Partner Center now (the job runs daily)',
        response: { 200: Type.Unknown(), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'subscriptions:reconcile');
      if (scope.organizationKind !== 'provider')
        throw forbidden('Only the provider reconciles with Partner Center.');
      return reconcileProvider(services(), scope.organizationId);
    },
  );

  app.get(
    '/subscriptions/:id',
    {
      schema: {
        tags: ['subscriptions'],
        summary:
          'One subscription: state, NCE view (what is possible now, at renewal, not at all), pending changes',
        params: IdParams,
        response: { 200: SubscriptionDetailSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'subscriptions:read');
      const view = await findSubscription(db, scope, request.params.id);
      if (!view) throw notFound('subscription');
      const row = (await findSubscriptionRow(db, scope, view.id))!;
      const core = toCoreSubscription(row);
      const nce = core
        ? JSON.parse(
            JSON.stringify(
              nceStatusView(core, Temporal.Instant.fromEpochMilliseconds(deps.clock.now().getTime())),
            ),
          )
        : null;
      return { ...view, nce, pendingChanges: await pendingChangesOf(db, [view.id]) };
    },
  );

  app.get(
    '/subscriptions/:id/events',
    {
      schema: {
        tags: ['subscriptions'],
        summary:
          'Every change of the subscription with its effective instant, charge period and prices per tier',
        params: IdParams,
        response: { 200: Type.Object({ items: Type.Array(EventSchema) }), 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'subscriptions:read');
      const view = await findSubscription(db, scope, request.params.id);
      if (!view) throw notFound('subscription');
      return { items: await listSubscriptionEvents(db, scope, view.id) };
    },
  );

  const ActionHeaders = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) });
  const ActionResponses = {
    202: OrderSchema,
    400: ErrorResponse,
    403: ErrorResponse,
    404: ErrorResponse,
    409: ErrorResponse,
    422: ErrorResponse,
  };
  const act = async (
    request: FastifyRequest,
    reply: FastifyReply,
    action: SubscriptionAction,
    id: string,
    body: SubscriptionActionInput,
    key: string | undefined,
  ) => {
    const result = await changeSubscription(services(), scopeOf(request), id, action, body, key);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(202).send(result.order);
  };
  for (const spec of ACTIONS) {
    const summary = `${spec.summary}; becomes a one-line order (202, with the order)`;
    if (spec.method === 'delete') {
      app.delete(
        `/subscriptions/:id/${spec.path}`,
        {
          schema: {
            tags: ['subscriptions'],
            summary,
            params: IdParams,
            headers: ActionHeaders,
            response: ActionResponses,
          },
        },
        async (request, reply) =>
          act(request, reply, spec.action, request.params.id, {}, request.headers['idempotency-key']),
      );
      continue;
    }
    app.post(
      `/subscriptions/:id/${spec.path}`,
      {
        schema: {
          tags: ['subscriptions'],
          summary,
          params: IdParams,
          headers: ActionHeaders,
          body: ActionBody,
          response: ActionResponses,
        },
      },
      async (request, reply) =>
        act(request, reply, spec.action, request.params.id, request.body, request.headers['idempotency-key']),
    );
  }
};
