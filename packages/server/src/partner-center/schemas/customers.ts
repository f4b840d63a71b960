import { z } from 'zod';
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

export const AddressSchema = pcObject({
  country: z.string().optional(),
  region: z.string().optional(),
  city: z.string().optional(),
  state: z.string().optional(),
  addressLine1: z.string().optional(),
  addressLine2: z.string().optional(),
  addressLine3: z.string().optional(),
  postalCode: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  phoneNumber: z.string().optional(),
});
export type Address = z.infer<typeof AddressSchema>;

export const CustomerCompanyProfileSchema = pcObject({
  tenantId: z.string().optional(),
  domain: z.string().optional(),
  companyName: z.string().optional(),
  address: AddressSchema.optional(),
  email: z.string().optional(),
  organizationRegistrationNumber: z.string().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});

export const CustomerBillingProfileSchema = pcObject({
  id: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  culture: z.string().optional(),
  language: z.string().optional(),
  companyName: z.string().optional(),
  defaultAddress: AddressSchema.optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});

export const RELATIONSHIP_TO_PARTNER = [
  'none',
  'reseller',
  'advisor',
  'syndication',
  'microsoft_support',
] as const;

export const CustomerSchema = pcObject({
  id: z.string(),
  commerceId: z.string().optional(),
  companyProfile: CustomerCompanyProfileSchema.optional(),
  billingProfile: CustomerBillingProfileSchema.optional(),
  relationshipToPartner: enumText(RELATIONSHIP_TO_PARTNER).optional(),
  allowDelegatedAccess: bool.optional(),
  associatedPartnerId: z.string().nullable().optional(),
  customDomains: z.array(z.string()).optional(),
  /** Initial admin of a newly created tenant: only present in the create response. Treat as a secret. */
  userCredentials: pcObject({ userName: z.string().optional(), password: z.string().optional() }).optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;
export const CustomerCollectionSchema = collectionOf(CustomerSchema);

export const RelationshipRequestSchema = pcObject({
  url: z.string(),
  attributes: AttributesSchema.optional(),
});
export type RelationshipRequest = z.infer<typeof RelationshipRequestSchema>;

export const CustomerUserSchema = pcObject({
  id: z.string(),
  usageLocation: z.string().optional(),
  userPrincipalName: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  displayName: z.string().optional(),
  immutableId: z.string().nullable().optional(),
  /** Echoed back by the create call, including the password: never log a CustomerUser. */
  passwordProfile: pcObject({ password: z.string().optional(), forceChangePassword: bool.optional() })
    .nullable()
    .optional(),
  lastDirectorySyncTime: dateText.nullable().optional(),
  userDomainType: z.string().optional(),
  state: enumText(['active', 'inactive'] as const).optional(),
  softDeletionTime: dateText.nullable().optional(),
  links: LinksSchema.optional(),
  attributes: AttributesSchema.optional(),
});
export type CustomerUser = z.infer<typeof CustomerUserSchema>;
export const CustomerUserCollectionSchema = collectionOf(CustomerUserSchema);

export const LicenseUpdateSchema = pcObject({
  licensesToAssign: z
    .array(pcObject({ skuId: z.string(), excludedPlans: z.array(z.string()).nullable().optional() }))
    .nullable()
    .optional(),
  licensesToRemove: z.array(z.string()).nullable().optional(),
  licenseWarnings: z.array(z.unknown()).nullable().optional(),
  attributes: AttributesSchema.optional(),
});
export type LicenseUpdate = z.infer<typeof LicenseUpdateSchema>;

export const SubscribedSkuSchema = pcObject({
  availableUnits: int.optional(),
  activeUnits: int.optional(),
  consumedUnits: int.optional(),
  suspendedUnits: int.optional(),
  totalUnits: int.optional(),
  warningUnits: int.optional(),
  productSku: pcObject({
    id: z.string(),
    name: z.string().optional(),
    skuPartNumber: z.string().optional(),
    targetType: z.string().optional(),
    licenseGroupId: z.string().optional(),
  }),
  servicePlans: z
    .array(
      pcObject({
        id: z.string().optional(),
        displayName: z.string().optional(),
        serviceName: z.string().optional(),
        capabilityStatus: z.string().optional(),
        targetType: z.string().optional(),
      }),
    )
    .optional(),
  capabilityStatus: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type SubscribedSku = z.infer<typeof SubscribedSkuSchema>;
export const SubscribedSkuCollectionSchema = collectionOf(SubscribedSkuSchema);

export const ContactSchema = pcObject({
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
  phoneNumber: z.string().optional(),
});

/** Microsoft Customer Agreement attestation (`POST /customers/{id}/agreements`). */
export const AgreementSchema = pcObject({
  userId: z.string().optional(),
  primaryContact: ContactSchema.optional(),
  templateId: z.string().optional(),
  dateAgreed: dateText.optional(),
  type: z.string().optional(),
  agreementLink: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type Agreement = z.infer<typeof AgreementSchema>;

/** Membership of a customer user in a directory role (`.../directoryroles/{roleId}/usermembers`). */
export const UserMemberSchema = pcObject({
  id: z.string(),
  userPrincipalName: z.string().optional(),
  displayName: z.string().optional(),
  roleId: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type UserMember = z.infer<typeof UserMemberSchema>;

export const DirectoryRoleSchema = pcObject({
  id: z.string(),
  name: z.string().optional(),
  attributes: AttributesSchema.optional(),
});
export type DirectoryRole = z.infer<typeof DirectoryRoleSchema>;
export const DirectoryRoleCollectionSchema = collectionOf(DirectoryRoleSchema);
