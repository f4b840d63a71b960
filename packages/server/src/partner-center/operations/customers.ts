import { flatten, paginateByContinuationToken, paginateBySeek } from '../paging.ts';
import {
  type Agreement,
  AgreementSchema,
  type Customer,
  CustomerCollectionSchema,
  CustomerSchema,
  type CustomerUser,
  CustomerUserCollectionSchema,
  CustomerUserSchema,
  type LicenseUpdate,
  LicenseUpdateSchema,
  type RelationshipRequest,
  RelationshipRequestSchema,
  type SubscribedSku,
  SubscribedSkuCollectionSchema,
} from '../schemas/customers.ts';
import { type CallOptions, compact, type MutationOptions, type OperationContext, seg } from './context.ts';

export interface AddressInput {
  firstName: string;
  lastName: string;
  addressLine1: string;
  addressLine2?: string | undefined;
  addressLine3?: string | undefined;
  city: string;
  /** Two letters where the country has states. */
  state?: string | undefined;
  postalCode: string;
  /** ISO 3166 alpha-2. */
  country: string;
  /** Mandatory for some countries (API.md §1.1). */
  phoneNumber?: string | undefined;
}

export interface CustomerCreateInput {
  companyProfile: {
    /** `contoso.onmicrosoft.com`, or just the prefix `contoso`. */
    domain: string;
    organizationRegistrationNumber?: string | undefined;
  };
  billingProfile: {
    email: string;
    culture: string;
    language: string;
    companyName: string;
    defaultAddress: AddressInput;
  };
  /** Indirect provider creating the customer on behalf of an indirect reseller. */
  associatedPartnerId?: string | undefined;
}

export type CustomerSearchField =
  | 'CompanyName'
  | 'Domain'
  | 'IndirectReseller'
  | 'IndirectCloudSolutionProvider';

export interface CustomerUserInput {
  userPrincipalName: string;
  firstName: string;
  lastName: string;
  displayName: string;
  usageLocation: string;
  immutableId?: string | undefined;
  passwordProfile: { password: string; forceChangePassword: boolean };
}

export interface CustomerAgreementInput {
  primaryContact: { firstName: string; lastName: string; email: string; phoneNumber?: string | undefined };
  /** Current Microsoft Customer Agreement template id. */
  templateId: string;
  /** ISO date the customer accepted. */
  dateAgreed: string;
  type?: string | undefined;
}

export interface LicenseChangeInput {
  assign?: ReadonlyArray<{ skuId: string; excludedPlans?: readonly string[] | undefined }> | undefined;
  /** SKU ids to remove. */
  remove?: readonly string[] | undefined;
}

/** `contoso` → `contoso.onmicrosoft.com`; full domains are kept (sandbox tenants use other suffixes). */
export function customerDomain(domainOrPrefix: string): string {
  const value = domainOrPrefix.trim().toLowerCase();
  return value.includes('.') ? value : `${value}.onmicrosoft.com`;
}

function addressBody(address: AddressInput) {
  return compact({
    FirstName: address.firstName,
    LastName: address.lastName,
    AddressLine1: address.addressLine1,
    AddressLine2: address.addressLine2,
    AddressLine3: address.addressLine3,
    City: address.city,
    State: address.state,
    PostalCode: address.postalCode,
    Country: address.country,
    PhoneNumber: address.phoneNumber,
  });
}

export function customerOperations(ctx: OperationContext) {
  const t = ctx.transport;

  function listPages(query: Record<string, string | number>, options: CallOptions = {}) {
    const correlationId = options.correlationId ?? t.newId();
    return paginateByContinuationToken<Customer>(async (token) => {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.list',
          method: 'GET',
          path: '/customers',
          query: token ? { ...query, seekOperation: 'next' } : query,
          continuationToken: token,
          correlationId,
          signal: options.signal,
        },
        CustomerCollectionSchema,
      );
      return data;
    });
  }

  return {
    /** Creates a customer tenant; the response carries the initial admin credentials (treat as secret). */
    async create(input: CustomerCreateInput, options: MutationOptions): Promise<Customer> {
      const body = compact({
        CompanyProfile: compact({
          Domain: customerDomain(input.companyProfile.domain),
          OrganizationRegistrationNumber: input.companyProfile.organizationRegistrationNumber,
        }),
        BillingProfile: {
          Culture: input.billingProfile.culture,
          Email: input.billingProfile.email,
          Language: input.billingProfile.language,
          CompanyName: input.billingProfile.companyName,
          DefaultAddress: addressBody(input.billingProfile.defaultAddress),
        },
        AssociatedPartnerId: input.associatedPartnerId,
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.create',
          method: 'POST',
          path: '/customers',
          body,
          ...options,
        },
        CustomerSchema,
      );
      return data;
    },

    /** `HEAD /domains/{domain}`: 404 means nobody uses the domain yet. */
    async isDomainAvailable(domain: string, options: CallOptions = {}): Promise<boolean> {
      const response = await t.send({
        api: 'partner-center',
        operation: 'customers.domainAvailability',
        method: 'HEAD',
        path: `/domains/${seg(customerDomain(domain))}`,
        acceptStatuses: [404],
        responseType: 'none',
        ...options,
      });
      return response.status === 404;
    },

    async get(customerId: string, options: CallOptions = {}): Promise<Customer> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.get',
          method: 'GET',
          path: `/customers/${seg(customerId)}`,
          ...options,
        },
        CustomerSchema,
      );
      return data;
    },

    /** All customers, page by page on demand (continuation token). */
    list(
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<Customer, void, undefined> {
      return flatten(listPages({ size: options.size ?? 500 }, options));
    },

    /** Case-insensitive prefix search (`starts_with` is the only operator Partner Center supports). */
    search(
      criteria: { field: CustomerSearchField; value: string; size?: number | undefined },
      options: CallOptions = {},
    ): AsyncGenerator<Customer, void, undefined> {
      const filter = JSON.stringify({
        Field: criteria.field,
        Value: criteria.value,
        Operator: 'starts_with',
      });
      return flatten(listPages({ size: criteria.size ?? 0, filter }, options));
    },

    /** Invitation link a customer's global admin opens to accept us as reseller for an existing tenant. */
    async relationshipRequestLink(options: CallOptions = {}): Promise<RelationshipRequest> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.relationshipRequest',
          method: 'GET',
          path: '/customers/relationshiprequests',
          ...options,
        },
        RelationshipRequestSchema,
      );
      return data;
    },

    /** Attests the customer's acceptance of the Microsoft Customer Agreement (needed before NCE purchases). */
    async confirmCustomerAgreement(
      customerId: string,
      input: CustomerAgreementInput,
      options: MutationOptions,
    ): Promise<Agreement> {
      const body = {
        primaryContact: compact({ ...input.primaryContact }),
        templateId: input.templateId,
        dateAgreed: input.dateAgreed,
        type: input.type ?? 'MicrosoftCustomerAgreement',
      };
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.confirmAgreement',
          method: 'POST',
          path: `/customers/${seg(customerId)}/agreements`,
          body,
          ...options,
        },
        AgreementSchema,
      );
      return data;
    },

    async createUser(
      customerId: string,
      input: CustomerUserInput,
      options: MutationOptions,
    ): Promise<CustomerUser> {
      const body = compact({
        usageLocation: input.usageLocation,
        userPrincipalName: input.userPrincipalName,
        firstName: input.firstName,
        lastName: input.lastName,
        displayName: input.displayName,
        immutableId: input.immutableId,
        passwordProfile: {
          password: input.passwordProfile.password,
          forceChangePassword: input.passwordProfile.forceChangePassword,
        },
        attributes: { objectType: 'CustomerUser' },
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.createUser',
          method: 'POST',
          path: `/customers/${seg(customerId)}/users`,
          body,
          ...options,
        },
        CustomerUserSchema,
      );
      return data;
    },

    listUsers(
      customerId: string,
      options: CallOptions & { size?: number | undefined } = {},
    ): AsyncGenerator<CustomerUser, void, undefined> {
      const correlationId = options.correlationId ?? t.newId();
      const size = options.size;
      return flatten(
        paginateBySeek<CustomerUser>(async (token) => {
          const { data } = await t.json(
            {
              api: 'partner-center',
              operation: 'customers.listUsers',
              method: 'GET',
              path: `/customers/${seg(customerId)}/users`,
              query: token ? { size, seekOperation: 'Next' } : { size },
              continuationToken: token,
              correlationId,
              signal: options.signal,
            },
            CustomerUserCollectionSchema,
          );
          return data;
        }),
      );
    },

    /** Assigns and/or removes licences of one user (`licenseupdates`); 400 code 60012 = no licence left. */
    async updateUserLicenses(
      customerId: string,
      userId: string,
      change: LicenseChangeInput,
      options: MutationOptions,
    ): Promise<LicenseUpdate> {
      const body = compact({
        LicensesToAssign: change.assign?.map((license) =>
          compact({
            ExcludedPlans: license.excludedPlans ? [...license.excludedPlans] : undefined,
            SkuId: license.skuId,
          }),
        ),
        LicensesToRemove: change.remove ? [...change.remove] : undefined,
        Attributes: { ObjectType: 'LicenseUpdate' },
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.updateUserLicenses',
          method: 'POST',
          path: `/customers/${seg(customerId)}/users/${seg(userId)}/licenseupdates`,
          body,
          ...options,
        },
        LicenseUpdateSchema,
      );
      return data;
    },

    /** Licences the customer owns and how many are free (`subscribedskus`). */
    async listSubscribedSkus(customerId: string, options: CallOptions = {}): Promise<SubscribedSku[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'customers.subscribedSkus',
          method: 'GET',
          path: `/customers/${seg(customerId)}/subscribedskus`,
          ...options,
        },
        SubscribedSkuCollectionSchema,
      );
      return data.items;
    },
  };
}

export type CustomerOperations = ReturnType<typeof customerOperations>;
