import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { Organization } from '../api/types';
import {
  BRANDING_FIELDS,
  brandingFormOf,
  checkBranding,
  checkOrgForm,
  checkUserForm,
  fieldsOfError,
  grantableRoles,
  isLogoUrl,
  logoFileProblem,
  MAX_LOGO_BYTES,
  newOrgForm,
  normaliseColour,
  ORG_FIELDS,
  orgFormOf,
  readableTextOn,
  toBranding,
  toCreateBody,
  toUpdateBody,
} from './form';

const customer: Organization = {
  id: '11111111-1111-4111-8111-111111111111',
  parentId: '22222222-2222-4222-8222-222222222222',
  kind: 'customer',
  name: 'Contoso Japan',
  country: 'JP',
  currency: 'JPY',
  timeZone: 'Asia/Tokyo',
  locale: 'ja',
  tenantId: null,
  domains: ['contoso.onmicrosoft.com'],
  childCount: 0,
  createdAt: '2026-01-01T00:00:00Z',
};

describe('organisation form', () => {
  it('starts a new organisation with the parent’s settings and an empty name', () => {
    const values = newOrgForm({ country: 'DE', currency: 'EUR', timeZone: 'Europe/Berlin', locale: 'de' });
    expect(values).toEqual({
      name: '',
      country: 'DE',
      currency: 'EUR',
      timeZone: 'Europe/Berlin',
      locale: 'de',
      tenantId: '',
      domains: [],
    });
    expect(newOrgForm({ ...customer, locale: 'fr' }).locale).toBe('en');
  });

  it('maps a new customer to the create body, trimming and normalising', () => {
    const values = {
      ...newOrgForm(customer),
      name: '  Fabrikam KK ',
      tenantId: ' 72F988BF-86F1-41AF-91AB-2D7CD011DB47 ',
      domains: ['Fabrikam.onmicrosoft.com', 'fabrikam.onmicrosoft.com', ' '],
    };
    expect(toCreateBody(customer.parentId!, 'customer', values)).toEqual({
      parentId: customer.parentId,
      kind: 'customer',
      name: 'Fabrikam KK',
      country: 'JP',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      locale: 'ja',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      domains: ['fabrikam.onmicrosoft.com'],
    });
  });

  it('leaves tenant and domains out for a reseller', () => {
    const values = { ...newOrgForm(customer), name: 'Reseller C', tenantId: 'x', domains: ['a.example'] };
    const body = toCreateBody(customer.parentId!, 'reseller', values);
    expect(body).not.toHaveProperty('tenantId');
    expect(body).not.toHaveProperty('domains');
  });

  it('sends only the changed fields on update', () => {
    expect(toUpdateBody(customer, orgFormOf(customer))).toEqual({});
    const values = { ...orgFormOf(customer), name: 'Contoso KK', currency: 'USD', domains: [] };
    expect(toUpdateBody(customer, values)).toEqual({ name: 'Contoso KK', currency: 'USD', domains: [] });
    expect(toUpdateBody({ ...customer, tenantId: 'abc' }, { ...orgFormOf(customer), tenantId: '' })).toEqual({
      tenantId: null,
    });
  });

  it('names the fields that are wrong before anything is sent', () => {
    expect(checkOrgForm(orgFormOf(customer), 'customer')).toEqual([]);
    const bad = {
      ...orgFormOf(customer),
      name: '  ',
      country: 'jp',
      tenantId: 'not-a-guid',
      domains: ['no_dots'],
    };
    expect(checkOrgForm(bad, 'customer')).toEqual(['name', 'country', 'tenantId', 'domains']);
    // A reseller has no tenant, so a leftover value there is not an error.
    expect(checkOrgForm({ ...orgFormOf(customer), tenantId: 'x' }, 'reseller')).toEqual([]);
  });

  it('maps the server’s 400 details onto the form’s fields', () => {
    const schema = new ApiError(400, 'validation_failed', '…', [
      { field: 'body/name', message: 'must NOT have fewer than 1 characters' },
      { field: 'body/domains.0', message: 'too long' },
      { field: 'body/unknown', message: 'x' },
    ]);
    expect(fieldsOfError(schema, ORG_FIELDS)).toEqual(['name', 'domains']);
    const own = new ApiError(400, 'validation_failed', '…', [
      { field: 'currency', message: 'Use a three-letter ISO 4217 currency code such as JPY.' },
      { field: 'branding.primaryColor', message: 'Use a colour of the form #1a2b3c.' },
    ]);
    expect(fieldsOfError(own, ORG_FIELDS)).toEqual(['currency']);
    expect(fieldsOfError(own, BRANDING_FIELDS)).toEqual(['primaryColor']);
    expect(fieldsOfError(new Error('x'), ORG_FIELDS)).toEqual([]);
    expect(fieldsOfError(new ApiError(409, 'tenant_taken', '…'), ORG_FIELDS)).toEqual([]);
  });
});

describe('branding', () => {
  it('normalises colours typed in different ways', () => {
    expect(normaliseColour('1C5FD4')).toBe('#1c5fd4');
    expect(normaliseColour(' #1c5fd4 ')).toBe('#1c5fd4');
    expect(normaliseColour('#15d')).toBe('#1155dd');
    expect(normaliseColour('blue')).toBe('blue');
  });

  it('refuses colours and logos the server would refuse', () => {
    const ok = {
      displayName: 'Reseller A',
      logoUrl: 'https://cdn.example/logo.svg',
      primaryColor: '#0f766e',
      accentColor: '',
    };
    expect(checkBranding(ok)).toEqual([]);
    expect(
      checkBranding({
        displayName: 'x'.repeat(201),
        logoUrl: 'http://insecure.example/a.png',
        primaryColor: '#12345',
        accentColor: 'red',
      }),
    ).toEqual(['displayName', 'logoUrl', 'primaryColor', 'accentColor']);
    expect(isLogoUrl('data:image/png;base64,iVBORw0KGgo=')).toBe(true);
    expect(isLogoUrl('data:image/gif;base64,R0lGOD')).toBe(false);
    expect(isLogoUrl('javascript:alert(1)')).toBe(false);
  });

  it('limits uploaded logos by type and size', () => {
    expect(logoFileProblem({ type: 'image/png', size: 1024 })).toBeNull();
    expect(logoFileProblem({ type: 'image/gif', size: 1024 })).toBe('logoType');
    expect(logoFileProblem({ type: 'image/svg+xml', size: MAX_LOGO_BYTES + 1 })).toBe('logoSize');
    // The largest allowed image still fits the server's 200,000-character limit as a data URL.
    expect(Math.ceil(MAX_LOGO_BYTES / 3) * 4 + 'data:image/svg+xml;base64,'.length).toBeLessThanOrEqual(
      200_000,
    );
  });

  it('sends the whole brand, leaving empty fields out', () => {
    expect(toBranding(brandingFormOf({}))).toEqual({});
    expect(toBranding({ displayName: ' A ', logoUrl: '', primaryColor: '#0F766E', accentColor: '' })).toEqual(
      {
        displayName: 'A',
        primaryColor: '#0f766e',
      },
    );
  });

  it('picks readable text on light and dark colours', () => {
    expect(readableTextOn('#ffd43b')).toBe('#000000');
    expect(readableTextOn('#1c5fd4')).toBe('#ffffff');
    // Mid-tone green: white, as the console's buttons show it (Mantine's 0.3 threshold).
    expect(readableTextOn('#2b8a3e')).toBe('#ffffff');
    expect(readableTextOn('oops')).toBe('#ffffff');
  });
});

describe('users', () => {
  it('offers the roles the caller may grant in this kind of organisation', () => {
    expect(grantableRoles('admin', 'customer')).toEqual(['customer_admin', 'customer_user']);
    expect(grantableRoles('admin', 'reseller')).toEqual(['admin', 'sales', 'billing', 'readonly']);
    expect(grantableRoles('customer_admin', 'customer')).toEqual(['customer_admin', 'customer_user']);
    expect(grantableRoles('customer_admin', 'reseller')).toEqual([]);
    expect(grantableRoles('sales', 'customer')).toEqual([]);
  });

  it('checks the invitation', () => {
    expect(checkUserForm({ email: 'a@b.example', name: 'A', role: 'customer_user', locale: 'ja' })).toEqual(
      [],
    );
    expect(checkUserForm({ email: 'not-an-email', name: ' ', role: null, locale: 'ja' })).toEqual([
      'email',
      'name',
      'role',
    ]);
  });
});
