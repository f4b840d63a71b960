import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Referenced from the HTML as `cid:<cid>` (inline images). */
  cid?: string;
}

export interface OutgoingMail {
  /** Names the message: the `.eml` file and the Message-ID are derived from it, so a retry overwrites. */
  id: string;
  from: { name: string; address: string };
  to: string;
  subject: string;
  text: string;
  html: string;
  language: string;
  headers?: Record<string, string>;
  attachments?: MailAttachment[];
}

export interface SentMail {
  messageId: string;
  /** The file written to the outbox directory (file mode only). */
  fileName: string | null;
}

/**
 * Sends e-mail. With SMTP_URL, over SMTP; without it, each message is written as an `.eml` file to
 * DATA_DIR/outbox, so a demo or a development machine shows exactly what would have been sent.
 */
export interface Mailer {
  readonly mode: 'smtp' | 'files';
  send(mail: OutgoingMail): Promise<SentMail>;
  close(): void;
}

export const outboxDir = (config: Pick<Config, 'dataDir'>) => join(config.dataDir, 'outbox');

function messageOf(mail: OutgoingMail, domain: string) {
  return {
    messageId: `<${mail.id}@${domain}>`,
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: {
      'Content-Language': mail.language,
      // Marks the message as automatic, so auto-responders do not answer it (RFC 3834).
      'Auto-Submitted': 'auto-generated',
      ...mail.headers,
    },
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      content: a.content,
      contentType: a.contentType,
      ...(a.cid ? { cid: a.cid } : {}),
    })),
  };
}

export function createMailer(config: Pick<Config, 'smtpUrl' | 'dataDir' | 'mailFrom'>): Mailer {
  const domain = config.mailFrom.split('@')[1] ?? 'localhost';
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport(config.smtpUrl);
    return {
      mode: 'smtp',
      async send(mail) {
        const info = await transport.sendMail(messageOf(mail, domain));
        return { messageId: info.messageId, fileName: null };
      },
      close: () => transport.close(),
    };
  }
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  const dir = outboxDir(config);
  return {
    mode: 'files',
    async send(mail) {
      const info = await transport.sendMail(messageOf(mail, domain));
      const fileName = `${mail.id}.eml`;
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, fileName), info.message as Buffer);
      return { messageId: info.messageId, fileName };
    },
    close: () => transport.close(),
  };
}
