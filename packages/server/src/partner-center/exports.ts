import type { z } from 'zod';
import { PartnerCenterError } from './errors.ts';
import { parseJsonLossless } from './json.ts';
import { gunzip, splitLines } from './lines.ts';
import {
  type ExportOperation,
  ExportOperationSchema,
  type Manifest,
  ManifestSchema,
} from './schemas/graph.ts';
import { DEFAULT_GRAPH_BASE_URL, parseRetryAfter, parseWith, type Transport } from './transport.ts';

/**
 * Microsoft Graph asynchronous billing exports (API.md §6.6): POST the export → 202 + Location of an
 * operation → poll it (honouring Retry-After) → manifest → gzip'd JSON Lines blobs behind a SAS URL.
 */

export type ExportKind = 'billed-usage' | 'unbilled-usage' | 'billed-reconciliation';

export const EXPORT_PATHS: Readonly<Record<ExportKind, string>> = {
  'billed-usage': '/reports/partners/billing/usage/billed/export',
  'unbilled-usage': '/reports/partners/billing/usage/unbilled/export',
  'billed-reconciliation': '/reports/partners/billing/reconciliation/billed/export',
};

export interface ExportPollOptions {
  /** Wait between polls when the service sends no Retry-After. Default 10 s. */
  pollIntervalMs?: number | undefined;
  /** Give up after this long. Default 60 min (large partners' exports take a while). */
  maxWaitMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface ExportRuntime {
  transport: Transport;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

/** Starts an export; returns the absolute URL of the operation to poll. */
export async function startExport(
  runtime: ExportRuntime,
  kind: ExportKind,
  body: Record<string, unknown>,
  options: { operationKey?: string | undefined; signal?: AbortSignal | undefined } = {},
): Promise<string> {
  const response = await runtime.transport.send({
    api: 'graph',
    operation: `billing.export.${kind}`,
    method: 'POST',
    path: EXPORT_PATHS[kind],
    body,
    operationKey: options.operationKey,
    signal: options.signal,
  });
  const location = response.headers.get('location');
  if (!location) {
    throw new PartnerCenterError({
      httpStatus: response.status,
      description: 'export accepted without a Location header',
      requestId: response.requestId,
      operation: `billing.export.${kind}`,
      retryable: false,
    });
  }
  return graphUrl(runtime.transport, location);
}

/** Polls until the operation succeeded (returned) or failed (PartnerCenterError with Graph's error code). */
export async function waitForExport(
  runtime: ExportRuntime,
  operationUrl: string,
  options: ExportPollOptions = {},
): Promise<ExportOperation> {
  const deadline = runtime.now() + (options.maxWaitMs ?? 60 * 60_000);
  for (;;) {
    const response = await runtime.transport.send({
      api: 'graph',
      operation: 'billing.export.operation',
      method: 'GET',
      path: graphUrl(runtime.transport, operationUrl),
      signal: options.signal,
    });
    const operation = parseWith(
      ExportOperationSchema,
      response.body,
      'billing.export.operation',
      response.requestId,
    );
    if (operation.status === 'succeeded') return operation;
    if (operation.status === 'failed') {
      throw new PartnerCenterError({
        httpStatus: response.status,
        code: operation.error?.code,
        description: operation.error?.message ?? 'export failed',
        requestId: response.requestId,
        operation: 'billing.export',
        retryable: false,
      });
    }
    const waitMs =
      parseRetryAfter(response.headers.get('retry-after'), runtime.now()) ?? options.pollIntervalMs ?? 10_000;
    if (runtime.now() + waitMs > deadline) {
      throw new PartnerCenterError({
        httpStatus: 0,
        timedOut: true,
        description: `export ${operation.id} still ${operation.status} after the maximum wait`,
        requestId: response.requestId,
        operation: 'billing.export',
        retryable: true,
      });
    }
    await runtime.sleep(waitMs, options.signal);
  }
}

export async function getManifest(
  runtime: ExportRuntime,
  manifestUrl: string,
  signal?: AbortSignal,
): Promise<Manifest> {
  const { data } = await runtime.transport.json(
    {
      api: 'graph',
      operation: 'billing.export.manifest',
      method: 'GET',
      path: graphUrl(runtime.transport, manifestUrl),
      signal,
    },
    ManifestSchema,
  );
  return data;
}

/** Download URL of a blob: `rootDirectory/name?sasToken`. */
export function blobUrl(manifest: Manifest, blobName: string): string {
  const root = manifest.rootDirectory.replace(/\/+$/, '');
  const sas = manifest.sasToken.replace(/^\?/, '');
  return `${root}/${blobName.replace(/^\/+/, '')}${sas ? `?${sas}` : ''}`;
}

/**
 * Rows of every blob of a manifest, one at a time. A download that breaks mid-blob is restarted and the rows
 * already yielded are skipped, so a consumer sees each row exactly once.
 */
export async function* manifestRows<S extends z.ZodType>(
  runtime: ExportRuntime,
  manifest: Manifest,
  rowSchema: S,
  options: { signal?: AbortSignal | undefined; maxRestarts?: number | undefined } = {},
): AsyncGenerator<z.output<S>, void, undefined> {
  const compressed = /compress/i.test(manifest.dataFormat ?? 'compressed');
  for (const blob of manifest.blobs) {
    const url = blobUrl(manifest, blob.name);
    const gz = compressed || blob.name.endsWith('.gz');
    let delivered = 0;
    for (let restart = 0; ; restart++) {
      let seen = 0;
      try {
        const response = await runtime.transport.send({
          api: 'external',
          operation: 'billing.export.blob',
          method: 'GET',
          path: url,
          accept: '*/*',
          responseType: 'stream',
          signal: options.signal,
        });
        const bytes = response.stream as unknown as AsyncIterable<Uint8Array>;
        for await (const line of splitLines(gz ? gunzip(bytes) : bytes)) {
          if (line.trim() === '') continue;
          seen += 1;
          if (seen <= delivered) continue;
          const row = parseWith(rowSchema, parseJsonLossless(line), 'billing.export.row');
          delivered = seen;
          yield row;
        }
        break;
      } catch (error) {
        if (options.signal?.aborted || restart >= (options.maxRestarts ?? 3) || !isStreamFailure(error))
          throw error;
      }
    }
  }
}

function isStreamFailure(error: unknown): boolean {
  if (error instanceof PartnerCenterError) return error.retryable;
  const code = (error as { code?: unknown } | undefined)?.code;
  return (
    error instanceof Error &&
    (error.name === 'TypeError' ||
      code === 'ECONNRESET' ||
      code === 'UND_ERR_SOCKET' ||
      code === 'Z_BUF_ERROR' ||
      code === 'ERR_STREAM_PREMATURE_CLOSE' ||
      /terminated|premature|aborted|unexpected end/i.test(error.message))
  );
}

/**
 * Absolute Graph URL for a Location / navigation link. Links that name the public Graph host are rebased onto
 * the configured Graph base, so an emulator that echoes production URLs still receives the follow-up calls.
 */
export function graphUrl(transport: Transport, link: string): string {
  const base = transport.baseUrls.graph;
  if (/^https?:\/\//i.test(link)) {
    if (base !== DEFAULT_GRAPH_BASE_URL && link.toLowerCase().startsWith(DEFAULT_GRAPH_BASE_URL)) {
      return base + link.slice(DEFAULT_GRAPH_BASE_URL.length);
    }
    return link;
  }
  return base + (link.startsWith('/') ? link : `/${link}`);
}
