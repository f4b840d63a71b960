import { Money } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  csvRecords,
  type Invoice,
  type PartnerCenterClient,
  UsageExportRowSchema,
} from '../../packages/server/src/partner-center/index.ts';
import {
  admin,
  bootEmulator,
  COVERAGE,
  clientFor,
  collectAll,
  customerInput,
  expectCovered,
  opKey,
  printSummary,
  Recorder,
  sumExact,
} from './client-emulator-support.ts';

// Billing through the real client: invoices after a month end, licence reconciliation, daily rated usage
// over many seek pages, the Graph async exports streamed row by row, and the emulator's reconciliation CSV.
// All three usage sources must agree to the cent, summed as exact decimals.

let emu: RunningEmulator;
let pc: PartnerCenterClient;
const recorder = new Recorder();
let customerId: string;
let licenceId: string;
let planId: string;
let entitlementIds: string[];
let usd: Invoice;

const key = (what: string) => ({ operationKey: opKey(what) });

/** The emulator's daily rated usage reconciliation CSV, one record per row keyed by the header. */
async function reconCsv(query: string): Promise<{ rows: Record<string, string>[] }> {
  const text = await admin(emu, 'GET', `/billing/daily-rated-usage.csv?${query}`);
  const records = await collectAll(
    csvRecords(
      (async function* () {
        yield text as string;
      })(),
    ),
  );
  const [header, ...body] = records.filter((r) => !(r.length === 1 && r[0] === ''));
  return { rows: body.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? '']))) };
}

/** Exact sum of decimal quantities (six places at most in usage), without floats. */
function sumQuantities(values: ReadonlyArray<string | undefined>): string {
  const scale = 8;
  let total = 0n;
  for (const v of values) {
    const [int = '0', frac = ''] = (v ?? '0').split('.');
    total += BigInt(int + frac.padEnd(scale, '0'));
  }
  const digits = total.toString().padStart(scale + 1, '0');
  return `${digits.slice(0, -scale)}.${digits.slice(-scale)}`.replace(/0+$/, '').replace(/\.$/, '');
}

beforeAll(async () => {
  emu = await bootEmulator(7505, '2025-01-15T09:00:00Z');
  pc = clientFor(emu, { recorder }).client;
  customerId = (await pc.customers.create(customerInput('billco', 'Billco, "Azure" Inc.'), key('customer')))
    .id;
  const [basic] = await pc.catalog.listAvailabilities('CFQ7TTC0LH18', '0001', { country: 'US' });
  const cart = await pc.orders.createCart(
    customerId,
    {
      lineItems: [
        { catalogItemId: basic!.catalogItemId!, quantity: 10, termDuration: 'P1Y', billingCycle: 'monthly' },
        { catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' },
      ],
    },
    key('cart'),
  );
  const result = await pc.orders.checkoutCart(customerId, cart.id, key('checkout'));
  licenceId = result.orders[0]!.lineItems[0]!.subscriptionId!;
  planId = result.orders[1]!.lineItems[0]!.subscriptionId!;
  await admin(emu, 'POST', `/customers/${customerId}/subscriptions/${planId}/azure-entitlements`, {
    friendlyName: 'Production',
  });
  entitlementIds = (await pc.subscriptions.listAzureEntitlements(customerId, planId)).map((e) => e.id);

  // A Japanese customer makes a second billing currency.
  const jp = await admin(emu, 'POST', '/customers/northwindtraders.onmicrosoft.com/accept-relationship');
  const jpCart = await pc.orders.createCart(
    jp.id,
    {
      lineItems: [{ catalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', quantity: 1, billingCycle: 'one_time' }],
    },
    key('cart'),
  );
  await pc.orders.checkoutCart(jp.id, jpCart.id, key('checkout'));

  // Past the January month end and the invoice day (6th): January is invoiced.
  const clock = await admin(emu, 'POST', '/clock', { set: '2025-02-10T08:00:00Z' });
  expect(clock.report.invoices).toHaveLength(2);
  const licence = await pc.subscriptions.get(customerId, licenceId);
  await pc.subscriptions.setQuantity(customerId, licence, 12, key('qty'));
});

afterAll(async () => {
  if (emu) await printSummary('billing', recorder, emu);
  await emu?.close();
});

describe('client ↔ emulator: invoices', () => {
  it('lists, reads and summarises the invoices of January', async () => {
    const pagesBefore = recorder.pages;
    const invoices = await collectAll(pc.billing.listInvoices({ size: 1 }));
    expect(recorder.pages - pagesBefore).toBe(2);
    expect(invoices.map((i) => i.currencyCode).sort()).toEqual(['JPY', 'USD']);
    usd = invoices.find((i) => i.currencyCode === 'USD')!;
    expect(usd).toMatchObject({
      invoiceDate: '2025-02-06T00:00:00.000Z',
      billingPeriodStartDate: '2025-01-01T00:00:00Z',
      billingPeriodEndDate: '2025-01-31T00:00:00Z',
      paidAmount: '0',
      currencySymbol: '$',
      documentType: 'invoice',
      invoiceType: 'one_time',
      pdfDownloadLink: '',
    });
    const one = await pc.billing.getInvoice(usd.id);
    expect(one).toMatchObject({ id: usd.id, totalCharges: usd.totalCharges });
    expect(one.pdfDownloadLink).toBe(`/invoices/${usd.id}/documents/statement`);
    expect(one.invoiceDetails?.map((d) => [d.invoiceLineItemType, d.billingProvider])).toEqual([
      ['billing_line_items', 'one_time'],
      ['usage_line_items', 'one_time'],
    ]);

    const summary = await pc.billing.getInvoiceSummary();
    expect(summary).toMatchObject({
      balanceAmount: Money.of(usd.totalCharges!, 'USD').toFixed(),
      currencyCode: 'USD',
      accountingDate: '2025-02-10T00:00:00',
      latestInvoiceDate: '2025-02-06T00:00:00',
    });
    const summaries = await pc.billing.listInvoiceSummaries();
    expect(summaries.map((s) => s.currencyCode)).toEqual(['JPY', 'USD']);
  });

  it('reconciles the licence lines and usage to the invoice total exactly', async () => {
    const lines = await collectAll(pc.billing.oneTimeLineItems(usd.id));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      customerId,
      customerName: 'Billco, "Azure" Inc.',
      invoiceNumber: usd.id,
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      chargeType: 'new',
      unitPrice: '5.1',
      effectiveUnitPrice: '5.1',
      quantity: '10',
      subtotal: '51',
      billableQuantity: '10',
      currency: 'USD',
      subscriptionId: licenceId,
      subscriptionStartDate: '2025-01-15T00:00:00Z',
      subscriptionEndDate: '2026-01-14T00:00:00Z',
      chargeStartDate: '2025-01-15T00:00:00Z',
      chargeEndDate: '2025-02-14T00:00:00Z',
      termAndBillingCycle: 'One-Year commitment for monthly/yearly billing',
      billingFrequency: 'Monthly',
      billingProvider: 'one_time',
    });
    const generic = await collectAll(
      pc.billing.invoiceLineItems(usd.id, { provider: 'onetime', type: 'billinglineitems' }),
    );
    expect(generic).toEqual(lines);
    const recon = await collectAll(pc.billing.billedReconciliationRows({ invoiceId: usd.id }));
    expect(
      recon.map((r) => [r.InvoiceNumber, r.ChargeType, r.Quantity, r.Subtotal, r.SubscriptionId]),
    ).toEqual([[usd.id, 'new', '10', '51', licenceId]]);

    const usage = await collectAll(
      pc.billing.dailyRatedUsageLineItems(usd.id, { currencyCode: 'USD', period: 'current', size: 25 }),
    );
    const licences = sumExact(
      lines.map((l) => l.subtotal),
      'USD',
    );
    const consumption = sumExact(
      usage.map((u) => u.billingPreTaxTotal),
      'USD',
    );
    expect(licences.plus(consumption).equals(Money.of(usd.totalCharges!, 'USD'))).toBe(true);
  });

  it('answers the legacy providers with empty collections', async () => {
    expect(await collectAll(pc.billing.licenseBasedLineItems(usd.id))).toEqual([]);
    expect(await collectAll(pc.billing.usageBasedLineItems(usd.id))).toEqual([]);
    expect(await collectAll(pc.billing.dailyUsageLineItems(usd.id))).toEqual([]);
  });

  it('shows the mid-month seat increase as unbilled refund-and-recharge lines', async () => {
    const unbilled = await collectAll(
      pc.billing.unbilledOneTimeLineItems({ currencyCode: 'USD', period: 'current' }),
    );
    expect(
      unbilled.map((l) => [
        l.chargeType,
        l.quantity,
        l.effectiveUnitPrice,
        l.subtotal,
        l.chargeStartDate,
        l.invoiceNumber,
      ]),
    ).toEqual([
      // 5.10 × 5/31 days left of the 01-15…02-14 period = 0.822581; subtotal = ROUNDDOWN(price, 2) × seats.
      ['addQuantity', '10', '-0.822581', '-8.2', '2025-02-10T00:00:00Z', ''],
      ['addQuantity', '12', '0.822581', '9.84', '2025-02-10T00:00:00Z', ''],
    ]);
    expect(unbilled[0]?.referenceId).toBe(unbilled[1]?.referenceId);
    const previous = await collectAll(
      pc.billing.unbilledOneTimeLineItems({ currencyCode: 'USD', period: 'previous' }),
    );
    expect(previous).toEqual([]);
  });
});

describe('client ↔ emulator: daily rated usage from three sources', () => {
  it('agrees exactly for the billed invoice: seek-paged line items, Graph export, CSV', async () => {
    const pagesBefore = recorder.pages;
    const paged = await collectAll(
      pc.billing.dailyRatedUsageLineItems(usd.id, { currencyCode: 'USD', period: 'current', size: 25 }),
    );
    const pages = recorder.pages - pagesBefore;
    expect(pages).toBe(Math.ceil(paged.length / 25));
    expect(pages).toBeGreaterThan(5);
    expect(new Set(paged.map((u) => u.invoiceNumber))).toEqual(new Set([usd.id]));
    expect(new Set(paged.map((u) => u.entitlementId))).toEqual(new Set(entitlementIds));
    const dates = [...new Set(paged.map((u) => u.usageDate))].sort();
    expect(dates).toEqual(
      Array.from({ length: 17 }, (_, d) => `2025-01-${String(d + 15).padStart(2, '0')}T00:00:00Z`),
    );

    const exported = await collectAll(pc.billing.billedUsageRows({ invoiceId: usd.id }));
    const csv = await reconCsv(`invoiceId=${usd.id}`);
    expect(exported).toHaveLength(paged.length);
    expect(csv.rows).toHaveLength(paged.length);

    const fromPages = sumExact(
      paged.map((u) => u.billingPreTaxTotal),
      'USD',
    );
    const fromExport = sumExact(
      exported.map((r) => r.BillingPreTaxTotal ?? undefined),
      'USD',
    );
    const fromCsv = sumExact(
      csv.rows.map((r) => r.BillingPreTaxTotal),
      'USD',
    );
    expect(fromPages.isPositive()).toBe(true);
    expect(fromExport.equals(fromPages)).toBe(true);
    expect(fromCsv.equals(fromPages)).toBe(true);
    // Row for row too: same resources, days and amounts.
    const rowKey = (
      e: string | null | undefined,
      d: string | null | undefined,
      r: string | null | undefined,
      t: string | null | undefined,
    ) => [e, d, r, t].join('|');
    const pagedKeys = paged
      .map((u) => rowKey(u.entitlementId, u.usageDate, u.resourceUri, u.billingPreTaxTotal))
      .sort();
    expect(
      exported.map((r) => rowKey(r.EntitlementId, r.UsageDate, r.ResourceURI, r.BillingPreTaxTotal)).sort(),
    ).toEqual(pagedKeys);
    expect(
      csv.rows.map((r) => rowKey(r.EntitlementId, r.UsageDate, r.ResourceURI, r.BillingPreTaxTotal)).sort(),
    ).toEqual(pagedKeys);
  });

  it('agrees exactly for the open period: unbilled line items, Graph export, CSV', async () => {
    const pagesBefore = recorder.pages;
    const paged = await collectAll(
      pc.billing.unbilledDailyRatedUsageLineItems({ currencyCode: 'USD', period: 'current', size: 25 }),
    );
    expect(recorder.pages - pagesBefore).toBe(Math.ceil(paged.length / 25));
    expect(new Set(paged.map((u) => u.invoiceNumber))).toEqual(new Set(['']));
    expect([...new Set(paged.map((u) => u.usageDate))].sort()).toEqual(
      Array.from({ length: 9 }, (_, d) => `2025-02-0${d + 1}T00:00:00Z`),
    );
    const exported = await collectAll(
      pc.billing.unbilledUsageRows({ currencyCode: 'USD', billingPeriod: 'current' }),
    );
    const csv = await reconCsv('period=current&currencyCode=USD');
    expect(exported).toHaveLength(paged.length);
    expect(csv.rows).toHaveLength(paged.length);
    const fromPages = sumExact(
      paged.map((u) => u.billingPreTaxTotal),
      'USD',
    );
    expect(
      sumExact(
        exported.map((r) => r.BillingPreTaxTotal ?? undefined),
        'USD',
      ).equals(fromPages),
    ).toBe(true);
    expect(
      sumExact(
        csv.rows.map((r) => r.BillingPreTaxTotal),
        'USD',
      ).equals(fromPages),
    ).toBe(true);
    expect(fromPages.isPositive()).toBe(true);

    // January, the last period, was invoiced on February 6th: Graph has no unbilled data left for it.
    const last = await collectAll(
      pc.billing.unbilledUsageRows({ currencyCode: 'USD', billingPeriod: 'last' }, { emptyWhenNoData: true }),
    );
    expect(last).toEqual([]);
  });

  it('drives an export step by step and reads the basic attribute set', async () => {
    const operation = await pc.billing.startExport('billed-usage', {
      invoiceId: usd.id,
      attributeSet: 'basic',
    });
    expect(operation).toMatch(
      new RegExp(`^${emu.url}/graph/v1\\.0/reports/partners/billing/operations/[0-9a-f-]{36}$`),
    );
    const done = await pc.billing.waitForExport(operation, { pollIntervalMs: 50 });
    expect(done.status).toBe('succeeded');
    const manifest = await pc.billing.getExportManifest(
      done['resourceLocation@odata.navigationLink'] as string,
    );
    expect(manifest).toMatchObject({ schemaVersion: '1', dataFormat: 'compressedJSON', blobCount: 1 });
    const rows = await collectAll(pc.billing.manifestRows(manifest, UsageExportRowSchema));
    const full = await collectAll(pc.billing.billedUsageRows({ invoiceId: usd.id }));
    expect(rows).toHaveLength(full.length);
    expect(Object.keys(rows[0]!)).toHaveLength(30);
    expect(
      sumExact(
        rows.map((r) => r.BillingPreTaxTotal ?? undefined),
        'USD',
      ).equals(
        sumExact(
          full.map((r) => r.BillingPreTaxTotal ?? undefined),
          'USD',
        ),
      ),
    ).toBe(true);

    const viaRun = await pc.billing.runExport('unbilled-usage', {
      currencyCode: 'JPY',
      attributeSet: 'full',
      billingPeriod: 'current',
    });
    expect(viaRun?.rootDirectory).toContain('/Currency=JPY/Fragment=full/');
    const none = await pc.billing.runExport(
      'billed-usage',
      { invoiceId: 'G999999999', attributeSet: 'full' },
      { emptyWhenNoData: true },
    );
    expect(none).toBeUndefined();
  });

  it('pages Azure utilization of one Azure subscription and matches the billed quantities', async () => {
    const [entitlement] = entitlementIds;
    const pagesBefore = recorder.pages;
    const records = await collectAll(
      pc.billing.azureUtilization(customerId, entitlement!, {
        startTime: '2025-01-15T00:00:00Z',
        endTime: '2025-02-01T00:00:00Z',
        size: 20,
      }),
    );
    expect(recorder.pages - pagesBefore).toBe(Math.ceil(records.length / 20));
    expect(records.length).toBeGreaterThan(20);
    const csv = await reconCsv(`invoiceId=${usd.id}`);
    const billed = csv.rows.filter((r) => r.EntitlementId === entitlement);
    expect(records).toHaveLength(billed.length);
    expect(sumQuantities(records.map((r) => r.quantity))).toBe(sumQuantities(billed.map((r) => r.Quantity)));
  });

  it('ran every billing operation', () => {
    expectCovered(recorder, COVERAGE.billing);
  });
});
