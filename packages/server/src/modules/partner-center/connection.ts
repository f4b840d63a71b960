import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, forbidden } from '../../http/errors.ts';
import type { PartnerCenterConnector } from '../../partner-center/connector.ts';
import { encryptCredentials } from '../../partner-center/credentials.ts';
import { recordAudit } from '../audit/audit.repository.ts';

export interface ConnectionView {
  mode: 'emulator' | 'app_only' | 'app_user';
  baseUrl: string | null;
  tenantId: string | null;
  appId: string | null;
  hasCredentials: boolean;
  lastTest: { at: string; ok: boolean; message: string } | null;
  version: number;
}

export interface ConnectionInput {
  mode: 'emulator' | 'app_only' | 'app_user';
  baseUrl?: string | undefined;
  tenantId?: string | undefined;
  appId?: string | undefined;
  appSecret?: string | undefined;
  refreshToken?: string | undefined;
}

/** Only a provider holds the Partner Center relationship; resellers and customers never see it. */
function requireProviderAdmin(scope: Scope): void {
  requirePermission(scope, 'partner_center:manage');
  if (scope.organizationKind !== 'provider') {
    throw forbidden('Only the provider manages the Partner Center connection.');
  }
}

export async function getConnection(
  db: Kysely<Database>,
  scope: Scope,
  connector: PartnerCenterConnector,
): Promise<ConnectionView> {
  requireProviderAdmin(scope);
  const row = await db
    .selectFrom('partner_center_connections')
    .selectAll()
    .where('organization_id', '=', scope.organizationId)
    .executeTakeFirst();
  if (!row) {
    return {
      mode: 'emulator',
      baseUrl: connector.emulatorUrl,
      tenantId: null,
      appId: null,
      hasCredentials: false,
      lastTest: null,
      version: 0,
    };
  }
  return {
    mode: row.mode,
    baseUrl: row.base_url,
    tenantId: row.tenant_id,
    appId: row.app_id,
    hasCredentials: row.credentials !== null,
    lastTest:
      row.last_test_at && row.last_test_ok !== null
        ? { at: row.last_test_at.toISOString(), ok: row.last_test_ok, message: row.last_test_message ?? '' }
        : null,
    version: row.version,
  };
}

/** Stores the connection; secrets are encrypted with the installation's key, bound to the provider. */
export async function saveConnection(
  db: Kysely<Database>,
  scope: Scope,
  connector: PartnerCenterConnector,
  key: Buffer,
  input: ConnectionInput,
): Promise<ConnectionView> {
  requireProviderAdmin(scope);
  if (input.baseUrl && !/^https?:\/\/[^\s]+$/.test(input.baseUrl)) {
    throw badRequest('invalid_base_url', 'The base URL must be an http(s) URL.');
  }
  let credentials: string | null = null;
  if (input.mode !== 'emulator') {
    if (!input.tenantId || !input.appId || !input.appSecret) {
      throw badRequest(
        'credentials_required',
        'Tenant id, application id and application secret are required.',
      );
    }
    if (input.mode === 'app_user' && !input.refreshToken) {
      throw badRequest(
        'refresh_token_required',
        'App+User access needs the refresh token from the consent flow.',
      );
    }
    credentials = encryptCredentials(
      {
        tenantId: input.tenantId,
        appId: input.appId,
        appSecret: input.appSecret,
        ...(input.refreshToken ? { refreshToken: input.refreshToken } : {}),
      },
      key,
      { context: scope.organizationId },
    );
  }
  await db.transaction().execute(async (trx) => {
    const before = await getConnection(trx, scope, connector);
    const values = {
      mode: input.mode,
      base_url: input.baseUrl ?? null,
      tenant_id: input.tenantId ?? null,
      app_id: input.appId ?? null,
      credentials,
    };
    await trx
      .insertInto('partner_center_connections')
      .values({ organization_id: scope.organizationId, ...values })
      .onConflict((oc) =>
        oc.column('organization_id').doUpdateSet({
          ...values,
          last_test_at: null,
          last_test_ok: null,
          last_test_message: null,
          version: sql`partner_center_connections.version + 1`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    const { credentials: _secret, ...after } = values;
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'update',
      entityType: 'partner_center_connection',
      entityId: scope.organizationId,
      before,
      after: { ...after, hasCredentials: credentials !== null },
    });
  });
  return getConnection(db, scope, connector);
}

/** Makes one cheap read call with the stored connection and records the outcome. */
export async function testConnection(
  db: Kysely<Database>,
  scope: Scope,
  connector: PartnerCenterConnector,
): Promise<{ ok: boolean; message: string }> {
  requireProviderAdmin(scope);
  let result: { ok: boolean; message: string };
  try {
    const client = await connector.clientFor(scope.organizationId);
    const { product } = await client.catalog.azurePlan({ country: 'US' });
    result = { ok: true, message: `Connected: read "${product.title}" from the catalog.` };
  } catch (error) {
    result = { ok: false, message: error instanceof Error ? error.message : 'The connection test failed.' };
  }
  await db
    .updateTable('partner_center_connections')
    .set({ last_test_at: sql`now()`, last_test_ok: result.ok, last_test_message: result.message })
    .where('organization_id', '=', scope.organizationId)
    .execute();
  return result;
}
