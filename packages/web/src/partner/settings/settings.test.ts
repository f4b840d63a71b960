import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client';
import { type ConnectionForm, connectionInput, connectionProblems } from './api';
import { isVersionConflict, settingsErrorMessage } from './errors';
import { settingsTabs } from './tabs';

const blank: ConnectionForm = {
  mode: 'emulator',
  baseUrl: '',
  tenantId: '',
  appId: '',
  appSecret: '',
  refreshToken: '',
};

describe('the Partner Center connection form', () => {
  it('needs nothing in emulator mode and sends only the mode', () => {
    expect(connectionProblems(blank)).toEqual({});
    expect(connectionInput({ ...blank, tenantId: 'left over' })).toEqual({ mode: 'emulator' });
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(connectionProblems({ ...blank, baseUrl: 'ftp://example.test' })).toEqual({
      baseUrl: 'invalidUrl',
    });
    expect(connectionProblems({ ...blank, baseUrl: 'http://127.0.0.1:4010' })).toEqual({});
    expect(connectionInput({ ...blank, baseUrl: ' http://127.0.0.1:4010 ' })).toEqual({
      mode: 'emulator',
      baseUrl: 'http://127.0.0.1:4010',
    });
  });

  it('needs tenant, application and secret live, and the refresh token for App + User', () => {
    expect(connectionProblems({ ...blank, mode: 'app_only' })).toEqual({
      tenantId: 'required',
      appId: 'required',
      appSecret: 'required',
    });
    const live = { ...blank, mode: 'app_user' as const, tenantId: ' t ', appId: 'a', appSecret: 's' };
    expect(connectionProblems(live)).toEqual({ refreshToken: 'required' });
    expect(connectionInput({ ...live, refreshToken: 'r' })).toEqual({
      mode: 'app_user',
      tenantId: 't',
      appId: 'a',
      appSecret: 's',
      refreshToken: 'r',
    });
    expect(connectionInput({ ...live, mode: 'app_only', refreshToken: 'r' })).not.toHaveProperty(
      'refreshToken',
    );
  });
});

describe('settings errors', () => {
  const t = ((key: string) => key) as unknown as TFunction;
  it('has words for the settings codes and falls back to the general messages', () => {
    expect(settingsErrorMessage(t, new ApiError(400, 'credentials_required', 'x'))).toBe(
      'settings.errors.credentials_required',
    );
    expect(settingsErrorMessage(t, new ApiError(403, 'forbidden', 'x'))).toBe('errors.forbidden');
  });
  it('recognises an optimistic-concurrency conflict', () => {
    expect(isVersionConflict(new ApiError(412, 'version_conflict', 'x'))).toBe(true);
    expect(isVersionConflict(new ApiError(400, 'not_a_member', 'x'))).toBe(false);
  });
});

describe('settings tabs', () => {
  const all = ['partner_center:manage', 'billing:write', 'notifications:manage'];
  it('gives the Partner Center tab to the provider only', () => {
    expect(settingsTabs({ permissions: all, organization: { kind: 'provider' } })).toEqual([
      'partnerCenter',
      'billing',
      'notifications',
    ]);
    expect(settingsTabs({ permissions: all, organization: { kind: 'reseller' } })).toEqual([
      'billing',
      'notifications',
    ]);
  });
  it('follows the permissions', () => {
    expect(
      settingsTabs({ permissions: ['notifications:manage'], organization: { kind: 'provider' } }),
    ).toEqual(['notifications']);
  });
});
