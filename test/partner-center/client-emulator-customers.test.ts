import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  type CustomerUser,
  GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
  type PartnerCenterClient,
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
  refusal,
} from './client-emulator-support.ts';

// Customers, users, licences, the reseller relationship and MCA attestation through the real client
// against the emulator over HTTP.

let emu: RunningEmulator;
let pc: PartnerCenterClient;
const recorder = new Recorder();

beforeAll(async () => {
  emu = await bootEmulator(7101);
  pc = clientFor(emu, { recorder }).client;
});

afterAll(async () => {
  if (emu) await printSummary('customers', recorder, emu);
  await emu?.close();
});

const BUSINESS_BASIC_LICENCE = '3b555118-da6a-4418-894f-7df1e2096870';

async function buyBusinessBasic(customerId: string, quantity: number) {
  const [availability] = await pc.catalog.listCustomerAvailabilities(customerId, 'CFQ7TTC0LH18', '0001');
  const cart = await pc.orders.createCart(
    customerId,
    {
      lineItems: [
        {
          catalogItemId: availability!.catalogItemId!,
          quantity,
          termDuration: 'P1Y',
          billingCycle: 'monthly',
        },
      ],
    },
    { operationKey: opKey('cart') },
  );
  return { cart, checkout: () => pc.orders.checkoutCart(customerId, cart.id, { operationKey: opKey('co') }) };
}

describe('client ↔ emulator: customers', () => {
  let customerId: string;

  it('creates a customer on a free onmicrosoft.com domain and the domain is then taken', async () => {
    expect(await pc.customers.isDomainAvailable('contosoalpha')).toBe(true);
    const created = await pc.customers.create(customerInput('contosoalpha', 'Contoso Alpha Ltd'), {
      operationKey: opKey('customer'),
    });
    customerId = created.id;
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created).toMatchObject({
      relationshipToPartner: 'none',
      companyProfile: { tenantId: created.id, domain: 'contosoalpha.onmicrosoft.com' },
      billingProfile: {
        email: 'billing@contosoalpha.example',
        culture: 'en-US',
        language: 'en',
        companyName: 'Contoso Alpha Ltd',
        defaultAddress: { country: 'US', city: 'Redmond', state: 'WA', postalCode: '98052' },
      },
      userCredentials: { userName: 'admin' },
      attributes: { objectType: 'Customer' },
    });
    expect(created.userCredentials?.password).toMatch(/^.{10}$/);
    expect(await pc.customers.isDomainAvailable('contosoalpha.onmicrosoft.com')).toBe(false);
    expect(await pc.customers.isDomainAvailable('contosoalpha')).toBe(false);

    const taken = await refusal(() =>
      pc.customers.create(customerInput('contosoalpha', 'Someone Else'), { operationKey: opKey('customer') }),
    );
    expect(taken).toMatchObject({ httpStatus: 409, code: 600011, errorName: 'DomainAlreadyExists' });
  });

  it('reads the customer back as a reseller customer', async () => {
    const customer = await pc.customers.get(customerId);
    expect(customer).toMatchObject({
      id: customerId,
      relationshipToPartner: 'reseller',
      allowDelegatedAccess: true,
      customDomains: ['contosoalpha.onmicrosoft.com'],
      companyProfile: {
        tenantId: customerId,
        domain: 'contosoalpha.onmicrosoft.com',
        companyName: 'Contoso Alpha Ltd',
        email: 'billing@contosoalpha.example',
        address: { country: 'US', region: 'WA', city: 'Redmond', addressLine1: 'One Microsoft Way' },
      },
    });
    const unknown = await refusal(() => pc.customers.get('00000000-0000-0000-0000-000000000000'));
    expect(unknown).toMatchObject({ httpStatus: 404, category: 'not_found' });
  });

  it('lists 121 customers over many continuation-token pages, each exactly once', async () => {
    const created = [customerId];
    for (let batch = 0; batch < 6; batch++) {
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, i) => {
          const n = String(batch * 20 + i).padStart(3, '0');
          return pc.customers.create(customerInput(`bulkco${n}`, `Bulk Customer ${n}`), {
            operationKey: opKey('customer'),
          });
        }),
      );
      created.push(...made.map((c) => c.id));
    }
    expect(created).toHaveLength(121);
    const pagesBefore = recorder.pages;
    const listed = await collectAll(pc.customers.list({ size: 25 }));
    expect(recorder.pages - pagesBefore).toBe(5);
    expect(listed).toHaveLength(121);
    expect(new Set(listed.map((c) => c.id)).size).toBe(121);
    expect(new Set(listed.map((c) => c.id))).toEqual(new Set(created));
    const bulk = listed.find((c) => c.companyProfile?.domain === 'bulkco042.onmicrosoft.com');
    expect(bulk).toMatchObject({
      relationshipToPartner: 'reseller',
      companyProfile: { companyName: 'Bulk Customer 042' },
    });
  });

  it('searches by company name and by domain prefix', async () => {
    const byName = await collectAll(pc.customers.search({ field: 'CompanyName', value: 'bulk customer 11' }));
    expect(byName.map((c) => c.companyProfile?.companyName).sort()).toEqual(
      Array.from({ length: 10 }, (_, i) => `Bulk Customer 11${i}`),
    );
    const byDomain = await collectAll(pc.customers.search({ field: 'Domain', value: 'contosoalpha' }));
    expect(byDomain.map((c) => c.id)).toEqual([customerId]);
    expect(await collectAll(pc.customers.search({ field: 'Domain', value: 'nobody-' }))).toEqual([]);
  });

  it('links an existing tenant once its admin accepts the reseller relationship link', async () => {
    const link = await pc.customers.relationshipRequestLink();
    expect(link.url).toBe(
      `https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId=${emu.state.partner.tenantId}&msppId=0&DAP=false#/BillingAccounts/partner-invitation`,
    );
    const tenants = await admin(emu, 'GET', '/tenants');
    const fabrikam = tenants.items.find(
      (t: { domain: string }) => t.domain === 'fabrikamretail.onmicrosoft.com',
    );
    const before = await refusal(() => pc.customers.get(fabrikam.id));
    expect(before).toMatchObject({ httpStatus: 403, code: 20002 });
    expect(await pc.customers.isDomainAvailable('fabrikamretail')).toBe(false);

    await admin(emu, 'POST', '/customers/fabrikamretail.onmicrosoft.com/accept-relationship');
    const linked = await pc.customers.get(fabrikam.id);
    expect(linked).toMatchObject({
      id: fabrikam.id,
      relationshipToPartner: 'reseller',
      companyProfile: { domain: 'fabrikamretail.onmicrosoft.com', companyName: 'Fabrikam Retail Ltd' },
    });
    const found = await collectAll(pc.customers.search({ field: 'Domain', value: 'fabrikam' }));
    expect(found.map((c) => c.id)).toEqual([fabrikam.id]);
  });

  it('creates users, assigns licences until they run out and reports subscribed SKUs', async () => {
    const users: CustomerUser[] = [];
    for (const name of ['ada', 'grace', 'linus']) {
      users.push(
        await pc.customers.createUser(
          customerId,
          {
            userPrincipalName: `${name}@contosoalpha.onmicrosoft.com`,
            firstName: name,
            lastName: 'Tester',
            displayName: `${name} Tester`,
            usageLocation: 'US',
            passwordProfile: { password: 'Pa55word!x', forceChangePassword: true },
          },
          { operationKey: opKey('user') },
        ),
      );
    }
    expect(users[0]).toMatchObject({
      userPrincipalName: 'ada@contosoalpha.onmicrosoft.com',
      displayName: 'ada Tester',
      usageLocation: 'US',
      state: 'active',
      passwordProfile: { password: 'Pa55word!x', forceChangePassword: true },
    });
    const listed = await collectAll(pc.customers.listUsers(customerId, { size: 2 }));
    expect(listed.map((u) => u.userPrincipalName).sort()).toEqual([
      'ada@contosoalpha.onmicrosoft.com',
      'grace@contosoalpha.onmicrosoft.com',
      'linus@contosoalpha.onmicrosoft.com',
    ]);

    expect(await pc.customers.listSubscribedSkus(customerId)).toEqual([]);
    const purchase = await buyBusinessBasic(customerId, 2);
    await purchase.checkout();
    const [sku] = await pc.customers.listSubscribedSkus(customerId);
    expect(sku).toMatchObject({
      availableUnits: 2,
      activeUnits: 2,
      consumedUnits: 0,
      suspendedUnits: 0,
      totalUnits: 2,
      warningUnits: 0,
      productSku: {
        id: BUSINESS_BASIC_LICENCE,
        name: 'Microsoft 365 Business Basic',
        skuPartNumber: 'O365_BUSINESS_ESSENTIALS',
        targetType: 'User',
      },
      capabilityStatus: 'Enabled',
    });
    expect(sku?.servicePlans?.map((p) => p.serviceName)).toEqual([
      'EXCHANGE_S_STANDARD',
      'SHAREPOINTSTANDARD',
      'TEAMS1',
    ]);

    for (const user of users.slice(0, 2)) {
      const update = await pc.customers.updateUserLicenses(
        customerId,
        user.id,
        { assign: [{ skuId: BUSINESS_BASIC_LICENCE }] },
        { operationKey: opKey('licence') },
      );
      expect(update.licensesToAssign).toEqual([{ skuId: BUSINESS_BASIC_LICENCE }]);
      expect(update.licenseWarnings).toEqual([]);
    }
    const exhausted = await refusal(() =>
      pc.customers.updateUserLicenses(
        customerId,
        users[2]!.id,
        { assign: [{ skuId: BUSINESS_BASIC_LICENCE }] },
        { operationKey: opKey('licence') },
      ),
    );
    expect(exhausted).toMatchObject({ httpStatus: 400, code: 60012 });
    expect(exhausted.description).toContain("We're sorry");
    expect(exhausted.violation?.kind).toBe('licenses_exhausted');
    const [after] = await pc.customers.listSubscribedSkus(customerId);
    expect(after).toMatchObject({ availableUnits: 0, activeUnits: 2, consumedUnits: 2 });

    const freed = await pc.customers.updateUserLicenses(
      customerId,
      users[0]!.id,
      { remove: [BUSINESS_BASIC_LICENCE] },
      { operationKey: opKey('licence') },
    );
    expect(freed.licensesToAssign).toEqual([]);
    const [final] = await pc.customers.listSubscribedSkus(customerId);
    expect(final).toMatchObject({ availableUnits: 1, consumedUnits: 1 });
  });

  it('refuses a purchase until the Microsoft Customer Agreement is attested, once', async () => {
    await admin(emu, 'POST', '/settings', { requireMcaAttestation: true });
    try {
      const fresh = await pc.customers.create(customerInput('mcacheck', 'MCA Check Inc'), {
        operationKey: opKey('customer'),
      });
      const purchase = await buyBusinessBasic(fresh.id, 1);
      const refused = await refusal(purchase.checkout);
      expect(refused).toMatchObject({ httpStatus: 403, code: 13605 });
      expect(refused.violation?.kind).toBe('customer_agreement_required');

      const agreement = await pc.customers.confirmCustomerAgreement(
        fresh.id,
        {
          primaryContact: { firstName: 'Mia', lastName: 'Chen', email: 'mia@mcacheck.example' },
          templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
          dateAgreed: '2025-01-15',
        },
        { operationKey: opKey('mca') },
      );
      expect(agreement).toMatchObject({
        primaryContact: { firstName: 'Mia', lastName: 'Chen', email: 'mia@mcacheck.example' },
        templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
        dateAgreed: '2025-01-15',
        type: 'MicrosoftCustomerAgreement',
      });
      const twice = await refusal(() =>
        pc.customers.confirmCustomerAgreement(
          fresh.id,
          {
            primaryContact: { firstName: 'Mia', lastName: 'Chen', email: 'mia@mcacheck.example' },
            templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
            dateAgreed: '2025-01-16',
          },
          { operationKey: opKey('mca') },
        ),
      );
      expect(twice).toMatchObject({
        httpStatus: 409,
        code: 600061,
        errorName: 'PartnerConfirmedAgreementAlreadyExists',
      });
      expect(twice.violation?.kind).toBe('agreement_already_exists');

      const result = await purchase.checkout();
      expect(result.orders).toHaveLength(1);
      expect(result.orders?.[0]?.lineItems?.[0]).toMatchObject({ quantity: 1, termDuration: 'P1Y' });
    } finally {
      await admin(emu, 'POST', '/settings', { requireMcaAttestation: false });
    }
  });
});

describe('client ↔ emulator: directory roles (admin access)', () => {
  it('lists roles, adds an existing user and creates a new administrator', async () => {
    const customer = await pc.customers.create(customerInput('rolesco', 'Roles Co'), {
      operationKey: opKey('customer'),
    });
    const roles = await pc.admin.listDirectoryRoles(customer.id);
    expect(roles.map((r) => [r.id, r.name])).toEqual([
      [GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID, 'Company Administrator'],
      ['b0f54661-2d74-4c50-afa3-1ec803f12efe', 'Billing Administrator'],
      ['fe930be7-5e62-47db-91af-98c3a49a38b1', 'User Account Administrator'],
      ['729827e3-9c14-49f7-bb1b-9608f156bbb8', 'Helpdesk Administrator'],
      ['f28a1f50-f6e7-4571-818b-6a12f2af6b6c', 'SharePoint Service Administrator'],
    ]);
    const user = await pc.customers.createUser(
      customer.id,
      {
        userPrincipalName: 'billing@rolesco.onmicrosoft.com',
        firstName: 'Bo',
        lastName: 'Ling',
        displayName: 'Bo Ling',
        usageLocation: 'US',
        passwordProfile: { password: 'Pa55word!y', forceChangePassword: false },
      },
      { operationKey: opKey('user') },
    );
    const member = await pc.admin.addUserToDirectoryRole(
      customer.id,
      'b0f54661-2d74-4c50-afa3-1ec803f12efe',
      { id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName },
      { operationKey: opKey('role') },
    );
    expect(member).toMatchObject({
      id: user.id,
      displayName: 'Bo Ling',
      userPrincipalName: 'billing@rolesco.onmicrosoft.com',
      roleId: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
    });

    const key = opKey('admin');
    const created = await pc.admin.assignAdmin(
      customer.id,
      {
        roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
        user: {
          create: {
            userPrincipalName: 'it@rolesco.onmicrosoft.com',
            firstName: 'Ida',
            lastName: 'Tan',
            displayName: 'Ida Tan',
            usageLocation: 'US',
            passwordProfile: { password: 'Pa55word!z', forceChangePassword: true },
          },
        },
      },
      { operationKey: key },
    );
    expect(created.user).toMatchObject({ userPrincipalName: 'it@rolesco.onmicrosoft.com' });
    expect(created.membership).toMatchObject({
      id: created.user!.id,
      roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
    });
    // The same operation key again (a retry after a crash) creates no second user.
    const again = await pc.admin.assignAdmin(
      customer.id,
      {
        roleId: GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID,
        user: {
          create: {
            userPrincipalName: 'it@rolesco.onmicrosoft.com',
            firstName: 'Ida',
            lastName: 'Tan',
            displayName: 'Ida Tan',
            usageLocation: 'US',
            passwordProfile: { password: 'Pa55word!z', forceChangePassword: true },
          },
        },
      },
      { operationKey: key },
    );
    expect(again.user?.id).toBe(created.user!.id);
    const users = await collectAll(pc.customers.listUsers(customer.id));
    expect(users.map((u) => u.userPrincipalName).sort()).toEqual([
      'billing@rolesco.onmicrosoft.com',
      'it@rolesco.onmicrosoft.com',
    ]);
  });

  it('surfaces the routes the emulator does not implement (GDAP) as typed 404 errors', async () => {
    const gdap = await refusal(() =>
      pc.admin.createGdapRelationship({
        displayName: 'rolesco-gdap',
        duration: 'P730D',
        roleDefinitionIds: [GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID],
      }),
    );
    expect(gdap).toMatchObject({ httpStatus: 404, category: 'not_found' });
    const action = await refusal(() => pc.admin.requestGdapAction('missing', 'lockForApproval'));
    expect(action).toMatchObject({ httpStatus: 404 });
  });
});

describe('client ↔ emulator: coverage', () => {
  it('assigns every client operation to a test file', () => {
    const { client } = clientFor(emu);
    const all = (['customers', 'catalog', 'orders', 'subscriptions', 'billing', 'admin'] as const).flatMap(
      (area) => Object.keys(client[area]).map((name) => `${area}.${name}`),
    );
    const assigned = new Set<string>(Object.values(COVERAGE).flat());
    expect(all.filter((op) => !assigned.has(op))).toEqual([]);
    expect([...assigned].filter((op) => !all.includes(op))).toEqual([]);
  });

  it('ran every operation this file owns', () => {
    expectCovered(recorder, [
      ...COVERAGE.customers,
      'admin.createGdapRelationship',
      'admin.requestGdapAction',
    ]);
  });
});
