import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';

// Raw HTTP against the emulator, exactly as a Partner Center client would talk to it.

const START = '2025-01-15T09:00:00Z';
const running: RunningEmulator[] = [];

afterEach(async () => {
  while (running.length > 0) await running.pop()?.close();
});

interface Res {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: test payloads are inspected structurally
  json: any;
}

type Call = (
  method: string,
  path: string,
  opts?: { body?: unknown; headers?: Record<string, string>; auth?: boolean; signal?: AbortSignal },
) => Promise<Res>;

async function boot(
  opts: { now?: string; dataDir?: string; seed?: number } = {},
): Promise<{ emu: RunningEmulator; call: Call }> {
  const emu = await startEmulator({
    seed: opts.seed ?? 4242,
    now: opts.now ?? START,
    dataDir: opts.dataDir ?? null,
  });
  running.push(emu);
  const call: Call = async (method, path, o = {}) => {
    const headers: Record<string, string> = { Accept: 'application/json', ...o.headers };
    if (o.auth !== false) headers.Authorization = 'Bearer test-token';
    let body: string | undefined;
    if (o.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    }
    const res = await fetch(`${emu.url}${path}`, { method, headers, body, signal: o.signal });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return { emu, call };
}

function customerBody(domain: string, name: string, country = 'US') {
  return {
    CompanyProfile: { Domain: domain },
    BillingProfile: {
      Culture: country === 'JP' ? 'ja-JP' : 'en-US',
      Email: `billing@${domain}`,
      Language: country === 'JP' ? 'ja' : 'en',
      CompanyName: name,
      DefaultAddress:
        country === 'JP'
          ? {
              FirstName: 'Taro',
              LastName: 'Yamada',
              AddressLine1: '1-1 Marunouchi',
              City: 'Tokyo',
              PostalCode: '100-0005',
              Country: 'JP',
            }
          : {
              FirstName: 'Pat',
              LastName: 'Doe',
              AddressLine1: 'One Microsoft Way',
              City: 'Redmond',
              State: 'WA',
              PostalCode: '98052',
              Country: 'US',
            },
    },
  };
}

async function createCustomer(call: Call, prefix: string, name = prefix): Promise<string> {
  const res = await call('POST', '/v1/customers', { body: customerBody(`${prefix}.onmicrosoft.com`, name) });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function catalogItem(call: Call, productId: string, skuId: string): Promise<string> {
  const res = await call('GET', `/v1/products/${productId}/skus/${skuId}/availabilities?country=US`);
  expect(res.status).toBe(200);
  return res.json.items[0].catalogItemId as string;
}

async function buy(
  call: Call,
  customerId: string,
  catalogItemId: string,
  quantity: number,
  term: string | undefined,
  cycle: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const line: Record<string, unknown> = {
    CatalogItemId: catalogItemId,
    Quantity: quantity,
    BillingCycle: cycle,
    ...extra,
  };
  if (term) line.TermDuration = term;
  const cart = await call('POST', `/v1/customers/${customerId}/carts`, { body: { LineItems: [line] } });
  expect(cart.status).toBe(201);
  const out = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`);
  expect(out.status).toBe(201);
  return out.json.orders[0].lineItems[0].subscriptionId as string;
}

async function advance(call: Call, body: Record<string, unknown>) {
  const res = await call('POST', '/_emulator/clock', { body });
  expect(res.status).toBe(200);
  return res.json;
}

describe('Partner Center emulator: customers', () => {
  it('answers 401 with Microsoft error body when the bearer token is missing', async () => {
    const { call } = await boot();
    const res = await call('GET', '/v1/customers', { auth: false });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      code: 800001,
      description: 'Partner Token missing in request context',
      source: 'PartnerFD',
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('checks domain availability with HEAD: 200 in use, 404 available, empty body, echoed ids', async () => {
    const { call } = await boot();
    const headers = {
      'MS-RequestId': 'cf5b00d6-9240-431c-a973-cc06c904e5bf',
      'MS-CorrelationId': 'ec57501a-a4c3-45ee-ab2b-da4250545fc9',
    };
    const taken = await call('HEAD', '/v1/domains/fabrikamretail.onmicrosoft.com', { headers });
    expect(taken.status).toBe(200);
    expect(taken.text).toBe('');
    expect(taken.headers.get('content-length')).toBe('0');
    expect(taken.headers.get('ms-requestid')).toBe(headers['MS-RequestId']);
    expect(taken.headers.get('ms-correlationid')).toBe(headers['MS-CorrelationId']);
    const free = await call('HEAD', '/v1/domains/brandnew2025.onmicrosoft.com');
    expect(free.status).toBe(404);
    expect(free.text).toBe('');
  });

  it('creates a customer from a PascalCase, non-strict JSON body and rejects a duplicate domain', async () => {
    const { call } = await boot();
    const body = `{
      "CompanyProfile": { "Domain": "contosoemu.onmicrosoft.com", },
      "BillingProfile": {
        "Culture": "EN-US", "Email": "test@outlook.com", "Language": "en", "CompanyName": "Contoso Emu",
        "DefaultAddress": { "FirstName": "Test", "LastName": "Test", "AddressLine1": "One Microsoft Way",
          "City": "Redmond", "State": "WA", "PostalCode": "98052", "Country": "US", }
      }
    }`;
    const res = await call('POST', '/v1/customers', {
      body,
      headers: { 'MS-RequestId': '94e4e214-6b06-4fb7-96d1-94d559f9b47f' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('ms-requestid')).toBe('94e4e214-6b06-4fb7-96d1-94d559f9b47f');
    expect(Object.keys(res.json)).toEqual([
      'id',
      'commerceId',
      'companyProfile',
      'billingProfile',
      'relationshipToPartner',
      'userCredentials',
      'attributes',
    ]);
    const id = res.json.id;
    expect(res.json.companyProfile).toEqual({
      tenantId: id,
      domain: 'contosoemu.onmicrosoft.com',
      attributes: { objectType: 'CustomerCompanyProfile' },
    });
    expect(res.json.billingProfile).toMatchObject({
      email: 'test@outlook.com',
      culture: 'en-US',
      language: 'en',
      companyName: 'Contoso Emu',
      defaultAddress: {
        country: 'US',
        city: 'Redmond',
        state: 'WA',
        addressLine1: 'One Microsoft Way',
        postalCode: '98052',
        firstName: 'Test',
        lastName: 'Test',
        phoneNumber: '',
      },
    });
    expect(res.json.billingProfile.attributes.objectType).toBe('CustomerBillingProfile');
    expect(res.json.billingProfile.attributes.etag).toMatch(/^-?\d+$/);
    expect(res.json.relationshipToPartner).toBe('none');
    expect(res.json.userCredentials.userName).toBe('admin');
    expect(res.json.userCredentials.password).toHaveLength(10);
    expect(res.json.attributes).toEqual({ objectType: 'Customer' });

    expect((await call('HEAD', '/v1/domains/contosoemu.onmicrosoft.com')).status).toBe(200);
    const dup = await call('POST', '/v1/customers', { body });
    expect(dup.status).toBe(409);
    expect(dup.json).toMatchObject({ code: 600011, errorName: 'DomainAlreadyExists', source: 'PartnerFD' });

    const got = await call('GET', `/v1/customers/${id}`);
    expect(got.status).toBe(200);
    expect(got.json.relationshipToPartner).toBe('reseller');
    expect(got.json.allowDelegatedAccess).toBe(true);
    expect(got.json.customDomains).toEqual(['contosoemu.onmicrosoft.com']);
    expect(got.json.links.self.uri).toBe(`/customers/${id}`);

    const missing = await call('POST', '/v1/customers', {
      body: { CompanyProfile: { Domain: 'x1.onmicrosoft.com' } },
    });
    expect(missing.status).toBe(400);
    expect(missing.json.code).toBe(800002);
  });

  it('pages the customer list with MS-ContinuationToken and filters by name', async () => {
    const { call } = await boot();
    const created: string[] = [];
    for (let i = 0; i < 24; i++) created.push(await createCustomer(call, `pagingco${i}`, `PagingCo ${i}`));

    const first = await call('GET', '/v1/customers?size=10');
    expect(first.status).toBe(200);
    expect(first.json.totalCount).toBe(10);
    expect(first.json.items).toHaveLength(10);
    expect(first.json.items[0]).toEqual({
      id: created[0],
      companyProfile: {
        tenantId: created[0],
        domain: 'pagingco0.onmicrosoft.com',
        companyName: 'PagingCo 0',
        attributes: { objectType: 'CustomerCompanyProfile' },
      },
      relationshipToPartner: 'reseller',
      attributes: { objectType: 'Customer' },
    });
    expect(first.json.links.self).toEqual({ uri: '/v1/customers?size=10', method: 'GET', headers: [] });
    expect(first.json.links.next.uri).toBe('/v1/customers?size=10&seekOperation=next');
    expect(first.json.links.next.headers).toEqual([
      { key: 'MS-ContinuationToken', value: first.json.continuationToken },
    ]);
    expect(first.json.attributes).toEqual({ objectType: 'Collection' });

    const ids: string[] = first.json.items.map((c: { id: string }) => c.id);
    let page = first;
    const sizes = [10];
    for (let guard = 0; page.json.links.next && guard < 10; guard++) {
      const next = page.json.links.next;
      page = await call('GET', next.uri, { headers: { [next.headers[0].key]: next.headers[0].value } });
      expect(page.status).toBe(200);
      sizes.push(page.json.items.length);
      ids.push(...page.json.items.map((c: { id: string }) => c.id));
    }
    expect(sizes).toEqual([10, 10, 4]);
    expect(page.json.links.next).toBeUndefined();
    expect(page.json.continuationToken).toBeUndefined();
    expect(ids).toEqual(created);

    const filter = encodeURIComponent(
      JSON.stringify({ Field: 'CompanyName', Value: 'pagingco 1', Operator: 'starts_with' }),
    );
    const found = await call('GET', `/v1/customers?size=0&filter=${filter}`);
    expect(found.status).toBe(200);
    expect(
      found.json.items.map((c: { companyProfile: { companyName: string } }) => c.companyProfile.companyName),
    ).toEqual([
      'PagingCo 1',
      'PagingCo 10',
      'PagingCo 11',
      'PagingCo 12',
      'PagingCo 13',
      'PagingCo 14',
      'PagingCo 15',
      'PagingCo 16',
      'PagingCo 17',
      'PagingCo 18',
      'PagingCo 19',
    ]);
    const byDomain = encodeURIComponent(
      JSON.stringify({ Field: 'Domain', Value: 'PAGINGCO23', Operator: 'starts_with' }),
    );
    expect((await call('GET', `/v1/customers?size=0&filter=${byDomain}`)).json.items[0].id).toBe(created[23]);
  });

  it('links an existing tenant once the customer accepts the reseller relationship', async () => {
    const { emu, call } = await boot();
    const link = await call('GET', '/v1/customers/relationshiprequests');
    expect(link.json).toEqual({
      url: `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${emu.state.partner.tenantId}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`,
      attributes: { objectType: 'RelationshipRequest' },
    });
    const tenants = await call('GET', '/_emulator/tenants');
    const tenant = tenants.json.items.find(
      (t: { domain: string }) => t.domain === 'fabrikamretail.onmicrosoft.com',
    );
    const before = await call('GET', `/v1/customers/${tenant.id}`);
    expect(before.status).toBe(403);
    expect(before.json.code).toBe(20002);

    const accepted = await call('POST', `/_emulator/customers/${tenant.id}/accept-relationship`);
    expect(accepted.status).toBe(200);
    const after = await call('GET', `/v1/customers/${tenant.id}`);
    expect(after.status).toBe(200);
    expect(after.json.relationshipToPartner).toBe('reseller');
    expect(after.json.companyProfile.domain).toBe('fabrikamretail.onmicrosoft.com');
    expect((await call('GET', '/v1/customers')).json.items.map((c: { id: string }) => c.id)).toEqual([
      tenant.id,
    ]);
  });

  it('creates users and assigns licences up to the purchased quantity', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'licenseco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    await buy(call, customerId, item, 1, 'P1Y', 'Monthly');
    const mk = (n: string) =>
      call('POST', `/v1/customers/${customerId}/users`, {
        body: `{ usageLocation: "US", userPrincipalName: "${n}@licenseco.onmicrosoft.com", firstName: "F", lastName: "L", displayName: "${n}",
          passwordProfile: { password: "abCD123*", forceChangePassword: true }, attributes: { objectType: "CustomerUser" } }`,
      });
    const alice = await mk('alice');
    expect(alice.status).toBe(200);
    expect(alice.json).toMatchObject({
      usageLocation: 'US',
      userPrincipalName: 'alice@licenseco.onmicrosoft.com',
      passwordProfile: { forceChangePassword: true, password: 'abCD123*' },
      lastDirectorySyncTime: null,
      userDomainType: 'none',
      state: 'active',
      softDeletionTime: null,
      attributes: { objectType: 'CustomerUser' },
    });
    const bob = await mk('bob');
    const skus = await call('GET', `/v1/customers/${customerId}/subscribedskus`);
    expect(skus.json.items).toHaveLength(1);
    expect(skus.json.items[0]).toMatchObject({
      availableUnits: 1,
      activeUnits: 1,
      consumedUnits: 0,
      totalUnits: 1,
      productSku: { id: '3b555118-da6a-4418-894f-7df1e2096870', skuPartNumber: 'O365_BUSINESS_ESSENTIALS' },
    });
    const assign = (userId: string) =>
      call('POST', `/v1/customers/${customerId}/users/${userId}/licenseupdates`, {
        body: {
          LicensesToAssign: [{ ExcludedPlans: null, SkuId: '3b555118-da6a-4418-894f-7df1e2096870' }],
          LicensesToRemove: null,
        },
      });
    const ok = await assign(alice.json.id);
    expect(ok.status).toBe(201);
    expect(ok.json).toEqual({
      licensesToAssign: [{ skuId: '3b555118-da6a-4418-894f-7df1e2096870' }],
      licenseWarnings: [],
      attributes: { objectType: 'LicenseUpdate' },
    });
    const exhausted = await assign(bob.json.id);
    expect(exhausted.status).toBe(400);
    expect(exhausted.json.code).toBe(60012);
    expect(exhausted.json.description).toBe(
      "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
    );
  });
});

describe('Partner Center emulator: catalog', () => {
  it('serves products, SKUs, availabilities and the Azure plan exactly as Microsoft shapes them', async () => {
    const { call } = await boot();
    const products = await call('GET', '/v1/products?country=US&targetView=OnlineServices');
    expect(products.status).toBe(200);
    const basic = products.json.items.find((p: { id: string }) => p.id === 'CFQ7TTC0LH18');
    expect(basic).toEqual({
      id: 'CFQ7TTC0LH18',
      title: 'Microsoft 365 Business Basic',
      description: expect.any(String),
      productType: { id: 'OnlineServices', displayName: 'OnlineServices' },
      isMicrosoftProduct: true,
      publisherName: 'Microsoft Corporation',
      links: {
        skus: { uri: '/products/CFQ7TTC0LH18/skus?country=US', method: 'GET', headers: [] },
        self: { uri: '/products/CFQ7TTC0LH18?country=US', method: 'GET', headers: [] },
      },
    });
    const avail = await call('GET', '/v1/products/CFQ7TTC0LH18/skus/0001/availabilities?country=US');
    const a = avail.json.items[0];
    expect(a.catalogItemId).toBe(`CFQ7TTC0LH18:0001:${a.id}`);
    expect(a.id).toMatch(/^CFQ7TTC0[0-9A-Z]{4}$/);
    expect(
      a.terms.map((t: { duration: string; billingCycle: string }) => `${t.duration}/${t.billingCycle}`),
    ).toEqual(['P1M/Monthly', 'P1Y/Monthly', 'P1Y/Annual']);
    expect(a.terms[1].cancellationPolicies).toEqual([
      {
        refundOptions: [
          { sequenceId: 0, type: 'Full', expiresAfter: 'P1D' },
          { sequenceId: 1, type: 'Partial', expiresAfter: 'P7D' },
        ],
      },
    ]);
    const customerId = await createCustomer(call, 'catalogco');
    const azure = await call('GET', `/v1/customers/${customerId}/products/DZH318Z0BPS6/skus/0001`);
    expect(azure.json).toEqual({
      id: '0001',
      productId: 'DZH318Z0BPS6',
      title: 'Microsoft Azure plan',
      description: 'Microsoft Azure plan (MS-AZR-0017G)',
      minimumQuantity: 1,
      maximumQuantity: 1,
      isTrial: false,
      supportedBillingCycles: ['one_time'],
      purchasePrerequisites: ['MicrosoftCustomerAgreement'],
      inventoryVariables: [],
      provisioningVariables: [],
      actions: ['Refund'],
      dynamicAttributes: { isMicrosoftProduct: true, pilotProgram: 'modernazurepilot' },
      links: {
        availabilities: {
          uri: '/products/DZH318Z0BPS6/skus/0001/availabilities?country=US',
          method: 'GET',
          headers: [],
        },
        self: { uri: '/products/DZH318Z0BPS6/skus/0001?country=US', method: 'GET', headers: [] },
      },
    });
    const offers = await call('GET', '/v1/offers?country=US');
    expect(offers.json.items.some((o: { id: string }) => o.id === 'MS-AZR-0145P')).toBe(true);
    const retired = await call('POST', '/_emulator/catalog/retire', {
      body: { productId: 'CFQ7TTC0LH18', skuId: '0001' },
    });
    expect(retired.status).toBe(200);
    expect((await call('GET', '/v1/products/CFQ7TTC0LH18/skus/0001?country=US')).status).toBe(404);
  });
});

describe('Partner Center emulator: carts, orders and idempotency', () => {
  it('checks out a cart into a new-commerce subscription and refuses a second checkout', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'cartco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const cart = await call('POST', `/v1/customers/${customerId}/carts`, {
      body: {
        LineItems: [{ CatalogItemId: item, Quantity: 5, TermDuration: 'P1Y', BillingCycle: 'Monthly' }],
      },
    });
    expect(cart.status).toBe(201);
    expect(cart.json).toMatchObject({
      status: 'Active',
      creationTimestamp: '2025-01-15T09:00:00.000Z',
      expirationTimestamp: '2025-01-22T09:00:00.000Z',
      attributes: { objectType: 'Cart' },
    });
    expect(cart.json.lineItems).toEqual([
      {
        id: 0,
        catalogItemId: item,
        quantity: 5,
        currencyCode: 'USD',
        billingCycle: 'monthly',
        termDuration: 'P1Y',
        provisioningContext: {},
        orderGroup: '0',
      },
    ]);
    const out = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`);
    expect(out.status).toBe(201);
    expect(out.json.orderErrors).toEqual([]);
    expect(out.json.orders).toHaveLength(1);
    const order = out.json.orders[0];
    expect(order).toMatchObject({
      referenceCustomerId: customerId,
      billingCycle: 'monthly',
      currencyCode: 'USD',
      status: 'completed',
    });
    expect(order.id).toMatch(/^[0-9a-f]{12}$/);
    expect(order.lineItems[0]).toMatchObject({
      lineItemNumber: 0,
      offerId: item,
      termDuration: 'P1Y',
      transactionType: 'New',
      quantity: 5,
    });

    const sub = await call(
      'GET',
      `/v1/customers/${customerId}/subscriptions/${order.lineItems[0].subscriptionId}`,
    );
    expect(sub.status).toBe(200);
    expect(sub.json).toMatchObject({
      offerId: item,
      offerName: 'Microsoft 365 Business Basic',
      productType: { id: 'OnlineServicesNCE', displayName: 'OnlineServicesNCE' },
      quantity: 5,
      status: 'active',
      autoRenewEnabled: true,
      billingType: 'license',
      billingCycle: 'monthly',
      termDuration: 'P1Y',
      effectiveStartDate: '2025-01-15T09:00:00.000Z',
      commitmentEndDate: '2026-01-14T00:00:00Z',
      cancellationAllowedUntilDate: '2025-01-22T09:00:00Z',
      billingCycleEndDate: '2025-02-14T00:00:00Z',
      refundableQuantity: {
        totalQuantity: 5,
        details: [{ quantity: 5, allowedUntilDateTime: '2025-01-22T09:00:00.000Z' }],
      },
      orderId: order.id,
    });
    expect(sub.json.attributes.objectType).toBe('Subscription');
    expect(JSON.parse(Buffer.from(sub.json.attributes.etag, 'base64').toString())).toEqual({
      id: order.lineItems[0].subscriptionId,
      version: 1,
    });

    const again = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`);
    expect(again.status).toBe(400);
    expect(again.json).toEqual({
      code: 800065,
      description: `Cannot check out an already submitted cart ${cart.json.id}.`,
      source: 'PartnerFD',
    });
    const orders = await call('GET', `/v1/customers/${customerId}/orders`);
    expect(orders.json.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const prov = await call('GET', `/v1/customers/${customerId}/orders/${order.id}/provisioningstatus`);
    expect(prov.json.items[0]).toEqual({
      lineItemNumber: 0,
      status: 'Fulfilled',
      quantityProvisioningInformation: [{ quantity: 5, status: 'Fulfilled' }],
      attributes: { objectType: 'OrderLineItemProvisioningStatus' },
    });

    const bad = await call('POST', `/v1/customers/${customerId}/carts`, {
      body: {
        LineItems: [
          {
            CatalogItemId: 'CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ',
            Quantity: 1,
            TermDuration: 'P1Y',
            BillingCycle: 'Monthly',
          },
        ],
      },
    });
    expect(bad.status).toBe(201);
    expect(bad.json.lineItems[0].error).toEqual({
      errorCode: 10001,
      errorDescription: 'Catalog item ID CFQ7TTC0ZZZZ:0001:CFQ7TTC0ZZZZ is not valid.',
    });
    const badOut = await call('POST', `/v1/customers/${customerId}/carts/${bad.json.id}/checkout`);
    expect(badOut.status).toBe(400);
    expect(badOut.json.code).toBe(800009);
  });

  it('buys once when the same MS-RequestId is sent twice', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'dupco');
    const item = await catalogItem(call, 'CFQ7TTC0LDPB', '0001');
    const cart = await call('POST', `/v1/customers/${customerId}/carts`, {
      body: {
        lineItems: [{ catalogItemId: item, quantity: 3, termDuration: 'P1M', billingCycle: 'monthly' }],
      },
    });
    const headers = { 'MS-RequestId': 'req-dup-1', 'MS-CorrelationId': 'corr-1' };
    const first = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`, {
      headers,
    });
    const second = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`, {
      headers,
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(second.headers.get('ms-requestid')).toBe('req-dup-1');
    const subs = await call('GET', `/v1/customers/${customerId}/subscriptions`);
    expect(subs.json.totalCount).toBe(1);
    const stats = (await call('GET', '/_emulator/stats')).json;
    expect(stats.purchases.byRequestId['req-dup-1']).toBe(1);
    expect(stats.idempotentReplays).toBe(1);
    expect(stats.subscriptionsCreated).toBe(1);
  });

  it('performs a mutation whose response is lost, and replays it for the retry', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'lostco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const cart = await call('POST', `/v1/customers/${customerId}/carts`, {
      body: {
        LineItems: [{ CatalogItemId: item, Quantity: 2, TermDuration: 'P1Y', BillingCycle: 'Annual' }],
      },
    });
    const faults = await call('POST', '/_emulator/faults', {
      body: { lostResponseRate: 1, methods: ['POST'], maxFaults: 1 },
    });
    expect(faults.status).toBe(200);
    const headers = { 'MS-RequestId': 'req-lost-1' };
    await expect(
      call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`, { headers }),
    ).rejects.toThrow();

    const subs = await call('GET', `/v1/customers/${customerId}/subscriptions`);
    expect(subs.json.totalCount).toBe(1);
    expect(subs.json.items[0]).toMatchObject({ quantity: 2, billingCycle: 'annual', status: 'active' });

    const retry = await call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`, {
      headers,
    });
    expect(retry.status).toBe(201);
    expect(retry.json.orders[0].lineItems[0].subscriptionId).toBe(subs.json.items[0].id);
    const stats = (await call('GET', '/_emulator/stats')).json;
    expect(stats.purchases.byRequestId['req-lost-1']).toBe(1);
    expect(stats.faults.byKind.lostResponse).toBe(1);
    expect((await call('GET', `/v1/customers/${customerId}/subscriptions`)).json.totalCount).toBe(1);
  });

  it('buys add-ons through provisioningContext.ParentSubscriptionId and legacy offers through orders', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'addonco');
    const basic = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const phone = await catalogItem(call, 'CFQ7TTC0LH0W', '0001');
    const exchange = await catalogItem(call, 'CFQ7TTC0LH16', '0001');
    const parent = await buy(call, customerId, basic, 5, 'P1Y', 'Monthly');
    const addOn = await buy(call, customerId, phone, 2, 'P1Y', 'Monthly', {
      ProvisioningContext: { ParentSubscriptionId: parent },
    });
    const child = (await call('GET', `/v1/customers/${customerId}/subscriptions/${addOn}`)).json;
    expect(child.parentSubscriptionId).toBe(parent);
    expect(child.links.parentSubscription.uri).toBe(`/customers/${customerId}/subscriptions/${parent}`);
    const addons = await call('GET', `/v1/customers/${customerId}/subscriptions/${parent}/addons`);
    expect(addons.json.items.map((s: { id: string }) => s.id)).toEqual([addOn]);

    const exchangeSub = await buy(call, customerId, exchange, 1, 'P1Y', 'Monthly');
    const unrelated = await call('POST', `/v1/customers/${customerId}/carts`, {
      body: {
        LineItems: [
          {
            CatalogItemId: phone,
            Quantity: 1,
            TermDuration: 'P1Y',
            BillingCycle: 'Monthly',
            ProvisioningContext: { ParentSubscriptionId: exchangeSub },
          },
        ],
      },
    });
    expect(unrelated.status).toBe(400);
    expect(unrelated.json.code).toBe(800029);

    const cancelled = await call('PATCH', `/v1/customers/${customerId}/subscriptions/${parent}`, {
      body: { status: 'deleted' },
    });
    expect(cancelled.json.status).toBe('deleted');
    expect((await call('GET', `/v1/customers/${customerId}/subscriptions/${addOn}`)).json.status).toBe(
      'deleted',
    );

    const offers = await call('GET', '/v1/offers?country=US');
    const e3 = offers.json.items.find((o: { name: string }) => o.name === 'Office 365 E3');
    expect(e3).toMatchObject({
      billing: 'license',
      unitType: 'Licenses',
      supportedBillingCycles: ['annual', 'monthly'],
    });
    const order = await call('POST', `/v1/customers/${customerId}/orders`, {
      body: {
        ReferenceCustomerId: customerId,
        BillingCycle: 'unknown',
        LineItems: [
          {
            LineItemNumber: 0,
            OfferId: e3.id,
            Quantity: 5,
            FriendlyName: 'New offer purchase.',
            PartnerIdOnRecord: '4847383',
          },
        ],
        Attributes: { ObjectType: 'Order' },
      },
    });
    expect(order.status).toBe(201);
    expect(order.json).toMatchObject({
      referenceCustomerId: customerId,
      billingCycle: 'monthly',
      status: 'completed',
    });
    expect(order.json.lineItems[0]).toMatchObject({
      offerId: e3.id,
      quantity: 5,
      friendlyName: 'New offer purchase.',
      partnerIdOnRecord: '4847383',
    });
    const legacy = (
      await call('GET', `/v1/customers/${customerId}/subscriptions/${order.json.lineItems[0].subscriptionId}`)
    ).json;
    expect(legacy).toMatchObject({
      offerId: e3.id,
      quantity: 5,
      billingType: 'license',
      partnerId: '4847383',
      status: 'active',
    });
    expect(legacy.productType).toBeUndefined();
    const gotOrder = await call('GET', `/v1/customers/${customerId}/orders/${order.json.id}`);
    expect(gotOrder.text).toBe(order.text);
  });

  it('suspends (auto-renew off, no seat changes) and reactivates a subscription', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'suspendco');
    const item = await catalogItem(call, 'CFQ7TTC0LFLZ', '0001');
    const id = await buy(call, customerId, item, 20, 'P3Y', 'Annual');
    const path = `/v1/customers/${customerId}/subscriptions/${id}`;
    const sub = (await call('GET', path)).json;
    expect(sub.commitmentEndDate).toBe('2028-01-14T00:00:00Z');
    expect(sub.billingCycleEndDate).toBe('2026-01-14T00:00:00Z');
    const suspended = await call('PATCH', path, { body: { ...sub, status: 'suspended' } });
    expect(suspended.json).toMatchObject({ status: 'suspended', autoRenewEnabled: false });
    const blocked = await call('PATCH', path, { body: { ...suspended.json, quantity: 21 } });
    expect(blocked.status).toBe(400);
    expect(blocked.json.code).toBe(800091);
    const active = await call('PATCH', path, { body: { ...suspended.json, status: 'active' } });
    expect(active.json).toMatchObject({ status: 'active', autoRenewEnabled: false, quantity: 20 });
  });

  it('injects 429 with Retry-After and hangs requests on demand', async () => {
    const { call } = await boot();
    await call('POST', '/_emulator/faults', {
      body: { errorRate: 1, statuses: [429], retryAfterSeconds: 7, maxFaults: 2 },
    });
    for (let i = 0; i < 2; i++) {
      const res = await call('GET', '/v1/customers');
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('7');
      expect(res.json).toEqual({
        statusCode: 429,
        message: 'Rate limit is exceeded. Try again in 7 seconds.',
      });
    }
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    await call('POST', '/_emulator/faults', { body: { timeoutRate: 1, maxFaults: 1 } });
    await expect(call('GET', '/v1/customers', { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect((await call('GET', '/v1/customers')).status).toBe(200);
    const stats = (await call('GET', '/_emulator/stats')).json;
    expect(stats.faults.byStatus).toEqual({ '429': 2 });
    expect(stats.faults.byKind).toEqual({ error: 2, timeout: 1 });
    expect(stats.requests.byRoute['GET /v1/customers']).toBe(5);
  });
});

describe('Partner Center emulator: new-commerce rules', () => {
  it('reduces seats only from lots added within the last 7 days', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'seatco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const id = await buy(call, customerId, item, 5, 'P1Y', 'Monthly');
    const path = `/v1/customers/${customerId}/subscriptions/${id}`;
    await advance(call, { advanceDays: 3 });
    let sub = (await call('GET', path)).json;
    const up = await call('PATCH', path, {
      body: { ...sub, quantity: 8 },
      headers: { 'If-Match': sub.attributes.etag },
    });
    expect(up.status).toBe(200);
    expect(up.json.quantity).toBe(8);
    expect(up.json.refundableQuantity).toEqual({
      totalQuantity: 8,
      details: [
        { quantity: 5, allowedUntilDateTime: '2025-01-22T09:00:00.000Z' },
        { quantity: 3, allowedUntilDateTime: '2025-01-25T09:00:00.000Z' },
      ],
    });
    const stale = await call('PATCH', path, {
      body: { ...sub, quantity: 9 },
      headers: { 'If-Match': sub.attributes.etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.json).toMatchObject({ code: 2055, description: 'Etag is no longer valid' });

    await advance(call, { advanceDays: 5 });
    sub = (await call('GET', path)).json;
    expect(sub.refundableQuantity).toEqual({
      totalQuantity: 3,
      details: [{ quantity: 3, allowedUntilDateTime: '2025-01-25T09:00:00.000Z' }],
    });
    const tooMany = await call('PATCH', path, { body: { ...sub, quantity: 4 } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.code).toBe(800090);
    expect(tooMany.json.description).toBe('Subscription quantity cannot be decreased');
    const within = await call('PATCH', path, { body: { ...sub, quantity: 5 } });
    expect(within.status).toBe(200);
    expect(within.json.quantity).toBe(5);
    expect(within.json.refundableQuantity).toEqual({ totalQuantity: 0, details: [] });

    await advance(call, { advanceDays: 3 });
    sub = (await call('GET', path)).json;
    const outside = await call('PATCH', path, { body: { ...sub, quantity: 4 } });
    expect(outside.status).toBe(400);
    expect(outside.json.code).toBe(800090);
  });

  it('cancels only inside the cancellation window', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'cancelco');
    const item = await catalogItem(call, 'CFQ7TTC0LF8S', '0001');
    const a = await buy(call, customerId, item, 10, 'P1Y', 'Annual');
    const b = await buy(call, customerId, item, 4, 'P1Y', 'Annual');
    await advance(call, { advanceDays: 2 });
    const pa = `/v1/customers/${customerId}/subscriptions/${a}`;
    const cancelA = await call('PATCH', pa, { body: { ...(await call('GET', pa)).json, status: 'deleted' } });
    expect(cancelA.status).toBe(200);
    expect(cancelA.json.status).toBe('deleted');
    expect(cancelA.json.autoRenewEnabled).toBe(false);
    expect(cancelA.json.cancellationAllowedUntilDate).toBeUndefined();
    const again = await call('PATCH', pa, { body: { quantity: 3 } });
    expect(again.status).toBe(400);
    expect(again.json.code).toBe(2011);

    await advance(call, { advanceDays: 6 });
    const pb = `/v1/customers/${customerId}/subscriptions/${b}`;
    const late = await call('PATCH', pb, { body: { ...(await call('GET', pb)).json, status: 'deleted' } });
    expect(late.status).toBe(400);
    expect(late.json.code).toBe(900117);
    expect(late.json.description).toBe(
      'You have passed your 7-day cancellation window. We are unable to cancel your purchase',
    );
    expect((await call('GET', pb)).json.status).toBe('active');
  });

  it('deletes scheduled next-term instructions on any immediate mid-term change', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'scheduleco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const standard = await catalogItem(call, 'CFQ7TTC0LDPB', '0001');
    const id = await buy(call, customerId, item, 5, 'P1Y', 'Monthly');
    const path = `/v1/customers/${customerId}/subscriptions/${id}`;
    const sub = (await call('GET', path)).json;
    const instructions = {
      product: {
        productId: 'CFQ7TTC0LDPB',
        skuId: '0001',
        availabilityId: standard.split(':')[2],
        billingCycle: 'Annual',
        termDuration: 'P1Y',
      },
      quantity: 7,
    };
    const scheduled = await call('PATCH', path, {
      body: { ...sub, scheduledNextTermInstructions: instructions },
    });
    expect(scheduled.status).toBe(200);
    expect(scheduled.json.scheduledNextTermInstructions).toEqual(instructions);

    const changed = await call('PATCH', path, { body: { ...scheduled.json, quantity: 6 } });
    expect(changed.status).toBe(200);
    expect(changed.json.quantity).toBe(6);
    expect(changed.json.scheduledNextTermInstructions).toBeUndefined();

    const noRenew = await call('PATCH', path, { body: { ...changed.json, autoRenewEnabled: false } });
    expect(noRenew.json.autoRenewEnabled).toBe(false);
    const refused = await call('PATCH', path, {
      body: { ...noRenew.json, scheduledNextTermInstructions: instructions },
    });
    expect(refused.status).toBe(400);
    expect(refused.json.code).toBe(800002);
  });

  it('renews at term end with the scheduled changes and expires subscriptions without auto-renew', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'renewco');
    const item = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const renewing = await buy(call, customerId, item, 2, 'P1M', 'Monthly');
    const expiring = await buy(call, customerId, item, 3, 'P1M', 'Monthly');
    const pr = `/v1/customers/${customerId}/subscriptions/${renewing}`;
    const pe = `/v1/customers/${customerId}/subscriptions/${expiring}`;
    const r0 = (await call('GET', pr)).json;
    expect(r0.commitmentEndDate).toBe('2025-02-14T00:00:00Z');
    const sched = await call('PATCH', pr, {
      body: {
        ...r0,
        scheduledNextTermInstructions: {
          product: {
            productId: 'CFQ7TTC0LH18',
            skuId: '0001',
            availabilityId: item.split(':')[2],
            billingCycle: 'Monthly',
            termDuration: 'P1Y',
          },
          quantity: 4,
        },
      },
    });
    expect(sched.status).toBe(200);
    const off = await call('PATCH', pe, {
      body: { ...(await call('GET', pe)).json, autoRenewEnabled: false },
    });
    expect(off.json.autoRenewEnabled).toBe(false);

    const step = await advance(call, { set: '2025-02-15T12:00:00Z' });
    expect(step.report.renewed).toEqual([renewing]);
    expect(step.report.expired).toEqual([expiring]);
    const r1 = (await call('GET', pr)).json;
    expect(r1).toMatchObject({
      status: 'active',
      quantity: 4,
      termDuration: 'P1Y',
      billingCycle: 'monthly',
      effectiveStartDate: '2025-02-15T00:00:00.000Z',
      commitmentEndDate: '2026-02-14T00:00:00Z',
      cancellationAllowedUntilDate: '2025-02-22T00:00:00Z',
      refundableQuantity: {
        totalQuantity: 4,
        details: [{ quantity: 4, allowedUntilDateTime: '2025-02-22T00:00:00.000Z' }],
      },
    });
    expect(r1.scheduledNextTermInstructions).toBeUndefined();
    const e1 = (await call('GET', pe)).json;
    expect(e1.status).toBe('expired');
    expect(e1.autoRenewEnabled).toBe(false);
  });

  it('transitions part of a subscription into a co-terminous upgrade', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'upgradeco');
    const basic = await catalogItem(call, 'CFQ7TTC0LH18', '0001');
    const standard = await catalogItem(call, 'CFQ7TTC0LDPB', '0001');
    const id = await buy(call, customerId, basic, 5, 'P1Y', 'Monthly');
    const base = `/v1/customers/${customerId}/subscriptions/${id}`;
    const elig = await call('GET', `${base}/transitionEligibilities?eligibilityType=immediate`);
    expect(elig.json.items.map((e: { catalogItemId: string }) => e.catalogItemId)).toContain(standard);
    const target = elig.json.items.find((e: { catalogItemId: string }) => e.catalogItemId === standard);
    expect(target).toMatchObject({
      title: 'Microsoft 365 Business Standard',
      quantity: 5,
      eligibilities: [
        { isEligible: true, transitionType: 'transition_only', errors: [] },
        { isEligible: true, transitionType: 'transition_with_license_transfer', errors: [] },
      ],
      attributes: { objectType: 'TransitionEligibility' },
    });
    await advance(call, { advanceDays: 2 });
    const t = await call('POST', `${base}/transitions`, {
      body: { toCatalogItemId: standard, quantity: 2, transitionType: 'transition_with_license_transfer' },
    });
    expect(t.status).toBe(200);
    expect(t.json).toMatchObject({ fromCatalogItemId: basic, toCatalogItemId: standard, quantity: 2 });
    expect(t.json.events).toEqual([
      {
        name: 'Conversion',
        status: 'Started',
        timestamp: '2025-01-17T09:00:00.000Z',
        attributes: { objectType: 'TransitionEvent' },
      },
    ]);
    const source = (await call('GET', base)).json;
    expect(source.quantity).toBe(3);
    const target2 = (
      await call('GET', `/v1/customers/${customerId}/subscriptions/${t.json.toSubscriptionId}`)
    ).json;
    expect(target2).toMatchObject({
      offerId: standard,
      quantity: 2,
      commitmentEndDate: source.commitmentEndDate,
      cancellationAllowedUntilDate: source.cancellationAllowedUntilDate,
      migratedFromSubscriptionId: id,
    });
    const list = await call('GET', `${base}/transitions`);
    expect(list.json.items[0].events.map((e: { status: string }) => e.status)).toEqual([
      'Started',
      'Completed',
    ]);
  });

  it('provisions an Azure plan with an Azure entitlement and assigns an Azure RBAC role to a new user', async () => {
    const { call } = await boot();
    const customerId = await createCustomer(call, 'azureco');
    const planId = await buy(call, customerId, 'DZH318Z0BPS6:0001:DZH318Z0BML6', 1, undefined, 'one_time');
    const plan = (await call('GET', `/v1/customers/${customerId}/subscriptions/${planId}`)).json;
    expect(plan).toMatchObject({
      offerId: 'DZH318Z0BPS6:0001:DZH318Z0BML6',
      offerName: 'Microsoft Azure plan',
      productType: { id: 'Azure', displayName: 'Azure' },
      unitType: 'Usage-based',
      billingType: 'usage',
      status: 'active',
      autoRenewEnabled: false,
    });
    const ents = await call('GET', `/v1/customers/${customerId}/subscriptions/${planId}/azureEntitlements`);
    expect(ents.json.totalCount).toBe(1);
    const ent = ents.json.items[0];
    expect(ent).toEqual({
      id: ent.id,
      friendlyName: 'Azure subscription 1',
      status: 'active',
      subscriptionId: planId,
    });

    const user = await call('POST', `/v1/customers/${customerId}/users`, {
      body: {
        usageLocation: 'US',
        userPrincipalName: 'ops@azureco.onmicrosoft.com',
        firstName: 'O',
        lastName: 'P',
        displayName: 'Ops',
      },
    });
    const owner = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
    const assignment = await call(
      'PUT',
      `/arm/subscriptions/${ent.id}/providers/Microsoft.Authorization/roleAssignments/0b1f2c3d-0000-4000-8000-000000000001?api-version=2022-04-01`,
      {
        body: {
          properties: {
            roleDefinitionId: `/subscriptions/${ent.id}/providers/Microsoft.Authorization/roleDefinitions/${owner}`,
            principalId: user.json.id,
          },
        },
      },
    );
    expect(assignment.status).toBe(201);
    expect(assignment.json).toMatchObject({
      name: '0b1f2c3d-0000-4000-8000-000000000001',
      type: 'Microsoft.Authorization/roleAssignments',
      properties: { principalId: user.json.id, principalType: 'User', scope: `/subscriptions/${ent.id}` },
    });
    const listed = await call(
      'GET',
      `/arm/subscriptions/${ent.id}/providers/Microsoft.Authorization/roleAssignments`,
    );
    expect(listed.json.value).toHaveLength(1);

    const suspend = await call('PATCH', `/v1/customers/${customerId}/subscriptions/${planId}`, {
      body: { status: 'suspended' },
    });
    expect(suspend.status).toBe(403);
    expect(suspend.json.code).toBe(900115);
  });

  it('keeps state across a restart when a data directory is set', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pc-emulator-'));
    try {
      const first = await boot({ dataDir: dir });
      const customerId = await createCustomer(first.call, 'persistco');
      const item = await catalogItem(first.call, 'CFQ7TTC0LH18', '0001');
      const cart = await first.call('POST', `/v1/customers/${customerId}/carts`, {
        body: {
          LineItems: [{ CatalogItemId: item, Quantity: 4, TermDuration: 'P1Y', BillingCycle: 'Monthly' }],
        },
      });
      const checkout = await first.call(
        'POST',
        `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`,
        {
          headers: { 'MS-RequestId': 'persist-1' },
        },
      );
      await advance(first.call, { advanceDays: 1 });
      await first.emu.close();

      const second = await boot({ dataDir: dir, seed: 1, now: '2030-01-01T00:00:00Z' });
      expect((await second.call('GET', '/_emulator/clock')).json.now).toBe('2025-01-16T09:00:00.000Z');
      const customer = await second.call('GET', `/v1/customers/${customerId}`);
      expect(customer.status).toBe(200);
      expect(customer.json.companyProfile.domain).toBe('persistco.onmicrosoft.com');
      const subs = await second.call('GET', `/v1/customers/${customerId}/subscriptions`);
      expect(subs.json.items.map((s: { quantity: number }) => s.quantity)).toEqual([4]);
      const replay = await second.call('POST', `/v1/customers/${customerId}/carts/${cart.json.id}/checkout`, {
        headers: { 'MS-RequestId': 'persist-1' },
      });
      expect(replay.status).toBe(201);
      expect(replay.text).toBe(checkout.text);
      expect(await createCustomer(second.call, 'persistco2')).not.toBe(customerId);
      await second.emu.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
