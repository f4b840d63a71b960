import pino from 'pino';
import type { Config } from './config.ts';

/** The process logger (JSON lines); Fastify logs through the same instance. */
export function createLogger(config: Pick<Config, 'logLevel'>) {
  return pino({
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
  });
}
