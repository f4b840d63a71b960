import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * All configuration, read once from the environment, validated and frozen. Nothing else in the
 * server reads process.env.
 */
export interface Config {
  readonly env: 'production' | 'development' | 'test';
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly databaseUrl: string | null;
  readonly dataDir: string;
  readonly partnerCenterUrl: string | null;
  readonly emulatorPort: number;
  readonly secretKey: Buffer;
  readonly sessionTtlHours: number;
  readonly loginRateLimitPerMinute: number;
  readonly cookieSecure: boolean;
  readonly logLevel: string;
  readonly webDistDir: string;
  readonly smtpUrl: string | null;
  /** The sender address of e-mail; the display name is the recipient's (white-label) brand. */
  readonly mailFrom: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}".`);
  }
  return value;
}

/**
 * The key that encrypts stored secrets (Partner Center credentials). Production sets SECRET_KEY;
 * the embedded default generates one in the data dir on first start so a demo needs no setup.
 */
function secretKey(env: Env, dataDir: string): Buffer {
  const raw = env.SECRET_KEY;
  if (raw) {
    const key = Buffer.from(raw, 'base64');
    if (key.length !== 32) throw new ConfigError('SECRET_KEY must be 32 bytes, base64-encoded.');
    return key;
  }
  const file = join(dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' || env.NODE_ENV === 'test' ? env.NODE_ENV : 'development';
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const dataDir = resolve(env.DATA_DIR || '.data');
  const publicUrl = (env.PUBLIC_URL || `http://localhost:${port}`).replace(/\/$/, '');
  const databaseUrl = env.DATABASE_URL || null;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL.');
  }
  const config: Config = {
    env: nodeEnv,
    host: env.HOST || '0.0.0.0',
    port,
    publicUrl,
    databaseUrl,
    dataDir,
    partnerCenterUrl: env.PARTNER_CENTER_URL || null,
    emulatorPort: integer(env, 'EMULATOR_PORT', 4010, 0, 65535),
    secretKey: secretKey(env, dataDir),
    sessionTtlHours: integer(env, 'SESSION_TTL_HOURS', 12, 1, 24 * 30),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT', 10, 1, 10_000),
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : publicUrl.startsWith('https://'),
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    webDistDir: resolve(env.WEB_DIST_DIR || new URL('../../web/dist', import.meta.url).pathname),
    smtpUrl: env.SMTP_URL || null,
    mailFrom: env.MAIL_FROM || `no-reply@${/^\w+:\/\/([^/:?#]+)/.exec(publicUrl)?.[1] ?? 'localhost'}`,
  };
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(config.mailFrom)) {
    throw new ConfigError('MAIL_FROM must be a plain e-mail address, e.g. billing@example.com.');
  }
  return Object.freeze(config);
}
