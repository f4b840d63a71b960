import type { FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { requireApiScope } from '../auth/api-scopes.ts';
import { type ApiKeyCaller, resolveApiKey, resolveSession, SESSION_COOKIE } from '../auth/authenticate.ts';
import type { Scope } from '../auth/scope.ts';
import { sameSecret } from '../auth/secrets.ts';
import type { Db } from '../db/database.ts';
import { AppError, unauthenticated } from './errors.ts';

export interface RequestAuth {
  scope: Scope;
  via: 'session' | 'api_key';
  csrfToken: string | null;
  sessionTokenHash: string | null;
  /** The key's own limits, for API key callers. */
  apiKey?: Pick<ApiKeyCaller, 'keyId' | 'scopes' | 'rateLimitPerMinute'>;
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Requests per minute per API key unless the key sets its own limit. */
export const DEFAULT_API_KEY_RATE_LIMIT = 600;

/**
 * Resolves the caller on every /api request: an API key in `Authorization: Bearer`, or the session
 * cookie. Cookie-authenticated writes must echo the session's CSRF token in `X-CSRF-Token`; API-key
 * requests carry no ambient credentials and need none.
 */
export const requestContext = fp<{ db: Db; now: () => Date }>(async (app, { db, now }) => {
  app.decorateRequest('auth', null);
  // Per key, not per address: an integration behind a shared NAT must not starve another, and one
  // key must not exhaust the API for everybody. Counted per process (in-memory store).
  const countRequest = app.createRateLimit({
    keyGenerator: (request) => `api-key:${request.auth?.apiKey?.keyId}`,
    max: (request) => request.auth?.apiKey?.rateLimitPerMinute ?? DEFAULT_API_KEY_RATE_LIMIT,
    timeWindow: 60_000,
  });
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/api/v1/')) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const caller = await resolveApiKey(db, header.slice('Bearer '.length).trim(), now());
      if (!caller)
        throw new AppError('invalid_api_key', 401, 'The API key is not valid or has been revoked.');
      const { scope, ...apiKey } = caller;
      request.auth = { scope, via: 'api_key', csrfToken: null, sessionTokenHash: null, apiKey };
      const limit = await countRequest(request);
      if (!limit.isAllowed) {
        reply.header('x-ratelimit-limit', limit.max).header('x-ratelimit-remaining', limit.remaining);
        if (limit.isExceeded) {
          reply.header('retry-after', limit.ttlInSeconds);
          throw new AppError(
            'rate_limited',
            429,
            `This API key sent more than ${limit.max} requests in a minute. Retry after ${limit.ttlInSeconds} s.`,
          );
        }
      }
      requireApiScope(apiKey.scopes, request.method, request.url);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(db, token, now());
    if (!session) return;
    if (!SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
        throw new AppError(
          'csrf_failed',
          403,
          'The request is missing its security token. Reload the page and try again.',
        );
      }
    }
    request.auth = {
      scope: session.scope,
      via: 'session',
      csrfToken: session.csrfToken,
      sessionTokenHash: session.tokenHash,
    };
  });
});

/** The caller's scope, or 401 when nobody is signed in. */
export function scopeOf(request: FastifyRequest): Scope {
  if (!request.auth) throw unauthenticated();
  return request.auth.scope;
}

export function noContent(reply: FastifyReply) {
  return reply.code(204).send();
}
