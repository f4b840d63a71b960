import { describe, expect, it } from 'vitest';
import { InMemoryRequestLedger } from './idempotency.ts';

describe('InMemoryRequestLedger', () => {
  it('returns the same request id while an operation is pending or succeeded', async () => {
    let n = 0;
    const ledger = new InMemoryRequestLedger(() => `id-${++n}`);
    expect(await ledger.reserve('order-line:1')).toBe('id-1');
    expect(await ledger.reserve('order-line:1')).toBe('id-1');
    await ledger.complete('order-line:1', { status: 'succeeded', httpStatus: 201 });
    expect(await ledger.reserve('order-line:1')).toBe('id-1');
    expect(await ledger.reserve('order-line:2')).toBe('id-2');
  });

  it('mints a new id after a definitive failure', async () => {
    let n = 0;
    const ledger = new InMemoryRequestLedger(() => `id-${++n}`);
    await ledger.reserve('k');
    await ledger.complete('k', { status: 'failed', httpStatus: 400, code: 10010 });
    expect(ledger.get('k')).toMatchObject({ state: 'failed', outcome: { code: 10010 } });
    expect(await ledger.reserve('k')).toBe('id-2');
    expect(ledger.get('k')?.state).toBe('pending');
  });

  it('requires a usable operation key', async () => {
    const ledger = new InMemoryRequestLedger();
    await expect(ledger.reserve('  ')).rejects.toThrow(TypeError);
  });
});
