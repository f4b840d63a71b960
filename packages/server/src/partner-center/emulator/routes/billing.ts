/**
 * Invoices and reconciliation line items (API.md §6): invoice list/get/summary, billed and unbilled
 * one-time billing line items (licence recon) and daily rated usage, with Microsoft's seek paging.
 * Legacy providers (office, azure) answer with empty collections.
 */
import {
  chargeLineItem,
  currencySymbol,
  invoiceCharges,
  invoiceJson,
  invoiceUsage,
  type UnbilledPeriod,
  unbilledCharges,
  unbilledUsage,
  usageLineItem,
} from '../billing.ts';
import { add, dec, fmt } from '../decimal.ts';
import { errors } from '../errors.ts';
import { collection, link, num, ok, type RequestContext, seekLinks, seekPage } from '../http.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { InvoiceRec } from '../state.ts';

const PAGE_MAX = 2000;

function invoiceById(emu: Emulator, raw: string): InvoiceRec {
  const id = raw.replace(/^(OneTime|Recurring)-/i, '').toUpperCase();
  const inv = emu.state.invoices[id];
  if (!inv) throw errors.notFound(`Invoice ${raw} was not found.`);
  return inv;
}

function periodParam(ctx: RequestContext): UnbilledPeriod {
  const p = ctx.query.token('period');
  if (p === 'current' || p === 'previous') return p;
  throw errors.invalidInput('period must be current or previous.');
}

function currencyParam(ctx: RequestContext): string {
  const c = ctx.query.get('currencyCode');
  if (!c) throw errors.invalidInput('currencyCode is required for unbilled line items.');
  return c.toUpperCase();
}

function lineItems(emu: Emulator, ctx: RequestContext, providerRaw?: string, typeRaw?: string) {
  const provider = (providerRaw ?? ctx.query.get('provider') ?? '').replace(/[_\s-]/g, '').toLowerCase();
  const type = (typeRaw ?? ctx.query.get('invoiceLineItemType') ?? '').replace(/[_\s-]/g, '').toLowerCase();
  if (!provider || !type) throw errors.invalidInput('provider and invoiceLineItemType are required.');
  if (type !== 'billinglineitems' && type !== 'usagelineitems')
    throw errors.invalidInput(`Unknown invoiceLineItemType ${type}.`);
  const unbilled = ctx.params.invoiceId!.toLowerCase() === 'unbilled';
  let rows: unknown[] = [];
  if (provider === 'onetime' || provider === 'marketplace' || provider === 'all') {
    if (type === 'billinglineitems') {
      if (unbilled) {
        rows = unbilledCharges(emu, currencyParam(ctx), periodParam(ctx)).map((c) =>
          chargeLineItem(emu, c, ''),
        );
      } else {
        const inv = invoiceById(emu, ctx.params.invoiceId!);
        rows = invoiceCharges(emu, inv).map((c) => chargeLineItem(emu, c, inv.id));
      }
    } else {
      let usage = unbilled
        ? unbilledUsage(emu, currencyParam(ctx), periodParam(ctx))
        : invoiceUsage(emu, invoiceById(emu, ctx.params.invoiceId!));
      const pec = ctx.query.get('hasPartnerEarnedCredit');
      if (pec !== undefined)
        usage = usage.filter((r) => r.hasPartnerEarnedCredit === (pec.toLowerCase() === 'true'));
      rows = usage;
    }
  } else if (provider !== 'office' && provider !== 'azure') {
    throw errors.invalidInput(`Unknown provider ${provider}.`);
  } else if (!unbilled) {
    invoiceById(emu, ctx.params.invoiceId!);
  }
  const page = seekPage(rows, ctx, PAGE_MAX, PAGE_MAX);
  const items =
    type === 'usagelineitems' && (provider === 'onetime' || provider === 'marketplace' || provider === 'all')
      ? (page.items as Parameters<typeof usageLineItem>[0][]).map(usageLineItem)
      : page.items;
  return ok(collection(items, seekLinks(ctx, page.nextOffset)));
}

function summaryJson(emu: Emulator, currency: string): Record<string, unknown> {
  const invoices = Object.values(emu.state.invoices)
    .filter((i) => i.currency === currency)
    .sort((a, b) => a.invoiceDate - b.invoiceDate);
  let balance = dec('0');
  for (const i of invoices) balance = add(balance, dec(i.totalCharges));
  const first = invoices[0];
  const last = invoices[invoices.length - 1];
  const day = (ms: number | undefined) =>
    ms === undefined ? '0001-01-01T00:00:00' : `${new Date(ms).toISOString().slice(0, 10)}T00:00:00`;
  const summary = {
    balanceAmount: num(fmt(balance, { minScale: 2 })),
    currencyCode: currency,
    currencySymbol: currencySymbol(currency),
    accountingDate: day(emu.now()),
    firstInvoiceCreationDate: day(first?.invoiceDate),
    lastPaymentDate: '0001-01-01T00:00:00',
    lastPaymentAmount: num('0'),
    latestInvoiceDate: day(last?.invoiceDate),
  };
  return {
    ...summary,
    details: [
      { invoiceType: 'OneTime', summary: { ...summary, attributes: { objectType: 'InvoiceSummary' } } },
    ],
    links: { self: link('/invoices/summary') },
    attributes: { objectType: 'InvoiceSummary' },
  };
}

export function registerBillingRoutes(router: Router, emu: Emulator): void {
  router.get('/v1/invoices', (ctx) => {
    const all = Object.values(emu.state.invoices).sort(
      (a, b) => b.invoiceDate - a.invoiceDate || b.id.localeCompare(a.id),
    );
    const size = ctx.query.int('size', 200, 1);
    const offset = ctx.query.int('offset', 0);
    const items = all.slice(offset, offset + size);
    const links: Record<string, ReturnType<typeof link>> = {
      self: link(`/invoices?size=${size}&offset=${offset}`),
    };
    if (offset + items.length < all.length)
      links.next = link(`/invoices?size=${size}&offset=${offset + items.length}`);
    return ok(
      collection(
        items.map((i) => invoiceJson(i, false)),
        links,
      ),
    );
  });
  router.get('/v1/invoices/summary', (ctx) =>
    ok(summaryJson(emu, (ctx.query.get('currencyCode') ?? 'USD').toUpperCase())),
  );
  router.get('/v1/invoices/summaries', () => {
    const currencies = [...new Set(Object.values(emu.state.invoices).map((i) => i.currency))].sort();
    return ok(collection(currencies.map((c) => summaryJson(emu, c))));
  });
  router.get('/v1/invoices/:invoiceId', (ctx) =>
    ok(invoiceJson(invoiceById(emu, ctx.params.invoiceId!), true)),
  );
  router.get('/v1/invoices/:invoiceId/documents/statement', (ctx) => {
    const inv = invoiceById(emu, ctx.params.invoiceId!);
    const text = `%PDF-1.4\n% Emulated invoice ${inv.id} ${inv.currency} ${inv.totalCharges}\n%%EOF\n`;
    return { status: 200, text, contentType: 'application/pdf' };
  });
  router.get('/v1/invoices/:invoiceId/lineitems', (ctx) => lineItems(emu, ctx));
  router.get('/v1/invoices/:invoiceId/lineitems/:provider/:type', (ctx) =>
    lineItems(emu, ctx, ctx.params.provider, ctx.params.type),
  );
}
