import type { TaxNote } from './types.ts';

/** The languages invoices are printed in. */
export type InvoiceLanguage = 'ja' | 'en' | 'de';

/**
 * The fixed wording of the notes a tax policy puts on an invoice, per policy and language. The
 * stored note keeps its stable `code` (and the English text it was computed with); documents are
 * rendered in the invoice's language from the code at render time.
 */
const NOTE_TEXTS: Readonly<
  Record<TaxNote['code'], Readonly<Record<string, Record<InvoiceLanguage, string>>>>
> = {
  reverse_charge: {
    vat: {
      en: 'Reverse charge: VAT to be accounted for by the recipient',
      // §14a (5) UStG: the wording German law asks for
      de: 'Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge): Die Umsatzsteuer schuldet der Leistungsempfänger',
      ja: 'リバースチャージ：付加価値税（VAT）は受領者が申告・納付します',
    },
    'jp-consumption-tax': {
      en: 'Reverse charge: consumption tax to be accounted for by the recipient',
      de: 'Reverse Charge: Die japanische Verbrauchsteuer schuldet der Leistungsempfänger',
      ja: 'リバースチャージ方式：消費税は受領者が申告・納付します',
    },
  },
};

/**
 * A tax note in `language`: the policy's wording for the code, else the stored text (a code this
 * version does not know, or a policy without its own wording, is printed as it was computed).
 */
export function taxNoteText(
  note: { code: string; text: string },
  policy: string,
  language: InvoiceLanguage,
): string {
  const byPolicy = (NOTE_TEXTS as Record<string, Record<string, Record<InvoiceLanguage, string>>>)[note.code];
  if (!byPolicy) return note.text;
  const texts = byPolicy[policy] ?? byPolicy.vat;
  return texts?.[language] ?? note.text;
}

const TAX_NAMES: Readonly<Record<string, Record<InvoiceLanguage, string>>> = {
  'jp-consumption-tax': { ja: '消費税', en: 'consumption tax', de: 'Verbrauchsteuer' },
  vat: { ja: '付加価値税', en: 'VAT', de: 'Umsatzsteuer' },
};

/** The name of the policy's tax in `language` (`消費税`, `VAT`, `Umsatzsteuer`). */
export function taxName(policy: string, language: InvoiceLanguage): string {
  return (TAX_NAMES[policy] ?? { ja: '税', en: 'tax', de: 'Steuer' })[language];
}

/** One rate group of an invoice as stored (amounts as exact decimal strings). */
export interface RateAmounts {
  treatment: string;
  rate: string | null;
  percent: string;
  net: string;
  tax: string;
  gross: string;
}

/** A rate group as an invoice prints it: the total per rate and the tax in it, with its wording. */
export interface DisplayedRate {
  treatment: string;
  rate: string | null;
  percent: string;
  /** Tax-inclusive (gross) when the invoice's prices include tax, else before tax (net). */
  total: string;
  tax: string;
  text: string;
}

/**
 * The totals per rate as the invoice prints them. With tax-inclusive prices (税込表示) a Japanese
 * qualified invoice shows, per rate, the tax-inclusive total and the consumption tax it contains:
 * `10%対象 ¥11,000（税込） うち消費税 ¥1,000`; otherwise the total before tax and the tax on it.
 * `format` turns an amount into the document's money notation.
 */
export function displayedRates(
  rates: readonly RateAmounts[],
  options: {
    pricesIncludeTax: boolean;
    policy: string;
    language: InvoiceLanguage;
    format: (amount: string) => string;
  },
): DisplayedRate[] {
  const { language: l, format } = options;
  const name = taxName(options.policy, l);
  return rates.map((r) => {
    const inclusive = options.pricesIncludeTax && r.treatment === 'taxable';
    const total = inclusive ? r.gross : r.net;
    const t = format(total);
    const x = format(r.tax);
    let text: string;
    if (r.treatment === 'exempt') {
      text = { ja: `非課税 ${t}`, en: `Exempt ${t}`, de: `Steuerfrei ${t}` }[l];
    } else if (r.treatment === 'reverse_charge') {
      text = { ja: `リバースチャージ対象 ${t}`, en: `Reverse charge ${t}`, de: `Reverse Charge ${t}` }[l];
    } else if (inclusive) {
      text = {
        ja: `${r.percent}%対象 ${t}（税込） うち${name} ${x}`,
        en: `${r.percent}% items ${t} incl. tax, of which ${name} ${x}`,
        de: `${r.percent} %-Positionen ${t} brutto, darin enthaltene ${name} ${x}`,
      }[l];
    } else {
      text = {
        ja: `${r.percent}%対象 ${t}（税抜） ${name} ${x}`,
        en: `${r.percent}% items ${t} excl. tax, ${name} ${x}`,
        de: `${r.percent} %-Positionen ${t} netto, ${name} ${x}`,
      }[l];
    }
    return { treatment: r.treatment, rate: r.rate, percent: r.percent, total, tax: r.tax, text };
  });
}

/** The sentence an invoice with tax-inclusive prices carries, in `language`. */
export function taxInclusiveStatement(policy: string, language: InvoiceLanguage): string {
  const name = taxName(policy, language);
  return {
    ja: `表示金額はすべて税込です。${name}額は税率ごとの税込合計額から一括して計算しています。`,
    en: `All prices and amounts include ${name}; the ${name} is computed once per rate from the tax-inclusive total of that rate.`,
    de: `Alle Preise und Beträge enthalten die ${name}; sie wird je Steuersatz einmal aus der Bruttosumme dieses Steuersatzes berechnet.`,
  }[language];
}
