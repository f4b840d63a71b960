import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner } from '../../packages/server/src/jobs/job-runner.ts';
import { jobDefinitions } from '../../packages/server/src/jobs/registry.ts';
import {
  OUTBOX_JOB,
  outboxJob,
  RENEWAL_NOTICES_JOB,
} from '../../packages/server/src/modules/notifications/notifications.job.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { notificationsOf, publish } from './support.ts';

const silent = { info() {}, error() {} };

async function waitFor(predicate: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo' });
});
afterAll(async () => server?.close());

describe('notification jobs on pg-boss', () => {
  it('are registered with the product’s jobs, on schedules', () => {
    const jobs = jobDefinitions(server.deps);
    expect(jobs.find((j) => j.name === OUTBOX_JOB)).toMatchObject({
      policy: 'singleton',
      schedule: { cron: '* * * * *', timeZone: 'UTC' },
    });
    expect(jobs.find((j) => j.name === RENEWAL_NOTICES_JOB)?.schedule?.cron).toBe('30 0 * * *');
  });

  it('delivers a published event through the worker', async () => {
    const runner = new JobRunner(
      server.deps.database,
      [outboxJob(server.deps, { runSeconds: 4, idlePollMs: 200 })],
      silent,
      { pollingIntervalSeconds: 0.5 },
    );
    await runner.start({ work: true });
    try {
      await runner.send(OUTBOX_JOB, {});
      const eventId = await publish(server.deps, {
        type: 'order_failed',
        organizationId: server.demo!.organizations['customer-b']!,
        subject: { type: 'order', id: 'ord-worker' },
        data: { orderId: 'ord-worker', customerName: 'Fabrikam KK', reason: 'test' },
      });
      await waitFor(
        async () =>
          (await notificationsOf(server.deps, eventId)).some(
            (n) => n.channel === 'email' && n.status === 'sent',
          ),
        20_000,
      );
    } finally {
      await runner.stop();
    }
  });
});
