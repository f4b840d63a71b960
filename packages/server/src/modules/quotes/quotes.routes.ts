import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Locale } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { orderServices } from '../orders/order-services.ts';
import { DateText, OrderSchema, PriceTierSchema, TenantInputSchema } from '../orders/orders.schemas.ts';
import type { TenantInput } from '../orders/prepare-order.ts';
import { acceptQuote } from './accept-quote.ts';
import { quotePdf } from './quote-pdf.ts';
import { findQuote, findSharedQuote, listQuotes } from './quotes.repository.ts';
import { createQuote, updateQuote } from './save-quote.ts';
import { hashShareToken, sendQuote } from './send-quote.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const LocaleSchema = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]);
const Status = Type.Union([
  Type.Literal('draft'),
  Type.Literal('sent'),
  Type.Literal('accepted'),
  Type.Literal('expired'),
  Type.Literal('cancelled'),
]);

const TaxedSchema = {
  net: Type.String(),
  tax: Type.String(),
  gross: Type.String(),
  currency: Type.String(),
  taxPolicy: Type.String(),
  taxExplanation: Type.String(),
};

const QuoteSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    sellerId: Type.String(),
    sellerName: Type.String(),
    customerId: Nullable(Type.String()),
    customerName: Type.String(),
    prospect: Type.Unknown(),
    status: Type.String(),
    currency: Type.String(),
    locale: Type.String(),
    validUntil: Type.String(),
    title: Type.String(),
    notes: Type.String(),
    orderId: Nullable(Type.String()),
    shared: Type.Boolean(),
    lines: Type.Array(
      Type.Object({
        id: Type.String(),
        position: Type.Integer(),
        itemKind: Type.String(),
        sku: Nullable(Type.String()),
        ownProductId: Nullable(Type.String()),
        catalogItemId: Nullable(Type.String()),
        title: Type.String(),
        quantity: Type.Integer(),
        term: Type.String(),
        billingCycle: Type.String(),
        startDate: Nullable(Type.String()),
        unitPrice: Type.String(),
        currency: Type.String(),
        totalPerCycle: Type.String(),
        periodsPerTerm: Nullable(Type.Integer()),
        totalPerTerm: Nullable(Type.String()),
        explanation: Type.Unknown(),
        priceTiers: Type.Array(PriceTierSchema),
      }),
    ),
    totals: Type.Object({
      currency: Type.String(),
      byBillingCycle: Type.Array(Type.Object({ billingCycle: Type.String(), ...TaxedSchema })),
      term: Type.Object(TaxedSchema),
    }),
    createdBy: Type.String(),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    sentAt: Nullable(Type.String()),
    acceptedAt: Nullable(Type.String()),
  },
  { $id: 'Quote' },
);

const QuoteLineInput = Type.Object(
  {
    sku: Type.Optional(Type.String({ maxLength: 100 })),
    ownProductId: Type.Optional(Type.String({ format: 'uuid' })),
    azurePlan: Type.Optional(Type.Boolean()),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    term: Type.Optional(Type.String({ maxLength: 4 })),
    billingCycle: Type.Optional(Type.String({ maxLength: 10 })),
    startDate: Type.Optional(DateText),
  },
  { additionalProperties: false },
);

const Prospect = Type.Object({
  companyName: Type.String({ minLength: 1, maxLength: 200 }),
  country: Type.String({ minLength: 2, maxLength: 2 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  email: Type.Optional(Type.String({ maxLength: 254 })),
  contactName: Type.Optional(Type.String({ maxLength: 200 })),
  domainPrefix: Type.Optional(Type.String({ maxLength: 27 })),
});

const PdfQuery = Type.Object({ locale: Type.Optional(LocaleSchema) });
const TokenParams = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) });

export const quoteRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();
  const today = () => now().toISOString().slice(0, 10);

  app.get(
    '/quotes',
    {
      schema: {
        tags: ['quotes'],
        summary: 'Quotes of the caller’s sellers (and, once sent, those addressed to the caller)',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(Status),
          customerId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: pageOf(QuoteSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'quotes:read');
      const { limit = 50, cursor, status, customerId } = request.query;
      return listQuotes(db, scope, { limit, cursor, status, customerId }, today());
    },
  );

  app.post(
    '/quotes',
    {
      schema: {
        tags: ['quotes'],
        summary: 'Make a quote for a customer or a prospect; every line is priced from the price books',
        body: Type.Object(
          {
            customerId: Type.Optional(Type.String({ format: 'uuid' })),
            prospect: Type.Optional(Prospect),
            validUntil: Type.Optional(DateText),
            locale: Type.Optional(LocaleSchema),
            title: Type.Optional(Type.String({ maxLength: 200 })),
            notes: Type.Optional(Type.String({ maxLength: 5000 })),
            lines: Type.Array(QuoteLineInput, { minItems: 1, maxItems: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: QuoteSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const quote = await createQuote(db, scopeOf(request), request.body, now());
      return reply.code(201).send(quote);
    },
  );

  app.get(
    '/quotes/:id',
    {
      schema: {
        tags: ['quotes'],
        summary:
          'One quote with its lines, prices (explained) and totals per billing cycle and term, with tax',
        params: IdParams,
        response: { 200: QuoteSchema, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'quotes:read');
      const quote = await findQuote(db, scope, request.params.id, today());
      if (!quote) throw notFound('quote');
      return quote;
    },
  );

  app.patch(
    '/quotes/:id',
    {
      schema: {
        tags: ['quotes'],
        summary: 'Edit a draft or sent quote (it becomes a draft again; new lines are priced again)',
        params: IdParams,
        body: Type.Object(
          {
            validUntil: Type.Optional(DateText),
            locale: Type.Optional(LocaleSchema),
            title: Type.Optional(Type.String({ maxLength: 200 })),
            notes: Type.Optional(Type.String({ maxLength: 5000 })),
            lines: Type.Optional(Type.Array(QuoteLineInput, { minItems: 1, maxItems: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: QuoteSchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => updateQuote(db, scopeOf(request), request.params.id, request.body, now()),
  );

  app.post(
    '/quotes/:id/send',
    {
      schema: {
        tags: ['quotes'],
        summary: 'Send the quote: the customer sees it, and a tokenised read-only link is made (shown once)',
        params: IdParams,
        response: {
          200: Type.Object({
            quote: QuoteSchema,
            shareToken: Type.String(),
            shareUrl: Type.String(),
            sharePdfUrl: Type.String(),
          }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    async (request) =>
      sendQuote(db, scopeOf(request), request.params.id, { now: now(), publicUrl: deps.config.publicUrl }),
  );

  app.post(
    '/quotes/:id/accept',
    {
      schema: {
        tags: ['quotes'],
        summary: 'Accept the quote: an order at the quoted prices (a prospect becomes a customer first)',
        params: IdParams,
        body: Type.Object(
          {
            tenant: Type.Optional(TenantInputSchema),
            reference: Type.Optional(Type.String({ maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ quote: QuoteSchema, order: OrderSchema }),
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const result = await acceptQuote(orderServices(deps), scopeOf(request), request.params.id, {
        tenant: request.body.tenant as TenantInput | undefined,
        reference: request.body.reference,
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/quotes/:id/pdf',
    {
      schema: {
        tags: ['quotes'],
        summary: 'The quote as a PDF (ja, en or de; default: the quote’s language)',
        params: IdParams,
        querystring: PdfQuery,
        response: { 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'quotes:read');
      const quote = await findQuote(db, scope, request.params.id, today());
      if (!quote) throw notFound('quote');
      const pdf = await quotePdf(quote, request.query.locale as Locale | undefined);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${quote.number}.pdf"`)
        .send(pdf as never);
    },
  );

  app.get(
    '/quotes/shared/:token',
    {
      schema: {
        tags: ['quotes'],
        summary: 'A sent quote through its share link (no sign-in; read-only; no costs)',
        params: TokenParams,
        response: { 200: QuoteSchema, 404: ErrorResponse },
        security: [],
      },
    },
    async (request) => {
      const quote = await findSharedQuote(db, hashShareToken(request.params.token), today());
      if (!quote) throw notFound('quote');
      return quote;
    },
  );

  app.get(
    '/quotes/shared/:token/pdf',
    {
      schema: {
        tags: ['quotes'],
        summary: 'The PDF of a shared quote (no sign-in)',
        params: TokenParams,
        querystring: PdfQuery,
        response: { 404: ErrorResponse },
        security: [],
      },
    },
    async (request, reply) => {
      const quote = await findSharedQuote(db, hashShareToken(request.params.token), today());
      if (!quote) throw notFound('quote');
      const pdf = await quotePdf(quote, request.query.locale as Locale | undefined);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${quote.number}.pdf"`)
        .send(pdf as never);
    },
  );
};
