import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import {
  accountRecordContent,
  createAccountRecord,
  deleteAccountRecord,
  findAccountRecord,
  listAccountRecords,
  updateAccountRecord,
} from './account-records.ts';
import type { AccountRecordKind } from './accounts.tables.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Kind = Type.Union([
  Type.Literal('contact'),
  Type.Literal('note'),
  Type.Literal('task'),
  Type.Literal('document'),
  Type.Literal('case'),
]);
const Status = Type.Union([Type.Literal('open'), Type.Literal('done'), Type.Literal('closed')]);
const DateText = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

const RecordSchema = Type.Object(
  {
    id: Type.String(),
    organizationId: Type.String(),
    authorOrgId: Type.String(),
    kind: Type.String(),
    title: Type.String(),
    body: Type.String(),
    status: Type.String(),
    dueDate: Nullable(Type.String()),
    data: Type.Record(Type.String(), Type.String()),
    document: Nullable(
      Type.Object({ fileName: Type.String(), contentType: Type.String(), sizeBytes: Type.Integer() }),
    ),
    createdBy: Type.String(),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'AccountRecord' },
);

const DocumentInput = Type.Object({
  fileName: Type.String({ minLength: 1, maxLength: 200 }),
  contentType: Type.String({ minLength: 3, maxLength: 100 }),
  contentBase64: Type.String({ maxLength: 3_000_000 }),
});

const editable = {
  title: Type.String({ minLength: 1, maxLength: 300 }),
  body: Type.String({ maxLength: 20_000 }),
  status: Status,
  dueDate: Nullable(DateText),
  data: Type.Record(Type.String({ maxLength: 50 }), Type.String({ maxLength: 500 })),
  document: DocumentInput,
};

const OrgParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const RecordParams = Type.Object({
  id: Type.String({ format: 'uuid' }),
  recordId: Type.String({ format: 'uuid' }),
});
const errors = { 400: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

export const accountRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/organizations/:id/records',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Contacts, notes, tasks, documents and cases the caller’s organisation keeps on an account',
        params: OrgParams,
        querystring: Type.Object({ ...PageQuery, kind: Type.Optional(Kind) }),
        response: { 200: pageOf(RecordSchema), ...errors },
      },
    },
    async (request) => {
      const { limit = 50, cursor, kind } = request.query;
      return listAccountRecords(db, scopeOf(request), request.params.id, {
        limit,
        cursor,
        kind: kind as AccountRecordKind | undefined,
      });
    },
  );

  app.post(
    '/organizations/:id/records',
    {
      schema: {
        tags: ['accounts'],
        summary:
          'Attach a contact, note, task, document (base64, ≤ 2 MB) or case to an account in your subtree',
        params: OrgParams,
        body: Type.Object(
          {
            kind: Kind,
            title: editable.title,
            body: Type.Optional(editable.body),
            status: Type.Optional(editable.status),
            dueDate: Type.Optional(editable.dueDate),
            data: Type.Optional(editable.data),
            document: Type.Optional(editable.document),
          },
          { additionalProperties: false },
        ),
        response: { 201: RecordSchema, ...errors },
      },
    },
    async (request, reply) => {
      const record = await createAccountRecord(db, scopeOf(request), request.params.id, {
        ...request.body,
        kind: request.body.kind as AccountRecordKind,
        status: request.body.status as 'open' | undefined,
      });
      return reply.code(201).send(record);
    },
  );

  app.get(
    '/organizations/:id/records/:recordId',
    {
      schema: {
        tags: ['accounts'],
        summary: 'One account record',
        params: RecordParams,
        response: { 200: RecordSchema, ...errors },
      },
    },
    async (request) => findAccountRecord(db, scopeOf(request), request.params.id, request.params.recordId),
  );

  app.get(
    '/organizations/:id/records/:recordId/content',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Download the document of a record',
        params: RecordParams,
        response: errors,
      },
    },
    async (request, reply) => {
      const file = await accountRecordContent(
        db,
        scopeOf(request),
        request.params.id,
        request.params.recordId,
      );
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${encodeURIComponent(file.fileName)}"`)
        .send(file.content as never);
    },
  );

  app.patch(
    '/organizations/:id/records/:recordId',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Edit an account record (e.g. close a case, mark a task done)',
        params: RecordParams,
        body: Type.Partial(Type.Object(editable), { additionalProperties: false }),
        response: { 200: RecordSchema, ...errors },
      },
    },
    async (request) =>
      updateAccountRecord(db, scopeOf(request), request.params.id, request.params.recordId, {
        ...request.body,
        status: request.body.status as 'open' | undefined,
      }),
  );

  app.delete(
    '/organizations/:id/records/:recordId',
    {
      schema: {
        tags: ['accounts'],
        summary: 'Delete an account record',
        params: RecordParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await deleteAccountRecord(db, scopeOf(request), request.params.id, request.params.recordId);
      return noContent(reply);
    },
  );
};
