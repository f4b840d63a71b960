import { infiniteQueryOptions, keepPreviousData, queryOptions } from '@tanstack/react-query';
import { api, apiGet, withQuery } from '../../api/client';
import type { Organization, Page } from '../../api/types';
import { formatDate } from '../../format';
import { PARTNER_PAGE_SIZE } from '../api';

// Shapes and calls of the billing screens (docs/billing.md). Query keys start with `invoices`,
// `credit-notes`, `billing-runs` or `billing-profile`, so a whole resource is invalidated at once.

export const INVOICE_STATUSES = ['draft', 'issued', 'paid', 'void'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const PAYMENT_METHODS = ['bank_transfer', 'card', 'direct_debit', 'cash', 'other'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const LINE_KINDS = ['license', 'usage', 'own_service', 'discount', 'manual'] as const;

export interface Party {
  id: string;
  name: string;
}

export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: string;
  overdue: boolean;
  period: string;
  issuer: Party;
  recipient: Party;
  currency: string;
  net: string;
  tax: string;
  gross: string;
  paid: string;
  balance: string;
  issueDate: string | null;
  dueDate: string | null;
  direction: 'issued' | 'received';
  version: number;
  createdAt: string;
}

export interface TaxRate {
  treatment: string;
  rate: string | null;
  percent: string;
  net: string;
  tax: string;
  gross: string;
}

export interface ExplanationStep {
  label: string;
  formula: string;
  result: string;
}

export interface Explanation {
  summary?: string;
  steps?: ExplanationStep[];
  proposedTotal?: string;
  previouslyInvoiced?: string;
}

export interface InvoiceLineFields {
  position: number;
  kind: string;
  sourceKey: string;
  description: string;
  periodStart: string | null;
  periodEnd: string | null;
  quantity: string;
  unitPrice: string | null;
  unrounded: string;
  amount: string;
  taxRate: string;
}

export interface InvoiceLine extends InvoiceLineFields {
  id: string;
  explanation: Explanation;
}

export interface Payment {
  id: string;
  amount: string;
  currency: string;
  paidOn: string;
  method: string;
  reference: string;
}

export interface Invoice extends InvoiceSummary {
  taxPolicy: string;
  pricesIncludeTax: boolean;
  taxByRate: TaxRate[];
  locale: string;
  issuerDetails: Record<string, unknown>;
  recipientDetails: Record<string, unknown>;
  notes: { code: string; text: string }[];
  voidReason: string | null;
  lines: InvoiceLine[];
  payments: Payment[];
  creditNotes: { id: string; number: string; gross: string; issueDate: string }[];
}

export interface InvoicePreview {
  issuer: Party;
  recipient: Party;
  period: string;
  invoices: {
    currency: string;
    net: string;
    tax: string;
    gross: string;
    taxByRate: TaxRate[];
    lines: InvoiceLineFields[];
    explanations: Explanation[];
  }[];
  skipped: { subscriptionId: string; reason: string }[];
}

export interface CreditNote {
  id: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string | null;
  issuer: Party;
  recipient: Party;
  currency: string;
  reason: string;
  net: string;
  tax: string;
  gross: string;
  taxByRate: TaxRate[];
  issueDate: string;
  lines: {
    position: number;
    invoiceLineId: string | null;
    description: string;
    amount: string;
    taxRate: string;
  }[];
  createdAt: string;
}

export interface BillingRun {
  id: string;
  sellerId: string;
  period: string;
  status: string;
  issue: boolean;
  recipientsTotal: number;
  recipientsDone: number;
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesIssued: number;
  linesWritten: number;
  attempts: number;
  error: string | null;
  startedBy: string;
  startedAt: string;
  finishedAt: string | null;
}

export interface BillingRunResult {
  runId: string;
  status: string;
  resumed: boolean;
  recipients: number;
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesUnchanged: number;
  invoicesRemoved: number;
  invoicesIssued: number;
  linesWritten: number;
  skipped: { recipientId: string; subscriptionId: string; reason: string }[];
  errors: { recipientId: string; code: string; message: string }[];
  durationMs: number;
}

export interface BillingProfileFields {
  currency: string;
  billingDay: number;
  paymentTermsDays: number;
  registrationNumber: string | null;
  vatId: string | null;
  taxRounding: 'down' | 'half-up' | 'up';
  pricesIncludeTax: boolean;
  bankDetails: string;
  invoiceLocale: 'ja' | 'en' | 'de';
  numberPrefix: string;
  numberDigits: number;
  usagePolicy: 'billed' | 'unbilled';
}

export interface BillingProfile extends BillingProfileFields {
  organizationId: string;
  organizationName: string;
  country: string;
  timeZone: string;
  version: number;
  stored: boolean;
}

export interface InvoiceFilter {
  status?: string;
  period?: string;
  direction?: string;
  counterpartyId?: string;
}

const invoicePath = (id: string) => `/api/v1/invoices/${encodeURIComponent(id)}`;

export const invoiceListQuery = (filter: InvoiceFilter) =>
  infiniteQueryOptions({
    queryKey: ['invoices', 'list', filter],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<InvoiceSummary>>(
        withQuery('/api/v1/invoices', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, ...filter }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    placeholderData: keepPreviousData,
  });

export const invoiceQuery = (id: string) =>
  queryOptions({
    queryKey: ['invoices', 'detail', id],
    queryFn: ({ signal }) => apiGet<Invoice>(invoicePath(id), signal),
    retry: false,
  });

export const invoicePdfUrl = (id: string, locale: string) => withQuery(`${invoicePath(id)}/pdf`, { locale });
export const invoiceCsvUrl = (id: string) => withQuery(`${invoicePath(id)}/export`, { format: 'csv' });

export const issueInvoice = (id: string) => api<Invoice>('POST', `${invoicePath(id)}/issue`, {});
export const voidInvoice = (id: string, reason: string) =>
  api<Invoice>('POST', `${invoicePath(id)}/void`, { reason });
export const recordPayment = (
  id: string,
  input: { amount: string; currency: string; paidOn: string; method: PaymentMethod; reference?: string },
) => api<Invoice>('POST', `${invoicePath(id)}/payments`, input);

export const createCreditNote = (input: {
  invoiceId: string;
  reason: string;
  lines?: { invoiceLineId: string; amount: string }[];
}) => api<CreditNote>('POST', '/api/v1/credit-notes', input);

export const creditNoteListQuery = (invoiceId?: string) =>
  infiniteQueryOptions({
    queryKey: ['credit-notes', 'list', invoiceId ?? null],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<CreditNote>>(
        withQuery('/api/v1/credit-notes', { limit: PARTNER_PAGE_SIZE, cursor: pageParam, invoiceId }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const billingRunsQuery = () =>
  infiniteQueryOptions({
    queryKey: ['billing-runs', 'list'],
    queryFn: ({ pageParam, signal }) =>
      apiGet<Page<BillingRun>>(
        withQuery('/api/v1/billing-runs', { limit: PARTNER_PAGE_SIZE, cursor: pageParam }),
        signal,
      ),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const startBillingRun = (input: { period: string; issue: boolean }) =>
  api<BillingRunResult>('POST', '/api/v1/billing-runs', input);

export const invoicePreviewQuery = (customerId: string, period: string) =>
  queryOptions({
    queryKey: ['invoices', 'preview', customerId, period],
    queryFn: ({ signal }) =>
      apiGet<InvoicePreview>(withQuery('/api/v1/invoices/preview', { customerId, period }), signal),
    retry: false,
  });

export const billingProfileQuery = () =>
  queryOptions({
    queryKey: ['billing-profile'],
    queryFn: ({ signal }) => apiGet<BillingProfile>('/api/v1/billing-profile', signal),
  });

export const saveBillingProfile = (input: Partial<BillingProfileFields>) =>
  api<BillingProfile>('PUT', '/api/v1/billing-profile', input);

/** Organisations below the caller (customers and resellers) for the counterparty and preview pickers. */
export const counterpartyOptionsQuery = () =>
  queryOptions({
    queryKey: ['organizations', 'billing-counterparties'],
    queryFn: ({ signal }) =>
      apiGet<Page<Organization>>(withQuery('/api/v1/organizations', { limit: 200 }), signal),
  });

/** The Japanese qualified-invoice registration number: T and 13 digits. */
export const isRegistrationNumber = (value: string) => /^T\d{13}$/.test(value);

/** The current month and the one before as YYYY-MM (UTC; the server decides what has started). */
export function monthOf(date: Date, offset = 0): string {
  const d = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** A plain `YYYY-MM-DD` (issue, due, payment dates) in the UI language, without time-zone shifts. */
export const calendarDay = (value: string, locale: string) =>
  formatDate(`${value.slice(0, 10)}T00:00:00Z`, locale, 'UTC');

/** Service periods end exclusive; people read the last day. */
export function dayBefore(value: string): string {
  const d = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

/** Today as YYYY-MM-DD in a time zone (a payment's default date). */
export function todayIn(timeZone: string | undefined, now = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** The last `count` months, newest first, as Select options labelled in the UI language. */
export function monthOptions(locale: string, now = new Date(), count = 25) {
  const label = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', timeZone: 'UTC' });
  return Array.from({ length: count }, (_, index) => {
    const value = monthOf(now, -index);
    return { value, label: label.format(new Date(`${value}-01T00:00:00Z`)) };
  });
}

export const MARGIN_GROUPS = ['customer', 'reseller', 'product'] as const;
export type MarginGroupBy = (typeof MARGIN_GROUPS)[number];

export interface MarginRow {
  key: string | null;
  name: string;
  currency: string;
  revenue: string;
  cost: string;
  margin: string;
  marginPercent: string | null;
}

export interface MarginReport {
  period: string;
  groupBy: MarginGroupBy;
  costBasis: string;
  rows: MarginRow[];
  totals: Omit<MarginRow, 'key' | 'name'>[];
  warnings: string[];
}

export const marginReportQuery = (period: string, groupBy: MarginGroupBy) =>
  queryOptions({
    queryKey: ['reports', 'margin', period, groupBy],
    queryFn: ({ signal }) =>
      apiGet<MarginReport>(withQuery('/api/v1/reports/margin', { period, groupBy }), signal),
    placeholderData: keepPreviousData,
  });

export const marginCsvUrl = (period: string, groupBy: MarginGroupBy) =>
  withQuery('/api/v1/reports/margin', { period, groupBy, format: 'csv' });
