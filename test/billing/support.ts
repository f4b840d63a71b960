import type { Kysely } from 'kysely';
import type { Database } from '../../packages/server/src/db/schema.ts';
import { recordSubscriptionEvent } from '../../packages/server/src/modules/subscriptions/subscriptions.repository.ts';
import type { SubscriptionEventKind } from '../../packages/server/src/modules/subscriptions/subscriptions.tables.ts';

/** A licence as the order flow leaves it: the subscription row and its priced events. */
export interface LicenseSetup {
  providerId: string;
  sellerId: string;
  customerId: string;
  title?: string;
  productId?: string;
  term?: 'P1M' | 'P1Y';
  billingCycle?: 'monthly' | 'annual';
  termStart: string;
  quantity: number;
  /** The price chain, tier 0 first: seller → buyer at unit price (cost = the tier above's price). */
  tiers: { sellerId: string; buyerId: string; unitPrice: string }[];
  currency?: string;
}

export async function createLicense(db: Kysely<Database>, s: LicenseSetup): Promise<string> {
  const currency = s.currency ?? 'JPY';
  const term = s.term ?? 'P1Y';
  const { id } = await db
    .insertInto('subscriptions')
    .values({
      provider_id: s.providerId,
      seller_id: s.sellerId,
      customer_id: s.customerId,
      kind: 'license',
      product_id: s.productId ?? 'CFQ7TTC0LF8R',
      sku_id: '0001',
      title: s.title ?? 'Microsoft 365 E3',
      status: 'active',
      quantity: s.quantity,
      term,
      billing_cycle: s.billingCycle ?? 'monthly',
      term_start: s.termStart,
      unit_price: s.tiers.at(-1)!.unitPrice,
      currency,
      auto_renew: true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await event(db, id, s, 'purchased', `${s.termStart}T01:00:00Z`, 0, s.quantity, 'active');
  return id;
}

export async function event(
  db: Kysely<Database>,
  subscriptionId: string,
  s: LicenseSetup,
  kind: SubscriptionEventKind,
  at: string,
  before: number,
  after: number,
  status = 'active',
  termStart = s.termStart,
  prices = s.tiers,
): Promise<void> {
  const currency = s.currency ?? 'JPY';
  await recordSubscriptionEvent(db, {
    subscriptionId,
    kind,
    effectiveAt: new Date(at),
    quantityBefore: before,
    quantityAfter: after,
    statusBefore: 'active',
    statusAfter: status,
    term: s.term ?? 'P1Y',
    billingCycle: s.billingCycle ?? 'monthly',
    termStart,
    source: 'order',
    prices: prices.map((t, i) => ({
      sellerId: t.sellerId,
      buyerId: t.buyerId,
      unitCost: i === 0 ? String(Number(t.unitPrice) * 0.8) : prices[i - 1]!.unitPrice,
      costCurrency: currency,
      unitPrice: t.unitPrice,
      currency,
    })),
  });
}
