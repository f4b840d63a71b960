import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Db } from '../../db/database.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.ts';

const Role = Type.Union(
  ['admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user'].map((r) => Type.Literal(r)),
);
const Nullable = (s: ReturnType<typeof Type.String>) => Type.Union([s, Type.Null()]);
const Scope = Type.Union([
  Type.Literal('read'),
  Type.Literal('orders'),
  Type.Literal('billing'),
  Type.Literal('manage'),
]);

const ApiKeySchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    name: Type.String(),
    role: Type.String(),
    prefix: Type.String(),
    scopes: Type.Array(Scope),
    rateLimitPerMinute: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
    revokedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'ApiKey' },
);

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'API keys of the caller’s subtree (without secrets)',
        response: { 200: Type.Object({ items: Type.Array(ApiKeySchema) }), 403: ErrorResponse },
      },
    },
    async (request) => ({ items: await listApiKeys(db, scopeOf(request)) }),
  );

  app.post(
    '/api-keys',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Create an API key; the key is shown only in this response. Scopes default to read',
        body: Type.Object({
          name: Type.String({ minLength: 1, maxLength: 100 }),
          role: Role,
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
          scopes: Type.Optional(Type.Array(Scope, { minItems: 1, maxItems: 4, uniqueItems: true })),
          rateLimitPerMinute: Type.Optional(
            Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.Null()]),
          ),
        }),
        response: {
          201: Type.Intersect([ApiKeySchema, Type.Object({ key: Type.String() })]),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const created = await createApiKey(db, scopeOf(request), {
        ...request.body,
        role: request.body.role as never,
        scopes: request.body.scopes,
      });
      return reply.code(201).send(created);
    },
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['api-keys'],
        summary: 'Revoke an API key',
        params: IdParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await revokeApiKey(db, scopeOf(request), request.params.id);
      return noContent(reply);
    },
  );
};
