import type { Branding } from '../../db/schema.ts';
import type { MailAttachment, Mailer } from '../../mail/mailer.ts';
import { effectiveBranding } from '../organizations/organizations.repository.ts';
import { after, retryDelaySeconds } from './backoff.ts';
import { errorMessage, type OutboxDeps } from './dispatch-events.ts';
import { brandName, LOGO_CID } from './templates/layout.ts';

/** An e-mail is given up (status failed) after this many attempts: about 8½ hours of retries. */
export const MAX_EMAIL_ATTEMPTS = 10;
/** A claimed e-mail belongs to its worker this long; after that another worker may send it again. */
const LEASE_SECONDS = 120;

/** The inline logo of a brand whose logo is a `data:` URL (see templates/layout.ts). */
function logoAttachment(branding: Branding): MailAttachment | null {
  const match = /^data:(image\/(?:png|jpeg|gif));base64,(.+)$/.exec(branding.logoUrl ?? '');
  if (!match) return null;
  const extension = match[1]!.split('/')[1]!;
  return {
    filename: `logo.${extension}`,
    contentType: match[1]!,
    content: Buffer.from(match[2]!, 'base64'),
    cid: LOGO_CID,
  };
}

/** SMTP 5xx is a permanent refusal (unknown mailbox, policy): retrying would only repeat it. */
function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/**
 * Sends due e-mails (new ones and retries whose time has come). Each is claimed by pushing its
 * next attempt one lease ahead, sent outside any transaction, then recorded: sent, retried later
 * with exponential backoff, or failed for good. A crash between sending and recording sends the
 * mail once more after the lease — at least once, never lost. Returns the number attempted.
 */
export async function deliverEmails(
  deps: OutboxDeps & { mailer: Mailer },
  { limit = 50 } = {},
): Promise<number> {
  const now = deps.clock.now();
  const claimed = await deps.db
    .updateTable('notifications')
    .set({ next_attempt_at: after(now, LEASE_SECONDS) })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('notifications')
        .select('id')
        .where('channel', '=', 'email')
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returning([
      'id',
      'organization_id',
      'recipient',
      'title',
      'body_text',
      'body_html',
      'locale',
      'event_type',
      'attempts',
    ])
    .execute();

  const brandings = new Map<string, Branding>();
  for (const mail of claimed) {
    let branding = brandings.get(mail.organization_id);
    if (!branding) {
      branding = await effectiveBranding(deps.db, mail.organization_id);
      brandings.set(mail.organization_id, branding);
    }
    const logo = mail.body_html?.includes(`cid:${LOGO_CID}`) ? logoAttachment(branding) : null;
    try {
      const sent = await deps.mailer.send({
        id: mail.id,
        from: { name: brandName(branding), address: deps.config.mailFrom },
        to: mail.recipient!,
        subject: mail.title,
        text: mail.body_text,
        html: mail.body_html!,
        language: mail.locale,
        headers: { 'X-CSPC-Event': mail.event_type, 'X-CSPC-Notification': mail.id },
        ...(logo ? { attachments: [logo] } : {}),
      });
      await deps.db
        .updateTable('notifications')
        .set({
          status: 'sent',
          sent_at: deps.clock.now(),
          attempts: mail.attempts + 1,
          next_attempt_at: null,
          last_error: null,
          message_id: sent.messageId,
          file_name: sent.fileName,
        })
        .where('id', '=', mail.id)
        .execute();
    } catch (error) {
      const attempts = mail.attempts + 1;
      const giveUp = isPermanent(error) || attempts >= MAX_EMAIL_ATTEMPTS;
      await deps.db
        .updateTable('notifications')
        .set({
          attempts,
          last_error: errorMessage(error),
          ...(giveUp
            ? { status: 'failed', next_attempt_at: null }
            : { next_attempt_at: after(now, retryDelaySeconds(attempts)) }),
        })
        .where('id', '=', mail.id)
        .execute();
    }
  }
  return claimed.length;
}
