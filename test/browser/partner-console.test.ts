import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderServices } from '../../packages/server/src/modules/orders/order-services.ts';
import { presetDemoCatalog } from '../../packages/server/src/modules/price-books/demo-price-books.ts';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { seedDemoCreditControl, seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
import { json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  assertWebBuilt,
  launchBrowser,
  newContext,
  readText,
  signIn,
  text,
  translationKeys,
  visible,
} from './browser.ts';
import { captureAdminScreenshots, capturePartnerScreenshots } from './screenshots.ts';

// The partner console (#10): usage, subscriptions, orders and the order wizard, quotes, catalog
// and the dashboard, as a provider admin and as a reseller admin, in English and Japanese.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

let emu: RunningEmulator;
let srv: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

interface PcRef {
  customerId: string | null;
  subscriptionId: string;
}

interface Item {
  id: string;
  customerName: string;
  status?: string;
  state?: string;
  kind?: string;
  locked?: boolean;
  sellerName?: string;
}

beforeAll(async () => {
  assertWebBuilt();
  emu = await startEmulator({ port: 0, seed: 4242, now: new Date().toISOString(), dataDir: null });
  srv = await startTestServer({ seed: 'demo', emulatorUrl: emu.url, env: { LOGIN_RATE_LIMIT: '1000' } });
  // What `npm start` does on a first start: the demo catalog and price books, then demo orders and
  // subscriptions through the real order flow, and credit control (an order waiting for approval).
  const orgs = srv.demo!.organizations;
  await presetDemoCatalog(srv.deps, orgs, emu.url);
  await seedDemoOrders(srv.deps, orgs);
  await seedDemoCreditControl(srv.deps, orgs).catch(() => undefined);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await emu?.close();
});

beforeEach(async () => {
  context = await newContext(browser, srv.url);
  page = await context.newPage();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && page) {
    await mkdir(FAILURES, { recursive: true });
    const name = task.name.replace(/[^\w-]+/g, '-').slice(0, 80);
    await page.screenshot({ path: `${FAILURES}/${name}.png`, fullPage: true }).catch(() => undefined);
  }
  await context?.close();
});

/** A Mantine Select: its label names the input and the option list; the input is the one to type into. */
const selectInput = (label: string) => page.getByLabel(label, { exact: true }).and(page.locator('input'));
const navLink = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });

async function listAs<T = Item>(email: string, path: string): Promise<T[]> {
  const caller = await loginAs(srv.url, email);
  return (await json<{ items: T[] }>(await caller.get(path))).items;
}

describe('usage', () => {
  it('shows the provider its month to date by customer, the chart, the CSV link and the import history', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.usage')).click();
    await page.waitForURL('**/usage');
    await visible(page.getByRole('heading', { name: text('en', 'usage.title'), exact: true }));

    const chart = page.getByTestId('usage-chart');
    await visible(chart);
    expect(await chart.getAttribute('role')).toBe('img');
    // ECharts drew into a canvas of the chart's size.
    await visible(chart.locator('canvas'));
    const box = await chart.locator('canvas').first().boundingBox();
    expect(box!.width).toBeGreaterThan(200);

    const totals = page.getByTestId('usage-totals');
    await visible(totals);
    expect(await readText(totals)).toContain('¥');

    const byCustomer = page.getByTestId('usage-by-customer');
    await visible(byCustomer);
    expect(await readText(byCustomer)).toContain('Customer B (Fabrikam KK)');

    const csv = page.getByTestId('usage-csv');
    expect(await csv.getAttribute('href')).toMatch(/^\/api\/v1\/usage\/export\.csv\?period=\d{4}-\d{2}$/);

    await visible(page.getByTestId('usage-imports'));

    // Another breakdown, and a customer chosen from the table narrows everything to it.
    await page.getByRole('tab', { name: text('en', 'usage.by.meter_category'), exact: true }).click();
    await visible(chart.locator('canvas'));
    await byCustomer.getByRole('button', { name: 'Customer B (Fabrikam KK)', exact: true }).click();
    await page.waitForURL(/customer=/);
    await expect.poll(() => csv.getAttribute('href')).toContain('customerId=');
  });

  it('shows a reseller only its own subtree', async () => {
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/usage');
    await visible(page.getByTestId('usage-chart'));
    const byCustomer = page.getByTestId('usage-by-customer');
    await visible(byCustomer);
    const body = await readText(page.locator('body'));
    expect(body).not.toContain('Fabrikam');
    expect(body).not.toContain('Northwind');
    // Microsoft's files are the provider's business: no import history for resellers.
    expect(await page.getByTestId('usage-imports').count()).toBe(0);
  });
});

describe('orders', () => {
  it('creates a customer with a new domain and orders licences through the wizard', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.orders')).click();
    await page.getByRole('link', { name: text('en', 'orders.newOrder'), exact: true }).click();
    await page.waitForURL('**/orders/new');

    await page.getByText(text('en', 'wizard.newCustomer'), { exact: true }).click();
    await page.getByRole('textbox', { name: text('en', 'wizard.companyName') }).fill('Browser Test KK');
    // A domain the demo already created is taken; a fresh one is free.
    const domain = page.getByRole('textbox', { name: text('en', 'wizard.domainPrefix') });
    const status = page.getByTestId('domain-status');
    await domain.fill('tailspinosaka');
    await visible(
      status.getByText(
        text('en', 'wizard.domainTaken').replace('{{domain}}', 'tailspinosaka.onmicrosoft.com'),
      ),
    );
    const prefix = `brtest${Date.now().toString(36)}`;
    await domain.fill(prefix);
    await visible(
      status.getByText(
        text('en', 'wizard.domainAvailable').replace('{{domain}}', `${prefix}.onmicrosoft.com`),
      ),
    );
    await page.getByRole('textbox', { name: text('en', 'wizard.email') }).fill('it@browser-test.example');
    await page.getByRole('textbox', { name: text('en', 'wizard.firstName') }).fill('Aoi');
    await page.getByRole('textbox', { name: text('en', 'wizard.lastName') }).fill('Kimura');
    await page.getByRole('textbox', { name: text('en', 'wizard.address') }).fill('1-1 Marunouchi');
    await page.getByRole('textbox', { name: text('en', 'wizard.city') }).fill('Chiyoda-ku');
    await page.getByRole('textbox', { name: text('en', 'wizard.postalCode') }).fill('100-0005');
    await page.getByRole('button', { name: text('en', 'wizard.createCustomer') }).click();

    // Products: search the catalog; the price from the price book shows as the quantity is typed.
    const sku = selectInput(text('en', 'wizard.skuSearch'));
    await visible(sku);
    await sku.fill('Business Basic');
    await page.getByRole('option', { name: 'Microsoft 365 Business Basic', exact: true }).click();
    const lines = page.getByTestId('wizard-lines');
    await visible(lines);
    await lines
      .getByRole('textbox', {
        name: text('en', 'wizard.quantityFor').replace('{{title}}', 'Microsoft 365 Business Basic'),
      })
      .last()
      .fill('12');
    const price = lines.getByTestId('line-price');
    await visible(price.getByText(/¥/).first());
    await page.getByRole('button', { name: text('en', 'wizard.next'), exact: true }).click();

    // Start now, review, submit.
    await visible(page.getByText(text('en', 'wizard.startLabel')));
    await page.getByRole('button', { name: text('en', 'wizard.next'), exact: true }).click();
    const review = page.getByTestId('wizard-review');
    await visible(review);
    expect(await readText(review)).toContain(`${prefix}.onmicrosoft.com`);
    expect(await readText(review)).toContain('12 × Microsoft 365 Business Basic');
    await page.getByRole('button', { name: text('en', 'wizard.submit'), exact: true }).click();

    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('order-lines').getByText('Microsoft 365 Business Basic'));
    await visible(page.getByTestId('order-timeline'));
    const orders = await listAs(PROVIDER_ADMIN, '/api/v1/orders?limit=5');
    expect(orders.some((o) => o.customerName === 'Browser Test KK')).toBe(true);
  });

  it('approves an order waiting for approval, when there is one', async () => {
    const waiting = await listAs(PROVIDER_ADMIN, '/api/v1/orders?state=awaiting_approval&limit=1');
    await signIn(page, PROVIDER_ADMIN, 'en');
    if (waiting.length === 0) {
      // Nothing held by credit control in the demo: the filtered list says so.
      await page.goto('/orders?state=awaiting_approval');
      await visible(page.getByText(text('en', 'orders.emptyTitle'), { exact: true }));
      return;
    }
    await page.goto(`/orders/${waiting[0]!.id}`);
    await page.getByRole('button', { name: text('en', 'orders.approve'), exact: true }).click();
    await visible(
      page.getByTestId('order-state').filter({ hasNotText: text('en', 'orders.state.awaiting_approval') }),
    );
  });
});

describe('subscriptions', () => {
  it('schedules a quantity change for the renewal', async () => {
    const subs = await listAs(PROVIDER_ADMIN, '/api/v1/subscriptions?status=active&kind=license&limit=50');
    const sub =
      subs.find((s) => !s.locked && s.customerName === 'Customer B (Fabrikam KK)') ??
      subs.find((s) => !s.locked);
    expect(sub).toBeDefined();
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.subscriptions')).click();
    await visible(page.getByTestId('subscription-table'));
    await page.goto(`/subscriptions/${sub!.id}`);
    await visible(page.getByTestId('subscription-facts'));
    await visible(page.getByTestId('subscription-history'));

    await page.getByRole('textbox', { name: text('en', 'subscriptions.renewalQuantity') }).fill('3');
    await page.getByRole('button', { name: text('en', 'subscriptions.scheduleChange'), exact: true }).click();
    await visible(page.getByTestId('action-done'));
    const order = page.getByTestId('action-done').getByRole('link');
    await order.click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('order-timeline'));
  });

  it('shows a reseller the subscriptions it did not sell as locked and read-only', async () => {
    const subs = await listAs(RESELLER_ADMIN, '/api/v1/subscriptions?limit=100');
    expect(subs.length).toBeGreaterThan(0);
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/subscriptions');
    await visible(page.getByTestId('subscription-table'));
    const locked = subs.find((s) => s.locked);
    if (locked) {
      await visible(page.getByTestId('lock-badge'));
      await page.goto(`/subscriptions/${locked.id}`);
      await visible(page.getByText(text('en', 'subscriptions.lockedTitle'), { exact: true }));
      expect(
        await page.getByRole('button', { name: text('en', 'subscriptions.changeQuantity') }).count(),
      ).toBe(0);
    }
    const body = await readText(page.locator('body'));
    expect(body).not.toContain('Fabrikam');
  });
});

describe('tenant isolation', () => {
  it("shows 'not found' for another tenant's subscription and order ids in the URL", async () => {
    const subs = await listAs(PROVIDER_ADMIN, '/api/v1/subscriptions?limit=100');
    const orders = await listAs(PROVIDER_ADMIN, '/api/v1/orders?limit=100');
    const foreignSub = subs.find((s) => s.customerName === 'Customer B (Fabrikam KK)');
    const foreignOrder = orders.find(
      (o) => o.customerName !== 'Customer A (Contoso Japan)' && !o.customerName.includes('Tailspin'),
    );
    expect(foreignSub && foreignOrder).toBeTruthy();
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto(`/subscriptions/${foreignSub!.id}`);
    await visible(page.getByText(text('en', 'errors.not_found'), { exact: true }));
    await page.goto(`/orders/${foreignOrder!.id}`);
    await visible(page.getByText(text('en', 'errors.not_found'), { exact: true }));
    expect(await readText(page.locator('body'))).not.toContain(foreignOrder!.customerName);
  });
});

describe('catalog and dashboard', () => {
  it('searches the catalog, lists price rules and previews a price with "test this rule"', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.catalog')).click();
    await page.getByRole('searchbox', { name: text('en', 'catalog.search') }).fill('Business Basic');
    await visible(page.getByTestId('catalog-table').getByText('Microsoft 365 Business Basic'));
    await page.getByRole('tab', { name: text('en', 'catalog.tab.changes') }).click();
    await visible(page.getByTestId('catalog-changes'));
    await page.getByRole('tab', { name: text('en', 'catalog.tab.priceBooks') }).click();
    const rules = page.getByTestId('price-rules');
    await visible(rules);
    await rules
      .getByRole('button', { name: text('en', 'catalog.testRule') })
      .first()
      .click();
    await selectInput(text('en', 'catalog.testBuyer')).click();
    await page.getByRole('option', { name: 'Customer B (Fabrikam KK)' }).click();
    await selectInput(text('en', 'catalog.testSku')).fill('Business Basic');
    await page.getByRole('option', { name: 'Microsoft 365 Business Basic', exact: true }).click();
    await page.getByRole('button', { name: text('en', 'catalog.preview') }).click();
    await visible(page.getByTestId('rule-preview').getByText(/¥/).first());
  });

  it('shows the dashboard with month-to-date figures, the trend and renewals', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.dashboard')).click();
    await visible(page.getByTestId('dashboard-mtd'));
    await visible(page.getByTestId('dashboard-chart').locator('canvas'));
    await visible(page.getByTestId('dashboard-renewals'));
  });
});

describe('alerts and credit control', () => {
  it('lists alerts to acknowledge and the credit limits with their provisional credit', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.alerts')).click();
    await page.waitForURL('**/alerts');
    const open = await listAs<{ id: string }>(PROVIDER_ADMIN, '/api/v1/alerts?acknowledged=false&limit=5');
    if (open.length > 0) {
      const table = page.getByTestId('alert-table');
      await visible(table);
      const before = await table.getByRole('row').count();
      await table
        .getByRole('button', { name: text('en', 'alerts.acknowledge') })
        .first()
        .click();
      await expect.poll(() => table.getByRole('row').count()).toBeLessThan(before);
    } else {
      await visible(page.getByText(text('en', 'alerts.emptyTitle'), { exact: true }));
    }
    await page.getByRole('tab', { name: text('en', 'alerts.tabCredit') }).click();
    const limits = await listAs(PROVIDER_ADMIN, '/api/v1/credit-limits?limit=5');
    if (limits.length > 0) await visible(page.getByTestId('credit-table'));
    else await visible(page.getByText(text('en', 'alerts.noLimits'), { exact: true }));
  });
});

describe('Japanese', () => {
  it('has no untranslated keys on the partner screens', async () => {
    await signIn(page, PROVIDER_ADMIN, 'ja');
    const subs = await listAs(PROVIDER_ADMIN, '/api/v1/subscriptions?limit=1');
    const orders = await listAs(PROVIDER_ADMIN, '/api/v1/orders?limit=1');
    for (const path of [
      '/dashboard',
      '/usage',
      '/subscriptions',
      `/subscriptions/${subs[0]!.id}`,
      '/orders',
      `/orders/${orders[0]!.id}`,
      '/orders/new',
      '/quotes',
      '/catalog',
      '/catalog?tab=changes',
      '/catalog?tab=own',
      '/catalog?tab=priceBooks',
      '/alerts',
      '/alerts?tab=credit',
    ]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible' });
      await expectNoRawKeys(page);
    }
    expect(await readText(page.getByRole('navigation'))).toContain(text('ja', 'nav.usage'));
  });
});

describe('screenshots', () => {
  // `npm run screenshots` writes them to docs/screenshots; an ordinary run writes to test-results/.
  it('captures the main screens of the partner console', async () => {
    const target =
      process.env.CSPC_UPDATE_SCREENSHOTS === '1'
        ? '../../docs/screenshots/'
        : '../../test-results/screenshots/';
    const outDir = fileURLToPath(new URL(target, import.meta.url));
    await mkdir(outDir, { recursive: true });
    const files = await capturePartnerScreenshots({ browser, baseUrl: srv.url, outDir });
    expect(files.length).toBe(12);
  });

  it('captures the main screens of settings, branding and reconciliation', async () => {
    const target =
      process.env.CSPC_UPDATE_SCREENSHOTS === '1'
        ? '../../docs/screenshots/'
        : '../../test-results/screenshots/';
    const outDir = fileURLToPath(new URL(target, import.meta.url));
    await mkdir(outDir, { recursive: true });
    // Seats added directly in Partner Center, for the drift report to find.
    const subs = await listAs<Item & { quantity: number; partnerCenter: PcRef | null }>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    const sub = subs.find((s) => !s.locked && s.partnerCenter?.customerId)!;
    expect(sub).toBeDefined();
    const pc = await orderServices(srv.deps).partnerCenter.clientFor(srv.demo!.organizations.provider!);
    const { customerId, subscriptionId } = sub.partnerCenter!;
    const current = await pc.subscriptions.get(customerId!, subscriptionId);
    await pc.subscriptions.setQuantity(customerId!, current, sub.quantity + 2, {
      operationKey: 'browser-test:screenshot-drift',
    });
    const files = await captureAdminScreenshots({ browser, baseUrl: srv.url, outDir });
    expect(files.length).toBe(5);
  });
});

async function expectNoRawKeys(target: Page) {
  await target.waitForLoadState('networkidle');
  const visibleText = await readText(target.locator('body'));
  const labels = await target
    .locator('[aria-label], [placeholder], [title]')
    .evaluateAll((elements) =>
      elements.flatMap((el) =>
        ['aria-label', 'placeholder', 'title'].map((name) => el.getAttribute(name) ?? ''),
      ),
    );
  const haystack = [visibleText, ...labels, await target.title()].join('\n');
  const namespaces = [...new Set(translationKeys().map((key) => key.split('.')[0]))];
  const keyShape = new RegExp(`(^|[^\\w@.-])(${namespaces.join('|')})\\.[A-Za-z_]+`, 'm');
  expect(haystack.match(keyShape)?.[0] ?? null, target.url()).toBeNull();
  for (const key of translationKeys())
    expect(haystack.includes(key), `${key} on ${target.url()}`).toBe(false);
}
