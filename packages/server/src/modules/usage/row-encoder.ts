import type { ColumnMapping, UsageFieldKey } from './columns.ts';
import type { Rateable } from './rating.ts';
import type { QuarantineReason } from './usage.tables.ts';

/**
 * Checks the fields of one usage record that decide where it goes and whether PostgreSQL can type
 * it, while the file streams by, and reads what the line router needs: customer, normalised dates
 * and currency, Azure subscription, rating combination. Everything it accepts loads into
 * `usage_lines` without a cast error (numbers are validated here to what `numeric` input accepts),
 * so COPY never fails on a value and a bad line never costs more than its own quarantine row.
 *
 * Values repeat massively in usage files (a few dates, currencies, subscriptions per file), so the
 * parsed form of each distinct text is memoised.
 */

export interface Problem {
  reason: QuarantineReason;
  message: string;
}

/** What the encoder read from a good record. One object, overwritten by the next record. */
export interface EncodedLine {
  combo: Combo;
  customerId: string;
  /** YYYY-MM-DD */
  usageDate: string;
  billingCurrency: string;
  /** Charge start, charge end, exchange rate date: YYYY-MM-DD or ''. */
  dates: [string, string, string];
  /** The Azure subscription (entitlement id, else subscription id), lower case. */
  entitlementId: string;
  /** SubscriptionId as the file has it (else the entitlement id). */
  subscriptionId: string;
  /** InvoiceNumber, '' for unbilled data. */
  invoiceNumber: string;
  resourceGroup: string;
  pricingCurrency: string;
  /** Quantity and BillingPreTaxTotal as written (validated decimals). */
  quantity: string;
  cost: string;
  /**
   * The pay-as-you-go list's factors, UnitPrice and PCToBCExchangeRate ('1' when pricing and billing
   * currency agree); null when the line has no list price.
   */
  list: [unitPrice: string, exchangeRate: string] | null;
}

/** Fields loaded as `numeric` (validated here) — the rest of the record stays text. */
export const NUMERIC_FIELDS: readonly UsageFieldKey[] = [
  'unit_price',
  'quantity',
  'billing_pre_tax_total',
  'pricing_pre_tax_total',
  'effective_unit_price',
  'exchange_rate',
  'pec_percent',
  'credit_percent',
];

const REQUIRED_NUMERIC = new Set<UsageFieldKey>(['quantity', 'billing_pre_tax_total']);
const OPTIONAL_DATES = ['charge_start_date', 'charge_end_date', 'exchange_rate_date'] as const;

const QUOTE = 0x22;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])/;
const US = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:$|[T ])/;
const GUID = /^\{?[0-9A-Fa-f]{8}-?([0-9A-Fa-f]{4}-?){3}[0-9A-Fa-f]{12}\}?$/;
const CURRENCY = /^[A-Za-z]{3}$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 'YYYY-MM-DD' for ISO 8601 or the portal's M/D/YYYY (optionally with a time); null otherwise. */
export function normaliseDate(text: string): string | null {
  const t = text.trim();
  let y: number;
  let m: number;
  let d: number;
  let match = ISO.exec(t);
  if (match) {
    y = Number(match[1]);
    m = Number(match[2]);
    d = Number(match[3]);
  } else {
    match = US.exec(t);
    if (!match) return null;
    m = Number(match[1]);
    d = Number(match[2]);
    y = Number(match[3]);
  }
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * True for what PostgreSQL's numeric input takes and we want: an optional sign, digits with an
 * optional point, an optional exponent (at most 3 digits), surrounding blanks. Never NaN/Infinity.
 */
export function isDecimal(text: string): boolean {
  let i = 0;
  let n = text.length;
  while (i < n && text.charCodeAt(i) === 32) i++;
  while (n > i && text.charCodeAt(n - 1) === 32) n--;
  if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
  let digits = 0;
  while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
    i++;
    digits++;
  }
  if (i < n && text.charCodeAt(i) === 46) {
    i++;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69)) {
    i++;
    if (i < n && (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45)) i++;
    let exp = 0;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) {
      i++;
      exp++;
    }
    if (exp === 0 || exp > 3) return false;
  }
  return i === n;
}

/**
 * A rating combination: lines of one customer, meter category, billing currency, with or without a
 * known list price (and one meter, when a price rule names it; '' otherwise). One object per
 * combination for the whole file: the rater keeps its last rated stretch of days on it.
 */
export type Combo = Rateable;

/** The last value seen in one column and what it was read as (consecutive lines repeat a lot). */
interface LastValue<T> {
  bytes: Buffer;
  value: T;
}

/** Microsoft's rate of a month, as the lines state it (PCToBCExchangeRate). */
export interface SeenExchangeRate {
  from: string;
  to: string;
  /** YYYY-MM-01 */
  month: string;
  rate: string;
}

export class RowEncoder {
  readonly #combos = new Map<string, Combo>();
  /** Azure subscription (entitlement) → its customer, plan subscription and name. */
  readonly subscriptions = new Map<
    string,
    { customerId: string; subscriptionId: string; description: string }
  >();
  /** Pricing → billing currency rates met on good lines, one per month and pair. */
  readonly exchangeRates = new Map<string, SeenExchangeRate>();
  readonly #index: Partial<Record<UsageFieldKey, number>> = {};
  readonly #columns: readonly string[];
  readonly #last: number;
  readonly #customers: ReadonlyMap<string, string>;
  readonly #dates = new Map<string, string | null>();
  readonly #tenants = new Map<string, string | null>();
  /** Subscription id text → its lower-case form, or null when it is no GUID. */
  readonly #guids = new Map<string, string | null>();
  readonly #numeric: { field: UsageFieldKey; index: number }[] = [];
  readonly #lastValues = new Map<number, LastValue<unknown>>();
  // The record being encoded and the bounds found by #bounds().
  #record: Buffer = Buffer.alloc(0);
  #commas: Int32Array = new Int32Array(0);
  #s = 0;
  #e = 0;

  /** Lower-cased meter ids some price rule names: only they split a combination by meter. */
  readonly #namedMeters: ReadonlySet<string>;

  /**
   * `customers`: Microsoft tenant id (lower case) → customer organisation id. `namedMeters`: the
   * meters (lower case) that price rules of the provider's tree target.
   */
  constructor(
    mapping: ColumnMapping,
    customers: ReadonlyMap<string, string>,
    namedMeters: ReadonlySet<string> = new Set(),
  ) {
    this.#namedMeters = namedMeters;
    for (const [field, index] of mapping.fieldIndex) this.#index[field] = index;
    this.#columns = mapping.columns;
    this.#last = mapping.columns.length - 1;
    this.#customers = customers;
    for (const field of NUMERIC_FIELDS) {
      const index = mapping.fieldIndex.get(field);
      if (index !== undefined) this.#numeric.push({ field, index });
    }
  }

  /** Sets #s/#e to the field's bytes (quotes excluded); false when the field is empty. */
  #bounds(index: number): boolean {
    let s = index === 0 ? 0 : this.#commas[index - 1]! + 1;
    let e = index === this.#last ? this.#record.length : this.#commas[index]!;
    if (e > s && this.#record[s] === QUOTE) {
      s += 1;
      e -= 1;
    }
    this.#s = s;
    this.#e = e;
    return e > s;
  }

  /** The field as text (null when empty); quoted fields are unescaped. */
  #text(index: number | undefined): string | null {
    if (index === undefined || !this.#bounds(index)) return null;
    const quoted = this.#s > 0 && this.#record[this.#s - 1] === QUOTE;
    const text = this.#record.toString('utf8', this.#s, this.#e);
    if (!quoted) return text;
    const unescaped = text.replace(/""/g, '"');
    return unescaped.trim() === '' ? null : unescaped;
  }

  /** `read(text)` of the field, reusing the previous line's result when the bytes are the same. */
  #cached<T>(index: number, read: (text: string) => T): T | undefined {
    if (!this.#bounds(index)) return undefined;
    const last = this.#lastValues.get(index) as LastValue<T> | undefined;
    const length = this.#e - this.#s;
    if (last && last.bytes.length === length) {
      // A loop beats a native compare for a few dozen bytes (no call across into C++).
      const record = this.#record;
      const bytes = last.bytes;
      const s = this.#s;
      let k = 0;
      while (k < length && record[s + k] === bytes[k]) k++;
      if (k === length) return last.value;
    }
    const text = this.#text(index);
    if (text === null) return undefined;
    const value = read(text);
    this.#lastValues.set(index, { bytes: Buffer.from(this.#record.subarray(this.#s, this.#e)), value });
    return value;
  }

  #name(key: UsageFieldKey): string {
    return this.#columns[this.#index[key]!] ?? key;
  }

  readonly #line: EncodedLine = {
    combo: undefined as unknown as Combo,
    customerId: '',
    usageDate: '',
    billingCurrency: '',
    dates: ['', '', ''],
    entitlementId: '',
    subscriptionId: '',
    invoiceNumber: '',
    resourceGroup: '',
    pricingCurrency: '',
    quantity: '',
    cost: '',
    list: null,
  };

  /**
   * What a record that can load holds, or its problem. `commas` holds the offsets of the record's
   * field separators. The result is overwritten by the next call.
   */
  encode(record: Buffer, commas: Int32Array): EncodedLine | Problem {
    this.#record = record;
    this.#commas = commas;
    const index = this.#index;

    const tenantText = this.#cached(index.customer_tenant!, (t) => t);
    if (tenantText === undefined)
      return { reason: 'missing_value', message: `${this.#name('customer_tenant')} is empty.` };
    const usageDate = this.#cached(index.usage_date!, (t) => this.#date(t));
    if (usageDate === undefined)
      return { reason: 'missing_value', message: `${this.#name('usage_date')} is empty.` };
    if (usageDate === null) {
      return {
        reason: 'invalid_date',
        message: `${this.#name('usage_date')} ${quote(this.#text(index.usage_date) ?? '')} is not a date.`,
      };
    }
    for (const { field: key, index: column } of this.#numeric) {
      if (!this.#bounds(column)) {
        if (REQUIRED_NUMERIC.has(key))
          return { reason: 'missing_value', message: `${this.#name(key)} is empty.` };
        continue;
      }
      if (!isDecimalBytes(record, this.#s, this.#e)) {
        const text = this.#text(column) ?? '';
        if (text.trim() === '') {
          if (REQUIRED_NUMERIC.has(key))
            return { reason: 'missing_value', message: `${this.#name(key)} is empty.` };
          return { reason: 'invalid_number', message: `${this.#name(key)} is blank.` };
        }
        return { reason: 'invalid_number', message: `${this.#name(key)} ${quote(text)} is not a number.` };
      }
    }
    const currency = this.#cached(index.billing_currency!, (t) => {
      const c = t.trim();
      return CURRENCY.test(c) ? c.toUpperCase() : null;
    });
    if (currency === undefined) {
      return { reason: 'missing_value', message: `${this.#name('billing_currency')} is empty.` };
    }
    if (currency === null) {
      return {
        reason: 'invalid_currency',
        message: `${this.#name('billing_currency')} ${quote(this.#text(index.billing_currency) ?? '')} is not a currency code.`,
      };
    }
    const dates = this.#line.dates;
    dates[0] = dates[1] = dates[2] = '';
    for (let d = 0; d < OPTIONAL_DATES.length; d++) {
      const key = OPTIONAL_DATES[d]!;
      const column = index[key];
      if (column === undefined) continue;
      const date = this.#cached(column, (t) => this.#date(t));
      if (date === undefined) continue;
      if (date === null) {
        return {
          reason: 'invalid_date',
          message: `${this.#name(key)} ${quote(this.#text(column) ?? '')} is not a date.`,
        };
      }
      dates[d] = date;
    }
    const entitlement =
      index.entitlement_id === undefined ? undefined : this.#cached(index.entitlement_id, (t) => t);
    const subscription =
      index.subscription_id === undefined ? undefined : this.#cached(index.subscription_id, (t) => t);
    if (entitlement === undefined && subscription === undefined) {
      return { reason: 'missing_value', message: 'EntitlementId and SubscriptionId are empty.' };
    }
    let azureSubscription: string | null = null;
    for (const id of [entitlement, subscription]) {
      if (id === undefined) continue;
      const normalised = this.#guid(id);
      if (normalised === null) {
        return {
          reason: 'unknown_subscription',
          message: `Subscription ${quote(id)} is not a Microsoft subscription id.`,
        };
      }
      azureSubscription ??= normalised;
    }
    const customer = this.#customer(tenantText);
    if (customer === null) {
      return {
        reason: 'unknown_customer',
        message: `No customer of this provider has the Microsoft tenant id ${quote(tenantText)}.`,
      };
    }
    const pricingCurrency =
      index.pricing_currency === undefined ? undefined : this.#cached(index.pricing_currency, upperTrim);
    const rateText = index.exchange_rate === undefined ? undefined : this.#cached(index.exchange_rate, trim);
    const hasList =
      index.unit_price !== undefined &&
      this.#bounds(index.unit_price) &&
      (rateText !== undefined || pricingCurrency === currency);
    if (rateText !== undefined && pricingCurrency !== undefined && pricingCurrency !== currency) {
      const month = `${(dates[2] || usageDate).slice(0, 7)}-01`;
      const key = `${pricingCurrency}|${currency}|${month}`;
      if (!this.exchangeRates.has(key) && CURRENCY.test(pricingCurrency) && !/^[+]?[0.]*$/.test(rateText)) {
        this.exchangeRates.set(key, { from: pricingCurrency, to: currency, month, rate: rateText });
      }
    }
    if (azureSubscription !== null && !this.subscriptions.has(azureSubscription)) {
      this.subscriptions.set(azureSubscription, {
        customerId: customer,
        subscriptionId: subscription ?? entitlement ?? '',
        description: this.#text(index.entitlement_description) ?? '',
      });
    }
    // A combination is one meter only when a rule names that meter; otherwise all meters of a
    // category price alike, and one combination (one daily row per tier) covers them.
    let meter = '';
    if (this.#namedMeters.size > 0 && index.meter_id !== undefined) {
      const id = this.#cached(index.meter_id, lowerTrim);
      if (id !== undefined && this.#namedMeters.has(id)) meter = id;
    }
    const category = (
      index.meter_category !== undefined && this.#bounds(index.meter_category) ? this.#rawKey() : ''
    ) as string;
    const key = `${customer}|${currency}|${hasList ? 1 : 0}|${meter}|${category}`;
    let combo = this.#combos.get(key);
    if (combo === undefined) {
      combo = {
        customer_id: customer,
        meter_id: meter,
        meter_category: this.#text(index.meter_category) ?? '',
        has_list: hasList,
        billing_currency: currency,
      };
      this.#combos.set(key, combo);
    }
    const line = this.#line;
    line.combo = combo;
    line.customerId = customer;
    line.usageDate = usageDate;
    line.billingCurrency = currency;
    line.entitlementId = azureSubscription ?? '';
    line.subscriptionId = subscription ?? entitlement ?? '';
    line.invoiceNumber =
      index.invoice_number === undefined ? '' : (this.#cached(index.invoice_number, trim) ?? '');
    line.pricingCurrency = pricingCurrency ?? '';
    line.resourceGroup = this.#resourceGroup();
    line.quantity = this.#text(index.quantity!)!;
    line.cost = this.#text(index.billing_pre_tax_total!)!;
    line.list = hasList ? [this.#cached(index.unit_price!, keep)!, rateText ?? '1'] : null;
    return line;
  }

  /** ResourceGroup, else the group named in ResourceURI (…/resourceGroups/<name>/…), else ''. */
  #resourceGroup(): string {
    const index = this.#index;
    const group = index.resource_group === undefined ? undefined : this.#cached(index.resource_group, keep);
    if (group !== undefined) return group;
    if (index.resource_uri === undefined) return '';
    return this.#cached(index.resource_uri, groupOfUri) ?? '';
  }

  /** The current field's raw bytes as a map key (not decoded: a key only has to be distinct). */
  #rawKey(): string {
    return this.#record.toString('latin1', this.#s, this.#e);
  }

  #date(text: string): string | null {
    let value = this.#dates.get(text);
    if (value === undefined) {
      value = normaliseDate(text);
      if (this.#dates.size < 10_000) this.#dates.set(text, value);
    }
    return value;
  }

  #customer(text: string): string | null {
    let value = this.#tenants.get(text);
    if (value === undefined) {
      value =
        this.#customers.get(
          text
            .trim()
            .toLowerCase()
            .replace(/^\{|\}$/g, ''),
        ) ?? null;
      if (this.#tenants.size < 1_000_000) this.#tenants.set(text, value);
    }
    return value;
  }

  #guid(text: string): string | null {
    let value = this.#guids.get(text);
    if (value === undefined) {
      const t = text.trim();
      value = GUID.test(t) ? t.toLowerCase() : null;
      if (this.#guids.size < 1_000_000) this.#guids.set(text, value);
    }
    return value;
  }
}

/** isDecimal on the bytes of a field, without decoding them. */
export function isDecimalBytes(b: Buffer, start: number, end: number): boolean {
  let i = start;
  let n = end;
  while (i < n && b[i] === 32) i++;
  while (n > i && b[n - 1] === 32) n--;
  if (i < n && (b[i] === 43 || b[i] === 45)) i++;
  let digits = 0;
  while (i < n && b[i]! >= 48 && b[i]! <= 57) {
    i++;
    digits++;
  }
  if (i < n && b[i] === 46) {
    i++;
    while (i < n && b[i]! >= 48 && b[i]! <= 57) {
      i++;
      digits++;
    }
  }
  if (digits === 0) return false;
  if (i < n && (b[i] === 101 || b[i] === 69)) {
    i++;
    if (i < n && (b[i] === 43 || b[i] === 45)) i++;
    let exp = 0;
    while (i < n && b[i]! >= 48 && b[i]! <= 57) {
      i++;
      exp++;
    }
    if (exp === 0 || exp > 3) return false;
  }
  return i === n;
}

const trim = (t: string) => t.trim();
const keep = (t: string) => t;
const groupOfUri = (uri: string) => /\/resourceGroups\/([^/]+)/i.exec(uri)?.[1] ?? '';
const upperTrim = (t: string) => t.trim().toUpperCase();
const lowerTrim = (t: string) => t.trim().toLowerCase();

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
