import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny HTTP server for contract tests: records every request it receives and answers from a script of
 * canned responses (in order), falling back to a default. Listens on 127.0.0.1 with an ephemeral port.
 */

export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/v1/customers?size=40`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  bodyText: string;
}

export interface CannedResponse {
  status?: number;
  headers?: Record<string, string>;
  /** Objects are JSON-encoded; strings and buffers are sent as they are. */
  body?: unknown;
}

export type Responder = (request: RecordedRequest, index: number) => CannedResponse | Promise<CannedResponse>;

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` */
  url: string;
  requests: RecordedRequest[];
  /** Queue responses; each request takes the next one, then the responder / default applies. */
  enqueue(...responses: CannedResponse[]): void;
  setResponder(responder: Responder | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startRecordingServer(): Promise<RecordingServer> {
  const requests: RecordedRequest[] = [];
  let queue: CannedResponse[] = [];
  let responder: Responder | undefined;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body,
        bodyText: body.toString('utf8'),
      };
      const index = requests.push(recorded) - 1;
      try {
        const canned =
          queue.shift() ?? (responder ? await responder(recorded, index) : { status: 200, body: {} });
        const payload =
          canned.body === undefined
            ? undefined
            : Buffer.isBuffer(canned.body) || canned.body instanceof Uint8Array
              ? Buffer.from(canned.body)
              : typeof canned.body === 'string'
                ? Buffer.from(canned.body, 'utf8')
                : Buffer.from(JSON.stringify(canned.body), 'utf8');
        const headers: Record<string, string> = { ...canned.headers };
        if (payload && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
          headers['Content-Type'] = 'application/json; charset=utf-8';
        }
        res.writeHead(canned.status ?? 200, headers);
        res.end(recorded.method === 'HEAD' ? undefined : payload);
      } catch (error) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(error));
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...responses) => {
      queue.push(...responses);
    },
    setResponder: (next) => {
      responder = next;
    },
    reset: () => {
      requests.length = 0;
      queue = [];
      responder = undefined;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
