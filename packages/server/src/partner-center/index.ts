export * from './auth.ts';
export * from './client.ts';
export * from './credentials.ts';
export * from './errors.ts';
export {
  blobUrl,
  EXPORT_PATHS,
  type ExportKind,
  type ExportPollOptions,
  manifestRows,
} from './exports.ts';
export * from './idempotency.ts';
export { parseJsonLossless, toDecimalString } from './json.ts';
export { csvRecords, gunzip, splitLines } from './lines.ts';
export type { AdminOperations, AdminUser, GdapRelationshipInput } from './operations/admin.ts';
export { GLOBAL_ADMINISTRATOR_ROLE_TEMPLATE_ID } from './operations/admin.ts';
export type {
  AttributeSet,
  BillingOperations,
  BillingPeriod,
  ExportRowOptions,
  LineItemProvider,
  LineItemType,
} from './operations/billing.ts';
export type {
  CatalogOperations,
  PriceSheetDownload,
  PriceSheetView,
  TargetSegment,
  TargetView,
} from './operations/catalog.ts';
export { AZURE_PLAN_PRODUCT_ID, AZURE_PLAN_SKU_ID } from './operations/catalog.ts';
export type { CallOptions, MutationOptions } from './operations/context.ts';
export type {
  AddressInput,
  CustomerAgreementInput,
  CustomerCreateInput,
  CustomerOperations,
  CustomerSearchField,
  CustomerUserInput,
  LicenseChangeInput,
} from './operations/customers.ts';
export { customerDomain } from './operations/customers.ts';
export type {
  CartInput,
  CartLineItemInput,
  OrderInput,
  OrderLineItemInput,
  OrderOperations,
} from './operations/orders.ts';
export type {
  PatchOptions,
  ScheduledNextTermInput,
  SubscriptionChanges,
  SubscriptionOperations,
  SubscriptionPatchResult,
} from './operations/subscriptions.ts';
export { subscriptionPatchBody } from './operations/subscriptions.ts';
export * from './paging.ts';
export * from './schemas/index.ts';
export * from './throttle.ts';
export {
  DEFAULT_BASE_URL,
  DEFAULT_GRAPH_BASE_URL,
  DEFAULT_PRICE_SHEET_BASE_URL,
  type HttpMethod,
  type Logger,
  parseRetryAfter,
  type RequestSpec,
  type RetryOptions,
  Transport,
  type TransportOptions,
  type TransportResponse,
} from './transport.ts';
