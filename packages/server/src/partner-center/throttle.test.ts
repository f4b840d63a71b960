import { describe, expect, it } from 'vitest';
import { Throttle } from './throttle.ts';

function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    advance: (ms: number) => {
      now += ms;
    },
    clock: {
      now: () => now,
      sleep: async (ms: number) => {
        waits.push(ms);
        now += ms;
      },
    },
  };
}

describe('Throttle', () => {
  it('lets a burst through, then spaces requests at the refill rate', async () => {
    const { clock, waits } = fakeClock();
    const throttle = new Throttle({ default: { capacity: 3, refillPerSecond: 2 } }, clock);
    for (let i = 0; i < 5; i++) await throttle.acquire('customers.list');
    expect(waits).toEqual([500, 500]);
  });

  it('refills over time up to the capacity', async () => {
    const { clock, waits, advance } = fakeClock();
    const throttle = new Throttle({ default: { capacity: 2, refillPerSecond: 1 } }, clock);
    await throttle.acquire('x');
    await throttle.acquire('x');
    advance(10_000);
    await throttle.acquire('x');
    await throttle.acquire('x');
    expect(waits).toEqual([]);
    await throttle.acquire('x');
    expect(waits).toEqual([1000]);
  });

  it('keeps separate budgets per operation and none for unlisted operations without a default', async () => {
    const { clock, waits } = fakeClock();
    const throttle = new Throttle(
      { operations: { 'carts.checkout': { capacity: 1, refillPerSecond: 0.1 } } },
      clock,
    );
    await throttle.acquire('carts.checkout');
    for (let i = 0; i < 50; i++) await throttle.acquire('subscriptions.get');
    expect(waits).toEqual([]);
    await throttle.acquire('carts.checkout');
    expect(waits).toEqual([10_000]);
  });

  it('a 429 pause holds every caller of the operation', async () => {
    const { clock, waits } = fakeClock();
    const throttle = new Throttle({ default: { capacity: 10, refillPerSecond: 10 } }, clock);
    await throttle.acquire('orders.create');
    throttle.pause('orders.create', 57_000);
    await throttle.acquire('orders.create');
    expect(waits[0]).toBe(57_000);
  });

  it('rejects nonsensical budgets', () => {
    const { clock } = fakeClock();
    const throttle = new Throttle({ default: { capacity: 0, refillPerSecond: 1 } }, clock);
    return expect(throttle.acquire('x')).rejects.toThrow(RangeError);
  });
});
