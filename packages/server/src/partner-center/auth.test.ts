import type { AccountInfo, AuthenticationResult } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import {
  MsalAppOnlyTokenProvider,
  MsalAppUserTokenProvider,
  type MsalClient,
  StaticTokenProvider,
  TokenAcquisitionError,
} from './auth.ts';

const options = { tenantId: 't', clientId: 'c', clientSecret: 's' };
const account = { homeAccountId: 'h' } as AccountInfo;
const result = (accessToken: string) => ({ accessToken, account }) as AuthenticationResult;

function fakeMsal(overrides: Partial<MsalClient> = {}) {
  const calls: Array<[string, unknown]> = [];
  const client: MsalClient = {
    acquireTokenByClientCredential: async (request) => {
      calls.push(['clientCredential', request]);
      return result(`app-${request.scopes[0]}`);
    },
    acquireTokenByRefreshToken: async (request) => {
      calls.push(['refreshToken', request]);
      return result(`user-${request.scopes[0]}`);
    },
    acquireTokenSilent: async (request) => {
      calls.push(['silent', request]);
      return result(`silent-${request.scopes[0]}`);
    },
    ...overrides,
  };
  return { client, calls };
}

describe('MsalAppOnlyTokenProvider', () => {
  it('asks for the .default scope of each resource', async () => {
    const { client, calls } = fakeMsal();
    const provider = new MsalAppOnlyTokenProvider(options, client);
    expect(await provider.getToken('partner-center')).toBe(
      'app-https://api.partnercenter.microsoft.com/.default',
    );
    expect(await provider.getToken('graph')).toBe('app-https://graph.microsoft.com/.default');
    expect(await provider.getToken('price-sheet')).toBe('app-https://api.partner.microsoft.com/.default');
    expect(calls).toHaveLength(3);
  });

  it('wraps MSAL failures without their message', async () => {
    const { client } = fakeMsal({
      acquireTokenByClientCredential: async () => {
        throw Object.assign(new Error('AADSTS7000215: Invalid client secret s3cr3t'), {
          errorCode: 'invalid_client',
        });
      },
    });
    const error = await new MsalAppOnlyTokenProvider(options, client)
      .getToken('graph')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenAcquisitionError);
    expect((error as Error).message).toBe('Could not obtain a token for graph (invalid_client).');
  });
});

describe('MsalAppUserTokenProvider', () => {
  it('redeems the stored refresh token once, then uses the MSAL cache silently', async () => {
    const { client, calls } = fakeMsal();
    const provider = new MsalAppUserTokenProvider({ ...options, refreshToken: 'rt' }, client);
    expect(await provider.getToken('partner-center')).toBe(
      'user-https://api.partnercenter.microsoft.com/.default',
    );
    expect(await provider.getToken('price-sheet')).toBe('silent-https://api.partner.microsoft.com/.default');
    expect(calls.map(([kind]) => kind)).toEqual(['refreshToken', 'silent']);
    expect(calls[0]?.[1]).toMatchObject({ refreshToken: 'rt', forceCache: true });
  });

  it('falls back to the stored refresh token when the silent call fails', async () => {
    const { client, calls } = fakeMsal({
      acquireTokenSilent: async () => {
        throw new Error('interaction_required');
      },
    });
    const provider = new MsalAppUserTokenProvider({ ...options, refreshToken: 'rt' }, client);
    await provider.getToken('graph');
    await provider.getToken('graph');
    expect(calls.map(([kind]) => kind)).toEqual(['refreshToken', 'refreshToken']);
  });
});

describe('StaticTokenProvider', () => {
  it('returns the configured token, optionally per resource', async () => {
    expect(await new StaticTokenProvider('emulator').getToken('graph')).toBe('emulator');
    const perResource = new StaticTokenProvider({ default: 'd', graph: 'g' });
    expect(await perResource.getToken('graph')).toBe('g');
    expect(await perResource.getToken('partner-center')).toBe('d');
  });
});
