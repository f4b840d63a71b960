import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { Deps } from '../../deps.ts';
import { notFound } from '../../http/errors.ts';
import { ifMatchVersion } from '../../http/if-match.ts';
import { PageQuery, pageOf } from '../../http/pagination.ts';
import { scopeOf } from '../../http/request-context.ts';
import { ErrorResponse, IdParams } from '../../http/schemas.ts';
import { effectiveBranding } from '../organizations/organizations.repository.ts';
import { consolePath, EVENT_DEFINITIONS, EVENT_TYPES, isEventType } from './event-types.ts';
import {
  getNotificationPreferences,
  getNotificationSettings,
  updateNotificationPreferences,
  updateNotificationSettings,
} from './notification-settings.ts';
import { findNotification, listNotifications, markAllRead, markRead } from './notifications.repository.ts';
import { renderNotification } from './templates/render-notification.ts';
import { SAMPLE_DATA } from './templates/samples.ts';

const Nullable = <T extends import('typebox').TSchema>(s: T) => Type.Union([s, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Locale = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]);
const Channel = Type.Union([Type.Literal('in_app'), Type.Literal('email')]);
const Status = Type.Union([Type.Literal('pending'), Type.Literal('sent'), Type.Literal('failed')]);
const EventTypeSchema = Type.Enum(EVENT_TYPES);
const RoleSchema = Type.Enum(['admin', 'sales', 'billing', 'readonly', 'customer_admin', 'customer_user']);

const NotificationSchema = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    eventType: Type.String(),
    channel: Channel,
    organizationId: Type.String(),
    userId: Type.String(),
    locale: Type.String(),
    title: Type.String(),
    body: Type.String(),
    linkUrl: Nullable(Type.String()),
    status: Status,
    recipient: Nullable(Type.String({ description: 'The e-mail address (e-mail channel)' })),
    attempts: Type.Integer(),
    nextAttemptAt: Nullable(DateTime),
    lastError: Nullable(Type.String()),
    sentAt: Nullable(DateTime),
    fileName: Nullable(
      Type.String({ description: 'The .eml in DATA_DIR/outbox when there is no SMTP server' }),
    ),
    readAt: Nullable(DateTime),
    createdAt: DateTime,
  },
  { $id: 'Notification' },
);

const RuleSchema = Type.Object({
  roles: Type.Array(RoleSchema, { maxItems: 6, uniqueItems: true }),
  userIds: Type.Array(Type.String({ format: 'uuid' }), { maxItems: 100 }),
  channels: Type.Array(Channel, { maxItems: 2, uniqueItems: true }),
});

const SettingsSchema = Type.Object(
  {
    organizationId: Type.String(),
    renewalNoticeMonths: Nullable(Type.Array(Type.Integer())),
    events: Type.Array(
      Type.Object({
        type: Type.String(),
        essential: Type.Boolean(),
        audience: Type.Object({ own: Type.Boolean(), seller: Type.Boolean() }),
        isDefault: Type.Boolean(),
        roles: Type.Array(Type.String()),
        userIds: Type.Array(Type.String()),
        channels: Type.Array(Channel),
      }),
    ),
    version: Type.Integer(),
  },
  { $id: 'NotificationSettings' },
);

const PreferencesSchema = Type.Object(
  { emailOptOut: Type.Array(Type.String()), optional: Type.Array(Type.String()) },
  { $id: 'NotificationPreferences' },
);

export const notificationRoutes: FastifyPluginAsyncTypebox<{ deps: Deps }> = async (app, { deps }) => {
  const db = deps.database.db;

  app.get(
    '/notifications',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'The notification centre (recipient=me) or the outbox of the caller’s subtree (recipient=all): in-app notifications and e-mails',
        querystring: Type.Object({
          ...PageQuery,
          recipient: Type.Optional(Type.Union([Type.Literal('me'), Type.Literal('all')])),
          channel: Type.Optional(Channel),
          event: Type.Optional(EventTypeSchema),
          status: Type.Optional(Status),
          unread: Type.Optional(Type.Boolean()),
        }),
        response: { 200: pageOf(NotificationSchema), 400: ErrorResponse, 403: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      const { limit = 50, cursor, recipient, channel, event, status, unread } = request.query;
      return listNotifications(db, scope, {
        limit,
        cursor,
        // A key has no inbox of its own; for it, the outbox is the natural view.
        recipient: recipient ?? (scope.userId ? 'me' : 'all'),
        channel,
        eventType: event,
        status,
        unread,
      });
    },
  );

  app.post(
    '/notifications/read-all',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark all of the caller’s notifications read',
        response: { 200: Type.Object({ marked: Type.Integer() }) },
      },
    },
    async (request) => ({ marked: await markAllRead(db, scopeOf(request), deps.clock.now()) }),
  );

  app.get(
    '/notifications/templates/:event/preview',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'A message template with example data, in the caller’s brand: JSON (subject, text, html), or format=html|text',
        params: Type.Object({ event: EventTypeSchema }),
        querystring: Type.Object({
          locale: Type.Optional(Locale),
          format: Type.Optional(
            Type.Union([Type.Literal('json'), Type.Literal('html'), Type.Literal('text')]),
          ),
        }),
        response: {
          200: {
            description: 'format=json (default): subject, text and HTML; format=html or text: the body alone',
            content: {
              'application/json': {
                schema: Type.Object({
                  event: Type.String(),
                  locale: Locale,
                  essential: Type.Boolean(),
                  subject: Type.String(),
                  text: Type.String(),
                  html: Type.String(),
                }),
              },
              'text/html': { schema: Type.String() },
              'text/plain': { schema: Type.String() },
            },
          },
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      const { event } = request.params;
      if (!isEventType(event)) throw notFound('template');
      const locale = request.query.locale ?? scope.locale;
      const user = scope.userId
        ? await db.selectFrom('users').select('name').where('id', '=', scope.userId).executeTakeFirst()
        : undefined;
      const message = renderNotification(event, SAMPLE_DATA[event], {
        locale,
        branding: await effectiveBranding(db, scope.organizationId),
        recipientName: user?.name ?? scope.actor.label,
        linkUrl: `${deps.config.publicUrl}${consolePath(
          { type: 'order', id: 'example' },
          scope.organizationKind === 'customer' ? 'customer' : 'partner',
        )}`,
        settingsUrl: `${deps.config.publicUrl}/profile`,
      });
      if (request.query.format === 'html') return reply.type('text/html; charset=utf-8').send(message.html);
      if (request.query.format === 'text') return reply.type('text/plain; charset=utf-8').send(message.text);
      return {
        event,
        locale,
        essential: EVENT_DEFINITIONS[event].essential,
        subject: message.subject,
        text: message.text,
        html: message.html,
      };
    },
  );

  app.get(
    '/notifications/:id',
    {
      schema: {
        tags: ['notifications'],
        summary: 'One notification; e-mails with their HTML',
        params: IdParams,
        response: {
          200: Type.Intersect([NotificationSchema, Type.Object({ html: Nullable(Type.String()) })]),
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const found = await findNotification(db, scopeOf(request), request.params.id);
      if (!found) throw notFound('notification');
      return found;
    },
  );

  app.post(
    '/notifications/:id/read',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Mark one of the caller’s notifications read',
        params: IdParams,
        response: { 200: NotificationSchema, 404: ErrorResponse },
      },
    },
    async (request) => markRead(db, scopeOf(request), request.params.id, deps.clock.now()),
  );

  app.get(
    '/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Who in the caller’s organisation gets which event types, by which channel',
        response: { 200: SettingsSchema, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      const settings = await getNotificationSettings(db, scopeOf(request));
      reply.header('etag', `"${settings.version}"`);
      return settings;
    },
  );

  app.put(
    '/notification-settings',
    {
      schema: {
        tags: ['notifications'],
        summary:
          'Set recipients per event type (null returns a type to the default) and, for sellers, the renewal notice months',
        headers: Type.Object({ 'if-match': Type.Optional(Type.String()) }),
        body: Type.Object({
          rules: Type.Optional(Type.Record(Type.String(), Nullable(RuleSchema))),
          renewalNoticeMonths: Type.Optional(
            Type.Array(Type.Integer({ minimum: 1, maximum: 36 }), { maxItems: 6, uniqueItems: true }),
          ),
        }),
        response: { 200: SettingsSchema, 400: ErrorResponse, 403: ErrorResponse, 412: ErrorResponse },
      },
    },
    async (request, reply) => {
      const settings = await updateNotificationSettings(
        db,
        scopeOf(request),
        request.body,
        ifMatchVersion(request.headers['if-match']),
      );
      reply.header('etag', `"${settings.version}"`);
      return settings;
    },
  );

  app.get(
    '/notification-settings/me',
    {
      schema: {
        tags: ['notifications'],
        summary: 'The caller’s own e-mail opt-outs',
        response: { 200: PreferencesSchema, 400: ErrorResponse },
      },
    },
    async (request) => getNotificationPreferences(db, scopeOf(request)),
  );

  app.put(
    '/notification-settings/me',
    {
      schema: {
        tags: ['notifications'],
        summary: 'Turn off e-mails of non-essential event types for yourself',
        body: Type.Object({ emailOptOut: Type.Array(EventTypeSchema, { uniqueItems: true }) }),
        response: { 200: PreferencesSchema, 400: ErrorResponse },
      },
    },
    async (request) => updateNotificationPreferences(db, scopeOf(request), request.body),
  );
};
