import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Db } from '../../db/database.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import { listAudit } from './audit.repository.ts';

const AuditRecordSchema = Type.Object(
  {
    id: Type.String(),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object({
      type: Type.String(),
      id: Type.Union([Type.String(), Type.Null()]),
      label: Type.String(),
    }),
    action: Type.String(),
    entityType: Type.String(),
    entityId: Type.String(),
    organizationId: Type.String(),
    before: Type.Unknown(),
    after: Type.Unknown(),
  },
  { $id: 'AuditRecord' },
);

export const auditRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    '/audit',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit log of the caller’s subtree, newest first (admins)',
        querystring: Type.Object({
          ...PageQuery,
          entityType: Type.Optional(Type.String({ maxLength: 100 })),
          entityId: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: { 200: pageOf(AuditRecordSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'audit:read');
      const { limit = 50, cursor, entityType, entityId } = request.query;
      return listAudit(db, scope, { limit, cursor, entityType, entityId });
    },
  );
};
