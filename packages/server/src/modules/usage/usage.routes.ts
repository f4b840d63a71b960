import type { Readable } from 'node:stream';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { evaluateAfterImport } from '../alerts/alerts.job.ts';
import { importUsageCsv } from './import-usage.ts';
import { pullUsage } from './pull-usage.ts';
import { rerateUsage } from './rerate-usage.ts';
import { usageErrors } from './usage.errors.ts';
import {
  type BreakdownDimension,
  findImport,
  listImports,
  listQuarantine,
  listRates,
  usageBreakdown,
  usageSummary,
} from './usage.repository.ts';
import { usageCsv } from './usage-export.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Decimal = Type.String({ description: 'Exact decimal, unrounded' });

const PeriodQuery = {
  period: Type.Optional(
    Type.String({
      pattern: '^\\d{4}-(0[1-9]|1[0-2])$',
      description: 'YYYY-MM; the current month when omitted',
    }),
  ),
  customerId: Type.Optional(Type.String({ format: 'uuid' })),
  subscriptionId: Type.Optional(Type.String({ maxLength: 64, description: 'Azure subscription id' })),
  meterCategory: Type.Optional(Type.String({ maxLength: 200 })),
};

const AmountFields = {
  currency: Type.String(),
  sale: Decimal,
  cost: Type.Optional(Decimal),
  margin: Type.Optional(Decimal),
};

const UsageSummarySchema = Type.Object(
  {
    period: Type.String(),
    view: Type.Union([Type.Literal('seller'), Type.Literal('customer')]),
    asOf: Nullable(Type.String()),
    totals: Type.Array(Type.Object({ ...AmountFields, lines: Type.Integer() })),
    byDay: Type.Array(Type.Object({ date: Type.String(), ...AmountFields })),
    byMeterCategory: Type.Array(Type.Object({ meterCategory: Type.String(), ...AmountFields })),
    bySubscription: Type.Array(
      Type.Object({
        subscriptionId: Type.String(),
        subscriptionName: Type.String(),
        customerId: Type.String(),
        customerName: Type.String(),
        ...AmountFields,
      }),
    ),
    forecast: Type.Array(
      Type.Object({
        currency: Type.String(),
        monthToDate: Decimal,
        projected: Type.String(),
        dailyAverage: Type.String(),
        basisDays: Type.Integer(),
        remainingDays: Type.Integer(),
        explanation: Type.String(),
      }),
    ),
  },
  { $id: 'UsageSummary' },
);

const BreakdownSchema = Type.Object(
  {
    period: Type.String(),
    view: Type.Union([Type.Literal('seller'), Type.Literal('customer')]),
    by: Type.String(),
    items: Type.Array(
      Type.Object({
        key: Type.String(),
        label: Type.String(),
        quantity: Type.Optional(Decimal),
        ...AmountFields,
      }),
    ),
  },
  { $id: 'UsageBreakdown' },
);

const Counts = Type.Object({
  rowsRead: Type.Integer(),
  linesLoaded: Type.Integer(),
  linesReplaced: Type.Integer(),
  linesUnchanged: Type.Integer(),
  linesSkippedBilled: Type.Integer(),
  linesQuarantined: Type.Integer(),
  linesRemoved: Type.Integer(),
  daysLoaded: Type.Integer(),
  daysReplaced: Type.Integer(),
  daysUnchanged: Type.Integer(),
  daysSuperseded: Type.Integer(),
});

const UsageImportSchema = Type.Object(
  {
    id: Type.String(),
    providerId: Type.String(),
    channel: Type.String(),
    fileName: Nullable(Type.String()),
    request: Type.Record(Type.String(), Type.Unknown()),
    columnVariant: Nullable(Type.String()),
    status: Type.String(),
    counts: Counts,
    firstUsageDate: Nullable(Type.String()),
    lastUsageDate: Nullable(Type.String()),
    error: Nullable(Type.String()),
    startedBy: Type.String(),
    startedAt: Type.String(),
    finishedAt: Nullable(Type.String()),
  },
  { $id: 'UsageImport' },
);

const QuarantinedRowSchema = Type.Object(
  { line: Type.Integer(), reason: Type.String(), message: Type.String(), record: Type.String() },
  { $id: 'UsageQuarantinedRow' },
);

const ExplanationSchema = Type.Object({
  summary: Type.String(),
  formula: Type.String(),
  steps: Type.Array(Type.Object({ label: Type.String(), formula: Type.String() })),
  notes: Type.Array(Type.Object({ ruleId: Type.String(), code: Type.String(), reason: Type.String() })),
});

const RateSchema = Type.Object(
  {
    rateId: Type.String(),
    tier: Type.Integer(),
    buyerId: Nullable(Type.String()),
    costCurrency: Type.String(),
    currency: Type.String(),
    costCostFactor: Decimal,
    costListFactor: Decimal,
    saleCostFactor: Decimal,
    saleListFactor: Decimal,
    ruleId: Nullable(Type.String()),
    basis: Type.String(),
    explanation: ExplanationSchema,
    lines: Type.Integer(),
  },
  { $id: 'UsageRate' },
);

const Totals = Type.Array(
  Type.Object({ currency: Type.String(), cost: Decimal, sale: Decimal, margin: Nullable(Decimal) }),
);

const ImportResultSchema = Type.Object(
  {
    importId: Type.String(),
    ...Counts.properties,
    columnVariant: Type.String(),
    firstUsageDate: Nullable(Type.String()),
    lastUsageDate: Nullable(Type.String()),
    rates: Type.Integer(),
  },
  { $id: 'UsageImportResult' },
);

/** The month the caller is in (UTC), for requests without a period. */
const currentPeriod = (now: Date) => now.toISOString().slice(0, 7);

function requireProvider(scope: Scope): void {
  if (scope.organizationKind !== 'provider') throw usageErrors.providerOnly();
}

export const usageRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();

  // Microsoft's CSV arrives as a stream; the import reads it as it comes (no body limit, no buffering).
  app.addContentTypeParser(['text/csv', 'application/octet-stream'], (_request, payload, done) =>
    done(null, payload),
  );

  app.get(
    '/usage/summary',
    {
      schema: {
        tags: ['usage'],
        summary: 'Azure usage of a month to date, by day, meter category and subscription, with a forecast',
        description:
          'Providers and resellers see their own sales (cost = what they pay, sale, margin) for every customer below them; a customer sees what it pays.',
        querystring: Type.Object(PeriodQuery),
        response: { 200: UsageSummarySchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const q = request.query;
      return usageSummary(
        db,
        scope,
        { ...q, period: q.period ?? currentPeriod(now()) },
        now().toISOString().slice(0, 10),
      );
    },
  );

  app.get(
    '/usage/breakdown',
    {
      schema: {
        tags: ['usage'],
        summary:
          'One chart series: the period’s usage by day, meter category, subscription, customer, resource group or meter',
        querystring: Type.Object({
          ...PeriodQuery,
          by: Type.Optional(
            Type.Union([
              Type.Literal('day'),
              Type.Literal('meter_category'),
              Type.Literal('subscription'),
              Type.Literal('customer'),
              Type.Literal('resource_group'),
              Type.Literal('meter'),
            ]),
          ),
          resourceGroup: Type.Optional(Type.String({ maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: BreakdownSchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const { by = 'day', limit = 100, ...q } = request.query;
      return usageBreakdown(
        db,
        scope,
        { ...q, period: q.period ?? currentPeriod(now()) },
        by as BreakdownDimension,
        limit,
      );
    },
  );

  app.get(
    '/usage/export.csv',
    {
      schema: {
        tags: ['usage'],
        summary: 'The usage lines of a period as CSV (UTF-8 with BOM), streamed',
        description:
          'Customers get their own lines at their own prices; providers and resellers get their customers’ lines with cost, sale, margin and the price rule of their own tier.',
        produces: ['text/csv'],
        querystring: Type.Object({
          ...PeriodQuery,
          resourceGroup: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const q = request.query;
      const csv = await usageCsv(deps.database, scope, { ...q, period: q.period ?? currentPeriod(now()) });
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', `attachment; filename="${csv.fileName}"`);
      reply.header('cache-control', 'no-store');
      // A stream is sent as it is (the response schemas describe only the error bodies).
      return reply.send(csv.stream as never);
    },
  );

  app.get(
    '/usage/rates',
    {
      schema: {
        tags: ['usage'],
        summary: 'The rates the caller’s sales of a period were rated with, at its own tier, explained',
        querystring: Type.Object(PeriodQuery),
        response: {
          200: Type.Object({ items: Type.Array(RateSchema) }),
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const q = request.query;
      return { items: await listRates(db, scope, { ...q, period: q.period ?? currentPeriod(now()) }) };
    },
  );

  app.post(
    '/usage/rerate',
    {
      schema: {
        tags: ['usage'],
        summary: 'Re-rate a period with the price books as they are now; answers before/after totals',
        body: Type.Object({
          period: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' }),
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
          dryRun: Type.Optional(Type.Boolean()),
        }),
        response: {
          200: Type.Object(
            {
              period: Type.String(),
              dryRun: Type.Boolean(),
              customers: Type.Integer(),
              lines: Type.Integer(),
              linesChanged: Type.Integer(),
              daysRebuilt: Type.Integer(),
              before: Totals,
              after: Totals,
              rates: Type.Array(RateSchema),
            },
            { $id: 'UsageRerateResult' },
          ),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => rerateUsage(deps.database, scopeOf(request), request.body),
  );

  app.get(
    '/usage/imports',
    {
      schema: {
        tags: ['usage'],
        summary: 'Usage imports of the provider, newest first, with their counts',
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(UsageImportSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const { limit = 50, cursor } = request.query;
      return listImports(db, scope, { limit, cursor });
    },
  );

  app.post(
    '/usage/imports',
    {
      schema: {
        tags: ['usage'],
        summary: 'Import Microsoft’s daily rated usage reconciliation CSV (send it as text/csv)',
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
        response: { 201: ImportResultSchema, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:import');
      requireProvider(scope);
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== 'function') {
        throw usageErrors.emptyFile();
      }
      const result = await importUsageCsv(deps.database, body, {
        providerId: scope.organizationId,
        channel: 'file',
        fileName: request.query.fileName ?? null,
        actor: scope.actor,
      });
      await evaluateAfterImport(deps, scope.organizationId); // budget and credit alerts (#8)
      const { timings: _timings, ...view } = result;
      return reply.code(201).send(view);
    },
  );

  app.post(
    '/usage/pull',
    {
      schema: {
        tags: ['usage'],
        summary: 'Pull the provider’s unbilled and newly billed usage from Partner Center now',
        response: {
          200: Type.Object({
            imports: Type.Array(
              Type.Object({
                kind: Type.String(),
                period: Type.String(),
                currency: Type.String(),
                invoiceId: Nullable(Type.String()),
                result: ImportResultSchema,
              }),
            ),
          }),
          403: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:import');
      requireProvider(scope);
      const imports = await pullUsage(deps, {
        providerId: scope.organizationId,
        today: now().toISOString().slice(0, 10),
        actor: scope.actor,
        exportPollMs: 1000,
      });
      await evaluateAfterImport(deps, scope.organizationId); // budget and credit alerts (#8)
      return {
        imports: imports.map((i) => {
          const { timings: _timings, ...result } = i.result;
          return { ...i, result };
        }),
      };
    },
  );

  app.get(
    '/usage/imports/:id',
    {
      schema: {
        tags: ['usage'],
        summary: 'One usage import with its counts',
        params: IdParams,
        response: { 200: UsageImportSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      return findImport(db, scope, request.params.id);
    },
  );

  app.get(
    '/usage/imports/:id/quarantine',
    {
      schema: {
        tags: ['usage'],
        summary: 'Rows an import could not take: line number, reason, message, the record',
        params: IdParams,
        querystring: Type.Object({ ...PageQuery, reason: Type.Optional(Type.String({ maxLength: 40 })) }),
        response: { 200: pageOf(QuarantinedRowSchema), 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'usage:read');
      const { limit = 50, cursor, reason } = request.query;
      return listQuarantine(db, scope, request.params.id, { limit, cursor, reason });
    },
  );
};
