import { mkdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
import { type OrdersWorld, startOrdersWorld } from '../orders/support.ts';
import { json, loginAs } from '../support/http.ts';
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
import { captureCustomerScreenshots } from './screenshots.ts';

/**
 * The customer self-service panel (#11) in a real browser: the demo world with the Partner Center
 * emulator, the demo orders placed through the real flow and a worker provisioning new ones, on a
 * clock that runs with the wall clock so "the 1st of next month" is the browser's next month too.
 */

const CUSTOMER_A_ADMIN = 'admin@customer-a.test';
const CUSTOMER_A_USER = 'user@customer-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

interface Sub {
  id: string;
  title: string;
  customerId: string;
  quantity: number;
  orderId: string | null;
}

let w: OrdersWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Customer A's admin signed in once (English): the login rate limit counts every sign-in. */
let adminState: Awaited<ReturnType<BrowserContext['storageState']>>;

beforeAll(async () => {
  assertWebBuilt();
  w = await startOrdersWorld({ seed: 1111, start: new Date().toISOString(), clock: 'ticking' });
  const seeded = await seedDemoOrders(w.server.deps, w.orgs);
  expect(seeded.problems).toEqual([]);
  await w.startWorker();
  browser = await launchBrowser();
  const first = await newContext(browser, w.server.url);
  await signIn(await first.newPage(), CUSTOMER_A_ADMIN, 'en');
  adminState = await first.storageState();
  await first.close();
});

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

beforeEach(async () => {
  context = await newContext(browser, w.server.url);
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

/** Continues the admin's English session in this test's context and opens a path. */
async function asAdmin(path = '/home') {
  await context.close();
  context = await browser.newContext({
    baseURL: w.server.url,
    locale: 'en-US',
    viewport: { width: 1280, height: 800 },
    storageState: adminState,
  });
  page = await context.newPage();
  await page.goto(path);
  await page.getByTestId('brand-name').waitFor({ state: 'visible', timeout: 20_000 });
}

const navLink = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });

async function subscriptionsOf(customerKey: string): Promise<Sub[]> {
  const response = await w.provider.get(`/api/v1/subscriptions?customerId=${w.orgs[customerKey]}&limit=200`);
  return (await json<{ items: Sub[] }>(response)).items;
}

const yen = (amount: string | number) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(amount as number);

describe('customer panel', () => {
  it('shows a customer its own company only: home, contracts and their prices', async () => {
    await asAdmin('/');
    await page.waitForURL('**/home');
    await visible(page.getByRole('heading', { name: 'Customer A (Contoso Japan)', exact: true }));
    await visible(page.getByTestId('mtd-gauge'));
    await visible(page.getByTestId('usage-trend'));
    // Under the seller's brand, not the provider's.
    expect(await readText(page.getByTestId('brand-name'))).toBe('Reseller A Cloud');

    await navLink(text('en', 'nav.panelContracts')).click();
    const table = page.getByTestId('contracts-table');
    await visible(table);
    const shown = await table
      .getByRole('link')
      .evaluateAll((links) => links.map((a) => (a.getAttribute('href') ?? '').split('/').pop()));
    const own = await subscriptionsOf('customer-a');
    expect(own.length).toBeGreaterThan(0);
    expect(new Set(shown)).toEqual(new Set(own.map((s) => s.id)));
    // Customer A's price for Business Premium is the one its price book gives it.
    const premium = own.find((s) => s.title === 'Microsoft 365 Business Premium')!;
    const detail = await json<{ unitPrice: string }>(
      await w.customerA.get(`/api/v1/subscriptions/${premium.id}`),
    );
    expect(await readText(table)).toContain(yen(detail.unitPrice));
  });

  it('adds licences with a price preview before buying, and follows the order to the end', async () => {
    await asAdmin();
    await navLink(text('en', 'nav.panelBuy')).click();
    await page.getByRole('textbox', { name: text('en', 'panel.buy.search') }).fill('Business Basic');
    await page.getByRole('combobox', { name: text('en', 'panel.buy.product'), exact: true }).click();
    await page.getByRole('option', { name: 'Microsoft 365 Business Basic', exact: true }).click();
    await page.getByRole('combobox', { name: text('en', 'panel.buy.offer') }).click();
    await page.getByRole('option', { name: '1 year · billed monthly', exact: true }).click();
    await page.getByRole('textbox', { name: text('en', 'panel.buy.quantity') }).fill('4');

    const quote = await json<{ unitPrice: string; totalPerBillingCycle: string }>(
      await w.customerA.get(
        '/api/v1/price-quotes?sku=CFQ7TTC0LH18:0001&quantity=4&term=P1Y&billingCycle=monthly',
      ),
    );
    const preview = page.getByTestId('preview-per-cycle');
    await expect.poll(() => readText(preview), { timeout: 15_000 }).toBe(yen(quote.totalPerBillingCycle));
    expect(await readText(page.getByTestId('preview-unit'))).toBe(yen(quote.unitPrice));

    // Credit control's answer shows before submitting, the same the order will get.
    const check = await json<{ outcome: string }>(
      await w.customerA.get(
        `/api/v1/credit-limits/check?customerId=${w.orgs['customer-a']}&amount=${quote.totalPerBillingCycle}&currency=JPY`,
      ),
    );
    await expect
      .poll(() => page.getByTestId('credit-outcome').getAttribute('data-outcome'), { timeout: 15_000 })
      .toBe(check.outcome);

    await page.getByRole('button', { name: text('en', 'panel.buy.submit') }).click();
    await page.waitForURL(/\/my\/orders\/[0-9a-f-]{36}$/);
    const state = page.getByTestId('order-state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 45_000 }).toBe('completed');
    const orderId = page.url().split('/').pop()!;
    const order = await w.order(orderId);
    expect(order.customerId).toBe(w.orgs['customer-a']);
    expect(order.lines[0]).toMatchObject({ kind: 'purchase', quantity: 4, unitPrice: quote.unitPrice });
  });

  it('shows a purchase credit control would refuse before it is submitted, and does not submit it', async () => {
    const limits = await json<{ items: { id: string }[] }>(
      await w.resellerA.get(`/api/v1/credit-limits?organizationId=${w.orgs['customer-a']}`),
    );
    const levels = { warning: null, approvalRequired: null, purchaseBlocked: '1' };
    const saved = limits.items[0]
      ? await w.resellerA.put(`/api/v1/credit-limits/${limits.items[0].id}`, levels)
      : await w.resellerA.post('/api/v1/credit-limits', { organizationId: w.orgs['customer-a'], ...levels });
    expect([200, 201]).toContain(saved.status);
    const limit = await json<{ id: string }>(saved);
    try {
      await asAdmin('/buy');
      await page.getByRole('combobox', { name: text('en', 'panel.buy.product'), exact: true }).click();
      await page.getByRole('option', { name: 'Microsoft 365 Business Premium', exact: true }).click();
      const outcome = page.getByTestId('credit-outcome');
      await expect.poll(() => outcome.getAttribute('data-outcome'), { timeout: 15_000 }).toBe('blocked');
      expect(await readText(outcome)).toContain(text('en', 'panel.orders.creditOutcome.blocked'));
      await expect
        .poll(() => page.getByRole('button', { name: text('en', 'panel.buy.submit') }).isDisabled())
        .toBe(true);
    } finally {
      expect((await w.resellerA.delete(`/api/v1/credit-limits/${limit.id}`)).status).toBe(204);
    }
  });

  it('schedules a change for the 1st of next month', async () => {
    const premium = (await subscriptionsOf('customer-a')).find(
      (s) => s.title === 'Microsoft 365 Business Premium',
    )!;
    await asAdmin();
    await page.goto(`/contracts/${premium.id}`);
    await visible(page.getByTestId('change-form'));
    await visible(page.getByTestId('contract-history'));
    await page
      .getByRole('textbox', { name: text('en', 'panel.contracts.newQuantity') })
      .fill(String(premium.quantity + 2));
    await page.getByText(/^1st of next month/).click();
    await visible(page.getByTestId('change-preview'));
    await page.getByRole('button', { name: text('en', 'panel.contracts.submitChange') }).click();
    await page.waitForURL(/\/my\/orders\/[0-9a-f-]{36}$/);
    const state = page.getByTestId('order-state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 20_000 }).toBe('scheduled');

    const order = await w.order(page.url().split('/').pop()!);
    // The 1st of next month, 00:00 in Tokyo (the provider's zone).
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(w.now());
    const [y, m] = today.split('-').map(Number) as [number, number];
    const first = new Date(Date.UTC(y, m, 1) - 9 * 3_600_000).toISOString();
    expect(new Date(order.effectiveAt!).toISOString()).toBe(first);
    expect(order.lines[0]).toMatchObject({ kind: 'change_quantity', quantity: premium.quantity + 2 });

    // The contract shows the pending change until then.
    await page.goto(`/contracts/${premium.id}`);
    await visible(page.getByTestId('pending-changes'));
  });

  it("downloads the usage CSV with the customer's prices and no cost column", async () => {
    await asAdmin();
    await navLink(text('en', 'nav.panelUsage')).click();
    await visible(page.getByTestId('usage-by-day'));
    const downloading = page.waitForEvent('download');
    await page.getByTestId('usage-csv').click();
    const download = await downloading;
    const csv = (await readFile((await download.path())!, 'utf8')).replace(/^\uFEFF/, '');
    const [header, ...rows] = csv.trim().split(/\r?\n/);
    const columns = header!.split(',');
    expect(columns).toContain('Amount');
    expect(columns.filter((c) => /cost/i.test(c))).toEqual([]);
    expect(rows.length).toBeGreaterThan(0);

    // The amounts add up to the customer's own month (its prices), not the seller's cost.
    const period = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(w.now()).slice(0, 7);
    const summary = await json<{ totals: { sale: string }[] }>(
      await w.customerA.get(`/api/v1/usage/summary?period=${period}`),
    );
    const amount = columns.indexOf('Amount');
    const sum = rows.reduce((total, row) => total + Number(row.split(',')[amount]), 0);
    expect(sum).toBeCloseTo(Number(summary.totals[0]!.sale), 2);
    expect(csv).not.toContain('Customer B');
  });

  it('sets the planned monthly amount and alert thresholds, and home measures against it', async () => {
    await asAdmin();
    await page.goto('/my/usage');
    const card = page.getByTestId('budget-card');
    await visible(card);
    await card.getByRole('textbox', { name: /^Planned per month/ }).fill('90000');
    await card.getByRole('textbox', { name: text('en', 'panel.budget.thresholds') }).fill('50, 80, 100');
    await card.getByRole('button', { name: text('en', 'panel.budget.save') }).click();
    await visible(page.getByTestId('budget-saved'));

    const budgets = await json<{
      items: { entitlementId: string | null; plannedAmount: string; thresholds: string[] }[];
    }>(await w.customerA.get(`/api/v1/budgets?customerId=${w.orgs['customer-a']}`));
    const whole = budgets.items.find((b) => !b.entitlementId)!;
    expect(Number(whole.plannedAmount)).toBe(90000);
    expect(whole.thresholds.map(Number)).toEqual([50, 80, 100]);

    await navLink(text('en', 'nav.panelHome')).click();
    await expect.poll(() => readText(page.getByTestId('plan-text'))).toContain(yen(90000));
  });

  it('lists its invoices, explains a line, and downloads the PDF and the CSV', async () => {
    const period = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(w.now()).slice(0, 7);
    const run = await w.resellerA.post('/api/v1/billing-runs', { period, issue: true });
    expect(run.status).toBe(200);
    const invoices = await json<{ items: { id: string; number: string; gross: string }[] }>(
      await w.customerA.get('/api/v1/invoices?direction=received'),
    );
    const invoice = invoices.items[0]!;
    expect(invoice.number).toBeTruthy();

    await asAdmin();
    await expect.poll(() => readText(page.getByTestId('home-latest-invoice'))).toContain(invoice.number);
    await navLink(text('en', 'nav.panelInvoices')).click();
    const table = page.getByTestId('invoices-table');
    await visible(table);
    await table.getByRole('link', { name: invoice.number, exact: true }).click();
    await visible(page.getByTestId('invoice-lines'));
    expect(await readText(page.getByTestId('invoice-gross'))).toBe(yen(invoice.gross));
    await page
      .getByRole('button', { name: text('en', 'panel.invoices.why') })
      .first()
      .click();
    await visible(page.getByTestId('line-explanation'));

    const pdfHref = await page.getByTestId('invoice-pdf').getAttribute('href');
    const pdf = await page.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toContain('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');

    const downloading = page.waitForEvent('download');
    await page.getByTestId('invoice-csv').click();
    const csv = await readFile((await (await downloading).path())!, 'utf8');
    expect(csv).toContain('Microsoft 365 Business Premium');
  });

  it('does not let a customer user (no admin role) order, in the UI or at the API', async () => {
    await signIn(page, CUSTOMER_A_USER, 'en');
    await page.waitForURL('**/home');
    await visible(navLink(text('en', 'nav.panelContracts')));
    expect(await navLink(text('en', 'nav.panelBuy')).count()).toBe(0);
    expect(await navLink(text('en', 'nav.panelUsers')).count()).toBe(0);
    await page.goto('/buy');
    await visible(page.getByRole('heading', { name: text('en', 'forbidden.title') }).first());

    const premium = (await subscriptionsOf('customer-a')).find(
      (s) => s.title === 'Microsoft 365 Business Premium',
    )!;
    await page.goto(`/contracts/${premium.id}`);
    await visible(page.getByTestId('change-not-allowed'));
    expect(await page.getByTestId('change-form').count()).toBe(0);

    const user = await loginAs(w.server.url, CUSTOMER_A_USER);
    const refused = await user.post(
      '/api/v1/orders',
      {
        customerId: w.orgs['customer-a'],
        lines: [
          { type: 'purchase', sku: 'CFQ7TTC0LH18:0001', quantity: 1, term: 'P1M', billingCycle: 'monthly' },
        ],
      },
      { 'idempotency-key': 'customer-user-try' },
    );
    expect(refused.status).toBe(403);
    expect((await user.post(`/api/v1/subscriptions/${premium.id}/quantity`, { quantity: 20 })).status).toBe(
      403,
    );
  });

  it("answers another customer's ids in URLs with not found", async () => {
    const other = (await subscriptionsOf('customer-b'))[0]!;
    expect(other.orderId).toBeTruthy();
    await asAdmin();
    await page.goto(`/contracts/${other.id}`);
    const contractError = page.getByTestId('contract-error');
    await visible(contractError);
    expect(await readText(contractError)).toContain(text('en', 'errors.not_found'));

    await page.goto(`/my/orders/${other.orderId}`);
    const orderError = page.getByTestId('order-not-found');
    await visible(orderError);
    expect(await readText(orderError)).toContain(text('en', 'errors.not_found'));
  });

  it('invites a colleague as a customer administrator', async () => {
    await asAdmin();
    await navLink(text('en', 'nav.panelUsers')).click();
    await visible(page.getByTestId('users-table'));
    await page
      .getByRole('textbox', { name: text('en', 'panel.users.email') })
      .fill('new.colleague@customer-a.test');
    await page.getByRole('textbox', { name: text('en', 'panel.users.name') }).fill('Aoi Kimura');
    await page.getByRole('button', { name: text('en', 'panel.users.invite') }).click();
    await visible(page.getByTestId('invite-done'));
    await visible(page.getByTestId('users-table').getByText('new.colleague@customer-a.test'));
  });

  it('has no raw translation keys in Japanese on any panel screen', async () => {
    const premium = (await subscriptionsOf('customer-a')).find(
      (s) => s.title === 'Microsoft 365 Business Premium',
    )!;
    await signIn(page, CUSTOMER_A_ADMIN, 'ja');
    const invoices = await json<{ items: { id: string }[] }>(await w.customerA.get('/api/v1/invoices'));
    for (const path of [
      '/home',
      '/contracts',
      `/contracts/${premium.id}`,
      '/buy',
      '/my/orders',
      '/my/usage',
      '/my/invoices',
      ...invoices.items.slice(0, 1).map((i) => `/my/invoices/${i.id}`),
      '/my/users',
      '/help',
    ]) {
      await page.goto(path);
      await visible(page.locator('h1'));
      await expectNoRawKeys(page);
    }
    await page.goto('/help');
    await visible(page.getByText(text('ja', 'panel.help.contactTitle')));
  });
});

describe('screenshots', () => {
  // `npm run screenshots` (-t "captures the main screens") also redraws the panel's pictures.
  it('captures the main screens of the customer panel', async () => {
    const target =
      process.env.CSPC_UPDATE_SCREENSHOTS === '1'
        ? '../../docs/screenshots/'
        : '../../test-results/screenshots/';
    const outDir = fileURLToPath(new URL(target, import.meta.url));
    await mkdir(outDir, { recursive: true });
    const files = await captureCustomerScreenshots({ browser, baseUrl: w.server.url, outDir });
    expect(files.length).toBe(6);
  });
});

/** A missing translation shows up as its key: look for any known key, and anything shaped like one. */
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
  expect(haystack.match(keyShape)?.[0] ?? null).toBeNull();
  for (const key of translationKeys()) expect(haystack.includes(key), key).toBe(false);
}
