import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import { SESSION_COOKIE } from '../../auth/authenticate.ts';
import { permissionsOf } from '../../auth/permissions.ts';
import type { Scope } from '../../auth/scope.ts';
import { hashPassword, passwordProblem, randomToken, sha256, verifyPassword } from '../../auth/secrets.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Locale } from '../../db/schema.ts';
import { AppError, badRequest } from '../../http/errors.ts';
import { noContent, scopeOf } from '../../http/request-context.ts';
import { ErrorResponse } from '../../http/schemas.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { effectiveBranding } from '../organizations/organizations.repository.ts';

const LocaleSchema = Type.Union([Type.Literal('ja'), Type.Literal('en'), Type.Literal('de')]);

const MeResponse = Type.Object(
  {
    user: Type.Object({ id: Type.String(), email: Type.String(), name: Type.String(), locale: LocaleSchema }),
    organization: Type.Object({
      id: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      parentId: Type.Union([Type.String(), Type.Null()]),
      currency: Type.String(),
      timeZone: Type.String(),
      country: Type.String(),
      locale: Type.String(),
      branding: Type.Object({
        displayName: Type.Optional(Type.String()),
        logoUrl: Type.Optional(Type.String()),
        primaryColor: Type.Optional(Type.String()),
        accentColor: Type.Optional(Type.String()),
      }),
    }),
    role: Type.String(),
    permissions: Type.Array(Type.String()),
    memberships: Type.Array(
      Type.Object({ organizationId: Type.String(), organizationName: Type.String(), role: Type.String() }),
    ),
    csrfToken: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'Me' },
);

async function describeMe(db: Db, scope: Scope, csrfToken: string | null) {
  const org = await db
    .selectFrom('organizations')
    .selectAll()
    .where('id', '=', scope.organizationId)
    .executeTakeFirstOrThrow();
  const user = scope.userId
    ? await db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'locale'])
        .where('id', '=', scope.userId)
        .executeTakeFirstOrThrow()
    : { id: scope.actor.id ?? '', email: '', name: scope.actor.label, locale: scope.locale };
  const memberships = scope.userId
    ? await db
        .selectFrom('memberships as m')
        .innerJoin('organizations as o', 'o.id', 'm.organization_id')
        .select(['m.organization_id', 'o.name', 'm.role'])
        .where('m.user_id', '=', scope.userId)
        .orderBy('o.name')
        .execute()
    : [];
  return {
    user,
    organization: {
      id: org.id,
      name: org.name,
      kind: org.kind,
      parentId: org.parent_id,
      currency: org.currency,
      timeZone: org.time_zone,
      country: org.country,
      locale: org.locale,
      branding: await effectiveBranding(db, org.id),
    },
    role: scope.role,
    permissions: [...permissionsOf(scope.role)],
    memberships: memberships.map((m) => ({
      organizationId: m.organization_id,
      organizationName: m.name,
      role: m.role,
    })),
    csrfToken,
  };
}

export const authRoutes: FastifyPluginAsyncTypebox<{ db: Db; config: Config; now: () => Date }> = async (
  app,
  { db, config, now },
) => {
  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: {
          max: config.loginRateLimitPerMinute,
          timeWindow: '1 minute',
          // Counted after the body is parsed, so the key can include the e-mail being tried.
          hook: 'preHandler',
          keyGenerator: (request) => {
            const body = request.body as { email?: unknown } | undefined;
            return `${request.ip}|${typeof body?.email === 'string' ? body.email.toLowerCase() : ''}`;
          },
        },
      },
      schema: {
        tags: ['auth'],
        summary: 'Sign in with e-mail and password; sets the session cookie',
        body: Type.Object({
          email: Type.String({ minLength: 3, maxLength: 254 }),
          password: Type.String({ minLength: 1, maxLength: 1000 }),
          organizationId: Type.Optional(Type.String({ format: 'uuid' })),
        }),
        response: { 200: MeResponse, 401: ErrorResponse, 429: ErrorResponse },
      },
    },
    async (request, reply) => {
      const email = request.body.email.trim().toLowerCase();
      const user = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
      // Verify even for unknown users so response time does not reveal which e-mails exist.
      const ok = await verifyPassword(user?.password_hash ?? DUMMY_HASH, request.body.password);
      if (!user || !ok || user.disabled_at) {
        throw new AppError('invalid_credentials', 401, 'The e-mail or password is not correct.');
      }
      let membershipQuery = db
        .selectFrom('memberships as m')
        .innerJoin('organizations as o', 'o.id', 'm.organization_id')
        .innerJoin('organization_tree as t', 't.descendant_id', 'm.organization_id')
        .select([
          'm.id',
          'm.organization_id',
          'm.role',
          'o.kind',
          (eb) => eb.fn.count<string>('t.ancestor_id').as('depth'),
        ])
        .where('m.user_id', '=', user.id)
        .groupBy(['m.id', 'm.organization_id', 'm.role', 'o.kind'])
        .orderBy('depth')
        .orderBy('m.created_at');
      if (request.body.organizationId) {
        membershipQuery = membershipQuery.where('m.organization_id', '=', request.body.organizationId);
      }
      const membership = await membershipQuery.executeTakeFirst();
      if (!membership)
        throw new AppError('no_membership', 401, 'This account has no access to that organisation.');
      const token = randomToken();
      const csrfToken = randomToken(24);
      await db
        .insertInto('sessions')
        .values({
          token_hash: sha256(token),
          user_id: user.id,
          membership_id: membership.id,
          csrf_token: csrfToken,
          expires_at: new Date(now().getTime() + config.sessionTtlHours * 3_600_000),
        })
        .execute();
      reply.setCookie(SESSION_COOKIE, token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.cookieSecure,
        maxAge: config.sessionTtlHours * 3600,
      });
      const scope: Scope = {
        organizationId: membership.organization_id,
        organizationKind: membership.kind,
        role: membership.role,
        permissions: permissionsOf(membership.role),
        actor: { type: 'user', id: user.id, label: user.email },
        userId: user.id,
        locale: user.locale,
      };
      return describeMe(db, scope, csrfToken);
    },
  );

  app.post(
    '/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the current session', response: { 204: Type.Null() } } },
    async (request, reply) => {
      if (request.auth?.sessionTokenHash) {
        await db.deleteFrom('sessions').where('token_hash', '=', request.auth.sessionTokenHash).execute();
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return noContent(reply);
    },
  );

  app.get(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'The signed-in user, organisation, role and permissions',
        response: { 200: MeResponse, 401: ErrorResponse },
      },
    },
    async (request) => describeMe(db, scopeOf(request), request.auth?.csrfToken ?? null),
  );

  app.patch(
    '/me',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your display name or language',
        body: Type.Object({
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          locale: Type.Optional(LocaleSchema),
        }),
        response: { 200: MeResponse, 401: ErrorResponse },
      },
    },
    async (request) => {
      const scope = scopeOf(request);
      if (!scope.userId) throw badRequest('not_a_user', 'API keys have no profile to change.');
      const { name, locale } = request.body;
      await db.transaction().execute(async (trx) => {
        const before = await trx
          .selectFrom('users')
          .select(['name', 'locale'])
          .where('id', '=', scope.userId!)
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('users')
          .set({ ...(name ? { name } : {}), ...(locale ? { locale: locale as Locale } : {}) })
          .where('id', '=', scope.userId!)
          .execute();
        await recordAudit(trx, scope, {
          organizationId: scope.organizationId,
          action: 'update',
          entityType: 'user',
          entityId: scope.userId!,
          before,
          after: { name: name ?? before.name, locale: locale ?? before.locale },
        });
      });
      return describeMe(
        db,
        { ...scope, locale: (locale as Locale) ?? scope.locale },
        request.auth?.csrfToken ?? null,
      );
    },
  );

  app.post(
    '/me/password',
    {
      schema: {
        tags: ['auth'],
        summary: 'Change your password (signs out your other sessions)',
        body: Type.Object({
          currentPassword: Type.String({ minLength: 1, maxLength: 1000 }),
          newPassword: Type.String({ minLength: 1, maxLength: 1000 }),
        }),
        response: { 204: Type.Null(), 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request);
      if (!scope.userId) throw badRequest('not_a_user', 'API keys have no password.');
      const user = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', scope.userId)
        .executeTakeFirstOrThrow();
      if (!(await verifyPassword(user.password_hash, request.body.currentPassword))) {
        throw badRequest('invalid_password', 'The current password is not correct.');
      }
      const problem = passwordProblem(request.body.newPassword);
      if (problem) throw badRequest('password_too_weak', problem);
      const hash = await hashPassword(request.body.newPassword);
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ password_hash: hash }).where('id', '=', scope.userId!).execute();
        await trx
          .deleteFrom('sessions')
          .where('user_id', '=', scope.userId!)
          .where('token_hash', '!=', request.auth?.sessionTokenHash ?? '')
          .execute();
        await recordAudit(trx, scope, {
          organizationId: scope.organizationId,
          action: 'password_change',
          entityType: 'user',
          entityId: scope.userId!,
        });
      });
      return noContent(reply);
    },
  );
};

// An argon2id hash of a random string, verified against when the e-mail is unknown.
const DUMMY_HASH =
  '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$0Qx8t8Qe8n7m1dH2zO5g3r1Zq0yX8k7m5uZ3t1Yx0qE';
