import type { Kysely } from 'kysely';
import { permissionsOf } from '../auth/permissions.ts';
import { type Scope, SYSTEM_ACTOR } from '../auth/scope.ts';
import { hashPassword } from '../auth/secrets.ts';
import type { Branding, Database, Locale, OrganizationKind, Role } from '../db/schema.ts';
import { recordAudit } from '../modules/audit/audit.repository.ts';
import { seedDemoInvoices } from '../modules/billing/demo-invoices.ts';
import { seedDemoBudgets } from '../modules/budgets/demo-budgets.ts';
import { insertOrganization } from '../modules/organizations/organizations.repository.ts';
import { DEMO_SPIKE_CUSTOMER, demoUsageSpike, seedDemoUsage } from '../modules/usage/demo-usage.ts';

/** The demo password of every seeded user; listed in README. Only the demo seed uses it. */
export const DEMO_PASSWORD = 'demo';

interface SeedOrg {
  key: string;
  parent?: string;
  kind: OrganizationKind;
  name: string;
  country?: string;
  currency?: string;
  timeZone?: string;
  locale?: Locale;
  tenantId?: string;
  domains?: string[];
  branding?: Branding;
}

const ORGANIZATIONS: SeedOrg[] = [
  {
    key: 'provider',
    kind: 'provider',
    name: 'Demo Distributor',
    branding: { displayName: 'Demo Distributor', primaryColor: '#1c5fb8', accentColor: '#f08c00' },
  },
  {
    key: 'reseller-a',
    parent: 'provider',
    kind: 'reseller',
    name: 'Reseller A',
    branding: { displayName: 'Reseller A Cloud', primaryColor: '#2b8a3e', accentColor: '#e8590c' },
  },
  {
    key: 'reseller-a-sub',
    parent: 'reseller-a',
    kind: 'reseller',
    name: 'Reseller A Sub (Osaka)',
    branding: { displayName: 'Osaka IT Partners', primaryColor: '#862e9c' },
  },
  {
    key: 'reseller-b',
    parent: 'provider',
    kind: 'reseller',
    name: 'Reseller B',
    country: 'DE',
    currency: 'EUR',
    timeZone: 'Europe/Berlin',
    locale: 'de',
    branding: { displayName: 'Reseller B GmbH', primaryColor: '#c92a2a' },
  },
  {
    key: 'customer-a',
    parent: 'reseller-a',
    kind: 'customer',
    name: 'Customer A (Contoso Japan)',
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e01',
    domains: ['contosojp.onmicrosoft.com', 'contoso.co.jp'],
  },
  {
    key: 'customer-b',
    parent: 'provider',
    kind: 'customer',
    name: 'Customer B (Fabrikam KK)',
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e02',
    domains: ['fabrikamkk.onmicrosoft.com'],
  },
  {
    key: 'customer-c',
    parent: 'reseller-b',
    kind: 'customer',
    name: 'Customer C (Northwind GmbH)',
    country: 'DE',
    currency: 'EUR',
    timeZone: 'Europe/Berlin',
    locale: 'de',
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e03',
    domains: ['northwindde.onmicrosoft.com'],
  },
  {
    key: 'customer-d',
    parent: 'reseller-a-sub',
    kind: 'customer',
    name: 'Customer D (Tailspin Osaka)',
    tenantId: '1f0c6a8e-4c1b-4d5e-9b7a-0a1b2c3d4e04',
    domains: ['tailspinosaka.onmicrosoft.com'],
  },
];

interface SeedUser {
  email: string;
  name: string;
  org: string;
  role: Role;
  locale?: Locale;
}

export const DEMO_USERS: SeedUser[] = [
  { email: 'admin@demo-distributor.test', name: 'Hanako Sato', org: 'provider', role: 'admin', locale: 'ja' },
  { email: 'sales@demo-distributor.test', name: 'Taro Suzuki', org: 'provider', role: 'sales', locale: 'ja' },
  {
    email: 'billing@demo-distributor.test',
    name: 'Yuki Tanaka',
    org: 'provider',
    role: 'billing',
    locale: 'ja',
  },
  {
    email: 'readonly@demo-distributor.test',
    name: 'Ken Ito',
    org: 'provider',
    role: 'readonly',
    locale: 'en',
  },
  { email: 'admin@reseller-a.test', name: 'Aiko Yamamoto', org: 'reseller-a', role: 'admin', locale: 'ja' },
  { email: 'sales@reseller-a.test', name: 'Daiki Kato', org: 'reseller-a', role: 'sales', locale: 'ja' },
  {
    email: 'admin@reseller-a-sub.test',
    name: 'Mei Kobayashi',
    org: 'reseller-a-sub',
    role: 'admin',
    locale: 'ja',
  },
  { email: 'admin@reseller-b.test', name: 'Jonas Weber', org: 'reseller-b', role: 'admin', locale: 'de' },
  {
    email: 'admin@customer-a.test',
    name: 'Sora Watanabe',
    org: 'customer-a',
    role: 'customer_admin',
    locale: 'ja',
  },
  {
    email: 'user@customer-a.test',
    name: 'Ren Nakamura',
    org: 'customer-a',
    role: 'customer_user',
    locale: 'ja',
  },
  {
    email: 'admin@customer-b.test',
    name: 'Emi Yoshida',
    org: 'customer-b',
    role: 'customer_admin',
    locale: 'en',
  },
  {
    email: 'admin@customer-c.test',
    name: 'Lena Fischer',
    org: 'customer-c',
    role: 'customer_admin',
    locale: 'de',
  },
  {
    email: 'admin@customer-d.test',
    name: 'Kaito Mori',
    org: 'customer-d',
    role: 'customer_admin',
    locale: 'ja',
  },
];

export interface DemoSeedResult {
  created: boolean;
  organizations: Record<string, string>;
}

/**
 * Seeds the demo: a Japanese distributor with two resellers (one with a sub-reseller), direct and
 * indirect customers, and a user for each role. Runs once: a second call finds the provider's
 * admin and leaves everything as it is.
 */
export async function seedDemo(
  db: Kysely<Database>,
  options: { usage?: boolean } = {},
): Promise<DemoSeedResult> {
  const existing = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select('m.organization_id')
    .where('u.email', '=', DEMO_USERS[0]!.email)
    .executeTakeFirst();
  if (existing) {
    const rows = await db
      .selectFrom('organization_tree as t')
      .innerJoin('organizations as o', 'o.id', 't.descendant_id')
      .select(['o.id', 'o.name'])
      .where('t.ancestor_id', '=', existing.organization_id)
      .execute();
    const byName = new Map(rows.map((r) => [r.name, r.id]));
    return {
      created: false,
      organizations: Object.fromEntries(ORGANIZATIONS.map((o) => [o.key, byName.get(o.name) ?? ''])),
    };
  }
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const seeded = await db.transaction().execute(async (trx) => {
    const ids: Record<string, string> = {};
    for (const org of ORGANIZATIONS) {
      const id = await insertOrganization(trx, {
        parent_id: org.parent ? ids[org.parent]! : null,
        kind: org.kind,
        name: org.name,
        country: org.country ?? 'JP',
        currency: org.currency ?? 'JPY',
        time_zone: org.timeZone ?? 'Asia/Tokyo',
        locale: org.locale ?? 'ja',
        tenant_id: org.tenantId ?? null,
        domains: org.domains ?? [],
        branding: JSON.stringify(org.branding ?? {}),
      });
      ids[org.key] = id;
    }
    const scope: Scope = {
      organizationId: ids.provider!,
      organizationKind: 'provider',
      role: 'admin',
      permissions: permissionsOf('admin'),
      actor: SYSTEM_ACTOR,
      userId: null,
      locale: 'ja',
    };
    for (const user of DEMO_USERS) {
      const { id } = await trx
        .insertInto('users')
        .values({
          email: user.email,
          name: user.name,
          locale: user.locale ?? 'en',
          password_hash: passwordHash,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx
        .insertInto('memberships')
        .values({ user_id: id, organization_id: ids[user.org]!, role: user.role })
        .execute();
    }
    await recordAudit(trx, scope, {
      organizationId: ids.provider!,
      action: 'seed',
      entityType: 'organization',
      entityId: ids.provider!,
      after: { seed: 'demo', organizations: ORGANIZATIONS.length, users: DEMO_USERS.length },
    });
    return { created: true, organizations: ids };
  });
  // Azure usage (#6): three months of rated usage for the customers with Azure plans.
  if (options.usage !== false) {
    const today = new Date().toISOString().slice(0, 10);
    const spiking = ORGANIZATIONS.find((o) => o.name === DEMO_SPIKE_CUSTOMER.organization)?.tenantId;
    await seedDemoUsage(db, {
      providerId: seeded.organizations.provider!,
      today,
      ...(spiking ? { spikes: [demoUsageSpike(spiking, today)] } : {}),
      customers: ORGANIZATIONS.filter((o) => o.tenantId).map((o) => ({
        tenantId: o.tenantId!,
        name: o.name,
        domain: o.domains?.[0] ?? '',
        country: o.country ?? 'JP',
        billingCurrency: o.currency ?? 'JPY',
      })),
    });
    // Budgets and their first alerts (#8): a 50% crossing and the spike above.
    await seedDemoBudgets(db, seeded.organizations);
    // Billing (#7): the month before last issued by every seller, last month as drafts.
    await seedDemoInvoices(db, seeded.organizations, new Date());
  }
  return seeded;
}

export function demoLogins(): string {
  const lines = DEMO_USERS.map((user) => `  ${user.role.padEnd(15)} ${user.email}`);
  return [`Demo logins (password "${DEMO_PASSWORD}"):`, ...lines].join('\n');
}

/** Demo credit limits with an order waiting for approval and one refused (#8); after seedDemoOrders. */
export { seedDemoCreditControl } from '../modules/credit-control/demo-credit.ts';
/**
 * Demo orders and subscriptions, placed through the real order flow against the emulator once the
 * demo catalog and price books are preset (call after presetDemoCatalog on first start).
 */
export { seedDemoOrders } from '../modules/orders/demo-orders.ts';
