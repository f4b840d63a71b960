import { randomUUID } from 'node:crypto';
import { BillingError, Money } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../db/schema.ts';
import {
  computeTotals,
  type DraftOutcome,
  draftHeader,
  draftLineRows,
  type Party,
  sameLines,
  writeDraft,
} from './invoice-writer.ts';
import type { BillingProfile } from './profiles.ts';
import type { BillingMonth, RecipientDraft } from './sources.ts';

/**
 * The drafts of many recipients of a run in ONE transaction (a run that does not issue): the same
 * outcome per recipient and currency as `writeDraft` — created, updated, unchanged, removed — with a
 * handful of statements per chunk instead of about seven per recipient. Every recipient's advisory
 * lock is taken (in hash order, so two writers never wait on each other in a cycle), its drafts and
 * their lines are read at once, unchanged drafts are left alone, new drafts are inserted with one
 * statement for the invoices and one for their lines; the rare draft that changed or disappeared
 * goes through `writeDraft`. A recipient whose totals break an invariant is reported and nothing of
 * it is written; the others are. Idempotent and resumable like the per-recipient path: a chunk lost
 * in a crash is recomputed by the next run.
 */

export interface BatchRecipient {
  party: Party;
  drafts: RecipientDraft[];
}

export interface BatchOutcome {
  recipientId: string;
  outcomes: { outcome: DraftOutcome; lines: number }[];
  error?: BillingError;
}

interface LineRow {
  invoice_id: string;
  kind: string;
  source_key: string;
  amount: string;
  description: string;
  tax_rate: string;
}

export async function writeDraftBatch(
  db: Kysely<Database>,
  input: {
    profile: BillingProfile;
    month: BillingMonth;
    runId: string;
    recipients: readonly BatchRecipient[];
  },
): Promise<BatchOutcome[]> {
  const { profile, month, recipients } = input;
  if (recipients.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    // Drafts are recomputed by the next run if a commit is lost in a crash (see run-billing.ts).
    await sql`SET LOCAL synchronous_commit TO off`.execute(trx);
    const keys = recipients.map((r) => `billing:${profile.organizationId}:${r.party.id}:${month.from}`);
    await sql`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) AS k ORDER BY hashtext(k)`.execute(
      trx,
    );
    const existing = await trx
      .selectFrom('invoices')
      .select(['id', 'recipient_id', 'currency'])
      .where('issuer_id', '=', profile.organizationId)
      .where(
        'recipient_id',
        'in',
        recipients.map((r) => r.party.id),
      )
      .where('period', '=', month.from)
      .where('status', '=', 'draft')
      .execute();
    const lines: LineRow[] =
      existing.length > 0
        ? await trx
            .selectFrom('invoice_lines')
            .select(['invoice_id', 'kind', 'source_key', 'amount', 'description', 'tax_rate'])
            .where(
              'invoice_id',
              'in',
              existing.map((e) => e.id),
            )
            .orderBy('invoice_id')
            .orderBy('position')
            .execute()
        : [];
    const linesOf = new Map<string, LineRow[]>();
    for (const line of lines) {
      const list = linesOf.get(line.invoice_id) ?? [];
      list.push(line);
      linesOf.set(line.invoice_id, list);
    }
    const draftsOf = new Map<string, { id: string; currency: string }[]>();
    for (const e of existing) {
      const list = draftsOf.get(e.recipient_id) ?? [];
      list.push({ id: e.id, currency: e.currency.trim() });
      draftsOf.set(e.recipient_id, list);
    }

    const invoices: Record<string, unknown>[] = [];
    const newLines: Record<string, unknown>[] = [];
    const removed: string[] = [];
    const rewrite: { party: Party; currency: string; draft: RecipientDraft | null }[] = [];
    const results: BatchOutcome[] = [];
    const resultOf = new Map<string, BatchOutcome['outcomes'][number]>();
    for (const { party, drafts } of recipients) {
      const stored = draftsOf.get(party.id) ?? [];
      const currencies = new Set([...drafts.map((d) => d.currency), ...stored.map((e) => e.currency)]);
      const outcome: BatchOutcome = { recipientId: party.id, outcomes: [] };
      const planned = {
        invoices: [] as Record<string, unknown>[],
        lines: [] as Record<string, unknown>[],
        removed: [] as string[],
        rewrite: [] as typeof rewrite,
      };
      try {
        for (const currency of [...currencies].sort()) {
          const draft = drafts.find((d) => d.currency === currency) ?? null;
          const invoice = stored.find((e) => e.currency === currency);
          const all = invoice ? (linesOf.get(invoice.id) ?? []) : [];
          const manual = all.filter((l) => l.kind === 'manual');
          if ((!draft || draft.lines.length === 0) && manual.length === 0) {
            if (!invoice) {
              outcome.outcomes.push({ outcome: 'none', lines: 0 });
            } else {
              planned.removed.push(invoice.id);
              outcome.outcomes.push({ outcome: 'removed', lines: 0 });
            }
            continue;
          }
          const rows = draftLineRows(draft);
          const totals = computeTotals(profile, party, currency, [
            ...(draft?.lines ?? []),
            ...manual.map((m) => ({ amount: Money.of(m.amount, currency), taxRate: m.tax_rate })),
          ]);
          if (invoice) {
            const current = all.filter((l) => l.kind !== 'manual');
            if (sameLines(current, rows, currency)) {
              outcome.outcomes.push({ outcome: 'unchanged', lines: 0 });
            } else {
              // Changed lines (or manual lines to move): the per-draft path, in this transaction.
              const pending = { outcome: 'updated' as DraftOutcome, lines: rows.length };
              outcome.outcomes.push(pending);
              planned.rewrite.push({ party, currency, draft });
              resultOf.set(`${party.id}:${currency}`, pending);
            }
            continue;
          }
          const id = randomUUID();
          planned.invoices.push({
            id,
            issuer_id: profile.organizationId,
            recipient_id: party.id,
            period: month.from,
            currency,
            ...draftHeader(profile, totals, input.runId),
          });
          for (const row of rows) planned.lines.push({ ...row, invoice_id: id });
          outcome.outcomes.push({ outcome: 'created', lines: rows.length });
        }
      } catch (error) {
        if (!(error instanceof BillingError)) throw error;
        results.push({ recipientId: party.id, outcomes: [], error });
        continue;
      }
      invoices.push(...planned.invoices);
      newLines.push(...planned.lines);
      removed.push(...planned.removed);
      rewrite.push(...planned.rewrite);
      results.push(outcome);
    }

    if (removed.length > 0) await trx.deleteFrom('invoices').where('id', 'in', removed).execute();
    for (const r of rewrite) {
      const written = await writeDraft(trx, {
        profile,
        recipient: r.party,
        month,
        currency: r.currency,
        draft: r.draft,
        runId: input.runId,
      });
      const pending = resultOf.get(`${r.party.id}:${r.currency}`)!;
      pending.outcome = written.outcome;
      pending.lines = written.lines;
    }
    if (invoices.length > 0) {
      await sql`
        INSERT INTO invoices (id, issuer_id, recipient_id, period, currency, net, tax, gross, tax_by_rate,
          tax_policy, prices_include_tax, locale, notes, run_id)
        SELECT id, issuer_id, recipient_id, period, currency, net, tax, gross, tax_by_rate,
          tax_policy, prices_include_tax, locale, notes, run_id
        FROM jsonb_to_recordset(${JSON.stringify(invoices)}::jsonb) AS x(id uuid, issuer_id uuid,
          recipient_id uuid, period date, currency text, net numeric, tax numeric, gross numeric,
          tax_by_rate jsonb, tax_policy text, prices_include_tax boolean, locale text, notes jsonb, run_id uuid)`.execute(
        trx,
      );
    }
    if (newLines.length > 0) {
      await sql`
        INSERT INTO invoice_lines (invoice_id, position, kind, source_key, description, subscription_id,
          entitlement_id, product_id, period_start, period_end, quantity, unit_price, unrounded, amount,
          tax_rate, explanation)
        SELECT invoice_id, position, kind, source_key, description, subscription_id,
          entitlement_id, product_id, period_start, period_end, quantity, unit_price, unrounded, amount,
          tax_rate, explanation
        FROM jsonb_to_recordset(${JSON.stringify(newLines)}::jsonb) AS x(invoice_id uuid, position integer,
          kind text, source_key text, description text, subscription_id uuid, entitlement_id text,
          product_id text, period_start date, period_end date, quantity numeric, unit_price numeric,
          unrounded numeric, amount numeric, tax_rate text, explanation jsonb)`.execute(trx);
    }
    return results;
  });
}
