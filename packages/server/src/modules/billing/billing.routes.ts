import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission, type Scope } from '../../auth/scope.ts';
import type { Locale } from '../../db/schema.ts';
import type { Deps } from '../../deps.ts';
import { idempotencyKeyOf, idempotent } from '../../http/idempotency.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { decodeCursorParts, encodeCursor, PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { billingErrors } from './billing.errors.ts';
import { createCreditNote, getCreditNote, listCreditNotes } from './credit-notes.ts';
import { invoiceCsv, invoicePdf } from './invoice-pdf.ts';
import {
  getInvoice,
  issueInvoice,
  listInvoices,
  previewInvoice,
  recordPayment,
  voidInvoice,
} from './invoices.repository.ts';
import { addManualLine, deleteManualLine } from './manual-lines.ts';
import { marginCsv, marginReport } from './margin-report.ts';
import { loadProfile, saveProfile } from './profiles.ts';
import { reconcileWithCsv, reconcileWithPartnerCenter } from './reconciliation.ts';
import { auditRun, runBilling } from './run-billing.ts';
import { usageRecordRoutes } from './usage-records.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Decimal = Type.String({ description: 'Exact decimal string' });
const PeriodString = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });
const Explanation = Type.Record(Type.String(), Type.Unknown());
const IdempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })) });
const IDEMPOTENCY_NOTE =
  'With `Idempotency-Key`, the same key and body return the first result (header `idempotent-replayed: true`) instead of recording it twice; the same key with another body is refused (422 `idempotency_key_reused`). Keys are kept 24 hours.';

const DiscountRuleSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 100 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  percent: Type.String({ maxLength: 10 }),
  productIds: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })),
  requiresAll: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20 })),
  from: Type.Optional(Type.String({ format: 'date' })),
  to: Type.Optional(Type.String({ format: 'date' })),
});

const ProfileFields = {
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  billingDay: Type.Integer({ minimum: 1, maximum: 28 }),
  paymentTermsDays: Type.Integer({ minimum: 0, maximum: 365 }),
  registrationNumber: Nullable(Type.String({ maxLength: 20 })),
  vatId: Nullable(Type.String({ maxLength: 40 })),
  taxRounding: Type.Union([Type.Literal('down'), Type.Literal('half-up'), Type.Literal('up')]),
  pricesIncludeTax: Type.Boolean(),
  bankDetails: Type.String({ maxLength: 2000 }),
  invoiceLocale: Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]),
  numberPrefix: Type.String({ maxLength: 20 }),
  numberDigits: Type.Integer({ minimum: 1, maximum: 12 }),
  usagePolicy: Type.Union([Type.Literal('billed'), Type.Literal('unbilled')]),
  discounts: Type.Array(DiscountRuleSchema, { maxItems: 100 }),
};

const ProfileSchema = Type.Object(
  {
    organizationId: Type.String(),
    organizationName: Type.String(),
    country: Type.String(),
    timeZone: Type.String(),
    ...ProfileFields,
    version: Type.Integer(),
    stored: Type.Boolean(),
  },
  { $id: 'BillingProfile' },
);

const Party = Type.Object({ id: Type.String(), name: Type.String() });

const InvoiceSummarySchema = Type.Object(
  {
    id: Type.String(),
    number: Nullable(Type.String()),
    status: Type.String(),
    overdue: Type.Boolean(),
    period: Type.String(),
    issuer: Party,
    recipient: Party,
    currency: Type.String(),
    net: Decimal,
    tax: Decimal,
    gross: Decimal,
    paid: Decimal,
    balance: Decimal,
    issueDate: Nullable(Type.String()),
    dueDate: Nullable(Type.String()),
    direction: Type.Union([Type.Literal('issued'), Type.Literal('received')]),
    version: Type.Integer(),
    createdAt: Type.String(),
  },
  { $id: 'InvoiceSummary' },
);

const LineFields = {
  position: Type.Integer(),
  kind: Type.String(),
  sourceKey: Type.String(),
  description: Type.String(),
  subscriptionId: Nullable(Type.String()),
  entitlementId: Nullable(Type.String()),
  productId: Nullable(Type.String()),
  periodStart: Nullable(Type.String()),
  periodEnd: Nullable(Type.String()),
  quantity: Decimal,
  unitPrice: Nullable(Decimal),
  unrounded: Decimal,
  amount: Decimal,
  taxRate: Type.String(),
};

const TaxRate = Type.Object({
  treatment: Type.String(),
  rate: Nullable(Type.String()),
  percent: Type.String(),
  net: Decimal,
  tax: Decimal,
  gross: Decimal,
});

const InvoiceSchema = Type.Object(
  {
    ...InvoiceSummarySchema.properties,
    taxPolicy: Type.String(),
    pricesIncludeTax: Type.Boolean(),
    taxByRate: Type.Array(TaxRate),
    locale: Type.String(),
    issuerDetails: Explanation,
    recipientDetails: Explanation,
    notes: Type.Array(
      Type.Object({ code: Type.String(), text: Type.String({ description: 'In the invoice’s language' }) }),
    ),
    taxDisplay: Type.Object({
      linesIncludeTax: Type.Boolean(),
      byRate: Type.Array(
        Type.Object({
          treatment: Type.String(),
          rate: Nullable(Type.String()),
          percent: Type.String(),
          total: Decimal,
          tax: Decimal,
          text: Type.String(),
        }),
      ),
      statement: Nullable(Type.String()),
    }),
    voidReason: Nullable(Type.String()),
    lines: Type.Array(Type.Object({ id: Type.String(), ...LineFields, explanation: Explanation })),
    payments: Type.Array(
      Type.Object({
        id: Type.String(),
        amount: Decimal,
        currency: Type.String(),
        paidOn: Type.String(),
        method: Type.String(),
        reference: Type.String(),
      }),
    ),
    creditNotes: Type.Array(
      Type.Object({ id: Type.String(), number: Type.String(), gross: Decimal, issueDate: Type.String() }),
    ),
  },
  { $id: 'Invoice' },
);

const PreviewSchema = Type.Object(
  {
    issuer: Party,
    recipient: Party,
    period: Type.String(),
    invoices: Type.Array(
      Type.Object({
        currency: Type.String(),
        net: Decimal,
        tax: Decimal,
        gross: Decimal,
        taxByRate: Type.Array(TaxRate),
        lines: Type.Array(Type.Object(LineFields)),
        explanations: Type.Array(Explanation),
      }),
    ),
    skipped: Type.Array(Type.Object({ subscriptionId: Type.String(), reason: Type.String() })),
  },
  { $id: 'InvoicePreview' },
);

const RunResultSchema = Type.Object(
  {
    runId: Type.String(),
    sellerId: Type.String(),
    period: Type.String(),
    status: Type.String(),
    resumed: Type.Boolean(),
    recipients: Type.Integer(),
    invoicesCreated: Type.Integer(),
    invoicesUpdated: Type.Integer(),
    invoicesUnchanged: Type.Integer(),
    invoicesRemoved: Type.Integer(),
    invoicesIssued: Type.Integer(),
    linesWritten: Type.Integer(),
    skipped: Type.Array(
      Type.Object({ recipientId: Type.String(), subscriptionId: Type.String(), reason: Type.String() }),
    ),
    errors: Type.Array(
      Type.Object({ recipientId: Type.String(), code: Type.String(), message: Type.String() }),
    ),
    durationMs: Type.Integer(),
  },
  { $id: 'BillingRunResult' },
);

const RunSchema = Type.Object(
  {
    id: Type.String(),
    sellerId: Type.String(),
    period: Type.String(),
    status: Type.String(),
    issue: Type.Boolean(),
    recipientsTotal: Type.Integer(),
    recipientsDone: Type.Integer(),
    invoicesCreated: Type.Integer(),
    invoicesUpdated: Type.Integer(),
    invoicesIssued: Type.Integer(),
    linesWritten: Type.Integer(),
    attempts: Type.Integer(),
    error: Nullable(Type.String()),
    startedBy: Type.String(),
    startedAt: Type.String(),
    finishedAt: Nullable(Type.String()),
  },
  { $id: 'BillingRun' },
);

function requireSeller(scope: Scope): void {
  if (scope.organizationKind === 'customer') throw billingErrors.sellersOnly();
}

export const billingRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;
  const now = () => deps.clock.now();
  // Metered usage of usage-billed own services (POST/GET /subscriptions/{id}/usage-records).
  await app.register(usageRecordRoutes, { deps });

  app.get(
    '/billing-profile',
    {
      schema: {
        tags: ['billing'],
        summary: 'The caller’s billing profile (defaults from the organisation until saved)',
        response: { 200: ProfileSchema, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      requireSeller(scope);
      const profile = (await loadProfile(db, scope.organizationId))!;
      reply.header('etag', `"${profile.version}"`);
      return profile;
    },
  );

  app.put(
    '/billing-profile',
    {
      schema: {
        tags: ['billing'],
        summary: 'Save the caller’s billing profile (send If-Match with the ETag of the GET)',
        body: Type.Partial(Type.Object(ProfileFields)),
        response: { 200: ProfileSchema, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      requireSeller(scope);
      const profile = await saveProfile(
        db,
        scope,
        scope.organizationId,
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${profile.version}"`);
      return profile;
    },
  );

  app.post(
    '/billing-runs',
    {
      schema: {
        tags: ['billing'],
        summary: 'Bill the caller’s recipients for a month (idempotent; resumes an unfinished run)',
        body: Type.Object({ period: PeriodString, issue: Type.Optional(Type.Boolean()) }),
        response: { 200: RunResultSchema, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      requireSeller(scope);
      const result = await runBilling(db, scope, {
        sellerId: scope.organizationId,
        period: request.body.period,
        issue: request.body.issue ?? false,
        now: now(),
      });
      await auditRun(db, scope, result);
      return result;
    },
  );

  app.get(
    '/billing-runs',
    {
      schema: {
        tags: ['billing'],
        summary: 'The caller’s billing runs, newest first',
        querystring: Type.Object(PageQuery),
        response: { 200: pageOf(RunSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const { limit = 50, cursor } = request.query;
      let q = db.selectFrom('billing_runs').selectAll().where('seller_id', '=', scope.organizationId);
      const at = decodeCursorParts(cursor, 2);
      if (at) {
        const [startedAt, id] = at as [string, string];
        q = q.where((eb) =>
          eb.or([
            eb('started_at', '<', new Date(startedAt)),
            eb.and([eb('started_at', '=', new Date(startedAt)), eb('id', '>', id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(limit + 1)
        .execute();
      const last = rows.length > limit ? rows[limit - 1]! : null;
      return {
        items: rows.slice(0, limit).map((r) => ({
          id: r.id,
          sellerId: r.seller_id,
          period: r.period.slice(0, 7),
          status: r.status,
          issue: r.issue,
          recipientsTotal: r.recipients_total,
          recipientsDone: r.recipients_done,
          invoicesCreated: r.invoices_created,
          invoicesUpdated: r.invoices_updated,
          invoicesIssued: r.invoices_issued,
          linesWritten: r.lines_written,
          attempts: r.attempts,
          error: r.error,
          startedBy: r.started_by,
          startedAt: r.started_at.toISOString(),
          finishedAt: r.finished_at ? r.finished_at.toISOString() : null,
        })),
        nextCursor: last ? encodeCursor(last.started_at.toISOString(), last.id) : null,
      };
    },
  );

  app.get(
    '/invoices',
    {
      schema: {
        tags: ['billing'],
        summary: 'Invoices the caller issued or received, newest period first',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(
            Type.Union([
              Type.Literal('draft'),
              Type.Literal('issued'),
              Type.Literal('paid'),
              Type.Literal('void'),
            ]),
          ),
          period: Type.Optional(PeriodString),
          direction: Type.Optional(Type.Union([Type.Literal('issued'), Type.Literal('received')])),
          counterpartyId: Type.Optional(Type.String({ format: 'uuid' })),
          overdue: Type.Optional(Type.Boolean()),
        }),
        response: { 200: pageOf(InvoiceSummarySchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const { limit = 50, cursor, ...filter } = request.query;
      return listInvoices(db, scope, filter, { limit, cursor });
    },
  );

  app.get(
    '/invoices/preview',
    {
      schema: {
        tags: ['billing'],
        summary: 'Dry run: what a billing run would invoice a customer for a month now (writes nothing)',
        querystring: Type.Object({ customerId: Type.String({ format: 'uuid' }), period: PeriodString }),
        response: { 200: PreviewSchema, 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      return previewInvoice(db, scope, request.query.customerId, request.query.period, now());
    },
  );

  app.get(
    '/invoices/:id',
    {
      schema: {
        tags: ['billing'],
        summary:
          'One invoice with its lines (each with the explanation of its amount), payments and credit notes',
        params: IdParams,
        response: { 200: InvoiceSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      return getInvoice(db, scope, request.params.id);
    },
  );

  app.post(
    '/invoices/:id/issue',
    {
      schema: {
        tags: ['billing'],
        summary: 'Issue a draft: gapless number, issue and due dates; immutable afterwards',
        params: IdParams,
        response: { 200: InvoiceSchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      return issueInvoice(db, scope, request.params.id, now());
    },
  );

  app.post(
    '/invoices/:id/void',
    {
      schema: {
        tags: ['billing'],
        summary: 'Void an issued, unpaid invoice (its number stays used); the next run bills again',
        params: IdParams,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }),
        response: { 200: InvoiceSchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      return voidInvoice(db, scope, request.params.id, request.body.reason, now());
    },
  );

  app.post(
    '/invoices/:id/lines',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Add a manual one-off line or adjustment to a draft (quantity × unit price, rounded once; audited)',
        params: IdParams,
        body: Type.Object({
          description: Type.String({ minLength: 1, maxLength: 500 }),
          quantity: Type.String({ maxLength: 30 }),
          unitPrice: Type.String({ maxLength: 30 }),
          taxRate: Type.Optional(Type.String({ maxLength: 20 })),
        }),
        response: {
          201: InvoiceSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      return reply.code(201).send(await addManualLine(db, scope, request.params.id, request.body));
    },
  );

  app.delete(
    '/invoices/:id/lines/:lineId',
    {
      schema: {
        tags: ['billing'],
        summary: 'Remove a manual line from a draft (audited)',
        params: Type.Object({
          id: Type.String({ format: 'uuid' }),
          lineId: Type.String({ format: 'uuid' }),
        }),
        response: { 200: InvoiceSchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      return deleteManualLine(db, scope, request.params.id, request.params.lineId);
    },
  );

  app.post(
    '/invoices/:id/payments',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Record a payment; the invoice becomes paid when the payments reach its total (send Idempotency-Key)',
        description: IDEMPOTENCY_NOTE,
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Object({
          amount: Type.String({ pattern: '^\\d+(\\.\\d+)?$', maxLength: 30 }),
          currency: Type.String({ pattern: '^[A-Z]{3}$' }),
          paidOn: Type.String({ format: 'date' }),
          method: Type.Union([
            Type.Literal('bank_transfer'),
            Type.Literal('card'),
            Type.Literal('direct_debit'),
            Type.Literal('cash'),
            Type.Literal('other'),
          ]),
          reference: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: {
          200: InvoiceSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      const id = request.params.id;
      const { result, replayed } = await idempotent(
        db,
        scope,
        {
          key: idempotencyKeyOf(request.headers['idempotency-key']),
          operation: 'payment',
          request: { invoiceId: id, ...request.body },
          now: now(),
        },
        (hooks) => recordPayment(db, scope, id, request.body, now(), hooks),
        () => getInvoice(db, scope, id),
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return result;
    },
  );

  app.get(
    '/invoices/:id/pdf',
    {
      schema: {
        tags: ['billing'],
        summary:
          'The invoice as a PDF (ja, en or de; default: the invoice’s language) — a qualified invoice in Japan',
        params: IdParams,
        querystring: Type.Object({
          locale: Type.Optional(Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')])),
        }),
        response: { 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const invoice = await getInvoice(db, scope, request.params.id);
      const pdf = await invoicePdf(invoice, request.query.locale as Locale | undefined);
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${invoice.number ?? `draft-${invoice.id}`}.pdf"`)
        .send(pdf as never);
    },
  );

  app.get(
    '/invoices/:id/export',
    {
      schema: {
        tags: ['billing'],
        summary: 'The invoice as CSV (lines, then totals per rate) or JSON (the invoice with explanations)',
        params: IdParams,
        querystring: Type.Object({
          format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })),
        }),
        response: { 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const invoice = await getInvoice(db, scope, request.params.id);
      const name = invoice.number ?? `draft-${invoice.id}`;
      if (request.query.format === 'json') {
        return reply
          .type('application/json')
          .header('content-disposition', `attachment; filename="${name}.json"`)
          .send(JSON.stringify(invoice, null, 2) as never);
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(invoiceCsv(invoice) as never);
    },
  );

  const MarginAmounts = {
    currency: Type.String(),
    revenue: Decimal,
    cost: Decimal,
    margin: Decimal,
    marginPercent: Nullable(Type.String()),
  };
  const MarginReportSchema = Type.Object(
    {
      sellerId: Type.String(),
      period: Type.String(),
      groupBy: Type.String(),
      costBasis: Type.String(),
      rows: Type.Array(Type.Object({ key: Nullable(Type.String()), name: Type.String(), ...MarginAmounts })),
      totals: Type.Array(Type.Object(MarginAmounts)),
      warnings: Type.Array(Type.String()),
    },
    { $id: 'MarginReport' },
  );

  app.get(
    '/reports/margin',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Revenue vs cost of the caller (seller) for a month by customer, reseller or product (JSON or CSV)',
        querystring: Type.Object({
          period: PeriodString,
          groupBy: Type.Optional(
            Type.Union([Type.Literal('customer'), Type.Literal('reseller'), Type.Literal('product')]),
          ),
          format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
        }),
        response: { 200: MarginReportSchema, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      requireSeller(scope);
      const report = await marginReport(db, scope, request.query.period, request.query.groupBy ?? 'customer');
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="margin-${report.period}-${report.groupBy}.csv"`,
          )
          .send(marginCsv(report) as never);
      }
      return report;
    },
  );

  const CostSide = Nullable(
    Type.Object({ amount: Decimal, quantity: Nullable(Type.String()), unitPrice: Nullable(Type.String()) }),
  );
  const ReconciliationSchema = Type.Object(
    {
      providerId: Type.String(),
      period: Type.String(),
      source: Type.String(),
      invoices: Type.Array(
        Type.Object({
          id: Type.String(),
          currency: Nullable(Type.String()),
          totalCharges: Nullable(Decimal),
        }),
      ),
      items: Type.Array(
        Type.Object({
          kind: Type.String(),
          key: Type.String(),
          description: Type.String(),
          currency: Type.String(),
          status: Type.String(),
          reason: Nullable(Type.String()),
          ours: CostSide,
          microsoft: CostSide,
          difference: Decimal,
          note: Nullable(Type.String()),
        }),
      ),
      warnings: Type.Array(Type.String()),
      summary: Type.Array(
        Type.Object({
          currency: Type.String(),
          matched: Type.Integer(),
          differences: Type.Integer(),
          ours: Decimal,
          microsoft: Decimal,
          difference: Decimal,
        }),
      ),
    },
    { $id: 'ReconciliationReport' },
  );

  app.get(
    '/reconciliation',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Provider only: Microsoft’s invoices of a month (Partner Center) matched against the cost recorded here',
        querystring: Type.Object({ period: PeriodString }),
        response: { 200: ReconciliationSchema, 400: ErrorResponse, 403: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      return reconcileWithPartnerCenter(db, scope, request.query.period, (id) =>
        deps.partnerCenter.clientFor(id),
      );
    },
  );

  app.post(
    '/reconciliation/import',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Provider only: match a Microsoft reconciliation CSV (licence and/or usage lines) against the cost recorded here',
        body: Type.Object({ period: PeriodString, csv: Type.String({ minLength: 1, maxLength: 1_000_000 }) }),
        response: { 200: ReconciliationSchema, 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      return reconcileWithCsv(db, scope, request.body.period, request.body.csv);
    },
  );

  const CreditNoteSchema = Type.Object(
    {
      id: Type.String(),
      number: Type.String(),
      invoiceId: Type.String(),
      invoiceNumber: Nullable(Type.String()),
      issuer: Party,
      recipient: Party,
      currency: Type.String(),
      reason: Type.String(),
      net: Decimal,
      tax: Decimal,
      gross: Decimal,
      taxByRate: Type.Array(TaxRate),
      issueDate: Type.String(),
      lines: Type.Array(
        Type.Object({
          position: Type.Integer(),
          invoiceLineId: Nullable(Type.String()),
          description: Type.String(),
          amount: Decimal,
          taxRate: Type.String(),
        }),
      ),
      createdAt: Type.String(),
    },
    { $id: 'CreditNote' },
  );

  app.post(
    '/credit-notes',
    {
      schema: {
        tags: ['billing'],
        summary:
          'Credit an issued invoice in full (no lines) or in part (amounts against its lines) (send Idempotency-Key)',
        description: IDEMPOTENCY_NOTE,
        headers: IdempotencyHeader,
        body: Type.Object({
          invoiceId: Type.String({ format: 'uuid' }),
          reason: Type.String({ minLength: 1, maxLength: 500 }),
          lines: Type.Optional(
            Type.Array(
              Type.Object({
                invoiceLineId: Type.String({ format: 'uuid' }),
                amount: Type.String({ pattern: '^\\d+(\\.\\d+)?$', maxLength: 30 }),
              }),
              { maxItems: 1000 },
            ),
          ),
        }),
        response: {
          201: CreditNoteSchema,
          400: ErrorResponse,
          403: ErrorResponse,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:write');
      const { result, replayed } = await idempotent(
        db,
        scope,
        {
          key: idempotencyKeyOf(request.headers['idempotency-key']),
          operation: 'credit_note',
          request: request.body,
          now: now(),
        },
        (hooks) => createCreditNote(db, scope, request.body, now(), hooks),
        (creditNoteId) => getCreditNote(db, scope, creditNoteId),
      );
      if (replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(result);
    },
  );

  app.get(
    '/credit-notes',
    {
      schema: {
        tags: ['billing'],
        summary: 'Credit notes the caller issued or received, newest first',
        querystring: Type.Object({ ...PageQuery, invoiceId: Type.Optional(Type.String({ format: 'uuid' })) }),
        response: { 200: pageOf(CreditNoteSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      const { limit = 50, cursor, invoiceId } = request.query;
      return listCreditNotes(db, scope, { invoiceId }, { limit, cursor });
    },
  );

  app.get(
    '/credit-notes/:id',
    {
      schema: {
        tags: ['billing'],
        summary: 'One credit note with its lines and tax per rate',
        params: IdParams,
        response: { 200: CreditNoteSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'billing:read');
      return getCreditNote(db, scope, request.params.id);
    },
  );
};
