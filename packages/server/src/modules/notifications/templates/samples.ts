import type { EventDataMap, EventType } from '../event-types.ts';

/** Example data for the template preview: realistic values, no real records. */
export const SAMPLE_DATA: { [T in EventType]: EventDataMap[T] } = {
  provisioning_completed: {
    orderId: 'ord-20260315-0042',
    customerName: 'Contoso Japan',
    items: [
      { title: 'Microsoft 365 Business Standard', quantity: 25 },
      { title: 'Microsoft Defender for Business', quantity: 25 },
    ],
  },
  change_completed: {
    customerName: 'Contoso Japan',
    subscriptionId: 'sub-0001',
    subscriptionTitle: 'Microsoft 365 Business Standard',
    change: 'quantity_changed',
    quantityBefore: 25,
    quantityAfter: 30,
  },
  order_failed: {
    orderId: 'ord-20260315-0043',
    customerName: 'Contoso Japan',
    reason: 'Partner Center refused the order: the customer has not accepted the reseller relationship.',
  },
  order_awaiting_approval: {
    orderId: 'ord-20260315-0044',
    customerName: 'Contoso Japan',
    total: { amount: '187500', currency: 'JPY' },
    reason: 'Usage exceeds the credit level "approval required".',
  },
  scheduled_change_executed: {
    customerName: 'Contoso Japan',
    subscriptionId: 'sub-0001',
    subscriptionTitle: 'Microsoft 365 Business Standard',
    change: 'quantity_changed',
    effectiveOn: '2026-04-01',
    quantityAfter: 20,
  },
  renewal_notice: {
    customerName: 'Contoso Japan',
    subscriptionId: 'sub-0001',
    subscriptionTitle: 'Microsoft 365 Business Standard',
    termEnd: '2026-06-01',
    autoRenew: true,
    quantity: 25,
    monthsBefore: 2,
  },
  budget_threshold: {
    customerName: 'Contoso Japan',
    period: '2026-03',
    threshold: '50',
    planned: { amount: '100000', currency: 'JPY' },
    monthToDate: { amount: '51230', currency: 'JPY' },
  },
  usage_spike: {
    customerName: 'Contoso Japan',
    date: '2026-03-14',
    amount: { amount: '8420', currency: 'JPY' },
    previous: [
      { date: '2026-03-13', amount: { amount: '3910', currency: 'JPY' } },
      { date: '2026-03-12', amount: { amount: '4105', currency: 'JPY' } },
    ],
  },
  forecast_over_budget: {
    customerName: 'Contoso Japan',
    period: '2026-03',
    forecast: { amount: '131400', currency: 'JPY' },
    planned: { amount: '100000', currency: 'JPY' },
    monthToDate: { amount: '59200', currency: 'JPY' },
  },
  provisional_credit_exceeded: {
    subjectName: 'Contoso Japan',
    period: '2026-03',
    usage: { amount: '412000', currency: 'JPY' },
    provisionalCredit: { amount: '400000', currency: 'JPY' },
  },
  credit_level: {
    subjectName: 'Contoso Japan',
    period: '2026-03',
    level: 'approval_required',
    trigger: 'usage',
    amount: { amount: '520000', currency: 'JPY' },
    levelAmount: { amount: '500000', currency: 'JPY' },
  },
  invoice_issued: {
    invoiceId: 'inv-0001',
    invoiceNumber: 'INV-2026-000123',
    issuerName: 'Reseller A Cloud',
    total: { amount: '206250', currency: 'JPY' },
    issueDate: '2026-04-01',
    dueDate: '2026-04-30',
  },
  payment_overdue: {
    invoiceId: 'inv-0001',
    invoiceNumber: 'INV-2026-000123',
    amountDue: { amount: '206250', currency: 'JPY' },
    dueDate: '2026-04-30',
    daysOverdue: 7,
  },
  webhook_endpoint_disabled: {
    endpointId: 'whe-0001',
    url: 'https://erp.example.com/hooks/cspc',
    failures: 15,
    lastError: 'HTTP 503',
  },
};
