import { queryOptions } from '@tanstack/react-query';
import { apiGet, withQuery } from '../api/client';
import type { Page } from '../api/types';

/** Invoices the company received (#7 billing). */

export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: string;
  overdue: boolean;
  period: string;
  issuer: { id: string; name: string };
  currency: string;
  net: string;
  tax: string;
  gross: string;
  balance: string;
  issueDate: string | null;
  dueDate: string | null;
}

export interface InvoiceLine {
  id: string;
  position: number;
  description: string;
  periodStart: string | null;
  periodEnd: string | null;
  quantity: string;
  unitPrice: string | null;
  amount: string;
  taxRate: string;
  explanation: { summary?: string; steps?: { label: string; formula: string; result: string }[] };
}

export interface Invoice extends InvoiceSummary {
  taxByRate: { percent: string; net: string; tax: string; gross: string }[];
  lines: InvoiceLine[];
}

export const invoicesQuery = queryOptions({
  queryKey: ['invoices', 'panel'],
  queryFn: ({ signal }) =>
    apiGet<Page<InvoiceSummary>>(
      withQuery('/api/v1/invoices', { direction: 'received', limit: 100 }),
      signal,
    ),
});

export const invoiceQuery = (id: string) =>
  queryOptions({
    queryKey: ['invoices', 'detail', id],
    queryFn: ({ signal }) => apiGet<Invoice>(`/api/v1/invoices/${encodeURIComponent(id)}`, signal),
    retry: false,
  });
