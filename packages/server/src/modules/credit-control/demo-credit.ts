import { Money } from '@cspc/core';
import { permissionsOf } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { evaluateAlerts } from '../alerts/evaluate-alerts.ts';
import { createOrder } from '../orders/create-order.ts';
import { orderServices } from '../orders/order-services.ts';
import { createCreditLimit, currentExposure } from './credit-limits.repository.ts';

/**
 * Demo credit control (#8), after the demo orders (seedDemoOrders) so that those go through
 * unlimited: levels sized from each customer's current exposure (month-to-date usage + this
 * month's orders), then one order each through the real flow —
 * - Customer D (Tailspin Osaka), set by Reseller A Sub: approval required at half its exposure →
 *   its new order waits for approval;
 * - Customer B (Fabrikam KK), set by the provider: purchase blocked at half its exposure → its new
 *   order is refused (409 credit_blocked).
 * Then the provider's alerts are evaluated (the usage above those levels raises credit alerts).
 */

const STANDARD = 'CFQ7TTC0LDPB:0001';
const BASIC = 'CFQ7TTC0LH18:0001';

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

export interface DemoCreditResult {
  heldOrderId: string | null;
  refused: string | null;
  problems: string[];
}

export async function seedDemoCreditControl(
  deps: Deps,
  orgs: Record<string, string>,
): Promise<DemoCreditResult> {
  const db = deps.database.db;
  const result: DemoCreditResult = { heldOrderId: null, refused: null, problems: [] };
  const d = orgs['customer-d'];
  const b = orgs['customer-b'];
  if (!d || !b || !orgs.provider || !orgs['reseller-a-sub']) return result;
  const existing = await db
    .selectFrom('credit_limits')
    .select('id')
    .where('organization_id', 'in', [b, d])
    .executeTakeFirst();
  if (existing) return result;
  const now = deps.clock.now();
  const half = async (organizationId: string, currency: string) => {
    const probe = {
      id: '',
      organization_id: organizationId,
      organization_name: '',
      organization_kind: 'customer' as const,
      organization_created_at: now,
      seller_id: '',
      currency,
      warning_amount: null,
      approval_amount: null,
      blocked_amount: null,
    };
    const exposure = await currentExposure(db, probe, now);
    return Money.max(exposure.total.dividedBy(2).round('down'), Money.zero(currency)).toString();
  };
  const currencyOf = async (id: string) =>
    (await db.selectFrom('organizations').select('currency').where('id', '=', id).executeTakeFirstOrThrow())
      .currency;

  const sub = scopeFor(orgs['reseller-a-sub'], 'reseller');
  const provider = scopeFor(orgs.provider, 'provider');
  try {
    const currencyD = await currencyOf(d);
    const approvalD = await half(d, currencyD);
    await createCreditLimit(
      db,
      sub,
      {
        organizationId: d,
        warning: Money.of(approvalD, currencyD).dividedBy(2).round('down').toString(),
        approvalRequired: approvalD,
      },
      now,
    );
    const currencyB = await currencyOf(b);
    const blockedB = await half(b, currencyB);
    await createCreditLimit(
      db,
      provider,
      {
        organizationId: b,
        warning: Money.of(blockedB, currencyB).dividedBy(2).round('down').toString(),
        purchaseBlocked: blockedB,
      },
      now,
    );
  } catch (error) {
    result.problems.push(`credit limits: ${error instanceof Error ? error.message : String(error)}`);
    return result;
  }
  const services = orderServices(deps);
  try {
    const { order } = await createOrder(
      services,
      sub,
      {
        customerId: d,
        lines: [{ type: 'purchase', sku: STANDARD, quantity: 2, term: 'P1M', billingCycle: 'monthly' }],
      },
      { idempotencyKey: 'demo:credit-approval' },
    );
    result.heldOrderId = order.id;
    if (order.state !== 'awaiting_approval') result.problems.push(`customer D order is ${order.state}`);
  } catch (error) {
    result.problems.push(`customer D order: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await createOrder(services, provider, {
      customerId: b,
      lines: [{ type: 'purchase', sku: BASIC, quantity: 5, term: 'P1M', billingCycle: 'monthly' }],
    });
    result.problems.push('customer B order was not refused');
  } catch (error) {
    if (error instanceof AppError && error.code === 'credit_blocked') result.refused = error.message;
    else result.problems.push(`customer B order: ${error instanceof Error ? error.message : String(error)}`);
  }
  await evaluateAlerts(db, { rootId: orgs.provider, organizationIds: [b, d], now });
  return result;
}
