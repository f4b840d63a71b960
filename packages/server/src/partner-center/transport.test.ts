import { describe, expect, it } from 'vitest';
import { StaticTokenProvider } from './auth.ts';
import { PartnerCenterError, PartnerCenterSchemaError } from './errors.ts';
import { InMemoryRequestLedger } from './idempotency.ts';
import { hang, json, scriptedFetch } from './test-support.ts';
import { parseRetryAfter, redactUrl, Transport, type TransportOptions } from './transport.ts';

function setup(steps: Parameters<typeof scriptedFetch>[0], options: Partial<TransportOptions> = {}) {
  const { fetch, calls } = scriptedFetch(steps);
  const waits: number[] = [];
  const logs: Array<{ obj: object; msg?: string | undefined }> = [];
  let clock = Date.parse('2024-05-01T10:00:00Z');
  const transport = new Transport({
    baseUrl: 'http://127.0.0.1:9/v1',
    tokens: new StaticTokenProvider('secret-token-value'),
    ledger: new InMemoryRequestLedger(),
    fetch,
    sleep: async (ms) => {
      waits.push(ms);
      clock += ms;
    },
    now: () => clock,
    random: () => 0.5,
    logger: { debug: (obj, msg) => logs.push({ obj, msg }) },
    ...options,
  });
  return { transport, calls, waits, logs };
}

const getSubscription = {
  api: 'partner-center',
  operation: 'subscriptions.get',
  method: 'GET',
  path: '/customers/c/subscriptions/s',
} as const;
const buy = {
  api: 'partner-center',
  operation: 'carts.checkout',
  method: 'POST',
  path: '/customers/c/carts/k/checkout',
  operationKey: 'checkout:k',
} as const;

describe('Transport retries', () => {
  it('waits Retry-After seconds on 429 and reuses the MS-RequestId', async () => {
    const { transport, calls, waits } = setup([
      json(
        429,
        { statusCode: 429, message: 'Rate limit is exceeded. Try again in 57 seconds.' },
        { 'Retry-After': '57' },
      ),
      json(200, { id: 's' }),
    ]);
    const response = await transport.send(getSubscription);
    expect(response.status).toBe(200);
    expect(waits).toEqual([57_000]);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.headers['ms-requestid']).toBe(calls[1]?.headers['ms-requestid']);
    expect(calls[0]?.headers['ms-correlationid']).toBe(calls[1]?.headers['ms-correlationid']);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const { transport, waits } = setup([
      json(429, '', { 'Retry-After': 'Wed, 01 May 2024 10:00:30 GMT' }),
      json(200, { id: 's' }),
    ]);
    await transport.send(getSubscription);
    expect(waits).toEqual([30_000]);
  });

  it('retries 500 and 503 with exponential backoff and full jitter', async () => {
    const { transport, calls, waits } = setup(
      [json(500, { code: 'x' }), json(503, ''), json(200, { orders: [] })],
      { retry: { baseDelayMs: 1000, maxDelayMs: 60_000 }, random: () => 0.25 },
    );
    await transport.send(buy);
    // full jitter: random() × min(max, base × 2^(attempt-1))
    expect(waits).toEqual([250, 500]);
    const ids = new Set(calls.map((c) => c.headers['ms-requestid']));
    expect(ids.size).toBe(1);
  });

  it('retries a timeout with the same MS-RequestId', async () => {
    const { transport, calls } = setup([hang(), json(201, { orders: [] })], { retry: { timeoutMs: 20 } });
    const response = await transport.send(buy);
    expect(response.status).toBe(201);
    expect(calls[0]?.headers['ms-requestid']).toBe(calls[1]?.headers['ms-requestid']);
  });

  it('retries network errors and a 2xx whose body was lost', async () => {
    const lostBody = new Response(
      new ReadableStream({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"orders": ['));
          controller.error(new TypeError('terminated'));
        },
      }),
      { status: 201 },
    );
    const { transport, calls } = setup([new TypeError('fetch failed'), lostBody, json(201, { orders: [] })]);
    const response = await transport.send(buy);
    expect(response.body).toEqual({ orders: [] });
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.headers['ms-requestid'])).size).toBe(1);
  });

  it('does not retry a 400 and reports Microsoft’s error', async () => {
    const { transport, calls } = setup([
      json(400, {
        code: 800090,
        description: 'Subscription quantity cannot be decreased',
        source: 'PartnerFD',
      }),
    ]);
    const error = (await transport.send(buy).catch((e: unknown) => e)) as PartnerCenterError;
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error.httpStatus).toBe(400);
    expect(error.code).toBe(800090);
    expect(error.retryable).toBe(false);
    expect(error.violation?.kind).toBe('quantity_decrease_not_allowed');
    expect(error.requestId).toBe(calls[0]?.headers['ms-requestid']);
    expect(calls).toHaveLength(1);
  });

  it('gives up after maxAttempts with a retryable PartnerCenterError', async () => {
    const { transport, calls } = setup([json(503, ''), json(503, ''), json(503, '')], {
      retry: { maxAttempts: 3 },
    });
    const error = (await transport.send(getSubscription).catch((e: unknown) => e)) as PartnerCenterError;
    expect(error).toBeInstanceOf(PartnerCenterError);
    expect(error.httpStatus).toBe(503);
    expect(error.retryable).toBe(true);
    expect(error.category).toBe('server_busy');
    expect(calls).toHaveLength(3);
  });

  it('does not wait out a Retry-After longer than the limit', async () => {
    const { transport, calls, waits } = setup([json(429, '', { 'Retry-After': '3600' })], {
      retry: { maxRetryAfterMs: 120_000 },
    });
    const error = (await transport.send(getSubscription).catch((e: unknown) => e)) as PartnerCenterError;
    expect(error.retryAfterMs).toBe(3_600_000);
    expect(waits).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const { transport } = setup([
      (_call, signal) => {
        controller.abort(new Error('shutdown'));
        return hang()(_call, signal);
      },
    ]);
    await expect(transport.send({ ...getSubscription, signal: controller.signal })).rejects.toThrow(
      'shutdown',
    );
  });
});

describe('Transport idempotency', () => {
  it('a later attempt of the same operation after a crash reuses the MS-RequestId', async () => {
    const ledger = new InMemoryRequestLedger();
    const first = setup([hang()], { ledger, retry: { maxAttempts: 1, timeoutMs: 10 } });
    await expect(first.transport.send(buy)).rejects.toBeInstanceOf(PartnerCenterError);
    // "process restarts": a new transport, same persisted ledger
    const second = setup([json(201, { orders: [] })], { ledger });
    await second.transport.send(buy);
    expect(second.calls[0]?.headers['ms-requestid']).toBe(first.calls[0]?.headers['ms-requestid']);
    expect(ledger.get('checkout:k')?.state).toBe('succeeded');
  });

  it('a new MS-RequestId after a business failure, the same after success', async () => {
    const ledger = new InMemoryRequestLedger();
    const { transport, calls } = setup([json(400, { code: 10010 }), json(201, {}), json(201, {})], {
      ledger,
    });
    await expect(transport.send(buy)).rejects.toBeInstanceOf(PartnerCenterError);
    expect(ledger.get('checkout:k')?.state).toBe('failed');
    await transport.send(buy);
    await transport.send(buy);
    expect(calls[1]?.headers['ms-requestid']).not.toBe(calls[0]?.headers['ms-requestid']);
    expect(calls[2]?.headers['ms-requestid']).toBe(calls[1]?.headers['ms-requestid']);
  });

  it('leaves the outcome open on 409 (order in progress)', async () => {
    const ledger = new InMemoryRequestLedger();
    const { transport } = setup([json(409, { code: 800060, description: 'Your order is in progress' })], {
      ledger,
    });
    await expect(transport.send(buy)).rejects.toMatchObject({ code: 800060 });
    expect(ledger.get('checkout:k')?.state).toBe('pending');
  });

  it('a ledger failure after a successful purchase is reported, never retried as a lost response', async () => {
    const ledger = {
      reserve: async () => 'rid-1',
      complete: async () => {
        throw new Error('database down');
      },
    };
    const { transport, calls } = setup([json(201, {}), json(201, {})], { ledger });
    await expect(transport.send(buy)).rejects.toThrow('database down');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.headers['ms-requestid']).toBe('rid-1');
  });

  it('refuses a mutating Partner Center call without an operation key', async () => {
    const { transport, calls } = setup([]);
    await expect(transport.send({ ...buy, operationKey: undefined })).rejects.toThrow(/operation key/);
    expect(calls).toHaveLength(0);
  });
});

describe('Transport requests', () => {
  it('sends the documented headers', async () => {
    const { transport, calls } = setup([json(200, {})], { applicationName: 'csp-commerce' });
    await transport.send({ ...buy, body: { LineItems: [] }, ifMatch: 'etag-1', continuationToken: 'tok' });
    const headers = calls[0]?.headers ?? {};
    expect(headers.authorization).toBe('Bearer secret-token-value');
    expect(headers.accept).toBe('application/json');
    expect(headers['content-type']).toBe('application/json');
    expect(headers['ms-contract-version']).toBe('v1');
    expect(headers['x-locale']).toBe('en-US');
    expect(headers['if-match']).toBe('etag-1');
    expect(headers['ms-continuationtoken']).toBe('tok');
    expect(headers['ms-partnercenter-application']).toBe('csp-commerce');
    expect(headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(calls[0]?.body).toBe('{"LineItems":[]}');
  });

  it('logs requests at debug level without the token', async () => {
    const { transport, logs } = setup([json(200, { id: 's' })]);
    await transport.send(getSubscription);
    expect(logs.map((l) => l.msg)).toEqual(['partner center request', 'partner center response']);
    expect(JSON.stringify(logs)).not.toContain('secret-token-value');
    expect(JSON.stringify(logs)).not.toMatch(/authorization/i);
  });

  it('never sends a token to a host other than the configured one', async () => {
    const { transport, calls } = setup([]);
    await expect(
      transport.send({ api: 'graph', operation: 'x', method: 'GET', path: 'https://evil.example/v1.0/x' }),
    ).rejects.toThrow(/Refusing/);
    expect(calls).toHaveLength(0);
  });

  it('sends external (SAS) downloads without a token and redacts their query in logs', async () => {
    const { transport, calls, logs } = setup([new Response('x', { status: 200 })]);
    await transport.send({
      api: 'external',
      operation: 'blob',
      method: 'GET',
      path: 'https://blob.example/a.json.gz?sv=1&sig=SECRET',
      responseType: 'stream',
    });
    expect(calls[0]?.headers.authorization).toBeUndefined();
    expect(JSON.stringify(logs)).not.toContain('SECRET');
  });

  it('decodes numbers losslessly and rejects a non-JSON success body', async () => {
    const { transport } = setup([
      new Response('{"amount": 0.1999968000511991808131, "n": 2}', { status: 200 }),
      new Response('<html>', { status: 200 }),
    ]);
    const ok = await transport.send(getSubscription);
    expect(ok.body).toEqual({ amount: '0.1999968000511991808131', n: 2 });
    await expect(transport.send(getSubscription)).rejects.toBeInstanceOf(PartnerCenterSchemaError);
  });

  it('treats listed statuses as answers (404 of the domain check)', async () => {
    const { transport } = setup([new Response(null, { status: 404 })]);
    const response = await transport.send({
      api: 'partner-center',
      operation: 'domains',
      method: 'HEAD',
      path: '/domains/x.onmicrosoft.com',
      acceptStatuses: [404],
      responseType: 'none',
    });
    expect(response.status).toBe(404);
  });

  it('shares a throttle budget per operation', async () => {
    const { transport, waits } = setup([json(200, {}), json(200, {}), json(200, {})], {
      throttle: { operations: { 'subscriptions.get': { capacity: 2, refillPerSecond: 0.5 } } },
    });
    await transport.send(getSubscription);
    await transport.send(getSubscription);
    await transport.send(getSubscription);
    expect(waits).toEqual([2000]);
  });
});

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    const now = Date.parse('2024-05-01T10:00:00Z');
    expect(parseRetryAfter('57', now)).toBe(57_000);
    expect(parseRetryAfter('Wed, 01 May 2024 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 01 May 2024 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('redactUrl hides secrets in query strings', () => {
    expect(redactUrl('https://x/y?sig=abc&sv=1')).toBe('https://x/y?sig=%5Bredacted%5D&sv=1');
    expect(redactUrl('https://x/y?sig=abc', true)).toBe('https://x/y?[redacted]');
  });
});
