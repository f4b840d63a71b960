import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { stringify } from 'csv-stringify/sync';
import type { FastifyReply } from 'fastify';
import type { Deps } from '../../deps.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import { type Journal, purchaseJournal, salesJournal } from './journals.ts';

const JournalSchema = Type.Object(
  {
    journal: Type.Union([Type.Literal('sales'), Type.Literal('purchase')]),
    organizationId: Type.String(),
    period: Type.String(),
    columns: Type.Array(
      Type.Object({ name: Type.String(), type: Type.String(), description: Type.String() }),
    ),
    items: Type.Array(
      Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Null()]), {
        description: 'One row: the keys are the column names, decimals are strings',
      }),
    ),
    available: Type.Boolean(),
    note: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Journal' },
);

const JournalQuery = Type.Object({
  period: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'Month, YYYY-MM' }),
  organizationId: Type.Optional(
    Type.String({ format: 'uuid', description: 'A seller in your subtree; default: your organisation' }),
  ),
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')])),
});

const journalResponses = {
  200: {
    description: 'The journal: JSON (default) or, with format=csv, text/csv with a header row',
    content: {
      'application/json': { schema: JournalSchema },
      'text/csv': { schema: Type.String() },
    },
  },
  400: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
};

/** CSV for spreadsheets and ERP imports: UTF-8 with a BOM (Excel reads Japanese correctly), CRLF. */
function sendJournal(reply: FastifyReply, journal: Journal, format: 'json' | 'csv' | undefined) {
  if (format !== 'csv') return reply.send(journal);
  const csv = stringify(journal.items, {
    header: true,
    columns: journal.columns.map((c) => c.name),
    bom: true,
    record_delimiter: 'windows',
    cast: { number: (value) => String(value) },
  });
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${journal.journal}-journal-${journal.period}.csv"`)
    .send(csv);
}

export const exportRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/exports/sales-journal',
    {
      schema: {
        tags: ['exports'],
        summary: 'Sales journal (invoices and credit notes) of a seller for a month, as JSON or CSV',
        querystring: JournalQuery,
        response: journalResponses,
      },
    },
    async (request, reply) => {
      const { period, organizationId, format } = request.query;
      return sendJournal(reply, await salesJournal(db, scopeOf(request), { period, organizationId }), format);
    },
  );

  app.get(
    '/exports/purchase-journal',
    {
      schema: {
        tags: ['exports'],
        summary: 'Purchase journal (Microsoft and upstream costs of Azure usage) of a seller for a month',
        querystring: JournalQuery,
        response: journalResponses,
      },
    },
    async (request, reply) => {
      const { period, organizationId, format } = request.query;
      return sendJournal(
        reply,
        await purchaseJournal(db, scopeOf(request), { period, organizationId }),
        format,
      );
    },
  );
};
