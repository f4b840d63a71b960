import { randomUUID } from 'node:crypto';

/**
 * MS-RequestId is Partner Center's idempotency key: a request repeated with the same id is not executed
 * twice. Each mutating operation (buying a line, changing a quantity) gets a caller-chosen operation key
 * (e.g. `order-line:<uuid>`), and the ledger maps it to one request id that is persisted *before* the call.
 * Retries after timeouts or 5xx, and a new attempt after a crash, reuse that id, so Microsoft never buys twice.
 */
export interface RequestLedger {
  /**
   * Returns the request id for this operation: the stored one if the operation is pending or succeeded,
   * otherwise a new id that is persisted before returning.
   */
  reserve(operationKey: string): Promise<string>;
  /**
   * Records a definitive outcome. After `failed` the next `reserve` mints a new id (Microsoft expects a
   * fresh MS-RequestId after a business failure); after `succeeded` the id stays so repeats are deduplicated.
   * Not called when the outcome is unknown (timeouts, 5xx, retries exhausted): the id must then be reused.
   */
  complete(operationKey: string, outcome: RequestOutcome): Promise<void>;
}

export type RequestOutcome =
  | { status: 'succeeded'; httpStatus: number }
  | { status: 'failed'; httpStatus: number; code?: string | number | undefined };

export interface LedgerEntry {
  requestId: string;
  state: 'pending' | 'succeeded' | 'failed';
  outcome?: RequestOutcome;
}

/** Process-local ledger: enough for tests and the emulator; production uses a database-backed one. */
export class InMemoryRequestLedger implements RequestLedger {
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #newId: () => string;

  constructor(newId: () => string = randomUUID) {
    this.#newId = newId;
  }

  async reserve(operationKey: string): Promise<string> {
    assertOperationKey(operationKey);
    const existing = this.#entries.get(operationKey);
    if (existing && existing.state !== 'failed') return existing.requestId;
    const requestId = this.#newId();
    this.#entries.set(operationKey, { requestId, state: 'pending' });
    return requestId;
  }

  async complete(operationKey: string, outcome: RequestOutcome): Promise<void> {
    const entry = this.#entries.get(operationKey);
    if (!entry) return;
    entry.state = outcome.status;
    entry.outcome = outcome;
  }

  /** For diagnostics and tests. */
  get(operationKey: string): LedgerEntry | undefined {
    const entry = this.#entries.get(operationKey);
    return entry ? { ...entry } : undefined;
  }
}

export function assertOperationKey(operationKey: string): void {
  if (typeof operationKey !== 'string' || operationKey.trim() === '' || operationKey.length > 400) {
    throw new TypeError(
      'An operation key (1–400 characters) is required for every mutating Partner Center call.',
    );
  }
}
