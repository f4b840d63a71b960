import type { CatalogItem } from '../api';

export interface WizardLine {
  key: string;
  sku: string;
  title: string;
  term: string;
  billingCycle: string;
  quantity: number;
  item: CatalogItem;
  /** An add-on: the base subscription it is bought for (required for add-on SKUs). */
  parentSubscriptionId?: string | null;
}

export interface OfferChoice {
  value: string;
  term: string;
  billingCycle: string;
}

// Annual commitments first: that is what most licence orders are.
const TERM_ORDER = ['P1Y', 'P3Y', 'P1M', 'none'];

/**
 * The term/billing combinations a customer in `country` can buy for a catalog SKU: offers that are
 * not retired, sold in that market, one entry per combination.
 */
export function offerChoices(item: CatalogItem, country: string): OfferChoice[] {
  const seen = new Map<string, OfferChoice>();
  for (const offer of item.offers) {
    if (offer.retiredAt) continue;
    if (offer.countries.length > 0 && !offer.countries.includes(country.toUpperCase())) continue;
    const value = `${offer.term}|${offer.billingCycle}`;
    if (!seen.has(value)) seen.set(value, { value, term: offer.term, billingCycle: offer.billingCycle });
  }
  const rank = (term: string) => {
    const i = TERM_ORDER.indexOf(term);
    return i === -1 ? TERM_ORDER.length : i;
  };
  return [...seen.values()].sort(
    (a, b) => rank(a.term) - rank(b.term) || a.billingCycle.localeCompare(b.billingCycle),
  );
}

/* ------------------------------------------------------------------ order patterns */

// The same rules the server applies (prepare-order.ts), so the wizard says what is wrong before
// the order is placed; the server checks again.
export const DOMAIN_PREFIX = /^[a-z0-9]{2,27}$/;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USER_NAME = /^[a-z0-9._-]{1,64}$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A new `<prefix>.onmicrosoft.com` tenant: who the customer is and where. */
export interface NewTenantForm {
  domainPrefix: string;
  email: string;
  firstName: string;
  lastName: string;
  addressLine1: string;
  city: string;
  postalCode: string;
}

export const EMPTY_NEW_TENANT: NewTenantForm = {
  domainPrefix: '',
  email: '',
  firstName: '',
  lastName: '',
  addressLine1: '',
  city: '',
  postalCode: '',
};

/** How the customer gets a Microsoft tenant when it has none yet. */
export type TenantMode = 'new' | 'existing';

export interface AdminForm {
  mode: 'none' | 'new' | 'existing';
  userName: string;
  firstName: string;
  lastName: string;
  existingUserId: string;
  userPrincipalName: string;
}

export const EMPTY_ADMIN: AdminForm = {
  mode: 'none',
  userName: '',
  firstName: '',
  lastName: '',
  existingUserId: '',
  userPrincipalName: '',
};

export type StartChoice = 'now' | 'next_month' | 'date';

export interface WizardCustomer {
  id: string;
  name: string;
  country: string;
  /** The customer is a Partner Center customer already (a linked or created tenant). */
  hasTenant: boolean;
}

export interface WizardState {
  customer: WizardCustomer;
  tenantMode: TenantMode;
  newTenant: NewTenantForm;
  existingDomain: string;
  lines: WizardLine[];
  azurePlan: boolean;
  admin: AdminForm;
  start: StartChoice;
  startDate: string;
  reference: string;
}

/** What the wizard sends: `POST /api/v1/orders` (the server's OrderInputSchema). */
export type OrderLinePayload =
  | { type: 'purchase'; sku: string; quantity: number; term: string; billingCycle: string }
  | {
      type: 'add_on';
      sku: string;
      quantity: number;
      term: string;
      billingCycle: string;
      parentSubscriptionId: string;
    }
  | { type: 'azure_plan' }
  | {
      type: 'azure_admin';
      user:
        | { new: { userName: string; firstName: string; lastName: string } }
        | { existingUserId: string; userPrincipalName?: string };
    };

export type TenantPayload =
  | {
      mode: 'new';
      domainPrefix: string;
      companyName: string;
      email: string;
      contact: { firstName: string; lastName: string };
      address: { addressLine1: string; city: string; postalCode: string; country: string };
    }
  | { mode: 'existing'; domain: string };

export interface OrderPayload {
  customerId: string;
  tenant?: TenantPayload;
  effective?: 'now' | 'next_month';
  effectiveDate?: string;
  reference?: string;
  lines: OrderLinePayload[];
}

/** Problems with the wizard's input, as i18n keys under `wizard.problem`, by field. */
export type Problem =
  | 'domainPrefix'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'addressLine1'
  | 'city'
  | 'postalCode'
  | 'existingDomain'
  | 'noLines'
  | 'quantity'
  | 'baseSubscription'
  | 'adminUserName'
  | 'adminFirstName'
  | 'adminLastName'
  | 'adminUserId'
  | 'startDate'
  | 'reference';

export function needsTenant(customer: WizardCustomer): boolean {
  return !customer.hasTenant;
}

/** `contoso.onmicrosoft.com`, `contoso.co.jp`: lower case, trimmed. */
export function normalizeDomain(value: string): string {
  return value.trim().toLowerCase();
}

export function tenantProblems(
  state: Pick<WizardState, 'customer' | 'tenantMode' | 'newTenant' | 'existingDomain'>,
): Problem[] {
  if (!needsTenant(state.customer)) return [];
  if (state.tenantMode === 'existing') {
    return DOMAIN.test(normalizeDomain(state.existingDomain)) ? [] : ['existingDomain'];
  }
  const t = state.newTenant;
  const problems: Problem[] = [];
  if (!DOMAIN_PREFIX.test(t.domainPrefix)) problems.push('domainPrefix');
  if (!EMAIL.test(t.email.trim())) problems.push('email');
  for (const field of ['firstName', 'lastName', 'addressLine1', 'city', 'postalCode'] as const) {
    if (t[field].trim() === '') problems.push(field);
  }
  return problems;
}

export function adminProblems(admin: AdminForm): Problem[] {
  if (admin.mode === 'none') return [];
  if (admin.mode === 'existing') return UUID.test(admin.existingUserId.trim()) ? [] : ['adminUserId'];
  const problems: Problem[] = [];
  if (!USER_NAME.test(admin.userName.trim())) problems.push('adminUserName');
  if (admin.firstName.trim() === '') problems.push('adminFirstName');
  if (admin.lastName.trim() === '') problems.push('adminLastName');
  return problems;
}

export function lineProblems(state: Pick<WizardState, 'lines' | 'azurePlan' | 'admin'>): Problem[] {
  const problems: Problem[] = [];
  if (state.lines.length === 0 && !state.azurePlan && state.admin.mode === 'none') problems.push('noLines');
  if (state.lines.some((line) => !Number.isSafeInteger(line.quantity) || line.quantity < 1))
    problems.push('quantity');
  if (state.lines.some((line) => line.item.isAddon && !line.parentSubscriptionId))
    problems.push('baseSubscription');
  return [...problems, ...adminProblems(state.admin)];
}

export function startProblems(state: Pick<WizardState, 'start' | 'startDate' | 'reference'>): Problem[] {
  const problems: Problem[] = [];
  if (state.start === 'date' && !DATE.test(state.startDate)) problems.push('startDate');
  if (state.reference.trim().length > 100) problems.push('reference');
  return problems;
}

export function wizardProblems(state: WizardState): Problem[] {
  return [...tenantProblems(state), ...lineProblems(state), ...startProblems(state)];
}

/** The order for the wizard's state, one line per product, the Azure plan and the admin rights. */
export function buildOrderPayload(state: WizardState): OrderPayload {
  const lines: OrderLinePayload[] = state.lines.map((line) =>
    line.item.isAddon && line.parentSubscriptionId
      ? {
          type: 'add_on',
          sku: line.sku,
          quantity: line.quantity,
          term: line.term,
          billingCycle: line.billingCycle,
          parentSubscriptionId: line.parentSubscriptionId,
        }
      : {
          type: 'purchase',
          sku: line.sku,
          quantity: line.quantity,
          term: line.term,
          billingCycle: line.billingCycle,
        },
  );
  if (state.azurePlan) lines.push({ type: 'azure_plan' });
  const admin = state.admin;
  if (admin.mode === 'new') {
    lines.push({
      type: 'azure_admin',
      user: {
        new: {
          userName: admin.userName.trim().toLowerCase(),
          firstName: admin.firstName.trim(),
          lastName: admin.lastName.trim(),
        },
      },
    });
  } else if (admin.mode === 'existing') {
    const upn = admin.userPrincipalName.trim();
    lines.push({
      type: 'azure_admin',
      user: { existingUserId: admin.existingUserId.trim(), ...(upn ? { userPrincipalName: upn } : {}) },
    });
  }
  const payload: OrderPayload = { customerId: state.customer.id, lines };
  if (state.start === 'date' && state.startDate) payload.effectiveDate = state.startDate;
  else payload.effective = state.start === 'next_month' ? 'next_month' : 'now';
  if (state.reference.trim()) payload.reference = state.reference.trim();
  if (needsTenant(state.customer)) {
    if (state.tenantMode === 'existing') {
      payload.tenant = { mode: 'existing', domain: normalizeDomain(state.existingDomain) };
    } else {
      const t = state.newTenant;
      payload.tenant = {
        mode: 'new',
        domainPrefix: t.domainPrefix,
        companyName: state.customer.name,
        email: t.email.trim(),
        contact: { firstName: t.firstName.trim(), lastName: t.lastName.trim() },
        address: {
          addressLine1: t.addressLine1.trim(),
          city: t.city.trim(),
          postalCode: t.postalCode.trim(),
          country: state.customer.country,
        },
      };
    }
  }
  return payload;
}

/** The tenant the order will use, for the review: a new domain, an existing one, or none. */
export function tenantSummary(state: WizardState): { kind: 'new' | 'existing'; domain: string } | null {
  if (!needsTenant(state.customer)) return null;
  return state.tenantMode === 'existing'
    ? { kind: 'existing', domain: normalizeDomain(state.existingDomain) }
    : { kind: 'new', domain: `${state.newTenant.domainPrefix}.onmicrosoft.com` };
}
