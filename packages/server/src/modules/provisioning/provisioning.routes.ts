import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { requirePermission } from '../../auth/scope.ts';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { orderServices } from '../orders/order-services.ts';
import { completeTask, findTask, listTasks } from './provisioning-tasks.ts';

const Nullable = <T extends import('typebox').TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

const TaskSchema = Type.Object(
  {
    id: Type.String(),
    orderId: Type.String(),
    orderNumber: Type.String(),
    orderLineId: Type.String(),
    assigneeOrgId: Type.String(),
    customerId: Type.String(),
    customerName: Type.String(),
    title: Type.String(),
    description: Type.String(),
    dueDate: Type.String(),
    overdue: Type.Boolean(),
    status: Type.String(),
    completedAt: Nullable(Type.String()),
    completedBy: Nullable(Type.String()),
    completionNote: Nullable(Type.String()),
    subscriptionId: Nullable(Type.String()),
    createdAt: Type.String(),
  },
  { $id: 'ProvisioningTask' },
);

export const provisioningRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/provisioning/tasks',
    {
      schema: {
        tags: ['provisioning'],
        summary: 'Manual provisioning tasks (own products) for the caller’s staff and below, by due date',
        querystring: Type.Object({
          ...PageQuery,
          status: Type.Optional(
            Type.Union([Type.Literal('open'), Type.Literal('completed'), Type.Literal('cancelled')]),
          ),
        }),
        response: { 200: pageOf(TaskSchema), 403: ErrorResponse },
      },
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query;
      return listTasks(db, scopeOf(request), { limit, cursor, status }, deps.clock.now());
    },
  );

  app.get(
    '/provisioning/tasks/:id',
    {
      schema: {
        tags: ['provisioning'],
        summary: 'One provisioning task',
        params: IdParams,
        response: { 200: TaskSchema, 403: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      requirePermission(scope, 'provisioning:tasks');
      const task = await findTask(db, scope, request.params.id, deps.clock.now());
      if (!task) throw notFound('task');
      return task;
    },
  );

  app.post(
    '/provisioning/tasks/:id/complete',
    {
      schema: {
        tags: ['provisioning'],
        summary: 'Complete a task: the subscription starts and the order line is done',
        params: IdParams,
        body: Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }),
        response: { 200: TaskSchema, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (request) =>
      completeTask(orderServices(deps), scopeOf(request), request.params.id, request.body.note),
  );
};
