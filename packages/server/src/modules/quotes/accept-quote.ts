import { requirePermission, type Scope } from '../../auth/scope.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { createOrder } from '../orders/create-order.ts';
import type { OrderServices } from '../orders/order-services.ts';
import { findOrder, type OrderView } from '../orders/orders.repository.ts';
import type { OrderInput, QuotedPrice, TenantInput } from '../orders/prepare-order.ts';
import { createOrganization } from '../organizations/create-organization.ts';
import { findQuote, type QuoteView } from './quotes.repository.ts';

/**
 * Accepting a quote turns it into an order at the quoted prices: a prospect first becomes a
 * customer (below the seller); the order is placed like any other (NCE checks, credit control,
 * tenant, schedule). The lines' start date becomes the order's effective date. Accepting twice
 * returns the same order (the quote id is the order's idempotency key).
 */

export interface AcceptQuoteInput {
  /** The Partner Center tenant, when the customer does not have one yet. */
  tenant?: TenantInput | undefined;
  reference?: string | undefined;
}

export async function acceptQuote(
  services: OrderServices,
  scope: Scope,
  id: string,
  input: AcceptQuoteInput,
): Promise<{ quote: QuoteView; order: OrderView }> {
  requirePermission(scope, 'orders:write');
  const { db, clock } = services;
  const now = clock.now();
  const today = now.toISOString().slice(0, 10);
  const quote = await findQuote(db, scope, id, today);
  if (!quote) throw notFound('quote');
  if (quote.sellerId !== scope.organizationId && quote.customerId !== scope.organizationId) {
    throw forbidden(`Only ${quote.sellerName} or the customer can accept this quote.`);
  }
  if (quote.status === 'accepted' && quote.orderId) {
    const existing = await findOrder(db, scope, quote.orderId, services.config.secretKey);
    if (existing) return { quote, order: existing };
  }
  if (quote.status !== 'sent') {
    throw badRequest(
      'quote_not_acceptable',
      quote.status === 'expired'
        ? `This quote expired on ${quote.validUntil}; ask for a new one.`
        : `A quote that is ${quote.status} cannot be accepted; send it first.`,
    );
  }
  const starts = [...new Set(quote.lines.map((l) => l.startDate ?? ''))];
  if (starts.length > 1) {
    throw badRequest(
      'mixed_start_dates',
      'The lines start on different dates; split the quote so that each starts on one date.',
    );
  }
  let customerId = quote.customerId;
  if (!customerId) {
    const prospect = quote.prospect!;
    const customer = await createOrganization(db, scope, {
      parentId: quote.sellerId,
      kind: 'customer',
      name: prospect.companyName,
      country: prospect.country,
      currency: prospect.currency,
      timeZone: (
        await db
          .selectFrom('organizations')
          .select('time_zone')
          .where('id', '=', quote.sellerId)
          .executeTakeFirstOrThrow()
      ).time_zone,
      locale: quote.locale,
    });
    customerId = customer.id;
    await db
      .updateTable('quotes')
      .set({ customer_id: customerId, prospect: null })
      .where('id', '=', id)
      .execute();
  }
  const start = starts[0] || null;
  const tenant = input.tenant;
  const order: OrderInput = {
    customerId,
    ...(tenant
      ? {
          tenant: {
            ...tenant,
            ...(tenant.mode === 'new' && !tenant.domainPrefix && quote.prospect?.domainPrefix
              ? { domainPrefix: quote.prospect.domainPrefix }
              : {}),
          },
        }
      : {}),
    ...(start && start > today ? { effectiveDate: start } : {}),
    reference: input.reference ?? quote.number,
    attributes: { quoteNumber: quote.number },
    lines: quote.lines.map((l) =>
      l.itemKind === 'azure_plan'
        ? { type: 'azure_plan' as const }
        : l.itemKind === 'own_product'
          ? {
              type: 'own_product' as const,
              ownProductId: l.ownProductId!,
              quantity: l.quantity,
              term: l.term,
              billingCycle: l.billingCycle,
            }
          : {
              type: 'purchase' as const,
              sku: l.sku!,
              quantity: l.quantity,
              term: l.term,
              billingCycle: l.billingCycle,
            },
    ),
  };
  // The tiers as quoted; a prospect's were priced for a stand-in customer, now the real one.
  const rows = await db
    .selectFrom('quote_lines')
    .select(['position', 'tiers'])
    .where('quote_id', '=', id)
    .execute();
  const tiersOf = new Map(rows.map((r) => [r.position, r.tiers]));
  const quoted = new Map<number, QuotedPrice>(
    quote.lines.map((l, position) => {
      const tiers = (tiersOf.get(l.position) ?? []).map((t, i, all) =>
        i === all.length - 1 ? { ...t, buyerId: customerId! } : t,
      );
      return [position, { unitPrice: l.unitPrice, currency: l.currency, tiers, explanation: l.explanation }];
    }),
  );
  const result = await createOrder(services, scope, order, {
    idempotencyKey: `quote:${quote.id}`,
    quoteId: quote.id,
    quoted,
  });
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('quotes')
      .set({ status: 'accepted', order_id: result.order.id, accepted_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: quote.sellerId,
      action: 'accept',
      entityType: 'quote',
      entityId: id,
      after: { orderId: result.order.id, orderNumber: result.order.number },
    });
  });
  return { quote: (await findQuote(db, scope, id, today))!, order: result.order };
}
