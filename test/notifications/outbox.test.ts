import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { budgetThresholdAlerts, Money, parseYearMonth, usageLevelAlerts } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboxDir } from '../../packages/server/src/mail/mailer.ts';
import {
  budgetAlertEvent,
  creditAlertEvent,
} from '../../packages/server/src/modules/notifications/alert-events.ts';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import { publishEvent } from '../../packages/server/src/modules/notifications/publish.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { manualClock, notificationsOf, parseMail, publish } from './support.ts';

let server: TestServer;
let org: Record<string, string>;
const clock = manualClock();

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  org = server.demo!.organizations;
});
afterAll(async () => server?.close());

const orderFailed = (organizationId: string, orderId = 'ord-1') => ({
  type: 'order_failed' as const,
  organizationId,
  subject: { type: 'order', id: orderId },
  data: { orderId, customerName: 'Contoso Japan', reason: 'Partner Center refused the order.' },
});

const recipientsOf = async (eventId: string) =>
  [...new Set((await notificationsOf(server.deps, eventId)).map((n) => n.email))].sort();

describe('the outbox', () => {
  it('writes an event only when the caller’s transaction commits', async () => {
    const db = server.deps.database.db;
    await expect(
      db.transaction().execute(async (trx) => {
        await publishEvent(trx, { ...orderFailed(org['customer-a']!), dedupeKey: 'rolled-back' });
        throw new Error('the order change failed');
      }),
    ).rejects.toThrow('the order change failed');
    const rolledBack = await db
      .selectFrom('notification_events')
      .select('id')
      .where('dedupe_key', '=', 'rolled-back')
      .execute();
    expect(rolledBack).toEqual([]);

    const committed = await publish(server.deps, {
      ...orderFailed(org['customer-a']!),
      dedupeKey: 'committed',
    });
    const row = await db
      .selectFrom('notification_events')
      .selectAll()
      .where('id', '=', committed)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ type: 'order_failed', subject_type: 'order', dispatched_at: null });
  });

  it('keeps one event per dedupe key, without failing the second publisher', async () => {
    const input = { ...orderFailed(org['customer-a']!), dedupeKey: 'order_failed:ord-dup' };
    const first = await server.deps.database.db.transaction().execute((trx) => publishEvent(trx, input));
    const second = await server.deps.database.db.transaction().execute((trx) => publishEvent(trx, input));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
  });

  it('fans out to the default recipients of each event type, once however often it runs', async () => {
    // Orders: the customer's admins, and the seller's admins and sales.
    const failed = await publish(server.deps, orderFailed(org['customer-a']!, 'ord-fan'));
    // Invoices to a customer: its admins only (not its users, not the seller).
    const invoice = await publish(server.deps, {
      type: 'invoice_issued',
      organizationId: org['customer-a']!,
      subject: { type: 'invoice', id: 'inv-1' },
      data: {
        invoiceId: 'inv-1',
        invoiceNumber: 'RA-2026-0001',
        issuerName: 'Reseller A Cloud',
        total: { amount: '110000', currency: 'JPY' },
        issueDate: '2026-04-01',
        dueDate: '2026-04-30',
      },
    });
    // Overdue payment of a direct customer: its admins, and the provider's admins and billing.
    const overdue = await publish(server.deps, {
      type: 'payment_overdue',
      organizationId: org['customer-b']!,
      subject: { type: 'invoice', id: 'inv-2' },
      data: {
        invoiceId: 'inv-2',
        invoiceNumber: 'DD-2026-0007',
        amountDue: { amount: '55000', currency: 'JPY' },
        dueDate: '2026-04-30',
        daysOverdue: 5,
      },
    });
    // Credit control about a customer goes to its seller only (admins and billing).
    const credit = await publish(server.deps, {
      type: 'credit_level',
      organizationId: org['customer-a']!,
      subject: { type: 'customer', id: org['customer-a']! },
      data: {
        subjectName: 'Customer A (Contoso Japan)',
        period: '2026-03',
        level: 'approval_required',
        trigger: 'usage',
        amount: { amount: '520000', currency: 'JPY' },
        levelAmount: { amount: '500000', currency: 'JPY' },
      },
    });

    const run = await processOutbox(server.deps);
    expect(run.events).toBeGreaterThanOrEqual(4);
    expect(await recipientsOf(failed)).toEqual([
      'admin@customer-a.test',
      'admin@reseller-a.test',
      'sales@reseller-a.test',
    ]);
    expect(await recipientsOf(invoice)).toEqual(['admin@customer-a.test']);
    expect(await recipientsOf(overdue)).toEqual([
      'admin@customer-b.test',
      'admin@demo-distributor.test',
      'billing@demo-distributor.test',
    ]);
    expect(await recipientsOf(credit)).toEqual(['admin@reseller-a.test']);

    // Links open the reader's console: the customer panel for customers, the partner console else.
    const links = async (eventId: string) =>
      Object.fromEntries(
        (
          await server.deps.database.db
            .selectFrom('notifications as n')
            .innerJoin('users as u', 'u.id', 'n.user_id')
            .select(['u.email', 'n.link_url'])
            .where('n.event_id', '=', eventId)
            .where('n.channel', '=', 'email')
            .execute()
        ).map((r) => [r.email, new URL(r.link_url ?? '').pathname]),
      );
    expect(await links(failed)).toEqual({
      'admin@customer-a.test': '/my/orders/ord-fan',
      'admin@reseller-a.test': '/orders/ord-fan',
      'sales@reseller-a.test': '/orders/ord-fan',
    });
    expect(await links(overdue)).toEqual({
      'admin@customer-b.test': '/my/invoices/inv-2',
      'admin@demo-distributor.test': '/billing/inv-2',
      'billing@demo-distributor.test': '/billing/inv-2',
    });

    // Each person: one in-app notification (delivered by being written) and one e-mail.
    const rows = await notificationsOf(server.deps, failed);
    expect(rows.map((r) => `${r.email} ${r.channel} ${r.status}`)).toEqual([
      'admin@customer-a.test email sent',
      'admin@customer-a.test in_app sent',
      'admin@reseller-a.test email sent',
      'admin@reseller-a.test in_app sent',
      'sales@reseller-a.test email sent',
      'sales@reseller-a.test in_app sent',
    ]);

    // Running again finds nothing new: no second notification, no second e-mail.
    const before = (await notificationsOf(server.deps, failed)).length;
    expect(await processOutbox(server.deps)).toMatchObject({ events: 0, emails: 0 });
    expect((await notificationsOf(server.deps, failed)).length).toBe(before);
  });

  it('writes e-mails as .eml files to DATA_DIR/outbox without SMTP, in the recipient’s language', async () => {
    expect(server.deps.mailer.mode).toBe('files');
    const id = await publish(server.deps, orderFailed(org['customer-c']!, 'ord-de'));
    await processOutbox(server.deps);
    const mails = (await notificationsOf(server.deps, id)).filter((n) => n.channel === 'email');
    expect(mails.map((m) => m.email)).toEqual(['admin@customer-c.test', 'admin@reseller-b.test']);
    const dir = outboxDir(server.deps.config);
    const files = await readdir(dir);
    for (const mail of mails) {
      expect(mail.file_name).toBe(`${mail.id}.eml`);
      expect(files).toContain(mail.file_name);
      const parsed = parseMail(await readFile(join(dir, mail.file_name!), 'utf8'), { from: '', to: [] });
      expect(parsed.subject).toBe('Bestellung fehlgeschlagen: Contoso Japan');
      expect(parsed.headers.get('content-language')).toBe('de');
      expect(parsed.from).toContain('Reseller B GmbH');
      expect(parsed.text).toContain('Guten Tag');
      expect(parsed.html).toContain('#c92a2a');
    }
  });

  it('lets people opt out of non-essential e-mails, never of essential ones', async () => {
    const sales = await loginAs(server.url, 'sales@reseller-a.test');
    const refused = await sales.put('/api/v1/notification-settings/me', { emailOptOut: ['order_failed'] });
    expect(refused.status).toBe(400);
    expect((await json<{ error: { code: string } }>(refused)).error.code).toBe('essential_notification');

    const saved = await sales.put('/api/v1/notification-settings/me', {
      emailOptOut: ['provisioning_completed'],
    });
    expect(saved.status).toBe(200);
    expect(await json(saved)).toMatchObject({ emailOptOut: ['provisioning_completed'] });

    const done = await publish(server.deps, {
      type: 'provisioning_completed',
      organizationId: org['customer-a']!,
      subject: { type: 'order', id: 'ord-opt' },
      data: { orderId: 'ord-opt', customerName: 'Contoso Japan', items: [{ title: 'M365 E3', quantity: 5 }] },
    });
    const failed = await publish(server.deps, orderFailed(org['customer-a']!, 'ord-opt-2'));
    await processOutbox(server.deps);
    const channelsOf = async (eventId: string) =>
      (await notificationsOf(server.deps, eventId))
        .filter((n) => n.email === 'sales@reseller-a.test')
        .map((n) => n.channel);
    expect(await channelsOf(done)).toEqual(['in_app']);
    expect(await channelsOf(failed)).toEqual(['email', 'in_app']);
  });

  it('follows an organisation’s recipient settings: roles, named users, channels', async () => {
    const admin = await loginAs(server.url, 'admin@reseller-a.test');
    const settings = await admin.get('/api/v1/notification-settings');
    expect(settings.status).toBe(200);
    const body = await json<{
      renewalNoticeMonths: number[];
      events: { type: string; roles: string[]; isDefault: boolean; essential: boolean }[];
    }>(settings);
    expect(body.renewalNoticeMonths).toEqual([2, 1]);
    expect(body.events.find((e) => e.type === 'invoice_issued')).toMatchObject({
      roles: ['admin', 'billing'],
      isDefault: true,
      essential: true,
    });
    expect(body.events.find((e) => e.type === 'order_failed')?.roles).toEqual(['admin', 'sales']);

    const users = await json<{ items: { id: string; email: string }[] }>(await admin.get('/api/v1/users'));
    const salesId = users.items.find((u) => u.email === 'sales@reseller-a.test')!.id;
    const etag = settings.headers.get('etag')!;
    const put = await admin.request(
      'PUT',
      '/api/v1/notification-settings',
      {
        rules: {
          // Failed orders: admins in the console only; named sales person by both channels.
          order_failed: { roles: ['admin'], userIds: [], channels: ['in_app'] },
          provisioning_completed: { roles: [], userIds: [salesId], channels: ['in_app', 'email'] },
        },
      },
      { 'if-match': etag },
    );
    expect(put.status).toBe(200);
    // The same ETag again is stale now.
    const stale = await admin.request(
      'PUT',
      '/api/v1/notification-settings',
      { rules: {} },
      { 'if-match': etag },
    );
    expect(stale.status).toBe(412);
    // A customer role does not exist in a reseller organisation.
    const wrong = await admin.put('/api/v1/notification-settings', {
      rules: { order_failed: { roles: ['customer_admin'], userIds: [], channels: ['email'] } },
    });
    expect(wrong.status).toBe(400);

    const failed = await publish(server.deps, orderFailed(org['customer-a']!, 'ord-rules'));
    await processOutbox(server.deps);
    const rows = (await notificationsOf(server.deps, failed)).filter((n) =>
      n.email.endsWith('reseller-a.test'),
    );
    expect(rows.map((r) => `${r.email} ${r.channel}`)).toEqual(['admin@reseller-a.test in_app']);

    // Back to the default.
    const reset = await admin.put('/api/v1/notification-settings', { rules: { order_failed: null } });
    expect(
      (await json<{ events: { type: string; isDefault: boolean }[] }>(reset)).events.find(
        (e) => e.type === 'order_failed',
      )?.isDefault,
    ).toBe(true);
  });
});

describe('alerts from the core', () => {
  it('become events with the core’s dedupe key: an alert evaluated twice notifies once', async () => {
    const jpy = (amount: string) => Money.of(amount, 'JPY');
    const budget = budgetThresholdAlerts({
      subject: { customerId: org['customer-d']! },
      month: parseYearMonth('2026-03'),
      planned: jpy('10000'),
      monthToDate: jpy('5200'),
    }).alerts[0]!;
    const credit = usageLevelAlerts({
      subject: { kind: 'customer', id: org['customer-d']! },
      month: parseYearMonth('2026-03'),
      levels: { warning: jpy('5000') },
      usage: jpy('5200'),
    }).alerts[0]!;
    const ids = new Set<string>();
    for (let run = 0; run < 2; run += 1) {
      ids.add(await publish(server.deps, budgetAlertEvent(budget, 'Tailspin Osaka')));
      ids.add(await publish(server.deps, creditAlertEvent(credit, 'Tailspin Osaka')));
    }
    expect(ids.size).toBe(2);
    await processOutbox(server.deps);
    const [budgetEvent, creditEvent] = [...ids];
    // The budget is the customer's; its credit level is its seller's (the sub-reseller) business.
    expect(await recipientsOf(budgetEvent!)).toEqual(['admin@customer-d.test']);
    expect(await recipientsOf(creditEvent!)).toEqual(['admin@reseller-a-sub.test']);
    const [mail] = (await notificationsOf(server.deps, budgetEvent!)).filter((n) => n.channel === 'email');
    expect(mail!.title).toBe('【予算アラート】予定額の50%に到達（Tailspin Osaka）');
    const [notice] = await notificationsOf(server.deps, creditEvent!);
    expect(notice!.title).toBe('【与信レベル「警告」】Tailspin Osaka');
  });
});

describe('the notification centre', () => {
  let customerAdmin: Caller;

  beforeAll(async () => {
    customerAdmin = await loginAs(server.url, 'admin@customer-a.test');
  });

  it('lists the caller’s own notifications with channel, event and unread filters', async () => {
    const page = await json<{
      items: { id: string; channel: string; eventType: string; readAt: string | null; title: string }[];
    }>(await customerAdmin.get('/api/v1/notifications?channel=in_app&limit=200'));
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((n) => n.channel === 'in_app')).toBe(true);
    const invoices = await json<{ items: { eventType: string; title: string }[] }>(
      await customerAdmin.get('/api/v1/notifications?event=invoice_issued'),
    );
    expect(invoices.items.map((n) => n.eventType)).toContain('invoice_issued');
    expect(invoices.items.every((n) => n.eventType === 'invoice_issued')).toBe(true);
    expect(invoices.items[0]!.title).toBe('【請求書発行】RA-2026-0001（Reseller A Cloud）');

    const first = page.items[0]!;
    const read = await customerAdmin.post(`/api/v1/notifications/${first.id}/read`);
    expect(read.status).toBe(200);
    expect((await json<{ readAt: string }>(read)).readAt).toBeTruthy();
    const unread = await json<{ items: { id: string }[] }>(
      await customerAdmin.get('/api/v1/notifications?unread=true&limit=200'),
    );
    expect(unread.items.map((n) => n.id)).not.toContain(first.id);

    const all = await json<{ marked: number }>(await customerAdmin.post('/api/v1/notifications/read-all'));
    expect(all.marked).toBeGreaterThan(0);
    expect(
      (await json<{ items: unknown[] }>(await customerAdmin.get('/api/v1/notifications?unread=true'))).items,
    ).toEqual([]);
  });

  it('pages with a cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = await json(
        await customerAdmin.get(`/api/v1/notifications?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.items.map((n) => n.id));
      cursor = page.nextCursor;
    } while (cursor);
    const everything = await json<{ items: { id: string }[] }>(
      await customerAdmin.get('/api/v1/notifications?limit=200'),
    );
    expect(seen).toEqual(everything.items.map((n) => n.id));
  });

  it('shows an admin the outbox of the subtree; nobody marks someone else’s notification read', async () => {
    const resellerAdmin = await loginAs(server.url, 'admin@reseller-a.test');
    const outbox = await json<{
      items: { recipient: string; channel: string; status: string; fileName: string }[];
    }>(await resellerAdmin.get('/api/v1/notifications?recipient=all&channel=email&limit=200'));
    const recipients = new Set(outbox.items.map((n) => n.recipient));
    expect(recipients.has('admin@customer-a.test')).toBe(true);
    expect(recipients.has('admin@customer-c.test')).toBe(false);
    expect(outbox.items.every((n) => n.status === 'sent' && n.fileName.endsWith('.eml'))).toBe(true);

    const customerUser = await loginAs(server.url, 'user@customer-a.test');
    expect((await customerUser.get('/api/v1/notifications?recipient=all')).status).toBe(403);
    const someoneElses = outbox.items.length > 0 ? (outbox.items[0] as unknown as { id: string }).id : '';
    expect((await customerUser.post(`/api/v1/notifications/${someoneElses}/read`)).status).toBe(404);
    expect((await customerUser.get(`/api/v1/notifications/${someoneElses}`)).status).toBe(404);
    const detail = await resellerAdmin.get(`/api/v1/notifications/${someoneElses}`);
    expect(detail.status).toBe(200);
    expect((await json<{ html: string }>(detail)).html).toContain('<!doctype html>');
  });
});
