import { Readable } from 'node:stream';
import { Money } from '@cspc/core';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import type { DatabaseHandle } from '../../packages/server/src/db/database.ts';
import { fieldForColumn, type UsageFieldKey } from '../../packages/server/src/modules/usage/columns.ts';
import {
  type UsageCustomer,
  usageCsv,
  usageRows,
} from '../../packages/server/src/modules/usage/demo-usage.ts';
import {
  type ImportUsageOptions,
  importUsageCsv,
} from '../../packages/server/src/modules/usage/import-usage.ts';
import { fractionToPercent } from '../../packages/server/src/modules/usage/records-to-csv.ts';
import type { DailyRatedUsageRow } from '../../packages/server/src/partner-center/emulator/usage-generator.ts';

/** The demo customers (seed/demo.ts) as Microsoft knows them. */
export const CUSTOMERS = {
  a: {
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e01',
    name: 'Contoso Japan',
    country: 'JP',
    billingCurrency: 'JPY',
    azureSubscriptions: 2,
  },
  b: {
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e02',
    name: 'Fabrikam KK',
    country: 'JP',
    billingCurrency: 'JPY',
  },
  c: {
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e03',
    name: 'Northwind GmbH',
    country: 'DE',
    billingCurrency: 'EUR',
  },
  d: {
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e04',
    name: 'Tailspin Osaka',
    country: 'JP',
    billingCurrency: 'JPY',
  },
} satisfies Record<string, UsageCustomer>;

export const ALL_CUSTOMERS: UsageCustomer[] = Object.values(CUSTOMERS);

export function rowsFor(customers: UsageCustomer[], from: string, days: number, invoiceNumber?: string) {
  return [...usageRows({ customers, from, days, seed: 3, ...(invoiceNumber ? { invoiceNumber } : {}) })];
}

/** CSV text of rows in the emulator's recon layout (52 columns, or 55 with benefit columns). */
export async function csvText(rows: DailyRatedUsageRow[], benefitColumns = false): Promise<string> {
  const parts: Buffer[] = [];
  for await (const b of usageCsv(rows, { benefitColumns })) parts.push(Buffer.from(b));
  return Buffer.concat(parts).toString('utf8');
}

const ROW_PROPERTY: Partial<Record<UsageFieldKey, keyof DailyRatedUsageRow>> = {
  customer_tenant: 'customerId',
  customer_domain: 'customerDomainName',
  tier2_mpn_id: 'resellerMpnId',
  unit: 'unitOfMeasure',
  resource_uri: 'resourceUri',
  exchange_rate: 'pcToBCExchangeRate',
  exchange_rate_date: 'pcToBCExchangeRateDate',
  pec_percent: 'rateOfPartnerEarnedCredit',
  credit_percent: 'rateOfCredit',
  service_info1: 'serviceInfo1',
  service_info2: 'serviceInfo2',
};

function cellOf(row: DailyRatedUsageRow, column: string, usDates: boolean): string {
  const field = fieldForColumn(column);
  if (!field) return '';
  const property =
    ROW_PROPERTY[field] ??
    (field.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) as keyof DailyRatedUsageRow);
  let value = String(row[property] ?? '');
  if (field === 'pec_percent' || field === 'credit_percent') value = fractionToPercent(value);
  if (usDates && /date$/.test(field) && /^\d{4}-\d{2}-\d{2}/.test(value)) {
    const [y, m, d] = value.slice(0, 10).split('-').map(Number);
    value = `${m}/${d}/${y} 12:00:00 AM`;
  }
  return value;
}

/** Rows as CSV with any header (Microsoft's column sets differ by channel). */
export function csvWith(
  rows: DailyRatedUsageRow[],
  columns: string[],
  options: { usDates?: boolean } = {},
): string {
  const esc = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const lines = [columns.join(',')];
  for (const row of rows)
    lines.push(columns.map((c) => esc(cellOf(row, c, options.usDates ?? false))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Microsoft's v2 sample model order (API.md §6.4.4): 52 columns, no Tier2MpnId / percentages. */
export const SAMPLE_MODEL_COLUMNS =
  'PartnerId,PartnerName,CustomerId,CustomerName,CustomerDomainName,CustomerCountry,MpnId,InvoiceNumber,ProductId,SkuId,AvailabilityId,SkuName,ProductName,PublisherName,PublisherId,SubscriptionDescription,SubscriptionId,ChargeStartDate,ChargeEndDate,UsageDate,MeterType,MeterCategory,MeterId,MeterSubCategory,MeterName,MeterRegion,Unit,ResourceLocation,ConsumedService,ResourceGroup,ResourceURI,ChargeType,UnitPrice,Quantity,UnitType,BillingPreTaxTotal,BillingCurrency,PricingPreTaxTotal,PricingCurrency,ServiceInfo1,ServiceInfo2,AdditionalInfo,Tags,EffectiveUnitPrice,PCToBCExchangeRate,PCToBCExchangeRateDate,EntitlementId,EntitlementDescription,CreditType,BenefitId,BenefitOrderId,BenefitType'.split(
    ',',
  );

/** The Graph export's `basic` attribute set (30 attributes, no meter or resource group columns). */
export const GRAPH_BASIC_COLUMNS =
  'AdditionalInfo,BenefitOrderID,BenefitType,BillingCurrency,BillingPreTaxTotal,ChargeEndDate,ChargeStartDate,ChargeType,CreditPercentage,CreditType,CustomerId,CustomerName,EffectiveUnitPrice,EntitlementId,InvoiceNumber,PartnerId,PartnerName,PCToBCExchangeRate,PricingCurrency,PricingPreTaxTotal,ProductId,PublisherName,Quantity,ResourceURI,SkuId,SkuName,SubscriptionId,UnitPrice,UnitType,UsageDate'.split(
    ',',
  );

export function bytes(text: string, chunk = 7919): AsyncIterable<Buffer> {
  const all = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < all.length; i += chunk) parts.push(all.subarray(i, i + chunk));
  return Readable.from(parts);
}

export function importText(
  database: DatabaseHandle,
  providerId: string,
  text: string,
  options: Partial<ImportUsageOptions> = {},
) {
  return importUsageCsv(database, bytes(text), {
    providerId,
    channel: 'file',
    fileName: 'test.csv',
    actor: SYSTEM_ACTOR,
    ...options,
  });
}

/** Exact sum of decimal strings. */
export function sum(values: string[], currency = 'JPY'): string {
  return Money.sum(
    values.map((v) => Money.of(v, currency)),
    currency,
  ).toString();
}

export interface Stored {
  lines: number;
  cost: string;
  sale: string;
  days: number;
}

/** What is stored for [from, to). */
export async function stored(database: DatabaseHandle, from: string, to: string): Promise<Stored> {
  const lines = await sql<{ n: string | number; cost: string | null; sale: string | null }>`
    SELECT count(*) AS n, trim_scale(sum(cost))::text AS cost, trim_scale(sum(sale))::text AS sale
    FROM usage_lines WHERE usage_date >= ${from} AND usage_date < ${to}`.execute(database.db);
  const days = await sql<{ n: string | number }>`
    SELECT count(*) AS n FROM usage_customer_days WHERE usage_date >= ${from} AND usage_date < ${to}`.execute(
    database.db,
  );
  const row = lines.rows[0]!;
  return {
    lines: Number(row.n),
    cost: row.cost ?? '0',
    sale: row.sale ?? '0',
    days: Number(days.rows[0]!.n),
  };
}
