import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Db } from '../../db/database.ts';
import { notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { createUser, removeMembership, setRole } from './manage-users.ts';
import { findUser, listUsers } from './users.repository.ts';

const Role = Type.Union(
  ['admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user'].map((r) => Type.Literal(r)),
);
const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]);

const UserSchema = Type.Object(
  {
    id: Type.String(),
    email: Type.String(),
    name: Type.String(),
    locale: Type.String(),
    disabled: Type.Boolean(),
    createdAt: Type.String({ format: 'date-time' }),
    memberships: Type.Array(
      Type.Object({ organizationId: Type.String(), organizationName: Type.String(), role: Type.String() }),
    ),
  },
  { $id: 'User' },
);

const MembershipParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  organizationId: Type.String({ format: 'uuid' }),
});

export const userRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Users with access to organisations in the caller’s subtree',
        querystring: Type.Object({
          ...PageQuery,
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
          q: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: pageOf(UserSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'users:read');
      const { limit = 50, cursor, organizationId, q } = request.query;
      return listUsers(db, scope, { limit, cursor, organizationId, q });
    },
  );

  app.get(
    '/users/:id',
    {
      schema: {
        tags: ['users'],
        summary: 'One user',
        params: IdParams,
        response: { 200: UserSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'users:read');
      const user = await findUser(db, scope, request.params.id);
      if (!user) throw notFound('user');
      return user;
    },
  );

  app.post(
    '/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Invite a user into an organisation with a role',
        body: Type.Object({
          email: Type.String({ minLength: 3, maxLength: 254 }),
          name: Type.String({ minLength: 1, maxLength: 200 }),
          organizationId: Type.String({ format: 'uuid' }),
          role: Role,
          locale: Type.Optional(Locale),
          password: Type.Optional(Type.String({ maxLength: 1000 })),
        }),
        response: {
          201: Type.Object({ user: UserSchema, temporaryPassword: Type.Union([Type.String(), Type.Null()]) }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await createUser(db, scopeOf(request), {
        ...body,
        role: body.role as never,
        locale: body.locale as never,
      });
      return reply.code(201).send(result);
    },
  );

  app.put(
    '/users/:id/memberships/:organizationId',
    {
      schema: {
        tags: ['users'],
        summary: 'Give or change a user’s role in an organisation',
        params: MembershipParams,
        body: Type.Object({ role: Role }),
        response: { 200: UserSchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) =>
      setRole(
        db,
        scopeOf(request),
        request.params.id,
        request.params.organizationId,
        request.body.role as never,
      ),
  );

  app.delete(
    '/users/:id/memberships/:organizationId',
    {
      schema: {
        tags: ['users'],
        summary: 'Remove a user’s access to an organisation',
        params: MembershipParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await removeMembership(db, scopeOf(request), request.params.id, request.params.organizationId);
      return noContent(reply);
    },
  );
};
