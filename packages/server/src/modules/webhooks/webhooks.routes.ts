import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { EVENT_TYPES } from '../notifications/event-types.ts';
import {
  createWebhook,
  deleteWebhook,
  pingWebhook,
  redeliverWebhook,
  updateWebhook,
} from './manage-webhooks.ts';
import {
  findDelivery,
  findEndpointRow,
  listDeliveries,
  listEndpoints,
  toEndpointView,
} from './webhooks.repository.ts';

const Nullable = <T extends import('typebox').TSchema>(s: T) => Type.Union([s, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const EventTypeSchema = Type.Enum(EVENT_TYPES);
const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
]);

const WebhookEndpointSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    url: Type.String(),
    description: Type.String(),
    eventTypes: Type.Array(Type.String(), { description: 'Empty: every event type' }),
    enabled: Type.Boolean(),
    consecutiveFailures: Type.Integer(),
    disabledAt: Nullable(DateTime),
    disabledReason: Nullable(Type.String()),
    version: Type.Integer(),
    createdAt: DateTime,
    updatedAt: DateTime,
  },
  { $id: 'WebhookEndpoint' },
);

const WebhookDeliverySchema = Type.Object(
  {
    id: Type.String(),
    endpointId: Type.String(),
    eventId: Nullable(Type.String()),
    eventType: Type.String(),
    status: DeliveryStatus,
    attempts: Type.Integer(),
    nextAttemptAt: Nullable(DateTime),
    lastStatusCode: Nullable(Type.Integer()),
    lastError: Nullable(Type.String()),
    deliveredAt: Nullable(DateTime),
    redeliveryOf: Nullable(Type.String()),
    createdAt: DateTime,
  },
  { $id: 'WebhookDelivery' },
);

const WebhookDeliveryDetailSchema = Type.Intersect(
  [
    WebhookDeliverySchema,
    Type.Object({
      payload: Type.Unknown({ description: 'The request body as sent' }),
      attemptLog: Type.Array(
        Type.Object({
          attempt: Type.Integer(),
          attemptedAt: DateTime,
          statusCode: Nullable(Type.Integer()),
          error: Nullable(Type.String()),
          responseBody: Nullable(Type.String({ description: 'The first kilobyte of the answer' })),
          durationMs: Type.Integer(),
        }),
      ),
    }),
  ],
  { $id: 'WebhookDeliveryDetail' },
);

const editable = {
  url: Type.String({ minLength: 8, maxLength: 2000, description: 'https:// (http:// outside production)' }),
  description: Type.String({ maxLength: 500 }),
  eventTypes: Type.Array(EventTypeSchema, { maxItems: EVENT_TYPES.length, uniqueItems: true }),
};

const DeliveryParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  deliveryId: Type.String({ format: 'uuid' }),
});

export const webhookRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Webhook endpoints of the caller’s subtree',
        querystring: Type.Object({
          ...PageQuery,
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(WebhookEndpointSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'webhooks:manage');
      const { limit = 50, cursor, organizationId } = request.query;
      return listEndpoints(db, scope, { limit, cursor, organizationId });
    },
  );

  app.post(
    '/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook endpoint; its signing secret is shown only in this response',
        body: Type.Object({
          url: editable.url,
          description: Type.Optional(editable.description),
          eventTypes: Type.Optional(editable.eventTypes),
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: {
          201: Type.Intersect([WebhookEndpointSchema, Type.Object({ secret: Type.String() })]),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const created = await createWebhook(db, deps.config, scopeOf(request), request.body);
      reply.header('etag', `"${created.version}"`);
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook endpoint',
        params: IdParams,
        response: { 200: WebhookEndpointSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'webhooks:manage');
      const row = await findEndpointRow(db, scope, request.params.id);
      if (!row) throw notFound('webhook endpoint');
      reply.header('etag', `"${row.version}"`);
      return toEndpointView(row);
    },
  );

  app.patch(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Edit, disable or re-enable a webhook endpoint (send If-Match to avoid lost updates)',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Partial(Type.Object({ ...editable, enabled: Type.Boolean() })),
        response: {
          200: WebhookEndpointSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          412: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const updated = await updateWebhook(
        db,
        deps.config,
        scopeOf(request),
        request.params.id,
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${updated.version}"`);
      return updated;
    },
  );

  app.delete(
    '/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook endpoint and its delivery log',
        params: IdParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await deleteWebhook(db, scopeOf(request), request.params.id);
      return noContent(reply);
    },
  );

  app.post(
    '/webhooks/:id/ping',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Queue a test `ping` event to the endpoint',
        params: IdParams,
        response: { 202: WebhookDeliverySchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const delivery = await pingWebhook(db, scopeOf(request), request.params.id, deps.clock.now());
      return reply.code(202).send(delivery);
    },
  );

  app.get(
    '/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log of an endpoint, newest first, with the receiver’s status codes',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, status: Type.Optional(DeliveryStatus) }),
        response: { 200: pageOf(WebhookDeliverySchema), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'webhooks:manage');
      const endpoint = await findEndpointRow(db, scope, request.params.id);
      if (!endpoint) throw notFound('webhook endpoint');
      const { limit = 50, cursor, status } = request.query;
      return listDeliveries(db, endpoint.id, { limit, cursor, status });
    },
  );

  app.get(
    '/webhooks/:id/deliveries/:deliveryId',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One delivery with its payload and every attempt',
        params: DeliveryParams,
        response: { 200: WebhookDeliveryDetailSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'webhooks:manage');
      const endpoint = await findEndpointRow(db, scope, request.params.id);
      if (!endpoint) throw notFound('webhook endpoint');
      const delivery = await findDelivery(db, endpoint.id, request.params.deliveryId);
      if (!delivery) throw notFound('webhook delivery');
      return delivery;
    },
  );

  app.post(
    '/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Send a delivered or failed event again (a new delivery of the same payload)',
        params: DeliveryParams,
        response: { 202: WebhookDeliverySchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const delivery = await redeliverWebhook(
        db,
        scopeOf(request),
        request.params.id,
        request.params.deliveryId,
        deps.clock.now(),
      );
      return reply.code(202).send(delivery);
    },
  );
};
