import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { acknowledgeAlert, listAlerts } from './alerts.repository.ts';
import type { AlertType } from './alerts.tables.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const AlertTypeSchema = Type.Union([
  Type.Literal('budget_threshold'),
  Type.Literal('usage_spike'),
  Type.Literal('forecast_over_budget'),
  Type.Literal('provisional_credit_exceeded'),
  Type.Literal('credit_level'),
]);

export const AlertSchema = Type.Object(
  {
    id: Type.String(),
    type: AlertTypeSchema,
    organizationId: Type.String(),
    organizationName: Type.String(),
    subject: Type.Object({ type: Type.String(), id: Type.String() }),
    period: Type.String({ description: 'YYYY-MM' }),
    date: Nullable(Type.String({ description: 'The day of a usage spike' })),
    level: Nullable(Type.String({ description: 'Credit level, or the threshold percent of a budget alert' })),
    trigger: Nullable(Type.String()),
    values: Type.Record(Type.String(), Type.Unknown()),
    explanation: Type.Object({
      summary: Type.String(),
      steps: Type.Array(Type.Object({ label: Type.String(), formula: Type.String(), result: Type.String() })),
    }),
    dedupeKey: Type.String(),
    acknowledgedAt: Nullable(Type.String()),
    acknowledgedBy: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'Alert' },
);

export const alertRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/alerts',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Budget and credit alerts the caller may see, newest first',
        querystring: Type.Object({
          ...PageQuery,
          type: Type.Optional(AlertTypeSchema),
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
          period: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM' })),
          acknowledged: Type.Optional(Type.Boolean()),
        }),
        response: { 200: pageOf(AlertSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const { limit = 50, cursor, type, organizationId, period, acknowledged } = request.query;
      return listAlerts(db, scopeOf(request), {
        limit,
        cursor,
        type: type as AlertType | undefined,
        organizationId,
        period,
        acknowledged,
      });
    },
  );

  app.post(
    '/alerts/:id/acknowledge',
    {
      schema: {
        tags: ['alerts'],
        summary: 'Acknowledge an alert (idempotent: the first acknowledgement is kept)',
        params: IdParams,
        response: { 200: AlertSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => acknowledgeAlert(db, scopeOf(request), request.params.id, deps.clock.now()),
  );
};
