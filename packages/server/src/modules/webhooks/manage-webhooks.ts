import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest, conflict, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { isEventType } from '../notifications/event-types.ts';
import { findOrganization } from '../organizations/organizations.repository.ts';
import { newWebhookSecret, sealSecret } from './secret-box.ts';
import {
  findEndpointRow,
  toDeliveryView,
  toEndpointView,
  type WebhookDeliveryView,
  type WebhookEndpointView,
} from './webhooks.repository.ts';

type WebhookConfig = Pick<Config, 'secretKey' | 'env'>;

export interface WebhookInput {
  url?: string | undefined;
  description?: string | undefined;
  eventTypes?: string[] | undefined;
}

/** Receivers must be http(s) URLs without credentials; production insists on https. */
function checkInput(input: WebhookInput, config: WebhookConfig): void {
  if (input.url !== undefined) {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw badRequest('invalid_url', 'The webhook URL is not a valid URL.');
    }
    const allowed = config.env === 'production' ? ['https:'] : ['https:', 'http:'];
    if (!allowed.includes(url.protocol)) {
      throw badRequest('invalid_url', `The webhook URL must start with ${allowed.join(' or ')}//.`);
    }
    // The URL is shown in lists and logs; a password in it would leak. Sign-in is what the
    // signature is for.
    if (url.username || url.password) {
      throw badRequest('invalid_url', 'The webhook URL must not contain a user name or password.');
    }
  }
  const unknown = (input.eventTypes ?? []).filter((t) => !isEventType(t));
  if (unknown.length > 0) {
    throw badRequest('unknown_event_type', `Unknown event types: ${unknown.join(', ')}.`, { unknown });
  }
}

/** The signing secret is returned here once; only its encrypted form is stored. */
export async function createWebhook(
  db: Kysely<Database>,
  config: WebhookConfig,
  scope: Scope,
  input: WebhookInput & { url: string; organizationId?: string | undefined },
): Promise<WebhookEndpointView & { secret: string }> {
  requirePermission(scope, 'webhooks:manage');
  checkInput(input, config);
  return db.transaction().execute(async (trx) => {
    const org = await findOrganization(trx, scope, input.organizationId ?? scope.organizationId);
    if (!org) throw notFound('organization');
    const id = randomUUID();
    const secret = newWebhookSecret();
    const row = await trx
      .insertInto('webhook_endpoints')
      .values({
        id,
        organization_id: org.id,
        url: input.url,
        description: input.description?.trim() ?? '',
        event_types: [...new Set(input.eventTypes ?? [])],
        secret: sealSecret(secret, config.secretKey, id),
        created_by: scope.actor.label,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toEndpointView(row);
    await recordAudit(trx, scope, {
      organizationId: org.id,
      action: 'create',
      entityType: 'webhook_endpoint',
      entityId: id,
      after: view,
    });
    return { ...view, secret };
  });
}

/** Edits an endpoint; `enabled: true` re-enables a disabled one and clears its failure count. */
export async function updateWebhook(
  db: Kysely<Database>,
  config: WebhookConfig,
  scope: Scope,
  id: string,
  input: WebhookInput & { enabled?: boolean | undefined },
  expectedVersion?: number,
): Promise<WebhookEndpointView> {
  requirePermission(scope, 'webhooks:manage');
  checkInput(input, config);
  return db.transaction().execute(async (trx) => {
    const before = await findEndpointRow(trx, scope, id);
    if (!before) throw notFound('webhook endpoint');
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError('version_conflict', 412, 'Someone else changed this webhook. Reload and try again.');
    }
    const reenable = input.enabled === true && !before.enabled;
    const row = await trx
      .updateTable('webhook_endpoints')
      .set({
        ...(input.url !== undefined ? { url: input.url } : {}),
        ...(input.description !== undefined ? { description: input.description.trim() } : {}),
        ...(input.eventTypes !== undefined ? { event_types: [...new Set(input.eventTypes)] } : {}),
        ...(input.enabled === false && before.enabled
          ? { enabled: false, disabled_at: sql`now()`, disabled_reason: `Disabled by ${scope.actor.label}.` }
          : {}),
        ...(reenable
          ? { enabled: true, disabled_at: null, disabled_reason: null, consecutive_failures: 0 }
          : {}),
        version: before.version + 1,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const after = toEndpointView(row);
    await recordAudit(trx, scope, {
      organizationId: row.organization_id,
      action: 'update',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: toEndpointView(before),
      after,
    });
    return after;
  });
}

/** Deletes an endpoint with its delivery log; the audit log keeps what it was. */
export async function deleteWebhook(db: Kysely<Database>, scope: Scope, id: string): Promise<void> {
  requirePermission(scope, 'webhooks:manage');
  await db.transaction().execute(async (trx) => {
    const before = await findEndpointRow(trx, scope, id);
    if (!before) throw notFound('webhook endpoint');
    await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
    await recordAudit(trx, scope, {
      organizationId: before.organization_id,
      action: 'delete',
      entityType: 'webhook_endpoint',
      entityId: id,
      before: toEndpointView(before),
    });
  });
}

async function insertDelivery(
  trx: Kysely<Database>,
  scope: Scope,
  values: {
    endpointId: string;
    organizationId: string;
    eventId: string | null;
    eventType: string;
    payload: (deliveryId: string) => string;
    redeliveryOf: string | null;
    now: Date;
  },
  action: 'ping' | 'redeliver',
): Promise<WebhookDeliveryView> {
  const id = randomUUID();
  const row = await trx
    .insertInto('webhook_deliveries')
    .values({
      id,
      endpoint_id: values.endpointId,
      organization_id: values.organizationId,
      event_id: values.eventId,
      event_type: values.eventType,
      payload: values.payload(id),
      status: 'pending',
      next_attempt_at: values.now,
      redelivery_of: values.redeliveryOf,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const view = toDeliveryView(row);
  await recordAudit(trx, scope, {
    organizationId: values.organizationId,
    action,
    entityType: 'webhook_delivery',
    entityId: id,
    after: view,
  });
  return view;
}

function requireEnabled(endpoint: { enabled: boolean }): void {
  if (!endpoint.enabled) {
    throw conflict('webhook_disabled', 'This webhook endpoint is disabled. Enable it first.');
  }
}

/** Queues a `ping` event to the endpoint, so a receiver can be tested without a business event. */
export async function pingWebhook(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<WebhookDeliveryView> {
  requirePermission(scope, 'webhooks:manage');
  return db.transaction().execute(async (trx) => {
    const endpoint = await findEndpointRow(trx, scope, id);
    if (!endpoint) throw notFound('webhook endpoint');
    requireEnabled(endpoint);
    return insertDelivery(
      trx,
      scope,
      {
        endpointId: id,
        organizationId: endpoint.organization_id,
        eventId: null,
        eventType: 'ping',
        payload: (deliveryId) =>
          JSON.stringify({
            id: deliveryId,
            type: 'ping',
            createdAt: now.toISOString(),
            organizationId: endpoint.organization_id,
            subject: { type: 'webhook_endpoint', id },
            data: {},
          }),
        redeliveryOf: null,
        now,
      },
      'ping',
    );
  });
}

/**
 * Sends a finished delivery again as a new delivery of the same payload (same event id, new
 * delivery id) with a fresh retry budget. A delivery still being retried is left to its schedule.
 */
export async function redeliverWebhook(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  deliveryId: string,
  now: Date,
): Promise<WebhookDeliveryView> {
  requirePermission(scope, 'webhooks:manage');
  return db.transaction().execute(async (trx) => {
    const endpoint = await findEndpointRow(trx, scope, id);
    if (!endpoint) throw notFound('webhook endpoint');
    const original = await trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('id', '=', deliveryId)
      .where('endpoint_id', '=', id)
      .executeTakeFirst();
    if (!original) throw notFound('webhook delivery');
    requireEnabled(endpoint);
    if (original.status === 'pending') {
      throw conflict('delivery_pending', 'This delivery is still being attempted; wait for its result.');
    }
    return insertDelivery(
      trx,
      scope,
      {
        endpointId: id,
        organizationId: endpoint.organization_id,
        eventId: original.event_id,
        eventType: original.event_type,
        payload: () => original.payload,
        redeliveryOf: original.id,
        now,
      },
      'redeliver',
    );
  });
}
