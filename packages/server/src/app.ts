import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { type TypeBoxTypeProvider, TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Deps } from './deps.ts';
import { installErrorHandler } from './http/error-handler.ts';
import { installMetrics } from './http/metrics.ts';
import { requestContext } from './http/request-context.ts';
import { ErrorResponse } from './http/schemas.ts';
import { createLogger } from './logger.ts';
import { accountRoutes } from './modules/accounts/accounts.routes.ts';
import { alertRoutes } from './modules/alerts/alerts.routes.ts';
import { apiKeyRoutes } from './modules/api-keys/api-keys.routes.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { authRoutes } from './modules/auth/auth.routes.ts';
import { billingRoutes } from './modules/billing/billing.routes.ts';
import { budgetRoutes } from './modules/budgets/budgets.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import { creditLimitRoutes } from './modules/credit-control/credit-limits.routes.ts';
import { exportRoutes } from './modules/exports/exports.routes.ts';
import { notificationRoutes } from './modules/notifications/notifications.routes.ts';
import { orderRoutes } from './modules/orders/orders.routes.ts';
import { organizationRoutes } from './modules/organizations/organizations.routes.ts';
import { partnerCenterRoutes } from './modules/partner-center/partner-center.routes.ts';
import { priceBookRoutes } from './modules/price-books/price-books.routes.ts';
import { provisioningRoutes } from './modules/provisioning/provisioning.routes.ts';
import { quoteRoutes } from './modules/quotes/quotes.routes.ts';
import { subscriptionRoutes } from './modules/subscriptions/subscriptions.routes.ts';
import { usageRoutes } from './modules/usage/usage.routes.ts';
import { userRoutes } from './modules/users/users.routes.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';

/** Builds the HTTP application without listening; tests drive it with `inject` or a real port. */
export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const { config, database, clock } = deps;
  const db = database.db;
  const app = Fastify({
    loggerInstance: createLogger(config) as FastifyBaseLogger,
    trustProxy: true,
    bodyLimit: 5 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandler(app);
  installMetrics(app);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'csp-commerce API',
        version: '1',
        description:
          'REST API of csp-commerce. Authenticate with a session cookie (browser; send X-CSRF-Token on writes) or `Authorization: Bearer <API key>`.',
      },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          apiKey: {
            type: 'http',
            scheme: 'bearer',
            description: 'An API key created under Settings → API keys',
          },
          session: { type: 'apiKey', in: 'cookie', name: 'cspc_session' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) || `def-${i}`,
    },
  });
  app.addSchema(ErrorResponse);
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable', checks: { database: 'down' } });
    }
  });

  await app.register(
    async (api) => {
      await api.register(requestContext, { db, now: clock.now });
      await api.register(authRoutes, { db, config, now: clock.now });
      await api.register(organizationRoutes, { db });
      await api.register(userRoutes, { db });
      await api.register(apiKeyRoutes, { db });
      await api.register(auditRoutes, { db });
      await api.register(partnerCenterRoutes, { deps });
      await api.register(usageRoutes, { deps });
      await api.register(catalogRoutes, { deps });
      await api.register(priceBookRoutes, { deps });
      // Quotes, orders, subscriptions, provisioning tasks and account records (#5).
      await api.register(quoteRoutes, { deps });
      await api.register(orderRoutes, { deps });
      await api.register(subscriptionRoutes, { deps });
      await api.register(provisioningRoutes, { deps });
      await api.register(accountRoutes, { deps });
      // Notifications, webhooks and accounting exports (#9).
      await api.register(notificationRoutes, { deps });
      await api.register(webhookRoutes, { deps });
      await api.register(exportRoutes, { deps });
      // Billing: profiles, runs, invoices, payments (#7).
      await api.register(billingRoutes, { deps });
      // Budgets, credit control and alerts (#8).
      await api.register(budgetRoutes, { deps });
      await api.register(creditLimitRoutes, { deps });
      await api.register(alertRoutes, { deps });
    },
    { prefix: '/api/v1' },
  );

  const webIndex = join(config.webDistDir, 'index.html');
  const hasWeb = existsSync(webIndex);
  if (hasWeb) {
    await app.register(fastifyStatic, { root: config.webDistDir, wildcard: false, index: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/') || request.url === '/healthz';
    if (!isApi && request.method === 'GET' && hasWeb) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply
      .code(404)
      .send({ error: { code: 'not_found', message: 'There is nothing at this address.' } });
  });
  return app;
}
