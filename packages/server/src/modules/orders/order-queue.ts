import { fromPglite, PgBoss } from 'pg-boss';
import type { DatabaseHandle } from '../../db/database.ts';
import type { Clock } from '../../deps.ts';

/**
 * Sends order jobs to pg-boss from wherever an order changes: an API request, a job, the CLI.
 * The application's JobRunner lives in `cli/processes.ts` and is not reachable from request
 * handlers, so this is a send-only pg-boss instance on the same database (no polling, no
 * maintenance, no cron): a `send` is one INSERT into pg-boss's job table. Queues are created with
 * the same options as the job definitions, so sending works before any worker ever started.
 *
 * Sends happen after the order's transaction committed; an order whose send was lost (a crash in
 * between) is found and sent again by the `orders.sweep` job, and a repeated send is harmless
 * (singleton keys on 'short' queues, and the order's conditional claim).
 */

export interface QueueSpec {
  name: string;
  retryLimit: number;
  retryDelaySeconds: number;
  policy: 'standard' | 'short';
}

export interface SendJobOptions {
  startAfter?: Date;
  singletonKey?: string;
  /** Per-job retry policy (overrides the queue's). */
  retryLimit?: number;
  retryDelaySeconds?: number;
}

export interface JobSender {
  send(name: string, data: object, options?: SendJobOptions): Promise<string | null>;
  stop(): Promise<void>;
}

class SendOnlyQueue implements JobSender {
  readonly #database: DatabaseHandle;
  readonly #queues: readonly QueueSpec[];
  #boss: Promise<PgBoss> | null = null;

  constructor(database: DatabaseHandle, queues: readonly QueueSpec[]) {
    this.#database = database;
    this.#queues = queues;
  }

  #start(): Promise<PgBoss> {
    if (!this.#boss) {
      this.#boss = (async () => {
        const common = { schema: 'pgboss', supervise: false, schedule: false } as const;
        const boss =
          this.#database.pglite !== null
            ? new PgBoss({ ...common, db: fromPglite(this.#database.pglite), backend: 'pglite' })
            : new PgBoss({ ...common, connectionString: this.#database.url ?? undefined, max: 2 });
        boss.on('error', () => undefined);
        await boss.start();
        for (const queue of this.#queues) {
          await boss.createQueue(queue.name, {
            policy: queue.policy,
            retryLimit: queue.retryLimit,
            retryDelay: queue.retryDelaySeconds,
            retryBackoff: true,
          });
        }
        return boss;
      })();
      this.#boss.catch(() => {
        this.#boss = null;
      });
    }
    return this.#boss;
  }

  async send(name: string, data: object, options: SendJobOptions = {}) {
    const boss = await this.#start();
    return boss.send(name, data, {
      ...(options.startAfter ? { startAfter: options.startAfter } : {}),
      ...(options.singletonKey ? { singletonKey: options.singletonKey } : {}),
      ...(options.retryLimit !== undefined
        ? { retryLimit: options.retryLimit, retryDelay: options.retryDelaySeconds ?? 30, retryBackoff: true }
        : {}),
    });
  }

  async stop(): Promise<void> {
    const boss = this.#boss;
    this.#boss = null;
    if (boss) await (await boss).stop({ graceful: false, close: true }).catch(() => undefined);
  }
}

const senders = new WeakMap<DatabaseHandle, SendOnlyQueue>();

export function jobSenderFor(database: DatabaseHandle, queues: readonly QueueSpec[]): JobSender {
  let sender = senders.get(database);
  if (!sender) {
    sender = new SendOnlyQueue(database, queues);
    senders.set(database, sender);
  }
  return sender;
}

/** Stops the sender of a database (tests, shutdown); a later send starts a new one. */
export async function stopJobSender(database: DatabaseHandle): Promise<void> {
  await senders.get(database)?.stop();
  senders.delete(database);
}

/**
 * pg-boss runs on the wall clock; the application may run on another (an emulated clock in tests
 * and demos). An instant of the application's clock is sent as the wall-clock instant the same
 * distance away, which is the instant itself under the system clock.
 */
export function wallClockInstant(clock: Clock, at: Date): Date {
  return new Date(Date.now() + Math.max(0, at.getTime() - clock.now().getTime()));
}
