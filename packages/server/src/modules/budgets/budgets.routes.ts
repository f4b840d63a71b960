import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { createBudget, deleteBudget, findBudget, listBudgets, updateBudget } from './budgets.repository.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Explanation = Type.Object({
  summary: Type.String(),
  steps: Type.Array(Type.Object({ label: Type.String(), formula: Type.String(), result: Type.String() })),
});

export const BudgetSchema = Type.Object(
  {
    id: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    entitlementId: Nullable(Type.String()),
    currency: Type.String(),
    plannedAmount: Type.String({ description: 'Decimal string in `currency`, per month' }),
    thresholds: Type.Array(Type.String(), { description: 'Percents, e.g. ["50", "80", "100"]' }),
    effectiveFrom: Type.String({ description: 'YYYY-MM' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    version: Type.Integer(),
    status: Type.Optional(
      Type.Object({
        period: Type.String(),
        monthToDate: Type.String(),
        forecast: Nullable(Type.String()),
        thresholds: Type.Array(
          Type.Object({ threshold: Type.String(), amount: Type.String(), reached: Type.Boolean() }),
        ),
        explanation: Explanation,
      }),
    ),
  },
  { $id: 'Budget' },
);

const Editable = {
  plannedAmount: Type.String({ maxLength: 40, description: 'Planned monthly amount, decimal string' }),
  thresholds: Type.Optional(Type.Array(Type.String({ maxLength: 20 }), { maxItems: 10 })),
  effectiveFrom: Type.Optional(Type.String({ maxLength: 7, description: 'YYYY-MM' })),
};

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const budgetRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();

  app.get(
    '/budgets',
    {
      schema: {
        tags: ['budgets'],
        summary: 'Budgets (planned monthly Azure amounts) of the caller’s subtree',
        querystring: Type.Object({
          ...PageQuery,
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(BudgetSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const { limit = 50, cursor, customerId } = request.query;
      return listBudgets(db, scopeOf(request), { limit, cursor, customerId });
    },
  );

  app.get(
    '/budgets/:id',
    {
      schema: {
        tags: ['budgets'],
        summary: 'A budget with its status this month: month-to-date, forecast, thresholds reached',
        params: IdParams,
        response: { 200: BudgetSchema, ...errors },
      },
    },
    async (request, reply) => {
      const budget = await findBudget(db, scopeOf(request), request.params.id, now());
      reply.header('etag', `"${budget.version}"`);
      return budget;
    },
  );

  app.post(
    '/budgets',
    {
      schema: {
        tags: ['budgets'],
        summary: 'Set a customer’s budget (whole Azure usage, or one Azure subscription)',
        body: Type.Object({
          customerId: Type.String({ format: 'uuid' }),
          entitlementId: Type.Optional(Nullable(Type.String({ maxLength: 100 }))),
          currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
          ...Editable,
        }),
        response: { 201: BudgetSchema, 409: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const budget = await createBudget(db, scopeOf(request), request.body, now());
      reply.header('etag', `"${budget.version}"`);
      return reply.code(201).send(budget);
    },
  );

  app.put(
    '/budgets/:id',
    {
      schema: {
        tags: ['budgets'],
        summary: 'Change a budget’s planned amount, thresholds or start month (If-Match: its ETag)',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Object(Editable),
        response: { 200: BudgetSchema, 412: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const budget = await updateBudget(
        db,
        scopeOf(request),
        request.params.id,
        request.body,
        now(),
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${budget.version}"`);
      return budget;
    },
  );

  app.delete(
    '/budgets/:id',
    {
      schema: {
        tags: ['budgets'],
        summary: 'Remove a budget (alerts already raised stay)',
        params: IdParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await deleteBudget(db, scopeOf(request), request.params.id);
      return noContent(reply);
    },
  );
};
