import { BillingError } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import { type Scope, SYSTEM_ACTOR } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { billingErrors } from './billing.errors.ts';
import { type BatchRecipient, writeDraftBatch } from './draft-batch.ts';
import { dateIn, issueDraft, type Party, writeDraft } from './invoice-writer.ts';
import { type BillingProfile, loadProfile } from './profiles.ts';
import { type BillingMonth, billingMonth, discountRules, draftsFor, loadSources } from './sources.ts';

/**
 * A billing run: one seller, one month, every recipient (its direct buyers) under its own advisory
 * lock — a run writing drafts commits recipients in chunks of CHUNK (draft-batch.ts), a run that
 * issues one recipient per transaction. Idempotent and resumable: each transaction makes its
 * recipients' drafts equal to what is still to invoice (unchanged drafts are not touched), so a run killed half-way and started
 * again — it resumes the open run of the same seller and month — ends with the same invoices, no
 * duplicates; numbers are taken only when a draft is issued, under the sequence row's lock.
 */

export interface RunInput {
  sellerId: string;
  period: string;
  /** Issue the drafts as they are written (the demo and automatic runs do). */
  issue?: boolean;
  now: Date;
  /** Publish `invoice_issued` for issued invoices (default); the demo's history does not. */
  notify?: boolean;
  /** Recipients billed at once when writing drafts (default 4; issuing runs go one by one). */
  concurrency?: number;
  /** Tests: stop (as a crash would) after this many recipients. */
  crashAfter?: number;
}

export interface RunResult {
  runId: string;
  sellerId: string;
  period: string;
  status: 'completed' | 'failed';
  resumed: boolean;
  recipients: number;
  invoicesCreated: number;
  invoicesUpdated: number;
  invoicesUnchanged: number;
  invoicesRemoved: number;
  invoicesIssued: number;
  linesWritten: number;
  skipped: { recipientId: string; subscriptionId: string; reason: string }[];
  errors: { recipientId: string; code: string; message: string }[];
  durationMs: number;
}

export class SimulatedCrash extends Error {}

/** Recipients written per transaction by a run that does not issue. */
const CHUNK = 100;

function systemScope(organizationId: string): Scope {
  return {
    organizationId,
    organizationKind: 'provider',
    role: 'admin',
    permissions: new Set(),
    actor: SYSTEM_ACTOR,
    userId: null,
    locale: 'en',
  };
}

export function checkPeriod(period: string, now: Date, timeZone: string): BillingMonth {
  const month = billingMonth(period);
  if (!month) throw billingErrors.invalidPeriod(period);
  if (month.from > dateIn(now, timeZone)) throw billingErrors.futurePeriod(period);
  return month;
}

async function openRun(db: Kysely<Database>, input: RunInput, scope: Scope, month: BillingMonth) {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`billing-run:${input.sellerId}:${month.from}`}))`.execute(
      trx,
    );
    const open = await trx
      .selectFrom('billing_runs')
      .select(['id'])
      .where('seller_id', '=', input.sellerId)
      .where('period', '=', month.from)
      .where('status', '<>', 'completed')
      .executeTakeFirst();
    if (open) {
      await trx
        .updateTable('billing_runs')
        .set((eb) => ({
          status: 'running',
          attempts: eb('attempts', '+', 1),
          error: null,
          recipients_done: 0,
        }))
        .where('id', '=', open.id)
        .execute();
      return { id: open.id, resumed: true };
    }
    const { id } = await trx
      .insertInto('billing_runs')
      .values({
        seller_id: input.sellerId,
        period: month.from,
        issue: input.issue ?? false,
        started_by: scope.actor.label,
        started_at: input.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id, resumed: false };
  });
}

export async function runBilling(
  db: Kysely<Database>,
  scope: Scope | null,
  input: RunInput,
): Promise<RunResult> {
  const started = performance.now();
  const profile = await loadProfile(db, input.sellerId);
  if (!profile) throw billingErrors.customerNotFound();
  const actorScope = scope ?? systemScope(input.sellerId);
  const month = checkPeriod(input.period, input.now, profile.timeZone);
  const run = await openRun(db, input, actorScope, month);
  const result: RunResult = {
    runId: run.id,
    sellerId: input.sellerId,
    period: input.period,
    status: 'completed',
    resumed: run.resumed,
    recipients: 0,
    invoicesCreated: 0,
    invoicesUpdated: 0,
    invoicesUnchanged: 0,
    invoicesRemoved: 0,
    invoicesIssued: 0,
    linesWritten: 0,
    skipped: [],
    errors: [],
    durationMs: 0,
  };
  try {
    const sources = await loadSources(db, input.sellerId, month, profile.usagePolicy);
    const drafts = await db
      .selectFrom('invoices')
      .select('recipient_id')
      .distinct()
      .where('issuer_id', '=', input.sellerId)
      .where('period', '=', month.from)
      .where('status', '=', 'draft')
      .execute();
    const recipientIds = [...new Set([...sources.keys(), ...drafts.map((d) => d.recipient_id)])].sort();
    const parties = await partiesOf(db, recipientIds);
    result.recipients = recipientIds.length;
    await db
      .updateTable('billing_runs')
      .set({ recipients_total: recipientIds.length })
      .where('id', '=', run.id)
      .execute();
    const rules = discountRules(profile);
    let done = 0;
    let next = 0;
    let lastProgress = 0;
    // A few recipients in flight at once: one's SQL round trips overlap another's arithmetic.
    let stopped = false;
    const work = async () => {
      while (!stopped && next < recipientIds.length) {
        if (input.crashAfter !== undefined && next >= input.crashAfter) {
          throw new SimulatedCrash('simulated crash');
        }
        const recipientId = recipientIds[next++]!;
        const source = sources.get(recipientId);
        const party = parties.get(recipientId);
        if (!party) continue;
        for (const s of source?.skipped ?? []) result.skipped.push({ recipientId, ...s });
        try {
          await billRecipient(db, actorScope, {
            profile,
            month,
            party,
            source,
            rules,
            run: run.id,
            input,
            result,
          });
        } catch (error) {
          if (!(error instanceof BillingError)) throw error;
          result.errors.push({ recipientId, code: error.code, message: error.message });
        }
        done++;
        if (done - lastProgress >= 500) {
          lastProgress = done;
          await progress(db, run.id, done, result);
        }
      }
    };
    // A run writing drafts takes recipients in chunks, one transaction each (draft-batch.ts).
    const workChunks = async () => {
      while (!stopped && next < recipientIds.length) {
        if (input.crashAfter !== undefined && next >= input.crashAfter) {
          throw new SimulatedCrash('simulated crash');
        }
        const end = Math.min(recipientIds.length, next + CHUNK, input.crashAfter ?? Number.POSITIVE_INFINITY);
        const chunk = recipientIds.slice(next, end);
        next = end;
        const batch: BatchRecipient[] = [];
        for (const recipientId of chunk) {
          const source = sources.get(recipientId);
          const party = parties.get(recipientId);
          if (!party) continue;
          for (const s of source?.skipped ?? []) result.skipped.push({ recipientId, ...s });
          try {
            batch.push({ party, drafts: source ? draftsFor(source, month, rules) : [] });
          } catch (error) {
            if (!(error instanceof BillingError)) throw error;
            result.errors.push({ recipientId, code: error.code, message: error.message });
            done++;
          }
        }
        const written = await writeDraftBatch(db, { profile, month, runId: run.id, recipients: batch });
        for (const w of written) {
          if (w.error) {
            result.errors.push({ recipientId: w.recipientId, code: w.error.code, message: w.error.message });
          }
          for (const o of w.outcomes) {
            if (o.outcome === 'created') result.invoicesCreated++;
            if (o.outcome === 'updated') result.invoicesUpdated++;
            if (o.outcome === 'unchanged') result.invoicesUnchanged++;
            if (o.outcome === 'removed') result.invoicesRemoved++;
            result.linesWritten += o.lines;
          }
          done++;
        }
        if (done - lastProgress >= 500) {
          lastProgress = done;
          await progress(db, run.id, done, result);
        }
      }
    };
    // Issuing runs one recipient at a time, so numbers follow the recipients' order.
    const parallel = input.issue ? 1 : Math.max(1, input.concurrency ?? 4);
    const worker = async () => {
      try {
        await (input.issue ? work() : workChunks());
      } catch (error) {
        stopped = true;
        throw error;
      }
    };
    // Every worker ends before the run does (a failure stops the others at their next recipient).
    const settled = await Promise.allSettled(Array.from({ length: parallel }, worker));
    const failure = settled.find((w) => w.status === 'rejected');
    if (failure) throw failure.reason;
    result.status = result.errors.length > 0 ? 'failed' : 'completed';
    await db
      .updateTable('billing_runs')
      .set({
        status: result.status,
        recipients_done: done,
        invoices_created: result.invoicesCreated,
        invoices_updated: result.invoicesUpdated,
        invoices_issued: result.invoicesIssued,
        lines_written: result.linesWritten,
        error:
          result.errors.length > 0
            ? result.errors
                .map((e) => `${e.recipientId}: ${e.message}`)
                .join('; ')
                .slice(0, 2000)
            : null,
        finished_at: new Date(),
      })
      .where('id', '=', run.id)
      .execute();
  } catch (error) {
    // A simulated crash leaves the run as a killed process would: running, to be resumed.
    if (!(error instanceof SimulatedCrash)) {
      await db
        .updateTable('billing_runs')
        .set({
          status: 'failed',
          error: error instanceof Error ? error.message.slice(0, 2000) : 'failed',
          finished_at: new Date(),
        })
        .where('id', '=', run.id)
        .execute();
    }
    throw error;
  }
  result.durationMs = Math.round(performance.now() - started);
  return result;
}

async function partiesOf(db: Kysely<Database>, ids: string[]): Promise<Map<string, Party>> {
  const map = new Map<string, Party>();
  for (let i = 0; i < ids.length; i += 5000) {
    const rows = await db
      .selectFrom('organizations')
      .select(['id', 'name', 'country'])
      .where('id', 'in', ids.slice(i, i + 5000))
      .execute();
    for (const r of rows) map.set(r.id, { id: r.id, name: r.name, country: r.country.trim() });
  }
  return map;
}

async function billRecipient(
  db: Kysely<Database>,
  scope: Scope,
  ctx: {
    profile: BillingProfile;
    month: BillingMonth;
    party: Party;
    source: Awaited<ReturnType<typeof loadSources>> extends Map<string, infer S> ? S | undefined : never;
    rules: ReturnType<typeof discountRules>;
    run: string;
    input: RunInput;
    result: RunResult;
  },
): Promise<void> {
  const { profile, month, party, source, result } = ctx;
  const drafts = source ? draftsFor(source, month, ctx.rules) : [];
  await db.transaction().execute(async (trx) => {
    // Drafts are recomputed by the next run if a commit is lost in a crash, so a run writing drafts
    // need not wait for each commit's WAL flush (10,000 fsyncs would dominate the run). Issuing
    // (numbers, notifications) keeps the durable default.
    if (!ctx.input.issue) await sql`SET LOCAL synchronous_commit TO off`.execute(trx);
    // One writer per issuer × recipient × month at a time (two runs, or a run and a preview-issue).
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`billing:${profile.organizationId}:${party.id}:${month.from}`}))`.execute(
      trx,
    );
    const existing = await trx
      .selectFrom('invoices')
      .select('currency')
      .where('issuer_id', '=', profile.organizationId)
      .where('recipient_id', '=', party.id)
      .where('period', '=', month.from)
      .where('status', '=', 'draft')
      .execute();
    const currencies = new Set([...drafts.map((d) => d.currency), ...existing.map((e) => e.currency.trim())]);
    for (const currency of [...currencies].sort()) {
      const draft = drafts.find((d) => d.currency === currency) ?? null;
      const written = await writeDraft(trx, {
        profile,
        recipient: party,
        month,
        currency,
        draft,
        runId: ctx.run,
      });
      if (written.outcome === 'created') result.invoicesCreated++;
      if (written.outcome === 'updated') result.invoicesUpdated++;
      if (written.outcome === 'unchanged') result.invoicesUnchanged++;
      if (written.outcome === 'removed') result.invoicesRemoved++;
      result.linesWritten += written.lines;
      if (ctx.input.issue && written.invoiceId) {
        await issueDraft(trx, scope, written.invoiceId, profile, ctx.input.now, {
          notify: ctx.input.notify ?? true,
        });
        result.invoicesIssued++;
      }
    }
  });
}

/** Progress of a run, written outside the recipients' transactions (they would queue on the row). */
async function progress(db: Kysely<Database>, runId: string, done: number, result: RunResult): Promise<void> {
  await db
    .updateTable('billing_runs')
    .set({
      recipients_done: done,
      invoices_created: result.invoicesCreated,
      invoices_updated: result.invoicesUpdated,
      invoices_issued: result.invoicesIssued,
      lines_written: result.linesWritten,
    })
    .where('id', '=', runId)
    .execute();
}

/** Audit of a started run (the run row itself records progress). */
export async function auditRun(db: Kysely<Database>, scope: Scope, result: RunResult): Promise<void> {
  await recordAudit(db, scope, {
    organizationId: result.sellerId,
    action: 'billing_run.completed',
    entityType: 'billing_run',
    entityId: result.runId,
    after: { ...result, skipped: result.skipped.length, errors: result.errors.length },
  });
}
