import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Org {
  id: string;
  name: string;
  kind: string;
  parentId: string | null;
  version: number;
  branding: Record<string, string>;
  domains: string[];
  childCount: number;
}

let server: TestServer;
let provider: Caller;
let resellerA: Caller;

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
  provider = await loginAs(server.url, 'admin@demo-distributor.test');
  resellerA = await loginAs(server.url, 'admin@reseller-a.test');
});
afterAll(async () => server?.close());

const orgNamed = async (caller: Caller, name: string) =>
  (
    await json<{ items: Org[] }>(await caller.get(`/api/v1/organizations?q=${encodeURIComponent(name)}`))
  ).items.find((o) => o.name === name)!;

describe('organisations', () => {
  it('creates a sub-reseller and a customer below it, visible to every ancestor', async () => {
    const resellerAOrg = await orgNamed(resellerA, 'Reseller A');
    const sub = await resellerA.post('/api/v1/organizations', {
      parentId: resellerAOrg.id,
      kind: 'reseller',
      name: 'Kyoto Partners',
      country: 'JP',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      locale: 'ja',
      branding: { displayName: 'Kyoto Cloud', primaryColor: '#123456' },
    });
    expect(sub.status).toBe(201);
    const subOrg = await json<Org>(sub);
    expect(subOrg).toMatchObject({ kind: 'reseller', parentId: resellerAOrg.id, version: 1, childCount: 0 });

    const customer = await json<Org>(
      await resellerA.post('/api/v1/organizations', {
        parentId: subOrg.id,
        kind: 'customer',
        name: 'Kyoto Tea Co.',
        country: 'JP',
        currency: 'JPY',
        timeZone: 'Asia/Tokyo',
        locale: 'ja',
        domains: ['KyotoTea.onmicrosoft.com'],
      }),
    );
    expect(customer.domains).toEqual(['kyototea.onmicrosoft.com']);
    // Three levels up, the provider sees the new customer; the sibling reseller does not.
    expect((await provider.get(`/api/v1/organizations/${customer.id}`)).status).toBe(200);
    const resellerB = await loginAs(server.url, 'admin@reseller-b.test');
    expect((await resellerB.get(`/api/v1/organizations/${customer.id}`)).status).toBe(404);
    expect((await orgNamed(resellerA, 'Kyoto Partners')).childCount).toBe(1);
  });

  it('refuses organisations below a customer', async () => {
    const customerA = await orgNamed(provider, 'Customer A (Contoso Japan)');
    const response = await provider.post('/api/v1/organizations', {
      parentId: customerA.id,
      kind: 'customer',
      name: 'Nested',
      country: 'JP',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      locale: 'ja',
    });
    expect(response.status).toBe(400);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('invalid_parent');
  });

  it('refuses a Microsoft tenant linked twice', async () => {
    const provOrg = await orgNamed(provider, 'Demo Distributor');
    const response = await provider.post('/api/v1/organizations', {
      parentId: provOrg.id,
      kind: 'customer',
      name: 'Duplicate tenant',
      country: 'JP',
      currency: 'JPY',
      timeZone: 'Asia/Tokyo',
      locale: 'ja',
      tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e01',
    });
    expect(response.status).toBe(409);
    expect((await json<{ error: { code: string } }>(response)).error.code).toBe('tenant_taken');
  });

  it('updates with If-Match and refuses a stale version', async () => {
    const org = await orgNamed(resellerA, 'Reseller A');
    const first = await resellerA.patch(
      `/api/v1/organizations/${org.id}`,
      { branding: { displayName: 'Reseller A Cloud', primaryColor: '#0b7285' } },
      { 'if-match': `"${org.version}"` },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBe(`"${org.version + 1}"`);
    const stale = await resellerA.patch(
      `/api/v1/organizations/${org.id}`,
      { name: 'Reseller A (renamed)' },
      { 'if-match': `"${org.version}"` },
    );
    expect(stale.status).toBe(412);
    expect((await json<{ error: { code: string } }>(stale)).error.code).toBe('version_conflict');
  });

  it('keeps branding to providers and resellers and checks colours', async () => {
    const customer = await orgNamed(provider, 'Customer B (Fabrikam KK)');
    const branded = await provider.patch(`/api/v1/organizations/${customer.id}`, {
      branding: { primaryColor: '#000000' },
    });
    expect((await json<{ error: { code: string } }>(branded)).error.code).toBe('branding_not_allowed');
    const reseller = await orgNamed(provider, 'Reseller B');
    const badColour = await provider.patch(`/api/v1/organizations/${reseller.id}`, {
      branding: { primaryColor: 'red' },
    });
    expect(badColour.status).toBe(400);
  });

  it('lets read-only and customer users read but not write', async () => {
    const readonly = await loginAs(server.url, 'readonly@demo-distributor.test');
    const org = await orgNamed(readonly, 'Reseller B');
    expect((await readonly.patch(`/api/v1/organizations/${org.id}`, { name: 'x' })).status).toBe(403);
    const customer = await loginAs(server.url, 'admin@customer-a.test');
    const own = await orgNamed(customer, 'Customer A (Contoso Japan)');
    expect((await customer.patch(`/api/v1/organizations/${own.id}`, { name: 'x' })).status).toBe(403);
  });

  it('paginates with a cursor and filters by kind, parent and text', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Org[]; nextCursor: string | null } = await json(
        await provider.get(`/api/v1/organizations?limit=3${cursor ? `&cursor=${cursor}` : ''}`),
      );
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((o) => o.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(seen).size).toBe(seen.length);

    const customers = await json<{ items: Org[] }>(
      await provider.get('/api/v1/organizations?kind=customer&limit=100'),
    );
    expect(customers.items.every((o) => o.kind === 'customer')).toBe(true);
    const resellerAOrg = await orgNamed(provider, 'Reseller A');
    const children = await json<{ items: Org[] }>(
      await provider.get(`/api/v1/organizations?parentId=${resellerAOrg.id}`),
    );
    expect(children.items.every((o) => o.parentId === resellerAOrg.id)).toBe(true);
    const byDomain = await json<{ items: Org[] }>(await provider.get('/api/v1/organizations?q=fabrikamkk'));
    expect(byDomain.items.map((o) => o.name)).toEqual(['Customer B (Fabrikam KK)']);
    expect((await provider.get('/api/v1/organizations?cursor=garbage')).status).toBe(400);
  });
});

describe('users and roles', () => {
  it('invites a user with a temporary password who can then log in', async () => {
    const customerA = await orgNamed(resellerA, 'Customer A (Contoso Japan)');
    const created = await resellerA.post('/api/v1/users', {
      email: 'New.User@Contoso.co.jp',
      name: 'New User',
      organizationId: customerA.id,
      role: 'customer_user',
    });
    expect(created.status).toBe(201);
    const body = await json<{
      user: { email: string; memberships: { role: string }[] };
      temporaryPassword: string;
    }>(created);
    expect(body.user.email).toBe('new.user@contoso.co.jp');
    expect(body.user.memberships).toEqual([
      { organizationId: customerA.id, organizationName: 'Customer A (Contoso Japan)', role: 'customer_user' },
    ]);
    const session = await loginAs(server.url, 'new.user@contoso.co.jp', body.temporaryPassword);
    expect((await json<{ role: string }>(await session.get('/api/v1/me'))).role).toBe('customer_user');
  });

  it('refuses a partner role in a customer and a duplicate e-mail', async () => {
    const customerA = await orgNamed(resellerA, 'Customer A (Contoso Japan)');
    const wrongRole = await resellerA.post('/api/v1/users', {
      email: 'x@contoso.co.jp',
      name: 'X',
      organizationId: customerA.id,
      role: 'admin',
    });
    expect((await json<{ error: { code: string } }>(wrongRole)).error.code).toBe('role_not_allowed');
    const duplicate = await resellerA.post('/api/v1/users', {
      email: 'admin@customer-a.test',
      name: 'Dup',
      organizationId: customerA.id,
      role: 'customer_user',
    });
    expect(duplicate.status).toBe(409);
  });

  it('lets a customer admin manage its own users only', async () => {
    const customerAdmin = await loginAs(server.url, 'admin@customer-a.test');
    const me = await json<{ organization: { id: string } }>(await customerAdmin.get('/api/v1/me'));
    const invite = await customerAdmin.post('/api/v1/users', {
      email: 'colleague@contoso.co.jp',
      name: 'Colleague',
      organizationId: me.organization.id,
      role: 'customer_user',
      password: 'long-enough-1',
    });
    expect(invite.status).toBe(201);
    const { user } = await json<{ user: { id: string } }>(invite);
    const promote = await customerAdmin.put(`/api/v1/users/${user.id}/memberships/${me.organization.id}`, {
      role: 'admin',
    });
    expect(promote.status).toBe(400);
    const ok = await customerAdmin.put(`/api/v1/users/${user.id}/memberships/${me.organization.id}`, {
      role: 'customer_admin',
    });
    expect(ok.status).toBe(200);
    expect(
      (await customerAdmin.delete(`/api/v1/users/${user.id}/memberships/${me.organization.id}`)).status,
    ).toBe(204);
    expect((await customerAdmin.get(`/api/v1/users/${user.id}`)).status).toBe(404);
    const self = await json<{ user: { id: string } }>(await customerAdmin.get('/api/v1/me'));
    expect(
      (await customerAdmin.delete(`/api/v1/users/${self.user.id}/memberships/${me.organization.id}`)).status,
    ).toBe(400);
  });

  it('does not let a customer user manage users', async () => {
    const user = await loginAs(server.url, 'user@customer-a.test');
    const me = await json<{ organization: { id: string } }>(await user.get('/api/v1/me'));
    const response = await user.post('/api/v1/users', {
      email: 'sneaky@contoso.co.jp',
      name: 'S',
      organizationId: me.organization.id,
      role: 'customer_admin',
    });
    expect(response.status).toBe(403);
  });
});

describe('audit log', () => {
  it('records every change with actor and before/after, without secrets', async () => {
    const org = await orgNamed(provider, 'Reseller B');
    await provider.patch(`/api/v1/organizations/${org.id}`, { name: 'Reseller B GmbH & Co. KG' });
    const log = await json<{
      items: {
        action: string;
        entityType: string;
        entityId: string;
        actor: { label: string };
        before: { name: string };
        after: { name: string };
      }[];
    }>(await provider.get(`/api/v1/audit?entityType=organization&entityId=${org.id}`));
    const entry = log.items[0]!;
    expect(entry).toMatchObject({ action: 'update', entityType: 'organization', entityId: org.id });
    expect(entry.actor.label).toBe('admin@demo-distributor.test');
    expect(entry.before.name).toBe('Reseller B');
    expect(entry.after.name).toBe('Reseller B GmbH & Co. KG');
    const all = JSON.stringify(await json(await provider.get('/api/v1/audit?limit=200')));
    expect(all).not.toMatch(/argon2|password_hash|secret_hash/);
  });

  it('is for admins only, and each admin sees its own subtree', async () => {
    const sales = await loginAs(server.url, 'sales@demo-distributor.test');
    expect((await sales.get('/api/v1/audit')).status).toBe(403);
    const resellerB = await loginAs(server.url, 'admin@reseller-b.test');
    const entries = await json<{ items: { organizationId: string }[] }>(
      await resellerB.get('/api/v1/audit?limit=200'),
    );
    const visible = await json<{ items: { id: string }[] }>(
      await resellerB.get('/api/v1/organizations?limit=200'),
    );
    const ids = new Set(visible.items.map((o) => o.id));
    expect(entries.items.length).toBeGreaterThan(0);
    expect(entries.items.every((e) => ids.has(e.organizationId))).toBe(true);
  });
});
