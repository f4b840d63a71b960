import {
  type DisplayedRate,
  displayedRates,
  type InvoiceLanguage,
  Money,
  taxInclusiveStatement,
  taxNoteText,
} from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { conflict } from '../../http/errors.ts';
import type { IdempotencyHooks } from '../../http/idempotency.ts';
import { decodeCursorParts, encodeCursor, type Page } from '../../http/pagination.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { amountOf, publishEvent } from '../notifications/publish.ts';
import { billingErrors } from './billing.errors.ts';
import type { InvoiceStatus, PaymentMethod, StoredTaxRate } from './billing.tables.ts';
import { computeTotals, dateIn, issueDraft, storedRates } from './invoice-writer.ts';
import { loadProfile } from './profiles.ts';
import { checkPeriod } from './run-billing.ts';
import { discountRules, draftsFor, loadSources } from './sources.ts';

/**
 * Invoices as their parties see them. Tenancy: the issuer sees what it issued, the recipient what
 * it received; nobody else can name an invoice (404).
 */

export interface InvoiceSummary {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  overdue: boolean;
  period: string;
  issuer: { id: string; name: string };
  recipient: { id: string; name: string };
  currency: string;
  net: string;
  tax: string;
  gross: string;
  paid: string;
  balance: string;
  issueDate: string | null;
  dueDate: string | null;
  direction: 'issued' | 'received';
  version: number;
  createdAt: string;
}

export interface InvoiceLineView {
  id: string;
  position: number;
  kind: string;
  sourceKey: string;
  description: string;
  subscriptionId: string | null;
  entitlementId: string | null;
  productId: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  quantity: string;
  unitPrice: string | null;
  unrounded: string;
  amount: string;
  taxRate: string;
  explanation: Record<string, unknown>;
}

export interface InvoiceDetail extends InvoiceSummary {
  taxPolicy: string;
  pricesIncludeTax: boolean;
  taxByRate: StoredTaxRate[];
  locale: string;
  issuerDetails: Record<string, unknown>;
  recipientDetails: Record<string, unknown>;
  /** Tax notes (reverse charge) by stable code, the text in the invoice's language. */
  notes: { code: string; text: string }[];
  /** How the invoice prints its tax: amounts with or without tax, and the totals per rate worded. */
  taxDisplay: TaxDisplay;
  lines: InvoiceLineView[];
  payments: {
    id: string;
    amount: string;
    currency: string;
    paidOn: string;
    method: string;
    reference: string;
  }[];
  creditNotes: { id: string; number: string; gross: string; issueDate: string }[];
  voidReason: string | null;
}

export interface TaxDisplay {
  /** True when line amounts and unit prices include tax (the issuer's `pricesIncludeTax`). */
  linesIncludeTax: boolean;
  /** Per rate: the total as printed (gross when tax-inclusive, else net), the tax, and the wording. */
  byRate: DisplayedRate[];
  /** The tax-inclusive statement printed on the invoice, or null. */
  statement: string | null;
}

const INTL: Record<InvoiceLanguage, string> = { ja: 'ja-JP', en: 'en-US', de: 'de-DE' };

/** The tax display and notes of an invoice in `language` (render time; the stored data stays by code). */
export function taxWording(
  invoice: Pick<InvoiceDetail, 'currency' | 'pricesIncludeTax' | 'taxPolicy' | 'taxByRate'> & {
    notes: { code: string; text: string }[];
  },
  language: InvoiceLanguage,
): { taxDisplay: TaxDisplay; notes: { code: string; text: string }[] } {
  const format = (amount: string) => Money.of(amount, invoice.currency).format(INTL[language]);
  return {
    taxDisplay: {
      linesIncludeTax: invoice.pricesIncludeTax,
      byRate: displayedRates(invoice.taxByRate, {
        pricesIncludeTax: invoice.pricesIncludeTax,
        policy: invoice.taxPolicy,
        language,
        format,
      }),
      statement: invoice.pricesIncludeTax ? taxInclusiveStatement(invoice.taxPolicy, language) : null,
    },
    notes: invoice.notes.map((n) => ({ code: n.code, text: taxNoteText(n, invoice.taxPolicy, language) })),
  };
}

export interface InvoiceFilter {
  status?: InvoiceStatus | undefined;
  period?: string | undefined;
  direction?: 'issued' | 'received' | undefined;
  counterpartyId?: string | undefined;
  overdue?: boolean | undefined;
}

function baseQuery(db: Kysely<Database>, scope: Scope) {
  return db
    .selectFrom('invoices as i')
    .innerJoin('organizations as iss', 'iss.id', 'i.issuer_id')
    .innerJoin('organizations as rec', 'rec.id', 'i.recipient_id')
    .select([
      'i.id',
      'i.number',
      'i.status',
      'i.overdue_at',
      'i.period',
      'i.issuer_id',
      'iss.name as issuer_name',
      'i.recipient_id',
      'rec.name as recipient_name',
      'i.currency',
      'i.net',
      'i.tax',
      'i.gross',
      'i.paid',
      'i.issue_date',
      'i.due_date',
      'i.version',
      'i.created_at',
    ])
    .where((eb) =>
      eb.or([eb('i.issuer_id', '=', scope.organizationId), eb('i.recipient_id', '=', scope.organizationId)]),
    );
}

type SummaryRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['execute']>>[number];

function summary(row: SummaryRow, scope: Scope): InvoiceSummary {
  const currency = row.currency.trim();
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    overdue: row.overdue_at !== null && row.status === 'issued',
    period: row.period.slice(0, 7),
    issuer: { id: row.issuer_id, name: row.issuer_name },
    recipient: { id: row.recipient_id, name: row.recipient_name },
    currency,
    net: row.net,
    tax: row.tax,
    gross: row.gross,
    paid: row.paid,
    balance: Money.of(row.gross, currency).minus(Money.of(row.paid, currency)).toString(),
    issueDate: row.issue_date,
    dueDate: row.due_date,
    direction: row.issuer_id === scope.organizationId ? 'issued' : 'received',
    version: row.version,
    createdAt: row.created_at.toISOString(),
  };
}

export async function listInvoices(
  db: Kysely<Database>,
  scope: Scope,
  filter: InvoiceFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<InvoiceSummary>> {
  let q = baseQuery(db, scope);
  if (filter.status) q = q.where('i.status', '=', filter.status);
  if (filter.period) q = q.where('i.period', '=', `${filter.period}-01`);
  if (filter.direction === 'issued') q = q.where('i.issuer_id', '=', scope.organizationId);
  if (filter.direction === 'received') q = q.where('i.recipient_id', '=', scope.organizationId);
  if (filter.counterpartyId) {
    const other = filter.counterpartyId;
    q = q.where((eb) => eb.or([eb('i.issuer_id', '=', other), eb('i.recipient_id', '=', other)]));
  }
  if (filter.overdue !== undefined) {
    q = filter.overdue
      ? q.where('i.overdue_at', 'is not', null).where('i.status', '=', 'issued')
      : q.where((eb) => eb.or([eb('i.overdue_at', 'is', null), eb('i.status', '<>', 'issued')]));
  }
  const cursor = decodeCursorParts(page.cursor, 2);
  if (cursor) {
    const [period, id] = cursor as [string, string];
    q = q.where((eb) =>
      eb.or([eb('i.period', '<', period), eb.and([eb('i.period', '=', period), eb('i.id', '>', id)])]),
    );
  }
  const rows = await q
    .orderBy('i.period', 'desc')
    .orderBy('i.id')
    .limit(page.limit + 1)
    .execute();
  const items = rows.slice(0, page.limit).map((r) => summary(r, scope));
  const last = rows.length > page.limit ? rows[page.limit - 1]! : null;
  return { items, nextCursor: last ? encodeCursor(last.period, last.id) : null };
}

export async function getInvoice(db: Kysely<Database>, scope: Scope, id: string): Promise<InvoiceDetail> {
  const row = await baseQuery(db, scope)
    .select([
      'i.tax_policy',
      'i.prices_include_tax',
      'i.tax_by_rate',
      'i.locale',
      'i.issuer_snapshot',
      'i.recipient_snapshot',
      'i.notes',
      'i.void_reason',
    ])
    .where('i.id', '=', id)
    .executeTakeFirst();
  if (!row) throw billingErrors.invoiceNotFound();
  const [lines, payments, credits] = await Promise.all([
    db.selectFrom('invoice_lines').selectAll().where('invoice_id', '=', id).orderBy('position').execute(),
    db.selectFrom('payments').selectAll().where('invoice_id', '=', id).orderBy('recorded_at').execute(),
    db
      .selectFrom('credit_notes')
      .select(['id', 'number', 'gross', 'issue_date'])
      .where('invoice_id', '=', id)
      .orderBy('created_at')
      .execute(),
  ]);
  const head = summary(row, scope);
  const wording = taxWording(
    {
      currency: head.currency,
      pricesIncludeTax: row.prices_include_tax,
      taxPolicy: row.tax_policy,
      taxByRate: row.tax_by_rate,
      notes: row.notes,
    },
    row.locale,
  );
  return {
    ...head,
    taxPolicy: row.tax_policy,
    pricesIncludeTax: row.prices_include_tax,
    taxByRate: row.tax_by_rate,
    locale: row.locale,
    issuerDetails: row.issuer_snapshot,
    recipientDetails: row.recipient_snapshot,
    notes: wording.notes,
    taxDisplay: wording.taxDisplay,
    voidReason: row.void_reason,
    lines: lines.map((l) => ({
      id: l.id,
      position: l.position,
      kind: l.kind,
      sourceKey: l.source_key,
      description: l.description,
      subscriptionId: l.subscription_id,
      entitlementId: l.entitlement_id,
      productId: l.product_id,
      periodStart: l.period_start,
      periodEnd: l.period_end,
      quantity: l.quantity,
      unitPrice: l.unit_price,
      unrounded: l.unrounded,
      amount: l.amount,
      taxRate: l.tax_rate,
      explanation: l.explanation,
    })),
    payments: payments.map((p) => ({
      id: p.id,
      amount: p.amount,
      currency: p.currency.trim(),
      paidOn: p.paid_on,
      method: p.method,
      reference: p.reference,
    })),
    creditNotes: credits.map((c) => ({
      id: c.id,
      number: c.number,
      gross: c.gross,
      issueDate: c.issue_date,
    })),
  };
}

/** An invoice the caller issued (for issuer-only actions), locked for the caller's transaction. */
async function ownInvoice(trx: Kysely<Database>, scope: Scope, id: string) {
  const row = await trx
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('issuer_id', '=', scope.organizationId), eb('recipient_id', '=', scope.organizationId)]),
    )
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw billingErrors.invoiceNotFound();
  if (row.issuer_id !== scope.organizationId) throw billingErrors.notIssuer();
  return row;
}

export async function issueInvoice(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  now: Date,
): Promise<InvoiceDetail> {
  await db.transaction().execute(async (trx) => {
    const target = await trx
      .selectFrom('invoices')
      .select(['issuer_id', 'recipient_id', 'period'])
      .where('id', '=', id)
      .where((eb) =>
        eb.or([eb('issuer_id', '=', scope.organizationId), eb('recipient_id', '=', scope.organizationId)]),
      )
      .executeTakeFirst();
    if (!target) throw billingErrors.invoiceNotFound();
    // First the lock a run holds while it rewrites this draft (same order as the run: no deadlock),
    // then the row: never issue a draft half rewritten.
    const key = `billing:${target.issuer_id}:${target.recipient_id}:${target.period}`;
    await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
    const invoice = await ownInvoice(trx, scope, id);
    const profile = (await loadProfile(trx, invoice.issuer_id))!;
    await issueDraft(trx, scope, id, profile, now);
  });
  return getInvoice(db, scope, id);
}

/**
 * Voids an issued, unpaid invoice (its number stays used: the sequence has no gaps, the void
 * invoice keeps it). What it charged is charged again by the next run, corrected.
 */
export async function voidInvoice(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  reason: string,
  now: Date,
): Promise<InvoiceDetail> {
  await db.transaction().execute(async (trx) => {
    const invoice = await ownInvoice(trx, scope, id);
    if (invoice.status !== 'issued') throw billingErrors.notIssued(invoice.status);
    if (!Money.of(invoice.paid, invoice.currency.trim()).isZero()) {
      throw conflict(
        'invoice_has_payments',
        'An invoice with payments cannot be voided; issue a credit note instead.',
      );
    }
    await trx
      .updateTable('invoices')
      .set((eb) => ({
        status: 'void',
        voided_at: now,
        void_reason: reason,
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'invoice.voided',
      entityType: 'invoice',
      entityId: id,
      before: { status: invoice.status },
      after: { status: 'void', reason },
    });
  });
  return getInvoice(db, scope, id);
}

export interface PaymentInput {
  amount: string;
  currency: string;
  paidOn: string;
  method: PaymentMethod;
  reference?: string | undefined;
}

/** Records a payment; the invoice is paid when the payments reach its gross total. */
export async function recordPayment(
  db: Kysely<Database>,
  scope: Scope,
  id: string,
  input: PaymentInput,
  now: Date,
  idempotency?: IdempotencyHooks,
): Promise<InvoiceDetail> {
  await db.transaction().execute(async (trx) => {
    await idempotency?.claim(trx);
    const invoice = await ownInvoice(trx, scope, id);
    if (invoice.status !== 'issued') throw billingErrors.notIssued(invoice.status);
    const currency = invoice.currency.trim();
    if (input.currency !== currency) throw billingErrors.currencyMismatch(currency);
    let amount: Money;
    try {
      amount = Money.of(input.amount, currency);
    } catch {
      throw billingErrors.invalidAmount();
    }
    if (!amount.isPositive() || !amount.isRounded()) throw billingErrors.invalidAmount();
    const gross = Money.of(invoice.gross, currency);
    const paid = Money.of(invoice.paid, currency).plus(amount);
    if (paid.greaterThan(gross)) {
      throw billingErrors.overpayment(gross.minus(Money.of(invoice.paid, currency)).toString(), currency);
    }
    const { id: paymentId } = await trx
      .insertInto('payments')
      .values({
        invoice_id: id,
        amount: amount.toString(),
        currency,
        paid_on: input.paidOn,
        method: input.method,
        reference: input.reference ?? '',
        recorded_by: scope.actor.label,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await idempotency?.created(trx, paymentId);
    const settled = paid.equals(gross);
    await trx
      .updateTable('invoices')
      .set((eb) => ({
        paid: paid.toString(),
        ...(settled ? { status: 'paid' as const, paid_at: now } : {}),
        version: eb('version', '+', 1),
        updated_at: now,
      }))
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'invoice.payment_recorded',
      entityType: 'invoice',
      entityId: id,
      after: {
        paymentId,
        amount: amount.toString(),
        currency,
        paidOn: input.paidOn,
        method: input.method,
        settled,
      },
    });
  });
  return getInvoice(db, scope, id);
}

export interface PreviewResult {
  issuer: { id: string; name: string };
  recipient: { id: string; name: string };
  period: string;
  invoices: {
    currency: string;
    net: string;
    tax: string;
    gross: string;
    taxByRate: StoredTaxRate[];
    lines: Omit<InvoiceLineView, 'id' | 'explanation'>[];
    explanations: Record<string, unknown>[];
  }[];
  skipped: { subscriptionId: string; reason: string }[];
}

/**
 * What a run would invoice `customerId` for the month now, written nowhere. The issuer is the
 * customer's direct seller; the caller must be that seller or the customer itself.
 */
export async function previewInvoice(
  db: Kysely<Database>,
  scope: Scope,
  customerId: string,
  period: string,
  now: Date,
): Promise<PreviewResult> {
  const recipient = await db
    .selectFrom('organizations')
    .select(['id', 'name', 'country', 'parent_id'])
    .where('id', '=', customerId)
    .executeTakeFirst();
  if (!recipient?.parent_id) throw billingErrors.customerNotFound();
  if (scope.organizationId !== recipient.id && scope.organizationId !== recipient.parent_id) {
    throw billingErrors.customerNotFound();
  }
  const profile = (await loadProfile(db, recipient.parent_id))!;
  const month = checkPeriod(period, now, profile.timeZone);
  const sources = await loadSources(db, profile.organizationId, month, profile.usagePolicy, recipient.id);
  const source = sources.get(recipient.id);
  const drafts = source ? draftsFor(source, month, discountRules(profile)) : [];
  const party = { id: recipient.id, name: recipient.name, country: recipient.country.trim() };
  return {
    issuer: { id: profile.organizationId, name: profile.organizationName },
    recipient: { id: recipient.id, name: recipient.name },
    period,
    skipped: source?.skipped ?? [],
    invoices: drafts.map((d) => {
      const totals = computeTotals(profile, party, d.currency, d.lines);
      return {
        currency: d.currency,
        net: totals.net.toString(),
        tax: totals.tax.toString(),
        gross: totals.gross.toString(),
        taxByRate: storedRates(totals.taxResult),
        lines: d.lines.map((l, i) => ({
          position: i + 1,
          kind: l.kind,
          sourceKey: l.sourceKey,
          description: l.description,
          subscriptionId: l.subscriptionId,
          entitlementId: l.entitlementId,
          productId: l.productId,
          periodStart: l.periodStart || null,
          periodEnd: l.periodEnd || null,
          quantity: l.quantity,
          unitPrice: l.unitPrice ? l.unitPrice.toString() : null,
          unrounded: l.unrounded.toString(),
          amount: l.amount.toString(),
          taxRate: l.taxRate,
        })),
        explanations: d.lines.map((l) => ({ ...l.explanation })),
      };
    }),
  };
}

/**
 * Marks issued invoices past their due date (in the issuer's time zone) as overdue, once, and
 * publishes `payment_overdue` for each. Returns how many were marked.
 */
export async function markOverdue(db: Kysely<Database>, now: Date): Promise<number> {
  const candidates = await db
    .selectFrom('invoices as i')
    .innerJoin('organizations as o', 'o.id', 'i.issuer_id')
    .select([
      'i.id',
      'i.number',
      'i.recipient_id',
      'i.gross',
      'i.paid',
      'i.currency',
      'i.due_date',
      'o.time_zone',
    ])
    .where('i.status', '=', 'issued')
    .where('i.overdue_at', 'is', null)
    .where('i.due_date', '<', sql<string>`${now.toISOString().slice(0, 10)}::date + 1`)
    .execute();
  let marked = 0;
  for (const c of candidates) {
    const today = dateIn(now, c.time_zone);
    if (!c.due_date || c.due_date >= today) continue;
    await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('invoices')
        .set({ overdue_at: now })
        .where('id', '=', c.id)
        .where('overdue_at', 'is', null)
        .where('status', '=', 'issued')
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) === 0) return;
      const currency = c.currency.trim();
      const due = Money.of(c.gross, currency).minus(Money.of(c.paid, currency));
      const days = Math.round((Date.parse(today) - Date.parse(c.due_date!)) / 86_400_000);
      await publishEvent(trx, {
        type: 'payment_overdue',
        organizationId: c.recipient_id,
        subject: { type: 'invoice', id: c.id },
        data: {
          invoiceId: c.id,
          invoiceNumber: c.number ?? '',
          amountDue: amountOf(due),
          dueDate: c.due_date!,
          daysOverdue: days,
        },
        dedupeKey: `payment_overdue:${c.id}`,
      });
      marked++;
    });
  }
  return marked;
}
