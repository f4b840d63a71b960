import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { setExchangeRate } from '../catalog/exchange-rates.ts';
import { todayIn } from '../catalog/lineage.ts';
import { createOwnProduct } from '../catalog/save-own-product.ts';
import { type SyncCatalogResult, syncCatalog, systemScopeFor } from '../catalog/sync-catalog.ts';
import { createPriceRule, type PriceRuleInput } from './save-price-rule.ts';

/**
 * The demo's catalog and price books, preset on the first `cspc start`: the catalog synced from the
 * built-in emulator, a second sync after emulated Microsoft changes (so the change log has
 * something to show), own products, exchange rates and a price book for the provider and each
 * reseller.
 */

export const DEMO_SKUS = {
  businessBasic: { productId: 'CFQ7TTC0LH18', skuId: '0001' },
  businessPremium: { productId: 'CFQ7TTC0LCHC', skuId: '0002' },
  /** Added before the first sync and retired before the second one. */
  legacyAddOn: { productId: 'CFQ7TTC0DM01', skuId: '0001' },
  /** Added before the second sync. */
  newAddOn: { productId: 'CFQ7TTC0DM02', skuId: '0001' },
} as const;

async function emulatorAdmin(emulatorUrl: string, path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  // A repeated preset (the emulator kept its state) finds the SKU already there: fine.
  if (!response.ok && response.status !== 400) {
    throw new Error(`Emulator ${path} answered ${response.status}: ${await response.text()}`);
  }
}

function firstOfNextMonth(day: string): string {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

/** Own products, exchange rates and rules of the demo organisations (keys as in seed/demo.ts). */
export async function seedDemoPriceBooks(
  db: Kysely<Database>,
  orgs: Record<string, string>,
  now: Date,
): Promise<{ ownProducts: number; rules: number }> {
  const provider = orgs.provider!;
  const scope = systemScopeFor(provider);
  const today = todayIn(now, 'Asia/Tokyo').toString();
  const month = today.slice(0, 7);
  const from = `${month}-01`;

  for (const [fromCurrency, to, rate] of [
    ['USD', 'JPY', '151.2345'],
    ['USD', 'EUR', '0.9215'],
    ['JPY', 'EUR', '0.006093'],
  ] as const) {
    await setExchangeRate(db, scope, { from: fromCurrency, to, month, rate });
  }

  const support = await createOwnProduct(db, scope, {
    name: 'Premium Support 24/7',
    vendor: 'Demo Distributor',
    productFamily: 'Support',
    description: 'Round-the-clock support desk in Japanese and English, 30-minute response.',
    billingModel: 'recurring',
    unit: 'tenant',
    offers: [
      { term: 'P1M', billingCycle: 'monthly', unitPrice: '50000', cost: '30000' },
      { term: 'P1Y', billingCycle: 'annual', unitPrice: '540000', cost: '330000' },
    ],
  });
  await createOwnProduct(db, scope, {
    name: 'Microsoft 365 Setup',
    vendor: 'Demo Distributor',
    productFamily: 'Setup',
    description: 'Tenant setup, domain and mail migration, security defaults.',
    billingModel: 'one_time',
    unit: 'project',
    offers: [{ term: 'none', billingCycle: 'one_time', unitPrice: '150000', cost: '80000' }],
  });
  await createOwnProduct(db, scope, {
    name: 'Managed Backup',
    vendor: 'Acronis',
    productFamily: 'Security',
    description: 'Cloud backup of Microsoft 365 mailboxes and OneDrive, billed per GB stored.',
    billingModel: 'usage',
    unit: 'GB',
    offers: [{ term: 'none', billingCycle: 'usage', unitPrice: '12', cost: '7.5' }],
  });
  await createOwnProduct(db, systemScopeFor(provider), {
    sellerId: orgs['reseller-a']!,
    name: 'Reseller A Helpdesk',
    vendor: 'Reseller A',
    productFamily: 'Support',
    description: 'First-line helpdesk for end users.',
    billingModel: 'recurring',
    unit: 'user',
    offers: [{ term: 'P1M', billingCycle: 'monthly', unitPrice: '800', cost: '450' }],
  });

  const all = { kind: 'all' } as const;
  const microsoft = { kind: 'vendor', vendor: 'Microsoft' } as const;
  const subtree = (key: string) => ({ kind: 'reseller_subtree', resellerId: orgs[key]! }) as const;
  const rules: [string, PriceRuleInput][] = [
    // The provider: resellers buy at Microsoft's cost + 8%, direct customers pay list.
    [
      provider,
      {
        name: 'Direct customers at list price',
        kind: 'list_discount',
        percent: '0',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Reseller A: Microsoft cost + 8%',
        kind: 'markup',
        percent: '8',
        target: microsoft,
        buyerScope: subtree('reseller-a'),
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Reseller B: Microsoft cost + 8%',
        kind: 'markup',
        percent: '8',
        target: microsoft,
        buyerScope: subtree('reseller-b'),
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Azure for direct customers at pay-as-you-go',
        kind: 'usage_payg_discount',
        percent: '0',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Azure for Reseller A: cost + 5%',
        kind: 'usage_markup',
        percent: '5',
        target: all,
        buyerScope: subtree('reseller-a'),
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Azure for Reseller B: cost + 5%',
        kind: 'usage_markup',
        percent: '5',
        target: all,
        buyerScope: subtree('reseller-b'),
        effectiveFrom: from,
      },
    ],
    [
      provider,
      {
        name: 'Premium Support for resellers: 20% off',
        kind: 'list_discount',
        percent: '20',
        target: { kind: 'own_product', ownProductId: support.id },
        buyerScope: subtree('reseller-a'),
        effectiveFrom: from,
      },
    ],
    // Reseller A: Microsoft at list −3% for everyone, a better deal for Contoso Japan, and Azure
    // below pay-as-you-go: below its cost (Microsoft's PAYG rate + 5%) on purpose, counting on
    // Microsoft's partner-earned credit, hence flagged.
    [
      orgs['reseller-a']!,
      {
        name: 'Microsoft at list −3%',
        kind: 'list_discount',
        percent: '3',
        target: microsoft,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
    [
      orgs['reseller-a']!,
      {
        name: 'Contoso Japan: Microsoft 365 at list −5%',
        kind: 'list_discount',
        percent: '5',
        target: { kind: 'product_family', productFamily: 'Microsoft 365' },
        buyerScope: { kind: 'customer', customerId: orgs['customer-a']! },
        effectiveFrom: from,
      },
    ],
    [
      orgs['reseller-a']!,
      {
        name: 'Azure at pay-as-you-go −2% (loss leader, PEC expected)',
        kind: 'usage_payg_discount',
        percent: '2',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
        allowBelowCost: true,
      },
    ],
    // The sub-reseller: cost + 5%, Azure cost + 3%.
    [
      orgs['reseller-a-sub']!,
      { name: 'Cost + 5%', kind: 'markup', percent: '5', target: all, buyerScope: all, effectiveFrom: from },
    ],
    [
      orgs['reseller-a-sub']!,
      {
        name: 'Azure cost + 3%',
        kind: 'usage_markup',
        percent: '3',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
    // Reseller B (EUR): 12% margin on sale, Azure cost + 10%.
    [
      orgs['reseller-b']!,
      {
        name: '12% margin on everything',
        kind: 'margin',
        percent: '12',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
    [
      orgs['reseller-b']!,
      {
        name: 'Azure cost + 10%',
        kind: 'usage_markup',
        percent: '10',
        target: all,
        buyerScope: all,
        effectiveFrom: from,
      },
    ],
  ];
  for (const [sellerId, input] of rules) await createPriceRule(db, scope, sellerId, input, now);
  return { ownProducts: 4, rules: rules.length };
}

export interface DemoPresetResult {
  first: SyncCatalogResult;
  second: SyncCatalogResult | null;
  ownProducts: number;
  rules: number;
}

/**
 * First start of the demo: sync, price books, emulated Microsoft changes (a price rise from next
 * month, a retired SKU, a new SKU; only with the built-in emulator), sync again.
 */
export async function presetDemoCatalog(
  deps: Pick<Deps, 'database' | 'partnerCenter' | 'clock'>,
  orgs: Record<string, string>,
  emulatorUrl: string | null,
): Promise<DemoPresetResult> {
  const db = deps.database.db;
  const provider = orgs.provider!;
  const syncDeps = { db, partnerCenter: deps.partnerCenter, clock: deps.clock };
  if (emulatorUrl) {
    await emulatorAdmin(emulatorUrl, '/catalog/add-sku', {
      ...DEMO_SKUS.legacyAddOn,
      title: 'Contoso Legacy Archiving',
      description: 'Mailbox archiving add-on (being discontinued).',
      unitPrice: '3.00',
      terms: ['P1M', 'P1Y'],
    });
  }
  const first = await syncCatalog(syncDeps, systemScopeFor(provider), provider);
  const books = await seedDemoPriceBooks(db, orgs, deps.clock.now());
  let second: SyncCatalogResult | null = null;
  if (emulatorUrl) {
    const today = todayIn(deps.clock.now(), 'Asia/Tokyo').toString();
    await emulatorAdmin(emulatorUrl, '/catalog/price-change', {
      ...DEMO_SKUS.businessBasic,
      currency: 'JPY',
      newUnitPrice: '800',
      effectiveDate: firstOfNextMonth(today),
    });
    await emulatorAdmin(emulatorUrl, '/catalog/retire', DEMO_SKUS.legacyAddOn);
    await emulatorAdmin(emulatorUrl, '/catalog/add-sku', {
      ...DEMO_SKUS.newAddOn,
      title: 'Microsoft 365 Copilot Chat Pro',
      description: 'Copilot Chat with work data, per user.',
      unitPrice: '18.00',
      terms: ['P1M', 'P1Y'],
    });
    second = await syncCatalog(syncDeps, systemScopeFor(provider), provider);
  }
  return { first, second, ...books };
}

/** `presetDemoCatalog` for `cspc start`: prints what it did; a failure is reported, not fatal. */
export async function presetDemoCatalogOnFirstStart(
  deps: Pick<Deps, 'database' | 'partnerCenter' | 'clock'>,
  orgs: Record<string, string>,
  emulatorUrl: string | null,
): Promise<void> {
  try {
    const { first, second, ownProducts, rules } = await presetDemoCatalog(deps, orgs, emulatorUrl);
    console.log(
      `First start: catalog synced from Partner Center (${first.read.products} products, ${first.read.skus} SKUs, ${first.read.offers} offers, ${first.read.meters} Azure meters in ${first.markets.join(', ')}; ${first.readMs + first.writeMs} ms), ${ownProducts} own products and ${rules} price rules added.`,
    );
    if (second) {
      console.log(
        `First start: emulated Microsoft changes synced: ${Object.entries(second.changes)
          .map(([kind, n]) => `${n} ${kind}`)
          .join(', ')}.`,
      );
    }
  } catch (error) {
    console.error(
      `The catalog could not be preset (${error instanceof Error ? error.message : String(error)}); the daily sync (or \`cspc catalog sync\`) will import it.`,
    );
  }
}
