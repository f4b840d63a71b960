import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import { orderJobDefinitions } from '../../packages/server/src/modules/orders/order-jobs.ts';
import { type OrdersWorld, startOrdersWorld } from '../orders/support.ts';
import { type Caller, json } from '../support/http.ts';
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

// The notification screens of the partner console (#9/#10, docs/partner-console.md): the outbox
// with a message's detail, the template preview and webhook endpoints with their delivery log — as
// the provider admin and as a reseller admin, in English and Japanese. The demo seed leaves
// provisioning mails, a renewal notice and alert mails in the outbox — built as `cspc start` does on
// its first start (seed, the `orders.demo-seed` job against the emulator, then the outbox worker).

const PROVIDER_ADMIN = 'admin@demo-distributor.test';
const RESELLER_ADMIN = 'admin@reseller-a.test';

const FAILURES = fileURLToPath(new URL('../../test-results/browser', import.meta.url));

interface NotificationItem {
  id: string;
  eventType: string;
  channel: string;
  title: string;
  recipient: string | null;
}

let w: OrdersWorld;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  assertWebBuilt();
  w = await startOrdersWorld({ seed: 9191, start: `${new Date().toISOString().slice(0, 19)}Z` });
  const job = orderJobDefinitions(w.server.deps).find((j) => j.name === 'orders.demo-seed')!;
  await job.run({}, { id: 'demo', attempt: 0 });
  while ((await processOutbox(w.server.deps)).events > 0) {
    // until every event is fanned out
  }
  browser = await launchBrowser();
}, 180_000);

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
    await page
      .screenshot({ path: `${FAILURES}/notifications-${name}.png`, fullPage: true })
      .catch(() => undefined);
  }
  await context?.close();
});

async function outboxAs(caller: Caller, query = ''): Promise<NotificationItem[]> {
  return (
    await json<{ items: NotificationItem[] }>(
      await caller.get(`/api/v1/notifications?recipient=all&limit=200&${query}`),
    )
  ).items;
}

const rowIds = (target: Page) =>
  target
    .getByTestId('outbox-table')
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-id') ?? ''));

describe('the outbox as the provider', () => {
  it("lists the demo's mails by event and opens one with its delivery facts and text", async () => {
    const mails = await outboxAs(w.provider, 'channel=email');
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page
      .getByRole('navigation')
      .getByRole('link', { name: text('en', 'nav.notifications'), exact: true })
      .click();
    await page.waitForURL('**/notifications');
    await visible(page.getByRole('heading', { name: text('en', 'notificationsUi.title'), exact: true }));
    await visible(page.getByTestId('outbox-table'));

    for (const event of ['provisioning_completed', 'renewal_notice', 'budget_threshold']) {
      const expected = mails.filter((mail) => mail.eventType === event);
      expect(expected.length, event).toBeGreaterThan(0);
      await page.goto(`/notifications?channel=email&event=${event}`);
      const table = page.getByTestId('outbox-table');
      await visible(table);
      const events = await table.getByTestId('outbox-event').allTextContents();
      expect(new Set(events), event).toEqual(new Set([text('en', `notificationsUi.event.${event}`)]));
      expect(await readText(table)).toContain(expected[0]!.title);
    }

    const renewal = mails.find((mail) => mail.eventType === 'renewal_notice')!;
    await page.goto('/notifications?channel=email&event=renewal_notice');
    await page.getByRole('button', { name: renewal.title, exact: true }).first().click();
    const detail = page.getByTestId('notification-detail');
    await visible(detail);
    const facts = await readText(detail);
    expect(facts).toContain(renewal.recipient!);
    expect(facts).toContain(text('en', 'notificationsUi.status.sent'));
    expect(facts).toContain(text('en', 'notificationsUi.attempts'));
    expect((await readText(page.getByTestId('notification-text'))).length).toBeGreaterThan(20);
  });
});

describe('template preview', () => {
  it('renders a template in Japanese', async () => {
    await signIn(page, PROVIDER_ADMIN, 'ja');
    await page.goto('/notifications?tab=templates');
    const preview = page.getByTestId('template-preview');
    await visible(preview);
    const subject = await readText(page.getByTestId('preview-subject'));
    expect(subject).toMatch(/[\u3040-\u30ff\u4e00-\u9faf]/);
    expect((await readText(page.getByTestId('preview-text'))).length).toBeGreaterThan(20);
    await expectNoRawKeys(page);
  });
});

describe('webhooks', () => {
  let receiver: Server | undefined;
  afterAll(() => new Promise<void>((done) => (receiver ? receiver.close(() => done()) : done())));

  it('creates an endpoint, shows its secret once, lists it, sends a test event and delivers it again', async () => {
    // A receiver on loopback that accepts everything (http:// is allowed outside production).
    const received: string[] = [];
    receiver = createServer((request, response) => {
      received.push(request.headers['x-cspc-event']?.toString() ?? '');
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((done) => receiver!.listen(0, '127.0.0.1', done));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/cspc`;
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/notifications?tab=webhooks');
    await page.getByRole('button', { name: text('en', 'notificationsUi.newWebhook'), exact: true }).click();
    await page.getByRole('textbox', { name: text('en', 'notificationsUi.url'), exact: true }).fill(url);
    await page.getByRole('button', { name: text('en', 'notificationsUi.create'), exact: true }).click();
    const secret = page.getByTestId('webhook-secret');
    await visible(secret);
    expect((await readText(secret)).length).toBeGreaterThan(text('en', 'notificationsUi.secretOnce').length);
    await page.getByRole('button', { name: text('en', 'notificationsUi.done'), exact: true }).click();
    const table = page.getByTestId('webhook-table');
    await visible(table);
    expect(await readText(table)).toContain(url);
    const log = page.getByTestId('delivery-log');
    await visible(log);
    expect(await readText(log)).toContain(url);
    expect(page.url()).toContain('endpoint=');

    // A test event: queued, delivered by the outbox worker, then re-sent from the log.
    await log.getByRole('button', { name: text('en', 'notificationsUi.ping'), exact: true }).click();
    await visible(log.getByTestId('delivery-row'));
    while ((await processOutbox(w.server.deps)).events > 0) {
      // until the ping is sent
    }
    await page.reload();
    const row = page.getByTestId('delivery-row').first();
    await visible(row);
    expect(await readText(row)).toContain('204');
    // Badges are upper-cased by CSS.
    expect((await readText(row)).toLowerCase()).toContain(
      text('en', 'notificationsUi.deliveryStatus.succeeded').toLowerCase(),
    );
    expect(await readText(row)).toContain(text('en', 'notificationsUi.pingEvent'));
    expect(received.length).toBe(1);
    await row.getByRole('button', { name: text('en', 'notificationsUi.redeliver'), exact: true }).click();
    await visible(page.getByText(text('en', 'notificationsUi.redelivered')));
    await expect.poll(() => page.getByTestId('delivery-row').count()).toBe(2);
  });
});

describe('API keys', () => {
  it('creates a key with scopes, shows it once and revokes it', async () => {
    const name = `ERP ${Date.now()}`;
    await signIn(page, PROVIDER_ADMIN, 'en');
    await page.goto('/notifications?tab=apiKeys');
    await page.getByRole('button', { name: text('en', 'notificationsUi.newApiKey'), exact: true }).click();
    await page.getByRole('textbox', { name: text('en', 'notificationsUi.keyName'), exact: true }).fill(name);
    await page
      .getByRole('checkbox', { name: text('en', 'notificationsUi.scope.orders'), exact: true })
      .check();
    await page.getByRole('button', { name: text('en', 'notificationsUi.create'), exact: true }).click();
    const secret = page.getByTestId('api-key-secret');
    await visible(secret);
    expect((await readText(secret)).length).toBeGreaterThan(
      text('en', 'notificationsUi.keyOnce').length + 16,
    );
    await page.getByRole('button', { name: text('en', 'notificationsUi.done'), exact: true }).click();
    const row = page.getByTestId('api-key-row').filter({ hasText: name });
    await visible(row);
    expect(await readText(row)).toContain(text('en', 'notificationsUi.scope.orders'));
    await row.getByRole('button', { name: text('en', 'notificationsUi.revoke'), exact: true }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: text('en', 'notificationsUi.revoke'), exact: true })
      .click();
    await expect
      .poll(async () => (await readText(row)).toLowerCase())
      .toContain(text('en', 'notificationsUi.revoked').toLowerCase());
  });
});

describe('Japanese', () => {
  it('has no raw translation keys on the notification screens', async () => {
    await signIn(page, PROVIDER_ADMIN, 'ja');
    for (const path of [
      '/notifications',
      '/notifications?tab=templates',
      '/notifications?tab=webhooks',
      '/notifications?tab=apiKeys',
    ]) {
      await page.goto(path);
      await visible(page.getByRole('heading', { name: text('ja', 'notificationsUi.title'), exact: true }));
      await expectNoRawKeys(page);
    }
    await page.goto('/notifications');
    await visible(page.getByTestId('outbox-table'));
    await page.getByTestId('outbox-table').locator('tbody tr button').first().click();
    await visible(page.getByTestId('notification-detail'));
    await expectNoRawKeys(page);
  });
});

describe('as a reseller', () => {
  it('shows a reseller admin only its own notifications', async () => {
    const own = new Set((await outboxAs(w.resellerA)).map((item) => item.id));
    const all = await outboxAs(w.provider);
    expect(all.some((item) => !own.has(item.id))).toBe(true);
    await signIn(page, RESELLER_ADMIN, 'en');
    await page.goto('/notifications');
    expect(own.size).toBeGreaterThan(0);
    await visible(page.getByTestId('outbox-table'));
    const ids = await rowIds(page);
    for (const id of ids) expect(own.has(id), id).toBe(true);
    expect(ids.length).toBe(Math.min(own.size, 25));
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
