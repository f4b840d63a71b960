import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  assertWebBuilt,
  languageSelect,
  launchBrowser,
  newContext,
  readText,
  signIn,
  text,
  translationKeys,
  visible,
  waitForLocale,
} from './browser.ts';
import { captureScreenshots } from './screenshots.ts';

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';
const CUSTOMER_A_ADMIN = 'admin@customer-a.test';
const CUSTOMER_B_ADMIN = 'admin@customer-b.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

let srv: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
  // Every test signs in again; the login rate limit is for attackers, not for this suite.
  srv = await startTestServer({ seed: 'demo', env: { LOGIN_RATE_LIMIT: '1000' } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await srv?.close();
});

beforeEach(async () => {
  context = await newContext(browser, srv.url);
  page = await context.newPage();
});

afterEach(async ({ task }) => {
  // A picture of the page at the moment of failure says more than a timeout message.
  if (task.result?.state === 'fail' && page) {
    await mkdir(FAILURES, { recursive: true });
    const name = task.name.replace(/[^\w-]+/g, '-').slice(0, 80);
    await page.screenshot({ path: `${FAILURES}/${name}.png`, fullPage: true }).catch(() => undefined);
  }
  await context?.close();
});

const tree = () => page.getByRole('tree');
const treeItem = (name: string) => page.getByRole('treeitem', { name, exact: true });
const navLink = (name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });

describe('sign-in', () => {
  it('shows the translated error for a wrong password, and keeps it translated on a language switch', async () => {
    await page.goto('/');
    await page.waitForURL('**/login');
    await visible(page.getByText(text('en', 'app.productName'), { exact: true }));

    await page.getByRole('textbox', { name: text('en', 'auth.email'), exact: true }).fill(PROVIDER_ADMIN);
    const password = page.getByRole('textbox', { name: text('en', 'auth.password'), exact: true });
    await password.fill('not-the-password');
    await password.press('Enter');

    const alert = page.getByTestId('login-error');
    await visible(alert);
    expect(await readText(alert)).toBe(text('en', 'errors.invalid_credentials'));

    await languageSelect(page).selectOption('de');
    await waitForLocale(page, 'de');
    expect(await readText(alert)).toBe(text('de', 'errors.invalid_credentials'));
    expect(page.url()).toContain('/login');
  });

  it('asks for the missing fields before calling the server', async () => {
    await page.goto('/login');
    await page.getByRole('button', { name: text('en', 'auth.submit'), exact: true }).click();
    await visible(page.getByText(text('en', 'auth.emailRequired')));
    await visible(page.getByText(text('en', 'auth.passwordRequired')));
  });
});

describe('organisations', () => {
  it('shows the provider admin the whole tree', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.waitForURL('**/dashboard');
    await navLink(text('en', 'nav.organizations')).click();
    await page.waitForURL('**/organizations');
    await visible(tree());
    await visible(treeItem('Demo Distributor'));
    await visible(treeItem('Reseller A'));
    await visible(treeItem('Reseller B'));
    await visible(treeItem('Customer B (Fabrikam KK)'));

    expect(await readText(page.getByTestId('brand-name'))).toBe('Demo Distributor');
    expect(await readText(page.getByTestId('user-name'))).toBe('Hanako Sato');
    expect(await readText(page.getByTestId('user-role'))).toBe(text('en', 'role.admin'));

    // Selecting an organisation shows its details.
    await treeItem('Reseller A').click();
    await page.waitForURL(`**/organizations/${srv.demo!.organizations['reseller-a']}`);
    await visible(page.getByRole('heading', { name: 'Reseller A', exact: true }));
    const details = page.getByTestId('org-details');
    await visible(details.getByText(text('en', 'orgFields.timeZone')));
    expect(await readText(details)).toContain('Asia/Tokyo');
  });

  it('expands levels from the keyboard and searches', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/organizations');
    await visible(treeItem('Reseller A'));
    await treeItem('Reseller A').focus();
    await page.keyboard.press('ArrowRight');
    await visible(treeItem('Reseller A Sub (Osaka)'));
    expect(await treeItem('Reseller A').getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowDown');
    const child = await page.locator(':focus').getAttribute('aria-label');
    expect(['Reseller A Sub (Osaka)', 'Customer A (Contoso Japan)']).toContain(child);
    await page.keyboard.press('Enter');
    await visible(page.getByRole('heading', { name: child!, exact: true }));

    const search = page.getByRole('searchbox', { name: text('en', 'organizations.searchLabel') });
    await search.fill('Northwind');
    await visible(page.getByRole('button', { name: /Customer C \(Northwind GmbH\)/ }));
    await search.fill('no such organisation');
    await visible(page.getByText(text('en', 'organizations.noResultsTitle')));
  });

  it("shows a reseller admin its own subtree and nothing of the provider's", async () => {
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.waitForURL('**/dashboard');
    await navLink(text('en', 'nav.organizations')).click();
    await page.waitForURL('**/organizations');
    await visible(treeItem('Reseller A'));
    await visible(treeItem('Reseller A Sub (Osaka)'));
    await visible(treeItem('Customer A (Contoso Japan)'));
    expect(await readText(page.getByTestId('brand-name'))).toBe('Reseller A Cloud');

    const body = await readText(page.locator('body'));
    expect(body).not.toContain('Reseller B');
    expect(body).not.toContain('Demo Distributor');
    expect(body).not.toContain('Fabrikam');
    expect(await treeItem('Reseller B').count()).toBe(0);
    expect(await treeItem('Customer B (Fabrikam KK)').count()).toBe(0);

    // Neither search nor a hand-typed address reaches outside the subtree.
    await page.getByRole('searchbox', { name: text('en', 'organizations.searchLabel') }).fill('Reseller B');
    await visible(page.getByText(text('en', 'organizations.noResultsTitle')));
    await page.goto(`/organizations/${srv.demo!.organizations['reseller-b']}`);
    await visible(page.getByText(text('en', 'errors.not_found')));
    expect(await readText(page.locator('body'))).not.toContain('Reseller B');
  });
});

describe('language', () => {
  it('switches the console to Japanese without leaving raw keys, and keeps it after a reload', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.organizations')).click();
    await page.waitForURL('**/organizations');

    await languageSelect(page).selectOption('ja');
    await waitForLocale(page, 'ja');
    await visible(navLink(text('ja', 'nav.organizations')));
    await visible(navLink(text('ja', 'nav.audit')));
    await visible(navLink(text('ja', 'nav.profile')));
    await visible(page.getByRole('heading', { level: 1, name: text('ja', 'organizations.title') }));
    await visible(treeItem('Reseller A'));
    await expectNoRawKeys(page);

    await navLink(text('ja', 'nav.audit')).click();
    await visible(page.getByRole('heading', { level: 1, name: text('ja', 'audit.title') }));
    await visible(page.getByTestId('audit-table'));
    await expectNoRawKeys(page);

    await navLink(text('ja', 'nav.profile')).click();
    await visible(page.getByRole('heading', { level: 1, name: text('ja', 'profile.title') }));
    await expectNoRawKeys(page);

    // Saved to the profile and to this browser: a reload stays Japanese.
    await page.reload();
    await waitForLocale(page, 'ja');
    await visible(page.getByRole('heading', { level: 1, name: text('ja', 'profile.title') }));
  });
});

describe('customers', () => {
  for (const [email, brand] of [
    [CUSTOMER_A_ADMIN, 'Reseller A Cloud'],
    [CUSTOMER_B_ADMIN, 'Demo Distributor'],
  ] as const) {
    it(`${email} lands on the panel's home under its seller's branding, without partner menus`, async () => {
      await signIn(page, email, 'en');
      // #11: a customer's "/" is the self-service panel's home; "My company" stays in the menu.
      await page.waitForURL('**/home');
      await navLink(text('en', 'nav.myCompany')).click();
      await visible(page.getByRole('heading', { level: 1, name: text('en', 'myCompany.title') }));
      expect(await navLink(text('en', 'nav.organizations')).count()).toBe(0);
      expect(await navLink(text('en', 'nav.audit')).count()).toBe(0);
      expect(await readText(page.getByTestId('brand-name'))).toBe(brand);

      await page.goto('/organizations');
      await visible(page.getByRole('heading', { level: 1, name: text('en', 'forbidden.title') }));
    });
  }
});

describe('session', () => {
  it('returns to the login page on sign-out and when the session disappears', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.waitForURL('**/dashboard');

    await page
      .getByRole('button', { name: text('en', 'shell.userMenu').replace('{{name}}', 'Hanako Sato') })
      .click();
    await page.getByRole('menuitem', { name: text('en', 'shell.signOut') }).click();
    await page.waitForURL('**/login');
    await page.goto('/audit');
    await page.waitForURL('**/login');

    // A session that ends server-side (expiry, revocation) surfaces as a 401 on the next request.
    await signIn(page, PROVIDER_ADMIN, 'en');
    await navLink(text('en', 'nav.organizations')).click();
    await visible(tree());
    await context.clearCookies();
    // A reload makes the next API call deterministic (no cached query can answer it instead).
    await page.reload();
    await page.waitForURL('**/login');
    await visible(page.getByRole('heading', { name: text('en', 'auth.title') }));
  });
});

describe('audit log', () => {
  it('lists changes with an expandable before/after diff and filters by entity type', async () => {
    // The language change of this sign-in is itself audited: a user update with a before/after.
    await signIn(page, PROVIDER_ADMIN, 'de');
    await switchLanguage(page, 'en');
    await navLink(text('en', 'nav.audit')).click();
    const table = page.getByTestId('audit-table');
    await visible(table);
    await visible(table.getByText(text('en', 'audit.actions.update')));

    const toggle = table.getByRole('button', { name: text('en', 'audit.showChanges') }).first();
    await toggle.click();
    expect(
      await table
        .getByRole('button', { name: text('en', 'audit.hideChanges') })
        .first()
        .getAttribute('aria-expanded'),
    ).toBe('true');
    await visible(table.getByText('locale', { exact: true }));
    await visible(table.getByText(text('en', 'audit.diff.kind.changed')));

    // The label also names the suggestion list; the input is the one to type into.
    const filter = page
      .getByLabel(text('en', 'audit.entityTypeFilter'), { exact: true })
      .and(page.locator('input'));
    await filter.fill('api_key');
    await visible(page.getByText(text('en', 'audit.emptyFiltered')));
  });
});

describe('screenshots', () => {
  // `npm run screenshots` writes them to docs/screenshots; an ordinary test run takes the same
  // pictures into test-results/ so the committed ones change only when asked to.
  it('captures the main screens', async () => {
    // A server of its own so the pictures do not depend on what the other tests changed.
    const fresh = await startTestServer({ seed: 'demo', env: { LOGIN_RATE_LIMIT: '1000' } });
    try {
      const target =
        process.env.CSPC_UPDATE_SCREENSHOTS === '1'
          ? '../../docs/screenshots/'
          : '../../test-results/screenshots/';
      const outDir = fileURLToPath(new URL(target, import.meta.url));
      await mkdir(outDir, { recursive: true });
      const files = await captureScreenshots({ browser, baseUrl: fresh.url, outDir });
      expect(files.length).toBe(6);
    } finally {
      await fresh.close();
    }
  });
});

async function switchLanguage(target: Page, locale: 'en' | 'ja' | 'de') {
  await languageSelect(target).selectOption(locale);
  await waitForLocale(target, locale);
}

/**
 * A missing translation shows up as its key (`nav.organizations`). Look for any known key, and for
 * anything shaped like one, in the visible text and in the labels assistive technology reads.
 */
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
  const title = await target.title();
  const haystack = [visibleText, ...labels, title].join('\n');
  const namespaces = [...new Set(translationKeys().map((key) => key.split('.')[0]))];
  const keyShape = new RegExp(`(^|[^\\w@.-])(${namespaces.join('|')})\\.[A-Za-z_]+`, 'm');
  expect(haystack.match(keyShape)?.[0] ?? null).toBeNull();
  for (const key of translationKeys()) expect(haystack.includes(key), key).toBe(false);
}
