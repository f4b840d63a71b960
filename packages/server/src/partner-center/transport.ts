import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import type { ApiResource, TokenProvider } from './auth.ts';
import { PartnerCenterError, PartnerCenterSchemaError, parseErrorBody } from './errors.ts';
import type { RequestLedger } from './idempotency.ts';
import { assertOperationKey } from './idempotency.ts';
import { parseJsonLossless } from './json.ts';
import { Throttle, type ThrottleOptions } from './throttle.ts';

export const DEFAULT_BASE_URL = 'https://api.partnercenter.microsoft.com/v1';
export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';
export const DEFAULT_PRICE_SHEET_BASE_URL = 'https://api.partner.microsoft.com/v1.0';

/** pino-compatible: only `debug(obj, msg)` is used. */
export interface Logger {
  debug(obj: object, msg?: string): void;
}

export interface RetryOptions {
  /** Attempts in total, first one included. Default 4. */
  maxAttempts?: number | undefined;
  /** First backoff ceiling; doubles per attempt (full jitter). Default 500 ms. */
  baseDelayMs?: number | undefined;
  /** Upper bound of one backoff. Default 30 s. */
  maxDelayMs?: number | undefined;
  /** Per attempt, until the whole JSON body is read (until headers for streams). Default 60 s. */
  timeoutMs?: number | undefined;
  /** A Retry-After longer than this is not waited for: the error is thrown (still retryable). Default 120 s. */
  maxRetryAfterMs?: number | undefined;
}

export type Api = ApiResource | 'external';
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type QueryValue = string | number | boolean | undefined | null;

export interface RequestSpec {
  /** Which base URL and token: Partner Center, Graph, price sheet, or `external` (pre-signed blob URLs, no token). */
  api: Api;
  /** Stable name (`subscriptions.patch`): throttle key and log label. */
  operation: string;
  method: HttpMethod;
  /** Relative to the API's base URL, or absolute. */
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /** Required for mutating Partner Center calls: ties all attempts to one MS-RequestId. */
  operationKey?: string | undefined;
  /** A POST that only queries (eligibility validation, report export): no operation key needed. */
  safe?: boolean | undefined;
  ifMatch?: string | undefined;
  continuationToken?: string | undefined;
  correlationId?: string | undefined;
  accept?: string | undefined;
  /** Non-2xx statuses that are an answer rather than an error (404 for the domain check). */
  acceptStatuses?: readonly number[] | undefined;
  responseType?: 'json' | 'stream' | 'none' | undefined;
  signal?: AbortSignal | undefined;
}

export interface TransportResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON (lossless numbers) for `json`, undefined otherwise or when empty. */
  body: unknown;
  /** For `stream` responses. */
  stream: ReadableStream<Uint8Array> | undefined;
  requestId: string;
  correlationId: string;
}

export interface TransportOptions {
  baseUrl?: string | undefined;
  graphBaseUrl?: string | undefined;
  priceSheetBaseUrl?: string | undefined;
  tokens: TokenProvider;
  ledger: RequestLedger;
  logger?: Logger | undefined;
  retry?: RetryOptions | undefined;
  throttle?: ThrottleOptions | undefined;
  /** X-Locale, default `en-US`. */
  locale?: string | undefined;
  /** Sent as MS-PartnerCenter-Application. */
  applicationName?: string | undefined;
  fetch?: typeof fetch | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  now?: (() => number) | undefined;
  newId?: (() => string) | undefined;
}

const MUTATING = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
const SECRET_QUERY_KEYS = /^(sig|signature|token|access_token|code|client_secret|password|skoid|sktid)$/i;
const noopLogger: Logger = { debug() {} };

export class Transport {
  readonly baseUrls: Readonly<Record<ApiResource, string>>;
  readonly #tokens: TokenProvider;
  readonly #ledger: RequestLedger;
  readonly #logger: Logger;
  readonly #retry: Required<{ [K in keyof RetryOptions]: number }>;
  readonly #throttle: Throttle;
  readonly #locale: string;
  readonly #applicationName: string | undefined;
  readonly #fetch: typeof fetch;
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #random: () => number;
  readonly #now: () => number;
  readonly newId: () => string;

  constructor(options: TransportOptions) {
    this.baseUrls = {
      'partner-center': trimSlash(options.baseUrl ?? DEFAULT_BASE_URL),
      graph: trimSlash(options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL),
      'price-sheet': trimSlash(options.priceSheetBaseUrl ?? DEFAULT_PRICE_SHEET_BASE_URL),
    };
    this.#tokens = options.tokens;
    this.#ledger = options.ledger;
    this.#logger = options.logger ?? noopLogger;
    this.#retry = {
      maxAttempts: Math.max(1, Math.floor(options.retry?.maxAttempts ?? 4)),
      baseDelayMs: options.retry?.baseDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 30_000,
      timeoutMs: options.retry?.timeoutMs ?? 60_000,
      maxRetryAfterMs: options.retry?.maxRetryAfterMs ?? 120_000,
    };
    this.#locale = options.locale ?? 'en-US';
    this.#applicationName = options.applicationName;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? ((ms, signal) => delay(ms, undefined, signal ? { signal } : undefined));
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.#throttle = new Throttle(options.throttle, { now: this.#now, sleep: (ms) => this.#sleep(ms) });
  }

  /** Sends one logical request: retries transient failures with the same MS-RequestId. */
  async send(spec: RequestSpec): Promise<TransportResponse> {
    const mutating = MUTATING.has(spec.method);
    if (spec.api === 'partner-center' && mutating && !spec.safe) assertOperationKey(spec.operationKey ?? '');
    const requestId = spec.operationKey ? await this.#ledger.reserve(spec.operationKey) : this.newId();
    const correlationId = spec.correlationId ?? this.newId();
    const url = this.url(spec);
    const logUrl = redactUrl(url, spec.api === 'external');
    const maxAttempts = this.#retry.maxAttempts;

    for (let attempt = 1; ; attempt++) {
      spec.signal?.throwIfAborted();
      await this.#throttle.acquire(spec.operation, spec.signal);
      const headers = await this.#headers(spec, requestId, correlationId);
      const log = {
        operation: spec.operation,
        method: spec.method,
        url: logUrl,
        attempt,
        requestId,
        correlationId,
      };
      this.#logger.debug({ partnerCenter: log }, 'partner center request');
      const started = this.#now();

      const timer = new AbortController();
      let timedOut = false;
      const timeout = setTimeout(() => {
        timedOut = true;
        timer.abort(new Error('Partner Center request timed out'));
      }, this.#retry.timeoutMs);
      const signal = spec.signal ? AbortSignal.any([timer.signal, spec.signal]) : timer.signal;

      let failure: PartnerCenterError | undefined;
      let answered: TransportResponse | undefined;
      let rejected: PartnerCenterError | undefined;
      try {
        const response = await this.#fetch(url, {
          method: spec.method,
          headers,
          body: mutating ? encodeBody(spec.body) : undefined,
          signal,
        });
        const status = response.status;
        const ok = (status >= 200 && status < 300) || (spec.acceptStatuses?.includes(status) ?? false);
        if (ok) {
          let body: unknown;
          let stream: ReadableStream<Uint8Array> | undefined;
          if (spec.responseType === 'stream') {
            clearTimeout(timeout);
            stream = response.body ?? emptyStream();
          } else {
            // A 2xx whose body is lost is retried like a timeout: the id makes the repeat safe.
            let text = '';
            if (spec.method === 'HEAD' || spec.responseType === 'none') await response.body?.cancel();
            else text = await response.text();
            body = this.#decode(text, spec, requestId);
          }
          clearTimeout(timeout);
          this.#logger.debug(
            { partnerCenter: { ...log, status, durationMs: this.#now() - started } },
            'partner center response',
          );
          answered = { status, headers: response.headers, body, stream, requestId, correlationId };
        } else {
          const text = await response.text().catch(() => '');
          clearTimeout(timeout);
          const parsed = parseErrorBody(text);
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.#now());
          if (status === 429 && retryAfterMs !== undefined)
            this.#throttle.pause(spec.operation, retryAfterMs);
          failure = new PartnerCenterError({
            httpStatus: status,
            ...parsed,
            requestId,
            correlationId,
            operation: spec.operation,
            retryAfterMs,
          });
          this.#logger.debug(
            {
              partnerCenter: {
                ...log,
                status,
                code: parsed.code,
                durationMs: this.#now() - started,
                retryAfterMs,
              },
            },
            'partner center error response',
          );
          if (!failure.retryable) rejected = failure;
        }
      } catch (error) {
        clearTimeout(timeout);
        if (error instanceof PartnerCenterSchemaError) throw error;
        if (spec.signal?.aborted) throw spec.signal.reason ?? error;
        failure = new PartnerCenterError({
          httpStatus: 0,
          timedOut,
          requestId,
          correlationId,
          operation: spec.operation,
          description: timedOut ? `no answer within ${this.#retry.timeoutMs} ms` : errorText(error),
          cause: error,
        });
        this.#logger.debug(
          {
            partnerCenter: { ...log, timedOut, error: errorText(error), durationMs: this.#now() - started },
          },
          'partner center request failed',
        );
      }

      // Ledger writes stay outside the try: a failing ledger must not look like a lost response and be retried.
      if (answered) {
        if (spec.operationKey && answered.status < 300) {
          await this.#ledger.complete(spec.operationKey, {
            status: 'succeeded',
            httpStatus: answered.status,
          });
        }
        return answered;
      }
      if (rejected) {
        if (spec.operationKey && isDefinitiveFailure(rejected.httpStatus)) {
          await this.#ledger.complete(spec.operationKey, {
            status: 'failed',
            httpStatus: rejected.httpStatus,
            code: rejected.code,
          });
        }
        throw rejected;
      }
      if (!failure) throw new Error('unreachable: no answer and no failure');

      // Only transient failures reach this point.
      const waitMs = failure.retryAfterMs ?? this.#backoff(attempt);
      if (attempt >= maxAttempts || waitMs > this.#retry.maxRetryAfterMs) throw failure;
      this.#logger.debug(
        {
          partnerCenter: {
            operation: spec.operation,
            requestId,
            attempt,
            waitMs,
            status: failure.httpStatus,
          },
        },
        'partner center retry',
      );
      await this.#sleep(waitMs, spec.signal);
    }
  }

  /** Sends and validates the JSON body against the operation's schema. */
  async json<S extends z.ZodType>(
    spec: RequestSpec,
    schema: S,
  ): Promise<{ data: z.output<S>; response: TransportResponse }> {
    const response = await this.send({ ...spec, responseType: 'json' });
    return { data: parseWith(schema, response.body, spec.operation, response.requestId), response };
  }

  url(spec: Pick<RequestSpec, 'api' | 'path' | 'query'>): string {
    const absolute = /^https?:\/\//i.test(spec.path);
    if (spec.api === 'external' && !absolute) throw new TypeError('External requests need an absolute URL.');
    if (absolute && spec.api !== 'external') {
      // A bearer token must only ever travel to the configured API host (Location headers are server data).
      const base = this.baseUrls[spec.api].toLowerCase();
      const target = spec.path.toLowerCase();
      if (!(target === base || target.startsWith(`${base}/`) || target.startsWith(`${base}?`))) {
        throw new TypeError(`Refusing to send ${spec.api} credentials to ${redactUrl(spec.path, true)}.`);
      }
    }
    const base = absolute || spec.api === 'external' ? '' : this.baseUrls[spec.api];
    const path = absolute || spec.path.startsWith('/') ? spec.path : `/${spec.path}`;
    const query = encodeQuery(spec.query);
    if (!query) return base + path;
    return `${base}${path}${path.includes('?') ? '&' : '?'}${query}`;
  }

  async #headers(
    spec: RequestSpec,
    requestId: string,
    correlationId: string,
  ): Promise<Record<string, string>> {
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json' };
    if (spec.api !== 'external') {
      headers.Authorization = `Bearer ${await this.#tokens.getToken(spec.api)}`;
    }
    if (spec.api === 'partner-center' || spec.api === 'price-sheet') {
      headers['MS-RequestId'] = requestId;
      headers['MS-CorrelationId'] = correlationId;
      headers['X-Locale'] = this.#locale;
    }
    if (spec.api === 'partner-center') {
      headers['MS-Contract-Version'] = 'v1';
      if (this.#applicationName) headers['MS-PartnerCenter-Application'] = this.#applicationName;
    }
    if (spec.api === 'graph') headers['client-request-id'] = requestId;
    if (MUTATING.has(spec.method)) headers['Content-Type'] = 'application/json';
    if (spec.ifMatch) headers['If-Match'] = spec.ifMatch;
    if (spec.continuationToken) headers['MS-ContinuationToken'] = spec.continuationToken;
    return headers;
  }

  #decode(text: string, spec: RequestSpec, requestId: string): unknown {
    if (text.trim() === '') return undefined;
    try {
      return parseJsonLossless(text);
    } catch (error) {
      throw new PartnerCenterSchemaError(
        spec.operation,
        [{ code: 'custom', path: [], message: `body is not JSON (${errorText(error)})`, input: undefined }],
        requestId,
      );
    }
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.floor(this.#random() * ceiling);
  }
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
  operation: string,
  requestId?: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new PartnerCenterSchemaError(operation, result.error.issues, requestId);
  return result.data;
}

/** `Retry-After` is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** 4xx answers mean Microsoft looked at the request and refused it; 408/409/429 leave the outcome open. */
function isDefinitiveFailure(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429;
}

function encodeBody(body: unknown): string | undefined {
  return body === undefined ? undefined : JSON.stringify(body);
}

function encodeQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.append(key, String(value));
  }
  return params.toString();
}

export function redactUrl(url: string, dropQuery = false): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) return url;
  if (dropQuery) return `${url.slice(0, queryStart)}?[redacted]`;
  const params = new URLSearchParams(url.slice(queryStart + 1));
  for (const key of [...params.keys()]) if (SECRET_QUERY_KEYS.test(key)) params.set(key, '[redacted]');
  return `${url.slice(0, queryStart)}?${params.toString()}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return `${error.message}${cause}`;
  }
  return String(error);
}

function emptyStream(): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.close();
    },
  });
}
