import { currencyDigits, Money } from '@cspc/core';
import { type Kysely, sql } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { badRequest, conflict, notFound } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { billingErrors } from './billing.errors.ts';
import { computeTotals, storedRates } from './invoice-writer.ts';
import { getInvoice, type InvoiceDetail } from './invoices.repository.ts';
import { loadProfile } from './profiles.ts';

/**
 * Manual one-off lines and adjustments by staff on a draft invoice (kind `manual`, source key
 * `manual:<line id>`). Amount = quantity × unit price rounded once (half-up, the currency's minor
 * unit); the invoice's totals and tax per rate are recomputed from all its rounded lines with the
 * same invariants as a run. Billing runs keep manual lines when they rewrite a draft, and never
 * diff or reverse them (they have no source outside the invoice). Audited.
 */

export const manualLineErrors = {
  notDraft: (status: string) =>
    conflict(
      'invoice_not_draft',
      `Lines can be added to or removed from a draft invoice only; this one is ${status}. Correct an issued invoice with a credit note.`,
    ),
  notManual: () =>
    conflict('line_not_manual', 'Only manual lines can be removed; the other lines come from billing runs.'),
  lineNotFound: () => notFound('invoice line'),
  invalidQuantity: () =>
    badRequest('invalid_quantity', 'The quantity must be a decimal other than zero (e.g. "1", "2.5", "-1").'),
  invalidUnitPrice: () =>
    badRequest(
      'invalid_unit_price',
      'The unit price must be a decimal with at most 6 decimals (negative for a deduction).',
    ),
  invalidTaxRate: (rate: string, allowed: string[]) =>
    badRequest(
      'invalid_tax_rate',
      `The tax rate ${JSON.stringify(rate)} is not one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}.`,
    ),
};

export interface ManualLineInput {
  description: string;
  quantity: string;
  unitPrice: string;
  taxRate?: string;
}

const TAX_RATES = ['standard', 'reduced'];
const DECIMAL = /^-?\d{1,15}(\.\d{1,6})?$/;

/** The draft invoice the caller issued, locked (and the run's lock for it taken first). */
async function ownDraft(trx: Kysely<Database>, scope: Scope, id: string) {
  const target = await trx
    .selectFrom('invoices')
    .select(['issuer_id', 'recipient_id', 'period'])
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('issuer_id', '=', scope.organizationId), eb('recipient_id', '=', scope.organizationId)]),
    )
    .executeTakeFirst();
  if (!target) throw billingErrors.invoiceNotFound();
  if (target.issuer_id !== scope.organizationId) throw billingErrors.notIssuer();
  // same lock order as a run and as issuing: never edit a draft a run is rewriting
  const key = `billing:${target.issuer_id}:${target.recipient_id}:${target.period}`;
  await sql`SELECT pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  const invoice = await trx
    .selectFrom('invoices')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (invoice.status !== 'draft') throw manualLineErrors.notDraft(invoice.status);
  return invoice;
}

/** Recomputes a draft's totals from its rounded lines (invariants checked by `invoiceTotals`). */
export async function recomputeDraftTotals(trx: Kysely<Database>, invoiceId: string): Promise<void> {
  const invoice = await trx
    .selectFrom('invoices')
    .select(['issuer_id', 'recipient_id', 'currency'])
    .where('id', '=', invoiceId)
    .executeTakeFirstOrThrow();
  const currency = invoice.currency.trim();
  const profile = (await loadProfile(trx, invoice.issuer_id))!;
  const recipient = await trx
    .selectFrom('organizations')
    .select(['id', 'name', 'country'])
    .where('id', '=', invoice.recipient_id)
    .executeTakeFirstOrThrow();
  const lines = await trx
    .selectFrom('invoice_lines')
    .select(['amount', 'tax_rate'])
    .where('invoice_id', '=', invoiceId)
    .execute();
  const totals = computeTotals(
    profile,
    { id: recipient.id, name: recipient.name, country: recipient.country.trim() },
    currency,
    lines.map((l) => ({ amount: Money.of(l.amount, currency), taxRate: l.tax_rate })),
  );
  await trx
    .updateTable('invoices')
    .set((eb) => ({
      net: totals.net.toString(),
      tax: totals.tax.toString(),
      gross: totals.gross.toString(),
      tax_by_rate: JSON.stringify(storedRates(totals.taxResult)),
      tax_policy: totals.taxResult.policy,
      notes: JSON.stringify(totals.taxResult.notes),
      version: eb('version', '+', 1),
      updated_at: new Date(),
    }))
    .where('id', '=', invoiceId)
    .execute();
}

export async function addManualLine(
  db: Kysely<Database>,
  scope: Scope,
  invoiceId: string,
  input: ManualLineInput,
): Promise<InvoiceDetail> {
  if (!DECIMAL.test(input.quantity) || Number(input.quantity) === 0) throw manualLineErrors.invalidQuantity();
  if (!DECIMAL.test(input.unitPrice)) throw manualLineErrors.invalidUnitPrice();
  const taxRate = input.taxRate ?? 'standard';
  if (!TAX_RATES.includes(taxRate)) throw manualLineErrors.invalidTaxRate(taxRate, TAX_RATES);
  await db.transaction().execute(async (trx) => {
    const invoice = await ownDraft(trx, scope, invoiceId);
    const currency = invoice.currency.trim();
    const unitPrice = Money.of(input.unitPrice, currency);
    const unrounded = unitPrice.times(input.quantity);
    const amount = unrounded.roundTo(currencyDigits(currency), 'half-up');
    const { max } = await trx
      .selectFrom('invoice_lines')
      .select(sql<number>`coalesce(max(position), 0)::int`.as('max'))
      .where('invoice_id', '=', invoiceId)
      .executeTakeFirstOrThrow();
    const id = crypto.randomUUID();
    const formula = `${input.quantity} × ${unitPrice.toString()}`;
    await trx
      .insertInto('invoice_lines')
      .values({
        id,
        invoice_id: invoiceId,
        position: max + 1,
        kind: 'manual',
        source_key: `manual:${id}`,
        description: input.description,
        subscription_id: null,
        entitlement_id: null,
        product_id: null,
        period_start: null,
        period_end: null,
        quantity: input.quantity,
        unit_price: unitPrice.toString(),
        unrounded: unrounded.toString(),
        amount: amount.toString(),
        tax_rate: taxRate,
        explanation: JSON.stringify({
          summary: `Manual line by ${scope.actor.label}: ${formula} = ${unrounded.toString()}, rounded once to ${amount.toString()} ${currency}`,
          steps: [
            { label: 'Quantity × unit price', formula, result: unrounded.toString() },
            {
              label: 'Rounded (half-up)',
              formula: `round(${unrounded.toString()})`,
              result: amount.toString(),
            },
          ],
          sources: { manual: { by: scope.actor.label } },
          proposedTotal: amount.toString(),
          previouslyInvoiced: '0',
        }),
      })
      .execute();
    await recomputeDraftTotals(trx, invoiceId);
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'invoice.line_added',
      entityType: 'invoice',
      entityId: invoiceId,
      after: {
        lineId: id,
        description: input.description,
        quantity: input.quantity,
        unitPrice: unitPrice.toString(),
        amount: amount.toString(),
        currency,
        taxRate,
      },
    });
  });
  return getInvoice(db, scope, invoiceId);
}

export async function deleteManualLine(
  db: Kysely<Database>,
  scope: Scope,
  invoiceId: string,
  lineId: string,
): Promise<InvoiceDetail> {
  await db.transaction().execute(async (trx) => {
    await ownDraft(trx, scope, invoiceId);
    const line = await trx
      .selectFrom('invoice_lines')
      .selectAll()
      .where('invoice_id', '=', invoiceId)
      .where('id', '=', lineId)
      .executeTakeFirst();
    if (!line) throw manualLineErrors.lineNotFound();
    if (line.kind !== 'manual') throw manualLineErrors.notManual();
    await trx.deleteFrom('invoice_lines').where('id', '=', lineId).execute();
    await recomputeDraftTotals(trx, invoiceId);
    await recordAudit(trx, scope, {
      organizationId: scope.organizationId,
      action: 'invoice.line_removed',
      entityType: 'invoice',
      entityId: invoiceId,
      before: {
        lineId,
        description: line.description,
        quantity: line.quantity,
        unitPrice: line.unit_price,
        amount: line.amount,
        taxRate: line.tax_rate,
      },
    });
  });
  return getInvoice(db, scope, invoiceId);
}
