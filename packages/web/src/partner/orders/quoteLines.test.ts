import { describe, expect, it } from 'vitest';
import type { CatalogItem } from '../api';
import {
  emptyTenantForm,
  type QuoteForm,
  quotePayload,
  quoteProblems,
  tenantPayload,
  tenantProblems,
  wholeQuantity,
  withOwn,
} from './quoteLines';

const item = { id: 'x', productId: 'CFQ7TTC0LH18', skuId: '0001', title: 'Business Basic' } as CatalogItem;
const line = (quantity: number | string, key = 'l1') => ({
  key,
  sku: 'CFQ7TTC0LH18:0001',
  title: 'Business Basic',
  term: 'P1Y',
  billingCycle: 'monthly',
  quantity,
  item,
});

const prospectForm = (over: Partial<QuoteForm['prospect']> = {}): QuoteForm => ({
  mode: 'prospect',
  customerId: null,
  prospect: {
    companyName: ' Prospect KK ',
    email: 'buyer@prospect.example ',
    contactName: '',
    country: 'JP',
    currency: 'JPY',
    ...over,
  },
  title: '',
  lines: [line(3), line('2', 'l2')],
});

describe('quote form', () => {
  it('takes whole quantities from 1 to 1,000,000 only', () => {
    expect(wholeQuantity(1)).toBe(1);
    expect(wholeQuantity('12')).toBe(12);
    expect(wholeQuantity(1_000_000)).toBe(1_000_000);
    for (const bad of [0, -1, 1.5, '', '1.5', 'abc', '1e3', 1_000_001]) expect(wholeQuantity(bad)).toBeNull();
  });

  it('sends a prospect with two lines, trimmed, without empty optional fields', () => {
    const form = prospectForm();
    expect([...quoteProblems(form)]).toEqual([]);
    expect(quotePayload(form)).toEqual({
      prospect: {
        companyName: 'Prospect KK',
        email: 'buyer@prospect.example',
        country: 'JP',
        currency: 'JPY',
      },
      lines: [
        { sku: 'CFQ7TTC0LH18:0001', quantity: 3, term: 'P1Y', billingCycle: 'monthly' },
        { sku: 'CFQ7TTC0LH18:0001', quantity: 2, term: 'P1Y', billingCycle: 'monthly' },
      ],
    });
  });

  it('sends a customer quote with its title', () => {
    const form: QuoteForm = { ...prospectForm(), mode: 'customer', customerId: 'c-1', title: ' Renewal ' };
    expect([...quoteProblems(form)]).toEqual([]);
    const payload = quotePayload(form);
    expect(payload).toMatchObject({ customerId: 'c-1', title: 'Renewal' });
    expect(payload.prospect).toBeUndefined();
  });

  it('names every problem', () => {
    expect([...quoteProblems({ ...prospectForm(), mode: 'customer' })]).toEqual(['customer']);
    const bad = prospectForm({ companyName: '  ', email: 'not-an-email', country: 'j', currency: '' });
    expect([...quoteProblems({ ...bad, lines: [] })]).toEqual([
      'companyName',
      'email',
      'country',
      'currency',
      'lines',
    ]);
    expect([...quoteProblems({ ...prospectForm(), lines: [line(0)] })]).toEqual(['quantity']);
    const many = Array.from({ length: 51 }, (_, i) => line(1, `l${i}`));
    expect([...quoteProblems({ ...prospectForm(), lines: many })]).toEqual(['tooManyLines']);
  });

  it("puts the seller's own country first when the list lacks it", () => {
    expect(withOwn(['JP', 'US'], 'NZ')).toEqual(['NZ', 'JP', 'US']);
    expect(withOwn(['JP', 'US'], 'US')).toEqual(['JP', 'US']);
  });

  it('asks a prospect for a new tenant with its contact and address, or an existing domain', () => {
    const empty = emptyTenantForm('buyer@prospect.example');
    expect([...tenantProblems(empty)]).toEqual([
      'domainPrefix',
      'firstName',
      'lastName',
      'addressLine1',
      'city',
      'postalCode',
    ]);
    const filled = {
      ...empty,
      domainPrefix: 'prospectkk',
      firstName: ' Aoi ',
      lastName: 'Kimura',
      addressLine1: '1-1 Marunouchi',
      city: 'Chiyoda-ku',
      postalCode: '100-0005',
    };
    expect([...tenantProblems(filled)]).toEqual([]);
    expect([...tenantProblems({ ...filled, domainPrefix: 'Prospect-KK' })]).toEqual(['domainPrefix']);
    expect(tenantPayload(filled, 'Prospect KK', 'JP')).toEqual({
      mode: 'new',
      domainPrefix: 'prospectkk',
      companyName: 'Prospect KK',
      email: 'buyer@prospect.example',
      contact: { firstName: 'Aoi', lastName: 'Kimura' },
      address: { addressLine1: '1-1 Marunouchi', city: 'Chiyoda-ku', postalCode: '100-0005', country: 'JP' },
    });
    expect(tenantPayload(filled, 'Prospect KK')).not.toHaveProperty('address.country');
    const existing = { ...empty, mode: 'existing' as const };
    expect([...tenantProblems(existing)]).toEqual(['domain']);
    expect([...tenantProblems({ ...existing, domain: 'Contoso.onmicrosoft.com' })]).toEqual([]);
    expect(tenantPayload({ ...existing, domain: 'Contoso.onmicrosoft.com' }, 'x')).toEqual({
      mode: 'existing',
      domain: 'contoso.onmicrosoft.com',
    });
  });
});
