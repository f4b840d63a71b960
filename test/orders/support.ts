import { sql } from 'kysely';
import { JobRunner } from '../../packages/server/src/jobs/job-runner.ts';
import { syncCatalog, systemScopeFor } from '../../packages/server/src/modules/catalog/sync-catalog.ts';
import { orderJobDefinitions } from '../../packages/server/src/modules/orders/order-jobs.ts';
import { stopJobSender } from '../../packages/server/src/modules/orders/order-queue.ts';
import {
  configureOrders,
  type OrderTimings,
  orderServices,
} from '../../packages/server/src/modules/orders/order-services.ts';
import type { OrderView } from '../../packages/server/src/modules/orders/orders.repository.ts';
import {
  DEMO_SKUS,
  seedDemoPriceBooks,
} from '../../packages/server/src/modules/price-books/demo-price-books.ts';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  createPartnerCenterClient,
  type RetryOptions,
  StaticTokenProvider,
} from '../../packages/server/src/partner-center/index.ts';
import { DatabaseRequestLedger } from '../../packages/server/src/partner-center/request-ledger.repository.ts';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

/**
 * An order test world: the Partner Center emulator and the application on one clock, the demo
 * organisations with the demo catalog and price books, a caller per demo admin, and JobRunners
 * (worker processes) that the test starts and stops.
 */

export const START = '2025-01-15T09:00:00Z';

export const FAST_TIMINGS: OrderTimings = {
  retryLimit: 4,
  retryDelaySeconds: 1,
  leaseSeconds: 5,
  relationshipPollSeconds: 1,
  relationshipWaitDays: 30,
  taskDueDays: 3,
};

const silent = { info() {}, error() {} };

export interface WorldOptions {
  seed?: number;
  start?: string;
  /** `ticking`: the application clock runs with the wall clock from `start` (scheduled orders). */
  clock?: 'frozen' | 'ticking';
  timings?: Partial<OrderTimings>;
  /** The client's retry policy against the emulator (short timeouts for fault tests). */
  retry?: RetryOptions;
}

export interface OrdersWorld {
  emu: RunningEmulator;
  server: TestServer;
  orgs: Record<string, string>;
  provider: Caller;
  resellerA: Caller;
  resellerASub: Caller;
  resellerB: Caller;
  customerA: Caller;
  customerB: Caller;
  now(): Date;
  /** Moves both clocks (the application's and the emulator's) to an instant. */
  setNow(iso: string): Promise<void>;
  emulator(path: string, body?: unknown, method?: string): Promise<Record<string, unknown>>;
  startWorker(): Promise<{ runner: JobRunner; kill(): void }>;
  stopWorkers(): Promise<void>;
  waitForOrder(id: string, states?: readonly string[], timeoutMs?: number): Promise<OrderView>;
  order(id: string): Promise<OrderView>;
  close(): Promise<void>;
}

export const FINAL = ['completed', 'partially_failed', 'failed', 'cancelled'] as const;

const LOGINS = {
  provider: 'admin@demo-distributor.test',
  resellerA: 'admin@reseller-a.test',
  resellerASub: 'admin@reseller-a-sub.test',
  resellerB: 'admin@reseller-b.test',
  customerA: 'admin@customer-a.test',
  customerB: 'admin@customer-b.test',
} as const;

export async function startOrdersWorld(options: WorldOptions = {}): Promise<OrdersWorld> {
  const start = options.start ?? START;
  const emu = await startEmulator({ port: 0, seed: options.seed ?? 4242, now: start, dataDir: null });
  let frozen = new Date(start);
  let offset = new Date(start).getTime() - Date.now();
  const ticking = options.clock === 'ticking';
  const clock = { now: () => (ticking ? new Date(Date.now() + offset) : frozen) };
  const server = await startTestServer({ seed: 'demo', emulatorUrl: emu.url, clock });
  const orgs = server.demo!.organizations;
  const deps = server.deps;
  const ledger = new DatabaseRequestLedger(deps.database.db);
  const retry = options.retry ?? { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 10_000 };
  const client = createPartnerCenterClient({
    baseUrl: `${emu.url}/v1`,
    graphBaseUrl: `${emu.url}/graph/v1.0`,
    priceSheetBaseUrl: `${emu.url}/pricesheets/v1.0`,
    tokens: new StaticTokenProvider('emulator'),
    ledger,
    retry,
  });
  configureOrders(deps, {
    timings: { ...FAST_TIMINGS, ...options.timings },
    partnerCenter: { clientFor: async () => client },
  });
  const emulator = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    // A kept-alive socket the emulator just closed answers ECONNRESET: admin calls are safe to repeat.
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${emu.url}/_emulator${path}`, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        if (attempt < 3) continue;
        throw error;
      }
      if (!response.ok) throw new Error(`emulator ${path}: ${response.status} ${await response.text()}`);
      const text = await response.text();
      return (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    }
  };
  await presetCatalog(deps, orgs, emulator);
  const workers: { runner: JobRunner; controller: AbortController }[] = [];
  const provider = await loginAs(server.url, 'admin@demo-distributor.test');
  const world: OrdersWorld = {
    emu,
    server,
    orgs,
    provider,
    resellerA: await loginAs(server.url, 'admin@reseller-a.test'),
    resellerASub: await loginAs(server.url, 'admin@reseller-a-sub.test'),
    resellerB: await loginAs(server.url, 'admin@reseller-b.test'),
    customerA: await loginAs(server.url, 'admin@customer-a.test'),
    customerB: await loginAs(server.url, 'admin@customer-b.test'),
    now: () => clock.now(),
    async setNow(iso) {
      frozen = new Date(iso);
      offset = new Date(iso).getTime() - Date.now();
      await emulator('/clock', { set: iso });
      // Sessions expire on the application's clock: sign everyone in again.
      for (const [key, email] of Object.entries(LOGINS)) {
        Object.assign(world[key as keyof typeof LOGINS], await loginAs(server.url, email));
      }
    },
    emulator,
    async startWorker() {
      const controller = new AbortController();
      const runner = new JobRunner(
        deps.database,
        orderJobDefinitions(deps, { signal: controller.signal }).filter((d) => !d.schedule),
        silent,
        { pollingIntervalSeconds: 0.5 },
      );
      await runner.start({ work: true });
      workers.push({ runner, controller });
      return { runner, kill: () => controller.abort(new Error('worker killed')) };
    },
    async stopWorkers() {
      for (const w of workers.splice(0)) await w.runner.stop();
    },
    async order(id) {
      const response = await provider.get(`/api/v1/orders/${id}`);
      if (response.status !== 200)
        throw new Error(`order ${id}: ${response.status} ${await response.text()}`);
      return json<OrderView>(response);
    },
    async waitForOrder(id, states = FINAL, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const order = await world.order(id);
        if (states.includes(order.state)) return order;
        if (Date.now() > deadline) {
          throw new Error(
            `order ${id} is ${order.state} (${order.lastError ?? 'no error'}), not ${states.join('/')}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
    async close() {
      await world.stopWorkers();
      await stopJobSender(deps.database);
      await server.close();
      await emu.close();
    },
  };
  return world;
}

/**
 * The demo preset of `cspc start` (presetDemoCatalog: sync, price books, emulated Microsoft
 * changes, sync again), with admin calls that survive a reset kept-alive socket.
 */
async function presetCatalog(
  deps: TestServer['deps'],
  orgs: Record<string, string>,
  emulator: (path: string, body?: unknown) => Promise<unknown>,
): Promise<void> {
  const provider = orgs.provider!;
  const syncDeps = { db: deps.database.db, partnerCenter: deps.partnerCenter, clock: deps.clock };
  await emulator('/catalog/add-sku', {
    ...DEMO_SKUS.legacyAddOn,
    title: 'Contoso Legacy Archiving',
    description: 'Mailbox archiving add-on (being discontinued).',
    unitPrice: '3.00',
    terms: ['P1M', 'P1Y'],
  });
  await syncCatalog(syncDeps, systemScopeFor(provider), provider);
  await seedDemoPriceBooks(deps.database.db, orgs, deps.clock.now());
  const day = deps.clock.now().toISOString().slice(0, 7);
  const next = new Date(`${day}-01T00:00:00Z`);
  next.setUTCMonth(next.getUTCMonth() + 1);
  await emulator('/catalog/price-change', {
    ...DEMO_SKUS.businessBasic,
    currency: 'JPY',
    newUnitPrice: '800',
    effectiveDate: next.toISOString().slice(0, 10),
  });
  await emulator('/catalog/retire', DEMO_SKUS.legacyAddOn);
  await emulator('/catalog/add-sku', {
    ...DEMO_SKUS.newAddOn,
    title: 'Microsoft 365 Copilot Chat Pro',
    description: 'Copilot Chat with work data, per user.',
    unitPrice: '18.00',
    terms: ['P1M', 'P1Y'],
  });
  await syncCatalog(syncDeps, systemScopeFor(provider), provider);
}

export const NEW_TENANT = (prefix: string, companyName = `${prefix} KK`) => ({
  mode: 'new' as const,
  domainPrefix: prefix,
  companyName,
  email: `it@${prefix}.example`,
  contact: { firstName: 'Hanako', lastName: 'Yamada', phoneNumber: '+81 3 1234 5678' },
  address: { addressLine1: '1-1 Marunouchi', city: 'Chiyoda-ku', postalCode: '100-0005', country: 'JP' },
});

export const BASIC = 'CFQ7TTC0LH18:0001';
export const STANDARD = 'CFQ7TTC0LDPB:0001';
export const PREMIUM = 'CFQ7TTC0LCHC:0002';
export const DEFENDER = 'CFQ7TTC0LHXK:0001';

export async function expectStatus(response: Response, status: number): Promise<Response> {
  if (response.status !== status) {
    throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
  }
  return response;
}

export async function rows<T>(world: OrdersWorld, query: string): Promise<T[]> {
  const result = await sql.raw<T>(query).execute(world.server.deps.database.db);
  return result.rows;
}

export { orderServices };
