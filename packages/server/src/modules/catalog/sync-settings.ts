import { Temporal } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { AppError, badRequest, forbidden } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';

export interface SyncSettings {
  providerId: string;
  enabled: boolean;
  /** Local hour (provider's time zone) of the daily sync. */
  hourOfDay: number;
  /** Markets read by the sync; null = the countries of the provider's organisations. */
  markets: string[] | null;
  /** The markets the next sync reads. */
  effectiveMarkets: string[];
  timeZone: string;
  version: number;
}

export const DEFAULT_SYNC_HOUR = 3;

function localHour(now: Date, timeZone: string): number {
  try {
    return Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone).hour;
  } catch {
    return now.getUTCHours();
  }
}

/** The countries of the provider's organisations, its own first: the markets its buyers are in. */
export async function defaultMarkets(db: Kysely<Database>, providerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('organization_tree as t')
    .innerJoin('organizations as o', 'o.id', 't.descendant_id')
    .select(['o.country', 't.depth'])
    .where('t.ancestor_id', '=', providerId)
    .execute();
  const own = rows.find((r) => r.depth === 0)?.country.trim();
  const others = [...new Set(rows.map((r) => r.country.trim()))].filter((c) => c !== own).sort();
  return own ? [own, ...others] : others;
}

export async function getSyncSettings(db: Kysely<Database>, providerId: string): Promise<SyncSettings> {
  const [row, org] = await Promise.all([
    db
      .selectFrom('catalog_sync_settings')
      .selectAll()
      .where('provider_id', '=', providerId)
      .executeTakeFirst(),
    db.selectFrom('organizations').select('time_zone').where('id', '=', providerId).executeTakeFirstOrThrow(),
  ]);
  const markets = row?.markets ?? null;
  return {
    providerId,
    enabled: row?.enabled ?? true,
    hourOfDay: row?.hour_of_day ?? DEFAULT_SYNC_HOUR,
    markets,
    effectiveMarkets: markets ?? (await defaultMarkets(db, providerId)),
    timeZone: org.time_zone,
    version: row?.version ?? 0,
  };
}

export interface SyncSettingsInput {
  enabled?: boolean | undefined;
  hourOfDay?: number | undefined;
  markets?: string[] | null | undefined;
}

function requireProvider(scope: Scope): void {
  requirePermission(scope, 'catalog:manage');
  if (scope.organizationKind !== 'provider') {
    throw forbidden('Only the provider syncs the Microsoft catalog.');
  }
}

export async function saveSyncSettings(
  db: Kysely<Database>,
  scope: Scope,
  input: SyncSettingsInput,
  expectedVersion?: number,
): Promise<SyncSettings> {
  requireProvider(scope);
  if (input.markets) {
    const bad = input.markets.filter((m) => !/^[A-Z]{2}$/.test(m));
    if (bad.length > 0 || input.markets.length === 0) {
      throw badRequest('validation_failed', 'markets: use two-letter ISO 3166 country codes such as JP.', [
        { field: 'markets', message: 'Use two-letter ISO 3166 country codes such as JP.' },
      ]);
    }
  }
  const providerId = scope.organizationId;
  return db.transaction().execute(async (trx) => {
    const before = await getSyncSettings(trx, providerId);
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw new AppError(
        'version_conflict',
        412,
        'Someone else changed these settings. Reload and try again.',
      );
    }
    const values = {
      enabled: input.enabled ?? before.enabled,
      hour_of_day: input.hourOfDay ?? before.hourOfDay,
      markets:
        input.markets === undefined ? before.markets : input.markets ? [...new Set(input.markets)] : null,
    };
    await trx
      .insertInto('catalog_sync_settings')
      .values({ provider_id: providerId, ...values })
      .onConflict((oc) =>
        oc.column('provider_id').doUpdateSet({
          ...values,
          version: sql`catalog_sync_settings.version + 1`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    const after = await getSyncSettings(trx, providerId);
    await recordAudit(trx, scope, {
      organizationId: providerId,
      action: 'update',
      entityType: 'catalog_sync_settings',
      entityId: providerId,
      before,
      after,
    });
    return after;
  });
}

/**
 * Providers whose daily sync is due in the hour containing `now`: enabled, and `now` falls in their
 * configured local hour. The job ticks hourly, so each provider syncs once a day at its hour.
 */
export async function providersDueForSync(db: Kysely<Database>, now: Date): Promise<string[]> {
  const providers = await db
    .selectFrom('organizations as o')
    .leftJoin('catalog_sync_settings as s', 's.provider_id', 'o.id')
    .select(['o.id', 'o.time_zone', 's.enabled', 's.hour_of_day'])
    .where('o.kind', '=', 'provider')
    .execute();
  return providers
    .filter(
      (p) => (p.enabled ?? true) && localHour(now, p.time_zone) === (p.hour_of_day ?? DEFAULT_SYNC_HOUR),
    )
    .map((p) => p.id);
}
