import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';

/** Passwords: argon2id. API keys and session tokens are high-entropy, so a SHA-256 digest suffices. */
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export const randomToken = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const MIN_PASSWORD_LENGTH = 10;

/** The demo seed uses the password "demo"; real users must choose something stronger. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  }
  if (!/[A-Za-z]/.test(password) || !/[^A-Za-z]/.test(password)) {
    return 'The password must mix letters with digits or symbols.';
  }
  return null;
}

/** API keys look like `cspc_<prefix>_<secret>`: the prefix finds the row, the secret is checked by hash. */
export function newApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomToken(32);
  return { key: `cspc_${prefix}_${secret}`, prefix, secretHash: sha256(secret) };
}

export function parseApiKey(key: string): { prefix: string; secret: string } | null {
  const match = /^cspc_([0-9a-f]{12})_([A-Za-z0-9_-]{40,})$/.exec(key);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}
