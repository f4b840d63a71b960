import { fromPglite, PgBoss } from 'pg-boss';
import type { DatabaseHandle } from '../db/database.ts';

/**
 * A background job: a name, its retry policy and a handler. Handlers must be idempotent per job
 * (a job may run again after a crash between its work and its completion), and are thin wrappers
 * over use cases.
 */
export interface JobDefinition<T extends object = object> {
  readonly name: string;
  readonly retryLimit?: number;
  readonly retryDelaySeconds?: number;
  /**
   * pg-boss queue policy. 'short' keeps at most one queued job per singleton key (dedupes "run
   * this once for order X"); 'standard' queues every send.
   */
  readonly policy?: 'standard' | 'short' | 'singleton' | 'stately';
  /** Cron schedule (one-minute granularity) in an explicit time zone, for recurring jobs. */
  readonly schedule?: { readonly cron: string; readonly timeZone: string };
  run(data: T, job: { id: string; attempt: number }): Promise<void>;
}

export interface SendOptions {
  /** Run no earlier than this instant (future-dated work). */
  startAfter?: Date;
  /** With a 'short' (or stricter) queue policy: at most one queued job per key; a repeat send returns null. */
  singletonKey?: string;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * pg-boss over the application's database — PostgreSQL through its own pool, PGlite through the
 * shared in-process instance — so jobs are durable and survive restarts without extra services.
 */
export class JobRunner {
  readonly #boss: PgBoss;
  readonly #definitions: ReadonlyMap<string, JobDefinition>;
  readonly #logger: Logger;
  #started = false;

  constructor(
    database: DatabaseHandle,
    definitions: readonly JobDefinition[],
    logger: Logger,
    options: { pollingIntervalSeconds?: number } = {},
  ) {
    this.#definitions = new Map(definitions.map((d) => [d.name, d]));
    this.#logger = logger;
    const common = { schema: 'pgboss', cronMonitorIntervalSeconds: 10, cronWorkerIntervalSeconds: 5 };
    this.#boss =
      database.pglite !== null
        ? new PgBoss({ ...common, db: fromPglite(database.pglite), backend: 'pglite' })
        : new PgBoss({ ...common, connectionString: database.url ?? undefined, max: 4 });
    this.#pollingIntervalSeconds = options.pollingIntervalSeconds ?? 2;
    this.#boss.on('error', (error) => this.#logger.error({ err: error }, 'job queue error'));
  }

  readonly #pollingIntervalSeconds: number;

  /** Installs the queues; with `work`, this process also executes jobs and keeps schedules. */
  async start({ work }: { work: boolean }): Promise<void> {
    await this.#boss.start();
    this.#started = true;
    for (const definition of this.#definitions.values()) {
      await this.#boss.createQueue(definition.name, {
        policy: definition.policy ?? 'standard',
        retryLimit: definition.retryLimit ?? 5,
        retryDelay: definition.retryDelaySeconds ?? 30,
        retryBackoff: true,
      });
      if (!work) continue;
      await this.#boss.work<object>(
        definition.name,
        { pollingIntervalSeconds: this.#pollingIntervalSeconds, batchSize: 1 },
        async ([job]) => {
          if (!job) return;
          this.#logger.info({ job: definition.name, id: job.id, attempt: job.retryCount }, 'job started');
          await definition.run(job.data, { id: job.id, attempt: job.retryCount });
        },
      );
      if (definition.schedule) {
        await this.#boss.schedule(definition.name, definition.schedule.cron, null, {
          tz: definition.schedule.timeZone,
        });
      }
    }
  }

  async send<T extends object>(name: string, data: T, options: SendOptions = {}): Promise<string | null> {
    if (!this.#definitions.has(name)) throw new Error(`Unknown job "${name}".`);
    return this.#boss.send(name, data, {
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
    });
  }

  /** The state of one job, for operations screens and tests. */
  async getJob(name: string, id: string) {
    return this.#boss.getJobById(name, id);
  }

  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    await this.#boss.stop({ graceful: true, timeout: 10_000, close: true });
  }
}
