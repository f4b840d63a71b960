import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import type { Clock, Deps } from '../../packages/server/src/deps.ts';
import type { EventType } from '../../packages/server/src/modules/notifications/event-types.ts';
import { type PublishInput, publishEvent } from '../../packages/server/src/modules/notifications/publish.ts';
import { verifySignature } from '../../packages/server/src/modules/webhooks/signature.ts';

/** A clock the test moves by hand: retries and backoff are stepped through, not waited for. */
export function manualClock(
  start = Date.now(),
): Clock & { advance(seconds: number): void; set(at: Date): void } {
  let now = start;
  return {
    now: () => new Date(now),
    advance(seconds) {
      now += seconds * 1000;
    },
    set(at) {
      now = at.getTime();
    },
  };
}

// ——— A small MIME reader: enough of RFC 2045/2047 to read what nodemailer writes. ———

export interface ReceivedMail {
  from: string;
  to: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  html: string;
  attachments: { contentType: string; contentId: string | null; size: number }[];
  raw: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : Buffer.from(
            text
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (_h, hex: string) =>
                String.fromCharCode(Number.parseInt(hex, 16)),
              ),
            'latin1',
          ).toString('utf8'),
    );
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeBody(body: string, encoding: string | undefined): Buffer {
  switch ((encoding ?? '7bit').toLowerCase()) {
    case 'base64':
      return Buffer.from(body.replace(/\s+/g, ''), 'base64');
    case 'quoted-printable':
      return Buffer.from(
        body
          .replace(/=\r?\n/g, '')
          .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
        'latin1',
      );
    default:
      return Buffer.from(body, 'utf8');
  }
}

function splitEntity(raw: string): { headers: Map<string, string>; body: string } {
  const match = /\r?\n\r?\n/.exec(raw);
  if (!match) return { headers: parseHeaders(raw), body: '' };
  return { headers: parseHeaders(raw.slice(0, match.index)), body: raw.slice(match.index + match[0].length) };
}

function walk(raw: string, mail: Pick<ReceivedMail, 'text' | 'html' | 'attachments'>): void {
  const { headers, body } = splitEntity(raw);
  const type = headers.get('content-type') ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith('multipart/') && boundary) {
    const parts = body.split(`--${boundary}`).slice(1);
    for (const part of parts) {
      if (part.startsWith('--')) break;
      walk(part.replace(/^\r?\n/, ''), mail);
    }
    return;
  }
  const content = decodeBody(body, headers.get('content-transfer-encoding'));
  const disposition = headers.get('content-disposition') ?? '';
  if (type.startsWith('text/plain') && !disposition.startsWith('attachment'))
    mail.text += content.toString('utf8');
  else if (type.startsWith('text/html') && !disposition.startsWith('attachment'))
    mail.html += content.toString('utf8');
  else {
    mail.attachments.push({
      contentType: type.split(';')[0]!,
      contentId: headers.get('content-id')?.replace(/[<>]/g, '') ?? null,
      size: content.length,
    });
  }
}

export function parseMail(raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const { headers } = splitEntity(raw);
  const mail: ReceivedMail = {
    from: decodeWords(headers.get('from') ?? envelope.from),
    to: envelope.to,
    headers,
    subject: decodeWords(headers.get('subject') ?? ''),
    text: '',
    html: '',
    attachments: [],
    raw,
  };
  walk(raw, mail);
  return mail;
}

// ——— A local SMTP server: real SMTP from nodemailer, messages kept for assertions. ———

export interface TestSmtpServer {
  url: string;
  messages: ReceivedMail[];
  /** Answer the next `n` messages with a temporary failure (451). */
  failNext(n: number): void;
  /** Refuse this recipient for good (550, as for an unknown mailbox). */
  rejectRecipient(address: string): void;
  close(): Promise<void>;
}

export async function startSmtpServer(): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  let failures = 0;
  const rejected = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (!rejected.has(address.address)) return callback();
      callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (failures > 0) {
          failures -= 1;
          const error = Object.assign(new Error('Try again later'), { responseCode: 451 });
          callback(error);
          return;
        }
        messages.push(
          parseMail(Buffer.concat(chunks).toString('utf8'), {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
          }),
        );
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    failNext(n) {
      failures = n;
    },
    rejectRecipient(address) {
      rejected.add(address);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ——— A webhook receiver: verifies signatures, can be told to fail. ———

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  body: string;
  json: {
    id: string;
    type: string;
    organizationId: string;
    subject: { type: string; id: string };
    data: unknown;
  };
  signatureValid: boolean;
  answeredWith: number;
}

export interface TestReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Answer the next `n` requests with `status` (default 503). */
  failNext(n: number, status?: number): void;
  /** Answer every request with `status` from now on (null: succeed again). */
  failAlways(status: number | null): void;
  setSecret(secret: string): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<TestReceiver> {
  const received: ReceivedWebhook[] = [];
  let secret = '';
  let failures = 0;
  let failStatus = 503;
  let always: number | null = null;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['cspc-signature'] ?? '');
      let status = 200;
      if (always !== null) status = always;
      else if (failures > 0) {
        failures -= 1;
        status = failStatus;
      }
      received.push({
        headers: request.headers,
        body,
        json: JSON.parse(body) as ReceivedWebhook['json'],
        // With the default five-minute tolerance against the receiver's own clock, as a real one would.
        signatureValid: verifySignature(secret, body, header),
        answeredWith: status,
      });
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(status === 200 ? 'ok' : 'receiver is down');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/cspc`,
    received,
    failNext(n, status = 503) {
      failures = n;
      failStatus = status;
    },
    failAlways(status) {
      always = status;
    },
    setSecret(value) {
      secret = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ——— Publishing from tests, as another module would. ———

export async function publish<T extends EventType>(deps: Deps, input: PublishInput<T>): Promise<string> {
  return (await deps.database.db.transaction().execute((trx) => publishEvent(trx, input))).id;
}

export const notificationsOf = (deps: Deps, eventId: string) =>
  deps.database.db
    .selectFrom('notifications as n')
    .innerJoin('users as u', 'u.id', 'n.user_id')
    .select(['u.email', 'n.channel', 'n.status', 'n.title', 'n.locale', 'n.id', 'n.file_name', 'n.attempts'])
    .where('n.event_id', '=', eventId)
    .orderBy('u.email')
    .orderBy('n.channel')
    .execute();
