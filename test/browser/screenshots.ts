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
