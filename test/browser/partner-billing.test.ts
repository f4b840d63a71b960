import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
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
import { captureBillingScreenshots } from './screenshots.ts';

// The billing screens of the partner console (#10, docs/partner-console.md): invoices with the
// per-line explanation, PDF and CSV, issuing a draft, payments, credit notes, runs and the billing
// profile — as the provider admin and as a reseller admin, in English and Japanese. The demo seed
// bills the month before last (issued) and last month (drafts) for every seller.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

interface InvoiceItem {
  id: string;
  number: string | null;
  status: string;
  currency: string;
  gross: string;
  balance: string;
  issuer: { id: string; name: string };
  recipient: { id: string; name: string };
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
    await page.screenshot({ path: `${FAILURES}/billing-${name}.png`, fullPage: true }).catch(() => undefined);
  }
  await context?.close();
});

async function invoicesAs(email: string, query: string): Promise<InvoiceItem[]> {
  const caller = await loginAs(srv.url, email);
  return (await json<{ items: InvoiceItem[] }>(await caller.get(`/api/v1/invoices?limit=200&${query}`)))
    .items;
}

const button = (name: string) => page.getByRole('button', { name, exact: true });

describe('invoices as the provider', () => {
  it('lists invoices, opens one with its explanation, and downloads the PDF and CSV', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: text('en', 'nav.billing'), exact: true })
      .click();
    await page.waitForURL('**/billing');
    await visible(page.getByRole('heading', { name: text('en', 'billing.title'), exact: true }));
    const table = page.getByTestId('invoice-table');
    await visible(table);

    // Filters live in the address bar; issued invoices of ours only.
    await page.goto('/billing?status=issued&direction=issued');
    await visible(table);
    const [issued] = (await invoicesAs(PROVIDER_ADMIN, 'status=issued&direction=issued')).filter(
      (invoice) => Number(invoice.gross) > 0,
    );
    expect(issued).toBeDefined();
    const statuses = await table.getByTestId('invoice-status').allTextContents();
    expect(statuses.length).toBeGreaterThan(0);
    expect(new Set(statuses)).toEqual(new Set([text('en', 'billing.status.issued')]));

    await page.goto(`/billing/${issued!.id}`);
    await visible(
      page.getByRole('heading', {
        name: text('en', 'billing.invoiceTitle').replace('{{number}}', issued!.number!),
      }),
    );
    const lines = page.getByTestId('invoice-lines');
    await visible(lines);
    await lines
      .getByRole('button', { name: text('en', 'billing.why'), exact: true })
      .first()
      .click();
    const why = page.getByTestId('line-explanation');
    await visible(why);
    expect(await readText(why)).toContain(text('en', 'billing.whyTitle'));
    expect((await readText(why)).length).toBeGreaterThan(text('en', 'billing.whyTitle').length + 10);
    await visible(page.getByTestId('tax-by-rate'));
    expect(await readText(page.getByTestId('invoice-facts'))).toContain('T9010401234567');

    const pdfHref = await page.getByTestId('invoice-pdf').getAttribute('href');
    expect(pdfHref).toBe(`/api/v1/invoices/${issued!.id}/pdf?locale=en`);
    const pdf = await context.request.get(pdfHref!);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');

    const csv = await context.request.get((await page.getByTestId('invoice-csv').getAttribute('href'))!);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).replace(/^\uFEFF/, '')).toMatch(/^invoice_number,/);
  });

  it('issues a draft, records a payment and credits it with a credit note', async () => {
    const [draft] = (await invoicesAs(PROVIDER_ADMIN, 'status=draft&direction=issued')).filter(
      (invoice) => Number(invoice.gross) > 0,
    );
    expect(draft, 'the demo leaves last month as drafts').toBeDefined();
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto(`/billing/${draft!.id}`);
    await visible(page.getByRole('heading', { name: text('en', 'billing.draftInvoiceTitle'), exact: true }));

    await button(text('en', 'billing.issue')).click();
    const notice = page.getByRole('status').filter({ hasText: /DD-\d{6}/ });
    await visible(notice);
    const number = (await readText(notice)).match(/DD-\d{6}/)![0];
    await visible(
      page.getByRole('heading', { name: text('en', 'billing.invoiceTitle').replace('{{number}}', number) }),
    );
    await visible(
      page.getByTestId('invoice-status').getByText(text('en', 'billing.status.issued'), { exact: true }),
    );

    // A payment of the whole balance (the dialog proposes it) makes the invoice paid.
    await button(text('en', 'billing.recordPayment')).click();
    const dialog = page.getByRole('dialog');
    await visible(dialog);
    const amount = dialog.getByRole('textbox', {
      name: text('en', 'billing.amountIn').replace('{{currency}}', draft!.currency),
    });
    expect(await amount.inputValue()).toBe(draft!.gross);
    await dialog.getByLabel(text('en', 'billing.reference')).fill('Browser test transfer');
    await dialog.getByRole('button', { name: text('en', 'billing.savePayment'), exact: true }).click();
    await visible(page.getByText(text('en', 'billing.paymentRecorded'), { exact: true }));
    await visible(
      page.getByTestId('invoice-status').getByText(text('en', 'billing.status.paid'), { exact: true }),
    );
    expect(await readText(page.getByTestId('invoice-payments'))).toContain('Browser test transfer');

    // A partial credit note for one line, then the list of credit notes shows it.
    await button(text('en', 'billing.createCreditNote')).click();
    await visible(page.getByRole('dialog'));
    await page.getByRole('dialog').getByText(text('en', 'billing.creditPartial'), { exact: true }).click();
    const creditLines = page.getByTestId('credit-lines');
    await visible(creditLines);
    await creditLines.getByRole('textbox').first().fill('100');
    await page.getByRole('dialog').getByLabel(text('en', 'billing.reason')).fill('Goodwill for the outage');
    await page.getByRole('button', { name: text('en', 'billing.issueCreditNote'), exact: true }).click();
    const created = page.getByRole('status').filter({ hasText: /DD-\d{6}/ });
    await visible(created.getByText(/Credit note DD-\d{6}/));
    await visible(page.getByTestId('invoice-credit-notes'));

    await page.goto('/billing?tab=creditNotes');
    const notes = page.getByTestId('credit-note-table');
    await visible(notes);
    expect(await readText(notes)).toContain('Goodwill for the outage');
    expect(await readText(notes)).toContain(number);
  });

  it('previews an invoice, lists runs, and validates the registration number', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/billing?tab=runs');
    await visible(page.getByRole('heading', { name: text('en', 'billing.runs.startTitle'), exact: true }));
    await visible(page.getByTestId('run-table').or(page.getByText(text('en', 'billing.runs.emptyTitle'))));
    const recipient = page.getByTestId('preview-recipient');
    await recipient.fill('Reseller A');
    await page.getByRole('option', { name: 'Reseller A', exact: true }).click();
    await visible(
      page
        .getByTestId('invoice-preview')
        .or(page.getByText(text('en', 'billing.preview.emptyTitle'), { exact: true })),
    );

    // The margin report (by customer by default): chart and table, or the empty state; CSV of the same.
    await page.getByRole('tab', { name: text('en', 'billing.tabs.margin'), exact: true }).click();
    await visible(
      page
        .getByTestId('margin-chart')
        .or(page.getByText(text('en', 'billing.margin.emptyTitle'), { exact: true })),
    );
    expect(await page.getByTestId('margin-csv').getAttribute('href')).toMatch(
      /^\/api\/v1\/reports\/margin\?period=\d{4}-\d{2}&groupBy=customer&format=csv$/,
    );

    await page.getByRole('tab', { name: text('en', 'billing.tabs.profile'), exact: true }).click();
    const registration = page.getByRole('textbox', {
      name: text('en', 'billing.profile.registrationNumber'),
    });
    await visible(registration);
    expect(await registration.inputValue()).toBe('T9010401234567');
    await registration.fill('T123');
    await visible(page.getByText(text('en', 'billing.profile.registrationInvalid'), { exact: true }));
    expect(await button(text('en', 'common.save')).isDisabled()).toBe(true);
    await registration.fill('T9010401234567');
    await button(text('en', 'common.save')).click();
    await visible(page.getByText(text('en', 'billing.profile.saved'), { exact: true }));
  });
});

describe('tenancy', () => {
  it('shows a reseller admin only its own invoices', async () => {
    const own = new Set((await invoicesAs(RESELLER_ADMIN, '')).map((invoice) => invoice.id));
    expect(own.size).toBeGreaterThan(0);
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/billing');
    const table = page.getByTestId('invoice-table');
    await visible(table);
    const shown = await table
      .locator('tr[data-invoice-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-invoice-id')));
    expect(shown.length).toBeGreaterThan(0);
    for (const id of shown) expect(own.has(id!)).toBe(true);
    const body = await readText(page.locator('body'));
    expect(body).toContain('Reseller A');
    expect(body).not.toContain('Fabrikam');
    expect(body).not.toContain('Reseller B');
  });

  it('answers "not found" for another tenant\'s invoice in the address bar', async () => {
    const foreign = (await invoicesAs(PROVIDER_ADMIN, 'direction=issued')).find(
      (invoice) => !/Reseller A/.test(invoice.recipient.name),
    );
    expect(foreign).toBeDefined();
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto(`/billing/${foreign!.id}`);
    await visible(page.getByRole('alert').getByText(text('en', 'errors.not_found'), { exact: true }));
    expect(await readText(page.locator('body'))).not.toContain(foreign!.recipient.name);
  });
});

describe('Japanese', () => {
  it('has no raw translation keys on the billing screens', async () => {
    const [invoice] = (await invoicesAs(PROVIDER_ADMIN, 'status=issued&direction=issued')).filter(
      (item) => Number(item.gross) > 0 && item.currency === 'JPY',
    );
    await signIn(page, PROVIDER_ADMIN, 'ja');
    for (const path of [
      '/billing',
      '/billing?tab=creditNotes',
      '/billing?tab=runs',
      '/billing?tab=profile',
    ]) {
      await page.goto(path);
      await visible(page.getByRole('heading', { name: text('ja', 'billing.title'), exact: true }));
      await expectNoRawKeys(page);
    }
    await page.goto(`/billing/${invoice!.id}`);
    await page
      .getByTestId('invoice-lines')
      .getByRole('button', { name: text('ja', 'billing.why'), exact: true })
      .first()
      .click();
    await visible(page.getByTestId('line-explanation'));
    expect(await readText(page.getByTestId('invoice-facts'))).toMatch(/[¥￥]/);
    await expectNoRawKeys(page);
  });
});

describe('screenshots', () => {
  // `npm run screenshots` writes them to docs/screenshots; an ordinary run writes to test-results/.
  it('captures the main screens of billing', async () => {
    const target =
      process.env.CSPC_UPDATE_SCREENSHOTS === '1'
        ? '../../docs/screenshots/'
        : '../../test-results/screenshots/';
    const outDir = fileURLToPath(new URL(target, import.meta.url));
    await mkdir(outDir, { recursive: true });
    const files = await captureBillingScreenshots({ browser, baseUrl: srv.url, outDir });
    expect(files.length).toBe(6);
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
