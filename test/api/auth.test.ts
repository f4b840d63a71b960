import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, json, loginAs, withApiKey } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', env: { LOGIN_RATE_LIMIT: '5' } });
});
afterAll(async () => server?.close());

describe('health and API documents', () => {
  it('answers /healthz with a database check', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves the OpenAPI document and the docs UI', async () => {
    const doc = await json<{ openapi: string; paths: Record<string, unknown> }>(
      await fetch(`${server.url}/api/openapi.json`),
    );
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/v1/organizations/{id}');
    expect((await fetch(`${server.url}/api/docs/`)).status).toBe(200);
  });

  it('exposes Prometheus metrics', async () => {
    await fetch(`${server.url}/healthz`);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain(
      'cspc_http_request_duration_seconds_count{method="GET",route="/healthz",status="200"}',
    );
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('sets security headers', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await fetch(`${server.url}/api/v1/no-such-thing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_found', message: 'There is nothing at this address.' },
    });
  });
});

describe('login, session and logout', () => {
  it('logs in, reads /me, and logs out', async () => {
    const session = await loginAs(server.url, 'admin@demo-distributor.test');
    const me = await json<{
      user: { email: string };
      organization: { name: string; kind: string };
      role: string;
      permissions: string[];
    }>(await session.get('/api/v1/me'));
    expect(me.user.email).toBe('admin@demo-distributor.test');
    expect(me.organization).toMatchObject({ name: 'Demo Distributor', kind: 'provider' });
    expect(me.role).toBe('admin');
    expect(me.permissions).toContain('audit:read');

    expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await session.get('/api/v1/me')).status).toBe(401);
  });

  it('sets an HTTP-only SameSite session cookie', async () => {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@customer-a.test', password: 'demo' }),
    });
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^cspc_session=/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
  });

  it('refuses a wrong password with 401 and a stable code', async () => {
    const response = await anonymous(server.url).post('/api/v1/auth/login', {
      email: 'admin@reseller-b.test',
      password: 'wrong',
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({
      error: { code: 'invalid_credentials', message: 'The e-mail or password is not correct.' },
    });
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const response = await anonymous(server.url).post('/api/v1/auth/login', {
      email: 'nobody@example.test',
      password: 'demo',
    });
    expect(response.status).toBe(401);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('invalid_credentials');
  });

  it('rate-limits repeated login attempts', async () => {
    const attempt = () =>
      anonymous(server.url).post('/api/v1/auth/login', { email: 'sales@reseller-a.test', password: 'wrong' });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await attempt()).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const body = await json<{ error: { code: string } }>(await attempt());
    expect(body.error.code).toBe('rate_limited');
  });

  it('requires sign-in for API routes', async () => {
    const response = await anonymous(server.url).get('/api/v1/organizations');
    expect(response.status).toBe(401);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('unauthenticated');
  });

  it('rejects cookie-authenticated writes without the CSRF token', async () => {
    const session = await loginAs(server.url, 'admin@reseller-a.test');
    const response = await fetch(`${server.url}/api/v1/me`, {
      method: 'PATCH',
      headers: { cookie: session.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ locale: 'de' }),
    });
    expect(response.status).toBe(403);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('csrf_failed');
    const withToken = await session.patch('/api/v1/me', { locale: 'de' });
    expect(withToken.status).toBe(200);
    expect((await json<{ user: { locale: string } }>(withToken)).user.locale).toBe('de');
  });

  it('changes a password, keeping the current session and ending the others', async () => {
    const first = await loginAs(server.url, 'admin@customer-d.test');
    const second = await loginAs(server.url, 'admin@customer-d.test');
    const weak = await first.post('/api/v1/me/password', { currentPassword: 'demo', newPassword: 'short' });
    expect(weak.status).toBe(400);
    expect((await json<{ error: { code: string } }>(weak)).error.code).toBe('password_too_weak');
    const wrong = await first.post('/api/v1/me/password', {
      currentPassword: 'nope',
      newPassword: 'correct-horse-42',
    });
    expect((await json<{ error: { code: string } }>(wrong)).error.code).toBe('invalid_password');
    expect(
      (await first.post('/api/v1/me/password', { currentPassword: 'demo', newPassword: 'correct-horse-42' }))
        .status,
    ).toBe(204);
    expect((await first.get('/api/v1/me')).status).toBe(200);
    expect((await second.get('/api/v1/me')).status).toBe(401);
    await expect(loginAs(server.url, 'admin@customer-d.test')).rejects.toThrow(/401/);
    await loginAs(server.url, 'admin@customer-d.test', 'correct-horse-42');
  });
});

describe('validation errors', () => {
  it('answers a malformed body with 400 and the fields at fault', async () => {
    const session = await loginAs(server.url, 'admin@demo-distributor.test');
    const response = await session.post('/api/v1/organizations', { kind: 'planet', name: '' });
    expect(response.status).toBe(400);
    const body = await json<{ error: { code: string; details: { field: string }[] } }>(response);
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.details.length).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('answers invalid JSON with 400, not 500', async () => {
    const session = await loginAs(server.url, 'admin@demo-distributor.test');
    const response = await fetch(`${server.url}/api/v1/organizations`, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrfToken,
        'content-type': 'application/json',
      },
      body: '{"name": ',
    });
    expect(response.status).toBe(400);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('invalid_request');
  });

  it('checks business rules on fields with a message per field', async () => {
    const session = await loginAs(server.url, 'admin@demo-distributor.test');
    const me = await json<{ organization: { id: string } }>(await session.get('/api/v1/me'));
    const response = await session.post('/api/v1/organizations', {
      parentId: me.organization.id,
      kind: 'customer',
      name: 'Bad Fields KK',
      country: 'jp',
      currency: 'YEN',
      timeZone: 'Mars/Olympus',
      locale: 'ja',
    });
    expect(response.status).toBe(400);
    const body = await json<{ error: { code: string; details: { field: string }[] } }>(response);
    expect(body.error.details.map((d) => d.field).sort()).toEqual(['country', 'currency', 'timeZone']);
  });
});

describe('API keys', () => {
  it('creates a key shown once, authenticates with it, and revokes it', async () => {
    const admin = await loginAs(server.url, 'admin@reseller-a.test');
    const created = await admin.post('/api/v1/api-keys', { name: 'ERP', role: 'readonly' });
    expect(created.status).toBe(201);
    const key = await json<{ id: string; key: string; prefix: string }>(created);
    expect(key.key).toMatch(/^cspc_[0-9a-f]{12}_/);

    const listed = await json<{ items: Record<string, unknown>[] }>(await admin.get('/api/v1/api-keys'));
    expect(JSON.stringify(listed)).not.toContain(key.key.slice('cspc_'.length + key.prefix.length + 1));

    const erp = withApiKey(server.url, key.key);
    const orgs = await json<{ items: { name: string }[] }>(await erp.get('/api/v1/organizations?limit=50'));
    expect(orgs.items.map((o) => o.name)).toContain('Reseller A');
    expect(orgs.items.map((o) => o.name)).not.toContain('Reseller B');
    // A read-only key cannot write, and needs no CSRF token to be refused properly.
    const write = await erp.post('/api/v1/organizations', {
      parentId: '00000000-0000-4000-8000-000000000000',
      kind: 'customer',
      name: 'X',
      country: 'JP',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      locale: 'ja',
    });
    expect(write.status).toBe(403);

    expect((await admin.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(204);
    const after = await erp.get('/api/v1/organizations');
    expect(after.status).toBe(401);
    expect((await json<{ error: { code: string } }>(after)).error.code).toBe('invalid_api_key');
  });

  it('refuses a malformed or unknown key', async () => {
    expect((await withApiKey(server.url, 'not-a-key').get('/api/v1/me')).status).toBe(401);
    expect(
      (await withApiKey(server.url, `cspc_0123456789ab_${'x'.repeat(43)}`).get('/api/v1/me')).status,
    ).toBe(401);
  });
});
