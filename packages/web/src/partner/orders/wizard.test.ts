import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../api';
import {
  type AdminForm,
  adminProblems,
  buildOrderPayload,
  EMPTY_ADMIN,
  EMPTY_NEW_TENANT,
  lineProblems,
  offerChoices,
  startProblems,
  tenantProblems,
  tenantSummary,
  type WizardLine,
  type WizardState,
  wizardProblems,
} from './wizard';

const offer = (term: string, billingCycle: string, countries: string[], retiredAt: string | null = null) => ({
  id: `${term}-${billingCycle}`,
  catalogItemId: 'P:S:O',
  term,
  billingCycle,
  segment: 'commercial',
  countries,
  retiredAt,
  prices: [],
});

const item = {
  id: 'x',
  source: 'microsoft',
  vendor: 'Microsoft',
  productFamily: null,
  productId: 'P',
  skuId: 'S',
  title: 'Thing',
  description: null,
  unit: 'licence',
  isAddon: false,
  retiredAt: null,
  offers: [
    offer('P1M', 'monthly', ['JP', 'DE']),
    offer('P1Y', 'monthly', ['JP']),
    offer('P1Y', 'annual', ['JP', 'DE']),
    offer('P3Y', 'annual', ['JP'], '2026-01-01'),
    offer('P1Y', 'monthly', ['JP']),
  ],
} satisfies CatalogItem;

describe('offer choices of the order wizard', () => {
  it('lists each buyable term and billing cycle once, annual terms first', () => {
    expect(offerChoices(item, 'jp').map((c) => c.value)).toEqual([
      'P1Y|annual',
      'P1Y|monthly',
      'P1M|monthly',
    ]);
  });

  it('leaves out offers of other markets and retired offers', () => {
    expect(offerChoices(item, 'DE').map((c) => c.value)).toEqual(['P1Y|annual', 'P1M|monthly']);
    expect(offerChoices(item, 'US')).toEqual([]);
  });
});

const customer = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Contoso KK',
  country: 'JP',
  hasTenant: false,
};
const base: WizardState = {
  customer,
  tenantMode: 'existing',
  newTenant: EMPTY_NEW_TENANT,
  existingDomain: '',
  lines: [],
  azurePlan: false,
  admin: EMPTY_ADMIN,
  start: 'now',
  startDate: '',
  reference: '',
};
const line = (over: Partial<WizardLine> = {}): WizardLine => ({
  key: 'k1',
  sku: 'P:S',
  title: 'Thing',
  term: 'P1Y',
  billingCycle: 'monthly',
  quantity: 5,
  item,
  ...over,
});
const addOnItem = { ...item, id: 'addon', isAddon: true, title: 'Add-on' } satisfies CatalogItem;
const BASE_SUB = '22222222-2222-4222-8222-222222222222';
const USER = '33333333-3333-4333-8333-333333333333';

describe('order payload per pattern', () => {
  it('services for an existing tenant: the domain the customer already has, trimmed and lower case', () => {
    const state = { ...base, existingDomain: '  NagoyaTrading.onmicrosoft.com ', lines: [line()] };
    expect(wizardProblems(state)).toEqual([]);
    expect(buildOrderPayload(state)).toEqual({
      customerId: customer.id,
      effective: 'now',
      tenant: { mode: 'existing', domain: 'nagoyatrading.onmicrosoft.com' },
      lines: [{ type: 'purchase', sku: 'P:S', quantity: 5, term: 'P1Y', billingCycle: 'monthly' }],
    });
    expect(tenantSummary(state)).toEqual({ kind: 'existing', domain: 'nagoyatrading.onmicrosoft.com' });
  });

  it('refuses an existing tenant without a proper domain', () => {
    for (const domain of ['', 'contoso', 'contoso .com', 'https://contoso.com']) {
      expect(tenantProblems({ ...base, existingDomain: domain })).toEqual(['existingDomain']);
    }
  });

  it('a new tenant: the domain prefix, contact and address, with the customer country', () => {
    const state: WizardState = {
      ...base,
      tenantMode: 'new',
      newTenant: {
        domainPrefix: 'contosokk',
        email: ' it@contoso.example ',
        firstName: 'Aoi',
        lastName: 'Kimura',
        addressLine1: '1-1 Marunouchi',
        city: 'Chiyoda-ku',
        postalCode: '100-0005',
      },
      lines: [line()],
      start: 'date',
      startDate: '2027-01-01',
      reference: ' PO-1 ',
    };
    expect(wizardProblems(state)).toEqual([]);
    const payload = buildOrderPayload(state);
    expect(payload.tenant).toEqual({
      mode: 'new',
      domainPrefix: 'contosokk',
      companyName: 'Contoso KK',
      email: 'it@contoso.example',
      contact: { firstName: 'Aoi', lastName: 'Kimura' },
      address: { addressLine1: '1-1 Marunouchi', city: 'Chiyoda-ku', postalCode: '100-0005', country: 'JP' },
    });
    expect(payload.effectiveDate).toBe('2027-01-01');
    expect(payload.effective).toBeUndefined();
    expect(payload.reference).toBe('PO-1');
    expect(
      tenantProblems({ ...state, newTenant: { ...state.newTenant, domainPrefix: 'Con-toso', email: 'x' } }),
    ).toEqual(['domainPrefix', 'email']);
  });

  it('an existing customer with a tenant orders more: no tenant in the order', () => {
    const state = {
      ...base,
      customer: { ...customer, hasTenant: true },
      lines: [line()],
      start: 'next_month' as const,
    };
    expect(wizardProblems(state)).toEqual([]);
    const payload = buildOrderPayload(state);
    expect(payload.tenant).toBeUndefined();
    expect(payload.effective).toBe('next_month');
    expect(tenantSummary(state)).toBeNull();
  });

  it('Azure plan with administrator rights for a new user', () => {
    const state: WizardState = {
      ...base,
      customer: { ...customer, hasTenant: true },
      azurePlan: true,
      admin: {
        ...EMPTY_ADMIN,
        mode: 'new',
        userName: ' Azure.Admin ',
        firstName: 'Aoi ',
        lastName: ' Kimura',
      },
    };
    expect(wizardProblems(state)).toEqual([]);
    expect(buildOrderPayload(state).lines).toEqual([
      { type: 'azure_plan' },
      {
        type: 'azure_admin',
        user: { new: { userName: 'azure.admin', firstName: 'Aoi', lastName: 'Kimura' } },
      },
    ]);
  });

  it('administrator rights for an existing user by its object id', () => {
    const admin: AdminForm = { ...EMPTY_ADMIN, mode: 'existing', existingUserId: USER };
    const state = { ...base, customer: { ...customer, hasTenant: true }, admin };
    expect(buildOrderPayload(state).lines).toEqual([{ type: 'azure_admin', user: { existingUserId: USER } }]);
    expect(adminProblems({ ...admin, existingUserId: 'someone@contoso.com' })).toEqual(['adminUserId']);
  });

  it('checks the new administrator: user name, first and last name', () => {
    expect(
      adminProblems({ ...EMPTY_ADMIN, mode: 'new', userName: 'a b', firstName: '', lastName: ' ' }),
    ).toEqual(['adminUserName', 'adminFirstName', 'adminLastName']);
    expect(adminProblems({ ...EMPTY_ADMIN, mode: 'none', userName: 'a b' })).toEqual([]);
  });

  it('an add-on needs its base subscription and becomes an add_on line', () => {
    const missing = {
      ...base,
      customer: { ...customer, hasTenant: true },
      lines: [line({ item: addOnItem })],
    };
    expect(lineProblems(missing)).toEqual(['baseSubscription']);
    const state = {
      ...missing,
      lines: [line({ item: addOnItem, parentSubscriptionId: BASE_SUB, quantity: 3 })],
    };
    expect(wizardProblems(state)).toEqual([]);
    expect(buildOrderPayload(state).lines).toEqual([
      {
        type: 'add_on',
        sku: 'P:S',
        quantity: 3,
        term: 'P1Y',
        billingCycle: 'monthly',
        parentSubscriptionId: BASE_SUB,
      },
    ]);
  });

  it('refuses an empty order, a zero quantity and a start date that is not a date', () => {
    const withTenant = { ...base, customer: { ...customer, hasTenant: true } };
    expect(lineProblems(withTenant)).toEqual(['noLines']);
    expect(lineProblems({ ...withTenant, lines: [line({ quantity: 0 })] })).toEqual(['quantity']);
    expect(startProblems({ start: 'date', startDate: '', reference: '' })).toEqual(['startDate']);
    expect(startProblems({ start: 'date', startDate: '2027-1-1', reference: '' })).toEqual(['startDate']);
    expect(startProblems({ start: 'now', startDate: '', reference: 'x'.repeat(101) })).toEqual(['reference']);
  });
});
