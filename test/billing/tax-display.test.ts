import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, json, loginAs } from '../support/http.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { pdfText } from './pdf-text.ts';
import { createLicense } from './support.ts';

/**
 * Tax-inclusive display (税込表示, #7) and fixed invoice texts in the invoice's language. Reseller A
 * saves `pricesIncludeTax`: its price ¥1,100 a seat includes consumption tax. 10 seats for March →
 * one line ¥11,000 (tax-inclusive); the tax of the 10% rate is computed once from the inclusive
 * total, 11,000 × 10 / 110 = ¥1,000, so the invoice is ¥11,000 of which ¥1,000 consumption tax
 * (¥10,000 before tax). The PDF and the JSON print exactly that; the reverse-charge note is
 * rendered from its stable code in Japanese, English or German.
 */

type Session = Caller & { csrfToken: string; cookie: string };
const now = new Date('2026-11-22T03:00:00Z');
const clock = { now: () => now };
let server: TestServer;
let resellerA: Session;
let customerA: Session;
let ids: Record<string, string>;
let invoiceId: string;

interface Invoice {
  id: string;
  net: string;
  tax: string;
  gross: string;
  locale: string;
  pricesIncludeTax: boolean;
  taxByRate: { rate: string; net: string; tax: string; gross: string }[];
  notes: { code: string; text: string }[];
  taxDisplay: {
    linesIncludeTax: boolean;
    byRate: { rate: string | null; percent: string; total: string; tax: string; text: string }[];
    statement: string | null;
  };
  lines: { amount: string; unitPrice: string | null }[];
}

const db = () => server.deps.database.db;

async function pdf(caller: Session, locale: string): Promise<string> {
  const response = await caller.get(`/api/v1/invoices/${invoiceId}/pdf?locale=${locale}`);
  expect(response.status).toBe(200);
  return pdfText(Buffer.from(await response.arrayBuffer()));
}

beforeAll(async () => {
  server = await startTestServer({ seed: 'demo', clock });
  ids = server.demo!.organizations;
  [resellerA, customerA] = await Promise.all([
    loginAs(server.url, 'admin@reseller-a.test'),
    loginAs(server.url, 'admin@customer-a.test'),
  ]);
  const saved = await resellerA.put('/api/v1/billing-profile', {
    pricesIncludeTax: true,
    invoiceLocale: 'ja',
  });
  expect(saved.status, await saved.clone().text()).toBe(200);
  await createLicense(db(), {
    providerId: ids.provider!,
    sellerId: ids['reseller-a']!,
    customerId: ids['customer-a']!,
    termStart: '2026-03-01',
    quantity: 10,
    tiers: [
      { sellerId: ids.provider!, buyerId: ids['reseller-a']!, unitPrice: '900' },
      { sellerId: ids['reseller-a']!, buyerId: ids['customer-a']!, unitPrice: '1100' },
    ],
  });
  const run = await resellerA.post('/api/v1/billing-runs', { period: '2026-03', issue: true });
  expect(run.status, await run.clone().text()).toBe(200);
  const page = await json<{ items: { id: string }[] }>(
    await resellerA.get(
      `/api/v1/invoices?direction=issued&period=2026-03&counterpartyId=${ids['customer-a']}`,
    ),
  );
  expect(page.items).toHaveLength(1);
  invoiceId = page.items[0]!.id;
});

afterAll(async () => {
  await server?.close();
});

describe('tax-inclusive display', () => {
  it('computes the tax out of the inclusive total and says so in the JSON: ¥11,000 of which ¥1,000', async () => {
    const invoice = await json<Invoice>(await customerA.get(`/api/v1/invoices/${invoiceId}`));
    expect(invoice).toMatchObject({ net: '10000', tax: '1000', gross: '11000', pricesIncludeTax: true });
    expect(invoice.lines.map((l) => [l.unitPrice, l.amount])).toEqual([['1100', '11000']]);
    expect(invoice.taxByRate).toEqual([
      { treatment: 'taxable', rate: 'standard', percent: '10', net: '10000', tax: '1000', gross: '11000' },
    ]);
    expect(invoice.taxDisplay).toEqual({
      linesIncludeTax: true,
      byRate: [
        {
          treatment: 'taxable',
          rate: 'standard',
          percent: '10',
          total: '11000',
          tax: '1000',
          text: '10%対象 ￥11,000（税込） うち消費税 ￥1,000',
        },
      ],
      statement: '表示金額はすべて税込です。消費税額は税率ごとの税込合計額から一括して計算しています。',
    });
    const exported = await json<Invoice>(
      await customerA.get(`/api/v1/invoices/${invoiceId}/export?format=json`),
    );
    expect(exported.taxDisplay.byRate[0]!.text).toBe('10%対象 ￥11,000（税込） うち消費税 ￥1,000');
  });

  it('prints tax-inclusive amounts and, per rate, the total and the consumption tax in it on the PDF', async () => {
    const ja = await pdf(customerA, 'ja');
    for (const text of [
      '単価（税込）',
      '金額（税込）',
      '￥1,100',
      '10%対象 合計（税込）\n￥11,000',
      'うち消費税（10%）\n￥1,000',
      '合計（税込）\n￥11,000',
      'うち消費税等\n￥1,000',
      '税抜金額\n￥10,000',
      '表示金額はすべて税込です。',
    ]) {
      expect(ja).toContain(text);
    }
    // the net-based wording of tax-exclusive invoices is not printed
    expect(ja).not.toContain('小計（税抜）');
    const en = await pdf(customerA, 'en');
    expect(en).toContain('Total at 10% (incl. tax)\n¥11,000');
    expect(en).toContain('of which consumption tax at 10%\n¥1,000');
    const de = await pdf(customerA, 'de');
    expect(de).toContain('Summe 10 % (brutto)\n11.000 ¥');
    expect(de).toContain('darin Verbrauchsteuer 10 %\n1.000 ¥');
  });

  it('prints net-based totals when prices exclude tax', async () => {
    await resellerA.put('/api/v1/billing-profile', { pricesIncludeTax: false });
    await db()
      .updateTable('invoices')
      .set({ prices_include_tax: false })
      .where('id', '=', invoiceId)
      .execute();
    const ja = await pdf(customerA, 'ja');
    expect(ja).toContain('小計（税抜）');
    expect(ja).not.toContain('金額（税込）');
    const invoice = await json<Invoice>(await customerA.get(`/api/v1/invoices/${invoiceId}`));
    expect(invoice.taxDisplay.linesIncludeTax).toBe(false);
    expect(invoice.taxDisplay.statement).toBeNull();
    await db()
      .updateTable('invoices')
      .set({ prices_include_tax: true })
      .where('id', '=', invoiceId)
      .execute();
  });
});

describe('fixed invoice texts in the invoice language', () => {
  it('renders the reverse-charge note from its stable code in ja, en and de', async () => {
    // as a run stores it: the stable code with the English text computed by core/tax
    await db()
      .updateTable('invoices')
      .set({
        notes: JSON.stringify([
          {
            code: 'reverse_charge',
            text: 'Reverse charge: consumption tax to be accounted for by the recipient',
          },
        ]),
      })
      .where('id', '=', invoiceId)
      .execute();
    const invoice = await json<Invoice>(await customerA.get(`/api/v1/invoices/${invoiceId}`));
    expect(invoice.locale).toBe('ja');
    expect(invoice.notes).toEqual([
      { code: 'reverse_charge', text: 'リバースチャージ方式：消費税は受領者が申告・納付します' },
    ]);
    expect(await pdf(customerA, 'ja')).toContain('リバースチャージ方式：消費税は受領者が申告・納付します');
    expect(await pdf(customerA, 'en')).toContain(
      'Reverse charge: consumption tax to be accounted for by the recipient',
    );
    expect(await pdf(customerA, 'de')).toContain(
      'Reverse Charge: Die japanische Verbrauchsteuer schuldet der Leistungsempfänger',
    );
  });
});
