/**
 * Local emulator of Microsoft Partner Center (plus the Graph billing exports, the price sheet host
 * and a blob store) over plain node:http. See README.md in this directory for the route list.
 *
 * Request pipeline: normalise path → route → echo MS-RequestId/MS-CorrelationId → bearer check →
 * fault injection → body parsing → MS-RequestId idempotency replay → handler → persist.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { GraphError, PcError } from './errors.ts';
import { decideFault, faultBody } from './faults.ts';
import { header, parseBody, Query, type Reply, type RequestContext, toJson } from './http.ts';
import { Persistence } from './persistence.ts';
import { hex, rngFor } from './prng.ts';
import { Router } from './router.ts';
import { registerAdminRoutes } from './routes/admin.ts';
import { registerAzureRoutes } from './routes/azure.ts';
import { registerBillingRoutes } from './routes/billing.ts';
import { registerCartRoutes } from './routes/carts.ts';
import { registerCatalogRoutes } from './routes/catalog.ts';
import { registerCustomerRoutes } from './routes/customers.ts';
import { registerGraphExportRoutes, serveBlob } from './routes/graph-exports.ts';
import { registerSubscriptionRoutes } from './routes/subscriptions.ts';
import { Emulator } from './runtime.ts';
import { createInitialState, type EmulatorState } from './state.ts';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  seed?: number;
  /** Directory for `partner-center-emulator.json`; state is loaded from it on start when present. */
  dataDir?: string | null;
  /** ISO instant the emulated clock starts at (ignored when a saved state is loaded). */
  now?: string;
}

export interface RunningEmulator {
  /** Base URL without `/v1`, e.g. `http://127.0.0.1:4010`. */
  url: string;
  close(): Promise<void>;
  /** The live state (replaced on `/_emulator/reset`). */
  readonly state: EmulatorState;
  readonly emulator: Emulator;
}

type Area = 'pc' | 'graph' | 'arm' | 'pricesheets' | 'blob' | 'admin' | 'other';

const MAX_BODY = 20 * 1024 * 1024;
const IDEMPOTENCY_LIMIT = 20_000;

function areaOf(path: string): Area {
  const p = path.toLowerCase();
  if (p === '/v1' || p.startsWith('/v1/')) return 'pc';
  if (p.startsWith('/graph/')) return 'graph';
  if (p.startsWith('/arm/')) return 'arm';
  if (p.startsWith('/pricesheets/')) return 'pricesheets';
  if (p.startsWith('/blobs/')) return 'blob';
  if (p.startsWith('/_emulator')) return 'admin';
  return 'other';
}

function normalisePath(pathname: string): string {
  const collapsed = pathname.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(new PcError(413, 800002, 'Invalid request input', ['Request body too large.']));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function errorReply(area: Area, err: unknown): Reply {
  const graphLike = area === 'graph' || area === 'arm';
  if (err instanceof GraphError) return { status: err.status, body: err.toBody() };
  if (err instanceof PcError) {
    if (graphLike)
      return { status: err.status, body: { error: { code: String(err.code), message: err.description } } };
    return { status: err.status, body: err.toBody() };
  }
  const message = err instanceof Error ? err.message : String(err);
  if (graphLike) return { status: 500, body: { error: { code: 'InternalServerError', message } } };
  return {
    status: 500,
    body: { code: 800003, description: 'Unexpected service error', data: [message], source: 'PartnerFD' },
  };
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<RunningEmulator> {
  const seed = opts.seed ?? 1;
  const startAt = opts.now !== undefined ? Date.parse(opts.now) : Math.floor(Date.now() / 1000) * 1000;
  if (Number.isNaN(startAt)) throw new RangeError(`invalid emulator start instant ${opts.now}`);
  let persistence: Persistence | undefined;
  const emu = new Emulator(createInitialState(seed, startAt), () => persistence?.schedule());
  if (opts.dataDir) {
    persistence = new Persistence(opts.dataDir, () => emu.state);
    const loaded = persistence.load();
    if (loaded) {
      emu.state = loaded;
      emu.rebuildCatalog();
    }
  }

  const router = new Router();
  registerCustomerRoutes(router, emu);
  registerCatalogRoutes(router, emu);
  registerCartRoutes(router, emu);
  registerSubscriptionRoutes(router, emu);
  registerAzureRoutes(router, emu);
  registerBillingRoutes(router, emu);
  registerGraphExportRoutes(router, emu);
  registerAdminRoutes(router, emu, {
    reset(newSeed, newNow) {
      emu.replaceState(createInitialState(newSeed ?? emu.state.seed, newNow ?? startAt));
    },
    save() {
      persistence?.flush();
    },
  });

  const hanging = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let responseSeq = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const path = normalisePath(url.pathname);
    const area = areaOf(path);
    const baseUrl = `http://${req.headers.host ?? 'localhost'}`;
    const requestId = header(req.headers, 'ms-requestid');
    const correlationId = header(req.headers, 'ms-correlationid');
    const headers: Record<string, string> = {};
    if (area === 'pc' || area === 'pricesheets') {
      responseSeq += 1;
      const rng = rngFor(emu.state.seed, 'response', responseSeq);
      headers['MS-RequestId'] =
        requestId ?? `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`;
      headers['MS-CorrelationId'] =
        correlationId ?? `${hex(rng, 8)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 4)}-${hex(rng, 12)}`;
      headers['MS-CV'] = `${hex(rng, 16)}.0`;
      headers['MS-ServerId'] = '000001';
    } else if (area === 'graph') {
      const clientRequestId = header(req.headers, 'client-request-id');
      if (clientRequestId) headers['client-request-id'] = clientRequestId;
    }

    const send = (reply: Reply): void => {
      const out: Record<string, string> = { ...headers, ...reply.headers };
      if (reply.stream) {
        res.writeHead(reply.status, {
          ...out,
          'Content-Type': reply.contentType ?? 'application/octet-stream',
        });
        reply.stream.pipe(res);
        return;
      }
      let payload: Buffer | undefined;
      if (reply.text !== undefined) {
        payload = typeof reply.text === 'string' ? Buffer.from(reply.text, 'utf8') : reply.text;
        out['Content-Type'] = reply.contentType ?? 'text/plain; charset=utf-8';
      } else if (reply.body !== undefined && reply.status !== 204) {
        payload = Buffer.from(toJson(reply.body), 'utf8');
        out['Content-Type'] = 'application/json; charset=utf-8';
      }
      out['Content-Length'] = String(payload?.length ?? 0);
      res.writeHead(reply.status, out);
      res.end(method === 'HEAD' ? undefined : payload);
    };

    let rawBody: Buffer;
    try {
      rawBody = await readBody(req);
    } catch (err) {
      send(errorReply(area, err));
      return;
    }

    const match = area === 'blob' ? undefined : router.match(method, path);
    const routeKey =
      area === 'blob'
        ? `${method} /blobs/*`
        : match && 'pattern' in match
          ? `${method} ${match.pattern}`
          : `${method} (unmatched)`;
    const stats = emu.state.stats;
    stats.requests.total += 1;
    stats.requests.byRoute[routeKey] = (stats.requests.byRoute[routeKey] ?? 0) + 1;

    if (area !== 'admin' && area !== 'other' && area !== 'blob') {
      const auth = header(req.headers, 'authorization');
      if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
        headers['WWW-Authenticate'] = 'Bearer';
        if (area === 'graph' || area === 'arm') {
          send({
            status: 401,
            body: { error: { code: 'InvalidAuthenticationToken', message: 'Access token is empty.' } },
          });
        } else {
          send({
            status: 401,
            body: {
              code: 800001,
              description: 'Partner Token missing in request context',
              source: 'PartnerFD',
            },
          });
        }
        return;
      }
    }

    if (!match && area !== 'blob') {
      send(errorReply(area, new PcError(404, 1000, 'Not found', [`No route for ${method} ${path}.`])));
      return;
    }
    if (match && 'allowed' in match) {
      send(
        errorReply(
          area,
          new PcError(405, 1000, 'Method not allowed', [`Allowed: ${match.allowed.join(', ')}.`]),
        ),
      );
      return;
    }

    const fault =
      area === 'admin' || area === 'other'
        ? { kind: 'none' as const, latencyMs: 0 }
        : decideFault(emu.state, method, path);
    if (fault.kind !== 'none') {
      stats.faults.total += 1;
      stats.faults.byKind[fault.kind] = (stats.faults.byKind[fault.kind] ?? 0) + 1;
      emu.markDirty();
    }
    if (fault.latencyMs > 0) await new Promise((r) => setTimeout(r, fault.latencyMs));
    if (fault.kind === 'timeout') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault.kind === 'error') {
      const retryAfter = emu.state.faults.retryAfterSeconds;
      stats.faults.byStatus[String(fault.status)] = (stats.faults.byStatus[String(fault.status)] ?? 0) + 1;
      const extra: Record<string, string> =
        fault.status === 429 || fault.status === 503 ? { 'Retry-After': String(retryAfter) } : {};
      send({ status: fault.status, body: faultBody(fault.status, retryAfter), headers: extra });
      return;
    }

    if (!match) {
      if (fault.kind === 'lostResponse') {
        req.socket.destroy();
        return;
      }
      const blob = serveBlob(emu, path, url.searchParams);
      send({ status: blob.status, text: blob.body, contentType: blob.contentType });
      return;
    }

    const idemKey =
      area === 'pc' && match.mutating && requestId
        ? `${method} ${path.toLowerCase()} ${requestId}`
        : undefined;
    let reply: Reply | undefined;
    const stored = idemKey ? emu.state.idempotency[idemKey] : undefined;
    if (stored) {
      stats.idempotentReplays += 1;
      emu.markDirty();
      reply = {
        status: stored.status,
        headers: stored.headers,
        text: stored.body,
        contentType: 'application/json; charset=utf-8',
      };
      if (stored.body === '') reply = { status: stored.status, headers: stored.headers };
    } else {
      try {
        const query = new Query(url.searchParams, url.search);
        const ctx: RequestContext = {
          method,
          path,
          params: match.params,
          query,
          headers: req.headers,
          body: parseBody(rawBody, header(req.headers, 'content-type')),
          rawBody,
          baseUrl,
          requestId,
          correlationId,
        };
        reply = await match.handler(ctx);
      } catch (err) {
        reply = errorReply(area, err);
        if (!(err instanceof PcError) && !(err instanceof GraphError)) console.error('[pc-emulator]', err);
      }
      if (idemKey && reply.status < 500 && !reply.stream) {
        const body =
          reply.text !== undefined ? String(reply.text) : reply.body !== undefined ? toJson(reply.body) : '';
        emu.state.idempotency[idemKey] = {
          status: reply.status,
          headers: reply.headers ?? {},
          body,
          at: emu.now(),
        };
        pruneIdempotency(emu.state);
        emu.markDirty();
      }
    }
    if (fault.kind === 'lostResponse') {
      // The operation happened; the caller just never hears about it.
      if (reply.stream) reply.stream.destroy();
      req.socket.destroy();
      return;
    }
    send(reply);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error('[pc-emulator] unhandled', err);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  // Longer than any client's idle keep-alive (undici: the server's hint minus 1 s), so that a busy
  // machine's late timers never let the server close a socket a client is just reusing (ECONNRESET).
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closed = false;
  return {
    url: `http://${urlHost}:${address.port}`,
    emulator: emu,
    get state() {
      return emu.state;
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const res of hanging) res.destroy();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await done;
      persistence?.flush();
    },
  };
}

function pruneIdempotency(state: EmulatorState): void {
  const keys = Object.keys(state.idempotency);
  if (keys.length <= IDEMPOTENCY_LIMIT) return;
  keys.sort((a, b) => (state.idempotency[a]?.at ?? 0) - (state.idempotency[b]?.at ?? 0));
  for (const k of keys.slice(0, keys.length - IDEMPOTENCY_LIMIT)) delete state.idempotency[k];
}
