import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from './errors.ts';

interface FieldProblem {
  field: string;
  message: string;
}

function fieldOf(
  error: { instancePath?: string; params?: Record<string, unknown> },
  context?: string,
): string {
  const path = (error.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const missing = error.params?.missingProperty ?? error.params?.requiredProperties;
  const name = [path, Array.isArray(missing) ? missing.join(',') : missing].filter(Boolean).join('.');
  return [context, name].filter(Boolean).join('/') || (context ?? 'request');
}

/**
 * One error shape for the whole API: `{ error: { code, message, details? } }`. Validation errors
 * list the fields; anything unexpected is logged and answered as `internal_error`, without the
 * stack or the driver's message.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      return reply.code(error.httpStatus).send({
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: error.details } : {}),
        },
      });
    }
    if ('validation' in error && error.validation) {
      const details: FieldProblem[] = error.validation.map((v) => ({
        field: fieldOf(v as never, error.validationContext),
        message: v.message ?? 'is not valid',
      }));
      return reply.code(400).send({
        error: {
          code: 'validation_failed',
          message: details.map((d) => `${d.field}: ${d.message}`).join('; '),
          details,
        },
      });
    }
    if (error.statusCode === 429) {
      return reply.code(429).send({
        error: { code: 'rate_limited', message: 'Too many attempts. Wait a minute and try again.' },
      });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({
        error: { code: 'invalid_request', message: error.message.replace(/^FST_\w+: /, '') },
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({
      error: {
        code: 'internal_error',
        message: 'Something went wrong on our side. The error has been logged.',
      },
    });
  });
}
