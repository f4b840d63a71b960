import { Money } from '@cspc/core';
import type { Kysely } from 'kysely';
import { SYSTEM_ACTOR } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { addDays } from '../../partner-center/emulator/dates.ts';
import {
  type DailyRatedUsageRow,
  dayRows,
  entitlementProfile,
  exchangeRate,
  reconCsvBuffers,
  type UsageEntitlementContext,
  usageDay,
} from '../../partner-center/emulator/usage-generator.ts';
import { type ImportUsageResult, importUsageCsv } from './import-usage.ts';
import type { UsageTarget } from './session.ts';

/**
 * Daily rated usage for customers we know, generated with the emulator's usage generator (the same
 * meters, prices, PEC and exchange rates the emulator serves). Used by the demo seed and by tests.
 */

export interface UsageCustomer {
  tenantId: string;
  name: string;
  domain?: string;
  country: string;
  /** Microsoft bills the partner for this customer in this currency. */
  billingCurrency: string;
  /** Azure subscriptions (entitlements) under the customer's Azure plan. */
  azureSubscriptions?: number;
  /** The Azure plan's Partner Center subscription id (else one derived from the tenant id). */
  planSubscriptionId?: string;
  /** The plan's Azure subscriptions as Partner Center lists them (else `azureSubscriptions` made up). */
  entitlements?: readonly { id: string; name: string }[];
  /**
   * Generate the very usage (resources, quantities, amounts) that this tenant id and name gave, under
   * the ids above: the demo keeps its figures when the customers get their real tenants.
   */
  usageOf?: { tenantId: string; name: string };
}

/**
 * One day of one customer whose usage jumps (a demo spike: a batch job, a mistake): every line of
 * that customer-day is multiplied by a whole factor chosen so that the day's cost is at least
 * `over` times the larger of the two days before it.
 */
export interface UsageSpike {
  tenantId: string;
  /** YYYY-MM-DD */
  date: string;
  over: number;
}

export interface UsageRowsOptions {
  seed?: number;
  customers: readonly UsageCustomer[];
  /** First usage day, YYYY-MM-DD. */
  from: string;
  days: number;
  /** Lines of billed periods carry the invoice number; unbilled ones none. */
  invoiceNumber?: string;
  partner?: { id: string; name: string; mpnId: string };
  spikes?: readonly UsageSpike[];
  /** Daily cost per tenant of the last two days generated (share it to carry spikes over calls). */
  recentTotals?: Map<string, Money[]>;
}

function guidFrom(seed: string): string {
  let h = 0x811c9dc5;
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) {
    for (const ch of `${seed}#${i}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    bytes.push(h & 0xff);
  }
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function* usageRows(options: UsageRowsOptions): Generator<DailyRatedUsageRow> {
  const seed = options.seed ?? 1;
  const partner = options.partner ?? {
    id: guidFrom('demo-partner'),
    name: 'Demo Distributor',
    mpnId: '1234567',
  };
  const customers = options.customers.map((customer) => {
    const plan = customer.planSubscriptionId ?? guidFrom(`plan:${customer.tenantId}`);
    const entitlements =
      customer.entitlements ??
      Array.from({ length: customer.azureSubscriptions ?? 1 }, (_, i) => ({
        id: guidFrom(`entitlement:${customer.tenantId}:${i}`),
        name: i === 0 ? 'Production' : `Azure subscription ${i + 1}`,
      }));
    const profiles = entitlements.map((entitlement, i) => {
      const ctx: UsageEntitlementContext = {
        partnerId: partner.id,
        partnerName: partner.name,
        mpnId: partner.mpnId,
        resellerMpnId: '',
        customerId: customer.tenantId,
        customerName: customer.name,
        customerDomainName: customer.domain ?? '',
        customerCountry: customer.country,
        subscriptionId: plan,
        subscriptionDescription: 'Microsoft Azure plan',
        entitlementId: entitlement.id,
        entitlementDescription: entitlement.name,
        billingCurrency: customer.billingCurrency,
      };
      if (!customer.usageOf) return entitlementProfile(seed, ctx);
      const madeUp = guidFrom(`entitlement:${customer.usageOf.tenantId}:${i}`);
      const profile = entitlementProfile(seed, {
        ...ctx,
        entitlementId: madeUp,
        customerName: customer.usageOf.name,
      });
      const resources = profile.resources.map((r) => ({
        ...r,
        resourceUri: r.resourceUri.replace(madeUp, entitlement.id),
        seg: undefined,
      }));
      return { ...profile, ctx, resources };
    });
    return { customer, profiles };
  });
  // Each customer's daily cost of the last two days, for spikes (kept across calls by the caller).
  const recent = options.recentTotals ?? new Map<string, Money[]>();
  const out: DailyRatedUsageRow[] = [];
  for (let d = 0; d < options.days; d++) {
    const date = addDays(options.from, d);
    const day = usageDay(date);
    for (const { customer, profiles } of customers) {
      out.length = 0;
      const currency = customer.billingCurrency;
      const fx = exchangeRate(seed, currency, date);
      for (const profile of profiles) dayRows(seed, profile, day, fx, options.invoiceNumber ?? '', out);
      const key = customer.tenantId.toLowerCase();
      let total = Money.sum(
        out.map((r) => Money.of(r.billingPreTaxTotal, currency)),
        currency,
      );
      const spike = options.spikes?.find((s) => s.date === date && s.tenantId.toLowerCase() === key);
      const before = recent.get(key) ?? [];
      if (spike && total.isPositive()) {
        const basis = before.reduce((a, b) => Money.max(a, b), Money.zero(currency));
        const needed = Math.ceil(Number(basis.times(spike.over).dividedBy(total.toString()).toString()));
        const factor = Math.max(2, needed);
        for (const row of out) scaleRow(row, factor);
        total = total.times(factor);
      }
      recent.set(key, [...before.slice(-1), total]);
      yield* out;
    }
  }
}

/** Multiplies a line's quantity and amounts exactly (prices stay as they are). */
function scaleRow(row: DailyRatedUsageRow, factor: number): void {
  const times = (value: string, currency: string) =>
    value === '' ? value : Money.of(value, currency).times(factor).toString();
  row.quantity = times(row.quantity, row.billingCurrency);
  row.billingPreTaxTotal = times(row.billingPreTaxTotal, row.billingCurrency);
  row.pricingPreTaxTotal = times(row.pricingPreTaxTotal, row.pricingCurrency || row.billingCurrency);
}

/** The rows as Microsoft's reconciliation CSV bytes (52 columns, or 55 with the benefit columns). */
export async function* usageCsv(
  rows: Iterable<DailyRatedUsageRow>,
  options: { benefitColumns?: boolean } = {},
): AsyncGenerator<Buffer> {
  for (const buffer of reconCsvBuffers(rows, { benefitColumns: options.benefitColumns ?? false })) {
    yield buffer;
  }
}

/**
 * Three months of rated Azure usage for the demo customers that have Azure plans — the two closed
 * months billed (with an invoice number), the current month to yesterday unbilled — through the
 * real import, in one file.
 */
export async function seedDemoUsage(
  target: UsageTarget | Kysely<Database>,
  input: {
    providerId: string;
    customers: readonly UsageCustomer[];
    today: string;
    seed?: number;
    spikes?: readonly UsageSpike[];
    /** Stored with the import's request (e.g. what the customers were taken from). */
    request?: Record<string, unknown>;
  },
): Promise<ImportUsageResult> {
  const start = new Date(`${input.today.slice(0, 7)}-01T00:00:00Z`);
  start.setUTCMonth(start.getUTCMonth() - 2);
  const months: { from: string; days: number; invoice: string | undefined }[] = [];
  for (let m = 0; m < 3; m++) {
    const from = new Date(start);
    from.setUTCMonth(from.getUTCMonth() + m);
    const next = new Date(from);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const end = m === 2 ? new Date(`${input.today}T00:00:00Z`) : next;
    const days = Math.round((end.getTime() - from.getTime()) / 86_400_000);
    const iso = from.toISOString().slice(0, 10);
    months.push({ from: iso, days, invoice: m < 2 ? `G${iso.slice(0, 7).replace('-', '')}01` : undefined });
  }
  const recentTotals = new Map<string, Money[]>();
  function* rows(): Generator<DailyRatedUsageRow> {
    for (const month of months) {
      if (month.days <= 0) continue;
      yield* usageRows({
        seed: input.seed ?? 1,
        customers: input.customers,
        from: month.from,
        days: month.days,
        ...(month.invoice ? { invoiceNumber: month.invoice } : {}),
        ...(input.spikes ? { spikes: input.spikes, recentTotals } : {}),
      });
    }
  }
  return importUsageCsv(target, usageCsv(rows()), {
    providerId: input.providerId,
    channel: 'demo',
    fileName: 'demo-usage.csv',
    request: { kind: 'demo', from: months[0]!.from, to: input.today, ...input.request },
    actor: SYSTEM_ACTOR,
  });
}

/**
 * The demo's spike: Customer A (Contoso Japan) yesterday, at least three times the larger of the two
 * days before (alerts, #8, build on it; docs/usage.md).
 */
export const DEMO_SPIKE_CUSTOMER = {
  organization: 'Customer A (Contoso Japan)',
  tenantName: 'Contoso Japan',
};

export function demoUsageSpike(tenantId: string, today: string): UsageSpike {
  return { tenantId, date: addDays(today, -1), over: 3 };
}
