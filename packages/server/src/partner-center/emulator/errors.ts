/**
 * Partner Center error payloads: `{ code, description, data?, source }` with Microsoft's numeric
 * codes and description templates (API.md §0.4, Microsoft's REST error-code table). Graph routes
 * use Graph's `{ error: { code, message } }` envelope instead.
 */
export class PcError extends Error {
  readonly status: number;
  readonly code: number;
  readonly description: string;
  readonly data: string[] | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    status: number,
    code: number,
    description: string,
    data?: string[],
    extra?: Record<string, unknown>,
  ) {
    super(description);
    this.name = 'PcError';
    this.status = status;
    this.code = code;
    this.description = description;
    this.data = data;
    this.extra = extra;
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = { code: this.code, description: this.description };
    if (this.data) body.data = this.data;
    body.source = 'PartnerFD';
    if (this.extra) Object.assign(body, this.extra);
    return body;
  }
}

export class GraphError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.name = 'GraphError';
    this.status = status;
    this.code = code;
  }

  toBody(): Record<string, unknown> {
    return { error: { code: this.code, message: this.message } };
  }
}

export const errors = {
  invalidInput: (detail?: string) =>
    new PcError(400, 800002, 'Invalid request input', detail ? [detail] : undefined),
  notFound: (detail?: string) => new PcError(404, 1000, 'Not found', detail ? [detail] : undefined),
  tokenMissing: () => new PcError(401, 800001, 'Partner Token missing in request context'),
  noRelationship: (partnerId: string, customerId: string) =>
    new PcError(
      403,
      20002,
      `The partner id ${partnerId} has no commerce relationship with the customer id ${customerId}.`,
    ),
  tenantNotFound: (id: string) =>
    new PcError(404, 60003, 'Tenant not found', [`Tenant ${id} was not found.`]),
  userNotFound: (id: string) =>
    new PcError(404, 60002, 'User object Id is not found', [`User ${id} was not found.`]),
  subscriptionNotFound: (id: string) => new PcError(404, 20003, `Subscription with id ${id} not found.`),
  orderNotFound: (id: string) =>
    new PcError(404, 20000, 'Order Id not found', [`Order ${id} was not found.`]),
  cartNotFound: (id: string) =>
    new PcError(404, 800008, 'Unable to retrieve cart Id', [`Cart ${id} was not found.`]),
  cartItemErrors: (details: string[]) => new PcError(400, 800009, 'Error in Cart item(s)', details),
  cartAlreadySubmitted: (id: string) =>
    new PcError(400, 800065, `Cannot check out an already submitted cart ${id}.`),
  addOnNotRelated: (detail: string) =>
    new PcError(400, 800029, 'The add-on is not related to the specified parent subscription', [detail]),
  mcaRequired: () =>
    new PcError(
      403,
      13605,
      'Either a partner confirmation of the customer acceptance of the Microsoft Customer Agreement must be provided or the customer must accept the Microsoft Customer Agreement in the Microsoft Admin Center before you can complete this purchase',
    ),
  quantityWhileSuspended: () =>
    new PcError(400, 800091, 'Cannot update a subscription with suspended status'),
  quantityOutOfRange: (min: number, max: number) =>
    new PcError(400, 2002, 'Subscription quantity is not within minimum and maximum allowed quantity', [
      `Allowed quantity is between ${min} and ${max}.`,
    ]),
  cannotUpdateInStatus: (id: string, status: string) =>
    new PcError(400, 2011, `Subscription with id ${id} and ${status} status cannot be updated.`),
  quantityCannotDecrease: (detail: string) =>
    new PcError(400, 800090, 'Subscription quantity cannot be decreased', [detail]),
  cancellationWindowPassed: (days: number, detail: string) =>
    new PcError(
      400,
      900117,
      `You have passed your ${days}-day cancellation window. We are unable to cancel your purchase`,
      [detail],
    ),
  notEligibleForAutoRenew: (detail: string) =>
    new PcError(400, 800093, 'The subscription is not eligible to be auto-renewed', [detail]),
  cannotUpdateStatus: (detail: string) =>
    new PcError(400, 800096, 'Cannot update the status for this subscription', [detail]),
  cannotUpdateBillingCycle: (detail: string) =>
    new PcError(400, 800097, 'Cannot update the billing cycle for this subscription', [detail]),
  cannotUpdateQuantity: (detail: string) =>
    new PcError(400, 800095, 'Cannot update the seat quantity for this subscription', [detail]),
  azurePlanHasActiveSubscriptions: () =>
    new PcError(
      403,
      900115,
      'Azure plan cannot be moved to suspended state since you have one or more Azure Subscriptions in the active state',
    ),
  etagMismatch: () => new PcError(412, 2055, 'Etag is no longer valid'),
  offerNotSupported: (id: string) =>
    new PcError(
      400,
      2100,
      `The Offers API does not support item with id ${id}. Please try using the Products and/or SKUs APIs`,
    ),
  parentProductNotFound: (id: string) => new PcError(404, 400013, `Parent product ${id} not found.`),
  invalidOfferId: (id: string) =>
    new PcError(400, 800004, 'Invalid offer Id', [`Offer ${id} was not found.`]),
  domainInUse: (domain: string) =>
    new PcError(
      409,
      600011,
      `The domain ${domain} is already in use. Choose another domain prefix.`,
      undefined,
      {
        errorName: 'DomainAlreadyExists',
        isRetryable: false,
      },
    ),
  agreementExists: () =>
    new PcError(409, 600061, 'A partner confirmed agreement already exists for the customer.', undefined, {
      message: 'A partner confirmed agreement already exists for the customer.',
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
      isRetryable: false,
      parameters: {},
      errorMessageExtended: 'InternalErrorCode=600061',
    }),
  licensesExhausted: (customerId: string, skuId: string) =>
    new PcError(
      400,
      60012,
      "We&#39;re sorry, it looks like you've run out of licenses. Buy more licenses, and then try again.",
      [
        `LicenseQuotaExceededException : Subscription with Account ${customerId} and SKU ${skuId} does not have any available licenses left.`,
      ],
    ),
  continuationInvalid: () => new PcError(400, 2000, 'Invalid continuation token'),
};
