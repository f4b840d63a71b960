/**
 * Billing: licence charges recorded from the subscription history, monthly invoices, and the views
 * (unbilled current/previous period, billed invoice) over licence charges and Azure daily rated
 * usage. Licence subtotals follow RULES.md §9.1: ROUNDDOWN(EffectiveUnitPrice × PCToBCExchangeRate, 2)
 * × BillableQuantity; licences are priced in the billing currency, so the rate is 1.
 */
import { cycleMonths } from './catalog.ts';
import {
  addDays,
  addMonths,
  dateOf,
  daysBetween,
  midnightZ,
  monthKey,
  monthStart,
  nextMonthStart,
  prevMonthStart,
} from './dates.ts';
import { add, type Dec, dec, decStr, fmt, mulInt, neg, prorate, rescale } from './decimal.ts';
import { num } from './http.ts';
import type { Emulator } from './runtime.ts';
import type { ChargeRec, CustomerRec, InvoiceRec, SubscriptionRec } from './state.ts';
import {
  type DailyRatedUsageRow,
  dayRows,
  entitlementProfile,
  exchangeRate,
  type UsageEntitlementContext,
  usageDay,
} from './usage-generator.ts';

export interface BillingPeriod {
  start: string;
  end: string;
  fullDays: number;
}

/** The billing period of a subscription's current term that contains `date`. */
export function periodContaining(sub: SubscriptionRec, date: string): BillingPeriod {
  const months = Math.min(
    cycleMonths(sub.billingCycle, sub.termDuration),
    termLengthMonths(sub.termDuration),
  );
  let k = 0;
  while (k < 48 && addMonths(sub.termStartDate, (k + 1) * months) <= date) k++;
  const start = addMonths(sub.termStartDate, k * months);
  const fullEnd = addDays(addMonths(sub.termStartDate, (k + 1) * months), -1);
  const end = fullEnd < sub.commitmentEndDate ? fullEnd : sub.commitmentEndDate;
  return { start, end, fullDays: daysBetween(start, fullEnd) + 1 };
}

function termLengthMonths(term: string): number {
  return term === 'P3Y' ? 36 : term === 'P1Y' ? 12 : 1;
}

export function termAndBillingCycle(sub: SubscriptionRec): string {
  if (sub.kind === 'software')
    return sub.termDuration === 'P3Y' ? '3 Year Subscription' : '1 Year Subscription';
  switch (sub.termDuration) {
    case 'P1M':
      return 'One-Month commitment for monthly billing';
    case 'P3Y':
      return 'Three-Year commitment for yearly/triennial billing';
    default:
      return 'One-Year commitment for monthly/yearly billing';
  }
}

/** ROUNDDOWN to cents (towards zero), then × quantity. */
export function licenceSubtotal(effectiveUnitPrice: Dec, quantity: number): Dec {
  return mulInt(rescale(effectiveUnitPrice, 2, 'trunc'), quantity);
}

export interface ChargeInput {
  chargeType: string;
  quantity: number;
  /** Positive period price; the sign comes from `refund`. */
  unitPrice: string;
  /** Days of the billing period covered by this line, and the period's full length. */
  days: number;
  fullDays: number;
  start: string;
  end: string;
  refund?: boolean;
  referenceId?: string;
}

export function recordCharge(emu: Emulator, sub: SubscriptionRec, input: ChargeInput): ChargeRec {
  const unit = dec(input.unitPrice);
  let eup = input.days === input.fullDays ? unit : prorate(unit, input.days, input.fullDays, 6, 'halfUp');
  if (input.refund) eup = neg(eup);
  const subtotal = licenceSubtotal(eup, input.quantity);
  const order = emu.state.orders[sub.orderId];
  const at = emu.now();
  const charge: ChargeRec = {
    id: emu.nextGuid(),
    customerId: sub.customerId,
    subscriptionId: sub.id,
    orderId: sub.orderId,
    orderDate: order ? order.createdAt : sub.createdAt,
    productId: sub.productId,
    skuId: sub.skuId,
    availabilityId: sub.availabilityId,
    productName: emu.catalog.sku(sub.productId, sub.skuId)?.productTitle ?? sub.offerName,
    skuName: sub.offerName,
    chargeType: input.chargeType,
    unitPrice: input.unitPrice,
    effectiveUnitPrice: fmt(eup),
    quantity: input.quantity,
    subtotal: fmt(subtotal),
    currency: sub.currency,
    chargeStartDate: input.start,
    chargeEndDate: input.end,
    subscriptionStartDate: sub.termStartDate,
    subscriptionEndDate: sub.commitmentEndDate,
    termAndBillingCycle: termAndBillingCycle(sub),
    billingFrequency: sub.billingCycle === 'monthly' ? 'Monthly' : '',
    referenceId: input.referenceId ?? emu.nextGuid(),
    at,
    period: monthKey(dateOf(at)),
    productQualifiers: sub.parentSubscriptionId ? ['AddOn'] : [],
    promotionId: sub.promotionId ?? '',
    alternateId: sub.orderId,
    resellerMpnId: sub.partnerIdOnRecord ?? '',
  };
  emu.state.charges.push(charge);
  return charge;
}

/** A full (or custom-shortened) billing period charge starting on `start`. */
export function chargePeriod(
  emu: Emulator,
  sub: SubscriptionRec,
  chargeType: string,
  start: string,
): BillingPeriod {
  const p = periodContaining(sub, start);
  recordCharge(emu, sub, {
    chargeType,
    quantity: sub.quantity,
    unitPrice: sub.unitPrice,
    days: daysBetween(p.start, p.end) + 1,
    fullDays: p.fullDays,
    start: p.start,
    end: p.end,
  });
  return p;
}

/**
 * Mid-period change at `date`: refund the remaining days at the old quantity and charge them at the
 * new quantity — Microsoft's two-line pattern for addQuantity/removeQuantity/convert.
 */
export function chargeChange(
  emu: Emulator,
  sub: SubscriptionRec,
  chargeType: string,
  date: string,
  oldQty: number,
  newQty: number,
  opts: { oldUnitPrice?: string; referenceId?: string } = {},
): void {
  const p = periodContaining(sub, date);
  const remaining = daysBetween(date, p.end) + 1;
  if (remaining <= 0) return;
  const referenceId = opts.referenceId ?? emu.nextGuid();
  if (oldQty > 0) {
    recordCharge(emu, sub, {
      chargeType,
      quantity: oldQty,
      unitPrice: opts.oldUnitPrice ?? sub.unitPrice,
      days: remaining,
      fullDays: p.fullDays,
      start: date,
      end: p.end,
      refund: true,
      referenceId,
    });
  }
  if (newQty > 0) {
    recordCharge(emu, sub, {
      chargeType,
      quantity: newQty,
      unitPrice: sub.unitPrice,
      days: remaining,
      fullDays: p.fullDays,
      start: date,
      end: p.end,
      referenceId,
    });
  }
}

export function chargeRefund(emu: Emulator, sub: SubscriptionRec, chargeType: string, date: string): void {
  const p = periodContaining(sub, date);
  const remaining = daysBetween(date, p.end) + 1;
  if (remaining <= 0 || sub.quantity <= 0) return;
  recordCharge(emu, sub, {
    chargeType,
    quantity: sub.quantity,
    unitPrice: sub.unitPrice,
    days: remaining,
    fullDays: p.fullDays,
    start: date,
    end: p.end,
    refund: true,
  });
}

const PRICE_ADJUSTMENTS = JSON.stringify([
  'Price for given billing period',
  'You are getting a discount for being a partner.',
  'Price for given term',
]);

/** OneTimeInvoiceLineItem (billing line items) with Microsoft's string-typed numbers. */
export function chargeLineItem(emu: Emulator, c: ChargeRec, invoiceNumber: string): Record<string, unknown> {
  const customer = emu.state.customers[c.customerId];
  return {
    partnerId: emu.state.partner.tenantId,
    customerId: c.customerId,
    customerName: customer?.companyName ?? '',
    customerDomainName: customer?.domain ?? '',
    customerCountry: customer?.country ?? '',
    invoiceNumber,
    mpnId: emu.state.partner.mpnId,
    resellerMpnId: c.resellerMpnId || '0',
    orderId: c.orderId,
    orderDate: new Date(c.orderDate).toISOString(),
    productId: c.productId,
    skuId: c.skuId,
    availabilityId: c.availabilityId,
    productName: c.productName,
    skuName: c.skuName,
    productQualifiers: c.productQualifiers,
    chargeType: c.chargeType,
    unitPrice: decStr(c.unitPrice),
    effectiveUnitPrice: c.effectiveUnitPrice,
    unitType: '',
    quantity: String(c.quantity),
    subtotal: c.subtotal,
    taxTotal: '0',
    totalForCustomer: c.subtotal,
    currency: c.currency,
    publisherName: 'Microsoft Corporation',
    publisherId: '',
    subscriptionDescription: '',
    subscriptionId: c.subscriptionId,
    subscriptionStartDate: midnightZ(c.subscriptionStartDate),
    subscriptionEndDate: midnightZ(c.subscriptionEndDate),
    chargeStartDate: midnightZ(c.chargeStartDate),
    chargeEndDate: midnightZ(c.chargeEndDate),
    termAndBillingCycle: c.termAndBillingCycle,
    alternateId: c.alternateId,
    referenceId: c.referenceId,
    priceAdjustmentDescription: PRICE_ADJUSTMENTS,
    discountDetails: '',
    pricingCurrency: c.currency,
    pcToBCExchangeRate: '1',
    pcToBCExchangeRateDate: `${monthStart(dateOf(c.at))}T00:00:00`,
    billableQuantity: String(c.quantity),
    meterDescription: '',
    billingFrequency: c.billingFrequency,
    reservationOrderId: '',
    invoiceLineItemType: 'billing_line_items',
    billingProvider: 'one_time',
    promotionId: c.promotionId,
    attributes: { objectType: 'OneTimeInvoiceLineItem' },
  };
}

/** Invoice reconciliation file columns (API.md §6.4.2), used by the Graph reconciliation export. */
export function chargeReconRecord(
  emu: Emulator,
  c: ChargeRec,
  invoiceNumber: string,
): Record<string, unknown> {
  const li = chargeLineItem(emu, c, invoiceNumber);
  return {
    PartnerId: li.partnerId,
    CustomerId: li.customerId,
    CustomerName: li.customerName,
    CustomerDomainName: li.customerDomainName,
    CustomerCountry: li.customerCountry,
    InvoiceNumber: invoiceNumber,
    MpnId: li.mpnId,
    ResellerMpnId: li.resellerMpnId,
    OrderId: li.orderId,
    OrderDate: li.orderDate,
    ProductId: li.productId,
    SkuId: li.skuId,
    AvailabilityId: li.availabilityId,
    SkuName: li.skuName,
    ProductName: li.productName,
    ChargeType: li.chargeType,
    UnitPrice: num(c.unitPrice),
    Quantity: num(String(c.quantity)),
    Subtotal: num(c.subtotal),
    TaxTotal: num('0'),
    Total: num(c.subtotal),
    Currency: c.currency,
    PriceAdjustmentDescription: li.priceAdjustmentDescription,
    PublisherName: li.publisherName,
    PublisherId: '',
    SubscriptionDescription: '',
    SubscriptionId: c.subscriptionId,
    ChargeStartDate: li.chargeStartDate,
    ChargeEndDate: li.chargeEndDate,
    TermAndBillingCycle: c.termAndBillingCycle,
    EffectiveUnitPrice: num(c.effectiveUnitPrice),
    UnitType: '',
    AlternateId: c.alternateId,
    BillableQuantity: num(String(c.quantity)),
    BillingFrequency: c.billingFrequency,
    PricingCurrency: c.currency,
    PCToBCExchangeRate: num('1'),
    PCToBCExchangeRateDate: li.pcToBCExchangeRateDate,
    MeterDescription: '',
    ReservationOrderId: '',
    CreditReasonCode: '',
    SubscriptionStartDate: li.subscriptionStartDate,
    SubscriptionEndDate: li.subscriptionEndDate,
    ReferenceID: c.referenceId,
    ProductQualifiers: JSON.stringify(c.productQualifiers),
    PromotionID: c.promotionId,
  };
}

/** DailyRatedUsageLineItem JSON in the field order of Microsoft's examples, numbers as literals. */
export function usageLineItem(r: DailyRatedUsageRow): Record<string, unknown> {
  return {
    partnerId: r.partnerId,
    partnerName: r.partnerName,
    customerId: r.customerId,
    customerName: r.customerName,
    customerDomainName: r.customerDomainName,
    invoiceNumber: r.invoiceNumber,
    productId: r.productId,
    skuId: r.skuId,
    availabilityId: r.availabilityId,
    skuName: r.skuName,
    productName: r.productName,
    publisherName: r.publisherName,
    publisherId: r.publisherId,
    subscriptionId: r.subscriptionId,
    subscriptionDescription: r.subscriptionDescription,
    chargeStartDate: r.chargeStartDate,
    chargeEndDate: r.chargeEndDate,
    usageDate: r.usageDate,
    meterType: r.meterType,
    meterCategory: r.meterCategory,
    meterId: r.meterId,
    meterSubCategory: r.meterSubCategory,
    meterName: r.meterName,
    meterRegion: r.meterRegion,
    unitOfMeasure: r.unitOfMeasure,
    resourceLocation: r.resourceLocation,
    consumedService: r.consumedService,
    resourceGroup: r.resourceGroup,
    resourceUri: r.resourceUri,
    tags: r.tags,
    additionalInfo: r.additionalInfo,
    serviceInfo1: r.serviceInfo1,
    serviceInfo2: r.serviceInfo2,
    customerCountry: r.customerCountry,
    mpnId: r.mpnId,
    resellerMpnId: r.resellerMpnId,
    chargeType: r.chargeType,
    unitPrice: num(r.unitPrice),
    quantity: num(r.quantity),
    unitType: r.unitType,
    billingPreTaxTotal: num(r.billingPreTaxTotal),
    billingCurrency: r.billingCurrency,
    pricingPreTaxTotal: num(r.pricingPreTaxTotal),
    pricingCurrency: r.pricingCurrency,
    entitlementId: r.entitlementId,
    entitlementDescription: r.entitlementDescription,
    pcToBCExchangeRate: num(r.pcToBCExchangeRate),
    pcToBCExchangeRateDate: r.pcToBCExchangeRateDate,
    effectiveUnitPrice: num(r.effectiveUnitPrice),
    rateOfPartnerEarnedCredit: num(r.rateOfPartnerEarnedCredit),
    hasPartnerEarnedCredit: r.hasPartnerEarnedCredit,
    rateOfCredit: num(r.rateOfCredit),
    creditType: r.creditType,
    invoiceLineItemType: 'usage_line_items',
    billingProvider: 'marketplace',
    attributes: { objectType: 'DailyRatedUsageLineItem' },
  };
}

/** Graph v2 export attribute set (API.md §6.4.4): full and basic. */
const GRAPH_USAGE_FULL: [string, (r: DailyRatedUsageRow) => unknown][] = [
  ['PartnerId', (r) => r.partnerId],
  ['PartnerName', (r) => r.partnerName],
  ['CustomerId', (r) => r.customerId],
  ['CustomerName', (r) => r.customerName],
  ['CustomerDomainName', (r) => r.customerDomainName],
  ['CustomerCountry', (r) => r.customerCountry],
  ['MpnId', (r) => r.mpnId],
  ['Tier2MpnId', (r) => r.resellerMpnId],
  ['InvoiceNumber', (r) => r.invoiceNumber],
  ['ProductId', (r) => r.productId],
  ['SkuId', (r) => r.skuId],
  ['AvailabilityId', (r) => r.availabilityId],
  ['SkuName', (r) => r.skuName],
  ['ProductName', (r) => r.productName],
  ['PublisherName', (r) => r.publisherName],
  ['PublisherId', (r) => r.publisherId],
  ['SubscriptionDescription', (r) => r.subscriptionDescription],
  ['SubscriptionId', (r) => r.subscriptionId],
  ['ChargeStartDate', (r) => r.chargeStartDate],
  ['ChargeEndDate', (r) => r.chargeEndDate],
  ['UsageDate', (r) => r.usageDate],
  ['MeterType', (r) => r.meterType],
  ['MeterCategory', (r) => r.meterCategory],
  ['MeterId', (r) => r.meterId],
  ['MeterSubCategory', (r) => r.meterSubCategory],
  ['MeterName', (r) => r.meterName],
  ['MeterRegion', (r) => r.meterRegion],
  ['Unit', (r) => r.unitOfMeasure],
  ['ResourceLocation', (r) => r.resourceLocation],
  ['ConsumedService', (r) => r.consumedService],
  ['ResourceGroup', (r) => r.resourceGroup],
  ['ResourceURI', (r) => r.resourceUri],
  ['ChargeType', (r) => r.chargeType],
  ['UnitPrice', (r) => num(r.unitPrice)],
  ['Quantity', (r) => num(r.quantity)],
  ['UnitType', (r) => r.unitType],
  ['BillingPreTaxTotal', (r) => num(r.billingPreTaxTotal)],
  ['BillingCurrency', (r) => r.billingCurrency],
  ['PricingPreTaxTotal', (r) => num(r.pricingPreTaxTotal)],
  ['PricingCurrency', (r) => r.pricingCurrency],
  ['ServiceInfo1', (r) => r.serviceInfo1],
  ['ServiceInfo2', (r) => r.serviceInfo2],
  ['Tags', (r) => r.tags],
  ['AdditionalInfo', (r) => r.additionalInfo],
  ['EffectiveUnitPrice', (r) => num(r.effectiveUnitPrice)],
  ['PCToBCExchangeRate', (r) => num(r.pcToBCExchangeRate)],
  ['EntitlementId', (r) => r.entitlementId],
  ['EntitlementDescription', (r) => r.entitlementDescription],
  ['PartnerEarnedCreditPercentage', (r) => num(r.rateOfPartnerEarnedCredit === '0.15' ? '15' : '0')],
  ['CreditPercentage', (r) => num(r.rateOfCredit === '1' ? '100' : '0')],
  ['CreditType', (r) => r.creditType],
  ['BenefitOrderID', (r) => r.benefitOrderId],
  ['BenefitID', (r) => r.benefitId],
  ['BenefitType', (r) => r.benefitType],
];

const GRAPH_USAGE_BASIC = new Set([
  'AdditionalInfo',
  'BenefitOrderID',
  'BenefitType',
  'BillingCurrency',
  'BillingPreTaxTotal',
  'ChargeEndDate',
  'ChargeStartDate',
  'ChargeType',
  'CreditPercentage',
  'CreditType',
  'CustomerId',
  'CustomerName',
  'EffectiveUnitPrice',
  'EntitlementId',
  'InvoiceNumber',
  'PartnerId',
  'PartnerName',
  'PCToBCExchangeRate',
  'PricingCurrency',
  'PricingPreTaxTotal',
  'ProductId',
  'PublisherName',
  'Quantity',
  'ResourceURI',
  'SkuId',
  'SkuName',
  'SubscriptionId',
  'UnitPrice',
  'UnitType',
  'UsageDate',
]);

export function graphUsageRecord(
  r: DailyRatedUsageRow,
  attributeSet: 'full' | 'basic',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, get] of GRAPH_USAGE_FULL) {
    if (attributeSet === 'basic' && !GRAPH_USAGE_BASIC.has(name)) continue;
    out[name] = get(r);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Usage views

function usageContext(emu: Emulator, customer: CustomerRec, plan: SubscriptionRec, entitlementIndex: number) {
  const ent = plan.entitlements[entitlementIndex]!;
  const ctx: UsageEntitlementContext = {
    partnerId: emu.state.partner.tenantId,
    partnerName: emu.state.partner.name,
    mpnId: emu.state.partner.mpnId,
    resellerMpnId: plan.partnerIdOnRecord ?? '',
    customerId: customer.id,
    customerName: customer.companyName,
    customerDomainName: customer.domain,
    customerCountry: customer.country,
    subscriptionId: plan.id,
    subscriptionDescription: 'Microsoft Azure plan',
    entitlementId: ent.id,
    entitlementDescription: ent.friendlyName,
    billingCurrency: customer.currency,
  };
  return { ent, ctx };
}

const usageCache = new WeakMap<Emulator, Map<string, DailyRatedUsageRow[]>>();

/**
 * Daily rated usage of every Azure entitlement billed in `currency`, for usage days in
 * [from, to). Only days before the emulated "today" appear: usage shows up about a day late.
 */
export function usageRows(
  emu: Emulator,
  currency: string,
  from: string,
  to: string,
  invoiceNumber: string,
): DailyRatedUsageRow[] {
  const today = dateOf(emu.now());
  const until = to < today ? to : today;
  const key = `${emu.revision}|${emu.now()}|${currency}|${from}|${until}|${invoiceNumber}`;
  let cache = usageCache.get(emu);
  if (!cache) {
    cache = new Map();
    usageCache.set(emu, cache);
  }
  const hit = cache.get(key);
  if (hit) return hit;
  const out: DailyRatedUsageRow[] = [];
  if (from < until) {
    for (const customer of Object.values(emu.state.customers)) {
      if (customer.currency !== currency) continue;
      for (const plan of emu.subscriptionsOf(customer.id)) {
        if (plan.kind !== 'azurePlan') continue;
        for (let i = 0; i < plan.entitlements.length; i++) {
          const { ent, ctx } = usageContext(emu, customer, plan, i);
          const first = dateOf(ent.createdAt);
          const stop = ent.cancelledAt !== undefined ? dateOf(ent.cancelledAt) : undefined;
          const profile = entitlementProfile(emu.state.seed, ctx);
          for (let d = first > from ? first : from; d < until; d = addDays(d, 1)) {
            if (stop !== undefined && d >= stop) break;
            dayRows(
              emu.state.seed,
              profile,
              usageDay(d),
              exchangeRate(emu.state.seed, currency, d),
              invoiceNumber,
              out,
            );
          }
        }
      }
    }
  }
  if (cache.size > 16) cache.clear();
  cache.set(key, out);
  return out;
}

export type UnbilledPeriod = 'current' | 'previous';

export function unbilledRange(emu: Emulator, period: UnbilledPeriod): { from: string; to: string } {
  const today = dateOf(emu.now());
  if (period === 'current') return { from: monthStart(today), to: nextMonthStart(today) };
  return { from: prevMonthStart(today), to: monthStart(today) };
}

export function invoiceFor(emu: Emulator, month: string, currency: string): InvoiceRec | undefined {
  return Object.values(emu.state.invoices).find((i) => i.periodStart === month && i.currency === currency);
}

export function unbilledUsage(emu: Emulator, currency: string, period: UnbilledPeriod): DailyRatedUsageRow[] {
  const { from, to } = unbilledRange(emu, period);
  if (invoiceFor(emu, from, currency)) return [];
  return usageRows(emu, currency, from, to, '');
}

export function unbilledCharges(emu: Emulator, currency: string, period: UnbilledPeriod): ChargeRec[] {
  const { from } = unbilledRange(emu, period);
  const month = monthKey(from);
  return emu.state.charges.filter(
    (c) => c.period === month && c.currency === currency && c.invoiceId === undefined,
  );
}

export function invoiceUsage(emu: Emulator, invoice: InvoiceRec): DailyRatedUsageRow[] {
  return usageRows(
    emu,
    invoice.currency,
    invoice.periodStart,
    nextMonthStart(invoice.periodStart),
    invoice.id,
  );
}

export function invoiceCharges(emu: Emulator, invoice: InvoiceRec): ChargeRec[] {
  return emu.state.charges.filter((c) => c.invoiceId === invoice.id);
}

export function sumDecimals(values: Iterable<string>): Dec {
  let acc = dec('0');
  for (const v of values) acc = add(acc, dec(v));
  return acc;
}

/** Closes `month` (YYYY-MM-01): one OneTime invoice per billing currency with anything to bill. */
export function issueInvoices(emu: Emulator, month: string, invoiceDate: number): InvoiceRec[] {
  const key = monthKey(month);
  const currencies = new Set<string>();
  for (const c of emu.state.charges)
    if (c.period === key && c.invoiceId === undefined) currencies.add(c.currency);
  for (const customer of Object.values(emu.state.customers)) {
    if (emu.subscriptionsOf(customer.id).some((s) => s.kind === 'azurePlan'))
      currencies.add(customer.currency);
  }
  const issued: InvoiceRec[] = [];
  for (const currency of [...currencies].sort()) {
    if (invoiceFor(emu, month, currency)) continue;
    const charges = emu.state.charges.filter(
      (c) => c.period === key && c.currency === currency && !c.invoiceId,
    );
    emu.state.invoiceSeq += 1;
    const id = `G${String(10_000_000 + (emu.state.seed % 80_000_000) + emu.state.invoiceSeq).padStart(9, '0')}`;
    const usage = usageRows(emu, currency, month, nextMonthStart(month), id);
    if (charges.length === 0 && usage.length === 0) {
      emu.state.invoiceSeq -= 1;
      continue;
    }
    for (const c of charges) c.invoiceId = id;
    const licenseTotal = sumDecimals(charges.map((c) => c.subtotal));
    const usageTotal = sumDecimals(usage.map((r) => r.billingPreTaxTotal));
    const invoice: InvoiceRec = {
      id,
      currency,
      periodStart: month,
      periodEnd: addDays(nextMonthStart(month), -1),
      invoiceDate,
      licenseTotal: fmt(licenseTotal, { minScale: 2 }),
      usageTotal: fmt(usageTotal, { minScale: 2 }),
      totalCharges: fmt(add(licenseTotal, usageTotal), { minScale: 2 }),
      usageLines: usage.length,
      licenseLines: charges.length,
    };
    emu.state.invoices[id] = invoice;
    issued.push(invoice);
  }
  return issued;
}

export function invoiceJson(inv: InvoiceRec, withPdfLink: boolean): Record<string, unknown> {
  const details: Record<string, unknown>[] = [
    {
      invoiceLineItemType: 'billing_line_items',
      billingProvider: 'one_time',
      links: {
        self: {
          uri: `/invoices/OneTime-${inv.id}/lineitems/OneTime/BillingLineItems`,
          method: 'GET',
          headers: [],
        },
      },
      attributes: { objectType: 'InvoiceDetail' },
    },
  ];
  if (inv.usageLines > 0) {
    details.push({
      invoiceLineItemType: 'usage_line_items',
      billingProvider: 'one_time',
      links: {
        self: {
          uri: `/invoices/OneTime-${inv.id}/lineitems/OneTime/UsageLineItems`,
          method: 'GET',
          headers: [],
        },
      },
      attributes: { objectType: 'InvoiceDetail' },
    });
  }
  return {
    id: inv.id,
    invoiceDate: new Date(inv.invoiceDate).toISOString(),
    billingPeriodStartDate: midnightZ(inv.periodStart),
    billingPeriodEndDate: midnightZ(inv.periodEnd),
    totalCharges: num(inv.totalCharges),
    paidAmount: num('0'),
    currencyCode: inv.currency,
    currencySymbol: currencySymbol(inv.currency),
    pdfDownloadLink: withPdfLink ? `/invoices/${inv.id}/documents/statement` : '',
    taxReceipts: [],
    invoiceDetails: details,
    documentType: 'invoice',
    invoiceType: 'OneTime',
    amendments: [],
    links: { self: { uri: `/invoices/OneTime-${inv.id}`, method: 'GET', headers: [] } },
    attributes: { objectType: 'Invoice' },
  };
}

export function currencySymbol(code: string): string {
  return { USD: '$', EUR: '€', JPY: '¥', GBP: '£' }[code] ?? code;
}
