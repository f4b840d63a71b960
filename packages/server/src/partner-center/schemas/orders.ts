import { z } from 'zod';
import { billingCycle } from './catalog.ts';
import {
  AttributesSchema,
  bool,
  collectionOf,
  dateText,
  enumText,
  idString,
  int,
  LinksSchema,
  pcObject,
  StringMapSchema,
} from './common.ts';

/** Error attached to one cart line (`CartLineItem.error`, SDK CartError). */
export const CartLineErrorSchema = pcObject({
  errorCode: z.union([z.number(), z.string()]).optional(),
  errorDescription: z.string().optional(),
  additionalInformation: z.unknown().optional(),
});
export type CartLineError = z.infer<typeof CartLineErrorSchema>;

const RenewsToSchema = pcObject({ termDuration: z.string().optional() });

const CartLineItemBase = {
  id: int.optional(),
  catalogItemId: z.string(),
  friendlyName: z.string().nullable().optional(),
  quantity: int,
  currencyCode: z.string().optional(),
  billingCycle: billingCycle.optional(),
  termDuration: z.string().nullable().optional(),
  promotionId: z.string().nullable().optional(),
  participants: z.array(z.unknown()).nullable().optional(),
  provisioningContext: StringMapSchema.nullable().optional(),
  orderGroup: z.string().optional(),
  purchaseSystem: z.string().optional(),
  renewsTo: RenewsToSchema.nullable().optional(),
  error: CartLineErrorSchema.nullable().optional(),
  customTermEndDate: dateText.nullable().optional(),
  attestationAccepted: bool.nullable().optional(),
};

export const CartLineItemSchema = pcObject({
  ...CartLineItemBase,
  addonItems: z.array(pcObject(CartLineItemBase)).nullable().optional(),
});
export type CartLineItem = z.infer<typeof CartLineItemSchema>;

export const CartSchema = pcObject({
  id: z.string(),
  creationTimestamp: dateText.optional(),
  lastModifiedTimestamp: dateText.optional(),
  expirationTimestamp: dateText.optional(),
  lastModifiedUser: z.string().optional(),
  /** `active` = editable and submittable, `ordered` = already checked out. */
  status: enumText(['active', 'ordered'] as const).optional(),
  lineItems: z.array(CartLineItemSchema).default([]),
  partnerOnRecordAttestationAccepted: bool.nullable().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Cart = z.infer<typeof CartSchema>;

export const ORDER_STATUSES = ['unknown', 'completed', 'pending', 'cancelled'] as const;
export const LINE_TRANSACTION_TYPES = [
  'new',
  'renew',
  'add_quantity',
  'remove_quantity',
  'cancel',
  'convert',
  'customer_credit',
] as const;

export const OrderLineItemSchema = pcObject({
  lineItemNumber: int,
  offerId: z.string(),
  subscriptionId: z.string().nullable().optional(),
  parentSubscriptionId: z.string().nullable().optional(),
  friendlyName: z.string().nullable().optional(),
  quantity: int.optional(),
  termDuration: z.string().nullable().optional(),
  transactionType: enumText(LINE_TRANSACTION_TYPES).optional(),
  partnerIdOnRecord: idString.nullable().optional(),
  provisioningContext: StringMapSchema.nullable().optional(),
  renewsTo: RenewsToSchema.nullable().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type OrderLineItem = z.infer<typeof OrderLineItemSchema>;

export const OrderSchema = pcObject({
  id: z.string(),
  alternateId: z.string().optional(),
  referenceCustomerId: z.string().optional(),
  billingCycle: billingCycle.optional(),
  transactionType: enumText(['user_purchase', 'system_purchase', 'system_billing'] as const).optional(),
  lineItems: z.array(OrderLineItemSchema).default([]),
  currencyCode: z.string().optional(),
  currencySymbol: z.string().optional(),
  creationDate: dateText.nullable().optional(),
  status: enumText(ORDER_STATUSES).optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Order = z.infer<typeof OrderSchema>;
export const OrderCollectionSchema = collectionOf(OrderSchema);

/** Partial failure of a checkout: one entry per order group that could not be placed. */
export const OrderErrorSchema = pcObject({
  orderGroupId: z.string().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  description: z.string().optional(),
});
export type OrderError = z.infer<typeof OrderErrorSchema>;

export const CartCheckoutResultSchema = pcObject({
  orders: z.array(OrderSchema).default([]),
  orderErrors: z.array(OrderErrorSchema).nullable().optional(),
  attributes: AttributesSchema.optional(),
});
export type CartCheckoutResult = z.infer<typeof CartCheckoutResultSchema>;

export const OrderLineItemProvisioningStatusSchema = pcObject({
  lineItemNumber: int.optional(),
  status: enumText(['fulfilled', 'unfulfilled', 'prefulfillment_pending'] as const).optional(),
  quantityProvisioningInformation: z
    .array(pcObject({ quantity: int.optional(), status: z.string().optional() }))
    .optional(),
  attributes: AttributesSchema.optional(),
});
export type OrderLineItemProvisioningStatus = z.infer<typeof OrderLineItemProvisioningStatusSchema>;
export const OrderProvisioningStatusCollectionSchema = collectionOf(OrderLineItemProvisioningStatusSchema);
