import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderView } from '../../packages/server/src/modules/orders/orders.repository.ts';
import type { QuoteView } from '../../packages/server/src/modules/quotes/quotes.repository.ts';
import { seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
import { anonymous, json } from '../support/http.ts';
import {
  BASIC,
  expectStatus,
  NEW_TENANT,
  type OrdersWorld,
  PREMIUM,
  rows,
  startOrdersWorld,
} from './support.ts';

// Quotes: priced from the price books with their explanation, totals per billing cycle and term
// with tax, draft → sent → accepted / expired, a PDF in three languages, a share link, and
// acceptance into an order (a prospect becomes a customer). Plus the demo seed's orders.

let w: OrdersWorld;

beforeAll(async () => {
  w = await startOrdersWorld({ seed: 8484 });
});
afterAll(async () => w?.close());

describe('the demo seed', () => {
  it('places its orders through the real flow, quickly', async () => {
    const started = Date.now();
    const result = await seedDemoOrders(w.server.deps, w.orgs);
    const took = Date.now() - started;
    expect(result.problems).toEqual([]);
    expect(result.orders).toBe(5);
    expect(result.subscriptions).toBeGreaterThanOrEqual(5);
    expect(took).toBeLessThan(15_000);
    const orders = await rows<{ state: string; n: string }>(
      w,
      'SELECT state, count(*)::text AS n FROM orders GROUP BY state ORDER BY state',
    );
    expect(Object.fromEntries(orders.map((o) => [o.state, Number(o.n)]))).toEqual({
      completed: 3,
      provisioning: 1,
      scheduled: 1,
    });
    // A second run changes nothing.
    expect((await seedDemoOrders(w.server.deps, w.orgs)).orders).toBe(0);
    const tasks = await json<{ items: { title: string }[] }>(
      await w.provider.get('/api/v1/provisioning/tasks'),
    );
    expect(tasks.items.map((t) => t.title)).toEqual(['Provision Premium Support 24/7 × 1']);
  });
});

describe('quotes', () => {
  let quote: QuoteView;

  it('prices every line from the price books, with totals per billing cycle and term, taxed', async () => {
    const response = await w.resellerA.post('/api/v1/quotes', {
      customerId: w.orgs['customer-a'],
      title: 'Microsoft 365 for the Osaka office',
      lines: [
        { sku: BASIC, quantity: 10, term: 'P1Y', billingCycle: 'monthly' },
        { sku: PREMIUM, quantity: 2, term: 'P1Y', billingCycle: 'annual' },
        { azurePlan: true, quantity: 1 },
      ],
    });
    quote = await json<QuoteView>(await expectStatus(response, 201));
    expect(quote).toMatchObject({ status: 'draft', currency: 'JPY', locale: 'ja', validUntil: '2025-02-14' });
    const [basic, premium, azure] = quote.lines;
    // Contoso Japan pays Reseller A's customer-specific price: list −5%.
    expect(basic).toMatchObject({
      unitPrice: '855',
      totalPerCycle: '8550',
      periodsPerTerm: 12,
      totalPerTerm: '102600',
    });
    expect((basic!.explanation as { summary: string }).summary).toContain('855');
    expect(premium!.billingCycle).toBe('annual');
    expect(azure).toMatchObject({ itemKind: 'azure_plan', billingCycle: 'usage' });
    // Reseller A sees its own tier (its cost and its sale), not the provider's working.
    expect(basic!.priceTiers.map((t) => t.sellerId)).toEqual([w.orgs['reseller-a']]);
    const monthly = quote.totals.byBillingCycle.find((t) => t.billingCycle === 'monthly')!;
    expect(monthly).toMatchObject({
      net: '8550',
      tax: '855',
      gross: '9405',
      taxPolicy: 'jp-consumption-tax',
    });
    const premiumTerm = Number(premium!.totalPerTerm);
    expect(quote.totals.term.net).toBe(String(102600 + premiumTerm));
    expect(quote.totals.term.tax).toBe(String(Math.floor((102600 + premiumTerm) / 10)));
  });

  it('hides drafts from the customer and shows it once sent, with a share link', async () => {
    expect((await w.customerA.get(`/api/v1/quotes/${quote.id}`)).status).toBe(404);
    const sent = await json<{ quote: QuoteView; shareUrl: string; sharePdfUrl: string; shareToken: string }>(
      await expectStatus(await w.resellerA.post(`/api/v1/quotes/${quote.id}/send`), 200),
    );
    expect(sent.quote.status).toBe('sent');
    const seen = await json<QuoteView>(
      await expectStatus(await w.customerA.get(`/api/v1/quotes/${quote.id}`), 200),
    );
    expect(seen.lines[0]!.priceTiers).toEqual([]);
    const shared = await json<QuoteView>(
      await expectStatus(await anonymous(w.server.url).get(`/api/v1/quotes/shared/${sent.shareToken}`), 200),
    );
    expect(shared).toMatchObject({ number: quote.number, customerName: 'Customer A (Contoso Japan)' });
    expect(shared.lines.every((l) => l.priceTiers.length === 0)).toBe(true);
    expect((await anonymous(w.server.url).get(`/api/v1/quotes/shared/${'x'.repeat(32)}`)).status).toBe(404);
    const pdf = await anonymous(w.server.url).get(`/api/v1/quotes/shared/${sent.shareToken}/pdf?locale=en`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('renders the PDF in Japanese, English and German with an embedded Japanese-capable font', async () => {
    for (const locale of ['ja', 'en', 'de']) {
      const response = await expectStatus(
        await w.resellerA.get(`/api/v1/quotes/${quote.id}/pdf?locale=${locale}`),
        200,
      );
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const bytes = Buffer.from(await response.arrayBuffer());
      expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
      expect(bytes.toString('latin1')).toMatch(/\/BaseFont \/[A-Z]{6}\+(IPAexGothic|NotoSansJP)/);
      expect(bytes.length).toBeGreaterThan(5_000);
    }
  });

  it('re-prices an edited quote and makes it a draft again', async () => {
    const edited = await json<QuoteView>(
      await expectStatus(
        await w.resellerA.patch(`/api/v1/quotes/${quote.id}`, {
          lines: [{ sku: BASIC, quantity: 12, term: 'P1Y', billingCycle: 'monthly' }],
        }),
        200,
      ),
    );
    expect(edited).toMatchObject({ status: 'draft', lines: [{ quantity: 12, totalPerCycle: '10260' }] });
    await expectStatus(await w.resellerA.post(`/api/v1/quotes/${quote.id}/send`), 200);
  });

  it('turns an accepted quote into an order at the quoted prices', async () => {
    await w.startWorker();
    const accepted = await json<{ quote: QuoteView; order: OrderView }>(
      await expectStatus(await w.customerA.post(`/api/v1/quotes/${quote.id}/accept`, {}), 201),
    );
    expect(accepted.quote.status).toBe('accepted');
    expect(accepted.order.quoteId).toBe(quote.id);
    expect(accepted.order.lines[0]).toMatchObject({ unitPrice: '855', quantity: 12 });
    const done = await w.waitForOrder(accepted.order.id);
    expect(done.state).toBe('completed');
    // Accepting again returns the same order.
    const again = await json<{ order: OrderView }>(
      await w.customerA.post(`/api/v1/quotes/${quote.id}/accept`, {}),
    );
    expect(again.order.id).toBe(accepted.order.id);
  });

  it('quotes a prospect, who becomes a customer with a new tenant on acceptance', async () => {
    const made = await json<QuoteView>(
      await expectStatus(
        await w.resellerA.post('/api/v1/quotes', {
          prospect: {
            companyName: 'Kyoto Ramen KK',
            country: 'JP',
            currency: 'JPY',
            domainPrefix: 'kyotoramen8484',
          },
          locale: 'en',
          lines: [{ sku: BASIC, quantity: 3, term: 'P1M', billingCycle: 'monthly', startDate: '2025-01-15' }],
        }),
        201,
      ),
    );
    expect(made.customerId).toBeNull();
    expect(made.customerName).toBe('Kyoto Ramen KK');
    const before = await json<{ items: unknown[] }>(await w.resellerA.get('/api/v1/organizations?limit=200'));
    await expectStatus(await w.resellerA.post(`/api/v1/quotes/${made.id}/send`), 200);
    const { domainPrefix: _prefix, ...tenant } = NEW_TENANT('ignored', 'Kyoto Ramen KK');
    const accepted = await json<{ quote: QuoteView; order: OrderView }>(
      await expectStatus(
        await w.resellerA.post(`/api/v1/quotes/${made.id}/accept`, { tenant: { ...tenant, mode: 'new' } }),
        201,
      ),
    );
    expect(accepted.quote.customerId).toBeTruthy();
    expect(accepted.order.tenant).toEqual({ mode: 'new', domain: 'kyotoramen8484.onmicrosoft.com' });
    expect(accepted.order.lines[0]!.unitPrice).toBe(made.lines[0]!.unitPrice);
    expect(accepted.order.lines[0]!.priceTiers.at(-1)!.buyerId).toBe(accepted.quote.customerId);
    const after = await json<{ items: unknown[] }>(await w.resellerA.get('/api/v1/organizations?limit=200'));
    expect(after.items.length).toBe(before.items.length + 1);
    expect((await w.waitForOrder(accepted.order.id)).state).toBe('completed');
  });

  it('expires after its validity and can no longer be accepted', async () => {
    const made = await json<QuoteView>(
      await expectStatus(
        await w.resellerA.post('/api/v1/quotes', {
          customerId: w.orgs['customer-a'],
          validUntil: '2025-01-20',
          lines: [{ sku: BASIC, quantity: 1, term: 'P1M', billingCycle: 'monthly' }],
        }),
        201,
      ),
    );
    await expectStatus(await w.resellerA.post(`/api/v1/quotes/${made.id}/send`), 200);
    await w.setNow('2025-01-21T09:00:00Z');
    const read = await json<QuoteView>(await w.resellerA.get(`/api/v1/quotes/${made.id}`));
    expect(read.status).toBe('expired');
    const refused = await w.resellerA.post(`/api/v1/quotes/${made.id}/accept`, {});
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'expired on 2025-01-20',
    );
  });
});
