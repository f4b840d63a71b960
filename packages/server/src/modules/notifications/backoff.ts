/**
 * Retry delays, shared by e-mail and webhook delivery: exponential from one minute, capped at six
 * hours (1, 2, 4 … 256 min, then 6 h). Deterministic on purpose — the worker claims due rows in
 * batches, so there is no thundering herd to spread, and a fixed schedule is one people can read
 * in the delivery log and tests can step through.
 */
export const RETRY_BASE_SECONDS = 60;
export const RETRY_CAP_SECONDS = 6 * 3600;

/** Seconds to wait after failed attempt number `attempt` (1 = the first attempt failed). */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(RETRY_BASE_SECONDS * 2 ** Math.max(0, attempt - 1), RETRY_CAP_SECONDS);
}

export const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);
