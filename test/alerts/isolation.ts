import { evaluateAlerts } from '../../packages/server/src/modules/alerts/evaluate-alerts.ts';
import { type Caller, json } from '../support/http.ts';
import type { TestServer } from '../support/test-server.ts';

/**
 * #8 resources for the tenant isolation matrix: a budget for every customer, a credit limit
 * (warning level only, so orders still go through) for every customer and reseller, and the alerts
 * they raise — each with the organisation it belongs to, so the matrix can pick B's.
 */

export interface Owned {
  id: string;
  org: string;
}

export interface AlertResources {
  budgets: Owned[];
  creditLimits: Owned[];
  alerts: Owned[];
}

async function ok<T>(response: Response, what: string): Promise<T> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return json<T>(response);
}

export async function alertResources(server: TestServer, provider: Caller): Promise<AlertResources> {
  const orgs = await ok<{ items: { id: string; kind: string }[] }>(
    await provider.get('/api/v1/organizations?limit=200'),
    'organizations',
  );
  const budgets: Owned[] = [];
  const creditLimits: Owned[] = [];
  for (const org of orgs.items) {
    if (org.kind === 'customer') {
      const budget = await ok<{ id: string }>(
        await provider.post('/api/v1/budgets', {
          customerId: org.id,
          entitlementId: 'isolation',
          plannedAmount: '1',
        }),
        'budget',
      );
      budgets.push({ id: budget.id, org: org.id });
    }
    if (org.kind !== 'provider') {
      const existing = await ok<{ items: { id: string }[] }>(
        await provider.get(`/api/v1/credit-limits?organizationId=${org.id}`),
        'credit limits',
      );
      const id =
        existing.items[0]?.id ??
        (
          await ok<{ id: string }>(
            await provider.post('/api/v1/credit-limits', { organizationId: org.id, warning: '1' }),
            'credit limit',
          )
        ).id;
      creditLimits.push({ id, org: org.id });
    }
  }
  const root = orgs.items.find((o) => o.kind === 'provider')!.id;
  await evaluateAlerts(server.deps.database.db, { rootId: root, now: server.deps.clock.now() });
  const alerts = await ok<{ items: { id: string; organizationId: string }[] }>(
    await provider.get('/api/v1/alerts?limit=200'),
    'alerts',
  );
  return {
    budgets,
    creditLimits,
    alerts: alerts.items.map((a) => ({ id: a.id, org: a.organizationId })),
  };
}

type Params = (b: { organizations: string[] }) => Record<string, string>[];

/** PARAM_ROUTES entries of #8 over the victim's budgets, credit limits and alerts. */
export function alertParamRoutes(
  resources: () => AlertResources,
): Record<string, { params: Params; body?: () => unknown }> {
  const of =
    (pick: (r: AlertResources) => Owned[]): Params =>
    (b) =>
      pick(resources())
        .filter((x) => b.organizations.includes(x.org))
        .map((x) => ({ id: x.id }));
  const budgets = of((r) => r.budgets);
  const limits = of((r) => r.creditLimits);
  return {
    'GET /api/v1/budgets/{id}': { params: budgets },
    'PUT /api/v1/budgets/{id}': { params: budgets, body: () => ({ plannedAmount: '999' }) },
    'DELETE /api/v1/budgets/{id}': { params: budgets },
    'GET /api/v1/credit-limits/{id}': { params: limits },
    'PUT /api/v1/credit-limits/{id}': { params: limits, body: () => ({ warning: '999' }) },
    'DELETE /api/v1/credit-limits/{id}': { params: limits },
    'POST /api/v1/alerts/{id}/acknowledge': { params: of((r) => r.alerts) },
  };
}
