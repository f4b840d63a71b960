/**
 * Azure plan specifics: Azure entitlements (the Azure subscriptions under an Azure plan), the
 * legacy utilization API fed by the same usage generator, and Azure RBAC role assignments.
 *
 * RBAC: Partner Center has no role-assignment API (API.md §5 only covers directory roles, which
 * routes/customers.ts implements). Granting a customer user "Owner" on an Azure subscription is an
 * Azure Resource Manager call, emulated at
 * `PUT <emulator>/arm/subscriptions/{azureSubscriptionId}/providers/Microsoft.Authorization/roleAssignments/{assignmentId}`
 * (= `https://management.azure.com/subscriptions/...`), body `{ properties: { roleDefinitionId, principalId } }`.
 * The principal is a user created with `POST /v1/customers/{id}/users` (new user) or an existing one.
 */

import { usageRows } from '../billing.ts';
import { AZURE_ROLE_DEFINITIONS } from '../catalog-data.ts';
import { addDays, dateOf, parseInstant } from '../dates.ts';
import { errors, GraphError } from '../errors.ts';
import { asRecord, collection, encodeSeekToken, link, num, ok, seekPage, str } from '../http.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { AzureEntitlementRec, RoleAssignmentRec, SubscriptionRec } from '../state.ts';

function entitlementJson(plan: SubscriptionRec, e: AzureEntitlementRec) {
  return { id: e.id, friendlyName: e.friendlyName, status: e.status, subscriptionId: plan.id };
}

function planOf(emu: Emulator, customerId: string, subscriptionId: string): SubscriptionRec {
  const s = emu.subscription(customerId, subscriptionId);
  if (s.kind !== 'azurePlan')
    throw errors.invalidInput(`Subscription ${s.id} is not a Microsoft Azure plan.`);
  return s;
}

function entitlementOf(plan: SubscriptionRec, id: string): AzureEntitlementRec {
  const e = plan.entitlements.find((x) => x.id === id.toLowerCase());
  if (!e) throw errors.notFound(`Azure entitlement ${id} was not found.`);
  return e;
}

function findEntitlement(
  emu: Emulator,
  azureSubscriptionId: string,
): { plan: SubscriptionRec; ent: AzureEntitlementRec } {
  const id = azureSubscriptionId.toLowerCase();
  for (const plan of Object.values(emu.state.subscriptions)) {
    if (plan.kind !== 'azurePlan') continue;
    const ent = plan.entitlements.find((e) => e.id === id);
    if (ent) return { plan, ent };
  }
  throw new GraphError(
    404,
    'SubscriptionNotFound',
    `The subscription '${azureSubscriptionId}' could not be found.`,
  );
}

function roleAssignmentJson(scopeSub: string, r: RoleAssignmentRec) {
  return {
    properties: {
      roleDefinitionId: `/subscriptions/${scopeSub}/providers/Microsoft.Authorization/roleDefinitions/${r.roleDefinitionId}`,
      principalId: r.principalId,
      principalType: 'User',
      scope: r.scope,
      createdOn: new Date(r.createdAt).toISOString(),
      updatedOn: new Date(r.createdAt).toISOString(),
    },
    id: `${r.scope}/providers/Microsoft.Authorization/roleAssignments/${r.id}`,
    type: 'Microsoft.Authorization/roleAssignments',
    name: r.id,
  };
}

export function addEntitlement(
  emu: Emulator,
  plan: SubscriptionRec,
  friendlyName?: string,
): AzureEntitlementRec {
  const e: AzureEntitlementRec = {
    id: emu.nextGuid(),
    friendlyName: friendlyName || `Azure subscription ${plan.entitlements.length + 1}`,
    status: 'active',
    createdAt: emu.now(),
    roleAssignments: [],
  };
  plan.entitlements.push(e);
  emu.markDirty();
  return e;
}

export function registerAzureRoutes(router: Router, emu: Emulator): void {
  const base = '/v1/customers/:customerId/subscriptions/:subscriptionId/azureEntitlements';
  router.get(base, (ctx) => {
    const plan = planOf(emu, ctx.params.customerId!, ctx.params.subscriptionId!);
    return ok(collection(plan.entitlements.map((e) => entitlementJson(plan, e))));
  });
  router.get(`${base}/:entitlementId`, (ctx) => {
    const plan = planOf(emu, ctx.params.customerId!, ctx.params.subscriptionId!);
    return ok(entitlementJson(plan, entitlementOf(plan, ctx.params.entitlementId!)));
  });
  router.post(`${base}/:entitlementId/cancel`, (ctx) => {
    const plan = planOf(emu, ctx.params.customerId!, ctx.params.subscriptionId!);
    const e = entitlementOf(plan, ctx.params.entitlementId!);
    if (e.status !== 'deleted') {
      e.status = 'deleted';
      e.cancelledAt = emu.now();
      emu.markDirty();
    }
    return ok(entitlementJson(plan, e));
  });

  router.get('/v1/customers/:customerId/subscriptions/:subscriptionId/utilizations/azure', (ctx) => {
    const customer = emu.customer(ctx.params.customerId!);
    const sid = ctx.params.subscriptionId!.toLowerCase();
    const found = findEntitlement(emu, sid);
    if (found.plan.customerId !== customer.id) throw errors.subscriptionNotFound(sid);
    const start = parseInstant(ctx.query.get('start_time'));
    const end = parseInstant(ctx.query.get('end_time'));
    if (start === undefined || end === undefined || end <= start)
      throw errors.invalidInput('start_time and end_time are required.');
    const from = dateOf(start);
    const to = addDays(dateOf(end - 1), 1);
    const rows = usageRows(emu, customer.currency, from, to, '').filter((r) => r.entitlementId === sid);
    const size = Math.min(ctx.query.int('size', 1000, 1), 1000);
    const page = seekPage(rows, ctx, size, 1000, 'seek_operation');
    const items = page.items.map((r) => ({
      usageStartTime: r.usageDate,
      usageEndTime: `${addDays(r.usageDate.slice(0, 10), 1)}T00:00:00Z`,
      resource: {
        id: r.meterId,
        name: r.meterName,
        category: r.meterCategory,
        subcategory: r.meterSubCategory,
        region: r.meterRegion,
      },
      quantity: num(r.quantity),
      unit: r.unitOfMeasure,
      infoFields: {},
      instanceData: {
        resourceUri: r.resourceUri,
        location: r.resourceLocation,
        partNumber: '',
        orderNumber: '',
        additionalInfo: r.additionalInfo ? JSON.parse(r.additionalInfo) : {},
        ...(r.tags ? { tags: JSON.parse(r.tags) } : {}),
      },
      attributes: { objectType: 'AzureUtilizationRecord' },
    }));
    const self = `customers/${customer.id}/subscriptions/${sid}/utilizations/azure`;
    const links: Record<string, ReturnType<typeof link>> = { self: link(self) };
    if (page.nextOffset !== undefined) {
      links.next = link(`${self}?seek_operation=Next`, 'GET', [
        { key: 'MS-ContinuationToken', value: encodeSeekToken(page.nextOffset) },
      ]);
    }
    return ok(collection(items, links));
  });

  const arm = '/arm/subscriptions/:azureSubscriptionId/providers/Microsoft.Authorization/roleAssignments';
  router.get(arm, (ctx) => {
    const { ent } = findEntitlement(emu, ctx.params.azureSubscriptionId!);
    return ok({ value: ent.roleAssignments.map((r) => roleAssignmentJson(ent.id, r)) });
  });
  router.put(`${arm}/:assignmentId`, (ctx) => {
    const { plan, ent } = findEntitlement(emu, ctx.params.azureSubscriptionId!);
    const props = asRecord(asRecord(ctx.body).properties);
    const roleRaw = str(props.roleDefinitionId) ?? '';
    const roleId = roleRaw.split('/').pop()?.toLowerCase() ?? '';
    if (!AZURE_ROLE_DEFINITIONS[roleId]) {
      throw new GraphError(
        400,
        'RoleDefinitionDoesNotExist',
        `The specified role definition with ID '${roleId}' does not exist.`,
      );
    }
    const principalId = (str(props.principalId) ?? '').toLowerCase();
    const user = emu.state.users[principalId];
    if (!user || user.customerId !== plan.customerId) {
      throw new GraphError(
        400,
        'PrincipalNotFound',
        `Principal ${principalId} does not exist in the directory ${plan.customerId}.`,
      );
    }
    const assignmentId = ctx.params.assignmentId!.toLowerCase();
    const existing = ent.roleAssignments.find((r) => r.id === assignmentId);
    if (existing) return ok(roleAssignmentJson(ent.id, existing));
    if (ent.roleAssignments.some((r) => r.principalId === principalId && r.roleDefinitionId === roleId)) {
      throw new GraphError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    }
    const r: RoleAssignmentRec = {
      id: assignmentId,
      principalId,
      roleDefinitionId: roleId,
      scope: `/subscriptions/${ent.id}`,
      createdAt: emu.now(),
    };
    ent.roleAssignments.push(r);
    emu.markDirty();
    return { status: 201, body: roleAssignmentJson(ent.id, r) };
  });
  router.delete(`${arm}/:assignmentId`, (ctx) => {
    const { ent } = findEntitlement(emu, ctx.params.azureSubscriptionId!);
    const i = ent.roleAssignments.findIndex((r) => r.id === ctx.params.assignmentId!.toLowerCase());
    if (i < 0) return { status: 204 };
    const [removed] = ent.roleAssignments.splice(i, 1);
    emu.markDirty();
    return ok(roleAssignmentJson(ent.id, removed!));
  });
}
