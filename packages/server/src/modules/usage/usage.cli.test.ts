import { afterEach, describe, expect, it, vi } from 'vitest';
import { progressBar } from './usage.cli.ts';

describe('cspc usage import progress bar', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('shows rows, rows/s and the ETA while loading, then the phases', () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk).replace('\r\u001b[2K', '').trimEnd());
      return true;
    });
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
    const bar = progressBar(1000);
    vi.setSystemTime(new Date('2026-01-01T00:00:10Z'));
    bar({ phase: 'loading', bytes: 250, rows: 50_000 });
    vi.setSystemTime(new Date('2026-01-01T00:00:40Z'));
    bar({ phase: 'writing', bytes: 1000, rows: 200_000 });
    vi.setSystemTime(new Date('2026-01-01T00:01:05Z'));
    bar({ phase: 'done', bytes: 1000, rows: 200_000 });
    expect(lines).toEqual([
      '[########......................] 25%  50,000 rows  5,000 rows/s  ETA 0:30',
      'writing 200,000 rows…  0:40',
      'done: 200,000 rows in 1:05',
    ]);
  });
});
