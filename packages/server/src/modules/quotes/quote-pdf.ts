import { Money } from '@cspc/core';
import type { Locale } from '../../db/schema.ts';
import { heading, keyValues, paragraph, renderPdf, table, totals } from '../../pdf/pdf.ts';
import type { QuoteView } from './quotes.repository.ts';

/** The quote as a PDF in Japanese, English or German (one font renders all three). */

const LABELS = {
  ja: {
    title: '御見積書',
    number: '見積番号',
    date: '発行日',
    validUntil: '有効期限',
    seller: '販売元',
    customer: 'お客様',
    item: '品目',
    termCycle: '期間 / 請求',
    quantity: '数量',
    unitPrice: '単価',
    perPeriod: '請求期間あたり',
    perTerm: '契約期間合計',
    net: '小計（税抜）',
    tax: '消費税等',
    gross: '合計（税込）',
    termTotal: '契約期間合計',
    notes: '備考',
    startDate: '開始日',
    usage: '従量課金',
    cycles: { monthly: '月額', annual: '年額', triennial: '3年一括', one_time: '一括', usage: '従量' },
    terms: { P1M: '1か月', P1Y: '1年', P3Y: '3年', none: '—' },
    footer:
      '価格は請求期間あたりの金額です。Microsoft の新しいコマース（NCE）の条件が適用されます：ご購入・更新後 7 日（168 時間）以内に限り、キャンセル・数量の削減が可能です。',
  },
  en: {
    title: 'Quote',
    number: 'Quote number',
    date: 'Date',
    validUntil: 'Valid until',
    seller: 'Seller',
    customer: 'Customer',
    item: 'Item',
    termCycle: 'Term / billing',
    quantity: 'Qty',
    unitPrice: 'Unit price',
    perPeriod: 'Per billing period',
    perTerm: 'Per term',
    net: 'Net',
    tax: 'Tax',
    gross: 'Total',
    termTotal: 'Total for the term',
    notes: 'Notes',
    startDate: 'Start',
    usage: 'usage-based',
    cycles: {
      monthly: 'monthly',
      annual: 'annual',
      triennial: 'triennial',
      one_time: 'one-time',
      usage: 'usage',
    },
    terms: { P1M: '1 month', P1Y: '1 year', P3Y: '3 years', none: '—' },
    footer:
      'Prices are per billing period. Microsoft new-commerce (NCE) terms apply: cancellations and seat reductions only within 7 days (168 hours) of purchase or renewal.',
  },
  de: {
    title: 'Angebot',
    number: 'Angebotsnummer',
    date: 'Datum',
    validUntil: 'Gültig bis',
    seller: 'Anbieter',
    customer: 'Kunde',
    item: 'Position',
    termCycle: 'Laufzeit / Abrechnung',
    quantity: 'Menge',
    unitPrice: 'Einzelpreis',
    perPeriod: 'Pro Abrechnungszeitraum',
    perTerm: 'Pro Laufzeit',
    net: 'Netto',
    tax: 'Steuer',
    gross: 'Gesamt',
    termTotal: 'Gesamt für die Laufzeit',
    notes: 'Hinweise',
    startDate: 'Beginn',
    usage: 'nutzungsbasiert',
    cycles: {
      monthly: 'monatlich',
      annual: 'jährlich',
      triennial: 'dreijährlich',
      one_time: 'einmalig',
      usage: 'Nutzung',
    },
    terms: { P1M: '1 Monat', P1Y: '1 Jahr', P3Y: '3 Jahre', none: '—' },
    footer:
      'Preise pro Abrechnungszeitraum. Es gelten die Bedingungen des Microsoft New Commerce (NCE): Kündigungen und Lizenzreduzierungen nur innerhalb von 7 Tagen (168 Stunden) nach Kauf oder Verlängerung.',
  },
} as const;

const INTL: Record<Locale, string> = { ja: 'ja-JP', en: 'en-US', de: 'de-DE' };

export async function quotePdf(quote: QuoteView, locale: Locale = quote.locale): Promise<Buffer> {
  const t = LABELS[locale];
  const intl = INTL[locale];
  const money = (amount: string | null, currency: string) =>
    amount === null ? '—' : Money.of(amount, currency).format(intl);
  const cycleName = (c: string) => (t.cycles as Record<string, string>)[c] ?? c;
  const termName = (term: string) => (t.terms as Record<string, string>)[term] ?? term;
  return renderPdf(
    { title: `${t.title} ${quote.number}`, author: quote.sellerName, language: intl },
    (doc) => {
      heading(doc, t.title, quote.number);
      keyValues(doc, [
        [t.seller, quote.sellerName],
        [t.customer, quote.customerName],
        [t.date, (quote.sentAt ?? quote.createdAt).slice(0, 10)],
        [t.validUntil, quote.validUntil],
      ]);
      doc.moveDown(0.5);
      if (quote.title) paragraph(doc, quote.title, { size: 12 });
      table(
        doc,
        [
          { header: t.item, width: 0.3 },
          { header: t.termCycle, width: 0.16 },
          { header: t.quantity, width: 0.08, align: 'right' },
          { header: t.unitPrice, width: 0.14, align: 'right' },
          { header: t.perPeriod, width: 0.16, align: 'right' },
          { header: t.perTerm, width: 0.16, align: 'right' },
        ],
        quote.lines.map((l) => [
          l.startDate ? `${l.title}\n${t.startDate}: ${l.startDate}` : l.title,
          l.billingCycle === 'usage' ? t.usage : `${termName(l.term)} / ${cycleName(l.billingCycle)}`,
          String(l.quantity),
          l.billingCycle === 'usage' ? '—' : money(l.unitPrice, l.currency),
          l.billingCycle === 'usage' ? '—' : money(l.totalPerCycle, l.currency),
          money(l.totalPerTerm, l.currency),
        ]),
      );
      for (const group of quote.totals.byBillingCycle) {
        if (group.billingCycle === 'usage') continue;
        totals(doc, [
          [`${t.net} (${cycleName(group.billingCycle)})`, money(group.net, group.currency)],
          [`${t.tax} (${cycleName(group.billingCycle)})`, money(group.tax, group.currency)],
          [`${t.gross} (${cycleName(group.billingCycle)})`, money(group.gross, group.currency), true],
        ]);
        doc.moveDown(0.3);
      }
      totals(doc, [
        [`${t.termTotal} — ${t.net}`, money(quote.totals.term.net, quote.totals.term.currency)],
        [`${t.termTotal} — ${t.tax}`, money(quote.totals.term.tax, quote.totals.term.currency)],
        [`${t.termTotal} — ${t.gross}`, money(quote.totals.term.gross, quote.totals.term.currency), true],
      ]);
      doc.moveDown(1);
      if (quote.notes) {
        paragraph(doc, t.notes, { size: 10 });
        paragraph(doc, quote.notes);
      }
      paragraph(doc, t.footer, { size: 7.5, color: '#555555' });
    },
  );
}
