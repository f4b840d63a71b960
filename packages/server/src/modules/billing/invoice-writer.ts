import { invoiceTotals, Money, type TaxResult } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { amountOf, publishEvent } from '../notifications/publish.ts';
import { billingErrors } from './billing.errors.ts';
import type { StoredTaxRate } from './billing.tables.ts';
import { type BillingProfile, taxPolicyOf } from './profiles.ts';
import type { BillingMonth, RecipientDraft } from './sources.ts';

/** Writing invoices: drafts from a run, issuing with gapless numbers, voiding, payments. */

export interface Party {
  id: string;
  name: string;
  country: string;
  vatId?: string | null;
}

export function storedRates(result: TaxResult): StoredTaxRate[] {
  return result.rates.map((r) => ({
    treatment: r.treatment,
    rate: r.rate,
    percent: r.percent,
    net: r.net.toString(),
    tax: r.tax.toString(),
    gross: r.gross.toString(),
  }));
}

/** Totals and tax of a set of rounded lines under the issuer's policy, invariants checked. */
export function computeTotals(
  profile: BillingProfile,
  recipient: Party,
  currency: string,
  lines: readonly { amount: Money; taxRate: string }[],
) {
  return invoiceTotals({
    currency,
    lines,
    taxPolicy: taxPolicyOf(profile),
    pricesIncludeTax: profile.pricesIncludeTax,
    seller: { country: profile.country, ...(profile.vatId ? { vatId: profile.vatId } : {}) },
    buyer: { country: recipient.country, ...(recipient.vatId ? { vatId: recipient.vatId } : {}) },
  });
}

/** The rows of a draft's run lines, positions from 1 (the explanation as an object). */
export function draftLineRows(draft: RecipientDraft | null) {
  return (draft?.lines ?? []).map((l, i) => ({
    position: i + 1,
    kind: l.kind,
    source_key: l.sourceKey,
    description: l.description,
    subscription_id: l.subscriptionId,
    entitlement_id: l.entitlementId,
    product_id: l.productId,
    period_start: l.periodStart || null,
    period_end: l.periodEnd || null,
    quantity: l.quantity,
    unit_price: l.unitPrice ? l.unitPrice.toString() : null,
    unrounded: l.unrounded.toString(),
    amount: l.amount.toString(),
    tax_rate: l.taxRate,
    explanation: {
      ...l.explanation,
      proposedTotal: l.proposedTotal.toString(),
      previouslyInvoiced: l.previouslyInvoiced.toString(),
    } as Record<string, unknown>,
  }));
}

/** A draft's header columns from its totals (tax by rate and notes as objects). */
export function draftHeader(
  profile: BillingProfile,
  totals: ReturnType<typeof computeTotals>,
  runId: string | null,
) {
  return {
    net: totals.net.toString(),
    tax: totals.tax.toString(),
    gross: totals.gross.toString(),
    tax_by_rate: storedRates(totals.taxResult),
    tax_policy: totals.taxResult.policy,
    prices_include_tax: profile.pricesIncludeTax,
    locale: profile.invoiceLocale,
    notes: totals.taxResult.notes,
    run_id: runId,
  };
}

/** True when a draft's stored run lines (in position order) are the rows to write. */
export function sameLines(
  current: readonly { source_key: string; amount: string; description: string; tax_rate: string }[],
  rows: readonly { source_key: string; amount: string; description: string; tax_rate: string }[],
  currency: string,
): boolean {
  return (
    current.length === rows.length &&
    current.every(
      (c, i) =>
        c.source_key === rows[i]!.source_key &&
        Money.of(c.amount, currency).equals(Money.of(rows[i]!.amount, currency)) &&
        c.description === rows[i]!.description &&
        c.tax_rate === rows[i]!.tax_rate,
    )
  );
}

export type DraftOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'none';

/**
 * Makes the draft of (issuer, recipient, month, currency) hold exactly `draft`'s lines: creates it,
 * rewrites it when its lines differ, leaves it alone when they are the same (a re-run writes
 * nothing), or deletes it when nothing is left to invoice. Runs in the caller's transaction.
 */
export async function writeDraft(
  trx: Kysely<Database>,
  input: {
    profile: BillingProfile;
    recipient: Party;
    month: BillingMonth;
    currency: string;
    draft: RecipientDraft | null;
    runId: string | null;
  },
): Promise<{ outcome: DraftOutcome; invoiceId: string | null; lines: number }> {
  const { profile, recipient, month, currency, draft } = input;
  const existing = await trx
    .selectFrom('invoices')
    .select(['id'])
    .where('issuer_id', '=', profile.organizationId)
    .where('recipient_id', '=', recipient.id)
    .where('period', '=', month.from)
    .where('currency', '=', currency)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  // Manual lines added by staff (manual-lines.ts) stay on the draft, after the run's lines.
  const manual = existing
    ? await trx
        .selectFrom('invoice_lines')
        .select(['id', 'amount', 'tax_rate'])
        .where('invoice_id', '=', existing.id)
        .where('kind', '=', 'manual')
        .orderBy('position')
        .execute()
    : [];
  if ((!draft || draft.lines.length === 0) && manual.length === 0) {
    if (!existing) return { outcome: 'none', invoiceId: null, lines: 0 };
    await trx.deleteFrom('invoices').where('id', '=', existing.id).execute();
    return { outcome: 'removed', invoiceId: null, lines: 0 };
  }
  const rows = draftLineRows(draft).map((r) => ({ ...r, explanation: JSON.stringify(r.explanation) }));
  const totals = computeTotals(profile, recipient, currency, [
    ...(draft?.lines ?? []),
    ...manual.map((m) => ({ amount: Money.of(m.amount, currency), taxRate: m.tax_rate })),
  ]);
  const { tax_by_rate, notes, ...plain } = draftHeader(profile, totals, input.runId);
  const header = { ...plain, tax_by_rate: JSON.stringify(tax_by_rate), notes: JSON.stringify(notes) };
  if (existing) {
    const current = await trx
      .selectFrom('invoice_lines')
      .select(['source_key', 'amount', 'description', 'quantity', 'tax_rate'])
      .where('invoice_id', '=', existing.id)
      .where('kind', '<>', 'manual')
      .orderBy('position')
      .execute();
    const same = sameLines(current, rows, currency);
    if (same) return { outcome: 'unchanged', invoiceId: existing.id, lines: 0 };
    await trx
      .deleteFrom('invoice_lines')
      .where('invoice_id', '=', existing.id)
      .where('kind', '<>', 'manual')
      .execute();
    // manual lines move after the run's lines (two steps: positions are unique at every row)
    for (const [i, m] of manual.entries()) {
      await trx
        .updateTable('invoice_lines')
        .set({ position: 1_000_000 + i })
        .where('id', '=', m.id)
        .execute();
    }
    for (const [i, m] of manual.entries()) {
      await trx
        .updateTable('invoice_lines')
        .set({ position: rows.length + i + 1 })
        .where('id', '=', m.id)
        .execute();
    }
    await trx
      .updateTable('invoices')
      .set((eb) => ({ ...header, version: eb('version', '+', 1), updated_at: new Date() }))
      .where('id', '=', existing.id)
      .execute();
    if (rows.length > 0) {
      await trx
        .insertInto('invoice_lines')
        .values(rows.map((r) => ({ ...r, invoice_id: existing.id })))
        .execute();
    }
    return { outcome: 'updated', invoiceId: existing.id, lines: rows.length };
  }
  const { id } = await trx
    .insertInto('invoices')
    .values({
      issuer_id: profile.organizationId,
      recipient_id: recipient.id,
      period: month.from,
      currency,
      ...header,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('invoice_lines')
    .values(rows.map((r) => ({ ...r, invoice_id: id })))
    .execute();
  return { outcome: 'created', invoiceId: id, lines: rows.length };
}

/** The issuer's next number, under the sequence row's lock until the caller commits: gapless. */
export async function nextNumber(trx: Kysely<Database>, profile: BillingProfile): Promise<string> {
  const row = await sql<{ last_value: string }>`
    INSERT INTO invoice_number_sequences (issuer_id, last_value) VALUES (${profile.organizationId}, 1)
    ON CONFLICT (issuer_id) DO UPDATE SET last_value = invoice_number_sequences.last_value + 1
    RETURNING last_value::text AS last_value`.execute(trx);
  const n = row.rows[0]!.last_value;
  return `${profile.numberPrefix}${n.padStart(profile.numberDigits, '0')}`;
}

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/** Today's date in a time zone, 'YYYY-MM-DD'. */
export function dateIn(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

/**
 * Issues a draft: takes the next gapless number, freezes issuer and recipient as printed, sets the
 * issue and due dates, locks the provider's usage of the period if the invoice bills usage, and
 * publishes `invoice_issued` — all in the caller's transaction.
 */
export async function issueDraft(
  trx: Kysely<Database>,
  scope: Scope,
  invoiceId: string,
  profile: BillingProfile,
  now: Date,
  options: { notify?: boolean } = {},
): Promise<string> {
  const invoice = await trx
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', invoiceId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (invoice.status !== 'draft') throw billingErrors.notDraft(invoice.status);
  const lines = await trx
    .selectFrom('invoice_lines')
    .select(['kind'])
    .where('invoice_id', '=', invoiceId)
    .execute();
  if (lines.length === 0) throw billingErrors.emptyInvoice();
  const recipient = await trx
    .selectFrom('organizations')
    .select(['id', 'name', 'country', 'parent_id'])
    .where('id', '=', invoice.recipient_id)
    .executeTakeFirstOrThrow();
  const number = await nextNumber(trx, profile);
  const issueDate = dateIn(now, profile.timeZone);
  const dueDate = addDays(issueDate, profile.paymentTermsDays);
  await trx
    .updateTable('invoices')
    .set((eb) => ({
      status: 'issued',
      number,
      issue_date: issueDate,
      due_date: dueDate,
      issued_at: now,
      issuer_snapshot: JSON.stringify({
        name: profile.organizationName,
        country: profile.country,
        registrationNumber: profile.registrationNumber,
        vatId: profile.vatId,
        bankDetails: profile.bankDetails,
      }),
      recipient_snapshot: JSON.stringify({ name: recipient.name, country: recipient.country }),
      version: eb('version', '+', 1),
      updated_at: now,
    }))
    .where('id', '=', invoiceId)
    .execute();
  if (lines.some((l) => l.kind === 'usage')) {
    const provider = await trx
      .selectFrom('organization_tree as t')
      .innerJoin('organizations as o', 'o.id', 't.ancestor_id')
      .select('o.id')
      .where('t.descendant_id', '=', profile.organizationId)
      .where('o.kind', '=', 'provider')
      .executeTakeFirst();
    if (provider) {
      await trx
        .insertInto('usage_period_locks')
        .values({ provider_id: provider.id, period: invoice.period, reason: `invoice ${number}` })
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  }
  await recordAudit(trx, scope, {
    organizationId: profile.organizationId,
    action: 'invoice.issued',
    entityType: 'invoice',
    entityId: invoiceId,
    after: { number, issueDate, dueDate, gross: invoice.gross, currency: invoice.currency },
  });
  if (options.notify === false) return number;
  await publishEvent(trx, {
    type: 'invoice_issued',
    organizationId: invoice.recipient_id,
    subject: { type: 'invoice', id: invoiceId },
    data: {
      invoiceId,
      invoiceNumber: number,
      issuerName: profile.organizationName,
      total: amountOf(Money.of(invoice.gross, invoice.currency.trim())),
      issueDate,
      dueDate,
    },
    dedupeKey: `invoice_issued:${invoiceId}`,
  });
  return number;
}
