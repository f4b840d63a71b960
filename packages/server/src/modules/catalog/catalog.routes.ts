import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { findCatalogItem, listCatalogChanges, listCatalogItems, listMeters } from './catalog.repository.ts';
import {
  BillingCycle,
  CatalogChangeSchema,
  CatalogItemSchema,
  ChangeKind,
  DateText,
  Decimal,
  ExchangeRateSchema,
  MeterSchema,
  OwnOfferInputSchema,
  OwnProductSchema,
  SyncResultSchema,
  SyncSettingsSchema,
  Term,
} from './catalog.schemas.ts';
import type { CatalogChangeKind } from './catalog.tables.ts';
import { listExchangeRates, setExchangeRate } from './exchange-rates.ts';
import { todayIn } from './lineage.ts';
import { findOwnProduct, listOwnProducts } from './own-products.repository.ts';
import { createOwnProduct, retireOwnProduct, updateOwnProduct } from './save-own-product.ts';
import { syncCatalog } from './sync-catalog.ts';
import { getSyncSettings, saveSyncSettings } from './sync-settings.ts';

async function today(db: Kysely<Database>, scope: Scope, now: Date): Promise<string> {
  const org = await db
    .selectFrom('organizations')
    .select('time_zone')
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();
  return todayIn(now, org.time_zone).toString();
}

const BillingModel = Type.Union([Type.Literal('recurring'), Type.Literal('one_time'), Type.Literal('usage')]);
const ownEditable = {
  vendor: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  productFamily: Type.String({ maxLength: 100 }),
  billingModel: BillingModel,
  unit: Type.String({ minLength: 1, maxLength: 50 }),
  currency: Type.String({ minLength: 3, maxLength: 3 }),
  offers: Type.Array(OwnOfferInputSchema, { minItems: 1, maxItems: 20 }),
};

export const catalogRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();

  app.get(
    '/catalog/products',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'Search the catalog: Microsoft’s (synced from Partner Center) and the own products of your sellers and yours',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ maxLength: 200 })),
          vendor: Type.Optional(Type.String({ maxLength: 100 })),
          productFamily: Type.Optional(Type.String({ maxLength: 100 })),
          segment: Type.Optional(Type.String({ maxLength: 50 })),
          term: Type.Optional(Term),
          billingCycle: Type.Optional(BillingCycle),
          market: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
          source: Type.Optional(Type.Union([Type.Literal('microsoft'), Type.Literal('own')])),
          includeRetired: Type.Optional(Type.Boolean()),
          date: Type.Optional(DateText),
        }),
        response: { 200: pageOf(CatalogItemSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const { limit = 50, date, ...filter } = request.query;
      return listCatalogItems(db, scope, { ...filter, limit, date: date ?? (await today(db, scope, now())) });
    },
  );

  app.get(
    '/catalog/products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'One catalog entry (a Microsoft SKU with its offers and prices, or an own product); retired ones too',
        params: IdParams,
        querystring: Type.Object({ date: Type.Optional(DateText) }),
        response: { 200: CatalogItemSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const item = await findCatalogItem(
        db,
        scope,
        request.params.id,
        request.query.date ?? (await today(db, scope, now())),
      );
      if (!item) throw notFound('product');
      return item;
    },
  );

  app.get(
    '/catalog/changes',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'The catalog change log: new, changed and retired products/SKUs/offers/meters and price changes',
        querystring: Type.Object({
          ...PageQuery,
          kind: Type.Optional(ChangeKind),
          productId: Type.Optional(Type.String({ maxLength: 50 })),
          since: Type.Optional(Type.String({ format: 'date-time' })),
        }),
        response: { 200: pageOf(CatalogChangeSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const { limit = 50, kind, ...filter } = request.query;
      return listCatalogChanges(db, scope, { ...filter, limit, kind: kind as CatalogChangeKind | undefined });
    },
  );

  app.get(
    '/catalog/azure-meters',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Azure meters (usage of the Azure plan) with their pay-as-you-go rates',
        querystring: Type.Object({
          ...PageQuery,
          q: Type.Optional(Type.String({ maxLength: 200 })),
          category: Type.Optional(Type.String({ maxLength: 200 })),
          includeRetired: Type.Optional(Type.Boolean()),
          date: Type.Optional(DateText),
        }),
        response: { 200: pageOf(MeterSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const { limit = 50, date, ...filter } = request.query;
      return listMeters(db, scope, { ...filter, limit, date: date ?? (await today(db, scope, now())) });
    },
  );

  app.post(
    '/catalog/sync',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Sync the Microsoft catalog from Partner Center now (the provider; it also runs daily)',
        response: { 200: SyncResultSchema, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      syncCatalog({ db, partnerCenter: deps.partnerCenter, clock: deps.clock }, scopeOf(request)),
  );

  app.get(
    '/catalog/sync-settings',
    {
      schema: {
        tags: ['catalog'],
        summary: 'When the daily catalog sync runs and which markets it reads (the provider)',
        response: { 200: SyncSettingsSchema, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:manage');
      if (scope.organizationKind !== 'provider')
        throw forbidden('Only the provider syncs the Microsoft catalog.');
      const settings = await getSyncSettings(db, scope.organizationId);
      reply.header('etag', `"${settings.version}"`);
      return settings;
    },
  );

  app.put(
    '/catalog/sync-settings',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'Change the daily catalog sync: on/off, local hour, markets (null = the countries of your organisations)',
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Object(
          {
            enabled: Type.Optional(Type.Boolean()),
            hourOfDay: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
            markets: Type.Optional(Type.Union([Type.Array(Type.String(), { maxItems: 250 }), Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: SyncSettingsSchema, 400: ErrorResponse, 403: ErrorResponse, 412: ErrorResponse },
      },
    },
    async (request, reply) => {
      const settings = await saveSyncSettings(
        db,
        scopeOf(request),
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${settings.version}"`);
      return settings;
    },
  );

  app.get(
    '/catalog/exchange-rates',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Microsoft’s monthly exchange rates recorded for your provider',
        querystring: Type.Object({
          from: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
          to: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
          month: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
        }),
        response: { 200: Type.Object({ items: Type.Array(ExchangeRateSchema) }), 403: ErrorResponse },
      },
    },
    async (request) => ({ items: await listExchangeRates(db, scopeOf(request), request.query) }),
  );

  app.put(
    '/catalog/exchange-rates',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Record Microsoft’s exchange rate of a month (1 from = rate to); the provider',
        body: Type.Object(
          {
            from: Type.String({ pattern: '^[A-Z]{3}$' }),
            to: Type.String({ pattern: '^[A-Z]{3}$' }),
            month: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
            rate: Decimal,
          },
          { additionalProperties: false },
        ),
        response: { 200: ExchangeRateSchema, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => setExchangeRate(db, scopeOf(request), request.body),
  );

  app.get(
    '/catalog/own-products',
    {
      schema: {
        tags: ['catalog'],
        summary:
          'Own products (support, security, setup…) of your organisation, the sellers below it and the sellers above it',
        querystring: Type.Object({
          ...PageQuery,
          sellerId: Type.Optional(Type.String({ format: 'uuid' })),
          q: Type.Optional(Type.String({ maxLength: 200 })),
          includeRetired: Type.Optional(Type.Boolean()),
        }),
        response: { 200: pageOf(OwnProductSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const { limit = 50, ...filter } = request.query;
      return listOwnProducts(db, scope, { ...filter, limit });
    },
  );

  app.post(
    '/catalog/own-products',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Add an own product: recurring (monthly/annual), one-time or usage-based, any vendor',
        body: Type.Object(
          {
            sellerId: Type.Optional(Type.String({ format: 'uuid' })),
            vendor: Type.Optional(ownEditable.vendor),
            name: ownEditable.name,
            description: Type.Optional(ownEditable.description),
            productFamily: Type.Optional(ownEditable.productFamily),
            billingModel: BillingModel,
            unit: Type.Optional(ownEditable.unit),
            currency: Type.Optional(ownEditable.currency),
            offers: ownEditable.offers,
          },
          { additionalProperties: false },
        ),
        response: { 201: OwnProductSchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const product = await createOwnProduct(db, scopeOf(request), request.body);
      reply.header('etag', `"${product.version}"`);
      return reply.code(201).send(product);
    },
  );

  app.get(
    '/catalog/own-products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'One own product (its cost only for the seller and the organisations above it)',
        params: IdParams,
        response: { 200: OwnProductSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'catalog:read');
      const product = await findOwnProduct(db, scope, request.params.id);
      if (!product) throw notFound('own product');
      reply.header('etag', `"${product.version}"`);
      return product;
    },
  );

  app.patch(
    '/catalog/own-products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Edit an own product; `offers` replace the old prices; send If-Match to avoid lost updates',
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Partial(Type.Object(ownEditable, { additionalProperties: false })),
        response: {
          200: OwnProductSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          412: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const product = await updateOwnProduct(
        db,
        scopeOf(request),
        request.params.id,
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${product.version}"`);
      return product;
    },
  );

  app.delete(
    '/catalog/own-products/:id',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Take an own product off sale (it stays readable for existing subscriptions)',
        params: IdParams,
        response: { 204: Type.Null(), 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await retireOwnProduct(db, scopeOf(request), request.params.id);
      return noContent(reply);
    },
  );
};
