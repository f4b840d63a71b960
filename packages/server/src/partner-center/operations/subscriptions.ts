import {
  type AzureEntitlement,
  AzureEntitlementCollectionSchema,
  type Migration,
  MigrationSchema,
  type MigrationValidation,
  MigrationValidationSchema,
  type Subscription,
  SubscriptionCollectionSchema,
  type SubscriptionProvisioningStatus,
  SubscriptionProvisioningStatusSchema,
  SubscriptionSchema,
  type Transition,
  TransitionCollectionSchema,
  type TransitionEligibility,
  TransitionEligibilityCollectionSchema,
  TransitionSchema,
} from '../schemas/subscriptions.ts';
import { parseWith } from '../transport.ts';
import type { AdminOperations, AdminUser } from './admin.ts';
import { type CallOptions, compact, type MutationOptions, type OperationContext, seg } from './context.ts';

export interface ScheduledNextTermInput {
  product: {
    productId: string;
    skuId: string;
    availabilityId: string;
    billingCycle: string;
    termDuration: string;
    promotionId?: string | undefined;
  };
  quantity: number;
  customTermEndDate?: string | undefined;
}

export interface SubscriptionChanges {
  quantity?: number | undefined;
  /** `suspended` suspends, `active` reactivates, `deleted` cancels (NCE: within the cancellation window). */
  status?: 'active' | 'suspended' | 'deleted' | undefined;
  autoRenewEnabled?: boolean | undefined;
  friendlyName?: string | undefined;
  /** Renewal-time changes (needs auto-renew); `null` removes the scheduled changes. */
  scheduledNextTermInstructions?: ScheduledNextTermInput | null | undefined;
}

/** 200 = applied; 202 = Microsoft accepted it and is still working (poll the subscription). */
export type SubscriptionPatchResult =
  | { status: 'updated'; subscription: Subscription }
  | { status: 'accepted'; location: string | undefined };

export interface PatchOptions extends MutationOptions {
  /** Overrides the etag taken from `current.attributes.etag`; `false` sends no If-Match. */
  ifMatch?: string | false | undefined;
}

type SubscriptionLike = Subscription | Readonly<Record<string, unknown>>;

/**
 * Microsoft documents the PATCH body as the full subscription resource with the changed fields. Changes
 * overwrite existing keys case-insensitively, so a PascalCase resource (as in the docs) does not end up
 * with both `Quantity` and `quantity`.
 */
export function subscriptionPatchBody(
  current: SubscriptionLike,
  changes: SubscriptionChanges,
): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone({ ...current }) as Record<string, unknown>;
  const set = (name: string, value: unknown) => {
    const existing = Object.keys(body).find((key) => key.toLowerCase() === name.toLowerCase());
    body[existing ?? name] = value;
  };
  if (changes.quantity !== undefined) set('quantity', changes.quantity);
  if (changes.status !== undefined) set('status', changes.status);
  if (changes.autoRenewEnabled !== undefined) set('autoRenewEnabled', changes.autoRenewEnabled);
  if (changes.friendlyName !== undefined) set('friendlyName', changes.friendlyName);
  if (changes.scheduledNextTermInstructions !== undefined) {
    const next = changes.scheduledNextTermInstructions;
    set(
      'scheduledNextTermInstructions',
      next === null
        ? null
        : compact({
            product: compact({ ...next.product }),
            quantity: next.quantity,
            customTermEndDate: next.customTermEndDate,
          }),
    );
  }
  return body;
}

function etagOf(current: SubscriptionLike): string | undefined {
  const attributes = Object.entries(current).find(([key]) => key.toLowerCase() === 'attributes')?.[1];
  if (!attributes || typeof attributes !== 'object') return undefined;
  const etag = Object.entries(attributes).find(([key]) => key.toLowerCase() === 'etag')?.[1];
  return typeof etag === 'string' && etag !== '' ? etag : undefined;
}

function idOf(current: SubscriptionLike): string {
  const id = Object.entries(current).find(([key]) => key.toLowerCase() === 'id')?.[1];
  if (typeof id !== 'string' || id === '') throw new TypeError('The current subscription needs its id.');
  return id;
}

export function subscriptionOperations(ctx: OperationContext, admin: AdminOperations) {
  const t = ctx.transport;
  const base = (customerId: string) => `/customers/${seg(customerId)}/subscriptions`;
  const one = (customerId: string, subscriptionId: string) => `${base(customerId)}/${seg(subscriptionId)}`;

  const ops = {
    async list(
      customerId: string,
      filter: { orderId?: string | undefined; mpnId?: string | undefined } = {},
      options: CallOptions = {},
    ): Promise<Subscription[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.list',
          method: 'GET',
          path: base(customerId),
          query: { order_id: filter.orderId, mpn_id: filter.mpnId },
          ...options,
        },
        SubscriptionCollectionSchema,
      );
      return data.items;
    },

    async get(customerId: string, subscriptionId: string, options: CallOptions = {}): Promise<Subscription> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.get',
          method: 'GET',
          path: one(customerId, subscriptionId),
          ...options,
        },
        SubscriptionSchema,
      );
      return data;
    },

    /**
     * Changes a subscription: `current` is the resource as last read (sent back whole, as documented), its
     * etag goes into If-Match so a concurrent change fails (code 2055) instead of being overwritten.
     */
    async patch(
      customerId: string,
      current: SubscriptionLike,
      changes: SubscriptionChanges,
      options: PatchOptions,
    ): Promise<SubscriptionPatchResult> {
      const { ifMatch, ...rest } = options;
      const response = await t.send({
        api: 'partner-center',
        operation: 'subscriptions.patch',
        method: 'PATCH',
        path: one(customerId, idOf(current)),
        body: subscriptionPatchBody(current, changes),
        ifMatch: ifMatch === false ? undefined : (ifMatch ?? etagOf(current)),
        responseType: 'json',
        ...rest,
      });
      if (response.status === 202 || response.body === undefined) {
        return { status: 'accepted', location: response.headers.get('location') ?? undefined };
      }
      return {
        status: 'updated',
        subscription: parseWith(SubscriptionSchema, response.body, 'subscriptions.patch', response.requestId),
      };
    },

    setQuantity: (customerId: string, current: SubscriptionLike, quantity: number, options: PatchOptions) =>
      ops.patch(customerId, current, { quantity }, options),
    suspend: (customerId: string, current: SubscriptionLike, options: PatchOptions) =>
      ops.patch(customerId, current, { status: 'suspended' }, options),
    reactivate: (customerId: string, current: SubscriptionLike, options: PatchOptions) =>
      ops.patch(customerId, current, { status: 'active' }, options),
    /** NCE: only within the cancellation window (`cancellationAllowedUntilDate`). */
    cancel: (customerId: string, current: SubscriptionLike, options: PatchOptions) =>
      ops.patch(customerId, current, { status: 'deleted' }, options),
    setAutoRenew: (customerId: string, current: SubscriptionLike, enabled: boolean, options: PatchOptions) =>
      ops.patch(customerId, current, { autoRenewEnabled: enabled }, options),
    scheduleNextTerm: (
      customerId: string,
      current: SubscriptionLike,
      instructions: ScheduledNextTermInput | null,
      options: PatchOptions,
    ) => ops.patch(customerId, current, { scheduledNextTermInstructions: instructions }, options),

    async listAddOns(
      customerId: string,
      subscriptionId: string,
      options: CallOptions = {},
    ): Promise<Subscription[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.addons',
          method: 'GET',
          path: `${one(customerId, subscriptionId)}/addons`,
          ...options,
        },
        SubscriptionCollectionSchema,
      );
      return data.items;
    },

    async getProvisioningStatus(
      customerId: string,
      subscriptionId: string,
      options: CallOptions = {},
    ): Promise<SubscriptionProvisioningStatus> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.provisioningStatus',
          method: 'GET',
          path: `${one(customerId, subscriptionId)}/provisioningstatus`,
          ...options,
        },
        SubscriptionProvisioningStatusSchema,
      );
      return data;
    },

    /** Upgrade targets: `immediate` (default) or `scheduled` (valid targets for scheduledNextTermInstructions). */
    async listTransitionEligibilities(
      customerId: string,
      subscriptionId: string,
      criteria: { eligibilityType?: 'immediate' | 'scheduled' | undefined } = {},
      options: CallOptions = {},
    ): Promise<TransitionEligibility[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.transitionEligibilities',
          method: 'GET',
          path: `${one(customerId, subscriptionId)}/transitionEligibilities`,
          query: { eligibilityType: criteria.eligibilityType ?? 'immediate' },
          ...options,
        },
        TransitionEligibilityCollectionSchema,
      );
      return data.items;
    },

    /** NCE upgrade (transition) of some or all seats to another catalog item. */
    async createTransition(
      customerId: string,
      subscriptionId: string,
      input: {
        toCatalogItemId: string;
        quantity: number;
        transitionType: 'transition_only' | 'transition_with_license_transfer';
      },
      options: MutationOptions,
    ): Promise<Transition> {
      const body = {
        toCatalogItemId: input.toCatalogItemId,
        quantity: input.quantity,
        transitionType: input.transitionType,
        events: [],
      };
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.createTransition',
          method: 'POST',
          path: `${one(customerId, subscriptionId)}/transitions`,
          body,
          ...options,
        },
        TransitionSchema,
      );
      return data;
    },

    async listTransitions(
      customerId: string,
      subscriptionId: string,
      criteria: { operationId?: string | undefined } = {},
      options: CallOptions = {},
    ): Promise<Transition[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.transitions',
          method: 'GET',
          path: `${one(customerId, subscriptionId)}/transitions`,
          query: { operationId: criteria.operationId },
          ...options,
        },
        TransitionCollectionSchema,
      );
      return data.items;
    },

    /** Azure subscriptions inside an Azure plan. */
    async listAzureEntitlements(
      customerId: string,
      subscriptionId: string,
      options: CallOptions = {},
    ): Promise<AzureEntitlement[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.azureEntitlements',
          method: 'GET',
          path: `${one(customerId, subscriptionId)}/azureEntitlements`,
          ...options,
        },
        AzureEntitlementCollectionSchema,
      );
      return data.items;
    },

    /**
     * Admin access for a new or existing customer user (API.md §5): creates the user if asked and adds it
     * to a directory role (default Global Administrator template). Azure RBAC role assignments proper live
     * in Azure Resource Manager, which is outside the Partner Center API.
     */
    assignAdmin(
      customerId: string,
      input: { user: AdminUser; roleId: string },
      options: MutationOptions,
    ): ReturnType<AdminOperations['assignAdmin']> {
      return admin.assignAdmin(customerId, input, options);
    },

    /** Legacy → NCE: can this subscription migrate, and to which catalog item? */
    async validateMigration(
      customerId: string,
      currentSubscriptionId: string,
      options: CallOptions = {},
    ): Promise<MigrationValidation> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.validateMigration',
          method: 'POST',
          path: `/customers/${seg(customerId)}/migrations/newcommerce/validate`,
          body: { currentSubscriptionId },
          safe: true,
          ...options,
        },
        MigrationValidationSchema,
      );
      return data;
    },

    async createMigration(
      customerId: string,
      input: {
        currentSubscriptionId: string;
        termDuration?: string | undefined;
        billingCycle?: string | undefined;
        purchaseFullTerm?: boolean | undefined;
        quantity?: number | undefined;
        customTermEndDate?: string | undefined;
      },
      options: MutationOptions,
    ): Promise<Migration> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.createMigration',
          method: 'POST',
          path: `/customers/${seg(customerId)}/migrations/newcommerce`,
          body: compact({ ...input }),
          ...options,
        },
        MigrationSchema,
      );
      return data;
    },

    async getMigration(
      customerId: string,
      migrationId: string,
      options: CallOptions = {},
    ): Promise<Migration> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'subscriptions.getMigration',
          method: 'GET',
          path: `/customers/${seg(customerId)}/migrations/newcommerce/${seg(migrationId)}`,
          ...options,
        },
        MigrationSchema,
      );
      return data;
    },
  };
  return ops;
}

export type SubscriptionOperations = ReturnType<typeof subscriptionOperations>;
