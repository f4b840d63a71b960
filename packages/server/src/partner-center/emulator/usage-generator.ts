/**
 * Deterministic Azure daily rated usage. Each Azure entitlement gets a stable set of resources
 * (meter, region, resource group, tags, partner-earned-credit flag) derived from the seed and its
 * id; each (entitlement, day) pair draws its quantities from its own PRNG stream, so any day can be
 * regenerated independently and identically. The emulator's billing routes and the benchmark
 * generator share this code.
 *
 * Money: unit prices are USD at 6 decimals, quantities at 6 decimals, effective unit prices at 8,
 * all held as BigInt units. BillingPreTaxTotal = FLOOR(EffectiveUnitPrice × Quantity × PCToBCExchangeRate, 2)
 * (RULES.md §9.4); PricingPreTaxTotal is the exact EffectiveUnitPrice × Quantity in USD.
 */
import { Readable } from 'node:stream';
import {
  AZURE_METERS,
  AZURE_REGIONS,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  currencyForCountry,
  type MeterSeed,
  RESOURCE_GROUPS,
  TAG_SETS,
} from './catalog-data.ts';
import { addDays, addMonths, DAY_MS, dateMs, monthStart } from './dates.ts';
import { dec, fmt, mul } from './decimal.ts';
import { catalogSuffix, guid, hash32, mix32, type Rng, rngFor, sfc32 } from './prng.ts';

/** One daily rated usage line in Microsoft's field set (DailyRatedUsageLineItem JSON names). */
export interface DailyRatedUsageRow {
  partnerId: string;
  partnerName: string;
  customerId: string;
  customerName: string;
  customerDomainName: string;
  customerCountry: string;
  mpnId: string;
  resellerMpnId: string;
  invoiceNumber: string;
  productId: string;
  skuId: string;
  availabilityId: string;
  skuName: string;
  productName: string;
  publisherName: string;
  publisherId: string;
  subscriptionDescription: string;
  subscriptionId: string;
  chargeStartDate: string;
  chargeEndDate: string;
  usageDate: string;
  meterType: string;
  meterCategory: string;
  meterId: string;
  meterSubCategory: string;
  meterName: string;
  meterRegion: string;
  unitOfMeasure: string;
  resourceLocation: string;
  consumedService: string;
  resourceGroup: string;
  resourceUri: string;
  chargeType: string;
  unitPrice: string;
  quantity: string;
  unitType: string;
  billingPreTaxTotal: string;
  billingCurrency: string;
  pricingPreTaxTotal: string;
  pricingCurrency: string;
  serviceInfo1: string;
  serviceInfo2: string;
  tags: string;
  additionalInfo: string;
  effectiveUnitPrice: string;
  pcToBCExchangeRate: string;
  pcToBCExchangeRateDate: string;
  entitlementId: string;
  entitlementDescription: string;
  rateOfPartnerEarnedCredit: string;
  rateOfCredit: string;
  creditType: string;
  hasPartnerEarnedCredit: boolean;
  benefitOrderId: string;
  benefitId: string;
  benefitType: string;
}

/** Who and what a usage line belongs to; constant for all lines of one Azure entitlement. */
export interface UsageEntitlementContext {
  partnerId: string;
  partnerName: string;
  mpnId: string;
  resellerMpnId: string;
  customerId: string;
  customerName: string;
  customerDomainName: string;
  customerCountry: string;
  subscriptionId: string;
  subscriptionDescription: string;
  entitlementId: string;
  entitlementDescription: string;
  billingCurrency: string;
}

interface PreparedMeter {
  seed: MeterSeed;
  meterId: string;
  availabilityId: string;
  unitPrice: string;
  eupPlain: string;
  eupPec: string;
  eup8Plain: number;
  eup8Pec: number;
  minQ: number;
  maxQ: number;
}

interface UsageResource {
  meter: PreparedMeter;
  location: string;
  meterRegion: string;
  resourceGroup: string;
  resourceUri: string;
  tags: string;
  additionalInfo: string;
  pec: boolean;
  activity: number;
  seg: CsvSegment | undefined;
}

export interface EntitlementProfile {
  ctx: UsageEntitlementContext;
  hash: number;
  resources: UsageResource[];
}

export interface UsageDay {
  date: string;
  dayNumber: number;
  usageDate: string;
  chargeStartDate: string;
  chargeEndDate: string;
  /** `ChargeStartDate,ChargeEndDate,UsageDate,` as a ready CSV fragment. */
  csv: string;
}

export interface ExchangeRate {
  currency: string;
  rate: string;
  units: bigint;
  scale: number;
  rateDate: string;
}

const PEC_RATE = '0.15';

function micros(value: string): number {
  const [int, frac = ''] = value.split('.');
  return Number(int) * 1_000_000 + Number(frac.padEnd(6, '0').slice(0, 6));
}

/** Formats non-negative integer units at a scale, trimming trailing zeros. */
export function fmtUnits(units: bigint | number, scale: number): string {
  let s = typeof units === 'bigint' ? units.toString() : String(units);
  if (scale === 0) return s;
  if (s.length <= scale) s = '0'.repeat(scale - s.length + 1) + s;
  const cut = s.length - scale;
  let end = s.length;
  while (end > cut && s.charCodeAt(end - 1) === 48) end--;
  return end === cut ? s.slice(0, cut) : `${s.slice(0, cut)}.${s.slice(cut, end)}`;
}

const meterCache = new Map<number, PreparedMeter[]>();

export function preparedMeters(seed: number): PreparedMeter[] {
  const cached = meterCache.get(seed);
  if (cached) return cached;
  const list = AZURE_METERS.map((m) => {
    const rng = rngFor(seed, 'meter', m.productId, m.skuId, m.name);
    const price = BigInt(micros(m.usdPrice));
    return {
      seed: m,
      meterId: guid(rng),
      availabilityId: `DZH318Z0${catalogSuffix(rng, 4)}`,
      unitPrice: fmtUnits(price, 6),
      eupPlain: fmtUnits(price * 100n, 8),
      eupPec: fmtUnits(price * 85n, 8),
      eup8Plain: Number(price) * 100,
      eup8Pec: Number(price) * 85,
      minQ: micros(m.minQty),
      maxQ: micros(m.maxQty),
    };
  });
  meterCache.set(seed, list);
  return list;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '');
}

/** Stable resources of one Azure entitlement; at least `minResources` of them. */
export function entitlementProfile(
  seed: number,
  ctx: UsageEntitlementContext,
  minResources = 0,
): EntitlementProfile {
  const meters = preparedMeters(seed);
  const rng = rngFor(seed, 'entitlement-profile', ctx.entitlementId);
  const natural = 3 + (rng() % 7);
  const count = Math.max(natural, minResources);
  const pecEligible = rng() % 10 < 7;
  const home = AZURE_REGIONS[rng() % AZURE_REGIONS.length]!;
  const resources: UsageResource[] = [];
  const base = slug(ctx.customerName).slice(0, 10) || 'app';
  for (let i = 0; i < count; i++) {
    const meter = meters[rng() % meters.length]!;
    const region = rng() % 4 === 0 ? AZURE_REGIONS[rng() % AZURE_REGIONS.length]! : home;
    const group = RESOURCE_GROUPS[rng() % RESOURCE_GROUPS.length]!;
    const name = `${meter.seed.resourcePrefix}-${base}-${String(i + 1).padStart(2, '0')}`;
    const provider = meter.seed.consumedService;
    const resourceUri = `/subscriptions/${ctx.entitlementId}/resourceGroups/${group}/providers/${provider}/${meter.seed.resourceType}/${name}`;
    const info: Record<string, unknown> = meter.seed.serviceType
      ? {
          ImageType: null,
          ServiceType: meter.seed.serviceType,
          VMName: null,
          VMProperties: null,
          UsageType: 'ComputeHR',
        }
      : {};
    resources.push({
      meter,
      location: region.location,
      meterRegion: region.meterRegion,
      resourceGroup: group,
      resourceUri,
      tags: TAG_SETS[rng() % TAG_SETS.length]!,
      additionalInfo: meter.seed.serviceType ? JSON.stringify(info) : '',
      pec: pecEligible && rng() % 4 !== 0,
      activity: 80 + (rng() % 21),
      seg: undefined,
    });
  }
  return { ctx, hash: hash32(ctx.entitlementId, seed), resources };
}

export function usageDay(date: string): UsageDay {
  const start = monthStart(date);
  const chargeStartDate = `${start}T00:00:00Z`;
  const chargeEndDate = `${addMonths(start, 1)}T00:00:00Z`;
  const usageDate = `${date}T00:00:00Z`;
  return {
    date,
    dayNumber: Math.round(dateMs(date) / DAY_MS),
    usageDate,
    chargeStartDate,
    chargeEndDate,
    csv: `${chargeStartDate},${chargeEndDate},${usageDate},`,
  };
}

const rateCache = new Map<string, ExchangeRate>();

/** Monthly fixed USD → billing-currency rate (PCToBCExchangeRate), deterministic per seed. */
export function exchangeRate(seed: number, currency: string, date: string): ExchangeRate {
  const month = monthStart(date);
  const key = `${seed}|${currency}|${month}`;
  const cached = rateCache.get(key);
  if (cached) return cached;
  const h = hash32(`${currency}|${month}`, seed);
  let rate: string;
  switch (currency) {
    case 'USD':
      rate = '1';
      break;
    case 'JPY':
      rate = fmtUnits(BigInt(1_420_000 + (h % 160_000)), 4);
      break;
    case 'EUR':
      rate = fmtUnits(BigInt(880_000 + (h % 70_000)), 6);
      break;
    case 'GBP':
      rate = fmtUnits(BigInt(760_000 + (h % 50_000)), 6);
      break;
    default:
      rate = '1';
  }
  const [int, frac = ''] = rate.split('.');
  const result: ExchangeRate = {
    currency,
    rate,
    units: BigInt(int + frac),
    scale: frac.length,
    rateDate: `${month}T00:00:00Z`,
  };
  rateCache.set(key, result);
  return result;
}

const POW10N = Array.from({ length: 40 }, (_, i) => 10n ** BigInt(i));
const E8 = 100_000_000;

function dayRng(seed: number, profile: EntitlementProfile, day: UsageDay): Rng {
  return sfc32(mix32(seed ^ 0x5bd1e995), profile.hash, day.dayNumber, 0x27d4eb2f);
}

/**
 * FLOOR(pricing × rate, 2) where pricing has 14 decimals and the rate `scale` decimals. Integer
 * doubles stay exact below 2^53; the product is split so no intermediate leaves that range.
 */
function billingUnits(pricing: number, fx: ExchangeRate): string {
  if (fx.scale === 0 && fx.units === 1n) {
    const rem = pricing % 1e12;
    return fmtUnits((pricing - rem) / 1e12, 2);
  }
  const rate = Number(fx.units);
  const hi = Math.floor(pricing / E8);
  const lo = pricing - hi * E8;
  const a = hi * rate;
  const b = lo * rate;
  const bq = (b - (b % E8)) / E8;
  const c = a + bq;
  const e = 10 ** (4 + fx.scale);
  if (!Number.isSafeInteger(c) || !Number.isSafeInteger(b)) {
    return fmtUnits((BigInt(pricing) * fx.units) / POW10N[12 + fx.scale]!, 2);
  }
  return fmtUnits((c - (c % e)) / e, 2);
}

function bigPricing(eup8: number, qty: number): { text: string; units: number | bigint } {
  const big = BigInt(eup8) * BigInt(qty);
  return { text: fmtUnits(big, 14), units: big };
}

/**
 * Lines of one entitlement for one day. `count` forces an exact number of lines (the benchmark's
 * `linesTotal`); otherwise each resource reports with its own daily probability.
 */
export function dayRows(
  seed: number,
  profile: EntitlementProfile,
  day: UsageDay,
  fx: ExchangeRate,
  invoiceNumber: string,
  out: DailyRatedUsageRow[],
  count?: number,
): void {
  const rng = dayRng(seed, profile, day);
  const res = profile.resources;
  const n = res.length;
  const ctx = profile.ctx;
  let emitted = 0;
  const start = count === undefined ? 0 : rng() % n;
  const limit = count === undefined ? n : Math.min(count, n);
  for (let k = 0; k < n && emitted < limit; k++) {
    const r = res[(start + k) % n]!;
    const roll = rng();
    if (count === undefined && roll % 100 >= r.activity) continue;
    const m = r.meter;
    const span = m.maxQ - m.minQ;
    const qty = span > 0 ? m.minQ + (rng() % (span + 1)) : m.minQ;
    const eup8 = r.pec ? m.eup8Pec : m.eup8Plain;
    let pricingText: string;
    let billingText: string;
    const pricing = eup8 * qty;
    if (Number.isSafeInteger(pricing)) {
      pricingText = fmtUnits(pricing, 14);
      billingText = billingUnits(pricing, fx);
    } else {
      const p = bigPricing(eup8, qty);
      pricingText = p.text;
      billingText = fmtUnits(((p.units as bigint) * fx.units) / POW10N[12 + fx.scale]!, 2);
    }
    let seg = r.seg;
    if (seg === undefined || seg.t.invoiceNumber !== invoiceNumber || seg.fx !== fx || seg.ctx !== ctx) {
      seg = buildSegment(ctx, r, invoiceNumber, fx);
      r.seg = seg;
    }
    const t = seg.t;
    emitted++;
    out.push({
      partnerId: t.partnerId,
      partnerName: t.partnerName,
      customerId: t.customerId,
      customerName: t.customerName,
      customerDomainName: t.customerDomainName,
      customerCountry: t.customerCountry,
      mpnId: t.mpnId,
      resellerMpnId: t.resellerMpnId,
      invoiceNumber: t.invoiceNumber,
      productId: t.productId,
      skuId: t.skuId,
      availabilityId: t.availabilityId,
      skuName: t.skuName,
      productName: t.productName,
      publisherName: t.publisherName,
      publisherId: t.publisherId,
      subscriptionDescription: t.subscriptionDescription,
      subscriptionId: t.subscriptionId,
      chargeStartDate: day.chargeStartDate,
      chargeEndDate: day.chargeEndDate,
      usageDate: day.usageDate,
      meterType: t.meterType,
      meterCategory: t.meterCategory,
      meterId: t.meterId,
      meterSubCategory: t.meterSubCategory,
      meterName: t.meterName,
      meterRegion: t.meterRegion,
      unitOfMeasure: t.unitOfMeasure,
      resourceLocation: t.resourceLocation,
      consumedService: t.consumedService,
      resourceGroup: t.resourceGroup,
      resourceUri: t.resourceUri,
      chargeType: t.chargeType,
      unitPrice: t.unitPrice,
      quantity: fmtUnits(qty, 6),
      unitType: t.unitType,
      billingPreTaxTotal: billingText,
      billingCurrency: t.billingCurrency,
      pricingPreTaxTotal: pricingText,
      pricingCurrency: t.pricingCurrency,
      serviceInfo1: t.serviceInfo1,
      serviceInfo2: t.serviceInfo2,
      tags: t.tags,
      additionalInfo: t.additionalInfo,
      effectiveUnitPrice: t.effectiveUnitPrice,
      pcToBCExchangeRate: t.pcToBCExchangeRate,
      pcToBCExchangeRateDate: t.pcToBCExchangeRateDate,
      entitlementId: t.entitlementId,
      entitlementDescription: t.entitlementDescription,
      rateOfPartnerEarnedCredit: t.rateOfPartnerEarnedCredit,
      rateOfCredit: t.rateOfCredit,
      creditType: t.creditType,
      hasPartnerEarnedCredit: t.hasPartnerEarnedCredit,
      benefitOrderId: t.benefitOrderId,
      benefitId: t.benefitId,
      benefitType: t.benefitType,
      [CSV_SEGMENT]: seg,
      [CSV_DAY]: day,
    } as DailyRatedUsageRow);
  }
}

/**
 * Pre-rendered CSV pieces for everything in a line that is constant for one resource, invoice and
 * month. A row carries a reference to its segment; reconCsvLine uses it only after checking that
 * every constant field of the row is still the value the segment was rendered from.
 */
interface CsvSegment {
  ctx: UsageEntitlementContext;
  t: DailyRatedUsageRow;
  fx: ExchangeRate;
  s1: string | undefined;
  s2: string;
  s3: string;
  s4: string;
  s5: string;
  s5Benefit: string;
}

const CSV_SEGMENT = Symbol('csvSegment');
const CSV_DAY = Symbol('csvDay');

function buildSegment(
  ctx: UsageEntitlementContext,
  r: UsageResource,
  invoiceNumber: string,
  fx: ExchangeRate,
): CsvSegment {
  const m = r.meter;
  const t: DailyRatedUsageRow = {
    partnerId: ctx.partnerId,
    partnerName: ctx.partnerName,
    customerId: ctx.customerId,
    customerName: ctx.customerName,
    customerDomainName: ctx.customerDomainName,
    customerCountry: ctx.customerCountry,
    mpnId: ctx.mpnId,
    resellerMpnId: ctx.resellerMpnId,
    invoiceNumber,
    productId: m.seed.productId,
    skuId: m.seed.skuId,
    availabilityId: m.availabilityId,
    skuName: m.seed.skuName,
    productName: m.seed.productName,
    publisherName: 'Microsoft',
    publisherId: '',
    subscriptionDescription: ctx.subscriptionDescription,
    subscriptionId: ctx.subscriptionId,
    chargeStartDate: '',
    chargeEndDate: '',
    usageDate: '',
    meterType: m.seed.meterType,
    meterCategory: m.seed.category,
    meterId: m.meterId,
    meterSubCategory: m.seed.subCategory,
    meterName: m.seed.name,
    meterRegion: r.meterRegion,
    unitOfMeasure: m.seed.unit,
    resourceLocation: r.location,
    consumedService: m.seed.consumedService,
    resourceGroup: r.resourceGroup,
    resourceUri: r.resourceUri,
    chargeType: 'new',
    unitPrice: m.unitPrice,
    quantity: '',
    unitType: m.seed.unit,
    billingPreTaxTotal: '',
    billingCurrency: fx.currency,
    pricingPreTaxTotal: '',
    pricingCurrency: 'USD',
    serviceInfo1: '',
    serviceInfo2: '',
    tags: r.tags,
    additionalInfo: r.additionalInfo,
    effectiveUnitPrice: r.pec ? m.eupPec : m.eupPlain,
    pcToBCExchangeRate: fx.rate,
    pcToBCExchangeRateDate: fx.rateDate,
    entitlementId: ctx.entitlementId,
    entitlementDescription: ctx.entitlementDescription,
    rateOfPartnerEarnedCredit: r.pec ? PEC_RATE : '0',
    rateOfCredit: '0',
    creditType: 'Credit Not Applied',
    hasPartnerEarnedCredit: r.pec,
    benefitOrderId: '',
    benefitId: '',
    benefitType: '',
  };
  return { ctx, t, fx, s1: undefined, s2: '', s3: '', s4: '', s5: '', s5Benefit: '' };
}

/** Renders the constant parts of a segment the first time a CSV line needs them. */
function renderSegment(seg: CsvSegment): void {
  const t = seg.t;
  seg.s1 =
    [
      t.partnerId,
      esc(t.partnerName),
      t.customerId,
      esc(t.customerName),
      esc(t.customerDomainName),
      t.customerCountry,
      t.mpnId,
      t.resellerMpnId,
      t.invoiceNumber,
      t.productId,
      t.skuId,
      t.availabilityId,
      esc(t.skuName),
      esc(t.productName),
      esc(t.publisherName),
      t.publisherId,
      esc(t.subscriptionDescription),
      t.subscriptionId,
    ].join(',') + ',';
  seg.s2 =
    [
      esc(t.meterType),
      esc(t.meterCategory),
      t.meterId,
      esc(t.meterSubCategory),
      esc(t.meterName),
      esc(t.meterRegion),
      esc(t.unitOfMeasure),
      esc(t.resourceLocation),
      esc(t.consumedService),
      esc(t.resourceGroup),
      esc(t.resourceUri),
      esc(t.chargeType),
      t.unitPrice,
    ].join(',') + ',';
  seg.s3 = `,${esc(t.unitType)},`;
  seg.s4 = `,${t.billingCurrency},`;
  const tail = [
    t.pricingCurrency,
    esc(t.serviceInfo1),
    esc(t.serviceInfo2),
    esc(t.tags),
    esc(t.additionalInfo),
    t.effectiveUnitPrice,
    t.pcToBCExchangeRate,
    t.pcToBCExchangeRateDate,
    t.entitlementId,
    esc(t.entitlementDescription),
    percent(t.rateOfPartnerEarnedCredit),
    percent(t.rateOfCredit),
    esc(t.creditType),
  ].join(',');
  seg.s5 = `,${tail}\r\n`;
  seg.s5Benefit = `,${tail},${esc(t.benefitOrderId)},${esc(t.benefitId)},${esc(t.benefitType)}\r\n`;
}

function segmentMatches(r: DailyRatedUsageRow, t: DailyRatedUsageRow): boolean {
  return (
    r.partnerId === t.partnerId &&
    r.partnerName === t.partnerName &&
    r.customerId === t.customerId &&
    r.customerName === t.customerName &&
    r.customerDomainName === t.customerDomainName &&
    r.customerCountry === t.customerCountry &&
    r.mpnId === t.mpnId &&
    r.resellerMpnId === t.resellerMpnId &&
    r.invoiceNumber === t.invoiceNumber &&
    r.productId === t.productId &&
    r.skuId === t.skuId &&
    r.availabilityId === t.availabilityId &&
    r.skuName === t.skuName &&
    r.productName === t.productName &&
    r.publisherName === t.publisherName &&
    r.publisherId === t.publisherId &&
    r.subscriptionDescription === t.subscriptionDescription &&
    r.subscriptionId === t.subscriptionId &&
    r.meterType === t.meterType &&
    r.meterCategory === t.meterCategory &&
    r.meterId === t.meterId &&
    r.meterSubCategory === t.meterSubCategory &&
    r.meterName === t.meterName &&
    r.meterRegion === t.meterRegion &&
    r.unitOfMeasure === t.unitOfMeasure &&
    r.resourceLocation === t.resourceLocation &&
    r.consumedService === t.consumedService &&
    r.resourceGroup === t.resourceGroup &&
    r.resourceUri === t.resourceUri &&
    r.chargeType === t.chargeType &&
    r.unitPrice === t.unitPrice &&
    r.unitType === t.unitType &&
    r.billingCurrency === t.billingCurrency &&
    r.pricingCurrency === t.pricingCurrency &&
    r.serviceInfo1 === t.serviceInfo1 &&
    r.serviceInfo2 === t.serviceInfo2 &&
    r.tags === t.tags &&
    r.additionalInfo === t.additionalInfo &&
    r.effectiveUnitPrice === t.effectiveUnitPrice &&
    r.pcToBCExchangeRate === t.pcToBCExchangeRate &&
    r.pcToBCExchangeRateDate === t.pcToBCExchangeRateDate &&
    r.entitlementId === t.entitlementId &&
    r.entitlementDescription === t.entitlementDescription &&
    r.rateOfPartnerEarnedCredit === t.rateOfPartnerEarnedCredit &&
    r.rateOfCredit === t.rateOfCredit &&
    r.creditType === t.creditType &&
    r.benefitOrderId === t.benefitOrderId &&
    r.benefitId === t.benefitId &&
    r.benefitType === t.benefitType
  );
}

export interface GenerateDailyRatedUsageOptions {
  seed: number;
  customers: number;
  /** Azure entitlements (Azure subscriptions) per customer, each under the customer's Azure plan. */
  subscriptionsPerCustomer?: number;
  days: number;
  /** First usage day, `YYYY-MM-DD`. */
  startDate: string;
  /** Exact number of lines to produce, spread evenly over all (entitlement, day) slots. */
  linesTotal?: number;
}

const COUNTRIES = ['US', 'US', 'US', 'JP', 'DE', 'GB', 'FR', 'NL'];

/**
 * Synthetic partner-wide usage for benchmarks: customers × entitlements × days, customer-major
 * order (as in a reconciliation file). Synchronous and streaming; rows are fresh objects.
 */
export function* generateDailyRatedUsage(
  opts: GenerateDailyRatedUsageOptions,
): Generator<DailyRatedUsageRow> {
  const perCustomer = opts.subscriptionsPerCustomer ?? 1;
  const { seed, customers, days } = opts;
  if (
    !Number.isInteger(customers) ||
    customers < 0 ||
    !Number.isInteger(days) ||
    days < 0 ||
    perCustomer < 1
  ) {
    throw new RangeError('customers, days and subscriptionsPerCustomer must be non-negative integers');
  }
  dateMs(opts.startDate);
  const slots = customers * perCustomer * days;
  const total = opts.linesTotal;
  const base = total !== undefined && slots > 0 ? Math.floor(total / slots) : 0;
  const rem = total !== undefined && slots > 0 ? total % slots : 0;
  const maxPerSlot = total !== undefined ? base + (rem > 0 ? 1 : 0) : 0;
  const dayInfos: UsageDay[] = [];
  for (let d = 0; d < days; d++) dayInfos.push(usageDay(addDays(opts.startDate, d)));

  const partnerRng = rngFor(seed, 'bench-partner');
  const partnerId = guid(partnerRng);
  const partnerName = 'Contoso Cloud Partner';
  const mpnId = String(1_000_000 + (partnerRng() % 8_999_999));

  const batch: DailyRatedUsageRow[] = [];
  const fxByCurrency = new Map<string, ExchangeRate[]>();
  const fxFor = (currency: string, d: number): ExchangeRate => {
    let list = fxByCurrency.get(currency);
    if (!list) {
      list = dayInfos.map((day) => exchangeRate(seed, currency, day.date));
      fxByCurrency.set(currency, list);
    }
    return list[d]!;
  };
  let slot = 0;
  for (let c = 0; c < customers; c++) {
    const crng = rngFor(seed, 'bench-customer', c);
    const word = COMPANY_WORDS[c % COMPANY_WORDS.length]!;
    const suffix = COMPANY_SUFFIXES[crng() % COMPANY_SUFFIXES.length]!;
    const serial = String(c + 1).padStart(5, '0');
    const country = COUNTRIES[crng() % COUNTRIES.length]!;
    const currency = currencyForCountry(country);
    const customerId = guid(crng);
    const customerName = `${word} ${serial} ${suffix}`;
    const customerDomainName = `${slug(word)}${serial}.onmicrosoft.com`;
    const planSubscriptionId = guid(crng);
    const resellerMpnId = crng() % 3 === 0 ? String(4_000_000 + (crng() % 999_999)) : '';
    for (let s = 0; s < perCustomer; s++) {
      const ctx: UsageEntitlementContext = {
        partnerId,
        partnerName,
        mpnId,
        resellerMpnId,
        customerId,
        customerName,
        customerDomainName,
        customerCountry: country,
        subscriptionId: planSubscriptionId,
        subscriptionDescription: 'Microsoft Azure plan',
        entitlementId: guid(crng),
        entitlementDescription: `Azure subscription ${s + 1}`,
        billingCurrency: currency,
      };
      const profile = entitlementProfile(seed, ctx, maxPerSlot);
      for (let d = 0; d < days; d++) {
        const day = dayInfos[d]!;
        let count: number | undefined;
        if (total !== undefined) {
          count = base + (slot < rem ? 1 : 0);
          slot++;
          if (count === 0) continue;
        }
        batch.length = 0;
        dayRows(seed, profile, day, fxFor(currency, d), '', batch, count);
        for (let i = 0; i < batch.length; i++) yield batch[i]!;
      }
    }
  }
}

/** Microsoft's documented daily-rated-usage reconciliation file columns (API.md §6.4.4), in order. */
export const RECON_CSV_COLUMNS = [
  'PartnerId',
  'PartnerName',
  'CustomerId',
  'CustomerName',
  'CustomerDomainName',
  'CustomerCountry',
  'MpnId',
  'Tier2MpnId',
  'InvoiceNumber',
  'ProductId',
  'SkuId',
  'AvailabilityId',
  'SkuName',
  'ProductName',
  'PublisherName',
  'PublisherId',
  'SubscriptionDescription',
  'SubscriptionId',
  'ChargeStartDate',
  'ChargeEndDate',
  'UsageDate',
  'MeterType',
  'MeterCategory',
  'MeterId',
  'MeterSubCategory',
  'MeterName',
  'MeterRegion',
  'Unit',
  'ResourceLocation',
  'ConsumedService',
  'ResourceGroup',
  'ResourceURI',
  'ChargeType',
  'UnitPrice',
  'Quantity',
  'UnitType',
  'BillingPreTaxTotal',
  'BillingCurrency',
  'PricingPreTaxTotal',
  'PricingCurrency',
  'ServiceInfo1',
  'ServiceInfo2',
  'Tags',
  'AdditionalInfo',
  'EffectiveUnitPrice',
  'PCToBCExchangeRate',
  'PCToBCExchangeRateDate',
  'EntitlementId',
  'EntitlementDescription',
  'PartnerEarnedCreditPercentage',
  'CreditPercentage',
  'CreditType',
] as const;

export const RECON_CSV_BENEFIT_COLUMNS = ['BenefitOrderId', 'BenefitId', 'BenefitType'] as const;

const NEEDS_QUOTES = /[",\r\n]/;
const QUOTE_RE = /"/g;

function esc(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(QUOTE_RE, '""')}"` : value;
}

function percent(rate: string): string {
  if (rate === '0' || rate === '') return '0';
  if (rate === '1') return '100';
  if (rate === PEC_RATE) return '15';
  return fmt(mul(dec(rate), dec('100')));
}

export function reconCsvHeader(opts: { benefitColumns?: boolean } = {}): string {
  const cols: string[] = [...RECON_CSV_COLUMNS];
  if (opts.benefitColumns) cols.push(...RECON_CSV_BENEFIT_COLUMNS);
  return `${cols.join(',')}\r\n`;
}

function reconCsvLineSlow(r: DailyRatedUsageRow, benefitColumns: boolean): string {
  let line =
    r.partnerId +
    ',' +
    esc(r.partnerName) +
    ',' +
    r.customerId +
    ',' +
    esc(r.customerName) +
    ',' +
    esc(r.customerDomainName) +
    ',' +
    r.customerCountry +
    ',' +
    r.mpnId +
    ',' +
    r.resellerMpnId +
    ',' +
    r.invoiceNumber +
    ',' +
    r.productId +
    ',' +
    r.skuId +
    ',' +
    r.availabilityId +
    ',' +
    esc(r.skuName) +
    ',' +
    esc(r.productName) +
    ',' +
    esc(r.publisherName) +
    ',' +
    r.publisherId +
    ',' +
    esc(r.subscriptionDescription) +
    ',' +
    r.subscriptionId +
    ',' +
    r.chargeStartDate +
    ',' +
    r.chargeEndDate +
    ',' +
    r.usageDate +
    ',' +
    esc(r.meterType) +
    ',' +
    esc(r.meterCategory) +
    ',' +
    r.meterId +
    ',' +
    esc(r.meterSubCategory) +
    ',' +
    esc(r.meterName) +
    ',' +
    esc(r.meterRegion) +
    ',' +
    esc(r.unitOfMeasure) +
    ',' +
    esc(r.resourceLocation) +
    ',' +
    esc(r.consumedService) +
    ',' +
    esc(r.resourceGroup) +
    ',' +
    esc(r.resourceUri) +
    ',' +
    esc(r.chargeType) +
    ',' +
    r.unitPrice +
    ',' +
    r.quantity +
    ',' +
    esc(r.unitType) +
    ',' +
    r.billingPreTaxTotal +
    ',' +
    r.billingCurrency +
    ',' +
    r.pricingPreTaxTotal +
    ',' +
    r.pricingCurrency +
    ',' +
    esc(r.serviceInfo1) +
    ',' +
    esc(r.serviceInfo2) +
    ',' +
    esc(r.tags) +
    ',' +
    esc(r.additionalInfo) +
    ',' +
    r.effectiveUnitPrice +
    ',' +
    r.pcToBCExchangeRate +
    ',' +
    r.pcToBCExchangeRateDate +
    ',' +
    r.entitlementId +
    ',' +
    esc(r.entitlementDescription) +
    ',' +
    percent(r.rateOfPartnerEarnedCredit) +
    ',' +
    percent(r.rateOfCredit) +
    ',' +
    esc(r.creditType);
  if (benefitColumns) line += `,${esc(r.benefitOrderId)},${esc(r.benefitId)},${esc(r.benefitType)}`;
  return `${line}\r\n`;
}

type Tagged = DailyRatedUsageRow & { [CSV_SEGMENT]?: CsvSegment; [CSV_DAY]?: UsageDay };

/**
 * One CSV record (CRLF-terminated). Free-text fields are quoted when needed; identifiers, dates and
 * decimals are produced by the emulator and never contain separators.
 */
export function reconCsvLine(row: DailyRatedUsageRow, benefitColumns = false): string {
  const r = row as Tagged;
  const seg = r[CSV_SEGMENT];
  const day = r[CSV_DAY];
  if (
    seg !== undefined &&
    day !== undefined &&
    r.usageDate === day.usageDate &&
    r.chargeStartDate === day.chargeStartDate &&
    r.chargeEndDate === day.chargeEndDate &&
    segmentMatches(r, seg.t)
  ) {
    if (seg.s1 === undefined) renderSegment(seg);
    return (
      seg.s1 +
      day.csv +
      seg.s2 +
      r.quantity +
      seg.s3 +
      r.billingPreTaxTotal +
      seg.s4 +
      r.pricingPreTaxTotal +
      (benefitColumns ? seg.s5Benefit : seg.s5)
    );
  }
  return reconCsvLineSlow(r, benefitColumns);
}

export interface ReconCsvOptions {
  header?: boolean;
  benefitColumns?: boolean;
  /** Approximate size of each emitted Buffer. */
  chunkBytes?: number;
}

/**
 * Encodes records straight into fixed-size Buffers: joining lines into big strings first would
 * flatten and copy every record twice, which dominates the cost at a million rows.
 */
function* csvBuffers(rows: Iterable<DailyRatedUsageRow>, opts: ReconCsvOptions): Generator<Buffer> {
  const benefit = opts.benefitColumns ?? false;
  const size = Math.max(4096, opts.chunkBytes ?? 256 * 1024);
  let buf = Buffer.allocUnsafe(size);
  let off = 0;
  if (opts.header !== false) off += buf.write(reconCsvHeader({ benefitColumns: benefit }), off, 'utf8');
  for (const row of rows) {
    const line = reconCsvLine(row, benefit);
    if (size - off < line.length * 3) {
      if (off > 0) yield buf.subarray(0, off);
      if (line.length * 3 > size) {
        yield Buffer.from(line, 'utf8');
        buf = Buffer.allocUnsafe(size);
        off = 0;
        continue;
      }
      buf = Buffer.allocUnsafe(size);
      off = 0;
    }
    off += buf.write(line, off, 'utf8');
  }
  if (off > 0) yield buf.subarray(0, off);
}

/** Streams rows as Microsoft's 52-column daily rated usage CSV (UTF-8, header row, CRLF). */
export function toReconCsv(rows: Iterable<DailyRatedUsageRow>, opts: ReconCsvOptions = {}): Readable {
  return Readable.from(csvBuffers(rows, opts), { objectMode: false });
}

/** The same bytes as toReconCsv, as a synchronous iterator of Buffers (no stream machinery). */
export function reconCsvBuffers(
  rows: Iterable<DailyRatedUsageRow>,
  opts: ReconCsvOptions = {},
): Iterable<Buffer> {
  return csvBuffers(rows, opts);
}
