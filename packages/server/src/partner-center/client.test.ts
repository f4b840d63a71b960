import { describe, expect, it } from 'vitest';
import { StaticTokenProvider } from './auth.ts';
import { createPartnerCenterClient } from './client.ts';
import { collect } from './paging.ts';
import { SubscriptionSchema } from './schemas/subscriptions.ts';
import { json, scriptedFetch } from './test-support.ts';

function client(steps: Parameters<typeof scriptedFetch>[0]) {
  const { fetch, calls } = scriptedFetch(steps);
  const pc = createPartnerCenterClient({
    baseUrl: 'http://127.0.0.1:9/v1',
    graphBaseUrl: 'http://127.0.0.1:9/graph/v1.0',
    priceSheetBaseUrl: 'http://127.0.0.1:9/pricesheets/v1.0',
    tokens: new StaticTokenProvider('t'),
    fetch,
    sleep: async () => {},
    retry: { maxAttempts: 1 },
  });
  return { pc, calls };
}

const body = (call: { body: string | undefined } | undefined) => JSON.parse(call?.body ?? 'null');

describe('client operations', () => {
  it('creates a customer with an onmicrosoft domain from a prefix (PascalCase body)', async () => {
    const { pc, calls } = client([
      json(201, { id: 'c1', companyProfile: { domain: 'contoso.onmicrosoft.com' } }),
    ]);
    await pc.customers.create(
      {
        companyProfile: { domain: 'Contoso' },
        billingProfile: {
          email: 'a@b.c',
          culture: 'en-US',
          language: 'en',
          companyName: 'Contoso',
          defaultAddress: {
            firstName: 'A',
            lastName: 'B',
            addressLine1: 'x',
            city: 'Redmond',
            state: 'WA',
            postalCode: '98052',
            country: 'US',
          },
        },
      },
      { operationKey: 'customer:1' },
    );
    expect(calls[0]?.url).toBe('http://127.0.0.1:9/v1/customers');
    expect(body(calls[0]).CompanyProfile).toEqual({ Domain: 'contoso.onmicrosoft.com' });
    expect(body(calls[0]).BillingProfile.DefaultAddress.PostalCode).toBe('98052');
  });

  it('searches customers with the documented filter', async () => {
    const { pc, calls } = client([json(200, { totalCount: 1, items: [{ id: 'c1' }] })]);
    expect(await collect(pc.customers.search({ field: 'CompanyName', value: 'cont' }))).toHaveLength(1);
    const url = new URL(calls[0]?.url ?? '');
    expect(url.searchParams.get('size')).toBe('0');
    expect(JSON.parse(url.searchParams.get('filter') ?? '')).toEqual({
      Field: 'CompanyName',
      Value: 'cont',
      Operator: 'starts_with',
    });
  });

  it('patches the full subscription with If-Match from its etag and returns the update', async () => {
    const current = SubscriptionSchema.parse({
      id: 's1',
      quantity: 5,
      status: 'active',
      autoRenewEnabled: true,
      attributes: { etag: 'e1', objectType: 'Subscription' },
    });
    const { pc, calls } = client([json(200, { ...current, quantity: 3 })]);
    const result = await pc.subscriptions.setQuantity('c1', current, 3, { operationKey: 'seats:s1:3' });
    expect(result.status).toBe('updated');
    expect(calls[0]?.method).toBe('PATCH');
    expect(calls[0]?.url).toBe('http://127.0.0.1:9/v1/customers/c1/subscriptions/s1');
    expect(calls[0]?.headers['if-match']).toBe('e1');
    expect(body(calls[0])).toMatchObject({ id: 's1', quantity: 3, status: 'active', autoRenewEnabled: true });
  });

  it('schedules next-term changes and can clear them', async () => {
    const current = { id: 's1', autoRenewEnabled: true, attributes: { objectType: 'Subscription' } };
    const { pc, calls } = client([json(200, current), json(200, current)]);
    const instructions = {
      product: {
        productId: 'P',
        skuId: '0001',
        availabilityId: 'A',
        billingCycle: 'monthly',
        termDuration: 'P1Y',
      },
      quantity: 10,
    };
    await pc.subscriptions.scheduleNextTerm('c1', current, instructions, { operationKey: 'k1' });
    await pc.subscriptions.scheduleNextTerm('c1', current, null, { operationKey: 'k2' });
    expect(body(calls[0]).scheduledNextTermInstructions).toEqual(instructions);
    expect(body(calls[1]).scheduledNextTermInstructions).toBeNull();
    expect(calls[0]?.headers['if-match']).toBeUndefined();
  });

  it('creates a cart with PascalCase lines and passes provisioning context verbatim', async () => {
    const { pc, calls } = client([json(201, { id: 'cart', lineItems: [] })]);
    await pc.orders.createCart(
      'c1',
      {
        lineItems: [
          {
            catalogItemId: 'CFQ7TTC0LH18:0001:CFQ7TTC0K971',
            quantity: 5,
            termDuration: 'P1Y',
            billingCycle: 'monthly',
          },
          {
            catalogItemId: 'ADDON:0001:X',
            quantity: 1,
            termDuration: 'P1M',
            billingCycle: 'monthly',
            provisioningContext: { ParentSubscriptionId: 's1' },
          },
        ],
      },
      { operationKey: 'cart:1' },
    );
    expect(body(calls[0])).toEqual({
      LineItems: [
        {
          CatalogItemId: 'CFQ7TTC0LH18:0001:CFQ7TTC0K971',
          Quantity: 5,
          TermDuration: 'P1Y',
          BillingCycle: 'monthly',
        },
        {
          CatalogItemId: 'ADDON:0001:X',
          Quantity: 1,
          TermDuration: 'P1M',
          BillingCycle: 'monthly',
          ProvisioningContext: { ParentSubscriptionId: 's1' },
        },
      ],
    });
  });

  it('makes a new user an administrator with derived operation keys', async () => {
    const { pc, calls } = client([
      json(201, { id: 'u1', userPrincipalName: 'admin@contoso.onmicrosoft.com', displayName: 'Admin' }),
      json(201, { id: 'u1', roleId: 'r1' }),
    ]);
    const result = await pc.subscriptions.assignAdmin(
      'c1',
      {
        roleId: 'r1',
        user: {
          create: {
            userPrincipalName: 'admin@contoso.onmicrosoft.com',
            firstName: 'A',
            lastName: 'B',
            displayName: 'Admin',
            usageLocation: 'US',
            passwordProfile: { password: 'x', forceChangePassword: true },
          },
        },
      },
      { operationKey: 'admin:1' },
    );
    expect(result.membership.roleId).toBe('r1');
    expect(calls.map((c) => c.url)).toEqual([
      'http://127.0.0.1:9/v1/customers/c1/users',
      'http://127.0.0.1:9/v1/customers/c1/directoryroles/r1/usermembers',
    ]);
    expect(body(calls[1])).toMatchObject({
      Id: 'u1',
      RoleId: 'r1',
      UserPrincipalName: 'admin@contoso.onmicrosoft.com',
    });
    expect(calls[0]?.headers['ms-requestid']).not.toBe(calls[1]?.headers['ms-requestid']);
  });

  it('streams a price sheet as CSV rows from the price-sheet host', async () => {
    const csv =
      'ProductTitle,ProductId,SkuId,UnitPrice,Currency\r\n"Microsoft 365, E3",CFQ7TTC0LFLX,0001,36.00,USD\r\n';
    const { pc, calls } = client([
      new Response(csv, { status: 200, headers: { 'Content-Type': 'text/csv' } }),
    ]);
    const sheet = await pc.catalog.downloadPriceSheet({ market: 'US', view: 'updatedlicensebased' });
    expect(await collect(sheet.rows())).toEqual([
      {
        ProductTitle: 'Microsoft 365, E3',
        ProductId: 'CFQ7TTC0LFLX',
        SkuId: '0001',
        UnitPrice: '36.00',
        Currency: 'USD',
      },
    ]);
    expect(calls[0]?.url).toBe(
      "http://127.0.0.1:9/pricesheets/v1.0/sales/pricesheets(Market='US',PricesheetView='updatedlicensebased')/$value",
    );
  });

  it('validates a migration without an operation key (a query by POST)', async () => {
    const { pc, calls } = client([
      json(200, { currentSubscriptionId: 's1', isEligible: true, catalogItemId: 'X' }),
    ]);
    expect((await pc.subscriptions.validateMigration('c1', 's1')).isEligible).toBe(true);
    expect(body(calls[0])).toEqual({ currentSubscriptionId: 's1' });
  });
});
