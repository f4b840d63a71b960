import type { Locale } from '../../../db/schema.ts';
import type { ChangeKind, CreditLevelName, EventDataMap, EventType } from '../event-types.ts';
import type { Formatters } from './format.ts';

/** The words of one message; layout.ts puts them into the branded HTML and the plain text. */
export interface MessageCopy {
  subject: string;
  /** What happened, in one or two sentences. */
  summary: string;
  /** Label → value rows. */
  facts: [label: string, value: string][];
  /** What to do about it. */
  notes: string[];
}

type Renderer<T extends EventType> = (data: EventDataMap[T], f: Formatters) => MessageCopy;
type Catalogue = { [T in EventType]: Record<Locale, Renderer<T>> };

/** Phrases every message shares. */
export const COMMON: Record<
  Locale,
  {
    greeting(name: string): string;
    action: string;
    sentBy(brand: string): string;
    optional: string;
    essential: string;
    settings: string;
  }
> = {
  ja: {
    greeting: (name) => `${name} 様`,
    action: 'コンソールで確認する',
    sentBy: (brand) => `このメールは ${brand} から自動送信されています。`,
    optional: 'この種類のメールは通知設定で停止できます。',
    essential: 'このお知らせは契約・請求に関わる重要なお知らせのため、停止できません。',
    settings: '通知設定',
  },
  en: {
    greeting: (name) => `Hello ${name},`,
    action: 'Open in the console',
    sentBy: (brand) => `This is an automatic message from ${brand}.`,
    optional: 'You can turn off e-mails of this kind in your notification settings.',
    essential: 'This notice concerns your contracts or invoices and is always sent.',
    settings: 'Notification settings',
  },
  de: {
    greeting: (name) => `Guten Tag ${name},`,
    action: 'In der Konsole öffnen',
    sentBy: (brand) => `Dies ist eine automatische Nachricht von ${brand}.`,
    optional: 'Sie können E-Mails dieser Art in Ihren Benachrichtigungseinstellungen abbestellen.',
    essential: 'Diese Mitteilung betrifft Ihre Verträge oder Rechnungen und wird immer versendet.',
    settings: 'Benachrichtigungseinstellungen',
  },
};

const CHANGES: Record<Locale, Record<ChangeKind, string>> = {
  ja: {
    quantity_changed: '数量変更',
    suspended: '一時停止',
    reactivated: '再開',
    cancelled: '解約',
    auto_renew_changed: '自動更新の設定変更',
    upgraded: 'アップグレード',
    renewed: '更新',
    add_on: 'アドオン追加',
  },
  en: {
    quantity_changed: 'Quantity change',
    suspended: 'Suspension',
    reactivated: 'Reactivation',
    cancelled: 'Cancellation',
    auto_renew_changed: 'Auto-renew change',
    upgraded: 'Upgrade',
    renewed: 'Renewal',
    add_on: 'Add-on purchase',
  },
  de: {
    quantity_changed: 'Mengenänderung',
    suspended: 'Aussetzung',
    reactivated: 'Reaktivierung',
    cancelled: 'Kündigung',
    auto_renew_changed: 'Änderung der automatischen Verlängerung',
    upgraded: 'Upgrade',
    renewed: 'Verlängerung',
    add_on: 'Kauf eines Add-ons',
  },
};

const LEVELS: Record<Locale, Record<CreditLevelName, string>> = {
  ja: { warning: '警告', approval_required: '承認が必要', purchase_blocked: '購入停止' },
  en: { warning: 'warning', approval_required: 'approval required', purchase_blocked: 'purchase blocked' },
  de: {
    warning: 'Warnung',
    approval_required: 'Genehmigung erforderlich',
    purchase_blocked: 'Kauf gesperrt',
  },
};

const LEVEL_EFFECT: Record<Locale, Record<CreditLevelName, string>> = {
  ja: {
    warning: '新規注文時に警告が表示されます。',
    approval_required: '新規注文は承認されるまで保留されます。',
    purchase_blocked: '新規注文は受け付けられません。',
  },
  en: {
    warning: 'New orders will show a warning.',
    approval_required: 'New orders will be held until approved.',
    purchase_blocked: 'New orders will be refused.',
  },
  de: {
    warning: 'Neue Bestellungen zeigen eine Warnung.',
    approval_required: 'Neue Bestellungen werden bis zur Genehmigung zurückgehalten.',
    purchase_blocked: 'Neue Bestellungen werden abgelehnt.',
  },
};

const TRIGGERS: Record<Locale, Record<EventDataMap['credit_level']['trigger'], string>> = {
  ja: { usage: '当月利用額', planned_amount: '予定額', highest_usage: '過去6か月の最高月額利用' },
  en: {
    usage: 'month-to-date usage',
    planned_amount: 'planned amount',
    highest_usage: 'highest monthly usage of the past six months',
  },
  de: {
    usage: 'Nutzung im laufenden Monat',
    planned_amount: 'Planbetrag',
    highest_usage: 'höchste Monatsnutzung der letzten sechs Monate',
  },
};

const items = (list: { title: string; quantity: number }[], f: Formatters) =>
  list.map((i) => `${i.title} × ${f.number(i.quantity)}`).join(', ') || '–';

const quantity = (before: number | null | undefined, after: number | null | undefined, f: Formatters) =>
  before != null && after != null
    ? `${f.number(before)} → ${f.number(after)}`
    : after != null
      ? f.number(after)
      : null;

const withQuantity = (facts: [string, string][], label: string, value: string | null) =>
  value === null ? facts : [...facts, [label, value] as [string, string]];

const host = (url: string) => /^\w+:\/\/([^/?#]+)/.exec(url)?.[1] ?? url;

export const MESSAGES: Catalogue = {
  provisioning_completed: {
    ja: (d, f) => ({
      subject: `【プロビジョニング完了】${d.customerName}`,
      summary: `${d.customerName} のご注文のプロビジョニングが完了しました。`,
      facts: [
        ['お客様', d.customerName],
        ['注文', d.orderId],
        ['内容', items(d.items, f)],
      ],
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Provisioning completed: ${d.customerName}`,
      summary: `The order for ${d.customerName} has been provisioned.`,
      facts: [
        ['Customer', d.customerName],
        ['Order', d.orderId],
        ['Items', items(d.items, f)],
      ],
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Bereitstellung abgeschlossen: ${d.customerName}`,
      summary: `Die Bestellung für ${d.customerName} wurde bereitgestellt.`,
      facts: [
        ['Kunde', d.customerName],
        ['Bestellung', d.orderId],
        ['Positionen', items(d.items, f)],
      ],
      notes: [],
    }),
  },

  change_completed: {
    ja: (d, f) => ({
      subject: `【変更完了】${d.subscriptionTitle}`,
      summary: `${d.customerName} の ${d.subscriptionTitle} の${CHANGES.ja[d.change]}が完了しました。`,
      facts: withQuantity(
        [
          ['お客様', d.customerName],
          ['サブスクリプション', d.subscriptionTitle],
          ['変更内容', CHANGES.ja[d.change]],
        ],
        '数量',
        quantity(d.quantityBefore, d.quantityAfter, f),
      ),
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Change completed: ${d.subscriptionTitle}`,
      summary: `${CHANGES.en[d.change]} of ${d.subscriptionTitle} for ${d.customerName} is complete.`,
      facts: withQuantity(
        [
          ['Customer', d.customerName],
          ['Subscription', d.subscriptionTitle],
          ['Change', CHANGES.en[d.change]],
        ],
        'Quantity',
        quantity(d.quantityBefore, d.quantityAfter, f),
      ),
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Änderung abgeschlossen: ${d.subscriptionTitle}`,
      summary: `${CHANGES.de[d.change]} von ${d.subscriptionTitle} für ${d.customerName} ist abgeschlossen.`,
      facts: withQuantity(
        [
          ['Kunde', d.customerName],
          ['Abonnement', d.subscriptionTitle],
          ['Änderung', CHANGES.de[d.change]],
        ],
        'Menge',
        quantity(d.quantityBefore, d.quantityAfter, f),
      ),
      notes: [],
    }),
  },

  order_failed: {
    ja: (d) => ({
      subject: `【注文失敗】${d.customerName}`,
      summary: `${d.customerName} の注文を完了できませんでした。`,
      facts: [
        ['お客様', d.customerName],
        ['注文', d.orderId],
        ['理由', d.reason],
      ],
      notes: ['コンソールで注文内容をご確認ください。'],
    }),
    en: (d) => ({
      subject: `Order failed: ${d.customerName}`,
      summary: `An order for ${d.customerName} could not be completed.`,
      facts: [
        ['Customer', d.customerName],
        ['Order', d.orderId],
        ['Reason', d.reason],
      ],
      notes: ['Please review the order in the console.'],
    }),
    de: (d) => ({
      subject: `Bestellung fehlgeschlagen: ${d.customerName}`,
      summary: `Eine Bestellung für ${d.customerName} konnte nicht abgeschlossen werden.`,
      facts: [
        ['Kunde', d.customerName],
        ['Bestellung', d.orderId],
        ['Grund', d.reason],
      ],
      notes: ['Bitte prüfen Sie die Bestellung in der Konsole.'],
    }),
  },

  order_awaiting_approval: {
    ja: (d, f) => ({
      subject: `【承認待ち】${d.customerName} の注文`,
      summary: `${d.customerName} の注文は承認されるまで保留されています。`,
      facts: [
        ['お客様', d.customerName],
        ['注文', d.orderId],
        ['金額', f.money(d.total)],
        ['理由', d.reason],
      ],
      notes: ['コンソールで承認または却下してください。'],
    }),
    en: (d, f) => ({
      subject: `Approval needed: order for ${d.customerName}`,
      summary: `An order for ${d.customerName} is on hold until you approve it.`,
      facts: [
        ['Customer', d.customerName],
        ['Order', d.orderId],
        ['Total', f.money(d.total)],
        ['Reason', d.reason],
      ],
      notes: ['Approve or reject it in the console.'],
    }),
    de: (d, f) => ({
      subject: `Genehmigung erforderlich: Bestellung für ${d.customerName}`,
      summary: `Eine Bestellung für ${d.customerName} wartet auf Ihre Genehmigung.`,
      facts: [
        ['Kunde', d.customerName],
        ['Bestellung', d.orderId],
        ['Summe', f.money(d.total)],
        ['Grund', d.reason],
      ],
      notes: ['Bitte genehmigen oder ablehnen Sie sie in der Konsole.'],
    }),
  },

  scheduled_change_executed: {
    ja: (d, f) => ({
      subject: `【予約変更の実行】${d.subscriptionTitle}`,
      summary: `${f.date(d.effectiveOn)} に予約されていた ${d.subscriptionTitle}（${d.customerName}）の${CHANGES.ja[d.change]}を実行しました。`,
      facts: withQuantity(
        [
          ['お客様', d.customerName],
          ['サブスクリプション', d.subscriptionTitle],
          ['変更内容', CHANGES.ja[d.change]],
          ['適用日', f.date(d.effectiveOn)],
        ],
        '数量',
        quantity(null, d.quantityAfter, f),
      ),
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Scheduled change carried out: ${d.subscriptionTitle}`,
      summary: `The ${CHANGES.en[d.change].toLowerCase()} of ${d.subscriptionTitle} for ${d.customerName} scheduled for ${f.date(d.effectiveOn)} has been carried out.`,
      facts: withQuantity(
        [
          ['Customer', d.customerName],
          ['Subscription', d.subscriptionTitle],
          ['Change', CHANGES.en[d.change]],
          ['Effective', f.date(d.effectiveOn)],
        ],
        'Quantity',
        quantity(null, d.quantityAfter, f),
      ),
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Geplante Änderung ausgeführt: ${d.subscriptionTitle}`,
      summary: `Die für den ${f.date(d.effectiveOn)} geplante ${CHANGES.de[d.change]} von ${d.subscriptionTitle} für ${d.customerName} wurde ausgeführt.`,
      facts: withQuantity(
        [
          ['Kunde', d.customerName],
          ['Abonnement', d.subscriptionTitle],
          ['Änderung', CHANGES.de[d.change]],
          ['Wirksam ab', f.date(d.effectiveOn)],
        ],
        'Menge',
        quantity(null, d.quantityAfter, f),
      ),
      notes: [],
    }),
  },

  renewal_notice: {
    ja: (d, f) =>
      d.autoRenew
        ? {
            subject: `【更新のお知らせ】${d.subscriptionTitle}（${f.date(d.termEnd)} 更新）`,
            summary: `${d.customerName} の ${d.subscriptionTitle} は ${f.date(d.termEnd)} に自動更新されます。`,
            facts: [
              ['お客様', d.customerName],
              ['サブスクリプション', d.subscriptionTitle],
              ['数量', f.number(d.quantity)],
              ['更新日', f.date(d.termEnd)],
            ],
            notes: [
              '数量の変更や更新の停止をご希望の場合は、更新日までにお手続きください。更新後の数量削減は次回の更新時のみ可能です。',
            ],
          }
        : {
            subject: `【契約終了のお知らせ】${d.subscriptionTitle}（${f.date(f.dayBefore(d.termEnd))} 終了）`,
            summary: `${d.customerName} の ${d.subscriptionTitle} は ${f.date(f.dayBefore(d.termEnd))} で終了し、自動更新されません。`,
            facts: [
              ['お客様', d.customerName],
              ['サブスクリプション', d.subscriptionTitle],
              ['数量', f.number(d.quantity)],
              ['終了日', f.date(f.dayBefore(d.termEnd))],
            ],
            notes: ['継続をご希望の場合は、終了日までに自動更新を有効にするか、更新をご注文ください。'],
          },
    en: (d, f) =>
      d.autoRenew
        ? {
            subject: `Renewal on ${f.date(d.termEnd)}: ${d.subscriptionTitle}`,
            summary: `${d.subscriptionTitle} for ${d.customerName} renews automatically on ${f.date(d.termEnd)} for another term.`,
            facts: [
              ['Customer', d.customerName],
              ['Subscription', d.subscriptionTitle],
              ['Quantity', f.number(d.quantity)],
              ['Renewal date', f.date(d.termEnd)],
            ],
            notes: [
              'To change the quantity or stop the renewal, make the change before that date. After the renewal, seats can only be reduced at the next renewal.',
            ],
          }
        : {
            subject: `Term ends on ${f.date(f.dayBefore(d.termEnd))}: ${d.subscriptionTitle}`,
            summary: `${d.subscriptionTitle} for ${d.customerName} ends on ${f.date(f.dayBefore(d.termEnd))} and will not renew.`,
            facts: [
              ['Customer', d.customerName],
              ['Subscription', d.subscriptionTitle],
              ['Quantity', f.number(d.quantity)],
              ['Last day', f.date(f.dayBefore(d.termEnd))],
            ],
            notes: ['To keep the service, turn on auto-renew or order a renewal before that date.'],
          },
    de: (d, f) =>
      d.autoRenew
        ? {
            subject: `Verlängerung am ${f.date(d.termEnd)}: ${d.subscriptionTitle}`,
            summary: `${d.subscriptionTitle} für ${d.customerName} verlängert sich am ${f.date(d.termEnd)} automatisch um eine weitere Laufzeit.`,
            facts: [
              ['Kunde', d.customerName],
              ['Abonnement', d.subscriptionTitle],
              ['Menge', f.number(d.quantity)],
              ['Verlängerung am', f.date(d.termEnd)],
            ],
            notes: [
              'Wenn Sie die Menge ändern oder die Verlängerung beenden möchten, tun Sie dies vor diesem Datum. Nach der Verlängerung kann die Menge erst zur nächsten Verlängerung reduziert werden.',
            ],
          }
        : {
            subject: `Laufzeitende am ${f.date(f.dayBefore(d.termEnd))}: ${d.subscriptionTitle}`,
            summary: `${d.subscriptionTitle} für ${d.customerName} endet am ${f.date(f.dayBefore(d.termEnd))} und verlängert sich nicht.`,
            facts: [
              ['Kunde', d.customerName],
              ['Abonnement', d.subscriptionTitle],
              ['Menge', f.number(d.quantity)],
              ['Letzter Tag', f.date(f.dayBefore(d.termEnd))],
            ],
            notes: [
              'Um den Dienst zu behalten, aktivieren Sie die automatische Verlängerung oder bestellen Sie vor diesem Datum eine Verlängerung.',
            ],
          },
  },

  budget_threshold: {
    ja: (d, f) => ({
      subject: `【予算アラート】予定額の${d.threshold}%に到達（${d.customerName}）`,
      summary: `${d.customerName} の${f.month(d.period)}の当月利用額が予定額の${d.threshold}%に達しました。`,
      facts: [
        ['当月利用額', f.money(d.monthToDate)],
        ['予定額', f.money(d.planned)],
        ['しきい値', `${d.threshold}%`],
      ],
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Budget alert: ${d.threshold}% of the planned amount reached (${d.customerName})`,
      summary: `Month-to-date usage of ${d.customerName} in ${f.month(d.period)} has reached ${d.threshold}% of the planned amount.`,
      facts: [
        ['Month to date', f.money(d.monthToDate)],
        ['Planned amount', f.money(d.planned)],
        ['Threshold', `${d.threshold}%`],
      ],
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Budgetwarnung: ${d.threshold} % des Planbetrags erreicht (${d.customerName})`,
      summary: `Die Nutzung von ${d.customerName} im ${f.month(d.period)} hat ${d.threshold} % des Planbetrags erreicht.`,
      facts: [
        ['Bisher im Monat', f.money(d.monthToDate)],
        ['Planbetrag', f.money(d.planned)],
        ['Schwelle', `${d.threshold} %`],
      ],
      notes: [],
    }),
  },

  usage_spike: {
    ja: (d, f) => ({
      subject: `【利用急増】${f.date(d.date)}（${d.customerName}）`,
      summary: `${d.customerName} の ${f.date(d.date)} の Azure 利用額（${f.money(d.amount)}）が、前の2日間のいずれかの日の2倍以上になりました。`,
      facts: [
        ['利用日', f.date(d.date)],
        ['利用額', f.money(d.amount)],
        ...d.previous.map((p): [string, string] => [f.date(p.date), f.money(p.amount)]),
      ],
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Usage spike on ${f.date(d.date)} (${d.customerName})`,
      summary: `Azure usage of ${d.customerName} on ${f.date(d.date)} (${f.money(d.amount)}) is at least double that of one of the two days before.`,
      facts: [
        ['Day', f.date(d.date)],
        ['Usage', f.money(d.amount)],
        ...d.previous.map((p): [string, string] => [f.date(p.date), f.money(p.amount)]),
      ],
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Nutzungsspitze am ${f.date(d.date)} (${d.customerName})`,
      summary: `Die Azure-Nutzung von ${d.customerName} am ${f.date(d.date)} (${f.money(d.amount)}) ist mindestens doppelt so hoch wie an einem der beiden Vortage.`,
      facts: [
        ['Tag', f.date(d.date)],
        ['Nutzung', f.money(d.amount)],
        ...d.previous.map((p): [string, string] => [f.date(p.date), f.money(p.amount)]),
      ],
      notes: [],
    }),
  },

  forecast_over_budget: {
    ja: (d, f) => ({
      subject: `【予算超過見込み】${f.month(d.period)}（${d.customerName}）`,
      summary: `現在のペースでは、${d.customerName} の${f.month(d.period)}の利用額が月末までに予定額を超える見込みです。`,
      facts: [
        ['月末予測', f.money(d.forecast)],
        ['予定額', f.money(d.planned)],
        ['当月利用額', f.money(d.monthToDate)],
      ],
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Forecast over budget for ${f.month(d.period)} (${d.customerName})`,
      summary: `At the current rate, usage of ${d.customerName} will exceed the planned amount by the end of ${f.month(d.period)}.`,
      facts: [
        ['Month-end forecast', f.money(d.forecast)],
        ['Planned amount', f.money(d.planned)],
        ['Month to date', f.money(d.monthToDate)],
      ],
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Prognose über Budget für ${f.month(d.period)} (${d.customerName})`,
      summary: `Bei gleichbleibender Nutzung überschreitet ${d.customerName} den Planbetrag bis Ende ${f.month(d.period)}.`,
      facts: [
        ['Prognose Monatsende', f.money(d.forecast)],
        ['Planbetrag', f.money(d.planned)],
        ['Bisher im Monat', f.money(d.monthToDate)],
      ],
      notes: [],
    }),
  },

  provisional_credit_exceeded: {
    ja: (d, f) => ({
      subject: `【仮与信額超過】${d.subjectName}`,
      summary: `${d.subjectName} の${f.month(d.period)}の利用額が仮与信額を超えました。`,
      facts: [
        ['利用額', f.money(d.usage)],
        ['仮与信額', f.money(d.provisionalCredit)],
      ],
      notes: [],
    }),
    en: (d, f) => ({
      subject: `Provisional credit exceeded: ${d.subjectName}`,
      summary: `Usage of ${d.subjectName} in ${f.month(d.period)} exceeds its provisional credit amount.`,
      facts: [
        ['Usage', f.money(d.usage)],
        ['Provisional credit', f.money(d.provisionalCredit)],
      ],
      notes: [],
    }),
    de: (d, f) => ({
      subject: `Vorläufiger Kreditrahmen überschritten: ${d.subjectName}`,
      summary: `Die Nutzung von ${d.subjectName} im ${f.month(d.period)} übersteigt den vorläufigen Kreditrahmen.`,
      facts: [
        ['Nutzung', f.money(d.usage)],
        ['Vorläufiger Kreditrahmen', f.money(d.provisionalCredit)],
      ],
      notes: [],
    }),
  },

  credit_level: {
    ja: (d, f) => ({
      subject: `【与信レベル「${LEVELS.ja[d.level]}」】${d.subjectName}`,
      summary: `${d.subjectName} の${TRIGGERS.ja[d.trigger]}が与信レベル「${LEVELS.ja[d.level]}」を超えました。`,
      facts: [
        [TRIGGERS.ja[d.trigger], f.money(d.amount)],
        [`「${LEVELS.ja[d.level]}」レベル`, f.money(d.levelAmount)],
        ['対象月', f.month(d.period)],
      ],
      notes: [LEVEL_EFFECT.ja[d.level]],
    }),
    en: (d, f) => ({
      subject: `Credit level "${LEVELS.en[d.level]}" passed: ${d.subjectName}`,
      summary: `The ${TRIGGERS.en[d.trigger]} of ${d.subjectName} has passed the "${LEVELS.en[d.level]}" credit level.`,
      facts: [
        [TRIGGERS.en[d.trigger].replace(/^./, (c) => c.toUpperCase()), f.money(d.amount)],
        [`Level "${LEVELS.en[d.level]}"`, f.money(d.levelAmount)],
        ['Month', f.month(d.period)],
      ],
      notes: [LEVEL_EFFECT.en[d.level]],
    }),
    de: (d, f) => ({
      subject: `Kreditstufe „${LEVELS.de[d.level]}“ überschritten: ${d.subjectName}`,
      summary: `${TRIGGERS.de[d.trigger]} von ${d.subjectName} hat die Kreditstufe „${LEVELS.de[d.level]}“ überschritten.`,
      facts: [
        [TRIGGERS.de[d.trigger], f.money(d.amount)],
        [`Stufe „${LEVELS.de[d.level]}“`, f.money(d.levelAmount)],
        ['Monat', f.month(d.period)],
      ],
      notes: [LEVEL_EFFECT.de[d.level]],
    }),
  },

  invoice_issued: {
    ja: (d, f) => ({
      subject: `【請求書発行】${d.invoiceNumber}（${d.issuerName}）`,
      summary: `請求書 ${d.invoiceNumber}（${f.money(d.total)}）を発行しました。`,
      facts: [
        ['請求書番号', d.invoiceNumber],
        ['発行日', f.date(d.issueDate)],
        ['請求金額', f.money(d.total)],
        ['お支払期限', d.dueDate ? f.date(d.dueDate) : '–'],
      ],
      notes: ['請求書はコンソールからダウンロードできます。'],
    }),
    en: (d, f) => ({
      subject: `Invoice ${d.invoiceNumber} from ${d.issuerName}`,
      summary: `Invoice ${d.invoiceNumber} for ${f.money(d.total)} has been issued.`,
      facts: [
        ['Invoice', d.invoiceNumber],
        ['Issue date', f.date(d.issueDate)],
        ['Amount', f.money(d.total)],
        ['Due date', d.dueDate ? f.date(d.dueDate) : '–'],
      ],
      notes: ['You can download the invoice from the console.'],
    }),
    de: (d, f) => ({
      subject: `Rechnung ${d.invoiceNumber} von ${d.issuerName}`,
      summary: `Die Rechnung ${d.invoiceNumber} über ${f.money(d.total)} wurde ausgestellt.`,
      facts: [
        ['Rechnung', d.invoiceNumber],
        ['Rechnungsdatum', f.date(d.issueDate)],
        ['Betrag', f.money(d.total)],
        ['Fällig am', d.dueDate ? f.date(d.dueDate) : '–'],
      ],
      notes: ['Sie können die Rechnung in der Konsole herunterladen.'],
    }),
  },

  payment_overdue: {
    ja: (d, f) => ({
      subject: `【お支払期限超過】請求書 ${d.invoiceNumber}`,
      summary: `請求書 ${d.invoiceNumber} のお支払い（${f.money(d.amountDue)}）がお支払期限（${f.date(d.dueDate)}）を${f.number(d.daysOverdue)}日過ぎています。`,
      facts: [
        ['請求書番号', d.invoiceNumber],
        ['未払額', f.money(d.amountDue)],
        ['お支払期限', f.date(d.dueDate)],
      ],
      notes: ['すでにお支払い済みの場合は、本メールと行き違いとなりましたことをご容赦ください。'],
    }),
    en: (d, f) => ({
      subject: `Payment overdue: invoice ${d.invoiceNumber}`,
      summary: `Payment of ${f.money(d.amountDue)} for invoice ${d.invoiceNumber} was due on ${f.date(d.dueDate)} and is ${f.number(d.daysOverdue)} days overdue.`,
      facts: [
        ['Invoice', d.invoiceNumber],
        ['Amount due', f.money(d.amountDue)],
        ['Due date', f.date(d.dueDate)],
      ],
      notes: ['If you have already paid, please disregard this message.'],
    }),
    de: (d, f) => ({
      subject: `Zahlung überfällig: Rechnung ${d.invoiceNumber}`,
      summary: `Die Zahlung von ${f.money(d.amountDue)} für die Rechnung ${d.invoiceNumber} war am ${f.date(d.dueDate)} fällig und ist seit ${f.number(d.daysOverdue)} Tagen überfällig.`,
      facts: [
        ['Rechnung', d.invoiceNumber],
        ['Offener Betrag', f.money(d.amountDue)],
        ['Fällig am', f.date(d.dueDate)],
      ],
      notes: ['Falls Sie bereits bezahlt haben, betrachten Sie diese Nachricht bitte als gegenstandslos.'],
    }),
  },

  webhook_endpoint_disabled: {
    ja: (d, f) => ({
      subject: `【Webhook 停止】${host(d.url)}`,
      summary: `配信が${f.number(d.failures)}回連続で失敗したため、Webhook エンドポイント ${d.url} を停止しました。`,
      facts: [
        ['エンドポイント', d.url],
        ['連続失敗回数', f.number(d.failures)],
        ['最後のエラー', d.lastError ?? '–'],
      ],
      notes: [
        '受信側を修正した後、エンドポイントを再度有効にし、配信ログから失敗したイベントを再送してください。',
      ],
    }),
    en: (d, f) => ({
      subject: `Webhook endpoint disabled: ${host(d.url)}`,
      summary: `The webhook endpoint ${d.url} was disabled after ${f.number(d.failures)} failed deliveries in a row.`,
      facts: [
        ['Endpoint', d.url],
        ['Failures in a row', f.number(d.failures)],
        ['Last error', d.lastError ?? '–'],
      ],
      notes: [
        'Fix the receiver, then enable the endpoint again and re-deliver the failed events from its delivery log.',
      ],
    }),
    de: (d, f) => ({
      subject: `Webhook-Endpunkt deaktiviert: ${host(d.url)}`,
      summary: `Der Webhook-Endpunkt ${d.url} wurde nach ${f.number(d.failures)} fehlgeschlagenen Zustellungen in Folge deaktiviert.`,
      facts: [
        ['Endpunkt', d.url],
        ['Fehlschläge in Folge', f.number(d.failures)],
        ['Letzter Fehler', d.lastError ?? '–'],
      ],
      notes: [
        'Beheben Sie den Fehler beim Empfänger, aktivieren Sie den Endpunkt wieder und stellen Sie die fehlgeschlagenen Ereignisse aus dem Zustellprotokoll erneut zu.',
      ],
    }),
  },
};

export function messageFor<T extends EventType>(
  type: T,
  locale: Locale,
  data: EventDataMap[T],
  f: Formatters,
): MessageCopy {
  const render = MESSAGES[type][locale] as Renderer<T>;
  return render(data, f);
}
