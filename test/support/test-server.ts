import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../packages/server/src/app.ts';
import { loadConfig } from '../../packages/server/src/config.ts';
import { type Clock, type Deps, wireDeps } from '../../packages/server/src/deps.ts';
import { type DemoSeedResult, seedDemo } from '../../packages/server/src/seed/demo.ts';
import { openTestDatabase } from './test-db.ts';

export interface TestServer {
  url: string;
  app: FastifyInstance;
  deps: Deps;
  demo: DemoSeedResult | null;
  close(): Promise<void>;
}

export interface TestServerOptions {
  seed?: 'demo' | 'none';
  clock?: Clock;
  env?: Record<string, string>;
  /** Base URL of a running Partner Center emulator (tests start one with startEmulator). */
  emulatorUrl?: string;
}

/** The real application on a random loopback port, over a private test database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cspc-server-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    PORT: '0',
    HOST: '127.0.0.1',
    ...options.env,
  });
  const database = await openTestDatabase();
  const deps: Deps = wireDeps(config, database, {
    ...(options.clock ? { clock: options.clock } : {}),
    emulatorUrl: options.emulatorUrl ?? null,
  });
  const demo = options.seed === 'none' ? null : await seedDemo(database.db);
  const app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    deps,
    demo,
    async close() {
      await app.close();
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
