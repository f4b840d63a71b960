import type { ColumnMapping, UsageFieldKey } from './columns.ts';
import type { RecordRouter, Routed } from './csv-scanner.ts';
import { addInto, type Exact, exactText, parseExact, plus, times } from './exact-decimal.ts';
import type { Rate, UsageRater } from './rating.ts';
import { type EncodedLine, NUMERIC_FIELDS, type Problem, type RowEncoder } from './row-encoder.ts';
import type { Spool } from './spool.ts';

/**
 * Turns each good usage record into a row of `usage_lines`, rated, while the file streams by — the
 * single pass of an import (import-usage.ts):
 *
 * - the encoder reads and checks the record; the rater prices its combination for that day;
 * - the row is the router's columns (customer, day, currency, import, line number, normalised
 *   dates, Azure subscription, rate, pay-as-you-go list and the customer's sale, exact and
 *   unrounded) followed by the record's kept columns byte for byte;
 * - customer-days that are new go straight to COPY; lines of customer-days already stored are set
 *   aside (spooled) until the end of the file, when their fingerprints tell whether the day is
 *   unchanged, replaced or billed data that unbilled lines may not overwrite;
 * - per customer-day it sums what the fingerprint is made of (line count and two line hashes), and
 *   the day's groups (Azure subscription × meter category × rate: quantity, cost, list, lines),
 *   written as COPY rows of usage_daily_groups when the file moves on to another customer-day.
 *   Files come sorted by customer and day; when a customer-day comes back after it was written,
 *   `groupsNeedMerge` says so and the import sums the parts in SQL.
 */

/** usage_lines columns written before the record's kept columns, in this order. */
export const ROUTER_COLUMNS = [
  'customer_id',
  'usage_date',
  'billing_currency',
  'provider_id',
  'kind',
  'import_id',
  'line_no',
  'charge_start_date',
  'charge_end_date',
  'exchange_rate_date',
  'entitlement_id',
  'subscription_id',
  'resource_group',
  'pricing_currency',
  'rate_id',
  'list_amount',
  'sale',
  'sale_currency',
] as const;

/** Fields of the file stored as they are, and their usage_lines column. */
const KEPT_FIELDS: Partial<Record<UsageFieldKey, string>> = {
  customer_tenant: 'customer_tenant_id',
  invoice_number: 'invoice_number',
  subscription_description: 'subscription_description',
  entitlement_description: 'entitlement_description',
  product_id: 'product_id',
  sku_id: 'sku_id',
  product_name: 'product_name',
  sku_name: 'sku_name',
  meter_type: 'meter_type',
  meter_category: 'meter_category',
  meter_sub_category: 'meter_sub_category',
  meter_id: 'meter_id',
  meter_name: 'meter_name',
  meter_region: 'meter_region',
  unit: 'unit',
  resource_location: 'resource_location',
  consumed_service: 'consumed_service',
  resource_uri: 'resource_uri',
  tags: 'tags',
  additional_info: 'additional_info',
  charge_type: 'charge_type',
  credit_type: 'credit_type',
  quantity: 'quantity',
  unit_price: 'unit_price',
  effective_unit_price: 'effective_unit_price',
  pricing_pre_tax_total: 'pricing_pre_tax_total',
  exchange_rate: 'exchange_rate',
  pec_percent: 'pec_percent',
  credit_percent: 'credit_percent',
  billing_pre_tax_total: 'cost',
};

const NUMERIC = new Set<UsageFieldKey>(NUMERIC_FIELDS);

export interface LineLayout {
  /** The COPY column list: router columns, then the kept columns in file order. */
  columns: string[];
  keptRuns: [number, number][];
  /** Numeric columns: a quoted empty value is NULL. */
  forceNull: string[];
  /** Text columns: an unquoted empty value is '' (they are NOT NULL DEFAULT ''). */
  forceNotNull: string[];
}

export function lineLayout(mapping: ColumnMapping): LineLayout {
  const kept: { index: number; field: UsageFieldKey; column: string }[] = [];
  for (const [field, index] of mapping.fieldIndex) {
    const column = KEPT_FIELDS[field];
    if (column) kept.push({ index, field, column });
  }
  kept.sort((a, b) => a.index - b.index);
  const keptRuns: [number, number][] = [];
  for (const { index } of kept) {
    const run = keptRuns.at(-1);
    if (run && run[1] === index - 1) run[1] = index;
    else keptRuns.push([index, index]);
  }
  return {
    columns: [...ROUTER_COLUMNS, ...kept.map((k) => k.column)],
    keptRuns,
    forceNull: kept.filter((k) => NUMERIC.has(k.field)).map((k) => k.column),
    forceNotNull: kept.filter((k) => !NUMERIC.has(k.field)).map((k) => k.column),
  };
}

/** What a customer-day of the file adds up to. */
export interface DayTotals {
  customerId: string;
  usageDate: string;
  billingCurrency: string;
  lines: number;
  hash1: number;
  hash2: number;
  /** The greatest invoice number of its lines ('' when all are unbilled). */
  invoiceNumber: string;
  /** Its lines go to the spool (the customer-day is stored already). */
  staged: boolean;
  /** Its groups were written once already. */
  grouped: boolean;
}

/** The sums of one daily group, as usage_daily_groups stores them. */
interface GroupTotals {
  entitlementId: string;
  meterCategory: string;
  rateId: string;
  quantity: Exact;
  cost: Exact;
  list: Exact;
  lines: number;
}

export const GROUP_COLUMNS = [
  'customer_id',
  'usage_date',
  'billing_currency',
  'entitlement_id',
  'meter_category',
  'rate_id',
  'quantity',
  'cost',
  'list_amount',
  'line_count',
];

export const dayKey = (customerId: string, usageDate: string, currency: string) =>
  `${customerId},${usageDate},${currency}`;

export interface LineRouterOptions {
  mapping: ColumnMapping;
  encoder: RowEncoder;
  rater: UsageRater;
  providerId: string;
  importId: string;
  /** The customer-days of a month (YYYY-MM) already stored, as `dayKey`s. */
  storedDays(month: string): Promise<Set<string>>;
  /** Lines of stored customer-days, until the end of the file decides about them. */
  stage: Spool;
  /** Quarantined records, as COPY rows of usage_quarantine. */
  quarantined: Spool;
  /** Daily groups of new customer-days, and of stored ones (kept if the day is replaced). */
  groups: Spool;
  stagedGroups: Spool;
}

export class LineRouter implements RecordRouter {
  readonly layout: LineLayout;
  readonly keptRuns: readonly (readonly [number, number])[];
  /** The file's customer-days, by `dayKey`. */
  readonly days = new Map<string, DayTotals>();
  readonly #o: LineRouterOptions;
  readonly #stored = new Map<string, Set<string>>();
  readonly #prices = new WeakMap<Rate, { costFactor: Exact; listFactor: Exact }>();
  readonly #constant: string;
  readonly #routed: Routed = { prefix: '', staged: false };
  /** The customer-day being read and its groups. */
  #day: DayTotals | null = null;
  /** The day's groups by rate, meter category and Azure subscription (keys are shared strings). */
  readonly #groups = new Map<Rate, Map<string, Map<string, GroupTotals>>>();
  readonly #listFactors = new Map<string, Exact>();
  #needsMerge = false;

  constructor(options: LineRouterOptions) {
    this.#o = options;
    this.layout = lineLayout(options.mapping);
    this.keptRuns = this.layout.keptRuns;
    this.#constant = `,${options.providerId},`;
  }

  route(record: Buffer, commas: Int32Array, hash1: number, hash2: number, line: number) {
    const encoded = this.#o.encoder.encode(record, commas);
    if ('reason' in encoded) return encoded;
    const { rater } = this.#o;
    if (!rater.ready(encoded.customerId)) return rater.load(encoded.customerId);
    const month = encoded.usageDate.slice(0, 7);
    const stored = this.#stored.get(month);
    if (stored === undefined) return this.#loadMonth(month);
    const hit = rater.rate(encoded.combo, encoded.usageDate);
    if (hit.rate === null) return { reason: 'rating_failed', message: hit.error } satisfies Problem;

    const day = this.#dayOf(encoded, stored);
    day.lines += 1;
    day.hash1 += hash1;
    day.hash2 += hash2;
    if (encoded.invoiceNumber > day.invoiceNumber) day.invoiceNumber = encoded.invoiceNumber;

    const prices = this.#pricesOf(hit.rate);
    const quantity = parseExact(encoded.quantity);
    const cost = parseExact(encoded.cost);
    const list = encoded.list && times(this.#listFactor(encoded.list[0], encoded.list[1]), quantity);
    // Rates sell on cost or on the list: one of the two terms is usually zero.
    const onCost = prices.costFactor.m === 0n ? null : times(prices.costFactor, cost);
    const onList = prices.listFactor.m === 0n || list === null ? null : times(prices.listFactor, list);
    const sale = onCost && onList ? plus(onCost, onList) : (onCost ?? onList ?? ZERO);

    let byCategory = this.#groups.get(hit.rate);
    if (byCategory === undefined) {
      byCategory = new Map();
      this.#groups.set(hit.rate, byCategory);
    }
    let bySubscription = byCategory.get(encoded.combo.meter_category);
    if (bySubscription === undefined) {
      bySubscription = new Map();
      byCategory.set(encoded.combo.meter_category, bySubscription);
    }
    let group = bySubscription.get(encoded.entitlementId);
    if (group === undefined) {
      group = {
        entitlementId: encoded.entitlementId,
        meterCategory: encoded.combo.meter_category,
        rateId: hit.rate.id,
        quantity: { m: 0n, s: 0 },
        cost: { m: 0n, s: 0 },
        list: { m: 0n, s: 0 },
        lines: 0,
      };
      bySubscription.set(encoded.entitlementId, group);
    }
    addInto(group.quantity, quantity);
    addInto(group.cost, cost);
    if (list) addInto(group.list, list);
    group.lines += 1;

    const routed = this.#routed;
    routed.staged = day.staged;
    routed.prefix =
      this.#prefix(encoded, line) +
      `${hit.rate.id},${list ? exactText(list) : ''},${exactText(sale)},${hit.rate.tiers.at(-1)!.currency},`;
    return routed;
  }

  /** Whether a customer-day's groups were written in parts (the file came back to it). */
  get groupsNeedMerge(): boolean {
    return this.#needsMerge;
  }

  /** Writes the groups of the last customer-day; call once the file has been read. */
  finish(): void {
    this.#writeGroups();
  }

  #dayOf(e: EncodedLine, stored: Set<string>): DayTotals {
    const current = this.#day;
    if (
      current &&
      current.customerId === e.customerId &&
      current.usageDate === e.usageDate &&
      current.billingCurrency === e.billingCurrency
    ) {
      return current;
    }
    this.#writeGroups();
    const key = dayKey(e.customerId, e.usageDate, e.billingCurrency);
    let day = this.days.get(key);
    if (day === undefined) {
      day = {
        customerId: e.customerId,
        usageDate: e.usageDate,
        billingCurrency: e.billingCurrency,
        lines: 0,
        hash1: 0,
        hash2: 0,
        invoiceNumber: '',
        staged: stored.has(key),
        grouped: false,
      };
      this.days.set(key, day);
    } else if (day.grouped) this.#needsMerge = true;
    this.#day = day;
    return day;
  }

  #writeGroups(): void {
    const day = this.#day;
    if (day === null || this.#groups.size === 0) return;
    const spool = day.staged ? this.#o.stagedGroups : this.#o.groups;
    const head = `${day.customerId},${day.usageDate},${day.billingCurrency},`;
    for (const g of this.#dayGroups()) {
      spool.writeText(
        `${head}${g.entitlementId},${quote(g.meterCategory)},${g.rateId},${exactText(g.quantity)},${exactText(g.cost)},${exactText(g.list)},${g.lines}\n`,
      );
    }
    this.#groups.clear();
    day.grouped = true;
  }

  /** UnitPrice × PCToBCExchangeRate, per distinct pair (a few per meter and month). */
  #listFactor(unitPrice: string, exchangeRate: string): Exact {
    const key = `${unitPrice}|${exchangeRate}`;
    let factor = this.#listFactors.get(key);
    if (factor === undefined) {
      factor = times(parseExact(unitPrice), parseExact(exchangeRate));
      if (this.#listFactors.size > 100_000) this.#listFactors.clear();
      this.#listFactors.set(key, factor);
    }
    return factor;
  }

  *#dayGroups(): Generator<GroupTotals> {
    for (const byCategory of this.#groups.values()) {
      for (const bySubscription of byCategory.values()) yield* bySubscription.values();
    }
  }

  #pricesOf(rate: Rate) {
    let prices = this.#prices.get(rate);
    if (prices === undefined) {
      const last = rate.tiers.at(-1)!;
      prices = {
        costFactor: parseExact(last.saleCostFactor),
        listFactor: parseExact(last.saleListFactor),
      };
      this.#prices.set(rate, prices);
    }
    return prices;
  }

  stage(row: Buffer): void {
    this.#o.stage.write(row);
  }

  quarantine(line: number, problem: Problem, text: string): void {
    this.#o.quarantined.writeText(
      `${this.#o.importId},${line},${problem.reason},${quote(problem.message)},${quote(text)}\n`,
    );
  }

  async #loadMonth(month: string): Promise<void> {
    this.#stored.set(month, await this.#o.storedDays(month));
  }

  #prefix(e: EncodedLine, line: number): string {
    const kind = e.invoiceNumber === '' ? 'unbilled' : 'billed';
    const [start, end, rateDate] = e.dates;
    return (
      `${e.customerId},${e.usageDate},${e.billingCurrency}${this.#constant}${kind},${this.#o.importId},${line},` +
      `${start},${end},${rateDate},${e.entitlementId},${quote(e.subscriptionId)},${quote(e.resourceGroup)},` +
      `${quote(e.pricingCurrency)},`
    );
  }
}

const ZERO: Exact = { m: 0n, s: 0 };

/** A CSV field that COPY reads back as exactly `text` (never NULL). */
function quote(text: string): string {
  return text.includes('"') ? `"${text.replaceAll('"', '""')}"` : `"${text}"`;
}
