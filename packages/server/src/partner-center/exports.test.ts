import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { StaticTokenProvider } from './auth.ts';
import { PartnerCenterError } from './errors.ts';
import { blobUrl, graphUrl, manifestRows, waitForExport } from './exports.ts';
import { InMemoryRequestLedger } from './idempotency.ts';
import { collect } from './paging.ts';
import { type Manifest, UsageExportRowSchema } from './schemas/graph.ts';
import { json, scriptedFetch } from './test-support.ts';
import { Transport } from './transport.ts';

function runtime(steps: Parameters<typeof scriptedFetch>[0], graphBaseUrl = 'http://127.0.0.1:9/graph/v1.0') {
  const { fetch, calls } = scriptedFetch(steps);
  const waits: number[] = [];
  let clock = 0;
  const sleep = async (ms: number) => {
    waits.push(ms);
    clock += ms;
  };
  const transport = new Transport({
    graphBaseUrl,
    tokens: new StaticTokenProvider('t'),
    ledger: new InMemoryRequestLedger(),
    fetch,
    sleep,
    now: () => clock,
    retry: { maxAttempts: 2 },
    random: () => 0,
  });
  return { rt: { transport, sleep, now: () => clock }, calls, waits };
}

const manifest: Manifest = {
  id: 'm',
  rootDirectory: 'https://blob.example/root/',
  sasToken: '?sv=1&sig=abc',
  dataFormat: 'compressedJSON',
  blobs: [{ name: 'part-1.json.gz' }, { name: 'part-2.json.gz' }],
};

describe('Graph export helpers', () => {
  it('builds blob URLs from root directory, name and SAS token', () => {
    expect(blobUrl(manifest, 'part-1.json.gz')).toBe('https://blob.example/root/part-1.json.gz?sv=1&sig=abc');
  });

  it('rebases production Graph links onto the configured Graph base', () => {
    const { rt } = runtime([]);
    expect(
      graphUrl(rt.transport, 'https://graph.microsoft.com/v1.0/reports/partners/billing/operations/1'),
    ).toBe('http://127.0.0.1:9/graph/v1.0/reports/partners/billing/operations/1');
    expect(graphUrl(rt.transport, '/reports/x')).toBe('http://127.0.0.1:9/graph/v1.0/reports/x');
  });

  it('polls until success, honouring Retry-After, else the interval', async () => {
    const { rt, waits } = runtime([
      json(200, { id: 'o', status: 'running' }, { 'Retry-After': '5' }),
      json(200, { id: 'o', status: 'running' }),
      json(200, {
        id: 'o',
        status: 'succeeded',
        'resourceLocation@odata.navigationLink': 'https://x/manifests/m',
      }),
    ]);
    const operation = await waitForExport(
      rt,
      'http://127.0.0.1:9/graph/v1.0/reports/partners/billing/operations/o',
      {
        pollIntervalMs: 2000,
      },
    );
    expect(operation.status).toBe('succeeded');
    expect(waits).toEqual([5000, 2000]);
  });

  it('reports a failed export with Graph’s code, and gives up after the maximum wait', async () => {
    const failed = runtime([
      json(200, { id: 'o', status: 'failed', error: { code: '5000', message: 'No data available' } }),
    ]);
    await expect(waitForExport(failed.rt, 'http://127.0.0.1:9/graph/v1.0/op')).rejects.toMatchObject({
      code: '5000',
      description: 'No data available',
    });
    const slow = runtime([
      json(200, { id: 'o', status: 'running' }),
      json(200, { id: 'o', status: 'running' }),
    ]);
    const error = await waitForExport(slow.rt, 'http://127.0.0.1:9/graph/v1.0/op', {
      pollIntervalMs: 60_000,
      maxWaitMs: 90_000,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect((error as PartnerCenterError).retryable).toBe(true);
  });

  it('streams rows of every blob and resumes a broken download without duplicates', async () => {
    const blob1 = gzipSync(
      Buffer.from(
        '{"CustomerId":"a","UnitPrice":1.10}\n{"CustomerId":"b","UnitPrice":2}\n{"CustomerId":"c"}\n',
      ),
    );
    const broken = new Response(
      new ReadableStream({
        start(controller) {
          // First two rows arrive, then the connection drops.
          controller.enqueue(blob1.subarray(0, blob1.length - 12));
          controller.error(Object.assign(new TypeError('terminated'), { code: 'ECONNRESET' }));
        },
      }),
      { status: 200 },
    );
    const blob2 = gzipSync(Buffer.from('{"customerId":"d","unitPrice":"0.1999968000511991808131"}'));
    const { rt, calls } = runtime([broken, new Response(blob1), new Response(blob2)]);
    const rows = await collect(manifestRows(rt, manifest, UsageExportRowSchema));
    expect(rows.map((r) => r.CustomerId)).toEqual(['a', 'b', 'c', 'd']);
    expect(rows[0]?.UnitPrice).toBe('1.10');
    expect(rows[3]?.UnitPrice).toBe('0.1999968000511991808131');
    expect(calls.map((c) => c.url)).toEqual([
      'https://blob.example/root/part-1.json.gz?sv=1&sig=abc',
      'https://blob.example/root/part-1.json.gz?sv=1&sig=abc',
      'https://blob.example/root/part-2.json.gz?sv=1&sig=abc',
    ]);
    expect(calls.every((c) => c.headers.authorization === undefined)).toBe(true);
  });
});
