import { Money } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest } from '../../http/errors.ts';
import type { IdempotencyHooks } from '../../http/idempotency.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { billingErrors } from './billing.errors.ts';
import type { StoredTaxRate } from './billing.tables.ts';
import { computeTotals, dateIn, nextNumber, storedRates } from './invoice-writer.ts';
import { loadProfile } from './profiles.ts';

/**
 * Credit notes against an issued (or paid) invoice: in full (what is left to credit of each tax
 * rate) or in part (amounts against named lines). In Japan a credit note is a qualified return
 * invoice (適格返還請求書): it states the issuer and registration number, the date, the original
 * invoice, and the returned amounts and consumption tax per rate — tax computed once per rate on
 * the credit note. Credit notes are numbered in the issuer's gapless invoice sequence. They are
 * corrections outside the billing diff: a re-run does not bill a credited line again.
 */

export interface CreditNoteInput {
  invoiceId: string;
  reason: string;
  /** Omitted: the whole invoice (what is left of it). */
  lines?: { invoiceLineId: string; amount: string }[] | undefined;
}

export interface CreditNoteView {
  id: string;
  number: string;
  invoiceId: string;
  invoiceNumber: string | null;
  issuer: { id: string; name: string };
  recipient: { id: string; name: string };
  currency: string;
  reason: string;
  net: string;
  tax: string;
  gross: string;
  taxByRate: StoredTaxRate[];
  issueDate: string;
  lines: {
    position: number;
    invoiceLineId: string | null;
    description: string;
    amount: string;
    taxRate: string;
  }[];
  createdAt: string;
}

export async function createCreditNote(
  db: Kysely<Database>,
  scope: Scope,
  input: CreditNoteInput,
  now: Date,
  idempotency?: IdempotencyHooks,
): Promise<CreditNoteView> {
  const id = await db.transaction().execute(async (trx) => {
    await idempotency?.claim(trx);
    const invoice = await trx
      .selectFrom('invoices')
      .selectAll()
      .where('id', '=', input.invoiceId)
      .where((eb) =>
        eb.or([eb('issuer_id', '=', scope.organizationId), eb('recipient_id', '=', scope.organizationId)]),
      )
      .forUpdate()
      .executeTakeFirst();
    if (!invoice) throw billingErrors.invoiceNotFound();
    if (invoice.issuer_id !== scope.organizationId) throw billingErrors.notIssuer();
    if (invoice.status !== 'issued' && invoice.status !== 'paid')
      throw billingErrors.notIssued(invoice.status);
    const currency = invoice.currency.trim();
    const lines = await trx
      .selectFrom('invoice_lines')
      .select(['id', 'description', 'amount', 'tax_rate'])
      .where('invoice_id', '=', invoice.id)
      .orderBy('position')
      .execute();
    const credited = await trx
      .selectFrom('credit_note_lines as l')
      .innerJoin('credit_notes as c', 'c.id', 'l.credit_note_id')
      .select(['l.invoice_line_id', 'l.tax_rate', 'l.amount'])
      .where('c.invoice_id', '=', invoice.id)
      .execute();
    const zero = Money.zero(currency);
    const creditedByLine = new Map<string, Money>();
    const creditedByRate = new Map<string, Money>();
    for (const c of credited) {
      const amount = Money.of(c.amount, currency);
      if (c.invoice_line_id)
        creditedByLine.set(c.invoice_line_id, (creditedByLine.get(c.invoice_line_id) ?? zero).plus(amount));
      creditedByRate.set(c.tax_rate, (creditedByRate.get(c.tax_rate) ?? zero).plus(amount));
    }
    const netByRate = new Map<string, Money>();
    for (const l of lines)
      netByRate.set(l.tax_rate, (netByRate.get(l.tax_rate) ?? zero).plus(Money.of(l.amount, currency)));
    const leftOfRate = (rate: string) =>
      (netByRate.get(rate) ?? zero).minus(creditedByRate.get(rate) ?? zero);

    let creditLines: { invoiceLineId: string | null; description: string; amount: Money; taxRate: string }[];
    if (!input.lines || input.lines.length === 0) {
      creditLines = [...netByRate.keys()]
        .map((rate) => ({
          invoiceLineId: null,
          description: `${input.reason} (${rate})`,
          amount: leftOfRate(rate),
          taxRate: rate,
        }))
        .filter((l) => l.amount.isPositive());
      if (creditLines.length === 0) throw billingErrors.creditExceedsInvoice('0', currency);
    } else {
      creditLines = input.lines.map((requested) => {
        const line = lines.find((l) => l.id === requested.invoiceLineId);
        if (!line)
          throw badRequest(
            'invalid_credit_line',
            `Line ${requested.invoiceLineId} is not a line of this invoice.`,
          );
        let amount: Money;
        try {
          amount = Money.of(requested.amount, currency);
        } catch {
          throw billingErrors.invalidAmount();
        }
        if (!amount.isPositive() || !amount.isRounded()) throw billingErrors.invalidAmount();
        const left = Money.of(line.amount, currency).minus(creditedByLine.get(line.id) ?? zero);
        if (amount.greaterThan(left) || amount.greaterThan(leftOfRate(line.tax_rate))) {
          throw billingErrors.creditExceedsInvoice(
            Money.min(left, leftOfRate(line.tax_rate)).toString(),
            currency,
          );
        }
        return { invoiceLineId: line.id, description: line.description, amount, taxRate: line.tax_rate };
      });
    }
    const profile = (await loadProfile(trx, invoice.issuer_id))!;
    const recipient = await trx
      .selectFrom('organizations')
      .select(['id', 'name', 'country'])
      .where('id', '=', invoice.recipient_id)
      .executeTakeFirstOrThrow();
    const totals = computeTotals(
      profile,
      { id: recipient.id, name: recipient.name, country: recipient.country.trim() },
      currency,
      creditLines,
    );
    const number = await nextNumber(trx, profile);
    const { id } = await trx
      .insertInto('credit_notes')
      .values({
        invoice_id: invoice.id,
        issuer_id: invoice.issuer_id,
        recipient_id: invoice.recipient_id,
        number,
        currency,
        reason: input.reason,
        net: totals.net.toString(),
        tax: totals.tax.toString(),
        gross: totals.gross.toString(),
        tax_by_rate: JSON.stringify(storedRates(totals.taxResult)),
        issue_date: dateIn(now, profile.timeZone),
        created_by: scope.actor.label,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('credit_note_lines')
      .values(
        creditLines.map((l, i) => ({
          credit_note_id: id,
          position: i + 1,
          invoice_line_id: l.invoiceLineId,
          description: l.description,
          amount: l.amount.toString(),
          tax_rate: l.taxRate,
        })),
      )
      .execute();
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'credit_note.issued',
      entityType: 'credit_note',
      entityId: id,
      after: {
        number,
        invoiceId: invoice.id,
        gross: totals.gross.toString(),
        currency,
        reason: input.reason,
      },
    });
    await idempotency?.created(trx, id);
    return id;
  });
  return getCreditNote(db, scope, id);
}

function visible(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('credit_notes as c')
    .innerJoin('invoices as i', 'i.id', 'c.invoice_id')
    .innerJoin('organizations as iss', 'iss.id', 'c.issuer_id')
    .innerJoin('organizations as rec', 'rec.id', 'c.recipient_id')
    .select([
      'c.id',
      'c.number',
      'c.invoice_id',
      'i.number as invoice_number',
      'c.issuer_id',
      'iss.name as issuer_name',
      'c.recipient_id',
      'rec.name as recipient_name',
      'c.currency',
      'c.reason',
      'c.net',
      'c.tax',
      'c.gross',
      'c.tax_by_rate',
      'c.issue_date',
      'c.created_at',
    ])
    .where((eb) =>
      eb.or([eb('c.issuer_id', '=', scope.organizationId), eb('c.recipient_id', '=', scope.organizationId)]),
    );
}

type Row = Awaited<ReturnType<ReturnType<typeof visible>['execute']>>[number];

function view(row: Row, lines: CreditNoteView['lines']): CreditNoteView {
  return {
    id: row.id,
    number: row.number,
    invoiceId: row.invoice_id,
    invoiceNumber: row.invoice_number,
    issuer: { id: row.issuer_id, name: row.issuer_name },
    recipient: { id: row.recipient_id, name: row.recipient_name },
    currency: row.currency.trim(),
    reason: row.reason,
    net: row.net,
    tax: row.tax,
    gross: row.gross,
    taxByRate: row.tax_by_rate,
    issueDate: row.issue_date,
    lines,
    createdAt: row.created_at.toISOString(),
  };
}

export async function getCreditNote(db: Kysely<Database>, scope: Scope, id: string): Promise<CreditNoteView> {
  const row = await visible(db, scope).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw billingErrors.creditNoteNotFound();
  const lines = await db
    .selectFrom('credit_note_lines')
    .selectAll()
    .where('credit_note_id', '=', id)
    .orderBy('position')
    .execute();
  return view(
    row,
    lines.map((l) => ({
      position: l.position,
      invoiceLineId: l.invoice_line_id,
      description: l.description,
      amount: l.amount,
      taxRate: l.tax_rate,
    })),
  );
}

export async function listCreditNotes(
  db: Kysely<Database>,
  scope: Scope,
  filter: { invoiceId?: string | undefined },
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<CreditNoteView>> {
  let q = visible(db, scope);
  if (filter.invoiceId) q = q.where('c.invoice_id', '=', filter.invoiceId);
  const at = decodeCursorParts(page.cursor, 2);
  if (at) {
    const [createdAt, id] = at as [string, string];
    q = q.where((eb) =>
      eb.or([
        eb('c.created_at', '<', new Date(createdAt)),
        eb.and([eb('c.created_at', '=', new Date(createdAt)), eb('c.id', '>', id)]),
      ]),
    );
  }
  const rows = await q
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id')
    .limit(page.limit + 1)
    .execute();
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return {
    items: rows.slice(0, page.limit).map((r) => view(r, [])),
    nextCursor: last ? encodeCursor(last.created_at.toISOString(), last.id) : null,
  };
}
