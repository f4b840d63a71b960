import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
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

// The Settings screen of the partner console (#10, docs/partner-console.md#settings): the provider's
// Partner Center connection (saved in emulator mode and tested against a running emulator), the
// embedded billing profile, and notification recipients with renewal notice months — including the
// optimistic-concurrency conflict when someone else saves in between. A reseller admin has no
// Partner Center tab; Japanese shows no raw translation keys.

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const PROVIDER_SALES = 'sales@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

interface Connection {
  mode: string;
  baseUrl: string | null;
  hasCredentials: boolean;
  lastTest: { ok: boolean; message: string } | null;
}

interface Settings {
  version: number;
  renewalNoticeMonths: number[] | null;
  events: { type: string; roles: string[]; userIds: string[]; channels: string[]; isDefault: boolean }[];
}

let emulator: RunningEmulator;
let srv: TestServer;
let provider: Caller;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
  emulator = await startEmulator({ port: 0, seed: 4242, dataDir: null });
  srv = await startTestServer({
    seed: 'demo',
    emulatorUrl: emulator.url,
    // WEB_DIST_DIR lets a run use its own build while others rebuild packages/web/dist.
    env: {
      LOGIN_RATE_LIMIT: '1000',
      ...(process.env.WEB_DIST_DIR ? { WEB_DIST_DIR: process.env.WEB_DIST_DIR } : {}),
    },
  });
  provider = await loginAs(srv.url, PROVIDER_ADMIN);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await srv?.close();
  await emulator?.close();
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
      .screenshot({ path: `${FAILURES}/settings-${name}.png`, fullPage: true })
      .catch(() => undefined);
  }
  await context?.close();
});

const en = (key: string, values: Record<string, string> = {}) =>
  Object.entries(values).reduce((s, [k, v]) => s.replace(`{{${k}}}`, v), text('en', key));
const button = (name: string) => page.getByRole('button', { name, exact: true });
const tab = (key: string) => page.getByRole('tab', { name: text('en', `settings.tabs.${key}`), exact: true });

const selectInput = (label: string) => page.getByLabel(label, { exact: true }).and(page.locator('input'));

const settingsNow = async () => json<Settings>(await provider.get('/api/v1/notification-settings'));

async function chooseOption(label: string, option: string) {
  // With values chosen, a non-searchable MultiSelect covers its input with the pills: open it from
  // the keyboard (which is also how a keyboard user gets there).
  await selectInput(label).focus();
  await page.keyboard.press('ArrowDown');
  await page.getByRole('option', { name: option, exact: true }).click();
  await page.keyboard.press('Escape');
}

describe('Partner Center connection', () => {
  it('refuses an incomplete live connection, saves emulator mode and tests it', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: text('en', 'nav.settings'), exact: true })
      .click();
    await page.waitForURL('**/settings');
    await visible(page.getByRole('heading', { name: text('en', 'settings.title'), exact: true }));
    await expect.poll(() => tab('partnerCenter').getAttribute('aria-selected')).toBe('true');
    const status = page.getByTestId('connection-status');
    await visible(status);
    expect(await readText(status)).toContain(text('en', 'settings.pc.neverTested'));

    // A live mode without credentials: every missing field says so and nothing is stored.
    await page.getByRole('radio', { name: text('en', 'settings.pc.modes.app_only') }).check();
    await page
      .getByRole('textbox', { name: text('en', 'settings.pc.baseUrl'), exact: true })
      .fill('ftp://partner.example');
    await button(text('en', 'common.save')).click();
    await expect
      .poll(() => page.getByText(text('en', 'settings.pc.problems.required'), { exact: true }).count())
      .toBe(3);
    await visible(page.getByText(text('en', 'settings.pc.problems.invalidUrl'), { exact: true }));
    expect(
      (await json<Connection>(await provider.get('/api/v1/partner-center/connection'))).lastTest,
    ).toBeNull();
    expect(await button(text('en', 'settings.pc.test')).isDisabled()).toBe(true);

    // Back to the emulator: saved, then tested against the running emulator.
    await page.getByRole('radio', { name: text('en', 'settings.pc.modes.emulator') }).check();
    await page.getByRole('textbox', { name: text('en', 'settings.pc.baseUrl'), exact: true }).fill('');
    await button(text('en', 'common.save')).click();
    await visible(page.getByText(text('en', 'settings.pc.saved'), { exact: true }));
    await button(text('en', 'settings.pc.test')).click();
    const result = page.getByTestId('connection-test-result');
    await visible(result);
    expect(await readText(result)).toContain(text('en', 'settings.pc.testOk'));
    const stored = await json<Connection>(await provider.get('/api/v1/partner-center/connection'));
    expect(stored).toMatchObject({ mode: 'emulator', baseUrl: null, hasCredentials: false });
    expect(stored.lastTest?.ok).toBe(true);
    expect(await readText(result)).toContain(stored.lastTest!.message);
    const [lead, tail] = text('en', 'settings.pc.lastTestOk').split('{{at}}');
    await expect.poll(() => readText(status)).toContain(tail!);
    expect(await readText(status)).toContain(lead!);
  });
});

describe('billing profile', () => {
  it('embeds the billing profile with the tax registration', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/settings?tab=billing');
    await visible(page.getByRole('textbox', { name: text('en', 'billing.profile.registrationNumber') }));
    await visible(page.getByRole('textbox', { name: text('en', 'billing.profile.bankDetails') }));
  });
});

describe('notification settings', () => {
  it('changes the recipients of an event and keeps them after a reload', async () => {
    const sales = (
      await json<{ items: { id: string; email: string }[] }>(
        await provider.get(`/api/v1/users?q=${encodeURIComponent(PROVIDER_SALES)}`),
      )
    ).items.find((user) => user.email === PROVIDER_SALES)!;
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/settings?tab=notifications');
    const row = page.locator('[data-testid="recipient-row"][data-type="invoice_issued"]');
    await visible(row);
    // Badges are upper-cased by CSS.
    expect((await readText(row)).toLowerCase()).toContain(
      text('en', 'settings.notifications.default').toLowerCase(),
    );
    const event = text('en', 'notificationsUi.event.invoice_issued');
    await row.getByRole('button', { name: en('settings.notifications.editFor', { event }) }).click();
    await visible(page.getByRole('dialog'));
    await chooseOption(text('en', 'settings.notifications.roles'), text('en', 'role.readonly'));
    await chooseOption(text('en', 'settings.notifications.people'), `Taro Suzuki <${PROVIDER_SALES}>`);
    await page
      .getByRole('dialog')
      .getByRole('button', { name: text('en', 'common.save'), exact: true })
      .click();
    await visible(page.getByText(en('settings.notifications.recipientsSaved', { event })));

    const saved = (await settingsNow()).events.find((e) => e.type === 'invoice_issued')!;
    expect(saved.isDefault).toBe(false);
    expect(new Set(saved.roles)).toEqual(new Set(['admin', 'billing', 'readonly']));
    expect(saved.userIds).toEqual([sales.id]);

    await page.reload();
    await visible(row);
    const shown = await readText(row);
    expect(shown.toLowerCase()).toContain(text('en', 'role.readonly').toLowerCase());
    expect(shown).toContain('Taro Suzuki');
    expect(shown.toLowerCase()).toContain(text('en', 'settings.notifications.custom').toLowerCase());
  });

  it('shows a conflict when someone else saved meanwhile, and saves after loading the latest', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/settings?tab=notifications');
    const row = page.locator('[data-testid="recipient-row"][data-type="budget_threshold"]');
    await visible(row);
    const event = text('en', 'notificationsUi.event.budget_threshold');
    await row.getByRole('button', { name: en('settings.notifications.editFor', { event }) }).click();
    await visible(page.getByRole('dialog'));
    await page
      .getByRole('dialog')
      .getByRole('checkbox', { name: text('en', 'notificationsUi.channel.in_app'), exact: true })
      .uncheck();

    // Someone else changes the renewal months in between (with the version the screen also holds).
    const before = await settingsNow();
    const other = await provider.request(
      'PUT',
      '/api/v1/notification-settings',
      { renewalNoticeMonths: [3, 1] },
      { 'if-match': `"${before.version}"` },
    );
    expect(other.status).toBe(200);

    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: text('en', 'common.save'), exact: true }).click();
    const conflict = dialog.getByTestId('conflict');
    await visible(conflict);
    expect(await readText(conflict)).toContain(text('en', 'settings.errors.version_conflict'));
    expect((await settingsNow()).events.find((e) => e.type === 'budget_threshold')!.isDefault).toBe(true);

    await conflict.getByRole('button', { name: text('en', 'settings.loadLatest'), exact: true }).click();
    await expect.poll(() => dialog.getByTestId('conflict').count()).toBe(0);
    await dialog
      .getByRole('checkbox', { name: text('en', 'notificationsUi.channel.in_app'), exact: true })
      .uncheck();
    await dialog.getByRole('button', { name: text('en', 'common.save'), exact: true }).click();
    await visible(page.getByText(en('settings.notifications.recipientsSaved', { event })));
    const after = await settingsNow();
    expect(after.events.find((e) => e.type === 'budget_threshold')!.channels).toEqual(['email']);
    expect(after.renewalNoticeMonths).toEqual([3, 1]);
  });

  it('changes the renewal notice months', async () => {
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/settings?tab=notifications');
    const months = selectInput(text('en', 'settings.notifications.renewalMonths'));
    await visible(months);
    await months.focus();
    await page.keyboard.press('ArrowDown');
    await page
      .getByRole('option', { name: en('settings.notifications.monthsBefore', { count: '6' }), exact: true })
      .click();
    await page.keyboard.press('Escape');
    await page
      .getByRole('form', { name: text('en', 'settings.notifications.renewalTitle') })
      .getByRole('button', { name: text('en', 'common.save'), exact: true })
      .click();
    await visible(page.getByText(text('en', 'settings.notifications.renewalSaved'), { exact: true }));
    expect((await settingsNow()).renewalNoticeMonths).toContain(6);
  });
});

describe('as a reseller', () => {
  it('has no Partner Center tab', async () => {
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/settings?tab=partnerCenter');
    await visible(page.getByRole('heading', { name: text('en', 'settings.title'), exact: true }));
    await visible(tab('notifications'));
    expect(await tab('partnerCenter').count()).toBe(0);
    expect(await page.getByTestId('connection-status').count()).toBe(0);
    // The reseller's own recipients, not the provider's.
    await tab('notifications').click();
    await visible(page.getByTestId('recipient-table'));
    const reseller = await loginAs(srv.url, RESELLER_ADMIN);
    expect((await reseller.get('/api/v1/partner-center/connection')).status).toBe(403);
  });
});

describe('Japanese', () => {
  it('has no raw translation keys on the settings tabs', async () => {
    await signIn(page, PROVIDER_ADMIN, 'ja');
    for (const name of ['partnerCenter', 'billing', 'notifications']) {
      await page.goto(`/settings?tab=${name}`);
      await visible(page.getByRole('heading', { name: text('ja', 'settings.title'), exact: true }));
      await visible(page.getByRole('tab', { name: text('ja', `settings.tabs.${name}`), exact: true }));
      await expectNoRawKeys(page);
    }
    await page.getByTestId('recipient-row').first().getByRole('button').click();
    await visible(page.getByRole('dialog'));
    await expectNoRawKeys(page);
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
