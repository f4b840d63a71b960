import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { assertWebBuilt, launchBrowser, newContext, readText, signIn, text, visible } from './browser.ts';

// The organisation screen of the partner console (#10, docs/partner-console.md "Organisations"):
// creating and editing a customer, its users and roles, a reseller's brand with the live preview,
// and what a reseller may not see.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

// A 1×1 red PNG: small enough for the upload limit, real enough for the browser to draw.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);

interface OrgItem {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  currency: string;
  tenantId: string | null;
  domains: string[];
  branding: Record<string, string>;
}
interface UserItem {
  id: string;
  email: string;
  memberships: { organizationId: string; role: string }[];
}

let srv: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
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
  if (task.result?.state === 'fail' && page) {
    await mkdir(FAILURES, { recursive: true });
    const name = task.name.replace(/[^\w-]+/g, '-').slice(0, 80);
    await page.screenshot({ path: `${FAILURES}/orgs-${name}.png`, fullPage: true }).catch(() => undefined);
  }
  await context?.close();
});

const button = (name: string) => page.getByRole('button', { name, exact: true });
const dialog = () => page.getByRole('dialog');
// Required fields carry an asterisk in their label, so the name is matched from its start.
const selectInput = (label: string) =>
  dialog()
    .getByLabel(new RegExp(`^${label}`))
    .and(page.locator('input'));

async function orgsAs(email: string, q: string): Promise<OrgItem[]> {
  const caller = await loginAs(srv.url, email);
  return (
    await json<{ items: OrgItem[] }>(
      await caller.get(`/api/v1/organizations?limit=100&q=${encodeURIComponent(q)}`),
    )
  ).items;
}

describe('organisations as the provider admin', () => {
  it('creates a customer, edits it, and adds, re-roles and removes a user', async () => {
    const en = (key: string) => text('en', key);
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/organizations');
    await visible(page.getByRole('heading', { name: 'Demo Distributor', exact: true }));

    // New customer: the form starts with the parent's settings; a bad tenant ID is named at its field.
    await button(en('organizations.newCustomer')).click();
    await visible(dialog());
    await dialog().getByLabel(en('organizations.form.name')).fill('Nordwind Trading KK');
    await expect(selectInput(en('orgFields.currency')).inputValue()).resolves.toMatch(/^JPY/);
    await dialog().getByLabel(en('orgFields.tenantId')).fill('not-a-guid');
    await dialog()
      .getByRole('button', { name: en('organizations.form.create.customer') })
      .click();
    await visible(dialog().getByText(en('organizations.form.invalid.tenantId'), { exact: true }));
    // A tenant already linked to another customer: the server's code gets its own sentence.
    await dialog().getByLabel(en('orgFields.tenantId')).fill('1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e01');
    await dialog()
      .getByRole('button', { name: en('organizations.form.create.customer') })
      .click();
    await visible(dialog().getByText(en('organizations.errors.tenant_taken'), { exact: true }));
    await dialog().getByLabel(en('orgFields.tenantId')).fill('6f2c1f0e-3b7a-4d2e-9a55-0c1d2e3f4a5b');
    const domains = dialog().getByLabel(en('orgFields.domains'));
    await domains.fill('nordwind.onmicrosoft.com');
    await domains.press('Enter');
    await dialog()
      .getByRole('button', { name: en('organizations.form.create.customer') })
      .click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });

    // After saving, the new customer is selected in the URL, the detail and the tree.
    const [created] = await orgsAs(PROVIDER_ADMIN, 'Nordwind');
    expect(created).toMatchObject({
      kind: 'customer',
      currency: 'JPY',
      tenantId: '6f2c1f0e-3b7a-4d2e-9a55-0c1d2e3f4a5b',
      domains: ['nordwind.onmicrosoft.com'],
    });
    await page.waitForURL(`**/organizations/${created!.id}`);
    await visible(page.getByRole('heading', { name: 'Nordwind Trading KK', exact: true }));
    await visible(page.getByRole('treeitem', { name: 'Nordwind Trading KK', selected: true }));

    // Edit: pre-filled, only the change is sent (If-Match with the version).
    await button(en('organizations.edit')).click();
    const name = dialog().getByLabel(en('organizations.form.name'));
    await expect(name.inputValue()).resolves.toBe('Nordwind Trading KK');
    await name.fill('Nordwind Trading Japan KK');
    await selectInput(en('orgFields.currency')).fill('USD');
    await page.getByRole('option', { name: /^USD – / }).click();
    await dialog()
      .getByRole('button', { name: text('en', 'common.save') })
      .click();
    await dialog().waitFor({ state: 'detached', timeout: 15_000 });
    await visible(page.getByRole('heading', { name: 'Nordwind Trading Japan KK', exact: true }));
    const [edited] = await orgsAs(PROVIDER_ADMIN, 'Nordwind');
    expect(edited).toMatchObject({ name: 'Nordwind Trading Japan KK', currency: 'USD' });

    // Users: empty at first, then invite one with a customer role.
    await page.getByRole('tab', { name: en('organizations.tabs.users') }).click();
    await visible(page.getByText(en('organizations.users.empty'), { exact: true }));
    await button(en('organizations.users.add')).click();
    await dialog().getByLabel(en('organizations.users.email')).fill('not-an-email');
    await dialog().getByLabel(en('organizations.users.name')).fill('Hana Sato');
    await dialog()
      .getByRole('button', { name: en('organizations.users.addSubmit') })
      .click();
    await visible(dialog().getByText(en('organizations.users.invalid.email'), { exact: true }));
    await visible(dialog().getByText(en('organizations.users.invalid.role'), { exact: true }));
    await dialog().getByLabel(en('organizations.users.email')).fill('hana.sato@nordwind.example');
    await selectInput(en('organizations.users.role')).click();
    await page.getByRole('option', { name: text('en', 'role.customer_user'), exact: true }).click();
    await dialog()
      .getByRole('button', { name: en('organizations.users.addSubmit') })
      .click();
    const password = await visible(page.getByTestId('temporary-password'));
    expect((await readText(password)).length).toBeGreaterThan(10);
    await dialog()
      .getByRole('button', { name: en('organizations.done') })
      .click();

    const row = page.getByTestId('org-user-row').filter({ hasText: 'hana.sato@nordwind.example' });
    await visible(row);
    const role = row.getByLabel('Role of Hana Sato', { exact: true }).and(page.locator('input'));
    await expect(role.inputValue()).resolves.toBe(text('en', 'role.customer_user'));

    // Change the role in the row.
    await role.click();
    await page.getByRole('option', { name: text('en', 'role.customer_admin'), exact: true }).click();
    const admin = await loginAs(srv.url, PROVIDER_ADMIN);
    await expect
      .poll(async () => {
        const users = await json<{ items: UserItem[] }>(
          await admin.get(`/api/v1/users?organizationId=${created!.id}`),
        );
        return users.items[0]?.memberships.find((m) => m.organizationId === created!.id)?.role;
      })
      .toBe('customer_admin');

    // Remove access, with a confirmation.
    await row.getByRole('button', { name: 'Remove access of Hana Sato' }).click();
    await visible(dialog().getByText(/Hana Sato \(hana\.sato@nordwind\.example\) will lose access/));
    await dialog()
      .getByRole('button', { name: en('organizations.users.removeSubmit') })
      .click();
    await visible(page.getByText(en('organizations.users.empty'), { exact: true }));
  });
});

describe('organisations as a reseller admin', () => {
  it('edits its brand with a live preview, and the console takes the new colour and logo', async () => {
    const en = (key: string) => text('en', key);
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/organizations?tab=branding');
    await visible(page.getByRole('heading', { name: en('organizations.branding.title'), exact: true }));
    const preview = page.getByTestId('branding-preview');
    const previewButton = preview.getByTestId('preview-button');

    // The preview follows every keystroke: display name, colour, logo.
    await page.getByLabel(en('organizations.branding.displayName')).fill('Reseller A Online');
    await expect.poll(() => readText(preview.getByTestId('preview-name'))).toBe('Reseller A Online');
    const primary = page.getByLabel(en('organizations.branding.primaryColor'), { exact: true });
    await primary.fill('#b91c1c');
    await expect
      .poll(() => previewButton.evaluate((el) => getComputedStyle(el).backgroundColor))
      .toBe('rgb(185, 28, 28)');
    await primary.fill('#zzz');
    await primary.blur();
    await visible(page.getByText(en('organizations.branding.invalid.primaryColor'), { exact: true }));
    await primary.fill('#b91c1c');
    // Leave the field so its colour picker closes.
    await page.getByRole('heading', { name: en('organizations.branding.title'), exact: true }).click();

    // Too large a file is refused before upload; a small PNG becomes the logo in the preview.
    const logoFile = page.locator('input[type="file"]');
    await logoFile.setInputFiles({
      name: 'huge.png',
      mimeType: 'image/png',
      buffer: Buffer.alloc(150 * 1024, 1),
    });
    await visible(page.getByText(/larger than 140 KB/));
    await logoFile.setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PNG });
    const previewLogo = await visible(preview.getByTestId('preview-logo'));
    await expect(previewLogo.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);

    await button(en('organizations.branding.save')).click();
    await visible(page.getByText(en('organizations.branding.saved'), { exact: true }));

    // Saved on the server, and the console itself now wears the brand.
    const stored = (await orgsAs(RESELLER_ADMIN, 'Reseller A')).find((o) => o.name === 'Reseller A');
    expect(stored!.branding).toMatchObject({ displayName: 'Reseller A Online', primaryColor: '#b91c1c' });
    expect(stored!.branding.logoUrl).toMatch(/^data:image\/png;base64,/);
    await expect.poll(() => readText(page.getByTestId('brand-name'))).toBe('Reseller A Online');
    await page.reload();
    await visible(page.getByTestId('brand-name'));
    await expect
      .poll(() =>
        page.evaluate(() =>
          getComputedStyle(document.documentElement).getPropertyValue('--mantine-color-brand-6').trim(),
        ),
      )
      .toBe('#b91c1c');
    const headerLogo = page.locator('header img').first();
    await expect(headerLogo.getAttribute('src')).resolves.toMatch(/^data:image\/png;base64,/);
  });

  it('cannot open another reseller’s organisation, nor see it in the tree', async () => {
    const ja = (key: string) => text('ja', key);
    const [resellerB] = (await orgsAs(PROVIDER_ADMIN, 'Reseller B')).filter((o) => o.name === 'Reseller B');
    expect(resellerB).toBeDefined();
    await signIn(page, RESELLER_ADMIN, 'ja');
    await page.goto(`/organizations/${resellerB!.id}`);
    await visible(page.getByTestId('org-not-found'));
    await visible(page.getByText(ja('errors.not_found'), { exact: true }));
    // No edit or create actions on what it cannot see.
    await expect(
      page.getByRole('button', { name: ja('organizations.edit'), exact: true }).count(),
    ).resolves.toBe(0);

    await page.getByRole('link', { name: ja('organizations.backToOwn') }).click();
    await visible(page.getByRole('heading', { name: 'Reseller A', exact: true }));
    const tree = await readText(page.getByTestId('org-tree'));
    expect(tree).toContain('Reseller A');
    expect(tree).not.toContain('Reseller B');
    // Every tab of the screen is in Japanese, without raw keys.
    for (const tab of ['details', 'users', 'branding']) {
      await page.getByRole('tab', { name: ja(`organizations.tabs.${tab}`) }).click();
      await page.waitForLoadState('networkidle');
      const shown = await readText(page.locator('main'));
      expect(shown).not.toMatch(/\b(organizations|orgFields|role|common)\.[a-zA-Z]/);
    }
    await visible(page.getByTestId('branding-preview'));
    await visible(page.getByText(ja('organizations.branding.preview'), { exact: true }));

    // The API agrees: nothing of Reseller B's is listed for Reseller A.
    expect(await orgsAs(RESELLER_ADMIN, 'Reseller B')).toEqual([]);
  });
});
