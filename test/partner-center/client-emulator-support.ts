/**
 * Shared plumbing of the client-emulator tests: the real Partner Center client wired to a locally
 * started emulator over HTTP, a record of which client operations ran and how many pages they
 * walked, admin calls to `/_emulator`, and exact decimal sums.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Money } from '@cspc/core';
import { expect } from 'vitest';
import {
  type RunningEmulator,
  startEmulator,
} from '../../packages/server/src/partner-center/emulator/server.ts';
import {
  type CustomerCreateInput,
  createPartnerCenterClient,
  InMemoryRequestLedger,
  type Logger,
  type PartnerCenterClient,
  PartnerCenterError,
  type RequestLedger,
  type RetryOptions,
  StaticTokenProvider,
} from '../../packages/server/src/partner-center/index.ts';

export async function bootEmulator(seed: number, now = '2025-01-15T09:00:00Z'): Promise<RunningEmulator> {
  return startEmulator({ port: 0, seed, dataDir: null, now });
}

/** Client calls that page; every request they make is one page walked. */
const PAGED =
  /^(customers\.list|customers\.listUsers|catalog\.listOffers|billing\.listInvoices|billing\.lineItems\.|billing\.azureUtilization)/;

/** What the client did, seen through its logger (one entry per HTTP attempt and answer). */
export class Recorder {
  readonly called = new Set<string>();
  requests = 0;
  pages = 0;
  /** Every retry the client scheduled: the status that caused it (0 = no answer) and the wait chosen. */
  readonly retries: { status: number; waitMs: number }[] = [];

  readonly logger: Logger = {
    debug: (obj: object, msg?: string) => {
      const entry = (obj as { partnerCenter?: Record<string, unknown> }).partnerCenter ?? {};
      const operation = String(entry.operation ?? '');
      if (msg === 'partner center request') this.requests += 1;
      else if (msg === 'partner center response' && PAGED.test(operation)) this.pages += 1;
      else if (msg === 'partner center retry') {
        this.retries.push({ status: Number(entry.status ?? 0), waitMs: Number(entry.waitMs ?? 0) });
      }
    },
  };

  /** Wraps the client so every facade method call (`customers.create`) is recorded. */
  track(client: PartnerCenterClient): PartnerCenterClient {
    const areas = ['customers', 'catalog', 'orders', 'subscriptions', 'billing', 'admin'] as const;
    const wrapped: Record<string, unknown> = { transport: client.transport };
    for (const area of areas) {
      const ops = client[area] as unknown as Record<string, (...args: unknown[]) => unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(ops)) {
        out[name] = (...args: unknown[]) => {
          this.called.add(`${area}.${name}`);
          return fn(...args);
        };
      }
      wrapped[area] = out;
    }
    return wrapped as unknown as PartnerCenterClient;
  }
}

export interface ClientOptions {
  ledger?: RequestLedger;
  retry?: RetryOptions;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  recorder?: Recorder;
}

export function clientFor(emu: RunningEmulator, options: ClientOptions = {}) {
  const recorder = options.recorder ?? new Recorder();
  const ledger = options.ledger ?? new InMemoryRequestLedger();
  const raw = createPartnerCenterClient({
    baseUrl: `${emu.url}/v1`,
    graphBaseUrl: `${emu.url}/graph/v1.0`,
    priceSheetBaseUrl: `${emu.url}/pricesheets/v1.0`,
    tokens: new StaticTokenProvider('emulator'),
    ledger,
    logger: recorder.logger,
    // The emulator answers at once; short backoffs keep retried calls quick (fault tests pass their own).
    retry: options.retry ?? { baseDelayMs: 10, maxDelayMs: 50, timeoutMs: 5_000 },
    sleep: options.sleep,
  });
  return { client: recorder.track(raw), recorder, ledger };
}

// biome-ignore lint/suspicious/noExplicitAny: admin payloads are inspected structurally
type AdminJson = any;

/** `/_emulator/...` admin call (no auth, never faulted). */
export async function admin(
  emu: RunningEmulator,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminJson> {
  const res = await fetch(`${emu.url}/_emulator${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} /_emulator${path} → ${res.status} ${text}`);
  return text === ''
    ? undefined
    : res.headers.get('content-type')?.includes('json')
      ? JSON.parse(text)
      : text;
}

export const opKey = (what: string) => `${what}:${randomUUID()}`;

export function customerInput(prefix: string, companyName: string): CustomerCreateInput {
  return {
    companyProfile: { domain: prefix },
    billingProfile: {
      email: `billing@${prefix}.example`,
      culture: 'en-US',
      language: 'en',
      companyName,
      defaultAddress: {
        firstName: 'Pat',
        lastName: 'Doe',
        addressLine1: 'One Microsoft Way',
        city: 'Redmond',
        state: 'WA',
        postalCode: '98052',
        country: 'US',
      },
    },
  };
}

export async function collectAll<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Exact sum of decimal strings (never through JS numbers). */
export function sumExact(values: ReadonlyArray<string | undefined>, currency: string): Money {
  return Money.sum(
    values.map((v) => Money.of(v ?? '0', currency)),
    currency,
  );
}

/** Runs `fn`, expecting Partner Center to refuse it; returns the typed error. */
export async function refusal(fn: () => Promise<unknown>): Promise<PartnerCenterError> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PartnerCenterError);
    return error as PartnerCenterError;
  }
  throw new Error('expected Partner Center to refuse the call');
}

/** One line in the test output per file; purchases and faults as the emulator counted them. */
export async function printSummary(label: string, recorder: Recorder, emu: RunningEmulator): Promise<void> {
  const stats = await admin(emu, 'GET', '/stats');
  const duplicates = Object.values(stats.purchases.byRequestId as Record<string, number>).filter(
    (n) => n > 1,
  ).length;
  const ops = [...recorder.called].sort();
  console.log(
    `[client-emulator:${label}] operations covered: ${ops.length}, pages walked: ${recorder.pages}, ` +
      `requests: ${recorder.requests}, retries: ${recorder.retries.length}, ` +
      `faults injected: ${stats.faults.total}, purchases: ${stats.purchases.total}, ` +
      `duplicate purchases: ${duplicates} (${ops.join(', ')})`,
  );
}

/**
 * Which test file runs each client operation. The customers file checks that this table names every
 * operation the client has, so a new operation cannot go untested unnoticed.
 */
export const COVERAGE = {
  customers: [
    'customers.create',
    'customers.isDomainAvailable',
    'customers.get',
    'customers.list',
    'customers.search',
    'customers.relationshipRequestLink',
    'customers.confirmCustomerAgreement',
    'customers.createUser',
    'customers.listUsers',
    'customers.updateUserLicenses',
    'customers.listSubscribedSkus',
    'admin.listDirectoryRoles',
    'admin.addUserToDirectoryRole',
    'admin.assignAdmin',
    'orders.createCart',
    'orders.checkoutCart',
  ],
  catalog: [
    'catalog.listProducts',
    'catalog.getProduct',
    'catalog.listSkus',
    'catalog.getSku',
    'catalog.listAvailabilities',
    'catalog.getAvailability',
    'catalog.listCustomerProducts',
    'catalog.getCustomerProduct',
    'catalog.listCustomerSkus',
    'catalog.listCustomerAvailabilities',
    'catalog.azurePlan',
    'catalog.listOffers',
    'catalog.getOffer',
    'catalog.listOfferAddons',
    'catalog.listOfferCategories',
    'catalog.getCountryValidationRules',
    'catalog.getAzureRateCard',
    'catalog.downloadPriceSheet',
  ],
  orders: [
    'orders.createCart',
    'orders.getCart',
    'orders.updateCart',
    'orders.checkoutCart',
    'orders.createOrder',
    'orders.getOrder',
    'orders.listOrders',
    'orders.getOrderProvisioningStatus',
    'orders.purchaseLegacyAddOn',
    'orders.cancelSoftwareOrder',
  ],
  subscriptions: [
    'subscriptions.list',
    'subscriptions.get',
    'subscriptions.patch',
    'subscriptions.setQuantity',
    'subscriptions.suspend',
    'subscriptions.reactivate',
    'subscriptions.cancel',
    'subscriptions.setAutoRenew',
    'subscriptions.scheduleNextTerm',
    'subscriptions.listAddOns',
    'subscriptions.getProvisioningStatus',
    'subscriptions.listTransitionEligibilities',
    'subscriptions.createTransition',
    'subscriptions.listTransitions',
    'subscriptions.listAzureEntitlements',
    'subscriptions.assignAdmin',
  ],
  billing: [
    'billing.listInvoices',
    'billing.getInvoice',
    'billing.getInvoiceSummary',
    'billing.listInvoiceSummaries',
    'billing.licenseBasedLineItems',
    'billing.usageBasedLineItems',
    'billing.dailyUsageLineItems',
    'billing.oneTimeLineItems',
    'billing.dailyRatedUsageLineItems',
    'billing.unbilledOneTimeLineItems',
    'billing.unbilledDailyRatedUsageLineItems',
    'billing.invoiceLineItems',
    'billing.azureUtilization',
    'billing.startExport',
    'billing.waitForExport',
    'billing.getExportManifest',
    'billing.runExport',
    'billing.billedUsageRows',
    'billing.unbilledUsageRows',
    'billing.billedReconciliationRows',
    'billing.manifestRows',
  ],
  /**
   * The emulator does not implement these (README "Not emulated": GDAP, NCE migrations); the tests
   * only check that the client turns the emulator's 404 into a typed error.
   */
  notEmulated: [
    'admin.createGdapRelationship',
    'admin.requestGdapAction',
    'subscriptions.validateMigration',
    'subscriptions.createMigration',
    'subscriptions.getMigration',
  ],
} as const;

/** Asserts that a file ran every operation the coverage table assigns to it. */
export function expectCovered(recorder: Recorder, ops: readonly string[]): void {
  const missing = ops.filter((op) => !recorder.called.has(op));
  expect(missing).toEqual([]);
}

/** Sleeps like the client would, but records each requested wait. */
export function recordingSleep(waits: number[], cap = Number.POSITIVE_INFINITY) {
  return (ms: number, signal?: AbortSignal) => {
    waits.push(ms);
    return delay(Math.min(ms, cap), undefined, signal ? { signal } : undefined);
  };
}
