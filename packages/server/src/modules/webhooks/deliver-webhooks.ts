import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type Kysely, sql } from 'kysely';
import { permissionsOf } from '../../auth/permissions.ts';
import { type Scope, SYSTEM_ACTOR } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { after, retryDelaySeconds } from '../notifications/backoff.ts';
import { errorMessage, type OutboxDeps } from '../notifications/dispatch-events.ts';
import { publishEvent } from '../notifications/publish.ts';
import { openSecret } from './secret-box.ts';
import { SIGNATURE_HEADER, signatureHeader } from './signature.ts';

export interface WebhookPolicy {
  /** Attempts per delivery before it is given up (the first try included). */
  maxAttempts: number;
  /** Failed attempts in a row (across deliveries, since the last success) that disable an endpoint. */
  disableAfterFailures: number;
  timeoutMs: number;
}

/** 10 attempts span about 8½ hours (1, 2, 4 … 256 min); 15 straight failures disable the endpoint. */
export const DEFAULT_WEBHOOK_POLICY: WebhookPolicy = {
  maxAttempts: 10,
  disableAfterFailures: 15,
  timeoutMs: 10_000,
};

const RESPONSE_BODY_LIMIT = 1024;

/**
 * Outside development and tests, webhooks may not reach private, loopback or link-local
 * addresses: an endpoint URL is chosen by a tenant, and the delivery log shows the response, so
 * an internal address would let a tenant probe the operator's network.
 */
function isPrivateAddress(address: string): boolean {
  if (isIP(address) === 6) {
    const a = address.toLowerCase();
    if (a.startsWith('::ffff:')) return isPrivateAddress(a.slice(7));
    return a === '::1' || a === '::' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a);
  }
  const [a = 0, b = 0] = address.split('.').map(Number);
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168)
  );
}

async function assertPublicTarget(url: string): Promise<void> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true });
  if (addresses.some((a) => isPrivateAddress(a.address))) {
    throw new Error(`Refused: ${host} resolves to a private network address.`);
  }
}

const systemScope = (organizationId: string): Scope => ({
  organizationId,
  organizationKind: 'provider',
  role: 'admin',
  permissions: permissionsOf('admin'),
  actor: SYSTEM_ACTOR,
  userId: null,
  locale: 'en',
});

interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  durationMs: number;
}

async function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: WebhookPolicy,
  checkTarget: boolean,
): Promise<AttemptResult> {
  const started = performance.now();
  const duration = () => Math.round(performance.now() - started);
  try {
    if (checkTarget) await assertPublicTarget(url);
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      // A redirect is not a delivery: the receiver must answer at the URL it registered.
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.timeoutMs),
    });
    const text = (await response.text().catch(() => '')).slice(0, RESPONSE_BODY_LIMIT);
    const ok = response.status >= 200 && response.status < 300;
    return {
      ok,
      statusCode: response.status,
      error: ok ? null : `HTTP ${response.status}`,
      responseBody: text || null,
      durationMs: duration(),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ok: false,
      statusCode: null,
      error: cause ? `${errorMessage(error)} (${cause})` : errorMessage(error),
      responseBody: null,
      durationMs: duration(),
    };
  }
}

/**
 * Sends due webhook deliveries. Each is claimed by pushing its next attempt past the request
 * timeout, posted with a fresh signature, and recorded with the receiver's answer. Failures retry
 * with exponential backoff until `maxAttempts`; an endpoint failing `disableAfterFailures` times in
 * a row is disabled, its pending deliveries are failed, and its organisation's admins are told.
 */
export async function deliverWebhooks(
  deps: OutboxDeps,
  { limit = 50, policy = DEFAULT_WEBHOOK_POLICY }: { limit?: number; policy?: WebhookPolicy } = {},
): Promise<number> {
  const now = deps.clock.now();
  const lease = Math.ceil(policy.timeoutMs / 1000) + 60;
  const claimed = await deps.db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: after(now, lease) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_deliveries')
        .select('id')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning(['id', 'endpoint_id', 'event_type', 'payload', 'attempts'])
    .execute();
  if (claimed.length === 0) return 0;

  const endpoints = new Map(
    (
      await deps.db
        .selectFrom('webhook_endpoints')
        .select(['id', 'url', 'secret', 'enabled'])
        .where(
          'id',
          'in',
          claimed.map((d) => d.endpoint_id),
        )
        .execute()
    ).map((e) => [e.id, e]),
  );
  const checkTarget = deps.config.env === 'production';

  await Promise.all(
    claimed.map(async (delivery) => {
      const endpoint = endpoints.get(delivery.endpoint_id);
      if (!endpoint?.enabled) {
        await deps.db
          .updateTable('webhook_deliveries')
          .set({ status: 'failed', next_attempt_at: null, last_error: 'The endpoint is disabled.' })
          .where('id', '=', delivery.id)
          .execute();
        return;
      }
      let secret: string;
      try {
        secret = openSecret(endpoint.secret, deps.config.secretKey, endpoint.id);
      } catch {
        const error = 'The signing secret cannot be decrypted (was SECRET_KEY changed?).';
        const result = { ok: false, statusCode: null, error, responseBody: null, durationMs: 0 };
        await recordAttempt(deps, delivery, result, policy);
        return;
      }
      // Wall-clock time, not the application clock: receivers check it against their own clocks.
      const timestamp = Math.floor(Date.now() / 1000);
      const result = await post(
        endpoint.url,
        delivery.payload,
        {
          'content-type': 'application/json',
          'user-agent': 'csp-commerce-webhooks/1',
          'cspc-event': delivery.event_type,
          'cspc-delivery': delivery.id,
          [SIGNATURE_HEADER.toLowerCase()]: signatureHeader(secret, delivery.payload, timestamp),
        },
        policy,
        checkTarget,
      );
      await recordAttempt(deps, delivery, result, policy);
    }),
  );
  return claimed.length;
}

async function recordAttempt(
  deps: OutboxDeps,
  delivery: { id: string; endpoint_id: string; attempts: number },
  result: AttemptResult,
  policy: WebhookPolicy,
): Promise<void> {
  const now = deps.clock.now();
  const attempts = delivery.attempts + 1;
  await deps.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('webhook_delivery_attempts')
      .values({
        delivery_id: delivery.id,
        attempt: attempts,
        attempted_at: now,
        status_code: result.statusCode,
        error: result.error,
        response_body: result.responseBody,
        duration_ms: result.durationMs,
      })
      .execute();
    if (result.ok) {
      await trx
        .updateTable('webhook_deliveries')
        .set({
          status: 'succeeded',
          attempts,
          next_attempt_at: null,
          delivered_at: now,
          last_status_code: result.statusCode,
          last_error: null,
        })
        .where('id', '=', delivery.id)
        .execute();
      await trx
        .updateTable('webhook_endpoints')
        .set({ consecutive_failures: 0 })
        .where('id', '=', delivery.endpoint_id)
        .execute();
      return;
    }
    const endpoint = await trx
      .updateTable('webhook_endpoints')
      .set({ consecutive_failures: sql`consecutive_failures + 1` })
      .where('id', '=', delivery.endpoint_id)
      .returning(['consecutive_failures', 'enabled'])
      .executeTakeFirst();
    let disabled = !endpoint?.enabled;
    if (endpoint?.enabled && endpoint.consecutive_failures >= policy.disableAfterFailures) {
      await disableEndpoint(trx, delivery.endpoint_id, endpoint.consecutive_failures, result.error, now);
      disabled = true;
    }
    // Deliveries of an endpoint disabled meanwhile (by this failure or a parallel one) stop here.
    const giveUp = disabled || attempts >= policy.maxAttempts;
    await trx
      .updateTable('webhook_deliveries')
      .set({
        status: giveUp ? 'failed' : 'pending',
        attempts,
        next_attempt_at: giveUp ? null : after(now, retryDelaySeconds(attempts)),
        last_status_code: result.statusCode,
        last_error: disabled ? `${result.error}; the endpoint was disabled` : result.error,
      })
      .where('id', '=', delivery.id)
      .execute();
  });
}

/** Stops an endpoint that keeps failing, and tells its organisation's admins (in the same transaction). */
async function disableEndpoint(
  trx: Kysely<Database>,
  endpointId: string,
  failures: number,
  lastError: string | null,
  now: Date,
): Promise<void> {
  const reason = `Disabled after ${failures} failed delivery attempts in a row (last: ${lastError ?? 'unknown'}).`;
  const disabled = await trx
    .updateTable('webhook_endpoints')
    .set({
      enabled: false,
      disabled_at: now,
      disabled_reason: reason,
      version: sql`version + 1`,
      updated_at: now,
    })
    .where('id', '=', endpointId)
    .where('enabled', '=', true)
    .returning(['id', 'organization_id', 'url'])
    .executeTakeFirst();
  if (!disabled) return;
  await trx
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, last_error: 'The endpoint was disabled.' })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
  await recordAudit(trx, systemScope(disabled.organization_id), {
    organizationId: disabled.organization_id,
    action: 'disable',
    entityType: 'webhook_endpoint',
    entityId: endpointId,
    after: { enabled: false, reason },
  });
  await publishEvent(trx, {
    type: 'webhook_endpoint_disabled',
    organizationId: disabled.organization_id,
    subject: { type: 'webhook_endpoint', id: endpointId },
    data: { endpointId, url: disabled.url, failures, lastError },
  });
}
