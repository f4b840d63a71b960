import { parsePlainDate } from '@cspc/core';
import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { badRequest, notFound } from '../../http/errors.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import {
  BillingCycle,
  DateText,
  Decimal,
  ExplanationSchema,
  Nullable,
  Term,
} from '../catalog/catalog.schemas.ts';
import { todayIn } from '../catalog/lineage.ts';
import { listBelowCostWarnings } from './list-below-cost-warnings.ts';
import type { StoredRuleKind } from './price-books.tables.ts';
import {
  findRuleRow,
  findVisibleSeller,
  listPriceBooks,
  listRules,
  toRuleView,
} from './price-rules.repository.ts';
import { quotePrice } from './quote-price.ts';
import { createPriceRule, deletePriceRule, updatePriceRule } from './save-price-rule.ts';

const RuleKind = Type.Union([
  Type.Literal('markup'),
  Type.Literal('margin'),
  Type.Literal('list_discount'),
  Type.Literal('fixed_price'),
  Type.Literal('usage_markup'),
  Type.Literal('usage_payg_discount'),
]);
const TargetSchema = Type.Object(
  {
    kind: Type.Union([
      Type.Literal('all'),
      Type.Literal('vendor'),
      Type.Literal('product_family'),
      Type.Literal('product'),
      Type.Literal('sku'),
      Type.Literal('meter_category'),
      Type.Literal('meter'),
      Type.Literal('own_product'),
    ]),
    vendor: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    productFamily: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    productId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    skuId: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    meterCategory: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    meterId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    ownProductId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
const BuyerScopeSchema = Type.Object(
  {
    kind: Type.Union([Type.Literal('all'), Type.Literal('reseller_subtree'), Type.Literal('customer')]),
    resellerId: Type.Optional(Type.String({ format: 'uuid' })),
    customerId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const PriceRuleSchema = Type.Object(
  {
    id: Type.String(),
    sellerId: Type.String(),
    name: Type.String(),
    kind: RuleKind,
    percent: Nullable(Type.String()),
    unitPrice: Nullable(Type.String()),
    currency: Nullable(Type.String()),
    target: TargetSchema,
    buyerScope: BuyerScopeSchema,
    term: Nullable(Term),
    billingCycle: Nullable(BillingCycle),
    effectiveFrom: Type.String(),
    effectiveTo: Nullable(Type.String()),
    allowBelowCost: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'PriceRule' },
);

const ruleFields = {
  name: Type.String({ maxLength: 200 }),
  kind: RuleKind,
  percent: Type.String({ pattern: '^\\d{1,6}(\\.\\d{1,6})?$' }),
  unitPrice: Decimal,
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  target: TargetSchema,
  buyerScope: BuyerScopeSchema,
  term: Nullable(Term),
  billingCycle: Nullable(BillingCycle),
  effectiveFrom: DateText,
  effectiveTo: Nullable(DateText),
  allowBelowCost: Type.Boolean(),
};

const PriceBookSchema = Type.Object(
  {
    sellerId: Type.String(),
    sellerName: Type.String(),
    sellerKind: Type.Union([Type.Literal('provider'), Type.Literal('reseller')]),
    currency: Type.String(),
    ruleCount: Type.Integer(),
  },
  { $id: 'PriceBook' },
);

const ItemSchema = Type.Object({
  kind: Type.Union([Type.Literal('license'), Type.Literal('azure_usage'), Type.Literal('own_product')]),
  productId: Nullable(Type.String()),
  skuId: Nullable(Type.String()),
  meterId: Nullable(Type.String()),
  ownProductId: Nullable(Type.String()),
  title: Type.String(),
  term: Nullable(Term),
  billingCycle: Nullable(BillingCycle),
  market: Nullable(Type.String()),
  catalogItemId: Nullable(Type.String()),
});

const WarningSchema = Type.Object(
  {
    sellerId: Type.String(),
    sellerName: Type.String(),
    ruleId: Type.String(),
    ruleName: Type.String(),
    allowed: Type.Boolean(),
    item: ItemSchema,
    cost: Type.String(),
    price: Type.String(),
    currency: Type.String(),
    explanation: ExplanationSchema,
  },
  { $id: 'BelowCostWarning' },
);

const QuoteSchema = Type.Object(
  {
    item: Type.Intersect([ItemSchema, Type.Object({ retired: Type.Boolean(), unit: Type.String() })]),
    buyer: Type.Object({ organizationId: Type.String(), name: Type.String(), currency: Type.String() }),
    date: Type.String(),
    quantity: Type.String(),
    currency: Type.String(),
    unitPrice: Type.String(),
    totalPerBillingCycle: Type.String(),
    billingPeriodsPerTerm: Nullable(Type.Integer()),
    totalPerTerm: Nullable(Type.String()),
    explanation: ExplanationSchema,
    tiers: Type.Array(
      Type.Object({
        sellerId: Type.String(),
        sellerName: Type.String(),
        buyerId: Type.String(),
        cost: Type.String(),
        sale: Type.String(),
        currency: Type.String(),
        basis: Type.String(),
        ruleId: Nullable(Type.String()),
        belowCost: Type.Boolean(),
        belowCostAllowed: Type.Boolean(),
        explanation: ExplanationSchema,
      }),
    ),
  },
  { $id: 'PriceQuote' },
);

const SellerParams = Type.Object({ sellerId: Type.String({ format: 'uuid' }) });
const RuleParams = Type.Object({
  sellerId: Type.String({ format: 'uuid' }),
  ruleId: Type.String({ format: 'uuid' }),
});

async function readableSeller(db: Kysely<Database>, scope: Scope, sellerId: string) {
  requirePermission(scope, 'price_books:read');
  const seller = await findVisibleSeller(db, scope, sellerId);
  if (!seller || seller.kind === 'customer') throw notFound('price book');
  return seller;
}

export const priceBookRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();

  app.get(
    '/price-books',
    {
      schema: {
        tags: ['price-books'],
        summary: 'The price books you may read: yours and those of the resellers below you',
        response: { 200: Type.Object({ items: Type.Array(PriceBookSchema) }), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'price_books:read');
      return { items: await listPriceBooks(db, scope) };
    },
  );

  app.get(
    '/price-books/warnings',
    {
      schema: {
        tags: ['price-books'],
        summary:
          'Rules that sell below the seller’s cost: flagged loss leaders and rules a cost change pushed under',
        querystring: Type.Object({
          ...PageQuery,
          sellerId: Type.Optional(Type.String({ format: 'uuid' })),
          date: Type.Optional(DateText),
        }),
        response: {
          200: Type.Object({
            items: Type.Array(WarningSchema),
            nextCursor: Nullable(Type.String()),
            unchecked: Type.Integer(),
          }),
          400: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { limit = 50, cursor, sellerId, date } = request.query;
      const org = await db
        .selectFrom('organizations')
        .select('time_zone')
        .where('id', '=', scope.organizationId)
        .executeTakeFirstOrThrow();
      let day = todayIn(now(), org.time_zone);
      if (date) {
        try {
          day = parsePlainDate(date);
        } catch {
          throw badRequest('invalid_date', 'date: use YYYY-MM-DD.');
        }
      }
      return listBelowCostWarnings(db, scope, { limit, cursor, sellerId }, day);
    },
  );

  app.get(
    '/price-books/:sellerId',
    {
      schema: {
        tags: ['price-books'],
        summary: 'A seller’s price book',
        params: SellerParams,
        response: { 200: PriceBookSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      await readableSeller(db, scope, request.params.sellerId);
      const book = (await listPriceBooks(db, scope)).find((b) => b.sellerId === request.params.sellerId);
      if (!book) throw notFound('price book');
      return book;
    },
  );

  app.get(
    '/price-books/:sellerId/rules',
    {
      schema: {
        tags: ['price-books'],
        summary: 'The rules of a seller’s price book',
        params: SellerParams,
        querystring: Type.Object({
          ...PageQuery,
          kind: Type.Optional(RuleKind),
          activeOn: Type.Optional(DateText),
        }),
        response: {
          200: pageOf(PriceRuleSchema),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const seller = await readableSeller(db, scope, request.params.sellerId);
      const { limit = 50, kind, ...filter } = request.query;
      return listRules(db, seller.id, { ...filter, limit, kind: kind as StoredRuleKind | undefined });
    },
  );

  app.post(
    '/price-books/:sellerId/rules',
    {
      schema: {
        tags: ['price-books'],
        summary: 'Add a price rule; one that sells below cost needs allowBelowCost',
        params: SellerParams,
        body: Type.Object(
          {
            name: Type.Optional(ruleFields.name),
            kind: ruleFields.kind,
            percent: Type.Optional(ruleFields.percent),
            unitPrice: Type.Optional(ruleFields.unitPrice),
            currency: Type.Optional(ruleFields.currency),
            target: ruleFields.target,
            buyerScope: ruleFields.buyerScope,
            term: Type.Optional(ruleFields.term),
            billingCycle: Type.Optional(ruleFields.billingCycle),
            effectiveFrom: ruleFields.effectiveFrom,
            effectiveTo: Type.Optional(ruleFields.effectiveTo),
            allowBelowCost: Type.Optional(ruleFields.allowBelowCost),
          },
          { additionalProperties: false },
        ),
        response: {
          201: PriceRuleSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const rule = await createPriceRule(
        db,
        scopeOf(request),
        request.params.sellerId,
        request.body as Parameters<typeof createPriceRule>[3],
        now(),
      );
      reply.header('etag', `"${rule.version}"`);
      return reply.code(201).send(rule);
    },
  );

  app.get(
    '/price-books/:sellerId/rules/:ruleId',
    {
      schema: {
        tags: ['price-books'],
        summary: 'One price rule',
        params: RuleParams,
        response: { 200: PriceRuleSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const seller = await readableSeller(db, scope, request.params.sellerId);
      const row = await findRuleRow(db, seller.id, request.params.ruleId);
      if (!row) throw notFound('price rule');
      reply.header('etag', `"${row.version}"`);
      return toRuleView(row);
    },
  );

  app.patch(
    '/price-books/:sellerId/rules/:ruleId',
    {
      schema: {
        tags: ['price-books'],
        summary: 'Change a price rule (to end one from a date, set effectiveTo); send If-Match',
        params: RuleParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Partial(Type.Object(ruleFields, { additionalProperties: false })),
        response: {
          200: PriceRuleSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
          412: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const rule = await updatePriceRule(
        db,
        scopeOf(request),
        request.params.sellerId,
        request.params.ruleId,
        request.body as Parameters<typeof updatePriceRule>[4],
        now(),
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${rule.version}"`);
      return rule;
    },
  );

  app.delete(
    '/price-books/:sellerId/rules/:ruleId',
    {
      schema: {
        tags: ['price-books'],
        summary: 'Remove a price rule (the audit log keeps it)',
        params: RuleParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await deletePriceRule(db, scopeOf(request), request.params.sellerId, request.params.ruleId);
      return noContent(reply);
    },
  );

  app.get(
    '/price-quotes',
    {
      schema: {
        tags: ['price-books'],
        summary:
          'The price of an item for a buyer: unit price, total per billing cycle and per term, explained (a customer sees its own price only)',
        querystring: Type.Object({
          sku: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          meter: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          customer: Type.Optional(Type.String({ format: 'uuid' })),
          quantity: Type.Optional(Type.String({ maxLength: 30 })),
          term: Type.Optional(Term),
          billingCycle: Type.Optional(BillingCycle),
          date: Type.Optional(DateText),
        }),
        response: {
          200: QuoteSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => quotePrice(db, scopeOf(request), request.query, now()),
  );
};
