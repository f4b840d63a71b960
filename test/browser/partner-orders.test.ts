import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../../packages/server/src/jobs/job-runner.ts';
import { orderJobDefinitions } from '../../packages/server/src/modules/orders/order-jobs.ts';
import { stopJobSender } from '../../packages/server/src/modules/orders/order-queue.ts';
import { orderServices } from '../../packages/server/src/modules/orders/order-services.ts';
import { presetDemoCatalog } from '../../packages/server/src/modules/price-books/demo-price-books.ts';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { seedDemoOrders } from '../../packages/server/src/seed/demo.ts';
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

// Every order pattern of the order wizard and the subscription actions of the partner console
// (#10, docs/partner-console.md): an order for a customer's existing tenant (the reseller
// relationship link, then "check now"), an Azure plan with administrator rights for a new user
// (the temporary password on the order), an upgrade of some seats, and the drift report of
// reconciliation (a change made outside the product, adopted). Orders are provisioned by a real
// worker against the Partner Center emulator.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';
const EXISTING_TENANT = 'fabrikamretail.onmicrosoft.com';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

let emu: RunningEmulator;
let srv: TestServer;
let worker: JobRunner;
let browser: Browser;
let context: BrowserContext;
let page: Page;

interface Sub {
  id: string;
  title: string;
  customerName: string;
  quantity: number;
  locked: boolean;
  catalogItemId: string | null;
  partnerCenter: { customerId: string | null; subscriptionId: string } | null;
}

const silent = { info() {}, error() {} };

// The emulator runs in this process: after a long synchronous stretch (the catalog sync) a
// kept-alive socket it just closed answers ECONNRESET. Its admin calls are safe to repeat.
const realFetch = globalThis.fetch;

beforeAll(async () => {
  assertWebBuilt();
  globalThis.fetch = async (input, init) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await realFetch(input, init);
      } catch (error) {
        const admin = String(input instanceof Request ? input.url : input).includes('/_emulator/');
        if (!admin || attempt >= 3) throw error;
      }
    }
  };
  emu = await startEmulator({ port: 0, seed: 4343, now: new Date().toISOString(), dataDir: null });
  srv = await startTestServer({ seed: 'demo', emulatorUrl: emu.url, env: { LOGIN_RATE_LIMIT: '1000' } });
  const orgs = srv.demo!.organizations;
  await presetDemoCatalog(srv.deps, orgs, emu.url);
  await seedDemoOrders(srv.deps, orgs);
  // A worker process: provisions what the console orders.
  worker = new JobRunner(
    srv.deps.database,
    orderJobDefinitions(srv.deps).filter((d) => !d.schedule),
    silent,
    { pollingIntervalSeconds: 0.5 },
  );
  await worker.start({ work: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  globalThis.fetch = realFetch;
  await browser?.close();
  await worker?.stop();
  if (srv) await stopJobSender(srv.deps.database);
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
    await page.screenshot({ path: `${FAILURES}/orders-${name}.png`, fullPage: true }).catch(() => undefined);
  }
  await context?.close();
});

const selectInput = (label: string) => page.getByLabel(label, { exact: true }).and(page.locator('input'));
const button = (key: string) => page.getByRole('button', { name: text('en', key), exact: true });

async function listAs<T>(email: string, path: string): Promise<T[]> {
  const caller = await loginAs(srv.url, email);
  return (await json<{ items: T[] }>(await caller.get(path))).items;
}

async function emulatorAdmin(path: string, body: unknown = {}): Promise<void> {
  const response = await fetch(`${emu.url}/_emulator${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
}

describe('order wizard', () => {
  it('orders an Azure plan with administrator rights for an existing tenant: relationship link, check, temporary password', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/orders/new');
    await page.getByText(text('en', 'wizard.newCustomer'), { exact: true }).click();
    await page.getByRole('textbox', { name: text('en', 'wizard.companyName') }).fill('Fabrikam Retail KK');
    await page.getByRole('radio', { name: text('en', 'wizard.tenantExisting') }).check();
    const domain = page.getByRole('textbox', { name: text('en', 'wizard.existingDomain') });

    // A domain that is no domain is refused before anything is created.
    await domain.fill('fabrikam retail');
    await button('wizard.createCustomer').click();
    await visible(page.getByText(text('en', 'wizard.problem.existingDomain'), { exact: true }));
    await domain.fill(EXISTING_TENANT.toUpperCase());
    await button('wizard.createCustomer').click();

    // Products: nothing chosen is refused; then the Azure plan and a new administrator.
    await visible(page.getByRole('checkbox', { name: text('en', 'wizard.azurePlan') }));
    await button('wizard.next').click();
    await visible(page.getByText(text('en', 'wizard.problem.noLines'), { exact: true }));
    await page.getByRole('checkbox', { name: text('en', 'wizard.azurePlan') }).check();
    await page.getByRole('radio', { name: text('en', 'wizard.adminNew') }).check();
    await page.getByRole('textbox', { name: text('en', 'wizard.adminUserName') }).fill('bad name');
    await page.getByRole('textbox', { name: text('en', 'wizard.adminFirstName') }).fill('Aoi');
    await page.getByRole('textbox', { name: text('en', 'wizard.adminLastName') }).fill('Kimura');
    await button('wizard.next').click();
    await visible(page.getByText(text('en', 'wizard.problem.adminUserName'), { exact: true }));
    await page.getByRole('textbox', { name: text('en', 'wizard.adminUserName') }).fill('azure.admin');
    await button('wizard.next').click();

    await visible(page.getByText(text('en', 'wizard.startLabel')));
    await button('wizard.next').click();
    const review = page.getByTestId('wizard-review');
    await visible(review);
    const reviewText = await readText(review);
    expect(reviewText).toContain(EXISTING_TENANT);
    expect(reviewText).toContain(text('en', 'wizard.existingTenant'));
    expect(reviewText).toContain(text('en', 'wizard.reviewAdminNew').replace('{{user}}', 'azure.admin'));
    await button('wizard.submit').click();

    // The order waits for the customer's global admin: the link to send, with a copy button.
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    const orderId = page.url().split('/').at(-1)!;
    await visible(page.getByTestId('relationship'));
    expect(await readText(page.getByTestId('relationship-url'))).toMatch(
      /^https:\/\/admin\.microsoft\.com\/.*ResellerRelationship/,
    );
    await visible(button('orders.copyLink'));
    await visible(
      page.getByTestId('order-state').getByText(text('en', 'orders.state.awaiting_relationship')),
    );

    // Not accepted yet: the order keeps waiting.
    await page.getByTestId('check-relationship').click();
    await visible(page.getByText(text('en', 'orders.relationshipNotYet'), { exact: true }));

    // The customer's admin accepts; checking now continues the order, the worker provisions it.
    await emulatorAdmin(`/customers/${EXISTING_TENANT}/accept-relationship`);
    await page.getByTestId('check-relationship').click();
    await visible(page.getByTestId('relationship-accepted'));
    await visible(page.getByTestId('order-state').getByText(text('en', 'orders.state.completed')), 60_000);
    const password = page.getByTestId('temporary-password');
    await visible(password);
    expect((await readText(password)).trim()).toMatch(/^\S{16,}$/);
    expect(await readText(page.getByTestId('admin-result'))).toContain(`azure.admin@${EXISTING_TENANT}`);
    await visible(page.getByRole('button', { name: text('en', 'orders.copyPassword') }));

    // Another partner does not see the order, let alone the password.
    const reseller = await loginAs(srv.url, RESELLER_ADMIN);
    expect((await reseller.get(`/api/v1/orders/${orderId}`)).status).toBe(404);
  });
});

describe('subscription actions', () => {
  it('upgrades some seats to another product, with what happens explained', async () => {
    const subs = await listAs<Sub>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    const basic = subs.find(
      (s) =>
        !s.locked &&
        s.customerName === 'Customer B (Fabrikam KK)' &&
        s.title === 'Microsoft 365 Business Basic',
    );
    expect(basic).toBeDefined();
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto(`/subscriptions/${basic!.id}`);
    await visible(page.getByTestId('subscription-facts'));
    await visible(page.getByRole('link', { name: text('en', 'subscriptions.addAddOn') }));
    await button('subscriptions.upgrade').click();
    const form = page.getByTestId('upgrade-form');
    await visible(form);

    // Nothing chosen: refused with the reason.
    await form.getByRole('button', { name: text('en', 'subscriptions.upgradeSubmit'), exact: true }).click();
    await visible(form.getByText(text('en', 'subscriptions.upgradeProblem.target'), { exact: true }));

    await selectInput(text('en', 'subscriptions.upgradeTarget')).fill('Business Standard');
    await page.getByRole('option', { name: 'Microsoft 365 Business Standard', exact: true }).click();
    const seats = form.getByRole('textbox', { name: text('en', 'subscriptions.upgradeQuantity') });
    await seats.fill(String(basic!.quantity + 1));
    await form.getByRole('button', { name: text('en', 'subscriptions.upgradeSubmit'), exact: true }).click();
    await visible(
      form.getByText(
        text('en', 'subscriptions.upgradeProblem.quantity').replace('{{quantity}}', String(basic!.quantity)),
        { exact: true },
      ),
    );
    await seats.fill('2');
    const explanation = page.getByTestId('upgrade-explanation');
    await expect
      .poll(() => readText(explanation))
      .toContain(`${basic!.quantity - 2} seats stay on the current product`);
    await visible(page.getByTestId('upgrade-price').getByText(/¥/));
    await form.getByRole('button', { name: text('en', 'subscriptions.upgradeSubmit'), exact: true }).click();

    await visible(page.getByTestId('action-done'));
    await page.getByTestId('action-done').getByRole('link').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('order-lines').getByText(text('en', 'orders.lineKind.upgrade')));
    await visible(page.getByTestId('order-state').getByText(text('en', 'orders.state.completed')), 60_000);
    const after = await listAs<Sub>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    expect(after.find((s) => s.id === basic!.id)!.quantity).toBe(basic!.quantity - 2);
    expect(
      after.some(
        (s) => s.customerName === 'Customer B (Fabrikam KK)' && s.title === 'Microsoft 365 Business Standard',
      ),
    ).toBe(true);
  });

  it('buys an add-on for a base subscription through the wizard', async () => {
    const subs = await listAs<Sub>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    const basic = subs.find(
      (s) =>
        !s.locked &&
        s.customerName === 'Customer B (Fabrikam KK)' &&
        s.title === 'Microsoft 365 Business Basic',
    )!;
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto(`/subscriptions/${basic.id}`);
    await page.getByRole('link', { name: text('en', 'subscriptions.addAddOn') }).click();
    await page.waitForURL(/\/orders\/new\?customer=.*&base=/);
    // The customer comes with the link; its tenant is known, so no tenant step.
    await visible(page.getByText(text('en', 'wizard.hasTenant').split('{{')[0]!.trim()));
    await button('wizard.next').click();
    await visible(page.getByTestId('addon-base'));
    const addOn = 'Microsoft Defender for Office 365 (Plan 1)';
    await selectInput(text('en', 'wizard.skuSearch')).fill('Defender for Office');
    await page
      .getByRole('option', { name: text('en', 'wizard.addOnLabel').replace('{{title}}', addOn), exact: true })
      .click();
    const lines = page.getByTestId('wizard-lines');
    await visible(lines.getByText(text('en', 'wizard.addOn'), { exact: true }));
    await button('wizard.next').click();
    await button('wizard.next').click();
    expect(await readText(page.getByTestId('wizard-review'))).toContain(`1 × ${addOn}`);
    await button('wizard.submit').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    await visible(page.getByTestId('order-lines').getByText(text('en', 'orders.lineKind.add_on')));
    await visible(page.getByTestId('order-state').getByText(text('en', 'orders.state.completed')), 60_000);
  });

  it('shows a reseller the subscriptions it did not sell without upgrade or add-on actions', async () => {
    const subs = await listAs<Sub>(RESELLER_ADMIN, '/api/v1/subscriptions?limit=100');
    const locked = subs.find((s) => s.locked);
    expect(locked).toBeDefined();
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto(`/subscriptions/${locked!.id}`);
    await visible(page.getByTestId('lock-badge'));
    await visible(page.getByText(text('en', 'subscriptions.lockedTitle'), { exact: true }));
    expect(await button('subscriptions.upgrade').count()).toBe(0);
    expect(await page.getByRole('link', { name: text('en', 'subscriptions.addAddOn') }).count()).toBe(0);
  });
});

describe('drift report', () => {
  it('finds a change made outside the product and adopts Microsoft’s value', async () => {
    const subs = await listAs<Sub>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    const target = subs.find(
      (s) => !s.locked && s.customerName === 'Customer B (Fabrikam KK)' && s.partnerCenter?.customerId,
    )!;
    expect(target).toBeDefined();
    // Someone adds seats directly in Partner Center.
    const pc = await orderServices(srv.deps).partnerCenter.clientFor(srv.demo!.organizations.provider!);
    const customerPc = target.partnerCenter!.customerId!;
    const current = await pc.subscriptions.get(customerPc, target.partnerCenter!.subscriptionId);
    await pc.subscriptions.setQuantity(customerPc, current, target.quantity + 3, {
      operationKey: 'browser-test:outside-the-product',
    });

    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/subscriptions');
    await page.getByRole('tab', { name: text('en', 'subscriptions.tabDrift'), exact: true }).click();
    await page.waitForURL(/tab=drift/);
    await page.getByTestId('reconcile-now').click();
    await visible(page.getByTestId('reconcile-report'));
    const row = page
      .getByTestId('drift-row')
      .filter({ hasText: 'Customer B (Fabrikam KK)' })
      .filter({ hasText: text('en', 'subscriptions.driftKind.quantity') })
      .first();
    await visible(row);
    expect(await readText(row)).toContain(String(target.quantity + 3));
    await row.getByRole('button', { name: text('en', 'subscriptions.driftAdopt'), exact: true }).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog.getByText(text('en', 'subscriptions.driftAdoptTitle')));
    await dialog.getByRole('button', { name: text('en', 'subscriptions.driftAdopt'), exact: true }).click();
    await visible(page.getByTestId('drift-resolved'));
    await expect
      .poll(async () => {
        const fresh = await listAs<Sub>(
          PROVIDER_ADMIN,
          '/api/v1/subscriptions?status=active&kind=license&limit=100',
        );
        return fresh.find((s) => s.id === target.id)?.quantity;
      })
      .toBe(target.quantity + 3);

    // Resolved ones are listed apart, with how they were resolved.
    await page.getByText(text('en', 'subscriptions.driftStatus.resolved'), { exact: true }).click();
    await visible(
      page.getByTestId('drift-row').getByText(text('en', 'subscriptions.driftResolution.adopted')),
    );
  });

  it('shows a reseller only its own drift, without reconciliation', async () => {
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/subscriptions?tab=drift');
    await visible(page.getByText(text('en', 'subscriptions.driftDescription')));
    expect(await page.getByTestId('reconcile-now').count()).toBe(0);
    await page.getByText(text('en', 'subscriptions.driftStatus.all'), { exact: true }).click();
    await page.waitForLoadState('networkidle');
    expect(await readText(page.locator('body'))).not.toContain('Fabrikam');
  });
});

describe('Japanese', () => {
  it('has no untranslated keys in the new order and subscription screens', async () => {
    const subs = await listAs<Sub>(
      PROVIDER_ADMIN,
      '/api/v1/subscriptions?status=active&kind=license&limit=100',
    );
    const mine = subs.find((s) => !s.locked)!;
    const waiting = await listAs<{ id: string }>(PROVIDER_ADMIN, '/api/v1/orders?limit=100');
    await signIn(page, PROVIDER_ADMIN, 'ja');
    await page.goto('/subscriptions?tab=drift');
    await visible(page.getByText(text('ja', 'subscriptions.driftDescription')));
    await page.getByText(text('ja', 'subscriptions.driftStatus.all'), { exact: true }).click();
    await visible(page.getByTestId('drift-table'));
    await expectNoRawKeys(page);
    await page.goto(`/subscriptions/${mine.id}`);
    await page.getByRole('button', { name: text('ja', 'subscriptions.upgrade'), exact: true }).click();
    await visible(page.getByTestId('upgrade-explanation'));
    await expectNoRawKeys(page);
    await page.goto('/orders/new');
    await page.getByText(text('ja', 'wizard.newCustomer'), { exact: true }).click();
    await page.getByRole('radio', { name: text('ja', 'wizard.tenantExisting') }).check();
    await page.getByRole('button', { name: text('ja', 'wizard.createCustomer'), exact: true }).click();
    await visible(page.getByText(text('ja', 'wizard.problem.companyName'), { exact: true }));
    await expectNoRawKeys(page);
    for (const order of waiting.slice(0, 3)) {
      await page.goto(`/orders/${order.id}`);
      await visible(page.getByTestId('order-timeline'));
      await expectNoRawKeys(page);
    }
  });
});

async function expectNoRawKeys(target: Page) {
  await target.waitForLoadState('networkidle');
  const haystack = [
    await readText(target.locator('body')),
    ...(await target
      .locator('[aria-label], [placeholder], [title]')
      .evaluateAll((elements) =>
        elements.flatMap((el) =>
          ['aria-label', 'placeholder', 'title'].map((name) => el.getAttribute(name) ?? ''),
        ),
      )),
  ].join('\n');
  for (const key of translationKeys().filter((k) => /^(orders|wizard|subscriptions)\./.test(k)))
    expect(haystack.includes(key), `${key} on ${target.url()}`).toBe(false);
}
