import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { customerDomain, toAppError } from '../../partner-center/index.ts';
import { providerOfScope } from '../catalog/lineage.ts';
import { decideApproval } from './approve-order.ts';
import { cancelOrder } from './cancel-order.ts';
import { checkRelationship } from './check-relationship.ts';
import { createOrder } from './create-order.ts';
import { stopJobSender } from './order-queue.ts';
import { orderServices } from './order-services.ts';
import { findOrder, listOrders } from './orders.repository.ts';
import { OrderInputSchema, OrderSchema, OrderStateSchema, ReasonBody } from './orders.schemas.ts';
import type { OrderStateName } from './orders.tables.ts';
import type { OrderInput } from './prepare-order.ts';

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export const orderRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const services = () => orderServices(deps);
  const db = deps.database.db;
  // The send-only job queue of this database stops with the application.
  app.addHook('onClose', async () => stopJobSender(deps.database));

  app.post(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary:
          'Place an order: purchases, changes of subscriptions, a new or existing tenant, now or from a date (send Idempotency-Key)',
        description:
          'The order is checked (catalog, price books, NCE rules at its effective instant, credit control) and provisioned through Partner Center by a background job. With `Idempotency-Key`, the same key and body return the first order (201, header `idempotent-replayed: true`); the same key with another body is refused (422). Keys are kept 24 hours.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) }),
        body: OrderInputSchema,
        response: { 201: OrderSchema, 422: ErrorResponse, 503: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const result = await createOrder(services(), scopeOf(request), request.body as OrderInput, {
        idempotencyKey: request.headers['idempotency-key'],
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(result.order);
    },
  );

  app.get(
    '/orders',
    {
      schema: {
        tags: ['orders'],
        summary: 'Orders of the caller’s subtree, newest first (state=failed lists what needs attention)',
        querystring: Type.Object({
          ...PageQuery,
          state: Type.Optional(OrderStateSchema),
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
          subscriptionId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(OrderSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'orders:read');
      const { limit = 50, cursor, state, customerId, subscriptionId } = request.query;
      return listOrders(
        db,
        scope,
        { limit, cursor, state: state as OrderStateName | undefined, customerId, subscriptionId },
        deps.config.secretKey,
      );
    },
  );

  app.get(
    '/orders/domain-availability',
    {
      schema: {
        tags: ['orders'],
        summary: 'Whether <domainPrefix>.onmicrosoft.com is still free for a new customer tenant',
        description:
          'Asks Partner Center through the provider’s connection. The order checks again when it is placed and before the tenant is created.',
        querystring: Type.Object({ domainPrefix: Type.String({ pattern: '^[a-z0-9]{2,27}$' }) }),
        response: {
          200: Type.Object({ domain: Type.String(), available: Type.Boolean() }),
          400: ErrorResponse,
          403: ErrorResponse,
          502: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'orders:write');
      const provider = await providerOfScope(db, scope);
      const domain = customerDomain(request.query.domainPrefix);
      try {
        const client = await deps.partnerCenter.clientFor(provider.id);
        return { domain, available: await client.customers.isDomainAvailable(domain) };
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw toAppError(error);
      }
    },
  );

  app.get(
    '/orders/:id',
    {
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines and the history of every transition',
        params: IdParams,
        response: { 200: OrderSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'orders:read');
      const order = await findOrder(db, scope, request.params.id, deps.config.secretKey);
      if (!order) throw notFound('order');
      return order;
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    app.post(
      `/orders/:id/${decision}`,
      {
        schema: {
          tags: ['orders'],
          summary:
            decision === 'approve'
              ? 'Approve an order held by credit control; it continues'
              : 'Reject an order held by credit control (reason required); it is cancelled',
          params: IdParams,
          body: ReasonBody,
          response: { 200: OrderSchema, ...errors },
        },
      },
      async (request) =>
        decideApproval(services(), scopeOf(request), request.params.id, decision, request.body.reason),
    );
  }

  app.post(
    '/orders/:id/cancel',
    {
      schema: {
        tags: ['orders'],
        summary: 'Cancel an order that has not started provisioning (a scheduled one too)',
        params: IdParams,
        body: ReasonBody,
        response: { 200: OrderSchema, ...errors },
      },
    },
    async (request) => cancelOrder(services(), scopeOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/orders/:id/check-relationship',
    {
      schema: {
        tags: ['orders'],
        summary: 'Check now whether the customer accepted the reseller relationship (existing tenant)',
        params: IdParams,
        response: { 200: OrderSchema, ...errors },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'orders:write');
      const before = await findOrder(db, scope, request.params.id);
      if (!before) throw notFound('order');
      await checkRelationship(services(), before.id);
      return (await findOrder(db, scope, before.id, deps.config.secretKey))!;
    },
  );
};
