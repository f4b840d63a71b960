import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import { loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import {
  manualClock,
  notificationsOf,
  publish,
  type ReceivedMail,
  startSmtpServer,
  type TestSmtpServer,
} from './support.ts';

// A 1×1 PNG, as a reseller would upload its logo (the console stores it as a data URL).
const LOGO =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let smtp: TestSmtpServer;
let server: TestServer;
let org: Record<string, string>;
const clock = manualClock();

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({
    seed: 'demo',
    clock,
    env: { SMTP_URL: smtp.url, MAIL_FROM: 'notices@cspc.example' },
  });
  org = server.demo!.organizations;
  // The demo seed publishes notifications of its own (budget alerts): send them first, so each
  // test receives only the mail it causes.
  await processOutbox(server.deps);
  smtp.messages.length = 0;
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const orderFailed = (organizationId: string, orderId: string, customerName: string) => ({
  type: 'order_failed' as const,
  organizationId,
  subject: { type: 'order', id: orderId },
  data: { orderId, customerName, reason: 'The domain is already taken.' },
});

const to = (mail: ReceivedMail) => mail.to.join(',');
const take = () => smtp.messages.splice(0).sort((a, b) => to(a).localeCompare(to(b)));

describe('e-mail over SMTP', () => {
  it('sends each recipient one message in their language, in the seller’s brand', async () => {
    expect(server.deps.mailer.mode).toBe('smtp');
    await publish(server.deps, orderFailed(org['customer-a']!, 'ord-ja', 'Contoso Japan'));
    await processOutbox(server.deps);
    const mails = take();
    expect(mails.map(to)).toEqual([
      'admin@customer-a.test',
      'admin@reseller-a.test',
      'sales@reseller-a.test',
    ]);
    for (const mail of mails) {
      // Customer A buys from Reseller A: its mail comes from Reseller A's brand, like its console.
      expect(mail.from).toBe('Reseller A Cloud <notices@cspc.example>');
      expect(mail.subject).toBe('【注文失敗】Contoso Japan');
      expect(mail.headers.get('content-language')).toBe('ja');
      expect(mail.headers.get('x-cspc-event')).toBe('order_failed');
      expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
      expect(mail.text).toContain('Contoso Japan の注文を完了できませんでした。');
      expect(mail.text).toContain('理由: The domain is already taken.');
      expect(mail.html).toContain('<html lang="ja">');
      expect(mail.html).toContain('background:#2b8a3e');
      expect(mail.html).toContain('Reseller A Cloud');
      // Essential: the footer says it cannot be switched off.
      expect(mail.text).toContain('停止できません');
    }
    expect(mails[0]!.text).toContain('Sora Watanabe 様');
  });

  it('writes German for a German customer of a German reseller, English for an English reader', async () => {
    await publish(server.deps, orderFailed(org['customer-c']!, 'ord-de', 'Northwind GmbH'));
    await publish(server.deps, {
      type: 'invoice_issued',
      organizationId: org['customer-b']!,
      subject: { type: 'invoice', id: 'inv-b' },
      data: {
        invoiceId: 'inv-b',
        invoiceNumber: 'DD-2026-0042',
        issuerName: 'Demo Distributor',
        total: { amount: '1234567', currency: 'JPY' },
        issueDate: '2026-04-01',
        dueDate: '2026-04-30',
      },
    });
    await processOutbox(server.deps);
    const mails = take();
    expect(mails.map(to)).toEqual([
      'admin@customer-b.test',
      'admin@customer-c.test',
      'admin@reseller-b.test',
    ]);
    const [english, german, reseller] = mails as [ReceivedMail, ReceivedMail, ReceivedMail];
    expect(german.subject).toBe('Bestellung fehlgeschlagen: Northwind GmbH');
    expect(german.from).toBe('Reseller B GmbH <notices@cspc.example>');
    expect(german.html).toContain('background:#c92a2a');
    expect(german.text).toContain('Guten Tag Lena Fischer,');
    expect(reseller.headers.get('content-language')).toBe('de');

    // A direct customer of the provider: the provider's brand; amounts formatted for the reader.
    expect(english.subject).toBe('Invoice DD-2026-0042 from Demo Distributor');
    expect(english.from).toBe('Demo Distributor <notices@cspc.example>');
    expect(english.text).toContain('Invoice DD-2026-0042 for ¥1,234,567 has been issued.');
    expect(english.text).toContain('Due date: April 30, 2026');
    expect(english.headers.get('content-language')).toBe('en');
  });

  it('embeds a reseller’s uploaded logo as an inline image', async () => {
    const admin = await loginAs(server.url, 'admin@reseller-a.test');
    const saved = await admin.patch(`/api/v1/organizations/${org['reseller-a']}`, {
      branding: { displayName: 'Reseller A Cloud', primaryColor: '#2b8a3e', logoUrl: LOGO },
    });
    expect(saved.status).toBe(200);
    await publish(server.deps, {
      type: 'provisioning_completed',
      organizationId: org['customer-a']!,
      subject: { type: 'order', id: 'ord-logo' },
      data: {
        orderId: 'ord-logo',
        customerName: 'Contoso Japan',
        items: [{ title: 'Microsoft 365 E3', quantity: 10 }],
      },
    });
    await processOutbox(server.deps);
    const mail = take().find((m) => to(m) === 'admin@customer-a.test')!;
    expect(mail.subject).toBe('【プロビジョニング完了】Contoso Japan');
    expect(mail.html).toContain('src="cid:brand-logo@cspc"');
    expect(mail.attachments).toEqual([{ contentType: 'image/png', contentId: 'brand-logo@cspc', size: 70 }]);
    expect(mail.text).toContain('Microsoft 365 E3 × 10');
    // Not essential: the footer points to the settings where it can be switched off.
    expect(mail.text).toContain('通知設定で停止できます');
  });

  it('retries a temporary SMTP failure with backoff, and gives up on a permanent one', async () => {
    smtp.failNext(1);
    const id = await publish(server.deps, {
      type: 'invoice_issued',
      organizationId: org['customer-b']!,
      subject: { type: 'invoice', id: 'inv-retry' },
      data: {
        invoiceId: 'inv-retry',
        invoiceNumber: 'DD-2026-0043',
        issuerName: 'Demo Distributor',
        total: { amount: '100', currency: 'JPY' },
        issueDate: '2026-04-01',
      },
    });
    await processOutbox(server.deps);
    expect(smtp.messages).toEqual([]);
    const [mail] = (await notificationsOf(server.deps, id)).filter((n) => n.channel === 'email');
    expect(mail).toMatchObject({ status: 'pending', attempts: 1 });
    const row = await server.deps.database.db
      .selectFrom('notifications')
      .select(['next_attempt_at', 'last_error'])
      .where('id', '=', mail!.id)
      .executeTakeFirstOrThrow();
    expect(row.last_error).toContain('Try again later');
    expect(row.next_attempt_at!.getTime() - clock.now().getTime()).toBe(60_000);

    // Not yet due: nothing is sent.
    await processOutbox(server.deps);
    expect(smtp.messages).toEqual([]);
    clock.advance(61);
    await processOutbox(server.deps);
    expect(take().map(to)).toEqual(['admin@customer-b.test']);
    expect((await notificationsOf(server.deps, id)).find((n) => n.channel === 'email')).toMatchObject({
      status: 'sent',
      attempts: 2,
    });

    // 550 (mailbox unknown) is final: no retry.
    await server.deps.database.db
      .updateTable('users')
      .set({ email: 'nobody@customer-b.test' })
      .where('email', '=', 'admin@customer-b.test')
      .execute();
    smtp.rejectRecipient('nobody@customer-b.test');
    const bounced = await publish(server.deps, {
      type: 'payment_overdue',
      organizationId: org['customer-b']!,
      subject: { type: 'invoice', id: 'inv-retry' },
      data: {
        invoiceId: 'inv-retry',
        invoiceNumber: 'DD-2026-0043',
        amountDue: { amount: '100', currency: 'JPY' },
        dueDate: '2026-04-30',
        daysOverdue: 3,
      },
    });
    await processOutbox(server.deps);
    take();
    const failed = (await notificationsOf(server.deps, bounced)).find(
      (n) => n.email === 'nobody@customer-b.test' && n.channel === 'email',
    );
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
  });
});
