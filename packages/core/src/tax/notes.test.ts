import { describe, expect, it } from 'vitest';
import { Money } from '../money/money.ts';
import { japanConsumptionTax } from './japan.ts';
import { displayedRates, taxInclusiveStatement, taxNoteText } from './notes.ts';
import { vatPolicy } from './vat.ts';

const jpy = (s: string) => Money.of(s, 'JPY');
const yen = (amount: string) => `¥${Number(amount).toLocaleString('en-US')}`;

function stored(result: ReturnType<ReturnType<typeof japanConsumptionTax>['compute']>) {
  return result.rates.map((r) => ({
    treatment: r.treatment,
    rate: r.rate,
    percent: r.percent,
    net: r.net.toString(),
    tax: r.tax.toString(),
    gross: r.gross.toString(),
  }));
}

describe('tax-inclusive display (税込表示)', () => {
  // ¥11,000 at 10% and ¥1,080 at 8%, prices including tax: 11000 × 10/110 = 1000, 1080 × 8/108 = 80
  const result = japanConsumptionTax().compute({
    currency: 'JPY',
    pricesIncludeTax: true,
    lines: [
      { amount: jpy('11000'), rate: 'standard' },
      { amount: jpy('1080'), rate: 'reduced' },
    ],
  });

  it('prints per rate the tax-inclusive total and the consumption tax in it, in ja, en and de', () => {
    const common = { pricesIncludeTax: true, policy: result.policy, format: yen };
    expect(displayedRates(stored(result), { ...common, language: 'ja' }).map((r) => r.text)).toEqual([
      '10%対象 ¥11,000（税込） うち消費税 ¥1,000',
      '8%対象 ¥1,080（税込） うち消費税 ¥80',
    ]);
    expect(displayedRates(stored(result), { ...common, language: 'en' }).map((r) => r.text)).toEqual([
      '10% items ¥11,000 incl. tax, of which consumption tax ¥1,000',
      '8% items ¥1,080 incl. tax, of which consumption tax ¥80',
    ]);
    expect(displayedRates(stored(result), { ...common, language: 'de' })[0]).toMatchObject({
      total: '11000',
      tax: '1000',
      text: '10 %-Positionen ¥11,000 brutto, darin enthaltene Verbrauchsteuer ¥1,000',
    });
    expect(taxInclusiveStatement(result.policy, 'ja')).toBe(
      '表示金額はすべて税込です。消費税額は税率ごとの税込合計額から一括して計算しています。',
    );
  });

  it('prints net totals and the tax on them when prices exclude tax', () => {
    const net = japanConsumptionTax().compute({
      currency: 'JPY',
      lines: [{ amount: jpy('10000'), rate: 'standard' }],
    });
    expect(
      displayedRates(stored(net), {
        pricesIncludeTax: false,
        policy: net.policy,
        language: 'ja',
        format: yen,
      }),
    ).toEqual([
      {
        treatment: 'taxable',
        rate: 'standard',
        percent: '10',
        total: '10000',
        tax: '1000',
        text: '10%対象 ¥10,000（税抜） 消費税 ¥1,000',
      },
    ]);
  });
});

describe('tax notes in the invoice language', () => {
  const vat = vatPolicy({ rates: { DE: { standard: '19' }, FR: { standard: '20' } } }).compute({
    currency: 'EUR',
    seller: { country: 'DE' },
    buyer: { country: 'FR', vatId: 'FR12345678901' },
    lines: [{ amount: Money.of('100', 'EUR'), rate: 'standard' }],
  });

  it('keeps the stable code and translates the reverse-charge note at render time', () => {
    const [note] = vat.notes;
    expect(note!.code).toBe('reverse_charge');
    expect(taxNoteText(note!, vat.policy, 'en')).toBe(
      'Reverse charge: VAT to be accounted for by the recipient',
    );
    expect(taxNoteText(note!, vat.policy, 'de')).toBe(
      'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge): Die Umsatzsteuer schuldet der Leistungsempfänger',
    );
    expect(taxNoteText(note!, vat.policy, 'ja')).toBe(
      'リバースチャージ：付加価値税（VAT）は受領者が申告・納付します',
    );
    expect(taxNoteText(note!, 'jp-consumption-tax', 'ja')).toBe(
      'リバースチャージ方式：消費税は受領者が申告・納付します',
    );
    expect(
      displayedRates(
        vat.rates.map((r) => ({
          ...r,
          net: r.net.toString(),
          tax: r.tax.toString(),
          gross: r.gross.toString(),
        })),
        { pricesIncludeTax: false, policy: 'vat', language: 'de', format: (a) => `${a} €` },
      ).map((r) => r.text),
    ).toEqual(['Reverse Charge 100 €']);
  });

  it('prints a code it does not know as stored', () => {
    expect(taxNoteText({ code: 'something_new', text: 'As computed' }, 'vat', 'ja')).toBe('As computed');
  });
});
