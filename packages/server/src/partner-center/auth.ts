import {
  type AccountInfo,
  type AuthenticationResult,
  ConfidentialClientApplication,
  type ICachePlugin,
} from '@azure/msal-node';

export type ApiResource = 'partner-center' | 'graph' | 'price-sheet';

export interface TokenProvider {
  getToken(resource: ApiResource): Promise<string>;
}

export const SCOPES: Readonly<Record<ApiResource, string>> = {
  'partner-center': 'https://api.partnercenter.microsoft.com/.default',
  graph: 'https://graph.microsoft.com/.default',
  'price-sheet': 'https://api.partner.microsoft.com/.default',
};

export interface MsalProviderOptions {
  /** The partner's Entra tenant id. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Default `https://login.microsoftonline.com`; 21Vianet and tests use another host. */
  authorityHost?: string | undefined;
  /** Persists MSAL's token cache (e.g. encrypted in the database); in-memory when omitted. */
  cachePlugin?: ICachePlugin | undefined;
  scopes?: Partial<Record<ApiResource, string>> | undefined;
}

/** The part of ConfidentialClientApplication the providers use; replaceable in tests. */
export interface MsalClient {
  acquireTokenByClientCredential(request: { scopes: string[] }): Promise<AuthenticationResult | null>;
  acquireTokenByRefreshToken(request: {
    scopes: string[];
    refreshToken: string;
    forceCache?: boolean;
  }): Promise<AuthenticationResult | null>;
  acquireTokenSilent(request: { scopes: string[]; account: AccountInfo }): Promise<AuthenticationResult>;
}

function createMsalClient(options: MsalProviderOptions): MsalClient {
  const host = (options.authorityHost ?? 'https://login.microsoftonline.com').replace(/\/+$/, '');
  return new ConfidentialClientApplication({
    auth: {
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      authority: `${host}/${options.tenantId}`,
    },
    ...(options.cachePlugin ? { cache: { cachePlugin: options.cachePlugin } } : {}),
  });
}

export class TokenAcquisitionError extends Error {
  readonly resource: ApiResource;

  constructor(resource: ApiResource, cause?: unknown) {
    // The MSAL message may quote the request; only its error code is safe to surface.
    const code = (cause as { errorCode?: unknown } | undefined)?.errorCode;
    super(`Could not obtain a token for ${resource}${typeof code === 'string' ? ` (${code})` : ''}.`, {
      cause,
    });
    this.name = 'TokenAcquisitionError';
    this.resource = resource;
  }
}

/** App-only (client credentials). MSAL caches the tokens and renews them before they expire. */
export class MsalAppOnlyTokenProvider implements TokenProvider {
  readonly #client: MsalClient;
  readonly #scopes: Record<ApiResource, string>;

  constructor(options: MsalProviderOptions, client?: MsalClient) {
    this.#client = client ?? createMsalClient(options);
    this.#scopes = { ...SCOPES, ...options.scopes };
  }

  async getToken(resource: ApiResource): Promise<string> {
    let result: AuthenticationResult | null;
    try {
      result = await this.#client.acquireTokenByClientCredential({ scopes: [this.#scopes[resource]] });
    } catch (error) {
      throw new TokenAcquisitionError(resource, error);
    }
    if (!result?.accessToken) throw new TokenAcquisitionError(resource);
    return result.accessToken;
  }
}

export interface MsalAppUserProviderOptions extends MsalProviderOptions {
  /** Refresh token obtained once through the Secure Application Model consent (MFA) flow. */
  refreshToken: string;
}

/**
 * App+User (Secure Application Model), needed for operations that refuse app-only tokens (price sheet,
 * some customer operations). The stored refresh token is redeemed once; afterwards MSAL's cache (account +
 * rotated refresh token) serves every resource silently.
 */
export class MsalAppUserTokenProvider implements TokenProvider {
  readonly #client: MsalClient;
  readonly #scopes: Record<ApiResource, string>;
  readonly #refreshToken: string;
  #account: AccountInfo | undefined;

  constructor(options: MsalAppUserProviderOptions, client?: MsalClient) {
    this.#client = client ?? createMsalClient(options);
    this.#scopes = { ...SCOPES, ...options.scopes };
    this.#refreshToken = options.refreshToken;
  }

  async getToken(resource: ApiResource): Promise<string> {
    const scopes = [this.#scopes[resource]];
    if (this.#account) {
      try {
        const silent = await this.#client.acquireTokenSilent({ scopes, account: this.#account });
        if (silent.accessToken) return silent.accessToken;
      } catch {
        // The cached refresh token may have been rotated out or revoked: redeem the stored one again.
      }
    }
    let result: AuthenticationResult | null;
    try {
      result = await this.#client.acquireTokenByRefreshToken({
        scopes,
        refreshToken: this.#refreshToken,
        forceCache: true,
      });
    } catch (error) {
      throw new TokenAcquisitionError(resource, error);
    }
    if (!result?.accessToken) throw new TokenAcquisitionError(resource);
    if (result.account) this.#account = result.account;
    return result.accessToken;
  }
}

/** A fixed token: for the local emulator, which accepts any bearer token. */
export class StaticTokenProvider implements TokenProvider {
  readonly #tokens: Partial<Record<ApiResource, string>> & { default: string };

  constructor(token: string | (Partial<Record<ApiResource, string>> & { default: string })) {
    this.#tokens = typeof token === 'string' ? { default: token } : token;
  }

  async getToken(resource: ApiResource): Promise<string> {
    return this.#tokens[resource] ?? this.#tokens.default;
  }
}
