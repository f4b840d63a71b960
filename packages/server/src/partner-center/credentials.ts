import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

/**
 * Partner Center app credentials at rest: AES-256-GCM with a random 96-bit IV per blob. The blob is text
 * so it fits any column: `pcc1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). Version, key id and an
 * optional caller context (e.g. the owning row id) are authenticated as associated data, so a blob cannot be
 * moved to another row or re-labelled without detection.
 */
export const PartnerCenterCredentialsSchema = z.looseObject({
  tenantId: z.string().min(1),
  /** Entra application (client) id. */
  appId: z.string().min(1),
  appSecret: z.string().min(1).optional(),
  /** Secure Application Model refresh token (App+User operations). */
  refreshToken: z.string().min(1).optional(),
});
export type PartnerCenterCredentials = z.infer<typeof PartnerCenterCredentialsSchema>;

export class CredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

const VERSION = 'pcc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export type KeyMaterial = string | Uint8Array;

export interface EncryptOptions {
  /** Names the key so it can be rotated; default `k0`. */
  keyId?: string | undefined;
  /** Bound into the authentication tag; the same value is needed to decrypt. */
  context?: string | undefined;
}

export interface DecryptOptions {
  context?: string | undefined;
}

/** Reads the configured key: 32 bytes, base64 (or base64url) encoded. */
export function parseEncryptionKey(key: KeyMaterial): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key.trim(), 'base64') : Buffer.from(key);
  if (bytes.length !== 32) {
    throw new CredentialsError(
      `The credentials encryption key must be 32 bytes (base64); got ${bytes.length}.`,
    );
  }
  return bytes;
}

export function encryptCredentials(
  credentials: PartnerCenterCredentials,
  key: KeyMaterial,
  options: EncryptOptions = {},
): string {
  const valid = PartnerCenterCredentialsSchema.safeParse(credentials);
  if (!valid.success) throw new CredentialsError('Refusing to store incomplete Partner Center credentials.');
  const keyId = options.keyId ?? 'k0';
  if (!/^[A-Za-z0-9_-]{1,32}$/.test(keyId)) throw new CredentialsError('Key ids are 1–32 of [A-Za-z0-9_-].');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', parseEncryptionKey(key), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(keyId, options.context));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(valid.data), 'utf8'), cipher.final()]);
  return [VERSION, keyId, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
}

/**
 * Decrypts and validates a blob. `key` may be a keyring (`{ k0: oldKey, k1: newKey }`) during rotation.
 * Any modification of the blob, a wrong key or a wrong context fails with CredentialsError.
 */
export function decryptCredentials(
  blob: string,
  key: KeyMaterial | Readonly<Record<string, KeyMaterial>>,
  options: DecryptOptions = {},
): PartnerCenterCredentials {
  const parts = blob.trim().split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new CredentialsError('Not a Partner Center credentials blob (unknown format or version).');
  }
  const [, keyId = '', ivText = '', dataText = '', tagText = ''] = parts;
  const material = typeof key === 'string' || key instanceof Uint8Array ? key : key[keyId];
  if (material === undefined) throw new CredentialsError(`No key configured for key id ${keyId}.`);
  const iv = unb64(ivText);
  const tag = unb64(tagText);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
    throw new CredentialsError('Corrupt credentials blob.');
  let plaintext: string;
  try {
    const decipher = createDecipheriv('aes-256-gcm', parseEncryptionKey(material), iv, {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(associatedData(keyId, options.context));
    decipher.setAuthTag(tag);
    plaintext = Buffer.concat([decipher.update(unb64(dataText)), decipher.final()]).toString('utf8');
  } catch (error) {
    if (error instanceof CredentialsError) throw error;
    throw new CredentialsError('Credentials blob was modified, or the key or context is wrong.', {
      cause: error,
    });
  }
  const parsed = PartnerCenterCredentialsSchema.safeParse(JSON.parse(plaintext));
  if (!parsed.success) throw new CredentialsError('Decrypted credentials are incomplete.');
  return parsed.data;
}

const SECRET_KEY = /secret|token|password|assertion|key$/i;

/** A copy safe for logs: secrets replaced, ids kept (they identify the tenant, they do not grant access). */
export function redact<T>(value: T): T {
  return redactValue(value, 0) as T;
}

function redactValue(value: unknown, depth: number): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_KEY.test(k) && v !== undefined && v !== null ? '[redacted]' : redactValue(v, depth + 1);
  }
  return out;
}

function associatedData(keyId: string, context: string | undefined): Buffer {
  return Buffer.from(`${VERSION}\u0000${keyId}\u0000${context ?? ''}`, 'utf8');
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const unb64 = (text: string) => Buffer.from(text, 'base64url');
