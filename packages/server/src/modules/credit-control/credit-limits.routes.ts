import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import {
  checkCredit,
  createCreditLimit,
  deleteCreditLimit,
  findCreditLimit,
  listCreditLimits,
  updateCreditLimit,
} from './credit-limits.repository.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Step = Type.Object({ label: Type.String(), formula: Type.String(), result: Type.String() });
const Explanation = Type.Object({ summary: Type.String(), steps: Type.Array(Step) });
const Level = Type.Optional(
  Nullable(Type.String({ maxLength: 40, description: 'Monthly amount, decimal string' })),
);

export const CreditLimitSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    organizationName: Type.String(),
    organizationKind: Type.Union([Type.Literal('customer'), Type.Literal('reseller')]),
    sellerId: Type.String(),
    currency: Type.String(),
    warning: Nullable(Type.String()),
    approvalRequired: Nullable(Type.String()),
    purchaseBlocked: Nullable(Type.String()),
    monthToDate: Type.String(),
    provisionalCredit: Type.Object({
      month: Type.String(),
      amount: Nullable(Type.String()),
      basis: Type.String(),
      window: Type.Array(
        Type.Object({
          month: Type.String(),
          amount: Type.String(),
          recorded: Type.Boolean(),
          fullMonth: Type.Boolean(),
        }),
      ),
      highest: Nullable(Type.Object({ month: Type.String(), amount: Type.String() })),
      explanation: Explanation,
    }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    version: Type.Integer(),
  },
  { $id: 'CreditLimit' },
);

const Amount = Type.Object({ amount: Type.String(), currency: Type.String() });

export const CreditCheckSchema = Type.Object(
  {
    outcome: Type.Union([
      Type.Literal('allowed'),
      Type.Literal('warning'),
      Type.Literal('approval_required'),
      Type.Literal('blocked'),
    ]),
    action: Type.String(),
    level: Nullable(Type.String()),
    message: Type.Object({ code: Type.String(), values: Type.Record(Type.String(), Amount) }),
    summary: Type.String(),
    decidedBy: Nullable(Type.Object({ organizationId: Type.String(), kind: Type.String() })),
    explanation: Type.Array(Explanation),
  },
  { $id: 'CreditCheck' },
);

const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const creditLimitRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();

  app.get(
    '/credit-limits',
    {
      schema: {
        tags: ['credit control'],
        summary:
          'Credit limits the caller (or its subtree) set, with each provisional credit amount and its derivation',
        querystring: Type.Object({
          ...PageQuery,
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(CreditLimitSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const { limit = 50, cursor, organizationId } = request.query;
      return listCreditLimits(db, scopeOf(request), { limit, cursor, organizationId }, now());
    },
  );

  app.get(
    '/credit-limits/check',
    {
      schema: {
        tags: ['credit control'],
        summary:
          'The credit outcome an order adding `amount` per month would get (the order form asks before submitting)',
        querystring: Type.Object({
          customerId: Type.String({ format: 'uuid' }),
          amount: Type.String({ maxLength: 40 }),
          currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
        }),
        response: { 200: CreditCheckSchema, ...errors },
      },
    },
    async (request) => checkCredit(db, scopeOf(request), request.query, now()),
  );

  app.get(
    '/credit-limits/:id',
    {
      schema: {
        tags: ['credit control'],
        summary: 'A credit limit with its provisional credit amount and month-to-date usage',
        params: IdParams,
        response: { 200: CreditLimitSchema, ...errors },
      },
    },
    async (request, reply) => {
      const limit = await findCreditLimit(db, scopeOf(request), request.params.id, now());
      reply.header('etag', `"${limit.version}"`);
      return limit;
    },
  );

  app.post(
    '/credit-limits',
    {
      schema: {
        tags: ['credit control'],
        summary:
          'Set the credit levels of a customer or reseller (warning ≤ approval required ≤ purchase blocked)',
        body: Type.Object({
          organizationId: Type.String({ format: 'uuid' }),
          currency: Type.Optional(Type.String({ minLength: 3, maxLength: 3 })),
          warning: Level,
          approvalRequired: Level,
          purchaseBlocked: Level,
        }),
        response: { 201: CreditLimitSchema, 409: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const limit = await createCreditLimit(db, scopeOf(request), request.body, now());
      reply.header('etag', `"${limit.version}"`);
      return reply.code(201).send(limit);
    },
  );

  app.put(
    '/credit-limits/:id',
    {
      schema: {
        tags: ['credit control'],
        summary: 'Change credit levels (omitted: unchanged, null: unset; If-Match: its ETag)',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Object({ warning: Level, approvalRequired: Level, purchaseBlocked: Level }),
        response: { 200: CreditLimitSchema, 412: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const limit = await updateCreditLimit(
        db,
        scopeOf(request),
        request.params.id,
        request.body,
        now(),
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${limit.version}"`);
      return limit;
    },
  );

  app.delete(
    '/credit-limits/:id',
    {
      schema: {
        tags: ['credit control'],
        summary: 'Remove a credit limit (orders are then not limited by it)',
        params: IdParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await deleteCreditLimit(db, scopeOf(request), request.params.id);
      return noContent(reply);
    },
  );
};
