import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Webhook signing secrets at rest: AES-256-GCM under SECRET_KEY with a random IV, the endpoint id
 * bound in as associated data so a blob copied onto another endpoint does not decrypt. We must be
 * able to read the secret back (to sign), so it is encrypted rather than hashed; it is shown to
 * people only once, when the endpoint is created.
 */
const VERSION = 'whs1';

const b64 = (b: Buffer) => b.toString('base64url');

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function sealSecret(secret: string, key: Buffer, endpointId: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(`${VERSION}:${endpointId}`));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, b64(iv), b64(ciphertext), b64(cipher.getAuthTag())].join('.');
}

export function openSecret(blob: string, key: Buffer, endpointId: string): string {
  const [version, iv, ciphertext, tag] = blob.split('.');
  if (version !== VERSION || !iv || !ciphertext || !tag) throw new Error('Unknown webhook secret format.');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${VERSION}:${endpointId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString(
    'utf8',
  );
}
