import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requiredScope } from '../../packages/server/src/auth/api-scopes.ts';
import { type Caller, json, loginAs, withApiKey } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;
let admin: Caller & { csrfToken: string };
let org: Record<string, string>;

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  admin = await loginAs(server.url, 'admin@reseller-a.test');
  org = server.demo!.organizations;
});
afterAll(async () => server?.close());

async function newKey(body: Record<string, unknown>): Promise<{ id: string; key: string; scopes: string[] }> {
  const response = await admin.post('/api/v1/api-keys', {
    name: `key ${Math.random()}`,
    role: 'admin',
    ...body,
  });
  expect(response.status).toBe(201);
  return json(response);
}

const customer = (name: string) => ({
  parentId: org['reseller-a'],
  kind: 'customer',
  name,
  country: 'JP',
  currency: 'JPY',
  timeZone: 'Asia/Tokyo',
  locale: 'ja',
});

describe('API key scopes', () => {
  it('maps every request to one scope, by method and URL prefix', () => {
    expect(requiredScope('GET', '/api/v1/orders')).toBe('read');
    expect(requiredScope('HEAD', '/api/v1/webhooks')).toBe('read');
    expect(requiredScope('POST', '/api/v1/orders')).toBe('orders');
    expect(requiredScope('POST', '/api/v1/organizations')).toBe('orders');
    expect(requiredScope('PATCH', '/api/v1/subscriptions/123')).toBe('orders');
    expect(requiredScope('POST', '/api/v1/invoices/9/void')).toBe('billing');
    expect(requiredScope('PUT', '/api/v1/credit-notes/9')).toBe('billing');
    expect(requiredScope('POST', '/api/v1/webhooks')).toBe('manage');
    expect(requiredScope('POST', '/api/v1/users')).toBe('manage');
    // A prefix matches whole path segments only, and unknown writes need the widest scope.
    expect(requiredScope('POST', '/api/v1/ordersx')).toBe('manage');
  });

  it('gives new keys read only, which reads but cannot write', async () => {
    const key = await newKey({});
    expect(key.scopes).toEqual(['read']);
    const erp = withApiKey(server.url, key.key);
    expect((await erp.get('/api/v1/organizations')).status).toBe(200);
    const write = await erp.post('/api/v1/organizations', customer('Refused KK'));
    expect(write.status).toBe(403);
    expect(await json(write)).toMatchObject({
      error: { code: 'insufficient_scope', details: { requiredScope: 'orders', grantedScopes: ['read'] } },
    });
  });

  it('lets a key write what its scopes name, and nothing else', async () => {
    const key = await newKey({ scopes: ['read', 'orders'] });
    const crm = withApiKey(server.url, key.key);
    expect((await crm.post('/api/v1/organizations', customer('Created by CRM KK'))).status).toBe(201);
    const hook = await crm.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' });
    expect(hook.status).toBe(403);
    expect(
      (await json<{ error: { details: { requiredScope: string } } }>(hook)).error.details.requiredScope,
    ).toBe('manage');
    const manager = withApiKey(server.url, (await newKey({ scopes: ['manage'] })).key);
    expect((await manager.post('/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).status).toBe(201);
    // Without `read`, not even a list.
    expect((await manager.get('/api/v1/webhooks')).status).toBe(403);
  });

  it('never lets scopes exceed the key’s role', async () => {
    const key = await newKey({ role: 'readonly', scopes: ['read', 'orders', 'billing', 'manage'] });
    const response = await withApiKey(server.url, key.key).post('/api/v1/organizations', customer('Nope KK'));
    expect(response.status).toBe(403);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('forbidden');
  });

  it('refuses unknown scopes', async () => {
    const response = await admin.post('/api/v1/api-keys', {
      name: 'bad',
      role: 'admin',
      scopes: ['everything'],
    });
    expect(response.status).toBe(400);
  });
});

describe('per-key rate limits', () => {
  it('counts requests per key and answers 429 with Retry-After beyond the key’s limit', async () => {
    const slow = withApiKey(server.url, (await newKey({ rateLimitPerMinute: 3 })).key);
    const other = withApiKey(server.url, (await newKey({})).key);
    for (let i = 0; i < 3; i += 1) {
      const ok = await slow.get('/api/v1/organizations');
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('3');
      expect(ok.headers.get('x-ratelimit-remaining')).toBe(String(2 - i));
    }
    const limited = await slow.get('/api/v1/organizations');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await json<{ error: { code: string } }>(limited)).error.code).toBe('rate_limited');

    // Another key and a person in the browser are not affected.
    expect((await other.get('/api/v1/organizations')).status).toBe(200);
    expect((await other.get('/api/v1/organizations')).headers.get('x-ratelimit-limit')).toBe('600');
    const session = await admin.get('/api/v1/organizations');
    expect(session.status).toBe(200);
    expect(session.headers.get('x-ratelimit-limit')).toBeNull();
  });
});
