import { queryOptions } from '@tanstack/react-query';
import { api, apiGet } from '../../api/client';
import type { CatalogItem, Quote } from '../api';

// The quote form (QuotesPage): several lines, for a customer or for a prospect that is not a customer
// yet (POST /api/v1/quotes, packages/server/src/modules/quotes/quotes.routes.ts).

export interface QuoteFormLine {
  key: string;
  sku: string;
  title: string;
  term: string;
  billingCycle: string;
  /** As typed; checked before sending. */
  quantity: number | string;
  item: CatalogItem;
}

export interface ProspectForm {
  companyName: string;
  email: string;
  contactName: string;
  country: string;
  currency: string;
}

export interface QuoteForm {
  mode: 'customer' | 'prospect';
  customerId: string | null;
  prospect: ProspectForm;
  title: string;
  lines: QuoteFormLine[];
}

export type QuoteProblem =
  | 'customer'
  | 'companyName'
  | 'email'
  | 'country'
  | 'currency'
  | 'lines'
  | 'tooManyLines'
  | 'quantity';

export const MAX_QUOTE_LINES = 50;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A quantity as the server takes it: a whole number from 1 to 1,000,000; otherwise null. */
export function wholeQuantity(value: number | string): number | null {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= 1_000_000 ? n : null;
}

/** What keeps the form from being sent; empty when it can be. */
export function quoteProblems(form: QuoteForm): Set<QuoteProblem> {
  const problems = new Set<QuoteProblem>();
  if (form.mode === 'customer') {
    if (!form.customerId) problems.add('customer');
  } else {
    const p = form.prospect;
    if (!p.companyName.trim() || p.companyName.trim().length > 200) problems.add('companyName');
    if (!EMAIL.test(p.email.trim()) || p.email.trim().length > 254) problems.add('email');
    if (!/^[A-Z]{2}$/.test(p.country)) problems.add('country');
    if (!/^[A-Z]{3}$/.test(p.currency)) problems.add('currency');
  }
  if (form.lines.length === 0) problems.add('lines');
  if (form.lines.length > MAX_QUOTE_LINES) problems.add('tooManyLines');
  if (form.lines.some((line) => wholeQuantity(line.quantity) === null)) problems.add('quantity');
  return problems;
}

export interface QuoteLinePayload {
  sku: string;
  quantity: number;
  term: string;
  billingCycle: string;
}

export interface QuotePayload {
  customerId?: string;
  prospect?: { companyName: string; email: string; contactName?: string; country: string; currency: string };
  title?: string;
  lines: QuoteLinePayload[];
}

/** The body of POST /api/v1/quotes for a form without problems. */
export function quotePayload(form: QuoteForm): QuotePayload {
  const lines = form.lines.map((line) => ({
    sku: line.sku,
    quantity: wholeQuantity(line.quantity) ?? 0,
    term: line.term,
    billingCycle: line.billingCycle,
  }));
  const title = form.title.trim();
  if (form.mode === 'customer') {
    return { customerId: form.customerId ?? '', ...(title ? { title } : {}), lines };
  }
  const p = form.prospect;
  return {
    prospect: {
      companyName: p.companyName.trim(),
      email: p.email.trim(),
      ...(p.contactName.trim() ? { contactName: p.contactName.trim() } : {}),
      country: p.country,
      currency: p.currency,
    },
    ...(title ? { title } : {}),
    lines,
  };
}

export interface QuoteExplanation {
  summary?: string;
  steps?: { label: string; formula: string; result: string }[];
}

export interface QuoteTotal {
  net: string;
  tax: string;
  gross: string;
  currency: string;
  taxExplanation: string;
}

/** A quote as GET /api/v1/quotes/:id returns it, with what the list type leaves out. */
export interface QuoteDetailView extends Omit<Quote, 'lines' | 'totals'> {
  prospect: {
    companyName: string;
    email?: string;
    contactName?: string;
    country: string;
    currency: string;
  } | null;
  shared: boolean;
  lines: (Quote['lines'][number] & {
    position: number;
    periodsPerTerm: number | null;
    totalPerTerm: string | null;
    explanation: QuoteExplanation;
  })[];
  totals: {
    currency: string;
    byBillingCycle: (QuoteTotal & { billingCycle: string })[];
    term: QuoteTotal;
  };
}

export interface SentQuote {
  quote: QuoteDetailView;
  shareToken: string;
  shareUrl: string;
  sharePdfUrl: string;
}

export const quoteDetailQuery = (id: string) =>
  queryOptions({
    queryKey: ['quotes', 'detail', id],
    queryFn: ({ signal }) => apiGet<QuoteDetailView>(`/api/v1/quotes/${encodeURIComponent(id)}`, signal),
    retry: false,
  });

export const saveQuote = (payload: QuotePayload) => api<QuoteDetailView>('POST', '/api/v1/quotes', payload);

export const sendQuote = (id: string) =>
  api<SentQuote>('POST', `/api/v1/quotes/${encodeURIComponent(id)}/send`, {});

export const acceptQuote = (id: string, body: { tenant?: TenantPayload } = {}) =>
  api<{ quote: QuoteDetailView; order: { id: string } }>(
    'POST',
    `/api/v1/quotes/${encodeURIComponent(id)}/accept`,
    body,
  );

/** The Microsoft tenant a prospect (or a customer without one) gets when its quote is accepted. */
export interface TenantForm {
  mode: 'new' | 'existing';
  domainPrefix: string;
  domain: string;
  email: string;
  firstName: string;
  lastName: string;
  addressLine1: string;
  city: string;
  postalCode: string;
}

export type TenantProblem =
  | 'domainPrefix'
  | 'domain'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'addressLine1'
  | 'city'
  | 'postalCode';

export type TenantPayload =
  | { mode: 'existing'; domain: string }
  | {
      mode: 'new';
      domainPrefix: string;
      companyName: string;
      email: string;
      contact: { firstName: string; lastName: string };
      address: { addressLine1: string; city: string; postalCode: string; country?: string };
    };

export const emptyTenantForm = (email = ''): TenantForm => ({
  mode: 'new',
  domainPrefix: '',
  domain: '',
  email,
  firstName: '',
  lastName: '',
  addressLine1: '',
  city: '',
  postalCode: '',
});

export function tenantProblems(form: TenantForm): Set<TenantProblem> {
  const problems = new Set<TenantProblem>();
  if (form.mode === 'existing') {
    if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(form.domain.trim())) problems.add('domain');
    return problems;
  }
  if (!/^[a-z0-9]{2,27}$/.test(form.domainPrefix.trim())) problems.add('domainPrefix');
  if (!EMAIL.test(form.email.trim())) problems.add('email');
  if (!form.firstName.trim()) problems.add('firstName');
  if (!form.lastName.trim()) problems.add('lastName');
  if (!form.addressLine1.trim()) problems.add('addressLine1');
  if (!form.city.trim()) problems.add('city');
  if (!form.postalCode.trim()) problems.add('postalCode');
  return problems;
}

/** `country` defaults on the server to the customer's. */
export function tenantPayload(form: TenantForm, companyName: string, country?: string): TenantPayload {
  if (form.mode === 'existing') return { mode: 'existing', domain: form.domain.trim().toLowerCase() };
  return {
    mode: 'new',
    domainPrefix: form.domainPrefix.trim(),
    companyName,
    email: form.email.trim(),
    contact: { firstName: form.firstName.trim(), lastName: form.lastName.trim() },
    address: {
      addressLine1: form.addressLine1.trim(),
      city: form.city.trim(),
      postalCode: form.postalCode.trim(),
      ...(country ? { country } : {}),
    },
  };
}

/** Markets offered for a prospect; the seller's own comes first when it is not in the list. */
export const PROSPECT_COUNTRIES = ['JP', 'US', 'GB', 'DE', 'FR', 'AT', 'CH', 'NL', 'AU', 'SG', 'KR', 'CA'];
export const PROSPECT_CURRENCIES = ['JPY', 'USD', 'EUR', 'GBP', 'CHF', 'AUD', 'SGD', 'KRW', 'CAD'];

export function withOwn(list: readonly string[], own: string): string[] {
  return own && !list.includes(own) ? [own, ...list] : [...list];
}
