/**
 * Test/admin routes under `/_emulator/...` (no auth, never faulted): clock, reset, stats, faults,
 * settings, relationship acceptance, existing tenants, catalog mutations, Azure entitlements and
 * the daily-rated-usage CSV download.
 */
import { invoiceFor, invoiceUsage, unbilledUsage } from '../billing.ts';
import { SUPPORTED_CURRENCIES } from '../catalog.ts';
import { CURRENCY_MINOR_UNITS, PARTNER_PRICE_FACTOR } from '../catalog-data.ts';
import { advanceClock } from '../clock.ts';
import { dateOf, isTermDuration, parseInstant, prevMonthStart } from '../dates.ts';
import { dec, div, fmt, isDecimalString, rescale } from '../decimal.ts';
import { errors } from '../errors.ts';
import { configureFaults } from '../faults.ts';
import { asRecord, created, intValue, ok, type Reply, str } from '../http.ts';
import { guid, rngFor } from '../prng.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { Settings } from '../state.ts';
import { type DailyRatedUsageRow, toReconCsv } from '../usage-generator.ts';
import { addEntitlement } from './azure.ts';
import { acceptRelationship, customerJson } from './customers.ts';

export interface AdminHooks {
  reset(seed: number | undefined, now: number | undefined): void;
  save(): void;
}

function clockJson(emu: Emulator) {
  return { now: new Date(emu.now()).toISOString(), date: dateOf(emu.now()) };
}

function priceChange(emu: Emulator, body: unknown): Reply {
  const b = asRecord(body);
  const productId = str(b.productId);
  const skuId = str(b.skuId);
  const currency = str(b.currency)?.toUpperCase();
  const newUnitPrice = str(b.newUnitPrice);
  const effectiveDate = str(b.effectiveDate)?.slice(0, 10);
  if (!productId || !skuId || !currency || !newUnitPrice || !effectiveDate) {
    throw errors.invalidInput('productId, skuId, currency, newUnitPrice and effectiveDate are required.');
  }
  if (!(SUPPORTED_CURRENCIES as readonly string[]).includes(currency))
    throw errors.invalidInput(`Unsupported currency ${currency}.`);
  if (!isDecimalString(newUnitPrice)) throw errors.invalidInput('newUnitPrice must be a decimal string.');
  if (parseInstant(effectiveDate) === undefined)
    throw errors.invalidInput('effectiveDate must be YYYY-MM-DD.');
  const sku = emu.catalog.sku(productId, skuId);
  if (!sku || sku.kind === 'azurePlan') throw errors.notFound(`SKU ${productId}:${skuId} was not found.`);
  const minor = CURRENCY_MINOR_UNITS[currency] ?? 2;
  const erp =
    str(b.newErpPrice) ??
    fmt(rescale(div(dec(newUnitPrice), dec(PARTNER_PRICE_FACTOR), minor + 2), minor), { trim: false });
  const change = {
    productId: sku.productId,
    skuId: sku.skuId,
    currency,
    unitPrice: fmt(rescale(dec(newUnitPrice), minor), { trim: false }),
    erpPrice: fmt(rescale(dec(erp), minor), { trim: false }),
    effectiveDate,
  };
  emu.state.catalog.priceChanges.push(change);
  emu.rebuildCatalog();
  emu.markDirty();
  return created(change);
}

function retire(emu: Emulator, body: unknown): Reply {
  const b = asRecord(body);
  const sku = emu.catalog.sku(str(b.productId) ?? '', str(b.skuId) ?? '');
  if (!sku) throw errors.notFound('SKU not found.');
  const at = parseInstant(str(b.effectiveDate)) ?? emu.now();
  emu.state.catalog.retired = emu.state.catalog.retired.filter(
    (r) => !(r.productId === sku.productId && r.skuId === sku.skuId),
  );
  emu.state.catalog.retired.push({ productId: sku.productId, skuId: sku.skuId, at });
  emu.rebuildCatalog();
  emu.markDirty();
  return ok({ productId: sku.productId, skuId: sku.skuId, retiredAt: new Date(at).toISOString() });
}

function addSku(emu: Emulator, body: unknown): Reply {
  const b = asRecord(body);
  const productId =
    str(b.productId)?.toUpperCase() ??
    `CFQ7TTC0${guid(rngFor(emu.state.seed, 'add-sku', emu.state.seq))
      .slice(0, 4)
      .toUpperCase()}`;
  const skuId = str(b.skuId) ?? '0001';
  const title = str(b.title) ?? str(b.skuTitle);
  const price = str(b.unitPrice) ?? str(b.erpUsdMonthly);
  if (!title || !price || !isDecimalString(price))
    throw errors.invalidInput('title and unitPrice (USD per month, decimal string) are required.');
  if (emu.catalog.sku(productId, skuId))
    throw errors.invalidInput(`SKU ${productId}:${skuId} already exists.`);
  const terms = Array.isArray(b.terms)
    ? b.terms.filter((t): t is string => typeof t === 'string' && isTermDuration(t))
    : ['P1M', 'P1Y'];
  emu.state.catalog.added.push({
    productId,
    skuId,
    productTitle: str(b.productTitle) ?? title,
    skuTitle: title,
    description: str(b.description) ?? title,
    erpUsdMonthly: price,
    terms,
    min: intValue(b.minimumQuantity) ?? 1,
    max: intValue(b.maximumQuantity) ?? 1_000_000,
    ...(Array.isArray(b.addOnOf)
      ? { addOnOf: b.addOnOf.filter((x): x is string => typeof x === 'string') }
      : {}),
    kind: str(b.kind) === 'software' ? 'software' : 'nce',
    addedAt: emu.now(),
  });
  emu.rebuildCatalog();
  emu.markDirty();
  const sku = emu.catalog.sku(productId, skuId)!;
  return created({
    productId: sku.productId,
    skuId: sku.skuId,
    availabilityId: sku.availabilityId,
    catalogItemId: sku.catalogItemId,
    terms: sku.terms.map((t) => ({ id: t.id, duration: t.duration, billingCycle: t.billingCycle })),
  });
}

function updateSettings(emu: Emulator, body: unknown): Settings {
  const b = asRecord(body);
  const s = emu.state.settings;
  if (typeof b.requireMcaAttestation === 'boolean') s.requireMcaAttestation = b.requireMcaAttestation;
  if (typeof b.subscriptionPatchAccepted === 'boolean')
    s.subscriptionPatchAccepted = b.subscriptionPatchAccepted;
  const polls = intValue(b.exportPollsBeforeReady);
  if (polls !== undefined) s.exportPollsBeforeReady = Math.max(0, polls);
  const day = intValue(b.invoiceDay);
  if (day !== undefined) {
    if (day < 1 || day > 28) throw errors.invalidInput('invoiceDay must be between 1 and 28.');
    s.invoiceDay = day;
  }
  const ttl = intValue(b.cartTtlDays);
  if (ttl !== undefined) s.cartTtlDays = Math.max(1, ttl);
  const rows = intValue(b.rowsPerBlob);
  if (rows !== undefined) s.rowsPerBlob = Math.max(1, rows);
  emu.markDirty();
  return s;
}

function usageCsv(emu: Emulator, body: { invoiceId?: string; period?: string; currency?: string }): Reply {
  let rows: DailyRatedUsageRow[];
  if (body.invoiceId) {
    const inv = emu.state.invoices[body.invoiceId.toUpperCase()];
    if (!inv) throw errors.notFound(`Invoice ${body.invoiceId} was not found.`);
    rows = invoiceUsage(emu, inv);
  } else {
    const period = (body.period ?? 'current').toLowerCase();
    if (period !== 'current' && period !== 'previous')
      throw errors.invalidInput('period must be current or previous.');
    rows = unbilledUsage(emu, (body.currency ?? 'USD').toUpperCase(), period);
  }
  return {
    status: 200,
    stream: toReconCsv(rows),
    contentType: 'text/csv; charset=utf-8',
    headers: { 'Content-Disposition': 'attachment; filename="DailyRatedUsage.csv"' },
  };
}

export function registerAdminRoutes(router: Router, emu: Emulator, hooks: AdminHooks): void {
  const A = '/_emulator';
  router.get(`${A}/health`, () => ok({ status: 'ok' }));
  router.get(`${A}/clock`, () => ok(clockJson(emu)));
  router.post(
    `${A}/clock`,
    (ctx) => {
      const b = asRecord(ctx.body);
      let target: number | undefined;
      if (b.set !== undefined || b.now !== undefined) {
        target = parseInstant(str(b.set ?? b.now));
        if (target === undefined) throw errors.invalidInput('set must be an ISO-8601 instant.');
      } else {
        const days = typeof b.advanceDays === 'number' ? b.advanceDays : 0;
        const hours = typeof b.advanceHours === 'number' ? b.advanceHours : 0;
        if (days < 0 || hours < 0)
          throw errors.invalidInput('advanceDays and advanceHours must not be negative.');
        target = emu.now() + Math.round(days * 86_400_000 + hours * 3_600_000);
      }
      const report = advanceClock(emu, target);
      return ok({ ...clockJson(emu), report });
    },
    { mutating: true },
  );
  router.post(`${A}/reset`, (ctx) => {
    const b = asRecord(ctx.body);
    hooks.reset(intValue(b.seed), parseInstant(str(b.now)));
    return ok({ ...clockJson(emu), seed: emu.state.seed });
  });
  router.post(`${A}/save`, () => {
    hooks.save();
    return ok({ saved: true });
  });
  router.get(`${A}/state`, () => ok(emu.state));
  router.get(`${A}/stats`, () =>
    ok({
      ...emu.state.stats,
      subscriptions: Object.keys(emu.state.subscriptions).length,
      customers: Object.keys(emu.state.customers).length,
    }),
  );
  router.get(`${A}/faults`, () => ok(emu.state.faults));
  router.post(`${A}/faults`, (ctx) => {
    const f = configureFaults(emu.state, ctx.body);
    emu.markDirty();
    return ok(f);
  });
  router.delete(`${A}/faults`, () => {
    const f = configureFaults(emu.state, {});
    emu.markDirty();
    return ok(f);
  });
  router.get(`${A}/settings`, () => ok(emu.state.settings));
  router.post(`${A}/settings`, (ctx) => ok(updateSettings(emu, ctx.body)));

  router.get(`${A}/tenants`, () => ok({ items: Object.values(emu.state.tenants) }));
  router.post(`${A}/tenants`, (ctx) => {
    const b = asRecord(ctx.body);
    const domain = str(b.domain)?.toLowerCase();
    if (!domain) throw errors.invalidInput('domain is required.');
    const taken =
      Object.values(emu.state.tenants).some((t) => t.domain === domain) ||
      Object.values(emu.state.customers).some((c) => c.domain === domain);
    if (taken) throw errors.domainInUse(domain);
    const id = emu.nextGuid();
    emu.state.tenants[id] = {
      id,
      domain,
      companyName: str(b.companyName) ?? domain,
      country: (str(b.country) ?? 'US').toUpperCase(),
      email: str(b.email) ?? `admin@${domain}`,
      city: str(b.city) ?? 'Redmond',
      postalCode: str(b.postalCode) ?? '98052',
      addressLine1: str(b.addressLine1) ?? '1 Microsoft Way',
      state: str(b.state) ?? 'WA',
    };
    emu.markDirty();
    return created(emu.state.tenants[id]);
  });
  router.post(`${A}/customers/:customerId/accept-relationship`, (ctx) =>
    ok(customerJson(acceptRelationship(emu, ctx.params.customerId!))),
  );
  router.post(`${A}/customers/:customerId/subscriptions/:subscriptionId/azure-entitlements`, (ctx) => {
    const plan = emu.subscription(ctx.params.customerId!, ctx.params.subscriptionId!);
    if (plan.kind !== 'azurePlan' || plan.status !== 'active')
      throw errors.invalidInput('Not an active Azure plan.');
    const e = addEntitlement(emu, plan, str(asRecord(ctx.body).friendlyName));
    return created({ id: e.id, friendlyName: e.friendlyName, status: e.status, subscriptionId: plan.id });
  });

  router.post(`${A}/catalog/price-change`, (ctx) => priceChange(emu, ctx.body));
  router.post(`${A}/catalog/retire`, (ctx) => retire(emu, ctx.body));
  router.post(`${A}/catalog/add-sku`, (ctx) => addSku(emu, ctx.body));

  router.get(`${A}/billing/daily-rated-usage.csv`, (ctx) =>
    usageCsv(emu, {
      invoiceId: ctx.query.get('invoiceId'),
      period: ctx.query.get('period'),
      currency: ctx.query.get('currencyCode'),
    }),
  );
  router.get(`${A}/billing/invoice-for`, (ctx) => {
    const month = ctx.query.get('month') ?? prevMonthStart(dateOf(emu.now()));
    const inv = invoiceFor(
      emu,
      month.length === 7 ? `${month}-01` : month,
      (ctx.query.get('currencyCode') ?? 'USD').toUpperCase(),
    );
    if (!inv) throw errors.notFound('No invoice for that month and currency.');
    return ok(inv);
  });
}
