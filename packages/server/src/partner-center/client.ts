import { setTimeout as delay } from 'node:timers/promises';
import type { TokenProvider } from './auth.ts';
import { InMemoryRequestLedger, type RequestLedger } from './idempotency.ts';
import { adminOperations } from './operations/admin.ts';
import { billingOperations } from './operations/billing.ts';
import { catalogOperations } from './operations/catalog.ts';
import type { OperationContext } from './operations/context.ts';
import { customerOperations } from './operations/customers.ts';
import { orderOperations } from './operations/orders.ts';
import { subscriptionOperations } from './operations/subscriptions.ts';
import type { ThrottleOptions } from './throttle.ts';
import { type Logger, type RetryOptions, Transport } from './transport.ts';

export interface PartnerCenterClientOptions {
  /** Default `https://api.partnercenter.microsoft.com/v1` (emulator: `http://127.0.0.1:PORT/v1`). */
  baseUrl?: string | undefined;
  /** Default `https://graph.microsoft.com/v1.0`. */
  graphBaseUrl?: string | undefined;
  /** Default `https://api.partner.microsoft.com/v1.0`. */
  priceSheetBaseUrl?: string | undefined;
  tokens: TokenProvider;
  /** Where MS-RequestIds of mutating operations are kept; in-memory when omitted (not crash-safe). */
  ledger?: RequestLedger | undefined;
  logger?: Logger | undefined;
  retry?: RetryOptions | undefined;
  throttle?: ThrottleOptions | undefined;
  locale?: string | undefined;
  applicationName?: string | undefined;
  fetch?: typeof fetch | undefined;
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
  random?: (() => number) | undefined;
  now?: (() => number) | undefined;
  newId?: (() => string) | undefined;
}

export function createPartnerCenterClient(options: PartnerCenterClientOptions) {
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : undefined));
  const now = options.now ?? Date.now;
  const transport = new Transport({
    ...options,
    ledger: options.ledger ?? new InMemoryRequestLedger(),
    sleep,
    now,
  });
  const ctx: OperationContext = { transport, sleep, now };
  const customers = customerOperations(ctx);
  const admin = adminOperations(ctx, customers);
  return {
    customers,
    catalog: catalogOperations(ctx),
    orders: orderOperations(ctx),
    subscriptions: subscriptionOperations(ctx, admin),
    billing: billingOperations(ctx),
    admin,
    /** Lower level access for calls this client does not wrap. */
    transport,
  };
}

export type PartnerCenterClient = ReturnType<typeof createPartnerCenterClient>;
