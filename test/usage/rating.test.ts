import { Money } from '@cspc/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionsOf } from '../../packages/server/src/auth/permissions.ts';
import { type Scope, SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import type { DatabaseHandle } from '../../packages/server/src/db/database.ts';
import type { OrganizationKind } from '../../packages/server/src/db/schema.ts';
import { rerateUsage } from '../../packages/server/src/modules/usage/rerate-usage.ts';
import { listRates, usageSummary } from '../../packages/server/src/modules/usage/usage.repository.ts';
import { seedDemo } from '../../packages/server/src/seed/demo.ts';
import { openTestDatabase } from '../support/test-db.ts';
import { ALL_CUSTOMERS, CUSTOMERS, csvText, importText, rowsFor } from './support.ts';

let database: DatabaseHandle;
let org: Record<string, string>;
const rows = rowsFor(ALL_CUSTOMERS, '2025-05-01', 4);

const scopeOf = (key: string, kind: OrganizationKind): Scope => ({
  organizationId: org[key]!,
  organizationKind: kind,
  role: kind === 'customer' ? 'customer_admin' : 'admin',
  permissions: permissionsOf(kind === 'customer' ? 'customer_admin' : 'admin'),
  actor: SYSTEM_ACTOR,
  userId: null,
  locale: 'en',
});

async function rule(
  seller: string,
  values: {
    kind: 'usage_markup' | 'usage_payg_discount';
    percent: string;
    name: string;
    target?: { kind: 'meter_category' | 'meter'; value: string };
    customer?: string;
  },
) {
  const { id } = await database.db
    .insertInto('price_rules')
    .values({
      seller_id: org[seller]!,
      name: values.name,
      kind: values.kind,
      percent: values.percent,
      target_kind: values.target?.kind ?? 'all',
      target_value: values.target?.value ?? null,
      buyer_scope: values.customer ? 'customer' : 'all',
      buyer_organization_id: values.customer ? org[values.customer]! : null,
      effective_from: '2025-01-01',
      allow_below_cost: false,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

let providerMarkup: string;

beforeAll(async () => {
  database = await openTestDatabase();
  org = (await seedDemo(database.db, { usage: false })).organizations;
  providerMarkup = await rule('provider', { kind: 'usage_markup', percent: '10', name: 'Usage +10%' });
  await rule('provider', {
    kind: 'usage_payg_discount',
    percent: '3',
    name: 'Fabrikam VMs',
    target: { kind: 'meter_category', value: 'Virtual Machines' },
    customer: 'customer-b',
  });
  await rule('reseller-a', { kind: 'usage_markup', percent: '20', name: 'Reseller A usage' });
  await rule('reseller-a-sub', { kind: 'usage_payg_discount', percent: '1', name: 'Osaka: PAYG −1%' });
  const result = await importText(database, org.provider!, await csvText(rows));
  expect(result.linesQuarantined).toBe(0);
});
afterAll(async () => database?.close());

/** The stored lines of a customer, with Microsoft's figures to recompute the price. */
async function linesOf(tenantId: string) {
  const r = await sql<{
    cost: string;
    sale: string;
    unit_price: string;
    quantity: string;
    exchange_rate: string;
    meter_category: string;
    usage_date: string;
    entitlement_id: string;
  }>`SELECT cost::text, sale::text, unit_price::text, quantity::text, exchange_rate::text, meter_category,
       usage_date::text, entitlement_id
     FROM usage_lines WHERE customer_tenant_id = ${tenantId} ORDER BY usage_date, resource_uri, meter_id`.execute(
    database.db,
  );
  return r.rows;
}

const list = (l: { unit_price: string; quantity: string; exchange_rate: string }, currency: string) =>
  Money.of(l.unit_price, currency).times(l.quantity).times(l.exchange_rate);
const exact = (a: string, b: Money) =>
  expect(Money.of(a, b.currency).equals(b), `${a} = ${b.toString()}`).toBe(true);

describe('tier rating', () => {
  it('prices every line for its customer, through every tier, exactly and unrounded', async () => {
    // Customer D: provider +10% → reseller A +20% → sub-reseller "PAYG −1%".
    for (const l of await linesOf(CUSTOMERS.d.tenantId)) exact(l.sale, list(l, 'JPY').times('0.99'));
    // Customer A: provider +10% → reseller A +20%, on Microsoft's cost.
    for (const l of await linesOf(CUSTOMERS.a.tenantId)) exact(l.sale, Money.of(l.cost, 'JPY').times('1.32'));
    // Customer B, direct: +10% on cost, but 3% off PAYG list for its virtual machines.
    const b = await linesOf(CUSTOMERS.b.tenantId);
    expect(b.some((l) => l.meter_category === 'Virtual Machines')).toBe(true);
    for (const l of b) {
      exact(
        l.sale,
        l.meter_category === 'Virtual Machines'
          ? list(l, 'JPY').times('0.97')
          : Money.of(l.cost, 'JPY').times('1.1'),
      );
    }
    // Customer C (EUR) via reseller B, which has no rule: sold at the PAYG list.
    for (const l of await linesOf(CUSTOMERS.c.tenantId)) exact(l.sale, list(l, 'EUR'));
    // Unrounded: at least one sale keeps more decimals than yen have.
    expect((await linesOf(CUSTOMERS.a.tenantId)).some((l) => /\.\d*[1-9]/.test(l.sale))).toBe(true);
  });

  it('records purchase and sale per tier and customer-day: each tier pays what the tier above charges', async () => {
    const tiers = await sql<{ tier: number; seller: string; buyer: string; cost: string; sale: string }>`
      SELECT d.tier, s.name AS seller, b.name AS buyer, trim_scale(sum(d.cost))::text AS cost, trim_scale(sum(d.sale))::text AS sale
      FROM usage_daily d JOIN organizations s ON s.id = d.seller_id JOIN organizations b ON b.id = d.buyer_id
      JOIN organizations c ON c.id = d.customer_id
      WHERE c.tenant_id = ${CUSTOMERS.d.tenantId} GROUP BY 1, 2, 3 ORDER BY 1`.execute(database.db);
    const lines = await linesOf(CUSTOMERS.d.tenantId);
    const cost = Money.sum(
      lines.map((l) => Money.of(l.cost, 'JPY')),
      'JPY',
    );
    const listTotal = Money.sum(
      lines.map((l) => list(l, 'JPY')),
      'JPY',
    );
    expect(tiers.rows.map((t) => [t.tier, t.seller, t.buyer])).toEqual([
      [1, 'Demo Distributor', 'Reseller A'],
      [2, 'Reseller A', 'Reseller A Sub (Osaka)'],
      [3, 'Reseller A Sub (Osaka)', 'Customer D (Tailspin Osaka)'],
    ]);
    const [t1, t2, t3] = tiers.rows;
    exact(t1!.cost, cost);
    exact(t1!.sale, cost.times('1.1'));
    expect(t2!.cost).toBe(t1!.sale);
    exact(t2!.sale, cost.times('1.32'));
    expect(t3!.cost).toBe(t2!.sale);
    exact(t3!.sale, listTotal.times('0.99'));
  });

  it('explains each seller its own tier, and only that', async () => {
    const sub = await listRates(database.db, scopeOf('reseller-a-sub', 'reseller'), { period: '2025-05' });
    expect(sub).toHaveLength(1);
    expect(sub[0]).toMatchObject({
      tier: 3,
      saleCostFactor: '0',
      saleListFactor: '0.99',
      costCostFactor: '1.32',
      basis: 'rule',
      explanation: { formula: 'sale = pay-as-you-go list × 0.99' },
    });
    expect(sub[0]!.explanation.summary).toContain('Azure usage discount 1% off pay-as-you-go list');
    const resellerA = await listRates(database.db, scopeOf('reseller-a', 'reseller'), { period: '2025-05' });
    expect(resellerA.map((r) => r.explanation.formula)).toEqual(['sale = cost × 1.2', 'sale = cost × 1.2']);
    // The provider's rate for Fabrikam's VMs names the rule that lost to it, and why.
    const provider = await listRates(database.db, scopeOf('provider', 'provider'), {
      period: '2025-05',
      customerId: org['customer-b'],
    });
    const vm = provider.find((r) => r.explanation.formula.includes('list'))!;
    expect(vm.explanation.formula).toBe('sale = pay-as-you-go list × 0.97');
    expect(vm.explanation.summary).toContain('“Fabrikam VMs”');
    expect(vm.explanation.notes).toEqual([
      expect.objectContaining({ ruleId: providerMarkup, code: 'outranked' }),
    ]);
    expect(await listRates(database.db, scopeOf('customer-b', 'customer'), { period: '2025-05' })).toEqual(
      [],
    );
  });

  it('shows a reseller its own cost (the provider’s price), never Microsoft’s', async () => {
    const mine = await usageSummary(
      database.db,
      scopeOf('reseller-a', 'reseller'),
      { period: '2025-05' },
      '2025-06-01',
    );
    const microsoft = Money.sum(
      rows
        .filter((r) => r.customerId === CUSTOMERS.a.tenantId || r.customerId === CUSTOMERS.d.tenantId)
        .map((r) => Money.of(r.billingPreTaxTotal, 'JPY')),
      'JPY',
    );
    const jpy = mine.totals.find((t) => t.currency === 'JPY')!;
    exact(jpy.cost!, microsoft.times('1.1'));
    exact(jpy.sale, microsoft.times('1.32'));
    exact(jpy.margin!, microsoft.times('0.22'));
    const customer = await usageSummary(
      database.db,
      scopeOf('customer-a', 'customer'),
      { period: '2025-05' },
      '2025-06-01',
    );
    expect(customer.totals[0]).not.toHaveProperty('cost');
    expect(customer.totals[0]).not.toHaveProperty('margin');
    exact(
      customer.totals[0]!.sale,
      Money.sum(
        rows
          .filter((r) => r.customerId === CUSTOMERS.a.tenantId)
          .map((r) => Money.of(r.billingPreTaxTotal, 'JPY')),
        'JPY',
      ).times('1.32'),
    );
  });
});

describe('re-rating', () => {
  it('re-rates the period after a rule changed, with the totals before and after', async () => {
    await database.db
      .updateTable('price_rules')
      .set({ percent: '15' })
      .where('id', '=', providerMarkup)
      .execute();
    const scope = scopeOf('provider', 'provider');
    const dry = await rerateUsage(database, scope, { period: '2025-05', dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.linesChanged).toBeGreaterThan(0);
    const unchanged = await usageSummary(database.db, scope, { period: '2025-05' }, '2025-06-01');
    expect(unchanged.totals.map((t) => t.sale)).toEqual(dry.before.map((t) => t.sale));

    const result = await rerateUsage(database, scope, { period: '2025-05' });
    expect(result.before).toEqual(dry.before);
    expect(result.after).toEqual(dry.after);
    const jpyBefore = Money.of(result.before.find((t) => t.currency === 'JPY')!.sale, 'JPY');
    const jpyAfter = Money.of(result.after.find((t) => t.currency === 'JPY')!.sale, 'JPY');
    expect(jpyAfter.greaterThan(jpyBefore)).toBe(true);
    // Customer A now pays 1.15 × 1.2 of Microsoft's cost.
    for (const l of await linesOf(CUSTOMERS.a.tenantId)) exact(l.sale, Money.of(l.cost, 'JPY').times('1.38'));
    const summary = await usageSummary(database.db, scope, { period: '2025-05' }, '2025-06-01');
    expect(summary.totals.map((t) => t.sale)).toEqual(result.after.map((t) => t.sale));
    // Nothing left to change the second time.
    expect((await rerateUsage(database, scope, { period: '2025-05' })).linesChanged).toBe(0);
  });

  it('refuses an invoiced period', async () => {
    await database.db
      .insertInto('usage_period_locks')
      .values({ provider_id: org.provider!, period: '2025-05-01', reason: 'invoiced' })
      .execute();
    await expect(
      rerateUsage(database, scopeOf('provider', 'provider'), { period: '2025-05' }),
    ).rejects.toMatchObject({
      code: 'usage_period_locked',
    });
  });
});
