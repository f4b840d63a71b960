import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import { getConnection, saveConnection, testConnection } from './connection.ts';

const Mode = Type.Union([Type.Literal('emulator'), Type.Literal('app_only'), Type.Literal('app_user')]);
const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const ConnectionSchema = Type.Object(
  {
    mode: Mode,
    baseUrl: Nullable(Type.String()),
    tenantId: Nullable(Type.String()),
    appId: Nullable(Type.String()),
    hasCredentials: Type.Boolean(),
    lastTest: Nullable(Type.Object({ at: Type.String(), ok: Type.Boolean(), message: Type.String() })),
    version: Type.Integer(),
  },
  { $id: 'PartnerCenterConnection' },
);

export const partnerCenterRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  app.get(
    '/partner-center/connection',
    {
      schema: {
        tags: ['partner-center'],
        summary: 'The provider’s Partner Center connection (secrets are never returned)',
        response: { 200: ConnectionSchema, 403: ErrorResponse },
      },
    },
    async (request) => getConnection(db, scopeOf(request), deps.partnerCenter),
  );

  app.put(
    '/partner-center/connection',
    {
      schema: {
        tags: ['partner-center'],
        summary: 'Store the Partner Center credentials (encrypted at rest)',
        body: Type.Object({
          mode: Mode,
          baseUrl: Type.Optional(Type.String({ maxLength: 500 })),
          tenantId: Type.Optional(Type.String({ maxLength: 100 })),
          appId: Type.Optional(Type.String({ maxLength: 100 })),
          appSecret: Type.Optional(Type.String({ maxLength: 1000 })),
          refreshToken: Type.Optional(Type.String({ maxLength: 10_000 })),
        }),
        response: { 200: ConnectionSchema, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) =>
      saveConnection(db, scopeOf(request), deps.partnerCenter, deps.config.secretKey, request.body),
  );

  app.post(
    '/partner-center/connection/test',
    {
      schema: {
        tags: ['partner-center'],
        summary: 'Try the stored connection with one catalog read',
        response: { 200: Type.Object({ ok: Type.Boolean(), message: Type.String() }), 403: ErrorResponse },
      },
    },
    async (request) => testConnection(db, scopeOf(request), deps.partnerCenter),
  );
};
