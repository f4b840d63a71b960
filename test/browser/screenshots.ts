import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { type Locale, languageSelect, newContext, signIn, text, visible, waitForLocale } from './browser.ts';

export interface ScreenshotOptions {
  browser: Browser;
  /** A server with the demo seed. */
  baseUrl: string;
  outDir: string;
}

const LOCALES: Locale[] = ['en', 'ja'];

/**
 * The pictures in docs/screenshots: login page, organisation tree and audit log, in English and
 * Japanese. Called from the browser tests so they are redrawn whenever the UI is tested.
 */
export async function captureScreenshots({ browser, baseUrl, outDir }: ScreenshotOptions): Promise<string[]> {
  const files: string[] = [];
  for (const locale of LOCALES) {
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      const shoot = async (name: string) => {
        const file = join(outDir, `${name}-${locale}.png`);
        await settle(page);
        await page.screenshot({ path: file });
        files.push(file);
      };

      await page.goto('/login');
      await languageSelect(page).selectOption(locale);
      await waitForLocale(page, locale);
      await shoot('login');

      await signIn(page, 'admin@demo-distributor.test', locale);
      await page.goto('/organizations');
      const resellerA = page.getByRole('treeitem', { name: 'Reseller A', exact: true });
      await visible(resellerA);
      // Open a second level and select it, so the picture shows depth and the detail panel.
      await resellerA.focus();
      await page.keyboard.press('ArrowRight');
      await visible(page.getByRole('treeitem', { name: 'Reseller A Sub (Osaka)', exact: true }));
      // The item's box now holds its children too: click its own label, not the middle of the box.
      await resellerA.getByText('Reseller A', { exact: true }).click();
      await visible(page.getByRole('heading', { name: 'Reseller A', exact: true }));
      await shoot('organizations');

      await page.getByRole('link', { name: text(locale, 'nav.audit'), exact: true }).click();
      const table = page.getByTestId('audit-table');
      await visible(table);
      await table
        .getByRole('button', { name: text(locale, 'audit.showChanges') })
        .first()
        .click();
      await visible(table.getByText(text(locale, 'audit.diff.field'), { exact: true }));
      await shoot('audit');
    } finally {
      await context.close();
    }
  }
  return files;
}

async function settle(page: Page) {
  await page.waitForLoadState('networkidle');
  // Let transitions (chevrons, collapses) finish and keep the caret and hover styles out of the picture.
  await page.mouse.move(0, 0);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 250)));
}

/**
 * The customer panel (#11): a customer's home (gauge and trend), Azure usage and the licence
 * purchase with its price preview, in English and Japanese. Needs a server whose customers have
 * subscriptions (the demo orders placed), so customer-panel.test.ts calls it with its own world.
 */
export async function captureCustomerScreenshots({
  browser,
  baseUrl,
  outDir,
}: ScreenshotOptions): Promise<string[]> {
  const files: string[] = [];
  for (const locale of LOCALES) {
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      const shoot = async (name: string) => {
        const file = join(outDir, `${name}-${locale}.png`);
        await settle(page);
        // Charts animate in; let them finish.
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1200)));
        await page.screenshot({ path: file });
        files.push(file);
      };
      await signIn(page, 'admin@customer-a.test', locale);
      await visible(page.getByTestId('usage-trend'));
      await shoot('customer-home');

      await page.goto('/my/usage');
      await visible(page.getByTestId('usage-by-day'));
      await shoot('customer-usage');

      await page.goto('/buy');
      await page.getByRole('combobox', { name: text(locale, 'panel.buy.product'), exact: true }).click();
      await page.getByRole('option', { name: 'Microsoft 365 Business Premium', exact: true }).click();
      await page.getByRole('textbox', { name: text(locale, 'panel.buy.quantity') }).fill('5');
      await visible(page.getByTestId('preview-per-cycle'));
      await shoot('customer-buy');
    } finally {
      await context.close();
    }
  }
  return files;
}

/**
 * The partner console (#10): dashboard, usage chart, subscriptions, an order's timeline, the order
 * wizard with its live price and the catalog's price rules, in English and Japanese. Needs a server
 * with the demo orders placed, so partner-console.test.ts calls it with its own world.
 */
export async function capturePartnerScreenshots({
  browser,
  baseUrl,
  outDir,
}: ScreenshotOptions): Promise<string[]> {
  const files: string[] = [];
  for (const locale of LOCALES) {
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      const shoot = async (name: string) => {
        const file = join(outDir, `${name}-${locale}.png`);
        await settle(page);
        // Charts animate in; let them finish.
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1200)));
        await page.screenshot({ path: file });
        files.push(file);
      };
      await signIn(page, 'admin@demo-distributor.test', locale);
      await page.goto('/dashboard');
      await visible(page.getByTestId('dashboard-chart'));
      await shoot('partner-dashboard');

      await page.goto('/usage');
      await visible(page.getByTestId('usage-chart'));
      await shoot('partner-usage');

      await page.goto('/subscriptions');
      await visible(page.getByTestId('subscription-table'));
      await shoot('partner-subscriptions');

      await page.goto('/orders');
      await visible(page.getByTestId('order-table'));
      await page.getByTestId('order-table').getByRole('link').first().click();
      await visible(page.getByTestId('order-timeline'));
      await shoot('partner-order');

      await page.goto('/orders/new');
      const customer = page
        .getByLabel(text(locale, 'wizard.customer'), { exact: true })
        .and(page.locator('input'));
      await customer.fill('Fabrikam');
      await page.getByRole('option', { name: 'Customer B (Fabrikam KK)', exact: true }).click();
      await page.getByRole('button', { name: text(locale, 'wizard.next'), exact: true }).click();
      const sku = page
        .getByLabel(text(locale, 'wizard.skuSearch'), { exact: true })
        .and(page.locator('input'));
      await sku.fill('Business Premium');
      await page.getByRole('option', { name: 'Microsoft 365 Business Premium', exact: true }).click();
      await visible(page.getByTestId('line-price').getByText(/[¥￥]/));
      await shoot('partner-order-wizard');

      await page.goto('/catalog?tab=priceBooks');
      await visible(page.getByTestId('price-rules'));
      await shoot('partner-price-books');
    } finally {
      await context.close();
    }
  }
  return files;
}

/**
 * The billing screens of the partner console (#10): the invoice list, an invoice with the "why this
 * amount" explanation open, and the billing runs with a preview, in English and Japanese. Called
 * from partner-billing.test.ts with its own demo server.
 */
export async function captureBillingScreenshots({
  browser,
  baseUrl,
  outDir,
}: ScreenshotOptions): Promise<string[]> {
  const files: string[] = [];
  for (const locale of LOCALES) {
    const context = await newContext(browser, baseUrl);
    try {
      const page = await context.newPage();
      const shoot = async (name: string) => {
        const file = join(outDir, `${name}-${locale}.png`);
        await settle(page);
        await page.screenshot({ path: file });
        files.push(file);
      };
      await signIn(page, 'admin@demo-distributor.test', locale);
      await page.goto('/billing');
      const table = page.getByTestId('invoice-table');
      await visible(table);
      await shoot('partner-billing');

      await page.goto('/billing?status=issued&direction=issued');
      await visible(table.getByRole('link'));
      await table.getByRole('link').first().click();
      const lines = page.getByTestId('invoice-lines');
      await visible(lines);
      await lines
        .getByRole('button', { name: text(locale, 'billing.why'), exact: true })
        .first()
        .click();
      await visible(page.getByTestId('line-explanation'));
      await shoot('partner-invoice');

      // The margin report of the month before last (issued by the demo seed).
      const now = new Date();
      const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1))
        .toISOString()
        .slice(0, 7);
      await page.goto(`/billing?tab=margin&period=${month}`);
      await visible(page.getByTestId('margin-chart').or(page.getByTestId('margin-table')));
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 1200)));
      await shoot('partner-margin');
    } finally {
      await context.close();
    }
  }
  return files;
}
