import {
  type Cart,
  type CartCheckoutResult,
  CartCheckoutResultSchema,
  CartSchema,
  type Order,
  OrderCollectionSchema,
  type OrderLineItemProvisioningStatus,
  OrderProvisioningStatusCollectionSchema,
  OrderSchema,
} from '../schemas/orders.ts';
import { type CallOptions, compact, type MutationOptions, type OperationContext, seg } from './context.ts';

export interface CartLineItemInput {
  /** Line number within the cart (0…n-1); assigned in order when omitted. */
  id?: number | undefined;
  /** `productId:skuId:availabilityId` for NCE, or a legacy offer id. */
  catalogItemId: string;
  quantity: number;
  /** e.g. `monthly`, `annual`, `triennial`, `one_time`, `none` (documented examples also send `Monthly`). */
  billingCycle?: string | undefined;
  /** ISO-8601 term: `P1M`, `P1Y`, `P3Y`. */
  termDuration?: string | undefined;
  friendlyName?: string | undefined;
  promotionId?: string | undefined;
  /** Free-form map sent verbatim (e.g. `{ subscriptionId, scope, duration }` for reservations, `{ ParentSubscriptionId }` for add-ons). */
  provisioningContext?: Readonly<Record<string, string>> | undefined;
  /** Co-terminate the first term with this date (NCE licences only). */
  customTermEndDate?: string | undefined;
  attestationAccepted?: boolean | undefined;
  renewsTo?: { termDuration: string } | undefined;
  participants?: ReadonlyArray<{ key: string; value: string }> | undefined;
  addonItems?: readonly CartLineItemInput[] | undefined;
}

export interface CartInput {
  lineItems: readonly CartLineItemInput[];
}

export interface OrderLineItemInput {
  lineItemNumber?: number | undefined;
  offerId: string;
  quantity: number;
  friendlyName?: string | undefined;
  /** Indirect reseller's MPN id, when buying for an indirect reseller's customer. */
  partnerIdOnRecord?: string | undefined;
  provisioningContext?: Readonly<Record<string, string>> | undefined;
}

export interface OrderInput {
  referenceCustomerId?: string | undefined;
  billingCycle?: string | undefined;
  currencyCode?: string | undefined;
  lineItems: readonly OrderLineItemInput[];
}

function cartLineBody(line: CartLineItemInput, index: number): Record<string, unknown> {
  return compact({
    Id: line.id ?? index,
    CatalogItemId: line.catalogItemId,
    FriendlyName: line.friendlyName,
    Quantity: line.quantity,
    BillingCycle: line.billingCycle,
    TermDuration: line.termDuration,
    PromotionId: line.promotionId,
    ProvisioningContext: line.provisioningContext ? { ...line.provisioningContext } : undefined,
    CustomTermEndDate: line.customTermEndDate,
    AttestationAccepted: line.attestationAccepted,
    RenewsTo: line.renewsTo ? { TermDuration: line.renewsTo.termDuration } : undefined,
    Participants: line.participants?.map((p) => ({ Key: p.key, Value: p.value })),
    AddOnItems: line.addonItems?.map(cartLineBody),
  });
}

/** Cart bodies follow the documented PascalCase request form. */
export function cartBody(cart: CartInput, omitIds = false): Record<string, unknown> {
  return {
    LineItems: cart.lineItems.map((line, index) => {
      const body = cartLineBody(line, index);
      if (omitIds && line.id === undefined) delete body.Id;
      return body;
    }),
  };
}

function orderLineBody(line: OrderLineItemInput, index: number, extra: Record<string, unknown> = {}) {
  return compact({
    LineItemNumber: line.lineItemNumber ?? index,
    OfferId: line.offerId,
    FriendlyName: line.friendlyName,
    Quantity: line.quantity,
    PartnerIdOnRecord: line.partnerIdOnRecord,
    ProvisioningContext: line.provisioningContext ? { ...line.provisioningContext } : undefined,
    ...extra,
  });
}

export function orderOperations(ctx: OperationContext) {
  const t = ctx.transport;
  const cartsPath = (customerId: string) => `/customers/${seg(customerId)}/carts`;
  const ordersPath = (customerId: string) => `/customers/${seg(customerId)}/orders`;

  return {
    /**
     * Creates a cart (the purchase path for NCE licences, Azure plan, reservations, software, SaaS).
     * Microsoft assigns `orderGroup`s; each group becomes one order at checkout.
     */
    async createCart(customerId: string, cart: CartInput, options: MutationOptions): Promise<Cart> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'carts.create',
          method: 'POST',
          path: cartsPath(customerId),
          body: cartBody(cart, true),
          ...options,
        },
        CartSchema,
      );
      return data;
    },

    async getCart(customerId: string, cartId: string, options: CallOptions = {}): Promise<Cart> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'carts.get',
          method: 'GET',
          path: `${cartsPath(customerId)}/${seg(cartId)}`,
          ...options,
        },
        CartSchema,
      );
      return data;
    },

    /** Replaces the cart's line items (`PUT`). */
    async updateCart(
      customerId: string,
      cartId: string,
      cart: CartInput,
      options: MutationOptions,
    ): Promise<Cart> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'carts.update',
          method: 'PUT',
          path: `${cartsPath(customerId)}/${seg(cartId)}`,
          body: { Id: cartId, ...cartBody(cart) },
          ...options,
        },
        CartSchema,
      );
      return data;
    },

    /**
     * Places the order. Partial success is normal: see `orderErrors` (and `checkoutOrderErrors()`). Use one
     * operation key per cart so a retried checkout never buys twice.
     */
    async checkoutCart(
      customerId: string,
      cartId: string,
      options: MutationOptions,
    ): Promise<CartCheckoutResult> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'carts.checkout',
          method: 'POST',
          path: `${cartsPath(customerId)}/${seg(cartId)}/checkout`,
          ...options,
        },
        CartCheckoutResultSchema,
      );
      return data;
    },

    /** Legacy order (`POST /orders`): legacy licence offers, reservations by catalog item id. */
    async createOrder(customerId: string, order: OrderInput, options: MutationOptions): Promise<Order> {
      const body = compact({
        ReferenceCustomerId: order.referenceCustomerId,
        BillingCycle: order.billingCycle,
        CurrencyCode: order.currencyCode,
        LineItems: order.lineItems.map((line, index) =>
          orderLineBody(line, index, { Attributes: { ObjectType: 'OrderLineItem' } }),
        ),
        Attributes: { ObjectType: 'Order' },
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.create',
          method: 'POST',
          path: ordersPath(customerId),
          body,
          ...options,
        },
        OrderSchema,
      );
      return data;
    },

    async getOrder(
      customerId: string,
      orderId: string,
      options: CallOptions & { includePrice?: boolean | undefined } = {},
    ): Promise<Order> {
      const { includePrice, ...rest } = options;
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.get',
          method: 'GET',
          path: `${ordersPath(customerId)}/${seg(orderId)}`,
          query: { include_price: includePrice },
          ...rest,
        },
        OrderSchema,
      );
      return data;
    },

    async listOrders(
      customerId: string,
      options: CallOptions & { billingType?: string | undefined; includePrice?: boolean | undefined } = {},
    ): Promise<Order[]> {
      const { includePrice, billingType, ...rest } = options;
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.list',
          method: 'GET',
          path: ordersPath(customerId),
          query: { billingType, include_price: includePrice },
          ...rest,
        },
        OrderCollectionSchema,
      );
      return data.items;
    },

    /** Per line: fulfilled / unfulfilled / prefulfillment pending. */
    async getOrderProvisioningStatus(
      customerId: string,
      orderId: string,
      options: CallOptions = {},
    ): Promise<OrderLineItemProvisioningStatus[]> {
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.provisioningStatus',
          method: 'GET',
          path: `${ordersPath(customerId)}/${seg(orderId)}/provisioningstatus`,
          ...options,
        },
        OrderProvisioningStatusCollectionSchema,
      );
      return data.items;
    },

    /** Legacy add-on purchase: PATCH the base subscription's order with the add-on line. */
    async purchaseLegacyAddOn(
      customerId: string,
      orderId: string,
      input: {
        referenceCustomerId?: string | undefined;
        lineItems: ReadonlyArray<OrderLineItemInput & { parentSubscriptionId: string }>;
      },
      options: MutationOptions,
    ): Promise<Order> {
      const body = compact({
        ReferenceCustomerId: input.referenceCustomerId ?? customerId,
        LineItems: input.lineItems.map((line, index) =>
          orderLineBody(line, index, {
            ParentSubscriptionId: line.parentSubscriptionId,
            Attributes: { ObjectType: 'OrderLineItem' },
          }),
        ),
        Attributes: { ObjectType: 'Order' },
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.patch',
          method: 'PATCH',
          path: `${ordersPath(customerId)}/${seg(orderId)}`,
          body,
          ...options,
        },
        OrderSchema,
      );
      return data;
    },

    /** Cancels a software / perpetual purchase inside its window (optionally only some lines). */
    async cancelSoftwareOrder(
      customerId: string,
      orderId: string,
      input: { lineItems?: ReadonlyArray<{ lineItemNumber: number; offerId: string }> | undefined },
      options: MutationOptions,
    ): Promise<Order> {
      const body = compact({
        id: orderId,
        status: 'cancelled',
        lineItems: input.lineItems?.map((line) => ({
          lineItemNumber: line.lineItemNumber,
          offerId: line.offerId,
        })),
      });
      const { data } = await t.json(
        {
          api: 'partner-center',
          operation: 'orders.patch',
          method: 'PATCH',
          path: `${ordersPath(customerId)}/${seg(orderId)}`,
          body,
          ...options,
        },
        OrderSchema,
      );
      return data;
    },
  };
}

export type OrderOperations = ReturnType<typeof orderOperations>;
