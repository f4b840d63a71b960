import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { permissionsOf } from '../../auth/permissions.ts';
import { requirePermission, type Scope, SYSTEM_ACTOR } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import type { PartnerCenterConnector } from '../../partner-center/connector.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import type { CatalogChangeKind } from './catalog.tables.ts';
import { loadStoredCatalog, lockProviderCatalog, writeSyncPlan } from './catalog-sync.repository.ts';
import { todayIn } from './lineage.ts';
import { planCatalogSync, plannedWrites } from './plan-catalog-sync.ts';
import { readPartnerCenterCatalog } from './read-partner-center-catalog.ts';
import { getSyncSettings } from './sync-settings.ts';

export interface SyncCatalogDeps {
  db: Kysely<Database>;
  partnerCenter: Pick<PartnerCenterConnector, 'clientFor'>;
  clock: { now(): Date };
}

export interface SyncCatalogResult {
  providerId: string;
  /** Null when nothing changed (and nothing was written). */
  syncId: string | null;
  markets: string[];
  initial: boolean;
  read: {
    products: number;
    skus: number;
    offers: number;
    priceSeries: number;
    meters: number;
    requests: number;
  };
  /** Rows inserted or updated, change-log entries included. */
  written: number;
  changes: Partial<Record<CatalogChangeKind, number>>;
  warnings: string[];
  readMs: number;
  writeMs: number;
}

/** The scope a scheduled or start-up sync acts with: the system, on behalf of the provider. */
export function systemScopeFor(providerId: string): Scope {
  return {
    organizationId: providerId,
    organizationKind: 'provider',
    role: 'admin',
    permissions: permissionsOf('admin'),
    actor: SYSTEM_ACTOR,
    userId: null,
    locale: 'en',
  };
}

/**
 * Imports the provider's catalog from Partner Center and applies what changed (see
 * plan-catalog-sync.ts). Reading happens outside any transaction; the comparison and the writes
 * run in one transaction that holds the provider's sync lock, so two syncs at once serialise and
 * the second finds nothing left to do. A run that changes nothing writes nothing, not even an
 * audit entry.
 */
export async function syncCatalog(
  deps: SyncCatalogDeps,
  scope: Scope,
  providerId: string = scope.organizationId,
  options: { signal?: AbortSignal } = {},
): Promise<SyncCatalogResult> {
  requirePermission(scope, 'catalog:manage');
  if (scope.organizationKind !== 'provider' || scope.organizationId !== providerId) {
    throw forbidden('Only the provider syncs its Microsoft catalog.');
  }
  const { db } = deps;
  const provider = await db
    .selectFrom('organizations')
    .select(['id', 'kind', 'time_zone'])
    .where('id', '=', providerId)
    .executeTakeFirst();
  if (provider?.kind !== 'provider') throw notFound('provider');

  const settings = await getSyncSettings(db, providerId);
  const client = await deps.partnerCenter.clientFor(providerId);
  const readStarted = performance.now();
  const startedAt = deps.clock.now();
  const today = todayIn(startedAt, provider.time_zone);
  const snapshot = await readPartnerCenterCatalog(client, {
    markets: settings.effectiveMarkets,
    currentMonth: today.with({ day: 1 }).toString(),
    signal: options.signal,
  });
  const readMs = performance.now() - readStarted;

  const writeStarted = performance.now();
  const outcome = await db.transaction().execute(async (trx) => {
    await lockProviderCatalog(trx, providerId);
    const stored = await loadStoredCatalog(trx, providerId);
    const plan = planCatalogSync(stored, snapshot, today.toString());
    const writes = plannedWrites(plan);
    if (writes === 0) return { plan, writes, syncId: null };
    const syncId = randomUUID();
    const now = deps.clock.now();
    await writeSyncPlan(trx, { providerId, syncId, plan, now });
    const changes: Partial<Record<CatalogChangeKind, number>> = {};
    for (const c of plan.changes) changes[c.kind] = (changes[c.kind] ?? 0) + 1;
    await recordAudit(trx, scope, {
      organizationId: providerId,
      action: 'sync',
      entityType: 'catalog',
      entityId: providerId,
      after: { syncId, markets: snapshot.markets, initial: plan.initial, rowsWritten: writes, changes },
    });
    return { plan, writes, syncId };
  });

  const changes: Partial<Record<CatalogChangeKind, number>> = {};
  for (const c of outcome.plan.changes) changes[c.kind] = (changes[c.kind] ?? 0) + 1;
  return {
    providerId,
    syncId: outcome.syncId,
    markets: [...snapshot.markets],
    initial: outcome.plan.initial,
    read: {
      products: snapshot.products.length,
      skus: snapshot.skus.length,
      offers: snapshot.offers.length,
      priceSeries: [...snapshot.offerPrices.values()].reduce((n, r) => n + r.series.length, 0),
      meters: snapshot.meters?.length ?? 0,
      requests: snapshot.requests,
    },
    written: outcome.writes,
    changes,
    warnings: [...snapshot.warnings, ...outcome.plan.warnings],
    readMs: Math.round(readMs),
    writeMs: Math.round(performance.now() - writeStarted),
  };
}
