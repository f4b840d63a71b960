import { parsePlainDate, priceThroughChain } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chainInput,
  loadPriceBookChain,
} from '../../packages/server/src/modules/price-books/price-book-chain.ts';
import { meterPricedOffer } from '../../packages/server/src/modules/price-books/pricing-items.ts';
import { type Caller, json } from '../support/http.ts';
import { type CatalogWorld, type ErrorBody, startCatalogWorld, sync } from './support.ts';

interface Rule {
  id: string;
  sellerId: string;
  kind: string;
  version: number;
  allowBelowCost: boolean;
}

interface Explanation {
  summary: string;
  steps: { label: string; formula: string; result: string }[];
  ruleId: string | null;
  notes: { ruleId: string; code: string; reason: string }[];
}

interface Quote {
  currency: string;
  unitPrice: string;
  totalPerBillingCycle: string;
  billingPeriodsPerTerm: number | null;
  totalPerTerm: string | null;
  explanation: Explanation;
  item: { market: string | null; term: string | null; billingCycle: string | null };
  tiers: {
    sellerId: string;
    buyerId: string;
    cost: string;
    sale: string;
    currency: string;
    ruleId: string | null;
    explanation: Explanation;
  }[];
}

const BASIC = 'CFQ7TTC0LH18:0001';
let w: CatalogWorld;
let o: Record<string, string>;

beforeAll(async () => {
  w = await startCatalogWorld(777);
  o = w.orgs;
  await sync(w.provider);
});
afterAll(async () => w?.close());

async function addRule(caller: Caller, sellerId: string, body: Record<string, unknown>): Promise<Rule> {
  const response = await caller.post(`/api/v1/price-books/${sellerId}/rules`, {
    effectiveFrom: '2025-01-01',
    buyerScope: { kind: 'all' },
    target: { kind: 'all' },
    ...body,
  });
  if (response.status !== 201) throw new Error(`rule: ${response.status} ${await response.text()}`);
  return json<Rule>(response);
}

async function quote(caller: Caller, query: string): Promise<Quote> {
  const response = await caller.get(`/api/v1/price-quotes?${query}`);
  if (response.status !== 200) throw new Error(`quote: ${response.status} ${await response.text()}`);
  return json<Quote>(response);
}

const errorOf = async (response: Response) => (await json<ErrorBody>(response)).error;

describe('price books and tiered prices', () => {
  let providerToA: Rule;
  let aAll: Rule;
  let aCustomer: Rule;
  let subMarkup: Rule;

  it('prices through provider → reseller → sub-reseller → customer to the yen', async () => {
    providerToA = await addRule(w.provider, o.provider!, {
      name: 'Reseller A: cost + 8%',
      kind: 'markup',
      percent: '8',
      target: { kind: 'vendor', vendor: 'Microsoft' },
      buyerScope: { kind: 'reseller_subtree', resellerId: o['reseller-a'] },
    });
    aAll = await addRule(w.resellerA, o['reseller-a']!, {
      name: 'list −3%',
      kind: 'list_discount',
      percent: '3',
    });
    subMarkup = await addRule(w.resellerASub, o['reseller-a-sub']!, {
      name: 'cost + 5%',
      kind: 'markup',
      percent: '5',
    });

    const q = await quote(
      w.provider,
      `sku=${BASIC}&customer=${o['customer-d']}&quantity=10&term=P1Y&billingCycle=monthly`,
    );
    // 765 × 1.08 = 826.2 → 826; list 900 × 0.97 = 873; 873 × 1.05 = 916.65 → 917.
    expect(q.tiers.map((t) => [t.cost, t.sale, t.ruleId])).toEqual([
      ['765', '826', providerToA.id],
      ['826', '873', aAll.id],
      ['873', '917', subMarkup.id],
    ]);
    expect(q).toMatchObject({
      currency: 'JPY',
      unitPrice: '917',
      totalPerBillingCycle: '9170',
      billingPeriodsPerTerm: 12,
      totalPerTerm: '110040',
      item: { market: 'JP', term: 'P1Y', billingCycle: 'monthly' },
    });
    expect(q.explanation.ruleId).toBe(subMarkup.id);
    expect(q.explanation.steps.at(-1)).toEqual({
      label: 'term P1Y: 12 billing periods',
      formula: '12 × 9,170 JPY',
      result: '110,040 JPY',
    });
  });

  it('shows each caller only the tiers it sells, and a customer only its price', async () => {
    const query = `sku=${BASIC}&customer=${o['customer-d']}&quantity=10&term=P1Y&billingCycle=monthly`;
    const asA = await w.resellerA.get(`/api/v1/price-quotes?${query}`);
    const textA = await asA.text();
    const a = JSON.parse(textA) as Quote;
    expect(a.unitPrice).toBe('917');
    expect(a.tiers.map((t) => [t.sellerId, t.cost, t.sale])).toEqual([
      [o['reseller-a'], '826', '873'],
      [o['reseller-a-sub'], '873', '917'],
    ]);
    // Reseller A sees what it pays (826), never what Microsoft charges the provider.
    expect(textA).not.toMatch(/"765"|\b765 JPY/);
    expect(textA).not.toContain(providerToA.id);

    const sub = await quote(w.resellerASub, query);
    expect(sub.tiers.map((t) => [t.cost, t.sale])).toEqual([['873', '917']]);

    const asD = await w.customerD.get(
      `/api/v1/price-quotes?sku=${BASIC}&quantity=10&term=P1Y&billingCycle=monthly`,
    );
    const textD = await asD.text();
    const d = JSON.parse(textD) as Quote;
    expect(d).toMatchObject({
      unitPrice: '917',
      totalPerBillingCycle: '9170',
      totalPerTerm: '110040',
      tiers: [],
    });
    expect(d.explanation.ruleId).toBeNull();
    for (const secret of [/"765"|\b765 JPY/, /"826"|\b826 JPY/, /"873"|\b873 JPY/]) {
      expect(textD).not.toMatch(secret);
    }
    for (const id of [providerToA.id, aAll.id, subMarkup.id]) expect(textD).not.toContain(id);

    // A reseller quoting itself sees its own cost only.
    const own = await quote(
      w.resellerA,
      `sku=${BASIC}&customer=${o['reseller-a']}&term=P1Y&billingCycle=monthly`,
    );
    expect(own).toMatchObject({ unitPrice: '826', tiers: [] });
  });

  it('resolves precedence: a customer rule beats the all-buyers rule, qualified by billing cycle', async () => {
    aCustomer = await addRule(w.resellerA, o['reseller-a']!, {
      name: 'Contoso: Basic at ¥850',
      kind: 'fixed_price',
      unitPrice: '850',
      target: { kind: 'sku', productId: 'CFQ7TTC0LH18', skuId: '0001' },
      buyerScope: { kind: 'customer', customerId: o['customer-a'] },
      term: 'P1Y',
      billingCycle: 'monthly',
    });
    const q = await quote(
      w.resellerA,
      `sku=${BASIC}&customer=${o['customer-a']}&term=P1Y&billingCycle=monthly`,
    );
    expect(q.unitPrice).toBe('850');
    expect(q.explanation.ruleId).toBe(aCustomer.id);
    expect(q.explanation.notes).toEqual([expect.objectContaining({ ruleId: aAll.id, code: 'outranked' })]);
    // The fixed price is for monthly billing of the one-year term only.
    const p1m = await quote(
      w.resellerA,
      `sku=${BASIC}&customer=${o['customer-a']}&term=P1M&billingCycle=monthly`,
    );
    expect(p1m).toMatchObject({ unitPrice: '1048', billingPeriodsPerTerm: 1, totalPerTerm: '1048' });
    // A direct customer of the provider, no rule for it: list price.
    const direct = await quote(
      w.provider,
      `sku=${BASIC}&customer=${o['customer-b']}&term=P1Y&billingCycle=annual`,
    );
    expect(direct).toMatchObject({ unitPrice: '10800', billingPeriodsPerTerm: 1, totalPerTerm: '10800' });
    expect(direct.explanation.summary).toContain('no price rule matched, sold at list price');
    // Without term and billing cycle the quote asks for them.
    const ambiguous = await w.provider.get(`/api/v1/price-quotes?sku=${BASIC}&customer=${o['customer-b']}`);
    expect(ambiguous.status).toBe(400);
    expect((await errorOf(ambiguous)).code).toBe('term_required');
  });

  it('converts with Microsoft’s exchange rate first, and says when one is missing', async () => {
    const meters = await json<{ items: { meterId: string; name: string }[] }>(
      await w.provider.get('/api/v1/catalog/azure-meters?q=D2s%20v5'),
    );
    const meter = meters.items[0]!.meterId;
    const missing = await w.provider.get(
      `/api/v1/price-quotes?meter=${meter}&customer=${o['customer-b']}&quantity=100`,
    );
    expect(missing.status).toBe(409);
    expect(await errorOf(missing)).toMatchObject({
      code: 'missing_exchange_rate',
      details: { from: 'USD', to: 'JPY', date: '2025-01-15' },
    });

    const rate = await w.provider.put('/api/v1/catalog/exchange-rates', {
      from: 'USD',
      to: 'JPY',
      month: '2025-01',
      rate: '150.5',
    });
    expect(rate.status).toBe(200);
    expect(
      (
        await w.resellerA.put('/api/v1/catalog/exchange-rates', {
          from: 'USD',
          to: 'JPY',
          month: '2025-01',
          rate: '1',
        })
      ).status,
    ).toBe(403);

    // 0.096 USD × 150.5 = 14.448 JPY per hour (usage rates stay exact); 100 hours → 1,444.8 → 1,445.
    const q = await quote(w.provider, `meter=${meter}&customer=${o['customer-b']}&quantity=100`);
    expect(q).toMatchObject({
      currency: 'JPY',
      unitPrice: '14.448',
      totalPerBillingCycle: '1445',
      totalPerTerm: null,
    });
    expect(q.explanation.steps[0]).toMatchObject({
      label: "convert cost to JPY at Microsoft's rate of 2025-01-01",
      formula: '0.096 USD × 150.5 = 14.448 JPY',
    });

    // An own product in yen, sold to a reseller billed in euros and on to its customer.
    const support = await json<{ id: string }>(
      await w.provider.post('/api/v1/catalog/own-products', {
        name: 'Premium Support',
        billingModel: 'recurring',
        offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '50000', cost: '30000' }],
      }),
    );
    await w.provider.put('/api/v1/catalog/exchange-rates', {
      from: 'JPY',
      to: 'EUR',
      month: '2025-01',
      rate: '0.0061',
    });
    await addRule(w.resellerB, o['reseller-b']!, { name: '12% margin', kind: 'margin', percent: '12' });
    const eur = await quote(
      w.provider,
      `sku=${support.id}&customer=${o['customer-c']}&term=P1M&billingCycle=monthly`,
    );
    // The provider's cost is its own (30,000 JPY); list 50,000 JPY × 0.0061 = 305 EUR; then
    // 305 ÷ 0.88 = 346.5909… → 346.59 EUR.
    expect(eur.tiers.map((t) => [t.cost, t.sale, t.currency])).toEqual([
      ['30000', '305', 'EUR'],
      ['305', '346.59', 'EUR'],
    ]);
    expect(eur.unitPrice).toBe('346.59');
    // A licence for a German customer is priced from the German price list, in euros.
    const de = await quote(
      w.provider,
      `sku=${BASIC}&customer=${o['customer-c']}&term=P1Y&billingCycle=monthly`,
    );
    expect(de).toMatchObject({ currency: 'EUR', item: { market: 'DE' } });
  });

  it('refuses a rule below cost unless flagged, and lists what is below cost', async () => {
    const refused = await w.resellerA.post(`/api/v1/price-books/${o['reseller-a']}/rules`, {
      name: 'list −20%',
      kind: 'list_discount',
      percent: '20',
      target: { kind: 'product', productId: 'CFQ7TTC0LH18' },
      buyerScope: { kind: 'all' },
      effectiveFrom: '2025-01-01',
    });
    expect(refused.status).toBe(409);
    const error = await errorOf(refused);
    expect(error.code).toBe('price_rule_below_cost');
    expect(error.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          cost: '826',
          price: '720',
          item: expect.objectContaining({ term: 'P1Y', billingCycle: 'monthly' }),
        }),
      ]),
    );
    const flagged = await addRule(w.resellerA, o['reseller-a']!, {
      name: 'Basic loss leader',
      kind: 'list_discount',
      percent: '20',
      target: { kind: 'product', productId: 'CFQ7TTC0LH18' },
      allowBelowCost: true,
    });
    const warnings = await json<{
      items: {
        ruleId: string;
        allowed: boolean;
        cost: string;
        price: string;
        item: { term: string; billingCycle: string };
      }[];
    }>(await w.resellerA.get('/api/v1/price-books/warnings?limit=200'));
    const mine = warnings.items.filter((x) => x.ruleId === flagged.id);
    expect(mine.map((x) => [x.item.term, x.item.billingCycle, x.cost, x.price, x.allowed])).toEqual(
      expect.arrayContaining([['P1Y', 'monthly', '826', '720', true]]),
    );
    // The provider raises Reseller A's markup: A's unflagged list −3% now sells Basic under cost.
    const patched = await w.provider.patch(
      `/api/v1/price-books/${o.provider}/rules/${providerToA.id}`,
      { percent: '15' },
      { 'if-match': `"${providerToA.version}"` },
    );
    expect(patched.status).toBe(200);
    const after = await json<{ items: { ruleId: string; allowed: boolean; cost: string; price: string }[] }>(
      await w.resellerA.get('/api/v1/price-books/warnings?limit=200'),
    );
    // 765 × 1.15 = 879.75 → 880 > 900 × 0.97 = 873.
    expect(after.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ruleId: aAll.id, allowed: false, cost: '880', price: '873' }),
      ]),
    );
    // The provider sees the warnings of its subtree too.
    const asProvider = await json<{ items: { sellerId: string }[] }>(
      await w.provider.get('/api/v1/price-books/warnings?limit=200'),
    );
    expect(asProvider.items.some((x) => x.sellerId === o['reseller-a'])).toBe(true);
    await w.provider.patch(`/api/v1/price-books/${o.provider}/rules/${providerToA.id}`, { percent: '8' });
    expect(
      (await w.resellerA.delete(`/api/v1/price-books/${o['reseller-a']}/rules/${flagged.id}`)).status,
    ).toBe(204);
  });

  it('validates rules as they are written', async () => {
    const post = (caller: Caller, sellerId: string, body: Record<string, unknown>) =>
      caller.post(`/api/v1/price-books/${sellerId}/rules`, {
        effectiveFrom: '2025-01-01',
        buyerScope: { kind: 'all' },
        target: { kind: 'all' },
        ...body,
      });
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'fixed_price', unitPrice: '1000' }, 'billingCycle'],
      [{ kind: 'usage_markup', percent: '5', term: 'P1Y' }, 'term'],
      [{ kind: 'markup', percent: '5', unitPrice: '1' }, 'unitPrice'],
      [{ kind: 'margin', percent: '100' }, 'percent'],
      [{ kind: 'markup', percent: '5', effectiveTo: '2024-12-31' }, 'effectiveTo'],
      [
        {
          kind: 'usage_markup',
          percent: '5',
          target: { kind: 'sku', productId: 'CFQ7TTC0LH18', skuId: '0001' },
        },
        'target',
      ],
      [{ kind: 'markup', percent: '5', target: { kind: 'sku', productId: 'NOPE', skuId: '0001' } }, 'target'],
      [
        { kind: 'markup', percent: '5', buyerScope: { kind: 'customer', customerId: o['customer-b'] } },
        'buyerScope.customerId',
      ],
      [
        {
          kind: 'markup',
          percent: '5',
          buyerScope: { kind: 'reseller_subtree', resellerId: o['customer-a'] },
        },
        'buyerScope.resellerId',
      ],
    ];
    for (const [body, field] of cases) {
      const response = await post(w.resellerA, o['reseller-a']!, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      const error = await errorOf(response);
      expect(error.code).toBe('invalid_price_rule');
      expect((error.details as { field: string }[])[0]!.field).toBe(field);
    }
  });

  it('reads, lists, updates with If-Match and deletes rules', async () => {
    const rule = await addRule(w.resellerASub, o['reseller-a-sub']!, {
      name: 'Teams at cost + 9%',
      kind: 'markup',
      percent: '9',
      target: { kind: 'product_family', productFamily: 'Microsoft Teams' },
    });
    const path = `/api/v1/price-books/${o['reseller-a-sub']}/rules/${rule.id}`;
    const read = await w.resellerA.get(path);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"1"');
    const updated = await w.resellerASub.patch(
      path,
      { percent: '10', effectiveTo: '2026-01-01' },
      { 'if-match': '"1"' },
    );
    expect(await json(updated)).toMatchObject({ percent: '10', effectiveTo: '2026-01-01', version: 2 });
    const stale = await w.resellerASub.patch(path, { percent: '11' }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    const list = await json<{ items: Rule[] }>(
      await w.resellerASub.get(`/api/v1/price-books/${o['reseller-a-sub']}/rules`),
    );
    expect(list.items.map((r) => r.id)).toEqual([subMarkup.id, rule.id]);
    const books = await json<{ items: { sellerId: string; ruleCount: number }[] }>(
      await w.resellerA.get('/api/v1/price-books'),
    );
    expect(books.items.map((b) => b.sellerId).sort()).toEqual([o['reseller-a'], o['reseller-a-sub']].sort());
    expect((await w.resellerASub.delete(path)).status).toBe(204);
    expect((await w.resellerASub.get(path)).status).toBe(404);
    const audit = await json<{ items: { action: string; entityType: string; entityId: string }[] }>(
      await w.resellerASub.get(`/api/v1/audit?entityType=price_rule&entityId=${rule.id}`),
    );
    expect(audit.items.map((a) => a.action)).toEqual(['delete', 'update', 'create']);
  });

  it('keeps price books to their sellers and those above them', async () => {
    // A reseller reads neither the provider's book nor another reseller's.
    for (const sellerId of [o.provider, o['reseller-b']]) {
      expect((await w.resellerA.get(`/api/v1/price-books/${sellerId}/rules`)).status).toBe(404);
      expect((await w.resellerA.get(`/api/v1/price-books/${sellerId}`)).status).toBe(404);
    }
    expect((await w.resellerA.get(`/api/v1/price-books/${o.provider}/rules/${providerToA.id}`)).status).toBe(
      404,
    );
    expect(
      (await w.resellerB.patch(`/api/v1/price-books/${o['reseller-a']}/rules/${aAll.id}`, { percent: '1' }))
        .status,
    ).toBe(404);
    expect((await w.resellerB.delete(`/api/v1/price-books/${o['reseller-a']}/rules/${aAll.id}`)).status).toBe(
      404,
    );
    // Customers read no price book at all.
    expect((await w.customerA.get('/api/v1/price-books')).status).toBe(403);
    expect((await w.customerA.get(`/api/v1/price-books/${o['reseller-a']}/rules`)).status).toBe(403);
    expect((await w.customerA.get('/api/v1/price-books/warnings')).status).toBe(403);
    // Quotes only for buyers in the caller's subtree.
    expect(
      (
        await w.resellerA.get(
          `/api/v1/price-quotes?sku=${BASIC}&customer=${o['customer-b']}&term=P1Y&billingCycle=monthly`,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await w.customerA.get(
          `/api/v1/price-quotes?sku=${BASIC}&customer=${o['customer-d']}&term=P1Y&billingCycle=monthly`,
        )
      ).status,
    ).toBe(404);
  });

  it('gives the rating and billing engines the chain of books and the exchange rates', async () => {
    const db = w.server.deps.database.db;
    const chain = await loadPriceBookChain(db, o['customer-d']!, parsePlainDate('2025-01-15'));
    expect(chain.tiers.map((t) => t.organizationId)).toEqual([
      o.provider,
      o['reseller-a'],
      o['reseller-a-sub'],
    ]);
    expect(chain.buyer).toMatchObject({
      customerId: o['customer-d'],
      ancestorResellerIds: [o['reseller-a-sub'], o['reseller-a']],
    });
    expect(chain.exchangeRates.map((r) => `${r.from}>${r.to} ${r.rate}`)).toEqual(
      expect.arrayContaining(['USD>JPY 150.5', 'JPY>EUR 0.0061']),
    );
    // Usage rating: a meter's rate through the tiers (no Azure rules: list at each tier).
    const meters = await json<{ items: { meterId: string }[] }>(
      await w.provider.get('/api/v1/catalog/azure-meters?q=D2s%20v5'),
    );
    const entry = await meterPricedOffer(db, o.provider!, meters.items[0]!.meterId, '2025-01-15');
    const priced = priceThroughChain(chainInput(chain, entry!.item));
    expect(priced.unitPrice.toString()).toBe('14.448');
    expect(priced.tiers).toHaveLength(3);
  });
});
