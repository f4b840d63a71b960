/**
 * Fault injection. Each eligible request draws from a PRNG keyed by the seed, the fault-config
 * revision and a draw counter, so a given configuration fails the same requests on every run.
 */
import { errors } from './errors.ts';
import { asRecord } from './http.ts';
import { rngFor, unit } from './prng.ts';
import type { EmulatorState, FaultConfig } from './state.ts';

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'error'; status: number; latencyMs: number }
  | { kind: 'timeout'; latencyMs: number }
  | { kind: 'lostResponse'; latencyMs: number };

export function decideFault(state: EmulatorState, method: string, path: string): FaultDecision {
  const f = state.faults;
  const latencyMs = f.latencyMs;
  const active = f.errorRate > 0 || f.timeoutRate > 0 || f.lostResponseRate > 0;
  if (!active) return { kind: 'none', latencyMs };
  if (f.paths.length > 0 && !f.paths.some((p) => path.toLowerCase().startsWith(p.toLowerCase()))) {
    return { kind: 'none', latencyMs };
  }
  if (f.methods.length > 0 && !f.methods.includes(method)) return { kind: 'none', latencyMs };
  if (f.maxFaults !== null && f.injected >= f.maxFaults) return { kind: 'none', latencyMs };
  f.draws += 1;
  const rng = rngFor(state.seed, 'fault', f.revision, f.draws);
  const r = unit(rng);
  let edge = f.timeoutRate;
  if (r < edge) return count(f, { kind: 'timeout', latencyMs });
  edge += f.errorRate;
  if (r < edge) {
    const status = f.statuses.length > 0 ? f.statuses[rng() % f.statuses.length]! : 503;
    return count(f, { kind: 'error', status, latencyMs });
  }
  edge += f.lostResponseRate;
  if (r < edge) return count(f, { kind: 'lostResponse', latencyMs });
  return { kind: 'none', latencyMs };
}

function count(f: FaultConfig, d: FaultDecision): FaultDecision {
  f.injected += 1;
  return d;
}

function rate(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    throw errors.invalidInput(`${name} must be between 0 and 1.`);
  return value;
}

/** Replaces the fault configuration from an admin request body. */
export function configureFaults(state: EmulatorState, body: unknown): FaultConfig {
  const b = asRecord(body);
  const statuses = Array.isArray(b.statuses)
    ? b.statuses.filter((s): s is number => Number.isInteger(s))
    : [429, 500, 503];
  const next: FaultConfig = {
    errorRate: rate(b.errorRate, 'errorRate'),
    statuses,
    retryAfterSeconds:
      typeof b.retryAfterSeconds === 'number' ? Math.max(0, Math.floor(b.retryAfterSeconds)) : 1,
    latencyMs: typeof b.latencyMs === 'number' ? Math.max(0, Math.floor(b.latencyMs)) : 0,
    timeoutRate: rate(b.timeoutRate, 'timeoutRate'),
    lostResponseRate: rate(b.lostResponseRate, 'lostResponseRate'),
    paths: Array.isArray(b.paths) ? b.paths.filter((p): p is string => typeof p === 'string') : [],
    methods: Array.isArray(b.methods)
      ? b.methods.filter((m): m is string => typeof m === 'string').map((m) => m.toUpperCase())
      : [],
    maxFaults: typeof b.maxFaults === 'number' ? Math.max(0, Math.floor(b.maxFaults)) : null,
    revision: state.faults.revision + 1,
    draws: 0,
    injected: 0,
  };
  if (next.errorRate + next.timeoutRate + next.lostResponseRate > 1) {
    throw errors.invalidInput('errorRate + timeoutRate + lostResponseRate must not exceed 1.');
  }
  state.faults = next;
  return next;
}

export function faultBody(status: number, retryAfter: number): Record<string, unknown> {
  if (status === 429) {
    return { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfter} seconds.` };
  }
  if (status === 503)
    return {
      code: 503,
      description: 'The service is temporarily unavailable. Please retry later.',
      source: 'PartnerFD',
    };
  if (status === 504) return { code: 504, description: 'Gateway timeout.', source: 'PartnerFD' };
  return { code: 800003, description: 'Unexpected service error', source: 'PartnerFD' };
}
