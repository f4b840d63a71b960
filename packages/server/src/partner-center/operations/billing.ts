import type { z } from 'zod';
import {
  type ExportKind,
  type ExportPollOptions,
  getManifest,
  graphUrl,
  manifestRows,
  startExport,
  waitForExport,
} from '../exports.ts';
import { flatten, paginateByOffset, paginateBySeek } from '../paging.ts';
import {
  type AzureUtilizationRecord,
  AzureUtilizationRecordSchema,
  type DailyRatedUsageLineItem,
  DailyRatedUsageLineItemSchema,
  type DailyUsageLineItem,
  DailyUsageLineItemSchema,
  type Invoice,
  InvoiceCollectionSchema,
  type InvoiceLineItem,
  InvoiceSchema,
  type InvoiceSummary,
  InvoiceSummaryCollectionSchema,
  InvoiceSummarySchema,
  type LicenseBasedLineItem,
  LicenseBasedLineItemSchema,
  type OneTimeInvoiceLineItem,
  OneTimeInvoiceLineItemSchema,
  type UsageBasedLineItem,
  UsageBasedLineItemSchema,
} from '../schemas/billing.ts';
import { collectionOf } from '../schemas/common.ts';
import {
  type Manifest,
  type ReconciliationExportRow,
  ReconciliationExportRowSchema,
  type UsageExportRow,
  UsageExportRowSchema,
} from '../schemas/graph.ts';
import type { QueryValue } from '../transport.ts';
import { type CallOptions, type OperationContext, seg } from './context.ts';

export type LineItemProvider = 'office' | 'azure' | 'onetime';
export type LineItemType = 'billinglineitems' | 'usagelineitems';
export type BillingPeriod = 'current' | 'previous';
export type AttributeSet = 'full' | 'basic';

interface LineItemQuery {
  provider: LineItemProvider;
  type: LineItemType;
  currencyCode?: string | undefined;
  period?: BillingPeriod | undefined;
  size?: number | undefined;
}

export interface ExportRowOptions extends ExportPollOptions {
  /** Turn Graph's "No data available" (code 5000) into an empty result instead of an error. */
  emptyWhenNoData?: boolean | undefined;
}

export function billingOperations(ctx: OperationContext) {
  const t = ctx.transport;

  /** Legacy providers page by offset. */
  function offsetLineItems<S extends z.ZodType>(
    invoiceId: string,
    query: LineItemQuery,
    schema: S,
    options: CallOptions,
  ): AsyncGenerator<z.output<S>, void, undefined> {
    const correlationId = options.correlationId ?? t.newId();
    const size = query.size ?? 2000;
    const collection = collectionOf(schema);
    return flatten(
      paginateByOffset(async (offset) => {
        const { data } = await t.json(
          {
            api: 'partner-center',
            operation: `billing.lineItems.${query.provider}.${query.type}`,
            method: 'GET',
            path: `/invoices/${seg(invoiceId)}/lineitems`,
            query: { provider: query.provider, invoicelineitemtype: query.type, size, offset },
            correlationId,
            signal: options.signal,
          },
          collection,
        );
        return data as { items: z.output<S>[] };
      }),
    );
  }

  /** `onetime` (new commerce) pages by seek + MS-ContinuationToken; `invoiceId` may be `unbilled`. */
  function seekLineItems<S extends z.ZodType>(
    invoiceId: string,
    query: LineItemQuery,
    schema: S,
    options: CallOptions,
  ): AsyncGenerator<z.output<S>, void, undefined> {
    const correlationId = options.correlationId ?? t.newId();
    const collection = collectionOf(schema);
    const base: Record<string, QueryValue> = {
      provider: query.provider,
      invoicelineitemtype: query.type,
      currencycode: query.currencyCode,
      period: query.period,
      size: query.size ?? 2000,
    };
    return flatten(
      paginateBySeek(async (token) => {
        const { data } = await t.json(
          {
            api: 'partner-center',
            operation: `billing.lineItems.${query.provider}.${query.type}`,
            method: 'GET',
            path: `/invoices/${seg(invoiceId)}/lineitems`,
            query: token ? { ...base, seekoperation: 'Next' } : base,
            continuationToken: token,
            correlationId,
            signal: options.signal,
          },
          collection,
        );
        return data as { items: z.output<S>[] };
      }),
    );
  }

  async function* exportRows<S extends z.ZodType>(
    kind: ExportKind,
    body: Record<string, unknown>,
    schema: S,
    options: ExportRowOptions,
  ): AsyncGenerator<z.output<S>, void, undefined> {
    const manifest = await ops.runExport(kind, body, options);
    if (!manifest) return;
    yield* manifestRows(ctx, manifest, schema, { signal: options.signal });
  }

  const ops = {
    /** All invoices, newest first, offset-paged. */
    listInvoices(
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<Invoice, void, undefined> {
      const correlationId = options.correlationId ?? t.newId();
      const size = options.size ?? 200;
      return flatten(
        paginateByOffset(async (offset) => {
          const { data } = await t.json(
            {
              api: 'partner-center',
              operation: 'billing.listInvoices',
              method: 'GET',
              path: '/invoices',
              query: { size, offset },
              correlationId,
              signal: options.signal,
            },
            InvoiceCollectionSchema,
          );
          return data;
        }),
      );
    },

    async getInvoice(invoiceId: string, options: CallOptions = {}): Promise<Invoice> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'billing.getInvoice',
          method: 'GET',
          path: `/invoices/${seg(invoiceId)}`,
          ...options,
        },
        InvoiceSchema,
      );
      return data;
    },

    /** Current account balance (`/invoices/summary`). */
    async getInvoiceSummary(options: CallOptions = {}): Promise<InvoiceSummary> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'billing.invoiceSummary',
          method: 'GET',
          path: '/invoices/summary',
          ...options,
        },
        InvoiceSummarySchema,
      );
      return data;
    },

    /** Balance per currency (`/invoices/summaries`). */
    async listInvoiceSummaries(options: CallOptions = {}): Promise<InvoiceSummary[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'billing.invoiceSummaries',
          method: 'GET',
          path: '/invoices/summaries',
          ...options,
        },
        InvoiceSummaryCollectionSchema,
      );
      return data.items;
    },

    /** Legacy licence-based (Office) billing lines of an invoice. */
    licenseBasedLineItems(
      invoiceId: string,
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<LicenseBasedLineItem, void, undefined> {
      const query = { provider: 'office', type: 'billinglineitems', size: options.size } as const;
      return offsetLineItems(invoiceId, query, LicenseBasedLineItemSchema, options);
    },

    /** Legacy Azure (MS-AZR-0145P) billing lines. */
    usageBasedLineItems(
      invoiceId: string,
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<UsageBasedLineItem, void, undefined> {
      const query = { provider: 'azure', type: 'billinglineitems', size: options.size } as const;
      return offsetLineItems(invoiceId, query, UsageBasedLineItemSchema, options);
    },

    /** Legacy Azure daily usage lines. */
    dailyUsageLineItems(
      invoiceId: string,
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<DailyUsageLineItem, void, undefined> {
      const query = { provider: 'azure', type: 'usagelineitems', size: options.size } as const;
      return offsetLineItems(invoiceId, query, DailyUsageLineItemSchema, options);
    },

    /** New-commerce billed reconciliation lines (licences, Azure plan, RIs, software, SaaS). */
    oneTimeLineItems(
      invoiceId: string,
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<OneTimeInvoiceLineItem, void, undefined> {
      const query = { provider: 'onetime', type: 'billinglineitems', size: options.size } as const;
      return seekLineItems(invoiceId, query, OneTimeInvoiceLineItemSchema, options);
    },

    /** Billed daily rated usage (Azure plan consumption) of an invoice. */
    dailyRatedUsageLineItems(
      invoiceId: string,
      criteria: { currencyCode: string; period: BillingPeriod; size?: number | undefined },
      options: CallOptions = {},
    ): AsyncGenerator<DailyRatedUsageLineItem, void, undefined> {
      const query = { provider: 'onetime', type: 'usagelineitems', ...criteria } as const;
      return seekLineItems(invoiceId, query, DailyRatedUsageLineItemSchema, options);
    },

    /** Reconciliation lines of the open (`current`) or not yet invoiced (`previous`) period. */
    unbilledOneTimeLineItems(
      criteria: { currencyCode: string; period: BillingPeriod; size?: number | undefined },
      options: CallOptions = {},
    ): AsyncGenerator<OneTimeInvoiceLineItem, void, undefined> {
      const query = { provider: 'onetime', type: 'billinglineitems', ...criteria } as const;
      return seekLineItems('unbilled', query, OneTimeInvoiceLineItemSchema, options);
    },

    unbilledDailyRatedUsageLineItems(
      criteria: { currencyCode: string; period: BillingPeriod; size?: number | undefined },
      options: CallOptions = {},
    ): AsyncGenerator<DailyRatedUsageLineItem, void, undefined> {
      const query = { provider: 'onetime', type: 'usagelineitems', ...criteria } as const;
      return seekLineItems('unbilled', query, DailyRatedUsageLineItemSchema, options);
    },

    /** Any provider/type combination, typed as the union; prefer the specific methods above. */
    invoiceLineItems(
      invoiceId: string,
      query: LineItemQuery,
      options: CallOptions = {},
    ): AsyncGenerator<InvoiceLineItem, void, undefined> {
      if (query.provider === 'onetime') {
        const schema =
          query.type === 'usagelineitems' ? DailyRatedUsageLineItemSchema : OneTimeInvoiceLineItemSchema;
        return seekLineItems(invoiceId, query, schema, options);
      }
      const schema =
        query.provider === 'office'
          ? LicenseBasedLineItemSchema
          : query.type === 'usagelineitems'
            ? DailyUsageLineItemSchema
            : UsageBasedLineItemSchema;
      return offsetLineItems(invoiceId, query, schema, options);
    },

    /** Azure utilization records of a subscription (legacy Azure and Azure plan entitlements). */
    azureUtilization(
      customerId: string,
      subscriptionId: string,
      criteria: {
        startTime: string;
        endTime: string;
        granularity?: 'daily' | 'hourly' | undefined;
        showDetails?: boolean | undefined;
        size?: number | undefined;
      },
      options: CallOptions = {},
    ): AsyncGenerator<AzureUtilizationRecord, void, undefined> {
      const correlationId = options.correlationId ?? t.newId();
      const base: Record<string, QueryValue> = {
        start_time: criteria.startTime,
        end_time: criteria.endTime,
        granularity: criteria.granularity,
        show_details: criteria.showDetails,
        size: criteria.size,
      };
      const collection = collectionOf(AzureUtilizationRecordSchema);
      return flatten(
        paginateBySeek(async (token) => {
          const { data } = await t.json(
            {
              api: 'partner-center',
              operation: 'billing.azureUtilization',
              method: 'GET',
              path: `/customers/${seg(customerId)}/subscriptions/${seg(subscriptionId)}/utilizations/azure`,
              query: token ? { ...base, seek_operation: 'next' } : base,
              continuationToken: token,
              correlationId,
              signal: options.signal,
            },
            collection,
          );
          return data;
        }),
      );
    },

    /** Starts a Graph export; returns the operation URL to poll. */
    startExport(
      kind: ExportKind,
      body: Record<string, unknown>,
      options: CallOptions & { operationKey?: string | undefined } = {},
    ): Promise<string> {
      return startExport(ctx, kind, body, options);
    },

    waitForExport(operationUrl: string, options: ExportPollOptions = {}) {
      return waitForExport(ctx, operationUrl, options);
    },

    getExportManifest(manifestUrl: string, options: CallOptions = {}): Promise<Manifest> {
      return getManifest(ctx, manifestUrl, options.signal);
    },

    /** Export → poll → manifest. Undefined when Graph reports "No data available" and that was asked for. */
    async runExport(
      kind: ExportKind,
      body: Record<string, unknown>,
      options: ExportRowOptions = {},
    ): Promise<Manifest | undefined> {
      const operationUrl = await startExport(ctx, kind, body, { signal: options.signal });
      let operation: Awaited<ReturnType<typeof waitForExport>>;
      try {
        operation = await waitForExport(ctx, operationUrl, options);
      } catch (error) {
        if (options.emptyWhenNoData && String((error as { code?: unknown }).code) === '5000')
          return undefined;
        throw error;
      }
      const manifestLink = operation['resourceLocation@odata.navigationLink'];
      if (!manifestLink) throw new Error(`Export ${operation.id} succeeded without a manifest link.`);
      return getManifest(ctx, graphUrl(t, manifestLink), options.signal);
    },

    /** Billed daily rated usage of an invoice (Graph v2), streamed row by row. */
    billedUsageRows(
      criteria: { invoiceId: string; attributeSet?: AttributeSet | undefined },
      options: ExportRowOptions = {},
    ): AsyncGenerator<UsageExportRow, void, undefined> {
      const body = { invoiceId: criteria.invoiceId, attributeSet: criteria.attributeSet ?? 'full' };
      return exportRows('billed-usage', body, UsageExportRowSchema, options);
    },

    /** Unbilled daily rated usage (Graph v2), streamed row by row. */
    unbilledUsageRows(
      criteria: {
        currencyCode: string;
        billingPeriod: 'current' | 'last';
        attributeSet?: AttributeSet | undefined;
      },
      options: ExportRowOptions = {},
    ): AsyncGenerator<UsageExportRow, void, undefined> {
      const body = {
        currencyCode: criteria.currencyCode,
        attributeSet: criteria.attributeSet ?? 'full',
        billingPeriod: criteria.billingPeriod,
      };
      return exportRows('unbilled-usage', body, UsageExportRowSchema, options);
    },

    /** Billed invoice reconciliation (Graph v2), streamed row by row. */
    billedReconciliationRows(
      criteria: { invoiceId: string; attributeSet?: AttributeSet | undefined },
      options: ExportRowOptions = {},
    ): AsyncGenerator<ReconciliationExportRow, void, undefined> {
      const body = { invoiceId: criteria.invoiceId, attributeSet: criteria.attributeSet ?? 'full' };
      return exportRows('billed-reconciliation', body, ReconciliationExportRowSchema, options);
    },

    /** Rows of an already obtained manifest. */
    manifestRows<S extends z.ZodType>(manifest: Manifest, schema: S, options: CallOptions = {}) {
      return manifestRows(ctx, manifest, schema, { signal: options.signal });
    },
  };
  return ops;
}

export type BillingOperations = ReturnType<typeof billingOperations>;
