import type { Role } from '../../db/schema.ts';

/**
 * The business events the product notifies about. Other modules publish them (publish.ts); this
 * file says what each carries and who hears about it by default.
 */
export const EVENT_TYPES = [
  'provisioning_completed',
  'change_completed',
  'order_failed',
  'order_awaiting_approval',
  'scheduled_change_executed',
  'renewal_notice',
  'budget_threshold',
  'usage_spike',
  'forecast_over_budget',
  'provisional_credit_exceeded',
  'credit_level',
  'invoice_issued',
  'payment_overdue',
  'webhook_endpoint_disabled',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

/** A decimal amount as a string with its currency: amounts never travel as JS numbers. */
export interface Amount {
  amount: string;
  currency: string;
}

/** `YYYY-MM-DD` */
type PlainDate = string;

/** What happened to a subscription (the subscriptions module's event kinds that people are told about). */
export type ChangeKind =
  | 'quantity_changed'
  | 'suspended'
  | 'reactivated'
  | 'cancelled'
  | 'auto_renew_changed'
  | 'upgraded'
  | 'renewed'
  | 'add_on';

export type CreditLevelName = 'warning' | 'approval_required' | 'purchase_blocked';

/**
 * The data of each event type, as publishers must provide it. Names are display names at the time
 * of the event (a notice keeps saying what was true when it was sent). `explanation` carries the
 * core's summary of an alert, shown under the message.
 */
export interface EventDataMap {
  provisioning_completed: {
    orderId: string;
    customerName: string;
    items: { title: string; quantity: number }[];
  };
  change_completed: {
    customerName: string;
    subscriptionId: string;
    subscriptionTitle: string;
    change: ChangeKind;
    quantityBefore?: number | null;
    quantityAfter?: number | null;
  };
  order_failed: { orderId: string; customerName: string; reason: string };
  order_awaiting_approval: { orderId: string; customerName: string; total?: Amount | null; reason: string };
  scheduled_change_executed: {
    customerName: string;
    subscriptionId: string;
    subscriptionTitle: string;
    change: ChangeKind;
    effectiveOn: PlainDate;
    quantityAfter?: number | null;
  };
  renewal_notice: {
    customerName: string;
    subscriptionId: string;
    subscriptionTitle: string;
    /** Exclusive end of the term: the renewal date. */
    termEnd: PlainDate;
    autoRenew: boolean;
    quantity: number;
    monthsBefore: number;
  };
  budget_threshold: {
    customerName: string;
    period: string;
    threshold: string;
    planned: Amount;
    monthToDate: Amount;
    explanation?: string;
  };
  usage_spike: {
    customerName: string;
    date: PlainDate;
    amount: Amount;
    previous: { date: PlainDate; amount: Amount | null }[];
    explanation?: string;
  };
  forecast_over_budget: {
    customerName: string;
    period: string;
    forecast: Amount;
    planned: Amount;
    monthToDate: Amount;
    explanation?: string;
  };
  provisional_credit_exceeded: {
    subjectName: string;
    period: string;
    usage: Amount;
    provisionalCredit: Amount;
    explanation?: string;
  };
  credit_level: {
    subjectName: string;
    period: string;
    level: CreditLevelName;
    trigger: 'usage' | 'planned_amount' | 'highest_usage';
    amount: Amount;
    levelAmount: Amount;
    explanation?: string;
  };
  invoice_issued: {
    invoiceId: string;
    invoiceNumber: string;
    issuerName: string;
    total: Amount;
    issueDate: PlainDate;
    dueDate?: PlainDate | null;
  };
  payment_overdue: {
    invoiceId: string;
    invoiceNumber: string;
    amountDue: Amount;
    dueDate: PlainDate;
    daysOverdue: number;
  };
  webhook_endpoint_disabled: { endpointId: string; url: string; failures: number; lastError: string | null };
}

export interface EventDefinition {
  /** E-mails a person cannot switch off (money, failures, contract dates). */
  essential: boolean;
  /**
   * Which organisations hear about an event of organisation X: X itself (`own`) and/or the seller
   * directly above X (`seller`). Webhooks of organisations above the seller receive every event in
   * their subtree; an `own: false` event does not go to X's own webhooks.
   */
  audience: { own: boolean; seller: boolean };
  /** Default recipients in a partner (provider/reseller) and in a customer organisation. */
  defaultRoles: { partner: readonly Role[]; customer: readonly Role[] };
}

const SALES = { partner: ['admin', 'sales'], customer: ['customer_admin'] } as const;
const BILLING = { partner: ['admin', 'billing'], customer: ['customer_admin'] } as const;
const ADMINS = { partner: ['admin'], customer: ['customer_admin'] } as const;
const OWN_AND_SELLER = { own: true, seller: true } as const;

export const EVENT_DEFINITIONS: Record<EventType, EventDefinition> = {
  provisioning_completed: { essential: false, audience: OWN_AND_SELLER, defaultRoles: SALES },
  change_completed: { essential: false, audience: OWN_AND_SELLER, defaultRoles: SALES },
  order_failed: { essential: true, audience: OWN_AND_SELLER, defaultRoles: SALES },
  // The seller approves; the customer is not asked.
  order_awaiting_approval: { essential: true, audience: { own: false, seller: true }, defaultRoles: SALES },
  scheduled_change_executed: { essential: false, audience: OWN_AND_SELLER, defaultRoles: SALES },
  // Contract dates: after an NCE renewal the seats are committed for another term.
  renewal_notice: { essential: true, audience: OWN_AND_SELLER, defaultRoles: SALES },
  // Budgets are the customer's own planning tool.
  budget_threshold: { essential: false, audience: { own: true, seller: false }, defaultRoles: BILLING },
  usage_spike: { essential: false, audience: { own: true, seller: false }, defaultRoles: BILLING },
  forecast_over_budget: { essential: false, audience: { own: true, seller: false }, defaultRoles: BILLING },
  // Credit control is the seller's business, not shown to the customer it is about.
  provisional_credit_exceeded: {
    essential: false,
    audience: { own: false, seller: true },
    defaultRoles: BILLING,
  },
  credit_level: { essential: false, audience: { own: false, seller: true }, defaultRoles: BILLING },
  invoice_issued: { essential: true, audience: { own: true, seller: false }, defaultRoles: BILLING },
  payment_overdue: { essential: true, audience: OWN_AND_SELLER, defaultRoles: BILLING },
  webhook_endpoint_disabled: {
    essential: true,
    audience: { own: true, seller: false },
    defaultRoles: ADMINS,
  },
};

/**
 * Where in the console a notification points, for a reader in a partner organisation (provider,
 * reseller) or in a customer's panel (web: screens.tsx and customer/screens.ts).
 */
export function consolePath(
  subject: { type: string; id: string },
  reader: 'partner' | 'customer' = 'partner',
): string {
  const id = encodeURIComponent(subject.id);
  const customer = reader === 'customer';
  switch (subject.type) {
    case 'order':
      return customer ? `/my/orders/${id}` : `/orders/${id}`;
    case 'subscription':
      return customer ? `/contracts/${id}` : `/subscriptions/${id}`;
    case 'invoice':
      return customer ? `/my/invoices/${id}` : `/billing/${id}`;
    case 'organization':
    case 'customer':
      return customer ? '/home' : `/organizations/${id}`;
    default:
      // webhook endpoints (no console screen yet) and anything else: the start page
      return '/';
  }
}
