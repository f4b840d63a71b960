import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CredentialsError,
  decryptCredentials,
  encryptCredentials,
  type PartnerCenterCredentials,
  parseEncryptionKey,
  redact,
} from './credentials.ts';

const key = randomBytes(32).toString('base64');
const credentials: PartnerCenterCredentials = {
  tenantId: '0e195b37-4574-4539-bc42-0e539b9684c0',
  appId: '3b33e682-00c3-41ee-9dd2-a548adf56438',
  appSecret: 'app-secret-value',
  refreshToken: 'refresh-token-value',
};

describe('credentials encryption', () => {
  it('round-trips and never contains the secrets in clear', () => {
    const blob = encryptCredentials(credentials, key);
    expect(blob).toMatch(/^pcc1\.k0\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(blob).not.toContain('app-secret-value');
    expect(decryptCredentials(blob, key)).toEqual(credentials);
  });

  it('uses a fresh IV every time', () => {
    expect(encryptCredentials(credentials, key)).not.toBe(encryptCredentials(credentials, key));
  });

  it('detects tampering with any part of the blob', () => {
    const blob = encryptCredentials(credentials, key);
    const parts = blob.split('.');
    for (const index of [2, 3, 4]) {
      const changed = [...parts];
      const bytes = Buffer.from(changed[index] as string, 'base64url');
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      changed[index] = bytes.toString('base64url');
      expect(() => decryptCredentials(changed.join('.'), key)).toThrow(CredentialsError);
    }
    const relabelled = ['pcc1', 'k1', ...parts.slice(2)].join('.');
    expect(() => decryptCredentials(relabelled, { k1: key })).toThrow(CredentialsError);
  });

  it('fails with the wrong key or the wrong context', () => {
    const blob = encryptCredentials(credentials, key, { context: 'partner:1' });
    expect(decryptCredentials(blob, key, { context: 'partner:1' })).toEqual(credentials);
    expect(() => decryptCredentials(blob, key, { context: 'partner:2' })).toThrow(CredentialsError);
    expect(() => decryptCredentials(blob, randomBytes(32))).toThrow(CredentialsError);
  });

  it('supports key rotation through a keyring', () => {
    const oldKey = randomBytes(32);
    const blob = encryptCredentials(credentials, oldKey, { keyId: 'k2023' });
    expect(decryptCredentials(blob, { k2023: oldKey, k2024: key })).toEqual(credentials);
    expect(() => decryptCredentials(blob, { k2024: key })).toThrow(/No key configured/);
  });

  it('validates keys and blobs', () => {
    expect(() => parseEncryptionKey(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => decryptCredentials('not-a-blob', key)).toThrow(/unknown format/);
    expect(() => encryptCredentials({ tenantId: '', appId: 'a' }, key)).toThrow(CredentialsError);
  });

  it('redact() hides secrets and keeps identifiers', () => {
    expect(redact(credentials)).toEqual({
      tenantId: credentials.tenantId,
      appId: credentials.appId,
      appSecret: '[redacted]',
      refreshToken: '[redacted]',
    });
    expect(redact({ nested: [{ clientSecret: 's', password: 'p', name: 'n' }] })).toEqual({
      nested: [{ clientSecret: '[redacted]', password: '[redacted]', name: 'n' }],
    });
  });
});
