import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processOutbox } from '../../packages/server/src/modules/notifications/process-outbox.ts';
import type { WebhookPolicy } from '../../packages/server/src/modules/webhooks/deliver-webhooks.ts';
import { signatureHeader, verifySignature } from '../../packages/server/src/modules/webhooks/signature.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { manualClock, notificationsOf, publish, startReceiver, type TestReceiver } from './support.ts';

interface Endpoint {
  id: string;
  url: string;
  enabled: boolean;
  consecutiveFailures: number;
  disabledReason: string | null;
  eventTypes: string[];
  version: number;
  secret?: string;
}

interface Delivery {
  id: string;
  eventId: string | null;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
  redeliveryOf: string | null;
}

let server: TestServer;
let receiver: TestReceiver;
let admin: Caller;
let org: Record<string, string>;
const clock = manualClock();

beforeAll(async () => {
  receiver = await startReceiver();
  server = await startTestServer({ seed: 'demo', clock });
  org = server.demo!.organizations;
  admin = await loginAs(server.url, 'admin@reseller-a.test');
});
afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

const orderFailed = (orderId: string) => ({
  type: 'order_failed' as const,
  organizationId: org['customer-a']!,
  subject: { type: 'order', id: orderId },
  data: { orderId, customerName: 'Contoso Japan', reason: 'Partner Center is unavailable.' },
});

async function createEndpoint(body: Record<string, unknown>): Promise<Endpoint> {
  const response = await admin.post('/api/v1/webhooks', { url: receiver.url, ...body });
  expect(response.status).toBe(201);
  const endpoint = await json<Endpoint>(response);
  receiver.setSecret(endpoint.secret!);
  return endpoint;
}

const deliveriesOf = async (endpointId: string) =>
  (await json<{ items: Delivery[] }>(await admin.get(`/api/v1/webhooks/${endpointId}/deliveries?limit=200`)))
    .items;

const deleteEndpoint = async (id: string) =>
  expect((await admin.delete(`/api/v1/webhooks/${id}`)).status).toBe(204);

describe('webhook endpoints', () => {
  it('shows the signing secret once and stores it encrypted', async () => {
    const endpoint = await createEndpoint({ description: 'ERP', eventTypes: ['order_failed'] });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await json<Endpoint>(await admin.get(`/api/v1/webhooks/${endpoint.id}`));
    expect(read).not.toHaveProperty('secret');
    expect(JSON.stringify(await json(await admin.get('/api/v1/webhooks')))).not.toContain(endpoint.secret);
    const stored = await server.deps.database.db
      .selectFrom('webhook_endpoints')
      .select('secret')
      .where('id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret.startsWith('whs1.')).toBe(true);
    expect(stored.secret).not.toContain(endpoint.secret!.slice('whsec_'.length));
    await deleteEndpoint(endpoint.id);
  });

  it('refuses URLs it cannot or should not call, and unknown event types', async () => {
    for (const url of ['not a url', 'ftp://example.com/hook', 'https://user:secret@example.com/hook']) {
      const response = await admin.post('/api/v1/webhooks', { url });
      expect(response.status, url).toBe(400);
    }
    expect((await admin.post('/api/v1/webhooks', { url: receiver.url, eventTypes: ['nope'] })).status).toBe(
      400,
    );
    const customerUser = await loginAs(server.url, 'user@customer-a.test');
    expect((await customerUser.post('/api/v1/webhooks', { url: receiver.url })).status).toBe(403);
  });
});

describe('webhook delivery', () => {
  it('delivers signed events of the chosen types, to endpoints of the event’s organisation and above', async () => {
    const endpoint = await createEndpoint({ eventTypes: ['order_failed'] });
    const eventId = await publish(server.deps, orderFailed('ord-hook-1'));
    await publish(server.deps, {
      type: 'invoice_issued',
      organizationId: org['customer-a']!,
      subject: { type: 'invoice', id: 'inv-x' },
      data: {
        invoiceId: 'inv-x',
        invoiceNumber: 'RA-1',
        issuerName: 'Reseller A Cloud',
        total: { amount: '1', currency: 'JPY' },
        issueDate: '2026-04-01',
      },
    });
    receiver.received.length = 0;
    await processOutbox(server.deps);

    expect(receiver.received).toHaveLength(1);
    const [hook] = receiver.received;
    expect(hook!.signatureValid).toBe(true);
    expect(hook!.headers['cspc-event']).toBe('order_failed');
    expect(hook!.headers['content-type']).toBe('application/json');
    expect(hook!.json).toMatchObject({
      id: eventId,
      type: 'order_failed',
      organizationId: org['customer-a'],
      subject: { type: 'order', id: 'ord-hook-1' },
      data: { orderId: 'ord-hook-1', customerName: 'Contoso Japan' },
    });
    // Verifying with the wrong secret or a changed body fails.
    const header = String(hook!.headers['cspc-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_wrong', hook!.body, header)).toBe(false);
    expect(verifySignature(endpoint.secret!, hook!.body.replace('ord-hook-1', 'ord-hook-2'), header)).toBe(
      false,
    );

    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({
      eventId,
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 200,
      id: hook!.headers['cspc-delivery'],
    });
    await deleteEndpoint(endpoint.id);
  });

  it('keeps events of credit control away from the customer’s own endpoints', async () => {
    const customerAdmin = await loginAs(server.url, 'admin@customer-a.test');
    const own = await json<Endpoint>(await customerAdmin.post('/api/v1/webhooks', { url: receiver.url }));
    const seller = await createEndpoint({});
    const credit = await publish(server.deps, {
      type: 'provisional_credit_exceeded',
      organizationId: org['customer-a']!,
      subject: { type: 'customer', id: org['customer-a']! },
      data: {
        subjectName: 'Customer A (Contoso Japan)',
        period: '2026-03',
        usage: { amount: '410000', currency: 'JPY' },
        provisionalCredit: { amount: '400000', currency: 'JPY' },
      },
    });
    receiver.received.length = 0;
    await processOutbox(server.deps);
    expect(receiver.received.map((r) => r.json.id)).toEqual([credit]);
    expect(await deliveriesOf(seller.id)).toHaveLength(1);
    const ownDeliveries = await json<{ items: Delivery[] }>(
      await customerAdmin.get(`/api/v1/webhooks/${own.id}/deliveries`),
    );
    expect(ownDeliveries.items).toEqual([]);
    expect((await customerAdmin.delete(`/api/v1/webhooks/${own.id}`)).status).toBe(204);
    await deleteEndpoint(seller.id);
  });

  it('retries with exponential backoff until the receiver answers, with a log of every attempt', async () => {
    const endpoint = await createEndpoint({ eventTypes: ['order_failed'] });
    receiver.received.length = 0;
    receiver.failNext(2, 503);
    const eventId = await publish(server.deps, orderFailed('ord-retry'));

    await processOutbox(server.deps);
    let [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 503 });
    expect(Date.parse(delivery!.nextAttemptAt!) - clock.now().getTime()).toBe(60_000);

    clock.advance(30);
    await processOutbox(server.deps);
    expect(receiver.received).toHaveLength(1);

    clock.advance(31);
    await processOutbox(server.deps);
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 2 });
    expect(Date.parse(delivery!.nextAttemptAt!) - clock.now().getTime()).toBe(120_000);

    clock.advance(121);
    await processOutbox(server.deps);
    [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });

    // The same event each time, each freshly signed.
    expect(receiver.received.map((r) => [r.json.id, r.answeredWith, r.signatureValid])).toEqual([
      [eventId, 503, true],
      [eventId, 503, true],
      [eventId, 200, true],
    ]);
    const detail = await json<{
      attemptLog: { attempt: number; statusCode: number; responseBody: string }[];
      payload: { id: string };
    }>(await admin.get(`/api/v1/webhooks/${endpoint.id}/deliveries/${delivery!.id}`));
    expect(detail.payload.id).toBe(eventId);
    expect(detail.attemptLog.map((a) => [a.attempt, a.statusCode, a.responseBody])).toEqual([
      [1, 503, 'receiver is down'],
      [2, 503, 'receiver is down'],
      [3, 200, 'ok'],
    ]);
    await deleteEndpoint(endpoint.id);
  });

  it('disables an endpoint after repeated failure, tells the admins, and re-delivers by hand', async () => {
    const policy: WebhookPolicy = { maxAttempts: 3, disableAfterFailures: 5, timeoutMs: 5_000 };
    const endpoint = await createEndpoint({ eventTypes: ['order_failed'] });
    receiver.received.length = 0;
    receiver.failAlways(500);
    await publish(server.deps, orderFailed('ord-down-1'));
    await publish(server.deps, orderFailed('ord-down-2'));
    await publish(server.deps, orderFailed('ord-down-3'));

    // Three deliveries fail at once; their retries come 60 s later and fail again: 6 failures ≥ 5.
    await processOutbox(server.deps, { webhookPolicy: policy });
    let state = await json<Endpoint>(await admin.get(`/api/v1/webhooks/${endpoint.id}`));
    expect(state).toMatchObject({ enabled: true, consecutiveFailures: 3 });
    clock.advance(61);
    await processOutbox(server.deps, { webhookPolicy: policy });
    state = await json<Endpoint>(await admin.get(`/api/v1/webhooks/${endpoint.id}`));
    expect(state.enabled).toBe(false);
    expect(state.disabledReason).toContain('failed delivery attempts in a row');
    const deliveries = await deliveriesOf(endpoint.id);
    expect(deliveries.map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);

    // Nothing more is sent to a disabled endpoint.
    const sent = receiver.received.length;
    await publish(server.deps, orderFailed('ord-down-4'));
    clock.advance(3600);
    await processOutbox(server.deps, { webhookPolicy: policy });
    expect(receiver.received.length).toBe(sent);

    // The organisation's admins hear about it, in the console and by e-mail.
    const disabledEvent = await server.deps.database.db
      .selectFrom('notification_events')
      .select('id')
      .where('type', '=', 'webhook_endpoint_disabled')
      .where('subject_id', '=', endpoint.id)
      .executeTakeFirstOrThrow();
    const notices = await notificationsOf(server.deps, disabledEvent.id);
    expect(notices.map((n) => `${n.email} ${n.channel}`)).toEqual([
      'admin@reseller-a.test email',
      'admin@reseller-a.test in_app',
    ]);
    expect(notices[0]!.title).toBe('【Webhook 停止】127.0.0.1:' + new URL(receiver.url).port);

    // Re-delivery needs an enabled endpoint.
    const failed = deliveries[0]!;
    const refused = await admin.post(`/api/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/redeliver`);
    expect(refused.status).toBe(409);

    receiver.failAlways(null);
    const enabled = await admin.patch(`/api/v1/webhooks/${endpoint.id}`, { enabled: true });
    expect(await json(enabled)).toMatchObject({
      enabled: true,
      consecutiveFailures: 0,
      disabledReason: null,
    });
    const again = await admin.post(`/api/v1/webhooks/${endpoint.id}/deliveries/${failed.id}/redeliver`);
    expect(again.status).toBe(202);
    const redelivery = await json<Delivery>(again);
    expect(redelivery).toMatchObject({ status: 'pending', redeliveryOf: failed.id, eventId: failed.eventId });
    // A delivery still being attempted is not re-delivered on top.
    expect(
      (await admin.post(`/api/v1/webhooks/${endpoint.id}/deliveries/${redelivery.id}/redeliver`)).status,
    ).toBe(409);

    receiver.received.length = 0;
    await processOutbox(server.deps, { webhookPolicy: policy });
    expect(receiver.received.map((r) => [r.json.id, r.headers['cspc-delivery'], r.signatureValid])).toEqual([
      [failed.eventId, redelivery.id, true],
    ]);
    await deleteEndpoint(endpoint.id);
  });

  it('sends a test ping on request', async () => {
    const endpoint = await createEndpoint({ eventTypes: ['invoice_issued'] });
    receiver.received.length = 0;
    const ping = await admin.post(`/api/v1/webhooks/${endpoint.id}/ping`);
    expect(ping.status).toBe(202);
    await processOutbox(server.deps);
    expect(receiver.received.map((r) => [r.json.type, r.signatureValid])).toEqual([['ping', true]]);
    await deleteEndpoint(endpoint.id);
  });
});

describe('signatures', () => {
  it('accept the exact body within the tolerance, and nothing else', () => {
    const body = '{"id":"e1","type":"ping"}';
    const now = 1_770_000_000;
    const header = signatureHeader('whsec_test', body, now);
    expect(verifySignature('whsec_test', body, header, { now })).toBe(true);
    expect(verifySignature('whsec_test', body, header, { now: now + 299 })).toBe(true);
    // A replay ten minutes later is refused.
    expect(verifySignature('whsec_test', body, header, { now: now + 600 })).toBe(false);
    expect(verifySignature('whsec_test', `${body} `, header, { now })).toBe(false);
    expect(verifySignature('whsec_test', body, 'v1=abc', { now })).toBe(false);
    // During a secret rotation, either of two signatures is accepted.
    const rotated = `${header},v1=${signatureHeader('whsec_new', body, now).split('v1=')[1]}`;
    expect(verifySignature('whsec_new', body, rotated, { now })).toBe(true);
  });
});
