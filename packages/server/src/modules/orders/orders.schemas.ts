import { Type } from '@fastify/type-provider-typebox';

/** TypeBox schemas of the order API (request bodies and responses; OpenAPI components). */

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Decimal = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$' });
export const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const PriceTierSchema = Type.Object({
  sellerId: Type.String(),
  buyerId: Type.String(),
  unitCost: Type.String(),
  costCurrency: Type.String(),
  unitPrice: Type.String(),
  currency: Type.String(),
});

export const OrderStateSchema = Type.Union([
  Type.Literal('draft'),
  Type.Literal('submitted'),
  Type.Literal('awaiting_approval'),
  Type.Literal('awaiting_relationship'),
  Type.Literal('scheduled'),
  Type.Literal('provisioning'),
  Type.Literal('completed'),
  Type.Literal('partially_failed'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
]);

export const LineTypeSchema = Type.Union([
  Type.Literal('purchase'),
  Type.Literal('add_on'),
  Type.Literal('azure_plan'),
  Type.Literal('azure_admin'),
  Type.Literal('own_product'),
  Type.Literal('change_quantity'),
  Type.Literal('suspend'),
  Type.Literal('reactivate'),
  Type.Literal('cancel'),
  Type.Literal('set_auto_renew'),
  Type.Literal('schedule_change'),
  Type.Literal('upgrade'),
]);

export const TenantInputSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('new'), Type.Literal('existing')]),
    domainPrefix: Type.Optional(Type.String({ maxLength: 27 })),
    domain: Type.Optional(Type.String({ maxLength: 253 })),
    companyName: Type.Optional(Type.String({ maxLength: 200 })),
    email: Type.Optional(Type.String({ maxLength: 254 })),
    culture: Type.Optional(Type.String({ maxLength: 10 })),
    language: Type.Optional(Type.String({ maxLength: 10 })),
    contact: Type.Optional(
      Type.Object({
        firstName: Type.String({ minLength: 1, maxLength: 100 }),
        lastName: Type.String({ minLength: 1, maxLength: 100 }),
        phoneNumber: Type.Optional(Type.String({ maxLength: 40 })),
      }),
    ),
    address: Type.Optional(
      Type.Object({
        addressLine1: Type.String({ minLength: 1, maxLength: 200 }),
        city: Type.String({ minLength: 1, maxLength: 100 }),
        state: Type.Optional(Type.String({ maxLength: 100 })),
        postalCode: Type.String({ minLength: 1, maxLength: 20 }),
        country: Type.Optional(Type.String({ minLength: 2, maxLength: 2 })),
      }),
    ),
  },
  {
    description:
      'How the customer becomes a Partner Center customer: `new` creates a tenant <domainPrefix>.onmicrosoft.com (the domain is checked first); `existing` links the customer’s tenant, and the order waits until its global admin accepted the reseller relationship (relationshipUrl).',
  },
);

export const OrderLineInputSchema = Type.Object(
  {
    type: LineTypeSchema,
    sku: Type.Optional(Type.String({ maxLength: 100, description: 'PRODUCT:SKU (or a catalogItemId)' })),
    ownProductId: Type.Optional(Type.String({ format: 'uuid' })),
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    term: Type.Optional(Type.String({ maxLength: 4 })),
    billingCycle: Type.Optional(Type.String({ maxLength: 10 })),
    subscriptionId: Type.Optional(Type.String({ format: 'uuid' })),
    parentSubscriptionId: Type.Optional(Type.String({ format: 'uuid' })),
    enabled: Type.Optional(Type.Boolean()),
    clear: Type.Optional(Type.Boolean()),
    friendlyName: Type.Optional(Type.String({ maxLength: 100 })),
    dueDate: Type.Optional(DateText),
    user: Type.Optional(
      Type.Object({
        existingUserId: Type.Optional(Type.String({ maxLength: 64 })),
        userPrincipalName: Type.Optional(Type.String({ maxLength: 254 })),
        new: Type.Optional(
          Type.Object({
            userName: Type.String({ minLength: 1, maxLength: 64 }),
            firstName: Type.String({ minLength: 1, maxLength: 100 }),
            lastName: Type.String({ minLength: 1, maxLength: 100 }),
            displayName: Type.Optional(Type.String({ maxLength: 200 })),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
          }),
        ),
      }),
    ),
  },
  { additionalProperties: false },
);

export const OrderInputSchema = Type.Object(
  {
    customerId: Type.String({ format: 'uuid' }),
    tenant: Type.Optional(TenantInputSchema),
    effectiveDate: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'From the start of this day in the provider’s time zone',
      }),
    ),
    effectiveAt: Type.Optional(
      Type.String({ maxLength: 40, description: 'An ISO 8601 instant with a zone' }),
    ),
    effective: Type.Optional(
      Type.Union([Type.Literal('now'), Type.Literal('next_month')], {
        description: '`next_month`: from the 1st of next month in the provider’s time zone',
      }),
    ),
    reference: Type.Optional(Type.String({ maxLength: 100 })),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 500 }))),
    lines: Type.Array(OrderLineInputSchema, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

export const OrderLineSchema = Type.Object({
  id: Type.String(),
  position: Type.Integer(),
  kind: Type.String(),
  subscriptionId: Nullable(Type.String()),
  productId: Nullable(Type.String()),
  skuId: Nullable(Type.String()),
  catalogItemId: Nullable(Type.String()),
  ownProductId: Nullable(Type.String()),
  title: Type.String(),
  term: Nullable(Type.String()),
  billingCycle: Nullable(Type.String()),
  quantity: Nullable(Type.Integer()),
  params: Type.Unknown(),
  unitPrice: Nullable(Type.String()),
  currency: Nullable(Type.String()),
  priceTiers: Type.Array(PriceTierSchema),
  status: Type.String(),
  waitingOn: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  failureCode: Nullable(Type.String()),
  result: Type.Unknown(),
  createdSubscriptionId: Nullable(Type.String()),
  completedAt: Nullable(Type.String()),
});

export const OrderSchema = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    providerId: Type.String(),
    sellerId: Type.String(),
    sellerName: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    placedByOrgId: Type.String(),
    state: OrderStateSchema,
    tenant: Nullable(Type.Object({ mode: Type.String(), domain: Type.String() })),
    relationshipUrl: Nullable(Type.String()),
    effectiveAt: Nullable(Type.String()),
    effectiveDate: Nullable(Type.String()),
    timeZone: Type.String(),
    quoteId: Nullable(Type.String()),
    reference: Type.String(),
    attributes: Type.Record(Type.String(), Type.String()),
    currency: Type.String(),
    monthlyAmount: Type.String(),
    credit: Type.Unknown(),
    failureReason: Nullable(Type.String()),
    alertedAt: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    attempts: Type.Integer(),
    approvedAt: Nullable(Type.String()),
    relationshipAcceptedAt: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    completedAt: Nullable(Type.String()),
    version: Type.Integer(),
    lines: Type.Array(OrderLineSchema),
    history: Type.Array(
      Type.Object({
        from: Type.String(),
        to: Type.String(),
        event: Type.String(),
        reason: Nullable(Type.String()),
        lineId: Nullable(Type.String()),
        actor: Type.String(),
        at: Type.String(),
      }),
    ),
  },
  { $id: 'Order' },
);

export const ReasonBody = Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) });
