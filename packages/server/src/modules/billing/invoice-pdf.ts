import { Money, taxName } from '@cspc/core';
import type { Locale } from '../../db/schema.ts';
import { heading, keyValues, paragraph, renderPdf, table, totals } from '../../pdf/pdf.ts';
import { type InvoiceDetail, taxWording } from './invoices.repository.ts';

/**
 * The invoice as a PDF in Japanese, English or German. For a Japanese issuer it carries every
 * element of a qualified invoice (適格請求書): the issuer's name and registration number, the
 * transaction dates (each line's period), the items with the reduced-rate mark ※, the totals and
 * the consumption tax per rate, and the recipient's name.
 */

const LABELS = {
  ja: {
    title: '請求書',
    draft: '請求書（下書き）',
    void: '請求書（無効）',
    number: '請求書番号',
    issueDate: '発行日',
    dueDate: 'お支払期限',
    period: '対象期間',
    issuer: '発行者',
    registration: '登録番号',
    recipient: '御中',
    item: '品目',
    dates: '取引期間',
    quantity: '数量',
    unitPrice: '単価',
    amount: '金額',
    rate: '税率',
    netFor: (p: string) => `${p}%対象 小計`,
    taxFor: (p: string) => `${p}%対象 消費税`,
    net: '小計（税抜）',
    tax: '消費税等',
    gross: '合計（税込）',
    paid: 'お支払済',
    balance: 'ご請求残高',
    bank: 'お振込先',
    reduced: '※は軽減税率（8%）対象',
    vatId: 'VAT登録番号',
    unitPriceIncl: '単価（税込）',
    amountIncl: '金額（税込）',
    inclFor: (p: string) => `${p}%対象 合計（税込）`,
    ofWhichFor: (p: string, tax: string) => `うち${tax}（${p}%）`,
    grossIncl: '合計（税込）',
    ofWhich: (tax: string) => `うち${tax}等`,
    netExcl: '税抜金額',
    reversal: '取消',
    kinds: {
      license: 'ライセンス',
      usage: 'Azure 利用料',
      own_service: 'サービス',
      discount: '割引',
      manual: '調整',
    },
  },
  en: {
    title: 'Invoice',
    draft: 'Invoice (draft)',
    void: 'Invoice (void)',
    number: 'Invoice number',
    issueDate: 'Issue date',
    dueDate: 'Due date',
    period: 'Billing period',
    issuer: 'Issuer',
    registration: 'Registration number',
    recipient: 'Bill to',
    item: 'Item',
    dates: 'Service period',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    amount: 'Amount',
    rate: 'Tax',
    netFor: (p: string) => `Net at ${p}%`,
    taxFor: (p: string) => `Tax at ${p}%`,
    net: 'Net',
    tax: 'Tax',
    gross: 'Total',
    paid: 'Paid',
    balance: 'Balance due',
    bank: 'Bank details',
    reduced: '※ reduced tax rate (8%)',
    vatId: 'VAT ID',
    unitPriceIncl: 'Unit price (incl. tax)',
    amountIncl: 'Amount (incl. tax)',
    inclFor: (p: string) => `Total at ${p}% (incl. tax)`,
    ofWhichFor: (p: string, tax: string) => `of which ${tax} at ${p}%`,
    grossIncl: 'Total (incl. tax)',
    ofWhich: (tax: string) => `of which ${tax}`,
    netExcl: 'Amount before tax',
    reversal: 'Reversal',
    kinds: {
      license: 'Licence',
      usage: 'Azure usage',
      own_service: 'Service',
      discount: 'Discount',
      manual: 'Adjustment',
    },
  },
  de: {
    title: 'Rechnung',
    draft: 'Rechnung (Entwurf)',
    void: 'Rechnung (storniert)',
    number: 'Rechnungsnummer',
    issueDate: 'Rechnungsdatum',
    dueDate: 'Fällig am',
    period: 'Abrechnungszeitraum',
    issuer: 'Rechnungssteller',
    registration: 'Registrierungsnummer',
    recipient: 'Rechnungsempfänger',
    item: 'Position',
    dates: 'Leistungszeitraum',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    amount: 'Betrag',
    rate: 'USt.',
    netFor: (p: string) => `Netto zu ${p}%`,
    taxFor: (p: string) => `USt. ${p}%`,
    net: 'Netto',
    tax: 'Umsatzsteuer',
    gross: 'Gesamtbetrag',
    paid: 'Bezahlt',
    balance: 'Offener Betrag',
    bank: 'Bankverbindung',
    reduced: '※ ermäßigter Steuersatz',
    vatId: 'USt-IdNr.',
    unitPriceIncl: 'Einzelpreis (brutto)',
    amountIncl: 'Betrag (brutto)',
    inclFor: (p: string) => `Summe ${p} % (brutto)`,
    ofWhichFor: (p: string, tax: string) => `darin ${tax} ${p} %`,
    grossIncl: 'Gesamtbetrag (brutto)',
    ofWhich: (tax: string) => `darin ${tax}`,
    netExcl: 'Nettobetrag',
    reversal: 'Storno',
    kinds: {
      license: 'Lizenz',
      usage: 'Azure-Nutzung',
      own_service: 'Leistung',
      discount: 'Rabatt',
      manual: 'Korrektur',
    },
  },
} as const;

const INTL: Record<Locale, string> = { ja: 'ja-JP', en: 'en-US', de: 'de-DE' };

/** An inclusive date range from a half-open one: 2026-01-15..2026-02-15 → 2026-01-15 – 2026-02-14. */
function dates(start: string | null, end: string | null): string {
  if (!start || !end) return '';
  const last = new Date(`${end}T00:00:00Z`);
  last.setUTCDate(last.getUTCDate() - 1);
  const lastDay = last.toISOString().slice(0, 10);
  return lastDay === start ? start : `${start} – ${lastDay}`;
}

export async function invoicePdf(invoice: InvoiceDetail, locale?: Locale): Promise<Buffer> {
  const lang = (locale ?? invoice.locale) as Locale;
  const t = LABELS[lang];
  const intl = INTL[lang];
  const money = (amount: string) => Money.of(amount, invoice.currency).format(intl);
  const issuer = invoice.issuerDetails as {
    name?: string;
    registrationNumber?: string | null;
    vatId?: string | null;
    bankDetails?: string;
  };
  const title = invoice.status === 'draft' ? t.draft : invoice.status === 'void' ? t.void : t.title;
  // Lines at the reduced rate carry the mark ※ (軽減税率対象), explained under the totals.
  const hasReduced = invoice.lines.some((l) => l.taxRate === 'reduced');
  // Fixed texts in the document's language, from their stable codes (render time).
  const wording = taxWording(invoice, lang);
  const inclusive = invoice.pricesIncludeTax;
  const tax = taxName(invoice.taxPolicy, lang);
  const description = (l: InvoiceDetail['lines'][number]) =>
    l.description.startsWith('Reversal of ') && l.sourceKey ? `${t.reversal}: ${l.sourceKey}` : l.description;
  return renderPdf(
    { title: `${t.title} ${invoice.number ?? ''}`.trim(), author: invoice.issuer.name, language: intl },
    (doc) => {
      heading(doc, title, invoice.number ?? '');
      const recipientName = invoice.recipient.name;
      paragraph(doc, lang === 'ja' ? `${recipientName} ${t.recipient}` : `${t.recipient}: ${recipientName}`, {
        size: 12,
      });
      const facts: [string, string][] = [[t.issuer, issuer.name ?? invoice.issuer.name]];
      if (issuer.registrationNumber) facts.push([t.registration, issuer.registrationNumber]);
      if (issuer.vatId) facts.push([t.vatId, issuer.vatId]);
      facts.push([t.period, invoice.period]);
      if (invoice.issueDate) facts.push([t.issueDate, invoice.issueDate]);
      if (invoice.dueDate) facts.push([t.dueDate, invoice.dueDate]);
      keyValues(doc, facts);
      doc.moveDown(0.5);
      table(
        doc,
        [
          { header: t.item, width: 0.34 },
          { header: t.dates, width: 0.22 },
          { header: t.quantity, width: 0.08, align: 'right' },
          { header: inclusive ? t.unitPriceIncl : t.unitPrice, width: 0.12, align: 'right' },
          { header: inclusive ? t.amountIncl : t.amount, width: 0.16, align: 'right' },
          { header: t.rate, width: 0.08, align: 'right' },
        ],
        invoice.lines.map((l) => {
          const rate = invoice.taxByRate.find((r) => r.rate === l.taxRate);
          const mark = l.taxRate === 'reduced' ? '※' : '';
          return [
            `${mark}${description(l)}\n${t.kinds[l.kind as keyof typeof t.kinds] ?? l.kind}`,
            dates(l.periodStart, l.periodEnd),
            l.quantity,
            l.unitPrice ? money(l.unitPrice) : '',
            money(l.amount),
            rate ? `${rate.percent}%` : '',
          ];
        }),
      );
      const rows: [string, string, boolean?][] = [];
      if (inclusive) {
        // 税込表示: per rate the tax-inclusive total and the tax it contains, then the total
        for (const r of invoice.taxByRate) {
          if (r.treatment !== 'taxable') {
            rows.push([t.netFor(r.percent), money(r.net)]);
            continue;
          }
          rows.push([t.inclFor(r.percent), money(r.gross)]);
          rows.push([t.ofWhichFor(r.percent, tax), money(r.tax)]);
        }
        rows.push(
          [t.grossIncl, money(invoice.gross), true],
          [t.ofWhich(tax), money(invoice.tax)],
          [t.netExcl, money(invoice.net)],
        );
      } else {
        for (const r of invoice.taxByRate) {
          rows.push([t.netFor(r.percent), money(r.net)]);
          rows.push([t.taxFor(r.percent), money(r.tax)]);
        }
        rows.push(
          [t.net, money(invoice.net)],
          [t.tax, money(invoice.tax)],
          [t.gross, money(invoice.gross), true],
        );
      }
      if (invoice.paid !== '0')
        rows.push([t.paid, money(invoice.paid)], [t.balance, money(invoice.balance), true]);
      totals(doc, rows);
      doc.moveDown(1);
      if (hasReduced) paragraph(doc, t.reduced, { size: 8 });
      if (wording.taxDisplay.statement) paragraph(doc, wording.taxDisplay.statement, { size: 8 });
      for (const note of wording.notes) paragraph(doc, note.text, { size: 8 });
      if (issuer.bankDetails) {
        paragraph(doc, t.bank, { size: 10 });
        paragraph(doc, issuer.bankDetails);
      }
    },
  );
}

const CSV_COLUMNS = [
  'invoice_number',
  'status',
  'issuer',
  'recipient',
  'period',
  'issue_date',
  'due_date',
  'currency',
  'position',
  'kind',
  'description',
  'period_start',
  'period_end',
  'quantity',
  'unit_price',
  'amount',
  'tax_rate',
  'source_key',
] as const;

const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The invoice's lines as CSV (UTF-8 with BOM, one row per line, header fields repeated), then per-rate totals. */
export function invoiceCsv(invoice: InvoiceDetail): string {
  const head = [
    invoice.number ?? '',
    invoice.status,
    invoice.issuer.name,
    invoice.recipient.name,
    invoice.period,
    invoice.issueDate ?? '',
    invoice.dueDate ?? '',
    invoice.currency,
  ];
  const rows = invoice.lines.map((l) =>
    [
      ...head,
      String(l.position),
      l.kind,
      l.description,
      l.periodStart ?? '',
      l.periodEnd ?? '',
      l.quantity,
      l.unitPrice ?? '',
      l.amount,
      l.taxRate,
      l.sourceKey,
    ]
      .map(cell)
      .join(','),
  );
  const totalsRows = [
    ...invoice.taxByRate.map((r) =>
      ['total_by_rate', r.rate ?? r.treatment, r.percent, r.net, r.tax, r.gross].join(','),
    ),
    ['total', '', '', invoice.net, invoice.tax, invoice.gross].join(','),
  ];
  return `\uFEFF${[CSV_COLUMNS.join(','), ...rows, '', 'kind,rate,percent,net,tax,gross', ...totalsRows].join('\r\n')}\r\n`;
}
