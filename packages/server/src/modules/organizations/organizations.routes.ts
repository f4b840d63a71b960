import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Db } from '../../db/database.ts';
import type { OrganizationKind } from '../../db/schema.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { createOrganization } from './create-organization.ts';
import { findOrganization, listOrganizations } from './organizations.repository.ts';
import { updateOrganization } from './update-organization.ts';

const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]);
const Kind = Type.Union([Type.Literal('provider'), Type.Literal('reseller'), Type.Literal('customer')]);
const BrandingSchema = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 200 })),
    logoUrl: Type.Optional(Type.String({ maxLength: 200_000 })),
    primaryColor: Type.Optional(Type.String({ maxLength: 7 })),
    accentColor: Type.Optional(Type.String({ maxLength: 7 })),
  },
  { additionalProperties: false },
);

const OrganizationSchema = Type.Object(
  {
    id: Type.String(),
    parentId: Type.Union([Type.String(), Type.Null()]),
    kind: Kind,
    name: Type.String(),
    country: Type.String(),
    currency: Type.String(),
    timeZone: Type.String(),
    locale: Type.String(),
    tenantId: Type.Union([Type.String(), Type.Null()]),
    domains: Type.Array(Type.String()),
    branding: BrandingSchema,
    childCount: Type.Integer(),
    version: Type.Integer(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Organization' },
);

const editable = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  country: Type.String({ minLength: 2, maxLength: 2 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  locale: Locale,
  tenantId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  domains: Type.Array(Type.String({ maxLength: 253 }), { maxItems: 100 }),
  branding: BrandingSchema,
};

function ifMatchVersion(header: string | undefined): number | undefined {
  if (!header) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw badRequest('invalid_if_match', 'If-Match must carry the ETag returned by the API.');
  return Number(match[1]);
}

export const organizationRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Organisations the caller may see: its own and its whole subtree',
        querystring: Type.Object({
          ...PageQuery,
          parentId: Type.Optional(Type.String({ format: 'uuid' })),
          kind: Type.Optional(Kind),
          q: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: pageOf(OrganizationSchema), 401: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'organizations:read');
      const { limit = 50, cursor, parentId, kind, q } = request.query;
      return listOrganizations(db, scope, {
        limit,
        cursor,
        parentId,
        kind: kind as OrganizationKind | undefined,
        q,
      });
    },
  );

  app.get(
    '/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'One organisation (404 outside the caller’s subtree)',
        params: IdParams,
        response: { 200: OrganizationSchema, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'organizations:read');
      const org = await findOrganization(db, scope, request.params.id);
      if (!org) throw notFound('organization');
      reply.header('etag', `"${org.version}"`);
      return org;
    },
  );

  app.post(
    '/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create a reseller or customer below an organisation you manage',
        body: Type.Object({
          parentId: Type.String({ format: 'uuid' }),
          kind: Type.Union([Type.Literal('reseller'), Type.Literal('customer')]),
          name: editable.name,
          country: editable.country,
          currency: editable.currency,
          timeZone: editable.timeZone,
          locale: editable.locale,
          tenantId: Type.Optional(editable.tenantId),
          domains: Type.Optional(editable.domains),
          branding: Type.Optional(editable.branding),
        }),
        response: {
          201: OrganizationSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const org = await createOrganization(db, scopeOf(request), request.body);
      reply.header('etag', `"${org.version}"`);
      return reply.code(201).send(org);
    },
  );

  app.patch(
    '/organizations/:id',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Edit an organisation; send If-Match with the ETag to avoid lost updates',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Partial(Type.Object(editable)),
        response: {
          200: OrganizationSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          412: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const org = await updateOrganization(
        db,
        scopeOf(request),
        request.params.id,
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${org.version}"`);
      return org;
    },
  );
};
