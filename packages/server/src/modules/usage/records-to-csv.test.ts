import { describe, expect, it } from 'vitest';
import { splitRecord } from './csv-scanner.ts';
import { fractionToPercent, recordsToCsv } from './records-to-csv.ts';
import { isDecimal, normaliseDate } from './row-encoder.ts';

describe('records to CSV', () => {
  it('turns fractions into percentages exactly', () => {
    expect(['0.15', '1', '0', '0.125', '.5', '0.0001', '-0.2'].map(fractionToPercent)).toEqual([
      '15',
      '100',
      '0',
      '12.5',
      '50',
      '0.01',
      '-20',
    ]);
  });

  it('writes line items (camelCase) and export rows (PascalCase) under Microsoft’s CSV header', async () => {
    const parts: Buffer[] = [];
    for await (const b of recordsToCsv([
      {
        customerId: 'c1',
        usageDate: '2025-03-01',
        quantity: '1.5',
        rateOfPartnerEarnedCredit: '0.15',
        tags: { a: 'b,c' },
      },
      { CustomerId: 'c2', UsageDate: '2025-03-02', PartnerEarnedCreditPercentage: '15', ResourceURI: '/x' },
    ])) {
      parts.push(b);
    }
    const [header, first, second] = Buffer.concat(parts).toString('utf8').trimEnd().split('\r\n');
    const columns = header!.split(',');
    const at = (line: string, name: string) => splitRecord(line)[columns.indexOf(name)];
    expect(columns).toHaveLength(55);
    expect(at(first!, 'CustomerId')).toBe('c1');
    expect(at(first!, 'PartnerEarnedCreditPercentage')).toBe('15');
    expect(at(first!, 'Tags')).toBe('{"a":"b,c"}');
    expect(at(second!, 'UsageDate')).toBe('2025-03-02');
    expect(at(second!, 'PartnerEarnedCreditPercentage')).toBe('15');
    expect(at(second!, 'ResourceURI')).toBe('/x');
  });
});

describe('row encoder checks', () => {
  it('reads ISO and US dates, and only real ones', () => {
    expect(normaliseDate('2025-03-01T00:00:00Z')).toBe('2025-03-01');
    expect(normaliseDate('2024-02-29')).toBe('2024-02-29');
    expect(normaliseDate('3/1/2025 12:00:00 AM')).toBe('2025-03-01');
    expect(normaliseDate('2025-02-29')).toBeNull();
    expect(normaliseDate('13/1/2025')).toBeNull();
    expect(normaliseDate('yesterday')).toBeNull();
  });

  it('accepts the decimals PostgreSQL reads, and no others', () => {
    for (const ok of ['0', '-1.5', '+2', '.5', '5.', '1e-7', ' 3 ', '12345678901234567890.123']) {
      expect(isDecimal(ok), ok).toBe(true);
    }
    for (const bad of ['', ' ', 'NaN', 'Infinity', '1,5', '1e', '1e1234', '--1', '0x10', '1 2']) {
      expect(isDecimal(bad), bad).toBe(false);
    }
  });
});
