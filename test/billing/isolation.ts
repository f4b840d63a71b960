import { SYSTEM_ACTOR } from '../../packages/server/src/auth/scope.ts';
import { createCreditNote } from '../../packages/server/src/modules/billing/credit-notes.ts';
import { runBilling } from '../../packages/server/src/modules/billing/run-billing.ts';
import type { TestServer } from '../support/test-server.ts';

/**
 * #7 resources for the tenant isolation matrix: last month's demo usage billed and issued by every
 * seller (provider → resellers and direct customers, resellers → their customers), and a credit
 * note of ¥1/€1 on each invoice — each with its recipient, so the matrix can pick B's.
 */
export interface OwnedInvoice {
  id: string;
  recipient: string;
  creditNotes: string[];
}

export async function billingResources(server: TestServer): Promise<OwnedInvoice[]> {
  const db = server.deps.database.db;
  const now = server.deps.clock.now();
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const sellers = await db.selectFrom('organizations').select('id').where('kind', '<>', 'customer').execute();
  for (const seller of sellers) {
    await runBilling(db, null, { sellerId: seller.id, period: last, issue: true, now });
  }
  const rows = await db
    .selectFrom('invoices')
    .select(['id', 'issuer_id', 'recipient_id', 'status'])
    .where('status', '=', 'issued')
    .execute();
  if (rows.length === 0) throw new Error('the demo billed nothing: the isolation matrix would test nothing');
  const result: OwnedInvoice[] = [];
  for (const r of rows) {
    const line = await db
      .selectFrom('invoice_lines')
      .select('id')
      .where('invoice_id', '=', r.id)
      .where('amount', '>=', '1')
      .executeTakeFirst();
    const creditNotes: string[] = [];
    if (line) {
      const scope = {
        organizationId: r.issuer_id,
        organizationKind: 'reseller' as const,
        role: 'admin' as const,
        permissions: new Set<never>(),
        actor: SYSTEM_ACTOR,
        userId: null,
        locale: 'en' as const,
      };
      const note = await createCreditNote(
        db,
        scope,
        { invoiceId: r.id, reason: 'isolation', lines: [{ invoiceLineId: line.id, amount: '1' }] },
        now,
      );
      creditNotes.push(note.id);
    }
    result.push({ id: r.id, recipient: r.recipient_id, creditNotes });
  }
  return result;
}

const NOBODY = '00000000-0000-4000-8000-000000000000';

/** The invoice and credit note routes, filled with what B's organisations received. */
export function billingParamRoutes(invoices: () => OwnedInvoice[]) {
  const mine = (b: { organizations: string[] }) =>
    invoices().filter((i) => b.organizations.includes(i.recipient));
  const of = (b: { organizations: string[] }) => mine(b).map((i) => ({ id: i.id }));
  return {
    'GET /api/v1/invoices/{id}': { params: of },
    'GET /api/v1/invoices/{id}/pdf': { params: of },
    'GET /api/v1/invoices/{id}/export': { params: (b: { organizations: string[] }) => of(b) },
    'POST /api/v1/invoices/{id}/issue': { params: of },
    'POST /api/v1/invoices/{id}/void': { params: of, body: () => ({ reason: 'taken over' }) },
    'POST /api/v1/invoices/{id}/payments': {
      params: of,
      body: () => ({ amount: '1', currency: 'JPY', paidOn: '2026-01-01', method: 'cash' }),
    },
    'GET /api/v1/credit-notes/{id}': {
      params: (b: { organizations: string[] }) => mine(b).flatMap((i) => i.creditNotes.map((id) => ({ id }))),
    },
    // No path parameter: the body names B's invoice.
    'POST /api/v1/credit-notes': {
      params: () => [{}],
      body: (b: { organizations: string[] }) => ({
        invoiceId: mine(b)[0]?.id ?? NOBODY,
        reason: 'taken over',
      }),
    },
  };
}
