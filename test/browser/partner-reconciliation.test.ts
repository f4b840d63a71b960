import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
// Microsoft's daily-rated-usage reconciliation file, in its documented column order.
import { RECON_CSV_COLUMNS as USAGE_COLUMNS } from '../../packages/server/src/partner-center/emulator/usage-generator.ts';
import { json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { assertWebBuilt, launchBrowser, newContext, readText, signIn, text, visible } from './browser.ts';

// Cost reconciliation with Microsoft in the billing screen (#7, docs/billing.md "Cost
// reconciliation"): the provider compares a past demo month with Partner Center (the emulator),
// then with Microsoft's daily-rated-usage reconciliation file uploaded as CSV; a reseller has no
// Microsoft cost and so no Reconciliation tab.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';
const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

function usageCsv(rows: Record<string, string>[]): string {
  const cell = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return [
    USAGE_COLUMNS.join(','),
    ...rows.map((row) => USAGE_COLUMNS.map((column) => cell(row[column] ?? '')).join(',')),
  ].join('\r\n');
}

interface Report {
  period: string;
  items: {
    kind: string;
    key: string;
    currency: string;
    status: string;
    reason: string | null;
    ours: { amount: string } | null;
  }[];
  summary: { currency: string; matched: number; differences: number; ours: string; microsoft: string }[];
}

/** The month before last as YYYY-MM: issued in the demo, so its cost is recorded. */
function pastMonth(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const yen = (amount: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(amount as unknown as number);

let emu: RunningEmulator;
let srv: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
  emu = await startEmulator({ port: 0, seed: 4242, now: new Date().toISOString(), dataDir: null });
  srv = await startTestServer({ seed: 'demo', emulatorUrl: emu.url, env: { LOGIN_RATE_LIMIT: '1000' } });
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
    await page
      .screenshot({ path: `${FAILURES}/reconciliation-${name}.png`, fullPage: true })
      .catch(() => undefined);
  }
  await context?.close();
});

const tab = (name: string) => page.getByRole('tab', { name, exact: true });
const fileInput = () => page.locator('input[type="file"]');
const upload = () =>
  page.getByRole('button', { name: text('en', 'billing.reconciliation.upload'), exact: true });

describe('reconciliation as the provider', () => {
  it('opens a past month against Partner Center and sees the summary and the differences', async () => {
    const period = pastMonth();
    const provider = await loginAs(srv.url, PROVIDER_ADMIN);
    const expected = await json<Report>(await provider.get(`/api/v1/reconciliation?period=${period}`));
    const jpy = expected.summary.find((s) => s.currency === 'JPY');
    expect(jpy).toBeDefined();

    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/billing');
    await tab(text('en', 'billing.tabs.reconciliation')).click();
    await page.waitForURL(/tab=reconciliation/);
    await page.goto(`/billing?tab=reconciliation&period=${period}`);
    const summary = page.locator('[data-testid="reconciliation-summary"][data-currency="JPY"]');
    await visible(summary);
    const words = (await readText(summary)).toLowerCase();
    expect(words).toContain(text('en', 'billing.reconciliation.ours').toLowerCase());
    expect(words).toContain(yen(jpy!.ours).toLowerCase());
    expect(words).toContain(yen(jpy!.microsoft).toLowerCase());
    expect(await readText(page.getByTestId('reconciliation-source'))).toContain('Partner Center');

    // The differences are listed with their reason (by default only the differences).
    const rows = page.getByTestId('reconciliation-row');
    const different = expected.items.filter((i) => i.status === 'different');
    await expect.poll(() => rows.count()).toBe(Math.min(different.length, 50));
    if (different[0]?.reason) {
      await visible(
        page
          .getByTestId('reconciliation-outcome')
          .getByText(text('en', `billing.reconciliation.reasons.${different[0].reason}`), { exact: true }),
      );
    }
  });

  it("imports Microsoft's reconciliation file and shows what matched and what differs", async () => {
    const period = pastMonth();
    const provider = await loginAs(srv.url, PROVIDER_ADMIN);
    const ours = (
      await json<Report>(await provider.get(`/api/v1/reconciliation?period=${period}`))
    ).items.filter((i) => i.kind === 'usage' && i.currency === 'JPY' && i.ours);
    expect(ours.length).toBeGreaterThanOrEqual(2);
    const [same, off] = ours as [Report['items'][number], Report['items'][number]];
    const unknown = '00000000-0000-4000-8000-00000000beef';
    const row = (entitlement: string, total: string) => ({
      PartnerId: 'p-1',
      PartnerName: 'Demo Distributor',
      InvoiceNumber: 'G000123456',
      ChargeStartDate: `${period}-01`,
      UsageDate: `${period}-05`,
      MeterCategory: 'Virtual Machines',
      MeterName: 'D2 v3, Data Transfer',
      ResourceURI: '/subscriptions/x/resourceGroups/rg,with,commas',
      ChargeType: 'new',
      UnitPrice: '1',
      Quantity: '1',
      BillingPreTaxTotal: total,
      BillingCurrency: 'JPY',
      EntitlementId: entitlement,
      EntitlementDescription: 'Azure plan',
    });
    const raise = (amount: string) => {
      const [whole, fraction = ''] = amount.split('.');
      return `${BigInt(whole!) + 100n}${fraction.replace(/0+$/, '') ? `.${fraction.replace(/0+$/, '')}` : ''}`;
    };
    const csv = usageCsv([
      row(same.key, same.ours!.amount.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')),
      row(off.key, raise(off.ours!.amount)),
      row(unknown, '1234'),
      // Another month's usage is left out.
      { ...row(unknown, '99999'), UsageDate: '2001-01-01', ChargeStartDate: '2001-01-01' },
    ]);

    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto(`/billing?tab=reconciliation&period=${period}`);
    await visible(page.locator('[data-testid="reconciliation-summary"][data-currency="JPY"]'));

    // A file without the columns is refused before upload, with the reason.
    await fileInput().setInputFiles({
      name: 'wrong.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('Foo,Bar\n1,2\n'),
    });
    await upload().click();
    await visible(page.getByText(text('en', 'billing.reconciliation.problems.noColumns'), { exact: true }));

    // A bad amount is refused by the server, which names the line.
    await fileInput().setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(usageCsv([row(same.key, '12,5x')])),
    });
    await upload().click();
    await visible(page.getByTestId('reconciliation-import-error'));
    expect(await readText(page.getByTestId('reconciliation-import-error'))).toBe(
      text('en', 'billing.reconciliation.badLine').replace('{{line}}', '2'),
    );

    await fileInput().setInputFiles({
      name: 'recon-usage.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    });
    await upload().click();
    const result = page.getByTestId('reconciliation-import-result');
    await visible(result);
    const counts = await readText(result);
    expect(counts).toContain('3 items from Microsoft in 1 invoices');
    expect(await readText(page.getByTestId('reconciliation-source'))).toContain('recon-usage.csv');

    // Differences only (the default): the raised amount and the unknown entitlement, not the match.
    const rowOf = (key: string) => page.locator(`[data-testid="reconciliation-row"][data-key="${key}"]`);
    const rowText = async (key: string) => (await readText(rowOf(key))).toLowerCase();
    await visible(rowOf(off.key));
    expect(await rowText(off.key)).toContain(
      text('en', 'billing.reconciliation.reasons.amount_differs').toLowerCase(),
    );
    expect(await rowText(off.key)).toContain(yen('100'));
    expect(await rowText(unknown)).toContain(
      text('en', 'billing.reconciliation.reasons.missing_here').toLowerCase(),
    );
    expect(await rowOf(same.key).count()).toBe(0);
    const summary = page.locator('[data-testid="reconciliation-summary"][data-currency="JPY"]');
    const matchedFact = summary.getByText(text('en', 'billing.reconciliation.matched'), { exact: true });
    await visible(matchedFact);

    // Filter: matched only shows the matched entitlement.
    await page
      .getByLabel(text('en', 'billing.reconciliation.show'), { exact: true })
      .and(page.locator('input'))
      .click();
    await page
      .getByRole('option', { name: text('en', 'billing.reconciliation.filters.matched'), exact: true })
      .click();
    await visible(rowOf(same.key));
    expect(await page.getByTestId('reconciliation-row').count()).toBe(1);

    // Back to Partner Center: the file's report is dropped.
    await page
      .getByRole('button', { name: text('en', 'billing.reconciliation.backToPartnerCenter'), exact: true })
      .click();
    await expect
      .poll(async () => readText(page.getByTestId('reconciliation-source')))
      .toContain('Partner Center');
  });
});

describe('reconciliation in Japanese', () => {
  it('has no raw translation keys and shows yen without decimals', async () => {
    await signIn(page, PROVIDER_ADMIN, 'ja');
    await page.goto(`/billing?tab=reconciliation&period=${pastMonth()}`);
    await visible(page.locator('[data-testid="reconciliation-summary"][data-currency="JPY"]'));
    await visible(
      page.getByRole('button', { name: text('ja', 'billing.reconciliation.upload'), exact: true }),
    );
    const body = await readText(page.locator('body'));
    expect(body).not.toMatch(/billing\.[A-Za-z_]+/);
    expect(body).toContain(text('ja', 'billing.reconciliation.importTitle'));
    expect(
      await readText(
        page.locator(
          '[data-testid="reconciliation-summary"][data-currency="JPY"] [data-testid="reconciliation-difference"]',
        ),
      ),
    ).not.toMatch(/\.\d/);
  });
});

describe('reconciliation as a reseller', () => {
  it('has no Reconciliation tab, and the API refuses it', async () => {
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/billing?tab=reconciliation');
    await visible(page.getByTestId('invoice-table'));
    await visible(tab(text('en', 'billing.tabs.invoices')));
    expect(await tab(text('en', 'billing.tabs.reconciliation')).count()).toBe(0);
    expect(await page.getByTestId('reconciliation-summary').count()).toBe(0);

    const reseller = await loginAs(srv.url, RESELLER_ADMIN);
    const response = await reseller.get(`/api/v1/reconciliation?period=${pastMonth()}`);
    expect(response.status).toBe(403);
    const imported = await reseller.post('/api/v1/reconciliation/import', {
      period: pastMonth(),
      csv: 'EntitlementId,BillingPreTaxTotal,BillingCurrency\ne,1,JPY\n',
    });
    expect(imported.status).toBe(403);
  });
});
