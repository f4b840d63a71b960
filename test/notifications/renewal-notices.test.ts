import { parsePlainDate } from '@cspc/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import {
  dueNotice,
  sendRenewalNotices,
} from '../../packages/server/src/modules/notifications/renewal-notices.ts';
import { json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { manualClock, startSmtpServer, type TestSmtpServer } from './support.ts';

let smtp: TestSmtpServer;
let server: TestServer;
let org: Record<string, string>;
// 10:00 in Tokyo on 15 March 2026.
const clock = manualClock(Date.parse('2026-03-15T01:00:00Z'));

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({ seed: 'demo', clock, env: { SMTP_URL: smtp.url } });
  // The demo seed publishes notifications of its own (budget alerts): send them first, so each
  // test receives only the mail it causes.
  await processOutbox(server.deps);
  smtp.messages.length = 0;
  org = server.demo!.organizations;
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function subscription(values: {
  title: string;
  termEnd: string;
  autoRenew?: boolean;
  kind?: 'license' | 'own_product';
  status?: 'active' | 'cancelled';
  seller?: string;
  customer?: string;
}): Promise<string> {
  const row = await server.deps.database.db
    .insertInto('subscriptions')
    .values({
      provider_id: org.provider!,
      seller_id: org[values.seller ?? 'reseller-a']!,
      customer_id: org[values.customer ?? 'customer-a']!,
      kind: values.kind ?? 'license',
      title: values.title,
      status: values.status ?? 'active',
      quantity: 25,
      term: 'P1Y',
      billing_cycle: 'monthly',
      term_start: '2025-01-01',
      term_end: values.termEnd,
      auto_renew: values.autoRenew ?? true,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const noticesFor = (subscriptionId: string) =>
  server.deps.database.db
    .selectFrom('notification_events')
    .select(['dedupe_key', 'data'])
    .where('type', '=', 'renewal_notice')
    .where('subject_id', '=', subscriptionId)
    .orderBy('occurred_at')
    .execute()
    .then((rows) => rows.map((r) => (r.data as { monthsBefore: number }).monthsBefore));

describe('when a renewal notice is due', () => {
  const d = parsePlainDate;
  it('picks the nearest reached “N months before” date', () => {
    expect(dueNotice(d('2026-05-10'), d('2026-03-09'), [2, 1])).toBeNull();
    expect(dueNotice(d('2026-05-10'), d('2026-03-10'), [2, 1])).toBe(2);
    expect(dueNotice(d('2026-05-10'), d('2026-04-10'), [2, 1])).toBe(1);
    expect(dueNotice(d('2026-05-10'), d('2026-05-09'), [1, 2])).toBe(1);
    // The term has ended (the end is exclusive): nothing to announce any more.
    expect(dueNotice(d('2026-05-10'), d('2026-05-10'), [2, 1])).toBeNull();
    // Month ends clamp: two months before 31 May is 31 March.
    expect(dueNotice(d('2026-05-31'), d('2026-03-30'), [2])).toBeNull();
    expect(dueNotice(d('2026-05-31'), d('2026-03-31'), [2])).toBe(2);
    expect(dueNotice(d('2026-05-10'), d('2026-03-15'), [])).toBeNull();
  });
});

describe('the renewal notice job', () => {
  let renewing: string;
  let ending: string;
  let later: string;
  let ownService: string;
  let cancelled: string;

  beforeAll(async () => {
    renewing = await subscription({ title: 'Microsoft 365 Business Standard', termEnd: '2026-05-10' });
    ending = await subscription({
      title: 'Exchange Online (Plan 1)',
      termEnd: '2026-04-10',
      autoRenew: false,
    });
    later = await subscription({ title: 'Microsoft 365 E3', termEnd: '2026-06-01' });
    ownService = await subscription({ title: 'Managed backup', termEnd: '2026-04-20', kind: 'own_product' });
    cancelled = await subscription({ title: 'Visio Plan 2', termEnd: '2026-04-01', status: 'cancelled' });
  });

  it('publishes each due notice once per subscription, term end and N', async () => {
    expect(await sendRenewalNotices(server.deps.database.db, clock.now())).toBe(3);
    expect(await noticesFor(renewing)).toEqual([2]);
    expect(await noticesFor(ending)).toEqual([1]);
    expect(await noticesFor(ownService)).toEqual([2]);
    expect(await noticesFor(later)).toEqual([]);
    expect(await noticesFor(cancelled)).toEqual([]);
    // The daily job runs again (or twice): nothing new.
    expect(await sendRenewalNotices(server.deps.database.db, clock.now())).toBe(0);

    clock.set(new Date('2026-04-11T01:00:00Z'));
    expect(await sendRenewalNotices(server.deps.database.db, clock.now())).toBe(3);
    expect(await noticesFor(renewing)).toEqual([2, 1]);
    expect(await noticesFor(ownService)).toEqual([2, 1]);
    expect(await noticesFor(later)).toEqual([2]);
    // The term of `ending` is over: no notice after the fact.
    expect(await noticesFor(ending)).toEqual([1]);
  });

  it('tells the customer and its seller, by e-mail in their language', async () => {
    smtp.messages.length = 0;
    await processOutbox(server.deps);
    const toCustomer = smtp.messages.filter((m) => m.to.includes('admin@customer-a.test'));
    const subjects = toCustomer.map((m) => m.subject).sort();
    expect(subjects).toContain('【更新のお知らせ】Microsoft 365 Business Standard（2026年5月10日 更新）');
    expect(subjects).toContain('【契約終了のお知らせ】Exchange Online (Plan 1)（2026年4月9日 終了）');
    expect(subjects).toContain('【更新のお知らせ】Managed backup（2026年4月20日 更新）');
    const renewal = toCustomer.find((m) => m.subject.includes('Microsoft 365 Business Standard'))!;
    expect(renewal.from).toContain('Reseller A Cloud');
    expect(renewal.text).toContain('更新日までにお手続きください');
    // The seller's staff (admins and sales of Reseller A) hear about it too; the provider does not.
    const recipients = new Set(smtp.messages.flatMap((m) => m.to));
    expect([...recipients].sort()).toEqual([
      'admin@customer-a.test',
      'admin@reseller-a.test',
      'sales@reseller-a.test',
    ]);
  });

  it('follows the seller’s own timing; a customer cannot set it', async () => {
    const seller = await loginAs(server.url, 'admin@reseller-b.test');
    const saved = await seller.put('/api/v1/notification-settings', { renewalNoticeMonths: [1, 3] });
    expect(saved.status).toBe(200);
    expect((await json<{ renewalNoticeMonths: number[] }>(saved)).renewalNoticeMonths).toEqual([3, 1]);
    const customer = await loginAs(server.url, 'admin@customer-c.test');
    const refused = await customer.put('/api/v1/notification-settings', { renewalNoticeMonths: [1] });
    expect(refused.status).toBe(400);

    // Today is 11 April: three months before 10 July has been reached for Reseller B's customer,
    // while Reseller A (default 2 and 1 months) says nothing yet about the same date.
    const german = await subscription({
      title: 'Microsoft 365 Business Premium',
      termEnd: '2026-07-10',
      seller: 'reseller-b',
      customer: 'customer-c',
    });
    const japanese = await subscription({ title: 'Microsoft 365 Business Premium', termEnd: '2026-07-10' });
    await sendRenewalNotices(server.deps.database.db, clock.now());
    expect(await noticesFor(german)).toEqual([3]);
    expect(await noticesFor(japanese)).toEqual([]);

    smtp.messages.length = 0;
    await processOutbox(server.deps);
    const mail = smtp.messages.find((m) => m.to.includes('admin@customer-c.test'))!;
    expect(mail.subject).toBe('Verlängerung am 10. Juli 2026: Microsoft 365 Business Premium');
    expect(mail.from).toContain('Reseller B GmbH');
  });
});
