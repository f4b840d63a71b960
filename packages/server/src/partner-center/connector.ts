import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import {
  MsalAppOnlyTokenProvider,
  MsalAppUserTokenProvider,
  StaticTokenProvider,
  type TokenProvider,
} from './auth.ts';
import { createPartnerCenterClient, type PartnerCenterClient } from './client.ts';
import { decryptCredentials } from './credentials.ts';
import { DatabaseRequestLedger } from './request-ledger.repository.ts';

export const MICROSOFT_PARTNER_CENTER_URL = 'https://api.partnercenter.microsoft.com/v1';

export interface ConnectorOptions {
  db: Kysely<Database>;
  secretKey: Buffer;
  /** Where providers without a stored connection are served: the built-in emulator, or none. */
  emulatorUrl: string | null;
  /** Base URL for stored Microsoft connections without one of their own (PARTNER_CENTER_URL). */
  defaultBaseUrl?: string | null;
  logger?: { debug(obj: object, msg?: string): void };
}

/**
 * Hands out a Partner Center client per provider: through the provider's stored, encrypted
 * credentials against Microsoft (or the base URL stored with them), or — when the provider has no
 * connection and the installation runs the emulator — against the local emulator.
 */
export class PartnerCenterConnector {
  readonly #options: ConnectorOptions;
  readonly #ledger: DatabaseRequestLedger;
  readonly #clients = new Map<string, { version: number; client: PartnerCenterClient }>();

  constructor(options: ConnectorOptions) {
    this.#options = options;
    this.#ledger = new DatabaseRequestLedger(options.db);
  }

  get emulatorUrl(): string | null {
    return this.#options.emulatorUrl;
  }

  async clientFor(providerId: string): Promise<PartnerCenterClient> {
    const connection = await this.#options.db
      .selectFrom('partner_center_connections')
      .selectAll()
      .where('organization_id', '=', providerId)
      .executeTakeFirst();
    const version = connection?.version ?? 0;
    const cached = this.#clients.get(providerId);
    if (cached && cached.version === version) return cached.client;

    let baseUrl: string;
    let tokens: TokenProvider;
    if (!connection || connection.mode === 'emulator') {
      const emulator = connection?.base_url ?? this.#options.emulatorUrl;
      if (!emulator) {
        throw new AppError(
          'partner_center_not_connected',
          409,
          'This provider has no Partner Center connection. Add the credentials under Settings → Partner Center.',
        );
      }
      baseUrl = emulator;
      tokens = new StaticTokenProvider('emulator');
    } else {
      const credentials = decryptCredentials(connection.credentials!, this.#options.secretKey, {
        context: providerId,
      });
      if (!credentials.appSecret) {
        throw new AppError(
          'partner_center_credentials_incomplete',
          409,
          'The stored Partner Center connection has no application secret. Enter it again under Settings → Partner Center.',
        );
      }
      const msal = {
        tenantId: credentials.tenantId,
        clientId: credentials.appId,
        clientSecret: credentials.appSecret,
      };
      tokens =
        connection.mode === 'app_user' && credentials.refreshToken
          ? new MsalAppUserTokenProvider({ ...msal, refreshToken: credentials.refreshToken })
          : new MsalAppOnlyTokenProvider(msal);
      baseUrl = connection.base_url ?? this.#options.defaultBaseUrl ?? MICROSOFT_PARTNER_CENTER_URL;
    }
    const root = baseUrl.replace(/\/v1\/?$/, '');
    const client = createPartnerCenterClient({
      baseUrl: `${root}/v1`,
      ...(root === MICROSOFT_PARTNER_CENTER_URL.replace(/\/v1$/, '')
        ? {}
        : { graphBaseUrl: `${root}/graph/v1.0`, priceSheetBaseUrl: `${root}/pricesheets/v1.0` }),
      tokens,
      ledger: this.#ledger,
      ...(this.#options.logger ? { logger: this.#options.logger } : {}),
    });
    this.#clients.set(providerId, { version, client });
    return client;
  }
}
