import type { Deps } from '../../deps.ts';
import { DEFAULT_WEBHOOK_POLICY, deliverWebhooks, type WebhookPolicy } from '../webhooks/deliver-webhooks.ts';
import { deliverEmails } from './deliver-emails.ts';
import { dispatchEvents } from './dispatch-events.ts';

export interface OutboxRun {
  events: number;
  emails: number;
  webhooks: number;
}

/**
 * One pass over the outbox: fan out new events, then send the e-mails and webhook requests that
 * are due (new ones and retries). Safe to run in several workers at once — every step claims its
 * rows with SKIP LOCKED.
 */
export async function processOutbox(
  deps: Pick<Deps, 'database' | 'config' | 'clock' | 'mailer'>,
  options: { webhookPolicy?: WebhookPolicy } = {},
): Promise<OutboxRun> {
  const outbox = { db: deps.database.db, config: deps.config, clock: deps.clock, mailer: deps.mailer };
  const events = await dispatchEvents(outbox);
  const [emails, webhooks] = await Promise.all([
    deliverEmails(outbox),
    deliverWebhooks(outbox, { policy: options.webhookPolicy ?? DEFAULT_WEBHOOK_POLICY }),
  ]);
  return { events, emails, webhooks };
}
