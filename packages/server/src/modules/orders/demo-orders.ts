import { permissionsOf } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { createOrder } from './create-order.ts';
import { executeOrder } from './execute-order.ts';
import { orderServices } from './order-services.ts';
import type { OrderInput, TenantInput } from './prepare-order.ts';

/**
 * Demo orders, placed through the real flow against the Partner Center emulator (after the demo
 * catalog and price books are preset): new tenants with licences for three customers through the
 * three kinds of seller, an Azure plan, a seat increase, a support service waiting for its manual
 * provisioning task, and a German customer's order scheduled for the 1st of next month. Provisioned
 * in-process (the same code the worker runs), so seeding takes a second.
 */

const BASIC = 'CFQ7TTC0LH18:0001';
const STANDARD = 'CFQ7TTC0LDPB:0001';
const PREMIUM = 'CFQ7TTC0LCHC:0002';

function scopeFor(organizationId: string, kind: 'provider' | 'reseller'): Scope {
  return {
    organizationId,
    organizationKind: kind,
    role: 'admin',
    permissions: permissionsOf('admin'),
    actor: { type: 'system', id: null, label: 'demo seed' },
    userId: null,
    locale: 'en',
  };
}

function tenant(prefix: string, companyName: string, country: 'JP' | 'DE'): TenantInput {
  return country === 'JP'
    ? {
        mode: 'new',
        domainPrefix: prefix,
        companyName,
        email: `it@${prefix}.example`,
        culture: 'ja-JP',
        language: 'ja',
        contact: { firstName: 'Taro', lastName: 'Yamada', phoneNumber: '+81 3 1234 5678' },
        address: {
          addressLine1: '1-1 Marunouchi',
          city: 'Chiyoda-ku',
          postalCode: '100-0005',
          country: 'JP',
        },
      }
    : {
        mode: 'new',
        domainPrefix: prefix,
        companyName,
        email: `it@${prefix}.example`,
        culture: 'de-DE',
        language: 'de',
        contact: { firstName: 'Lena', lastName: 'Fischer', phoneNumber: '+49 30 123456' },
        address: { addressLine1: 'Unter den Linden 1', city: 'Berlin', postalCode: '10117', country: 'DE' },
      };
}

export interface DemoOrdersResult {
  orders: number;
  subscriptions: number;
  problems: string[];
}

export async function seedDemoOrders(deps: Deps, orgs: Record<string, string>): Promise<DemoOrdersResult> {
  const db = deps.database.db;
  const any = await db.selectFrom('orders').select('id').limit(1).executeTakeFirst();
  if (any) return { orders: 0, subscriptions: 0, problems: [] };
  const services = orderServices(deps);
  const ownProducts = await db.selectFrom('own_products').select(['id', 'name']).execute();
  const support = ownProducts.find((p) => p.name === 'Premium Support 24/7');
  const problems: string[] = [];
  let placed = 0;
  const run = async (scope: Scope, input: OrderInput, key: string) => {
    try {
      const { order } = await createOrder(services, scope, input, { idempotencyKey: `demo:${key}` });
      placed += 1;
      if (order.state === 'submitted')
        await executeOrder(services, order.id, { id: `demo:${key}`, attempt: 0 });
      return order.id;
    } catch (error) {
      problems.push(
        `${key}: ${error instanceof AppError || error instanceof Error ? error.message : String(error)}`,
      );
      return null;
    }
  };
  const provider = scopeFor(orgs.provider!, 'provider');
  const resellerA = scopeFor(orgs['reseller-a']!, 'reseller');
  const resellerASub = scopeFor(orgs['reseller-a-sub']!, 'reseller');
  const resellerB = scopeFor(orgs['reseller-b']!, 'reseller');

  await run(
    provider,
    {
      customerId: orgs['customer-b']!,
      tenant: tenant('fabrikamkk', 'Fabrikam KK', 'JP'),
      reference: 'PO-2025-0001',
      lines: [
        { type: 'purchase', sku: BASIC, quantity: 25, term: 'P1Y', billingCycle: 'monthly' },
        { type: 'azure_plan' },
        ...(support
          ? [
              {
                type: 'own_product' as const,
                ownProductId: support.id,
                quantity: 1,
                term: 'P1M',
                billingCycle: 'monthly',
              },
            ]
          : []),
      ],
    },
    'fabrikam',
  );
  const contoso = await run(
    resellerA,
    {
      customerId: orgs['customer-a']!,
      tenant: tenant('contosojp', 'Contoso Japan', 'JP'),
      lines: [
        { type: 'purchase', sku: PREMIUM, quantity: 10, term: 'P1Y', billingCycle: 'annual' },
        { type: 'purchase', sku: BASIC, quantity: 5, term: 'P1M', billingCycle: 'monthly' },
      ],
    },
    'contoso',
  );
  if (contoso) {
    const basic = await db
      .selectFrom('order_lines')
      .select('created_subscription_id')
      .where('order_id', '=', contoso)
      .where('position', '=', 1)
      .executeTakeFirst();
    if (basic?.created_subscription_id) {
      await run(
        resellerA,
        {
          customerId: orgs['customer-a']!,
          lines: [{ type: 'change_quantity', subscriptionId: basic.created_subscription_id, quantity: 8 }],
        },
        'contoso-more-seats',
      );
    }
  }
  await run(
    resellerASub,
    {
      customerId: orgs['customer-d']!,
      tenant: tenant('tailspinosaka', 'Tailspin Osaka', 'JP'),
      lines: [{ type: 'purchase', sku: STANDARD, quantity: 8, term: 'P1Y', billingCycle: 'monthly' }],
    },
    'tailspin',
  );
  await run(
    resellerB,
    {
      customerId: orgs['customer-c']!,
      tenant: tenant('northwindde', 'Northwind GmbH', 'DE'),
      effective: 'next_month',
      reference: 'Bestellung 4711',
      lines: [{ type: 'purchase', sku: BASIC, quantity: 15, term: 'P1Y', billingCycle: 'monthly' }],
    },
    'northwind-next-month',
  );
  const subscriptions = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return { orders: placed, subscriptions: Number(subscriptions.n), problems };
}
