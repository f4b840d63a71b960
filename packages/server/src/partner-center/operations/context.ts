import type { Transport } from '../transport.ts';

export interface OperationContext {
  transport: Transport;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** MS-CorrelationId; a new one per call when omitted (one per iteration for paged calls). */
  correlationId?: string | undefined;
}

export interface MutationOptions extends CallOptions {
  /**
   * Names this business operation (e.g. `order-line:<uuid>`): all attempts, including after a crash, reuse
   * one MS-RequestId so Microsoft executes it once.
   */
  operationKey: string;
}

export const seg = (value: string) => encodeURIComponent(value);

/** Drops undefined members so request bodies carry only what the caller set. */
export function compact<T extends Record<string, unknown>>(value: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = item;
  return out as Partial<T>;
}
