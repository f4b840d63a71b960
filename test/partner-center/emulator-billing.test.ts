import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';

// Billing over raw HTTP: the same daily rated usage must come out identically through seek-paged
// line items, the CSV download and the Graph async export; licence recon lines follow the
// subscription history with exact prorated amounts.

let emu: RunningEmulator;
let customerId: string;
let licenceSubId: string;
let jpCustomerId: string;

interface Res {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test payloads are inspected structurally
  json: any;
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Res> {
  const h: Record<string, string> = { Authorization: 'Bearer t', Accept: 'application/json', ...headers };
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const url = path.startsWith('http') ? path : `${emu.url}${path}`;
  const res = await fetch(url, {
    method,
    headers: h,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Decimal string → BigInt units at `scale` (exact; no floats). */
function units(value: string, scale: number): bigint {
  const neg = value.startsWith('-');
  const [int, frac = ''] = value.replace('-', '').split('.');
  if (frac.length > scale) throw new Error(`${value} has more than ${scale} decimals`);
  const v = BigInt(int + frac.padEnd(scale, '0'));
  return neg ? -v : v;
}

function rawNumbers(text: string, key: string): string[] {
  const re = new RegExp(`"${key}":(-?\\d+(?:\\.\\d+)?)`, 'g');
  return [...text.matchAll(re)].map((m) => m[1] as string);
}

function sumCents(values: string[]): bigint {
  return values.reduce((acc, v) => acc + units(v, 2), 0n);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Follows Microsoft's seek paging: `links.next` + MS-ContinuationToken header until no next link. */
async function allPages(firstPath: string): Promise<{ pages: Res[]; texts: string[] }> {
  const pages: Res[] = [];
  let res = await call('GET', firstPath);
  pages.push(res);
  for (let guard = 0; res.json.links?.next && guard < 200; guard++) {
    const next = res.json.links.next;
    const headers = Object.fromEntries(
      next.headers.map((h: { key: string; value: string }) => [h.key, h.value]),
    );
    res = await call('GET', `/v1${next.uri}`, undefined, headers);
    expect(res.status).toBe(200);
    pages.push(res);
  }
  return { pages, texts: pages.map((p) => p.text) };
}

async function runExport(
  path: string,
  body: Record<string, unknown>,
): Promise<{ lines: string[]; manifest: Res }> {
  const started = await call('POST', `/graph/v1.0/reports/partners/billing/${path}`, body);
  expect(started.status).toBe(202);
  const location = started.headers.get('location') as string;
  expect(location).toMatch(
    new RegExp(`^${emu.url}/graph/v1\\.0/reports/partners/billing/operations/[0-9a-f-]{36}$`),
  );
  const running = await call('GET', location);
  expect(running.json).toMatchObject({
    '@odata.type': '#microsoft.graph.partners.billing.runningOperation',
    status: 'running',
  });
  expect(running.headers.get('retry-after')).toBe('1');
  const done = await call('GET', location);
  expect(done.json['@odata.type']).toBe('#microsoft.graph.partners.billing.exportSuccessOperation');
  expect(done.json.status).toBe('succeeded');
  const manifest = await call('GET', done.json['resourceLocation@odata.navigationLink']);
  expect(manifest.status).toBe(200);
  const lines: string[] = [];
  for (const blob of manifest.json.blobs) {
    const res = await fetch(`${manifest.json.rootDirectory}/${blob.name}?${manifest.json.sasToken}`);
    expect(res.status).toBe(200);
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    lines.push(...text.split('\n').filter((l) => l !== ''));
  }
  return { lines, manifest };
}

beforeAll(async () => {
  emu = await startEmulator({ seed: 99, now: '2025-03-10T08:00:00Z' });
  const customer = await call('POST', '/v1/customers', {
    CompanyProfile: { Domain: 'billco.onmicrosoft.com' },
    BillingProfile: {
      Culture: 'en-US',
      Email: 'ap@billco.example',
      Language: 'en',
      CompanyName: 'Billco, "Azure" Inc.',
      DefaultAddress: {
        FirstName: 'A',
        LastName: 'P',
        AddressLine1: '1 Main St',
        City: 'Seattle',
        State: 'WA',
        PostalCode: '98101',
        Country: 'US',
      },
    },
  });
  customerId = customer.json.id;
  const avail = await call('GET', '/v1/products/CFQ7TTC0LH18/skus/0001/availabilities?country=US');
  const cart = await call('POST', `/v1/customers/${customerId}/carts`, {
    LineItems: [
      { CatalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', Quantity: 1, BillingCycle: 'one_time' },
      {
        CatalogItemId: avail.json.items[0].catalogItemId,
        Quantity: 10,
        TermDuration: 'P1Y',
        BillingCycle: 'Monthly',
      },
    ],
  });
  expect(cart.json.lineItems.map((l: { orderGroup: string }) => l.orderGroup)).toEqual(['0', '1']);
  const out = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`);
  expect(out.json.orders).toHaveLength(2);
  const planId = out.json.orders[0].lineItems[0].subscriptionId;
  licenceSubId = out.json.orders[1].lineItems[0].subscriptionId;
  const added = await call(
    'POST',
    `/_emulator/customers/${customerId}/subscriptions/${planId}/azure-entitlements`,
    {
      friendlyName: 'Production',
    },
  );
  expect(added.status).toBe(201);

  const jp = await call('POST', '/v1/customers', {
    CompanyProfile: { Domain: 'kabushiki.onmicrosoft.com' },
    BillingProfile: {
      Culture: 'ja-JP',
      Email: 'keiri@kabushiki.example',
      Language: 'ja',
      CompanyName: 'Kabushiki Kaisha Test',
      DefaultAddress: {
        FirstName: 'T',
        LastName: 'Y',
        AddressLine1: '1-1',
        City: 'Tokyo',
        PostalCode: '100-0005',
        Country: 'JP',
      },
    },
  });
  jpCustomerId = jp.json.id;
  const jpCart = await call('POST', `/v1/customers/${jpCustomerId}/carts`, {
    LineItems: [{ CatalogItemId: 'DZH318Z0BPS6:0001:DZH318Z0BML6', Quantity: 1, BillingCycle: 'one_time' }],
  });
  expect(jpCart.json.lineItems[0].currencyCode).toBe('JPY');
  await call('POST', `/v1/customers/${jpCustomerId}/carts/${jpCart.json.id}/checkout`);

  const clock = await call('POST', '/_emulator/clock', { set: '2025-04-20T08:00:00Z' });
  expect(clock.json.report.invoices).toHaveLength(2);
});

afterAll(async () => {
  await emu?.close();
});

describe('Partner Center emulator: invoices and licence reconciliation', () => {
  it('issues the March invoice on the invoice day with the purchase as a "new" line', async () => {
    const list = await call('GET', '/v1/invoices?size=10');
    expect(list.json.totalCount).toBe(2);
    const usd = list.json.items.find((i: { currencyCode: string }) => i.currencyCode === 'USD');
    expect(usd).toMatchObject({
      invoiceDate: '2025-04-06T00:00:00.000Z',
      billingPeriodStartDate: '2025-03-01T00:00:00Z',
      billingPeriodEndDate: '2025-03-31T00:00:00Z',
      currencySymbol: '$',
      documentType: 'invoice',
      invoiceType: 'OneTime',
      attributes: { objectType: 'Invoice' },
    });
    const one = await call('GET', `/v1/invoices/${usd.id}`);
    expect(one.json.pdfDownloadLink).toBe(`/invoices/${usd.id}/documents/statement`);

    const lines = await call(
      'GET',
      `/v1/invoices/${usd.id}/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&size=100`,
    );
    expect(lines.json.items).toHaveLength(1);
    expect(lines.json.items[0]).toMatchObject({
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
      subscriptionId: licenceSubId,
      subscriptionStartDate: '2025-03-10T00:00:00Z',
      subscriptionEndDate: '2026-03-09T00:00:00Z',
      chargeStartDate: '2025-03-10T00:00:00Z',
      chargeEndDate: '2025-04-09T00:00:00Z',
      termAndBillingCycle: 'One-Year commitment for monthly/yearly billing',
      billingFrequency: 'Monthly',
      invoiceLineItemType: 'billing_line_items',
      billingProvider: 'one_time',
      attributes: { objectType: 'OneTimeInvoiceLineItem' },
    });
    const usage = await allPages(
      `/v1/invoices/${usd.id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&size=200`,
    );
    const usageCents = sumCents(usage.texts.flatMap((t) => rawNumbers(t, 'billingPreTaxTotal')));
    const total = rawNumbers(one.text, 'totalCharges')[0] as string;
    expect(units(total, 2)).toBe(usageCents + 5100n);

    const recon = await runExport('reconciliation/billed/export', {
      invoiceId: usd.id,
      attributeSet: 'full',
    });
    expect(recon.lines).toHaveLength(1);
    const record = JSON.parse(recon.lines[0] as string);
    expect(record).toMatchObject({
      InvoiceNumber: usd.id,
      ChargeType: 'new',
      Subtotal: 51,
      Quantity: 10,
      SubscriptionId: licenceSubId,
    });
    expect(Object.keys(record)).toHaveLength(46);
  });

  it('bills monthly cycles and prorates seat changes with refund-and-recharge lines', async () => {
    const base =
      '/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=billinglineitems&currencycode=USD&period=current';
    const before = await call('GET', base);
    expect(
      before.json.items.map((l: Record<string, string>) => [
        l.chargeType,
        l.quantity,
        l.subtotal,
        l.chargeStartDate,
        l.chargeEndDate,
      ]),
    ).toEqual([['cycleCharge', '10', '51', '2025-04-10T00:00:00Z', '2025-05-09T00:00:00Z']]);
    expect(before.json.items[0].invoiceNumber).toBe('');

    const path = `/v1/customers/${customerId}/subscriptions/${licenceSubId}`;
    const sub = (await call('GET', path)).json;
    expect((await call('PATCH', path, { ...sub, quantity: 13 })).status).toBe(200);
    const down = await call('PATCH', path, { ...(await call('GET', path)).json, quantity: 11 });
    expect(down.status).toBe(200);
    expect(down.json.refundableQuantity.totalQuantity).toBe(1);

    const after = await call('GET', base);
    expect(
      after.json.items.map((l: Record<string, string>) => [
        l.chargeType,
        l.quantity,
        l.effectiveUnitPrice,
        l.subtotal,
        l.chargeStartDate,
      ]),
    ).toEqual([
      ['cycleCharge', '10', '5.1', '51', '2025-04-10T00:00:00Z'],
      ['addQuantity', '10', '-3.4', '-34', '2025-04-20T00:00:00Z'],
      ['addQuantity', '13', '3.4', '44.2', '2025-04-20T00:00:00Z'],
      ['removeQuantity', '13', '-3.4', '-44.2', '2025-04-20T00:00:00Z'],
      ['removeQuantity', '11', '3.4', '37.4', '2025-04-20T00:00:00Z'],
    ]);
    const [, refund, charge] = after.json.items;
    expect(refund.referenceId).toBe(charge.referenceId);
    const previous = await call('GET', base.replace('period=current', 'period=previous'));
    expect(previous.json.totalCount).toBe(0);
  });
});

describe('Partner Center emulator: daily rated usage', () => {
  it('returns the same unbilled usage through seek paging, the CSV download and the Graph export', async () => {
    const first =
      '/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=40';
    const { pages, texts } = await allPages(first);
    expect(pages.length).toBeGreaterThan(3);
    expect(pages[0]?.json.totalCount).toBe(40);
    expect(pages[0]?.json.links.self).toEqual({
      uri: '/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=40',
      method: 'GET',
      headers: [],
    });
    expect(pages[0]?.json.links.next.uri).toBe(
      '/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=USD&period=current&size=40&seekOperation=Next',
    );
    expect(pages[0]?.json.links.next.headers).toEqual([{ key: 'MS-ContinuationToken', value: 'KAAAAA==' }]);
    expect(pages.at(-1)?.json.links.next).toBeUndefined();
    const items = pages.flatMap((p) => p.json.items);
    const item = items[0];
    expect(Object.keys(item)).toEqual([
      'partnerId',
      'partnerName',
      'customerId',
      'customerName',
      'customerDomainName',
      'invoiceNumber',
      'productId',
      'skuId',
      'availabilityId',
      'skuName',
      'productName',
      'publisherName',
      'publisherId',
      'subscriptionId',
      'subscriptionDescription',
      'chargeStartDate',
      'chargeEndDate',
      'usageDate',
      'meterType',
      'meterCategory',
      'meterId',
      'meterSubCategory',
      'meterName',
      'meterRegion',
      'unitOfMeasure',
      'resourceLocation',
      'consumedService',
      'resourceGroup',
      'resourceUri',
      'tags',
      'additionalInfo',
      'serviceInfo1',
      'serviceInfo2',
      'customerCountry',
      'mpnId',
      'resellerMpnId',
      'chargeType',
      'unitPrice',
      'quantity',
      'unitType',
      'billingPreTaxTotal',
      'billingCurrency',
      'pricingPreTaxTotal',
      'pricingCurrency',
      'entitlementId',
      'entitlementDescription',
      'pcToBCExchangeRate',
      'pcToBCExchangeRateDate',
      'effectiveUnitPrice',
      'rateOfPartnerEarnedCredit',
      'hasPartnerEarnedCredit',
      'rateOfCredit',
      'creditType',
      'invoiceLineItemType',
      'billingProvider',
      'attributes',
    ]);
    expect(item).toMatchObject({
      customerId,
      invoiceNumber: '',
      chargeStartDate: '2025-04-01T00:00:00Z',
      chargeEndDate: '2025-05-01T00:00:00Z',
      billingCurrency: 'USD',
      pricingCurrency: 'USD',
      pcToBCExchangeRate: 1,
      chargeType: 'new',
      invoiceLineItemType: 'usage_line_items',
      billingProvider: 'marketplace',
      attributes: { objectType: 'DailyRatedUsageLineItem' },
    });
    const usageDates = new Set(items.map((i: { usageDate: string }) => i.usageDate));
    expect([...usageDates].sort()).toEqual(
      Array.from({ length: 19 }, (_, d) => `2025-04-${String(d + 1).padStart(2, '0')}T00:00:00Z`),
    );
    expect(new Set(items.map((i: { entitlementDescription: string }) => i.entitlementDescription))).toEqual(
      new Set(['Azure subscription 1', 'Production']),
    );
    expect(
      items.some((i: { rateOfPartnerEarnedCredit: number }) => i.rateOfPartnerEarnedCredit === 0.15),
    ).toBe(true);
    const pagedCents = sumCents(texts.flatMap((t) => rawNumbers(t, 'billingPreTaxTotal')));
    expect(pagedCents > 0n).toBe(true);

    const csvRes = await fetch(
      `${emu.url}/_emulator/billing/daily-rated-usage.csv?period=current&currencyCode=USD`,
    );
    expect(csvRes.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = parseCsv(await csvRes.text());
    const header = csv[0] as string[];
    expect(header).toHaveLength(52);
    expect(header).toEqual([
      'PartnerId',
      'PartnerName',
      'CustomerId',
      'CustomerName',
      'CustomerDomainName',
      'CustomerCountry',
      'MpnId',
      'Tier2MpnId',
      'InvoiceNumber',
      'ProductId',
      'SkuId',
      'AvailabilityId',
      'SkuName',
      'ProductName',
      'PublisherName',
      'PublisherId',
      'SubscriptionDescription',
      'SubscriptionId',
      'ChargeStartDate',
      'ChargeEndDate',
      'UsageDate',
      'MeterType',
      'MeterCategory',
      'MeterId',
      'MeterSubCategory',
      'MeterName',
      'MeterRegion',
      'Unit',
      'ResourceLocation',
      'ConsumedService',
      'ResourceGroup',
      'ResourceURI',
      'ChargeType',
      'UnitPrice',
      'Quantity',
      'UnitType',
      'BillingPreTaxTotal',
      'BillingCurrency',
      'PricingPreTaxTotal',
      'PricingCurrency',
      'ServiceInfo1',
      'ServiceInfo2',
      'Tags',
      'AdditionalInfo',
      'EffectiveUnitPrice',
      'PCToBCExchangeRate',
      'PCToBCExchangeRateDate',
      'EntitlementId',
      'EntitlementDescription',
      'PartnerEarnedCreditPercentage',
      'CreditPercentage',
      'CreditType',
    ]);
    const body = csv.slice(1);
    expect(body).toHaveLength(items.length);
    const col = (name: string) => header.indexOf(name);
    expect(body[0]?.[col('CustomerName')]).toBe('Billco, "Azure" Inc.');
    const csvCents = sumCents(body.map((r) => r[col('BillingPreTaxTotal')] as string));
    expect(csvCents).toBe(pagedCents);
    for (const r of body) {
      const eup = units(r[col('EffectiveUnitPrice')] as string, 8);
      const qty = units(r[col('Quantity')] as string, 6);
      expect(units(r[col('PricingPreTaxTotal')] as string, 14)).toBe(eup * qty);
      expect(units(r[col('BillingPreTaxTotal')] as string, 2)).toBe((eup * qty) / 10n ** 12n);
      expect(['0', '15']).toContain(r[col('PartnerEarnedCreditPercentage')]);
    }
    const keys = (rows: string[][]) =>
      rows.map((r) => [r[col('EntitlementId')], r[col('UsageDate')], r[col('ResourceURI')]].join('|')).sort();
    expect(keys(body)).toEqual(
      items
        .map((i: Record<string, string>) => [i.entitlementId, i.usageDate, i.resourceUri].join('|'))
        .sort(),
    );

    const graph = await runExport('usage/unbilled/export', {
      currencyCode: 'USD',
      attributeSet: 'full',
      billingPeriod: 'current',
    });
    expect(graph.manifest.json).toMatchObject({
      schemaVersion: '1',
      dataFormat: 'compressedJSON',
      partnerTenantId: emu.state.partner.tenantId,
      partitionType: 'Default',
      blobCount: 1,
    });
    expect(graph.manifest.json.rootDirectory).toBe(
      `${emu.url}/blobs/unbilledusagefastpath/v1/PartnerTenantId=${emu.state.partner.tenantId}/BillingMonth=202504/Currency=USD/Fragment=full/PartitionType=default`,
    );
    expect(graph.manifest.json.blobs[0]).toEqual({
      name: expect.stringMatching(/^part-00000-[0-9a-f-]{36}\.c000\.json\.gz$/),
      partitionValue: 'default',
    });
    expect(graph.lines).toHaveLength(items.length);
    expect(sumCents(graph.lines.flatMap((l) => rawNumbers(l, 'BillingPreTaxTotal')))).toBe(pagedCents);
    expect(Object.keys(JSON.parse(graph.lines[0] as string))).toHaveLength(54);

    const basic = await runExport('usage/unbilled/export', {
      currencyCode: 'USD',
      attributeSet: 'basic',
      billingPeriod: 'current',
    });
    expect(Object.keys(JSON.parse(basic.lines[0] as string))).toHaveLength(30);
    const noSas = await fetch(`${basic.manifest.json.rootDirectory}/${basic.manifest.json.blobs[0].name}`);
    expect(noSas.status).toBe(403);
  });

  it('returns billed usage for an invoice identically through paging, CSV and export', async () => {
    const usd = (await call('GET', '/v1/invoices')).json.items.find(
      (i: { currencyCode: string }) => i.currencyCode === 'USD',
    );
    const { texts, pages } = await allPages(
      `/v1/invoices/${usd.id}/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&size=150`,
    );
    const items = pages.flatMap((p) => p.json.items);
    expect(new Set(items.map((i: { invoiceNumber: string }) => i.invoiceNumber))).toEqual(new Set([usd.id]));
    expect(new Set(items.map((i: { chargeStartDate: string }) => i.chargeStartDate))).toEqual(
      new Set(['2025-03-01T00:00:00Z']),
    );
    const pagedCents = sumCents(texts.flatMap((t) => rawNumbers(t, 'billingPreTaxTotal')));
    const csvText = await (
      await fetch(`${emu.url}/_emulator/billing/daily-rated-usage.csv?invoiceId=${usd.id}`)
    ).text();
    const csv = parseCsv(csvText);
    const col = (csv[0] as string[]).indexOf('BillingPreTaxTotal');
    expect(csv.length - 1).toBe(items.length);
    expect(sumCents(csv.slice(1).map((r) => r[col] as string))).toBe(pagedCents);
    const graph = await runExport('usage/billed/export', { invoiceId: usd.id, attributeSet: 'full' });
    expect(graph.lines).toHaveLength(items.length);
    expect(sumCents(graph.lines.flatMap((l) => rawNumbers(l, 'BillingPreTaxTotal')))).toBe(pagedCents);

    const missing = await call('POST', '/graph/v1.0/reports/partners/billing/usage/billed/export', {
      invoiceId: 'G999999999',
    });
    const location = missing.headers.get('location') as string;
    await call('GET', location);
    const failed = await call('GET', location);
    expect(failed.json).toMatchObject({
      '@odata.type': '#microsoft.graph.partners.billing.failedOperation',
      status: 'failed',
      error: { message: 'No data available', code: '5000' },
    });
  });

  it('converts USD usage to yen with the monthly rate and FLOOR to cents', async () => {
    const { pages } = await allPages(
      '/v1/invoices/unbilled/lineitems?provider=onetime&invoicelineitemtype=usagelineitems&currencycode=JPY&period=current&size=2000',
    );
    const csv = parseCsv(
      await (
        await fetch(`${emu.url}/_emulator/billing/daily-rated-usage.csv?period=current&currencyCode=JPY`)
      ).text(),
    );
    const header = csv[0] as string[];
    const col = (name: string) => header.indexOf(name);
    expect(csv.length - 1).toBe(pages.flatMap((p) => p.json.items).length);
    const rates = new Set(csv.slice(1).map((r) => r[col('PCToBCExchangeRate')]));
    expect(rates.size).toBe(1);
    const rate = [...rates][0] as string;
    expect(rate).toMatch(/^1[45]\d\.\d{1,4}$/);
    for (const r of csv.slice(1)) {
      expect(r[col('BillingCurrency')]).toBe('JPY');
      expect(r[col('PricingCurrency')]).toBe('USD');
      expect(r[col('CustomerId')]).toBe(jpCustomerId);
      const pricing = units(r[col('PricingPreTaxTotal')] as string, 14);
      expect(units(r[col('BillingPreTaxTotal')] as string, 2)).toBe((pricing * units(rate, 4)) / 10n ** 16n);
    }
  });
});

describe('Partner Center emulator: price sheet', () => {
  const sheet = (market: string, query = '') =>
    fetch(
      `${emu.url}/pricesheets/v1.0/sales/pricesheets(Market='${market}',PricesheetView='updatedlicensebased')/$value${query}`,
      {
        headers: { Authorization: 'Bearer t' },
      },
    ).then(async (r) => ({
      status: r.status,
      type: r.headers.get('content-type'),
      rows: parseCsv(await r.text()),
    }));

  function row(rows: string[][], productId: string, term: string, plan: string): Record<string, string> {
    const header = rows[0] as string[];
    const found = rows.find((r) => r[1] === productId && r[7] === term && r[8] === plan);
    if (!found) throw new Error(`no row ${productId} ${term} ${plan}`);
    return Object.fromEntries(header.map((h, i) => [h, found[i] as string]));
  }

  it('serves the licence-based price sheet and reflects admin price changes from their effective date', async () => {
    const now = await sheet('US');
    expect(now.status).toBe(200);
    expect(now.type).toBe('text/csv; charset=utf-8');
    expect(now.rows[0]).toEqual([
      'ProductTitle',
      'ProductId',
      'SkuId',
      'SkuTitle',
      'Publisher',
      'SkuDescription',
      'UnitOfMeasure',
      'TermDuration',
      'BillingPlan',
      'Market',
      'Currency',
      'UnitPrice',
      'PricingTierRangeMin',
      'PricingTierRangeMax',
      'EffectiveStartDate',
      'EffectiveEndDate',
      'Tags',
      'ERP Price',
      'Segment',
    ]);
    expect(row(now.rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly')).toMatchObject({
      SkuTitle: 'Microsoft 365 Business Basic',
      Market: 'US',
      Currency: 'USD',
      UnitPrice: '5.10',
      'ERP Price': '6.00',
      EffectiveStartDate: '2025-04-01T00:00:00Z',
      EffectiveEndDate: '2025-04-30T23:59:59.9999999Z',
      Segment: 'Commercial',
    });
    expect(row(now.rows, 'CFQ7TTC0LH18', 'P1Y', 'Annual')).toMatchObject({
      UnitPrice: '61.20',
      'ERP Price': '72.00',
    });
    expect(row(now.rows, 'CFQ7TTC0LH18', 'P1M', 'Monthly')).toMatchObject({
      UnitPrice: '6.12',
      'ERP Price': '7.20',
    });
    expect(row((await sheet('JP')).rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly')).toMatchObject({
      Currency: 'JPY',
      UnitPrice: '765',
      'ERP Price': '900',
    });

    const change = await call('POST', '/_emulator/catalog/price-change', {
      productId: 'CFQ7TTC0LH18',
      skuId: '0001',
      currency: 'USD',
      newUnitPrice: '5.61',
      effectiveDate: '2025-05-01',
    });
    expect(change.status).toBe(201);
    expect(change.json).toMatchObject({ unitPrice: '5.61', erpPrice: '6.60', effectiveDate: '2025-05-01' });
    expect(row((await sheet('US')).rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly').UnitPrice).toBe('5.10');
    const may = await sheet('US', '?month=202505');
    expect(row(may.rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly')).toMatchObject({
      UnitPrice: '5.61',
      'ERP Price': '6.60',
      EffectiveStartDate: '2025-05-01T00:00:00Z',
    });
    expect(row(may.rows, 'CFQ7TTC0LH18', 'P1Y', 'Annual')).toMatchObject({
      UnitPrice: '67.32',
      'ERP Price': '79.20',
    });
    const history = await sheet('US', '?timeline=history&month=202503');
    expect(row(history.rows, 'CFQ7TTC0LH18', 'P1Y', 'Monthly').UnitPrice).toBe('5.10');
  });
});
