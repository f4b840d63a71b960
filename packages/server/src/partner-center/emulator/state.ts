/**
 * The emulator's whole mutable world as one JSON-serialisable object: what persistence saves, what
 * `/_emulator/reset` replaces and what tests may inspect through `RunningEmulator.state`.
 * Instants are epoch milliseconds, calendar dates `YYYY-MM-DD`, money decimal strings.
 */
import { guid, rngFor } from './prng.ts';

export interface Address {
  country: string;
  region?: string;
  city: string;
  state?: string;
  addressLine1: string;
  addressLine2?: string;
  postalCode: string;
  firstName?: string;
  lastName?: string;
  phoneNumber: string;
}

export interface AgreementRec {
  userId: string;
  primaryContact: Record<string, unknown>;
  templateId: string;
  dateAgreed: string;
  type: string;
}

export interface CustomerRec {
  id: string;
  commerceId: string;
  domain: string;
  companyName: string;
  email: string;
  culture: string;
  language: string;
  billingProfileId: string;
  billingProfileVersion: number;
  address: Address;
  relationshipToPartner: 'reseller' | 'none';
  allowDelegatedAccess: boolean;
  createdAt: number;
  country: string;
  currency: string;
  adminPassword: string;
  agreements: AgreementRec[];
  associatedPartnerId?: string;
  organizationRegistrationNumber?: string;
  /** Set when the customer came from an existing tenant via the reseller relationship link. */
  linkedFromTenant?: boolean;
}

/** A Microsoft Entra tenant that exists but has no relationship with the partner yet. */
export interface TenantRec {
  id: string;
  domain: string;
  companyName: string;
  country: string;
  email: string;
  city: string;
  postalCode: string;
  addressLine1: string;
  state: string;
}

export interface UserRec {
  id: string;
  customerId: string;
  userPrincipalName: string;
  firstName: string;
  lastName: string;
  displayName: string;
  usageLocation: string;
  immutableId?: string;
  password: string;
  forceChangePassword: boolean;
  createdAt: number;
  /** Licence (productSku) GUIDs assigned to the user. */
  licenses: string[];
}

export interface CartLineError {
  errorCode: number;
  errorDescription: string;
}

export interface CartLineRec {
  id: number;
  catalogItemId: string;
  friendlyName?: string;
  quantity: number;
  currencyCode: string;
  billingCycle: string;
  termDuration?: string;
  provisioningContext: Record<string, string>;
  orderGroup: string;
  promotionId?: string;
  customTermEndDate?: string;
  renewsTo?: { termDuration: string };
  attestationAccepted?: boolean;
  error?: CartLineError;
}

export interface CartRec {
  id: string;
  customerId: string;
  createdAt: number;
  modifiedAt: number;
  expiresAt: number;
  lastModifiedUser: string;
  status: 'Active' | 'Ordered';
  lineItems: CartLineRec[];
}

export interface OrderLineRec {
  lineItemNumber: number;
  offerId: string;
  subscriptionId?: string;
  parentSubscriptionId?: string;
  friendlyName: string;
  quantity: number;
  termDuration?: string;
  transactionType: string;
  partnerIdOnRecord?: string;
  provisioningContext?: Record<string, string>;
  productId?: string;
  skuId?: string;
  availabilityId?: string;
}

export interface OrderRec {
  id: string;
  alternateId: string;
  customerId: string;
  billingCycle: string;
  currencyCode: string;
  lineItems: OrderLineRec[];
  createdAt: number;
  status: 'completed' | 'pending' | 'cancelled';
  transactionType: string;
  legacy: boolean;
  version: number;
}

/** Seats added at one moment; they can be removed again until `allowedUntil` (RULES.md §4.3). */
export interface SeatLot {
  quantity: number;
  addedAt: number;
  allowedUntil: number;
}

export interface ScheduledInstructions {
  product: {
    productId: string;
    skuId: string;
    availabilityId: string;
    billingCycle: string;
    termDuration: string;
    promotionId?: string;
  };
  quantity: number;
  customTermEndDate?: string;
}

export interface RoleAssignmentRec {
  id: string;
  principalId: string;
  roleDefinitionId: string;
  scope: string;
  createdAt: number;
}

export interface AzureEntitlementRec {
  id: string;
  friendlyName: string;
  status: 'active' | 'disabled' | 'deleted';
  createdAt: number;
  cancelledAt?: number;
  roleAssignments: RoleAssignmentRec[];
}

export type SubscriptionKind = 'nce' | 'software' | 'azurePlan' | 'legacy';

export interface SubscriptionRec {
  id: string;
  customerId: string;
  orderId: string;
  kind: SubscriptionKind;
  productId: string;
  skuId: string;
  availabilityId: string;
  offerId: string;
  offerName: string;
  friendlyName: string;
  quantity: number;
  status: 'active' | 'suspended' | 'deleted' | 'expired' | 'pending' | 'disabled';
  autoRenewEnabled: boolean;
  billingCycle: string;
  termDuration: string;
  createdAt: number;
  /** Instant the current term started (purchase or last renewal). */
  termStartAt: number;
  termStartDate: string;
  /** Inclusive last day of the current term. */
  commitmentEndDate: string;
  /** First day of the next billing period inside the current term, if any. */
  nextChargeDate: string | null;
  currency: string;
  /** Partner price per licence for one billing period, locked for the term. */
  unitPrice: string;
  erpPrice: string;
  lots: SeatLot[];
  scheduled: ScheduledInstructions | null;
  parentSubscriptionId?: string;
  version: number;
  /** Length of the cancellation/refund window from term start, from the availability's policy. */
  cancelWindowMs: number;
  entitlements: AzureEntitlementRec[];
  suspendedAt?: number;
  cancelledAt?: number;
  renewals: number;
  migratedFromSubscriptionId?: string;
  promotionId?: string;
  partnerIdOnRecord?: string;
  licenseSkuId: string;
}

export interface ChargeRec {
  id: string;
  customerId: string;
  subscriptionId: string;
  orderId: string;
  orderDate: number;
  productId: string;
  skuId: string;
  availabilityId: string;
  productName: string;
  skuName: string;
  chargeType: string;
  unitPrice: string;
  effectiveUnitPrice: string;
  quantity: number;
  subtotal: string;
  currency: string;
  chargeStartDate: string;
  chargeEndDate: string;
  subscriptionStartDate: string;
  subscriptionEndDate: string;
  termAndBillingCycle: string;
  billingFrequency: string;
  referenceId: string;
  at: number;
  period: string;
  invoiceId?: string;
  productQualifiers: string[];
  promotionId: string;
  alternateId: string;
  resellerMpnId: string;
}

export interface InvoiceRec {
  id: string;
  currency: string;
  periodStart: string;
  periodEnd: string;
  invoiceDate: number;
  licenseTotal: string;
  usageTotal: string;
  totalCharges: string;
  usageLines: number;
  licenseLines: number;
}

export interface TransitionRec {
  id: string;
  customerId: string;
  subscriptionId: string;
  targetSubscriptionId: string;
  fromCatalogItemId: string;
  toCatalogItemId: string;
  quantity: number;
  transitionType: string;
  createdAt: number;
}

export interface IdempotencyRec {
  status: number;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export type ExportKind = 'usageBilled' | 'usageUnbilled' | 'reconBilled';

export interface ExportOpRec {
  id: string;
  kind: ExportKind;
  invoiceId?: string;
  currencyCode?: string;
  billingPeriod?: string;
  attributeSet: 'full' | 'basic';
  createdAt: number;
  /** Clock reading the export was taken at, so the data is reproducible after a restart. */
  asOf: number;
  polls: number;
  status: 'running' | 'succeeded' | 'failed';
  manifestId?: string;
  rowCount: number;
}

export interface ManifestRec {
  id: string;
  operationId: string;
  createdAt: number;
  rootPath: string;
  sasToken: string;
  eTag: string;
  blobs: { name: string; first: number; count: number }[];
}

export interface DirectoryRoleMemberRec {
  customerId: string;
  roleId: string;
  userId: string;
}

export interface PriceChangeRec {
  productId: string;
  skuId: string;
  currency: string;
  unitPrice: string;
  erpPrice: string;
  effectiveDate: string;
}

export interface AddedSkuRec {
  productId: string;
  skuId: string;
  productTitle: string;
  skuTitle: string;
  description: string;
  erpUsdMonthly: string;
  terms: string[];
  min: number;
  max: number;
  addOnOf?: string[];
  kind: 'nce' | 'software';
  addedAt: number;
}

export interface CatalogOverrides {
  priceChanges: PriceChangeRec[];
  retired: { productId: string; skuId: string; at: number }[];
  added: AddedSkuRec[];
}

export interface Settings {
  /** Enforce MCA attestation before purchases (403 / 13605). */
  requireMcaAttestation: boolean;
  /** GETs of an export operation answered `running` before it reports `succeeded`. */
  exportPollsBeforeReady: number;
  /** Day of month on which the previous month is invoiced. */
  invoiceDay: number;
  /** Answer subscription PATCHes with 202 + Location (the slow path Microsoft documents). */
  subscriptionPatchAccepted: boolean;
  cartTtlDays: number;
  rowsPerBlob: number;
}

export interface FaultConfig {
  errorRate: number;
  statuses: number[];
  retryAfterSeconds: number;
  latencyMs: number;
  timeoutRate: number;
  lostResponseRate: number;
  paths: string[];
  methods: string[];
  maxFaults: number | null;
  revision: number;
  draws: number;
  injected: number;
}

export interface Stats {
  requests: { total: number; byRoute: Record<string, number> };
  faults: { total: number; byKind: Record<string, number>; byStatus: Record<string, number> };
  purchases: { total: number; byRequestId: Record<string, number> };
  subscriptionsCreated: number;
  ordersCreated: number;
  idempotentReplays: number;
  checkouts: number;
}

export interface EmulatorState {
  version: 1;
  seed: number;
  partner: { tenantId: string; mpnId: string; name: string };
  now: number;
  seq: number;
  invoiceSeq: number;
  customers: Record<string, CustomerRec>;
  tenants: Record<string, TenantRec>;
  users: Record<string, UserRec>;
  carts: Record<string, CartRec>;
  orders: Record<string, OrderRec>;
  subscriptions: Record<string, SubscriptionRec>;
  charges: ChargeRec[];
  invoices: Record<string, InvoiceRec>;
  transitions: Record<string, TransitionRec>;
  exports: Record<string, ExportOpRec>;
  manifests: Record<string, ManifestRec>;
  roleMembers: DirectoryRoleMemberRec[];
  idempotency: Record<string, IdempotencyRec>;
  catalog: CatalogOverrides;
  settings: Settings;
  faults: FaultConfig;
  stats: Stats;
}

export const DEFAULT_SETTINGS: Settings = {
  requireMcaAttestation: false,
  exportPollsBeforeReady: 1,
  invoiceDay: 6,
  subscriptionPatchAccepted: false,
  cartTtlDays: 7,
  rowsPerBlob: 50_000,
};

export function defaultFaults(): FaultConfig {
  return {
    errorRate: 0,
    statuses: [429, 500, 503],
    retryAfterSeconds: 1,
    latencyMs: 0,
    timeoutRate: 0,
    lostResponseRate: 0,
    paths: [],
    methods: [],
    maxFaults: null,
    revision: 0,
    draws: 0,
    injected: 0,
  };
}

export function emptyStats(): Stats {
  return {
    requests: { total: 0, byRoute: {} },
    faults: { total: 0, byKind: {}, byStatus: {} },
    purchases: { total: 0, byRequestId: {} },
    subscriptionsCreated: 0,
    ordersCreated: 0,
    idempotentReplays: 0,
    checkouts: 0,
  };
}

const EXISTING_TENANTS: Omit<TenantRec, 'id'>[] = [
  {
    domain: 'fabrikamretail.onmicrosoft.com',
    companyName: 'Fabrikam Retail Ltd',
    country: 'US',
    email: 'it@fabrikamretail.example',
    city: 'Seattle',
    postalCode: '98101',
    addressLine1: '500 Pine Street',
    state: 'WA',
  },
  {
    domain: 'northwindtraders.onmicrosoft.com',
    companyName: 'Northwind Traders K.K.',
    country: 'JP',
    email: 'admin@northwindtraders.example',
    city: 'Tokyo',
    postalCode: '100-0005',
    addressLine1: '1-1 Marunouchi, Chiyoda-ku',
    state: '',
  },
  {
    domain: 'tailspingmbh.onmicrosoft.com',
    companyName: 'Tailspin Toys GmbH',
    country: 'DE',
    email: 'it@tailspin.example',
    city: 'Berlin',
    postalCode: '10117',
    addressLine1: 'Unter den Linden 10',
    state: '',
  },
];

export function createInitialState(seed: number, now: number, settings?: Partial<Settings>): EmulatorState {
  const rng = rngFor(seed, 'partner');
  const tenants: Record<string, TenantRec> = {};
  for (const t of EXISTING_TENANTS) {
    const id = guid(rngFor(seed, 'tenant', t.domain));
    tenants[id] = { id, ...t };
  }
  return {
    version: 1,
    seed,
    partner: {
      tenantId: guid(rng),
      mpnId: String(1_000_000 + (rng() % 8_999_999)),
      name: 'Contoso Cloud Partner (emulated)',
    },
    now,
    seq: 0,
    invoiceSeq: 0,
    customers: {},
    tenants,
    users: {},
    carts: {},
    orders: {},
    subscriptions: {},
    charges: [],
    invoices: {},
    transitions: {},
    exports: {},
    manifests: {},
    roleMembers: [],
    idempotency: {},
    catalog: { priceChanges: [], retired: [], added: [] },
    settings: { ...DEFAULT_SETTINGS, ...settings },
    faults: defaultFaults(),
    stats: emptyStats(),
  };
}
