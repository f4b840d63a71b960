import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCreditControl, seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
import { type OrdersWorld, startOrdersWorld } from '../orders/support.ts';
import { json } from '../support/http.ts';

/**
 * The demo's credit control (#8) through the real order flow against the emulator: after the demo
 * orders, Customer D is above its approval level (its new order waits for approval) and Customer B
 * above its purchase-blocked level (its new order is refused).
 */

let w: OrdersWorld;

beforeAll(async () => {
  w = await startOrdersWorld({ seed: 8486 });
}, 120_000);
afterAll(async () => w?.close());

describe('the demo’s credit control', () => {
  it('holds one order for approval and refuses another', async () => {
    const orders = await seedDemoOrders(w.server.deps, w.orgs);
    expect(orders.problems).toEqual([]);
    const result = await seedDemoCreditControl(w.server.deps, w.orgs);
    expect(result.problems).toEqual([]);
    expect(result.refused).toContain('blocked');
    const held = await w.order(result.heldOrderId!);
    expect(held).toMatchObject({ state: 'awaiting_approval', customerId: w.orgs['customer-d'] });

    // The order form shows the same outcomes before submitting.
    const outcome = async (customer: string, amount: string) =>
      (
        await json<{ outcome: string }>(
          await w.provider.get(`/api/v1/credit-limits/check?customerId=${customer}&amount=${amount}`),
        )
      ).outcome;
    expect(await outcome(w.orgs['customer-d']!, '1')).toBe('approval_required');
    expect(await outcome(w.orgs['customer-b']!, '1')).toBe('blocked');
    const asCustomer = await json<{ outcome: string; level: string | null }>(
      await w.customerB.get(`/api/v1/credit-limits/check?customerId=${w.orgs['customer-b']}&amount=1`),
    );
    expect(asCustomer).toMatchObject({ outcome: 'blocked', level: null });

    // Approving it (audited) lets it continue.
    const approved = await w.resellerASub.post(`/api/v1/orders/${held.id}/approve`, { reason: 'demo' });
    expect(approved.status).toBe(200);
    // A second run changes nothing.
    expect(await seedDemoCreditControl(w.server.deps, w.orgs)).toEqual({
      heldOrderId: null,
      refused: null,
      problems: [],
    });
  });
});
