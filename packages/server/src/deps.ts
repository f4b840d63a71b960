import type { Config } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/database.ts';
import { migrate } from './db/migrate.ts';
import { createMailer, type Mailer } from './mail/mailer.ts';
import { PartnerCenterConnector } from './partner-center/connector.ts';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything the application needs, wired once. No container: plain values passed down. */
export interface Deps {
  config: Config;
  database: DatabaseHandle;
  clock: Clock;
  partnerCenter: PartnerCenterConnector;
  mailer: Mailer;
}

export interface DepsOptions {
  clock?: Clock;
  /** The running Partner Center emulator, when this installation uses it. */
  emulatorUrl?: string | null;
  database?: DatabaseHandle;
}

export function wireDeps(config: Config, database: DatabaseHandle, options: DepsOptions = {}): Deps {
  return {
    config,
    database,
    clock: options.clock ?? systemClock,
    partnerCenter: new PartnerCenterConnector({
      db: database.db,
      secretKey: config.secretKey,
      emulatorUrl: options.emulatorUrl ?? null,
      defaultBaseUrl: config.partnerCenterUrl,
    }),
    mailer: createMailer(config),
  };
}

/** Opens the configured database, brings its schema up to date and wires the dependencies. */
export async function createDeps(config: Config, options: DepsOptions = {}): Promise<Deps> {
  const database =
    options.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? null : `${config.dataDir}/pglite`,
    }));
  await migrate(database);
  return wireDeps(config, database, options);
}
