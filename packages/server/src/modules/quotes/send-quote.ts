import { createHash, randomBytes } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, forbidden, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { findQuote, type QuoteView } from './quotes.repository.ts';

/**
 * Sends a quote: it becomes `sent` (visible to the customer) and gets a share link, a tokenised
 * read-only URL for people without an account (a prospect). Only the token's hash is stored; sending
 * again makes a new link and the old one stops working.
 */

export const hashShareToken = (token: string) => createHash('sha256').update(token).digest('hex');

export interface SentQuote {
  quote: QuoteView;
  shareToken: string;
  shareUrl: string;
  sharePdfUrl: string;
}

export async function sendQuote(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  options: { now: Date; publicUrl: string },
): Promise<SentQuote> {
  requirePermission(scope, 'quotes:write');
  const today = options.now.toISOString().slice(0, 10);
  const quote = await findQuote(db, scope, id, today);
  if (!quote) throw notFound('quote');
  if (quote.sellerId !== scope.organizationId) {
    throw forbidden(`This quote belongs to ${quote.sellerName}; only ${quote.sellerName} can send it.`);
  }
  if (quote.status !== 'draft' && quote.status !== 'sent') {
    throw badRequest('quote_not_sendable', `A quote that is ${quote.status} cannot be sent.`);
  }
  const token = randomBytes(24).toString('base64url');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('quotes')
      .set({
        status: 'sent',
        share_token_hash: hashShareToken(token),
        sent_at: sql`coalesce(sent_at, now())`,
        version: sql`version + 1`,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: quote.sellerId,
      action: 'send',
      entityType: 'quote',
      entityId: id,
      before: { status: quote.status },
      after: { status: 'sent' },
    });
  });
  const base = `${options.publicUrl}/api/v1/quotes/shared/${token}`;
  return {
    quote: (await findQuote(db, scope, id, today))!,
    shareToken: token,
    shareUrl: base,
    sharePdfUrl: `${base}/pdf`,
  };
}
