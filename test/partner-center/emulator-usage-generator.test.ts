import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  type DailyRatedUsageRow,
  generateDailyRatedUsage,
  RECON_CSV_COLUMNS,
  reconCsvLine,
  toReconCsv,
} from '../../packages/server/src/partner-center/emulator/usage-generator.ts';

function units(value: string, scale: number): bigint {
  const [int, frac = ''] = value.split('.');
  return BigInt(int + frac.padEnd(scale, '0'));
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }),
  );
  return Buffer.concat(chunks).toString('utf8');
}

describe('daily rated usage generator', () => {
  it('produces exactly linesTotal rows, deterministically per seed', () => {
    const opts = {
      seed: 7,
      customers: 50,
      subscriptionsPerCustomer: 2,
      days: 30,
      startDate: '2025-01-01',
      linesTotal: 10_000,
    };
    const hash = (seed: number) => {
      const h = createHash('sha256');
      let n = 0;
      for (const row of generateDailyRatedUsage({ ...opts, seed })) {
        h.update(reconCsvLine(row));
        n++;
      }
      return { n, digest: h.digest('hex') };
    };
    const a = hash(7);
    expect(a.n).toBe(10_000);
    expect(hash(7)).toEqual(a);
    expect(hash(8).digest).not.toBe(a.digest);
  });

  it('emits Microsoft field names with exact decimal arithmetic', () => {
    const rows: DailyRatedUsageRow[] = [
      ...generateDailyRatedUsage({ seed: 3, customers: 20, days: 10, startDate: '2025-02-25' }),
    ];
    expect(rows.length).toBeGreaterThan(100);
    expect(Object.keys(rows[0] as DailyRatedUsageRow)).toEqual([
      'partnerId',
      'partnerName',
      'customerId',
      'customerName',
      'customerDomainName',
      'customerCountry',
      'mpnId',
      'resellerMpnId',
      'invoiceNumber',
      'productId',
      'skuId',
      'availabilityId',
      'skuName',
      'productName',
      'publisherName',
      'publisherId',
      'subscriptionDescription',
      'subscriptionId',
      'chargeStartDate',
      'chargeEndDate',
      'usageDate',
      'meterType',
      'meterCategory',
      'meterId',
      'meterSubCategory',
      'meterName',
      'meterRegion',
      'unitOfMeasure',
      'resourceLocation',
      'consumedService',
      'resourceGroup',
      'resourceUri',
      'chargeType',
      'unitPrice',
      'quantity',
      'unitType',
      'billingPreTaxTotal',
      'billingCurrency',
      'pricingPreTaxTotal',
      'pricingCurrency',
      'serviceInfo1',
      'serviceInfo2',
      'tags',
      'additionalInfo',
      'effectiveUnitPrice',
      'pcToBCExchangeRate',
      'pcToBCExchangeRateDate',
      'entitlementId',
      'entitlementDescription',
      'rateOfPartnerEarnedCredit',
      'rateOfCredit',
      'creditType',
      'hasPartnerEarnedCredit',
      'benefitOrderId',
      'benefitId',
      'benefitType',
    ]);
    const months = new Set<string>();
    for (const r of rows) {
      months.add(r.chargeStartDate);
      expect(r.usageDate >= '2025-02-25' && r.usageDate < '2025-03-07').toBe(true);
      expect(r.chargeStartDate).toBe(`${r.usageDate.slice(0, 7)}-01T00:00:00Z`);
      const eup = units(r.effectiveUnitPrice, 8);
      expect(eup).toBe(units(r.unitPrice, 6) * (r.hasPartnerEarnedCredit ? 85n : 100n));
      const pricing = eup * units(r.quantity, 6);
      expect(units(r.pricingPreTaxTotal, 14)).toBe(pricing);
      const [int, frac = ''] = r.pcToBCExchangeRate.split('.');
      const rate = BigInt(int + frac);
      expect(units(r.billingPreTaxTotal, 2)).toBe((pricing * rate) / 10n ** BigInt(12 + frac.length));
      expect(r.rateOfPartnerEarnedCredit).toBe(r.hasPartnerEarnedCredit ? '0.15' : '0');
    }
    expect([...months].sort()).toEqual(['2025-02-01T00:00:00Z', '2025-03-01T00:00:00Z']);
  });

  it('streams the 52-column reconciliation CSV with quoting and CRLF records', async () => {
    const rows = [
      ...generateDailyRatedUsage({
        seed: 11,
        customers: 5,
        days: 3,
        startDate: '2025-05-01',
        linesTotal: 300,
      }),
    ];
    const text = await collect(toReconCsv(rows));
    const records = text.split('\r\n');
    expect(records.at(-1)).toBe('');
    expect(records[0]).toBe(RECON_CSV_COLUMNS.join(','));
    expect(RECON_CSV_COLUMNS).toHaveLength(52);
    expect(records).toHaveLength(302);
    const tagged = rows.findIndex((r) => r.tags.includes(','));
    expect(tagged).toBeGreaterThanOrEqual(0);
    expect(records[tagged + 1]).toContain(
      `,"${(rows[tagged] as DailyRatedUsageRow).tags.replace(/"/g, '""')}",`,
    );
    const renamed = { ...(rows[0] as DailyRatedUsageRow), customerName: 'Comma, "Quote" Ltd' };
    expect(reconCsvLine(renamed)).toContain(',"Comma, ""Quote"" Ltd",');
    expect(reconCsvLine(renamed)).not.toBe(reconCsvLine(rows[0] as DailyRatedUsageRow));
    const withBenefit = await collect(toReconCsv(rows.slice(0, 1), { benefitColumns: true }));
    expect(withBenefit.split('\r\n')[0]?.endsWith(',BenefitOrderId,BenefitId,BenefitType')).toBe(true);
  });

  it('streams a large batch quickly', async () => {
    const started = performance.now();
    let bytes = 0;
    await pipeline(
      toReconCsv(
        generateDailyRatedUsage({
          seed: 42,
          customers: 1000,
          days: 30,
          startDate: '2025-01-01',
          linesTotal: 200_000,
        }),
      ),
      new Writable({
        write(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          cb();
        },
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = Math.round(200_000 / seconds);
    console.info(`usage CSV: 200000 rows, ${bytes} bytes in ${seconds.toFixed(2)} s (${rate} rows/s)`);
    expect(bytes).toBeGreaterThan(150_000_000);
    expect(rate).toBeGreaterThan(40_000);
  });
});
