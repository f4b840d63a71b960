import type { z } from 'zod';
import { csvRecords, decodeText, maybeUnzip } from '../lines.ts';
import { flatten, paginateByOffset } from '../paging.ts';
import {
  type Availability,
  AvailabilityCollectionSchema,
  AvailabilitySchema,
  type AzureRateCard,
  AzureRateCardSchema,
  type CountryValidationRules,
  CountryValidationRulesSchema,
  type CustomerCatalogItem,
  CustomerCatalogItemCollectionSchema,
  type Offer,
  type OfferCategory,
  OfferCategoryCollectionSchema,
  OfferCollectionSchema,
  OfferSchema,
  type PriceSheetRow,
  PriceSheetRowSchema,
  type Product,
  ProductCollectionSchema,
  ProductSchema,
  type Sku,
  SkuCollectionSchema,
  SkuSchema,
} from '../schemas/catalog.ts';
import { parseWith } from '../transport.ts';
import { type CallOptions, type OperationContext, seg } from './context.ts';

export const AZURE_PLAN_PRODUCT_ID = 'DZH318Z0BPS6';
export const AZURE_PLAN_SKU_ID = '0001';

export type TargetView =
  | 'Azure'
  | 'AzureReservations'
  | 'AzureReservationsVM'
  | 'AzureReservationsSQL'
  | 'AzureReservationsCosmosDb'
  | 'MicrosoftAzure'
  | 'OnlineServices'
  | 'Software'
  | 'SoftwareSUSELinux'
  | 'SoftwarePerpetual'
  | 'SoftwareSubscriptions'
  | (string & {});

export type TargetSegment = 'commercial' | 'education' | 'government' | 'nonprofit' | (string & {});

export type PriceSheetView =
  | 'updatedlicensebased'
  | 'azure_consumption'
  | 'azure_reservations'
  | 'marketplace'
  | 'software'
  | (string & {});

export interface PriceSheetDownload {
  contentType: string;
  /** Zip declared by Content-Type/Content-Disposition; `text()`/`rows()` also detect it from the bytes. */
  zipped: boolean;
  /** Raw bytes as served. Consume only one of `bytes`, `text`, `rows`. */
  bytes(): AsyncIterable<Uint8Array>;
  text(): AsyncIterable<string>;
  /** CSV rows keyed by the header line; all values stay text (prices included). */
  rows(): AsyncGenerator<PriceSheetRow, void, undefined>;
}

interface Scope {
  country?: string | undefined;
  targetSegment?: TargetSegment | undefined;
  reservationScope?: string | undefined;
}

export function catalogOperations(ctx: OperationContext) {
  const t = ctx.transport;

  async function get<S extends z.ZodType>(
    operation: string,
    path: string,
    query: Record<string, string | number | undefined>,
    schema: S,
    options: CallOptions,
  ) {
    const { data } = await t.json(
      { api: 'partner-center', operation, method: 'GET', path, query, ...options },
      schema,
    );
    return data as z.output<S>;
  }

  const scopeQuery = (scope: Scope) => ({
    country: scope.country,
    targetSegment: scope.targetSegment,
    reservationScope: scope.reservationScope,
  });

  const ops = {
    async listProducts(
      criteria: Scope & { country: string; targetView: TargetView },
      options: CallOptions = {},
    ): Promise<Product[]> {
      const query = { ...scopeQuery(criteria), targetView: criteria.targetView };
      return (await get('catalog.listProducts', '/products', query, ProductCollectionSchema, options)).items;
    },

    async getProduct(
      productId: string,
      scope: Scope & { country: string },
      options: CallOptions = {},
    ): Promise<Product> {
      return get(
        'catalog.getProduct',
        `/products/${seg(productId)}`,
        scopeQuery(scope),
        ProductSchema,
        options,
      );
    },

    async listSkus(
      productId: string,
      scope: Scope & { country: string },
      options: CallOptions = {},
    ): Promise<Sku[]> {
      const path = `/products/${seg(productId)}/skus`;
      return (await get('catalog.listSkus', path, scopeQuery(scope), SkuCollectionSchema, options)).items;
    },

    async getSku(
      productId: string,
      skuId: string,
      scope: Scope & { country: string },
      options: CallOptions = {},
    ) {
      const path = `/products/${seg(productId)}/skus/${seg(skuId)}`;
      return get('catalog.getSku', path, scopeQuery(scope), SkuSchema, options);
    },

    async listAvailabilities(
      productId: string,
      skuId: string,
      scope: Scope & { country: string },
      options: CallOptions = {},
    ): Promise<Availability[]> {
      const path = `/products/${seg(productId)}/skus/${seg(skuId)}/availabilities`;
      return (
        await get(
          'catalog.listAvailabilities',
          path,
          scopeQuery(scope),
          AvailabilityCollectionSchema,
          options,
        )
      ).items;
    },

    async getAvailability(
      productId: string,
      skuId: string,
      availabilityId: string,
      scope: { country: string },
      options: CallOptions = {},
    ): Promise<Availability> {
      const path = `/products/${seg(productId)}/skus/${seg(skuId)}/availabilities/${seg(availabilityId)}`;
      return get('catalog.getAvailability', path, { country: scope.country }, AvailabilitySchema, options);
    },

    /** Catalog as seen by one customer (country inferred from the customer). */
    async listCustomerProducts(
      customerId: string,
      criteria: { targetView: TargetView; targetSegment?: TargetSegment | undefined },
      options: CallOptions = {},
    ): Promise<CustomerCatalogItem[]> {
      const path = `/customers/${seg(customerId)}/products`;
      const query = { targetView: criteria.targetView, targetSegment: criteria.targetSegment };
      return (
        await get('catalog.listCustomerProducts', path, query, CustomerCatalogItemCollectionSchema, options)
      ).items;
    },

    async getCustomerProduct(
      customerId: string,
      productId: string,
      options: CallOptions = {},
    ): Promise<Product> {
      const path = `/customers/${seg(customerId)}/products/${seg(productId)}`;
      return get('catalog.getCustomerProduct', path, {}, ProductSchema, options);
    },

    async listCustomerSkus(customerId: string, productId: string, options: CallOptions = {}): Promise<Sku[]> {
      const path = `/customers/${seg(customerId)}/products/${seg(productId)}/skus`;
      return (await get('catalog.listCustomerSkus', path, {}, SkuCollectionSchema, options)).items;
    },

    async listCustomerAvailabilities(
      customerId: string,
      productId: string,
      skuId: string,
      options: CallOptions = {},
    ): Promise<Availability[]> {
      const path = `/customers/${seg(customerId)}/products/${seg(productId)}/skus/${seg(skuId)}/availabilities`;
      return (
        await get('catalog.listCustomerAvailabilities', path, {}, AvailabilityCollectionSchema, options)
      ).items;
    },

    /**
     * The Azure plan (DZH318Z0BPS6 / 0001) and its availabilities; the purchasable availability's
     * `catalogItemId` is what goes into the cart.
     */
    async azurePlan(
      scope: { country: string } | { customerId: string },
      options: CallOptions = {},
    ): Promise<{ product: Product; sku: Sku; availabilities: Availability[] }> {
      if ('customerId' in scope) {
        const [product, skus, availabilities] = await Promise.all([
          ops.getCustomerProduct(scope.customerId, AZURE_PLAN_PRODUCT_ID, options),
          ops.listCustomerSkus(scope.customerId, AZURE_PLAN_PRODUCT_ID, options),
          ops.listCustomerAvailabilities(scope.customerId, AZURE_PLAN_PRODUCT_ID, AZURE_PLAN_SKU_ID, options),
        ]);
        const sku = skus.find((s) => s.id === AZURE_PLAN_SKU_ID) ?? skus[0];
        if (!sku) throw new Error('Partner Center returned no SKU for the Azure plan.');
        return { product, sku, availabilities };
      }
      const [product, sku, availabilities] = await Promise.all([
        ops.getProduct(AZURE_PLAN_PRODUCT_ID, scope, options),
        ops.getSku(AZURE_PLAN_PRODUCT_ID, AZURE_PLAN_SKU_ID, scope, options),
        ops.listAvailabilities(AZURE_PLAN_PRODUCT_ID, AZURE_PLAN_SKU_ID, scope, options),
      ]);
      return { product, sku, availabilities };
    },

    /** Legacy (pre-NCE) offers of a market. */
    listOffers(
      criteria: { country: string; offerCategoryId?: string | undefined; size?: number | undefined },
      options: CallOptions = {},
    ): AsyncGenerator<Offer, void, undefined> {
      const correlationId = options.correlationId ?? t.newId();
      return flatten(
        paginateByOffset<Offer>(async (offset) => {
          const query = {
            country: criteria.country,
            offer_category_id: criteria.offerCategoryId,
            offset: offset === 0 && criteria.size === undefined ? undefined : offset,
            size: criteria.size,
          };
          return get('catalog.listOffers', '/offers', query, OfferCollectionSchema, {
            ...options,
            correlationId,
          });
        }),
      );
    },

    async getOffer(offerId: string, scope: { country: string }, options: CallOptions = {}): Promise<Offer> {
      return get(
        'catalog.getOffer',
        `/offers/${seg(offerId)}`,
        { country: scope.country },
        OfferSchema,
        options,
      );
    },

    async listOfferAddons(
      offerId: string,
      scope: { country: string },
      options: CallOptions = {},
    ): Promise<Offer[]> {
      const path = `/offers/${seg(offerId)}/addons`;
      return (
        await get('catalog.listOfferAddons', path, { country: scope.country }, OfferCollectionSchema, options)
      ).items;
    },

    async listOfferCategories(
      scope: { country: string },
      options: CallOptions = {},
    ): Promise<OfferCategory[]> {
      const query = { country: scope.country };
      return (
        await get(
          'catalog.listOfferCategories',
          '/offercategories',
          query,
          OfferCategoryCollectionSchema,
          options,
        )
      ).items;
    },

    /** Address rules of a country (required state, postal code pattern…), for validating customer input. */
    async getCountryValidationRules(
      country: string,
      options: CallOptions = {},
    ): Promise<CountryValidationRules> {
      const path = `/countryvalidationrules/${seg(country)}`;
      return get('catalog.countryValidationRules', path, {}, CountryValidationRulesSchema, options);
    },

    /** Legacy Azure (MS-AZR-0145P) rate card; `shared` = partner shared services. */
    async getAzureRateCard(
      criteria: {
        currency?: string | undefined;
        region?: string | undefined;
        shared?: boolean | undefined;
      } = {},
      options: CallOptions = {},
    ): Promise<AzureRateCard> {
      const path = criteria.shared ? '/ratecards/azure-shared' : '/ratecards/azure';
      return get(
        'catalog.azureRateCard',
        path,
        { currency: criteria.currency, region: criteria.region },
        AzureRateCardSchema,
        options,
      );
    },

    /**
     * Streams a price sheet (`api.partner.microsoft.com/v1.0/sales/pricesheets(...)/$value`; App+User token).
     * `timeline`/`month` select historical sheets [UNVERIFIED query syntax, passed through as given].
     */
    async downloadPriceSheet(
      criteria: {
        market: string;
        view: PriceSheetView;
        timeline?: string | undefined;
        month?: string | undefined;
      },
      options: CallOptions = {},
    ): Promise<PriceSheetDownload> {
      const market = criteria.market.replace(/'/g, "''");
      const view = criteria.view.replace(/'/g, "''");
      const response = await t.send({
        api: 'price-sheet',
        operation: 'catalog.priceSheet',
        method: 'GET',
        path: `/sales/pricesheets(Market='${encodeURIComponent(market)}',PricesheetView='${encodeURIComponent(view)}')/$value`,
        query: { timeline: criteria.timeline, month: criteria.month },
        accept: 'text/csv, application/zip, application/octet-stream, */*',
        responseType: 'stream',
        ...options,
      });
      const contentType = response.headers.get('content-type') ?? '';
      const zipped =
        /zip/i.test(contentType) || /\.zip\b/i.test(response.headers.get('content-disposition') ?? '');
      const stream = response.stream as unknown as AsyncIterable<Uint8Array>;
      // Recognised by the archive signature, whatever the headers declare.
      const text = () => decodeText(maybeUnzip(stream));
      return {
        contentType,
        zipped,
        bytes: () => stream,
        text,
        rows: () => priceSheetRows(text()),
      };
    },
  };
  return ops;
}

async function* priceSheetRows(text: AsyncIterable<string>): AsyncGenerator<PriceSheetRow, void, undefined> {
  let header: string[] | undefined;
  for await (const record of csvRecords(text)) {
    if (record.length === 1 && record[0] === '') continue;
    if (!header) {
      header = record.map((name) => name.trim());
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, index) => {
      row[name] = record[index] ?? '';
    });
    yield parseWith(PriceSheetRowSchema, row, 'catalog.priceSheet.row');
  }
}

export type CatalogOperations = ReturnType<typeof catalogOperations>;
