/**
 * Client-side request budget per Partner Center operation. Microsoft publishes no numeric limits (API.md
 * §0.5), only that exceeding them yields 429; spacing our own calls keeps a bulk job (e.g. reading every
 * customer's subscriptions) from starving interactive requests of the same partner tenant.
 */
export interface BucketOptions {
  /** Burst size. */
  capacity: number;
  /** Sustained rate. */
  refillPerSecond: number;
}

export interface ThrottleOptions {
  /** Budget for operations without an entry in `operations`; omit for no limit. */
  default?: BucketOptions | undefined;
  /** Budgets keyed by operation name (e.g. `subscriptions.get`). */
  operations?: Record<string, BucketOptions> | undefined;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

class TokenBucket {
  readonly #options: BucketOptions;
  #tokens: number;
  #updatedAt: number;
  #pausedUntil = 0;

  constructor(options: BucketOptions, now: number) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) {
      throw new RangeError('A throttle budget needs capacity >= 1 and refillPerSecond > 0.');
    }
    this.#options = options;
    this.#tokens = options.capacity;
    this.#updatedAt = now;
  }

  /** Milliseconds to wait before a token is available, taking it when the answer is 0. */
  tryTake(now: number): number {
    if (now < this.#pausedUntil) return this.#pausedUntil - now;
    const elapsed = Math.max(0, now - this.#updatedAt) / 1000;
    this.#tokens = Math.min(this.#options.capacity, this.#tokens + elapsed * this.#options.refillPerSecond);
    this.#updatedAt = now;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) / this.#options.refillPerSecond) * 1000);
  }

  pauseUntil(until: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, until);
    this.#tokens = 0;
  }
}

export class Throttle {
  readonly #options: ThrottleOptions;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: ThrottleOptions | undefined, clock: Clock) {
    this.#options = options ?? {};
    this.#clock = clock;
  }

  /** Waits until the operation's budget allows one more request. */
  async acquire(operation: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.#bucket(operation);
    if (!bucket) return;
    for (;;) {
      signal?.throwIfAborted();
      const wait = bucket.tryTake(this.#clock.now());
      if (wait === 0) return;
      await this.#clock.sleep(wait);
    }
  }

  /** After a 429, every caller of the operation waits out Microsoft's Retry-After, not only the one that got it. */
  pause(operation: string, ms: number): void {
    this.#bucket(operation)?.pauseUntil(this.#clock.now() + ms);
  }

  #bucket(operation: string): TokenBucket | undefined {
    let bucket = this.#buckets.get(operation);
    if (bucket) return bucket;
    const options = this.#options.operations?.[operation] ?? this.#options.default;
    if (!options) return undefined;
    bucket = new TokenBucket(options, this.#clock.now());
    this.#buckets.set(operation, bucket);
    return bucket;
  }
}
