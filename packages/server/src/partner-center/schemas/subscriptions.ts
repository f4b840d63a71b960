import { z } from 'zod';
import { billingCycle } from './catalog.ts';
import {
  AttributesSchema,
  bool,
  collectionOf,
  dateText,
  enumText,
  int,
  LinksSchema,
  pcObject,
} from './common.ts';

export const SUBSCRIPTION_STATUSES = [
  'none',
  'active',
  'pending',
  'suspended',
  'expired',
  'deleted',
  'disabled',
] as const;

export const ProductTermSchema = pcObject({
  productId: z.string(),
  skuId: z.string(),
  availabilityId: z.string(),
  billingCycle: billingCycle,
  termDuration: z.string(),
  promotionId: z.string().nullable().optional(),
});
export type ProductTerm = z.infer<typeof ProductTermSchema>;

/** Renewal-time changes (NCE): applied when the current term renews; requires auto-renew. */
export const ScheduledNextTermInstructionsSchema = pcObject({
  product: ProductTermSchema,
  quantity: int,
  customTermEndDate: dateText.nullable().optional(),
});
export type ScheduledNextTermInstructions = z.infer<typeof ScheduledNextTermInstructionsSchema>;

/** Seats that can still be removed, per batch with its own deadline (7-day NCE window per batch). */
export const RefundableQuantitySchema = pcObject({
  totalQuantity: int,
  details: z.array(pcObject({ quantity: int, allowedUntilDateTime: dateText })).default([]),
});
export type RefundableQuantity = z.infer<typeof RefundableQuantitySchema>;

export const SubscriptionSchema = pcObject({
  id: z.string(),
  entitlementId: z.string().nullable().optional(),
  offerId: z.string().optional(),
  offerName: z.string().optional(),
  friendlyName: z.string().optional(),
  productType: pcObject({
    id: z.string(),
    displayName: z.string().optional(),
    subType: z.unknown().optional(),
  }).optional(),
  quantity: int.optional(),
  unitType: z.string().optional(),
  parentSubscriptionId: z.string().nullable().optional(),
  consumptionType: z.string().nullable().optional(),
  creationDate: dateText.optional(),
  effectiveStartDate: dateText.optional(),
  commitmentEndDate: dateText.optional(),
  commitmentEndDateTime: dateText.nullable().optional(),
  /** Last UTC instant the current term can be cancelled; null = not cancellable. */
  cancellationAllowedUntilDate: dateText.nullable().optional(),
  billingCycleEndDate: dateText.nullable().optional(),
  billingCycleEndDateTime: dateText.nullable().optional(),
  status: enumText(SUBSCRIPTION_STATUSES).optional(),
  autoRenewEnabled: bool.optional(),
  billingType: enumText(['none', 'usage', 'license'] as const).optional(),
  billingCycle: billingCycle.optional(),
  hasPurchasableAddons: bool.optional(),
  isTrial: bool.optional(),
  actions: z.array(z.string()).optional(),
  termDuration: z.string().nullable().optional(),
  renewalTermDuration: z.string().nullable().optional(),
  refundOptions: z
    .array(pcObject({ type: z.string().optional(), expiresAt: dateText.optional() }))
    .nullable()
    .optional(),
  refundableQuantity: RefundableQuantitySchema.nullable().optional(),
  scheduledNextTermInstructions: ScheduledNextTermInstructionsSchema.nullable().optional(),
  nextChargeInstructions: pcObject({ product: ProductTermSchema.optional(), quantity: int.optional() })
    .nullable()
    .optional(),
  isMicrosoftProduct: bool.optional(),
  partnerId: z.string().nullable().optional(),
  suspensionReasons: z.array(z.string()).nullable().optional(),
  contractType: z.string().optional(),
  publisherName: z.string().optional(),
  promotionId: z.string().nullable().optional(),
  migratedFromSubscriptionId: z.string().nullable().optional(),
  attentionNeeded: bool.optional(),
  actionTaken: bool.optional(),
  orderId: z.string().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Subscription = z.infer<typeof SubscriptionSchema>;
export const SubscriptionCollectionSchema = collectionOf(SubscriptionSchema);

export const SubscriptionProvisioningStatusSchema = pcObject({
  skuId: z.string().optional(),
  status: enumText(['success', 'pending', 'failed'] as const).optional(),
  quantity: int.optional(),
  endDate: dateText.optional(),
  attributes: AttributesSchema.optional(),
});
export type SubscriptionProvisioningStatus = z.infer<typeof SubscriptionProvisioningStatusSchema>;

export const AzureEntitlementSchema = pcObject({
  /** The Azure subscription id. */
  id: z.string(),
  friendlyName: z.string().optional(),
  status: z.string().optional(),
  subscriptionId: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type AzureEntitlement = z.infer<typeof AzureEntitlementSchema>;
export const AzureEntitlementCollectionSchema = collectionOf(AzureEntitlementSchema);

const EligibilityErrorSchema = pcObject({
  code: z.union([z.number(), z.string()]).optional(),
  description: z.string().optional(),
});
export type EligibilityError = z.infer<typeof EligibilityErrorSchema>;

export const TRANSITION_TYPES = ['transition_only', 'transition_with_license_transfer'] as const;

export const TransitionEligibilitySchema = pcObject({
  catalogItemId: z.string(),
  title: z.string().optional(),
  description: z.string().optional(),
  quantity: int.optional(),
  eligibilities: z
    .array(
      pcObject({
        isEligible: bool,
        transitionType: enumText(TRANSITION_TYPES).optional(),
        errors: z.array(EligibilityErrorSchema).nullable().optional(),
      }),
    )
    .default([]),
  attributes: AttributesSchema.optional(),
});
export type TransitionEligibility = z.infer<typeof TransitionEligibilitySchema>;
export const TransitionEligibilityCollectionSchema = collectionOf(TransitionEligibilitySchema);

export const TransitionEventSchema = pcObject({
  name: z.string().optional(),
  status: enumText(['started', 'completed', 'failed'] as const).optional(),
  timestamp: dateText.optional(),
  attributes: AttributesSchema.optional(),
});

/** NCE upgrade. The documented response mixes `FromCatalogItemId`/`Events` with camelCase keys. */
export const TransitionSchema = pcObject({
  id: z.string().optional(),
  fromCatalogItemId: z.string().optional(),
  toCatalogItemId: z.string().optional(),
  fromSubscriptionId: z.string().optional(),
  toSubscriptionId: z.string().optional(),
  quantity: int.optional(),
  transitionType: enumText(TRANSITION_TYPES).optional(),
  status: z.string().optional(),
  events: z.array(TransitionEventSchema).default([]),
  attributes: AttributesSchema.optional(),
});
export type Transition = z.infer<typeof TransitionSchema>;

/** `GET .../transitions` is documented with the list under `transition` instead of `items`. */
export const TransitionCollectionSchema = z
  .preprocess((value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const record = value as Record<string, unknown>;
      if (!('items' in record) && Array.isArray(record.transition))
        return { ...record, items: record.transition };
    }
    return value;
  }, collectionOf(TransitionSchema))
  .transform(({ transition: _legacyKey, ...rest }) => rest);

export const MigrationValidationSchema = pcObject({
  currentSubscriptionId: z.string(),
  isEligible: bool,
  catalogItemId: z.string().optional(),
  errors: z.array(EligibilityErrorSchema).nullable().optional(),
});
export type MigrationValidation = z.infer<typeof MigrationValidationSchema>;

export const MigrationSchema = pcObject({
  id: z.string(),
  currentSubscriptionId: z.string().optional(),
  newCommerceSubscriptionId: z.string().nullable().optional(),
  newCommerceOrderId: z.string().nullable().optional(),
  status: z.string().optional(),
  customerTenantId: z.string().optional(),
  catalogItemId: z.string().optional(),
  subscriptionEndDate: dateText.optional(),
  quantity: int.optional(),
  termDuration: z.string().optional(),
  billingCycle: billingCycle.optional(),
  purchaseFullTerm: bool.optional(),
  externalReferenceId: z.string().nullable().optional(),
});
export type Migration = z.infer<typeof MigrationSchema>;
