import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as pc from '../../packages/server/src/partner-center/index.ts';
import {
  type CannedResponse,
  type RecordingServer,
  startRecordingServer,
} from './support/recording-server.ts';

/**
 * Contract tests against Microsoft's own sample payloads and recorded traffic
 * (`../shared/partner-center/fixtures` beside the repository, see SOURCES.md there).
 *
 * 1. Every JSON response fixture parses with the schema of its operation (explicit table; a fixture in no
 *    table entry and not explicitly skipped fails the test).
 * 2. Every request fixture of an operation the client has is replayed through the client against a
 *    recording HTTP server, and method, path, query, documented headers and body key set are compared.
 */

const FIXTURES =
  process.env.PC_FIXTURES_DIR ??
  fileURLToPath(new URL('../../../shared/partner-center/fixtures', import.meta.url));

// The fixtures live beside the repository (shared/); without them the contract is not checked at all,
// which must fail loudly rather than pass quietly.
if (!existsSync(FIXTURES))
  throw new Error(`Partner Center fixtures not found at ${FIXTURES} (set PC_FIXTURES_DIR).`);

// ---------------------------------------------------------------------------------------------------------
// Fixture reading

interface HttpMessage {
  method?: string;
  target?: string;
  status?: number;
  headers: Record<string, string>;
  body: string;
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$/;

/** Parses the loose `.http` transcripts: optional start line, headers (blank lines tolerated), body. */
function parseHttp(text: string): HttpMessage {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const message: HttpMessage = { headers: {}, body: '' };
  let i = 0;
  while (i < lines.length && (lines[i] ?? '').trim() === '') i++;
  const first = lines[i] ?? '';
  const request = /^(GET|POST|PUT|PATCH|DELETE|HEAD)\s+(.+?)(?:\s+HTTP\/1\.1)?\s*$/.exec(first);
  const response = /^HTTP\/1\.1\s+(\d{3})/.exec(first);
  if (request) {
    message.method = request[1];
    message.target = request[2];
  } else if (response) {
    message.status = Number(response[1]);
  }
  if (request || response) {
    i++;
    for (; i < lines.length; i++) {
      const line = lines[i] ?? '';
      if (line.trim() === '') {
        let j = i + 1;
        while (j < lines.length && (lines[j] ?? '').trim() === '') j++;
        if (j < lines.length && HEADER_LINE.test((lines[j] ?? '').trim())) continue;
        i = j;
        break;
      }
      const header = HEADER_LINE.exec(line.trim());
      if (!header) break;
      message.headers[(header[1] ?? '').toLowerCase()] = (header[2] ?? '').trim();
    }
  }
  message.body = lines.slice(i).join('\n').trim();
  return message;
}

const read = (file: string) => readFileSync(join(FIXTURES, file), 'utf8');
const fixtureFiles = () => readdirSync(FIXTURES).sort();
const exists = (file: string) => existsSync(join(FIXTURES, file));

function strictJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: pc.parseJsonLossless(text) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/**
 * Undoes the documentation's typographic shortcuts, nothing else: comments, `...`/`…` placeholders,
 * list-number prefixes, unquoted keys, trailing and missing commas. Whatever still fails is reported as skipped.
 */
function repairJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i === 0) break;
    } else out += ch;
  }
  const start = out.search(/[{[]/);
  out = start > 0 ? out.slice(start) : out;
  return out
    .replace(/\{\s*(?:\.\.\.|…)\s*\}/g, '{}')
    .replace(/\[\s*(?:\.\.\.|…)\s*\]/g, '')
    .replace(/^\s*(?:\.\.\.|…)\s*,?\s*$/gm, '')
    .replace(/^(\s*)([A-Za-z_]\w*)\s*:/gm, '$1"$2":')
    .replace(/([}\]"]|\d|true|false|null)(\s*\n\s*)(?=["{])/g, '$1,$2')
    .replace(/,(\s*[}\]])/g, '$1');
}

/** The `items` array of a collection whose surrounding object is broken (stray braces in the docs). */
function extractItems(text: string): unknown[] {
  const repaired = repairJson(text);
  const key = repaired.indexOf('"items"');
  const open = repaired.indexOf('[', key);
  if (key < 0 || open < 0) throw new Error('no items array');
  let depth = 0;
  let inString = false;
  for (let i = open; i < repaired.length; i++) {
    const ch = repaired[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if (ch === ']' || ch === '}') {
      depth--;
      if (depth === 0) return pc.parseJsonLossless(repaired.slice(open, i + 1)) as unknown[];
    }
  }
  throw new Error('unterminated items array');
}

type Repair = 'syntax' | 'items';

/** Body of a fixture stem: the strict `.json` when it exists, else the `.http` body (repaired if asked). */
function fixtureBody(stem: string, repair?: Repair): unknown {
  if (exists(`${stem}.json`)) return pc.parseJsonLossless(read(`${stem}.json`));
  const body = parseHttp(read(`${stem}.http`)).body;
  const strict = strictJson(body);
  if (strict.ok) return strict.value;
  if (repair === 'items') return { items: extractItems(body) };
  if (repair === 'syntax') return pc.parseJsonLossless(repairJson(body));
  throw new Error(`${stem} is not JSON: ${strict.error}`);
}

// ---------------------------------------------------------------------------------------------------------
// 1. Response fixtures → schemas

interface ResponseEntry {
  schema: z.ZodType;
  /** For `.http` bodies that are not strict JSON: which documented shortcut to undo. */
  repair?: Repair;
  check?: (parsed: never) => void;
  note?: string;
}

const collection = pc.collectionOf;
const subscription: ResponseEntry = { schema: pc.SubscriptionSchema };
const order: ResponseEntry = { schema: pc.OrderSchema };

const RESPONSES: Record<string, ResponseEntry> = {
  'agreements-confirm-mca.error-600061-body': {
    schema: pc.ApiFaultSchema,
    check: (fault: pc.ApiFault) => {
      expect(fault.code).toBe(600061);
      expect(pc.parseErrorBody(fault).errorName).toBe('PartnerConfirmedAgreementAlreadyExists');
      expect(pc.classifyNceViolation(pc.parseErrorBody(fault))?.kind).toBe('agreement_already_exists');
    },
  },
  'agreements-confirm-mca.response': { schema: pc.AgreementSchema },
  'availabilities-list.response': { schema: pc.AvailabilityCollectionSchema, repair: 'syntax' },
  'azure-utilization.response': {
    schema: collection(pc.AzureUtilizationRecordSchema),
    check: (page: pc.Collection<pc.AzureUtilizationRecord>) => {
      expect(page.items[0]?.quantity).toBe('0.217790327034891');
    },
  },
  'billed-daily-rated-usage.response': {
    schema: collection(pc.DailyRatedUsageLineItemSchema),
    check: (page: pc.Collection<pc.DailyRatedUsageLineItem>) => {
      // More digits than a double holds: must survive exactly.
      expect(page.items[1]?.effectiveUnitPrice).toBe('0.1999968000511991808131');
      expect(page.items[0]?.unitPrice).toBe('0.0209496384791679');
      expect(page.items[0]?.mpnId).toBe('1234567');
      expect(pc.continuationTokenOf(page.links?.next as pc.Link)).toBe('AQAAAA==');
    },
  },
  'carts-update.response': {
    schema: pc.CartSchema,
    repair: 'syntax',
    check: (cart: pc.Cart) => {
      expect(cart.lineItems[0]?.provisioningContext).toMatchObject({ scope: 'shared' });
    },
  },
  'customer-product-azure-plan.response': { schema: pc.ProductSchema },
  'customer-products-microsoftazure.response': {
    schema: pc.CustomerCatalogItemCollectionSchema,
    note: 'items are SKU-shaped in the documented example',
  },
  'customer-sku-azure-plan.response': {
    schema: pc.SkuSchema,
    note: 'the availabilities-by-customer page documents a single SKU body; parsed as the SKU it is',
  },
  'customers-create.response': {
    schema: pc.CustomerSchema,
    check: (customer: pc.Customer) => {
      expect(customer.userCredentials?.userName).toBe('admin');
      expect(customer.relationshipToPartner).toBe('none');
    },
  },
  'customers-get-by-id.response': { schema: pc.CustomerSchema },
  'customers-list.response': { schema: pc.CustomerCollectionSchema },
  'customers-relationship-request.response': { schema: pc.RelationshipRequestSchema },
  'gdap-relationship-create.response-201': { schema: pc.GdapRelationshipSchema },
  'gdap-relationship-request.lockForApproval.response-201': { schema: pc.GdapRelationshipRequestSchema },
  'graph-billing-manifest.response': { schema: pc.ManifestSchema },
  'graph-billing-operation.failed': {
    schema: pc.ExportOperationSchema,
    check: (op: pc.ExportOperation) => {
      expect(op.status).toBe('failed');
      expect(op.error?.code).toBe('5000');
    },
  },
  'graph-billing-operation.running': { schema: pc.ExportOperationSchema },
  'graph-billing-operation.succeeded': {
    schema: pc.ExportOperationSchema,
    check: (op: pc.ExportOperation) => {
      expect(op['resourceLocation@odata.navigationLink']).toMatch(/manifests\//);
    },
  },
  'invoice-lineitems-azure-billing.response': {
    schema: collection(pc.UsageBasedLineItemSchema),
    check: (page: pc.Collection<pc.UsageBasedLineItem>) => {
      expect(page.items[0]?.pretaxCharges).toBe('63.33');
      expect(page.items[0]?.tier2MpnId).toBe('-1');
    },
  },
  'invoice-lineitems-azure-usage.response': { schema: collection(pc.DailyUsageLineItemSchema) },
  'invoice-lineitems-office-billing.response': {
    schema: collection(pc.LicenseBasedLineItemSchema),
    check: (page: pc.Collection<pc.LicenseBasedLineItem>) => {
      // `0.0` is sent; the decimal text is kept as sent.
      expect(page.items[0]?.unitPrice).toBe('0.0');
    },
  },
  'invoice-lineitems-onetime-billing.response': {
    schema: collection(pc.OneTimeInvoiceLineItemSchema),
    repair: 'items',
    note: 'documented body has stray braces around the collection; the items array is intact',
    check: (page: pc.Collection<pc.OneTimeInvoiceLineItem>) => {
      expect(page.items.map((i) => i.unitPrice)).toEqual(['0', '16', '820']);
      expect(page.items[1]?.effectiveUnitPrice).toBe('14.4');
      expect(page.items[2]?.resellerMpnId).toBe('0');
      expect(page.items[2]?.billableQuantity).toBe('3.1618');
    },
  },
  'invoices-get.response': {
    schema: pc.InvoiceSchema,
    check: (invoice: pc.Invoice) => {
      expect(invoice.totalCharges).toBe('2076.63');
      expect(invoice.invoiceType).toBe('one_time');
    },
  },
  'invoices-list.response': { schema: pc.InvoiceCollectionSchema },
  'invoices-summary.response': {
    schema: pc.InvoiceSummarySchema,
    check: (summary: pc.InvoiceSummary) => {
      expect(summary.balanceAmount).toBe('751094.39');
    },
  },
  'licenses-assign.response-201': { schema: pc.LicenseUpdateSchema },
  'licenses-assign.response-400-error': {
    schema: pc.ApiFaultSchema,
    check: (fault: pc.ApiFault) => {
      const error = new pc.PartnerCenterError({ httpStatus: 400, ...pc.parseErrorBody(fault) });
      expect(error.code).toBe(60012);
      expect(error.description).toMatch(/^We're sorry/);
      expect(error.violation?.kind).toBe('licenses_exhausted');
    },
  },
  'licenses-subscribedskus.response': { schema: pc.SubscribedSkuCollectionSchema },
  'nce-availability.response': {
    schema: pc.AvailabilitySchema,
    repair: 'syntax',
    check: (availability: pc.Availability) => {
      expect(availability.terms?.[0]?.billingCycle).toBe('annual');
      expect(availability.terms?.[0]?.cancellationPolicies?.[0]?.refundOptions?.[0]?.expiresAfter).toBe(
        'P1D',
      );
    },
  },
  'nce-carts-checkout.response': {
    schema: pc.CartCheckoutResultSchema,
    repair: 'syntax',
    check: (result: pc.CartCheckoutResult) => {
      expect(result.orders).toHaveLength(3);
      expect(result.orders[0]?.lineItems[0]?.transactionType).toBe('new');
    },
  },
  'nce-carts-create-license.response': {
    schema: pc.CartSchema,
    check: (cart: pc.Cart) => {
      expect(cart.status).toBe('active');
      expect(cart.lineItems[0]?.billingCycle).toBe('monthly');
    },
  },
  'nce-carts-create-mixed.response': { schema: pc.CartSchema },
  'nce-migration-create.response': { schema: pc.MigrationSchema },
  'nce-migration-validate.response-eligible': {
    schema: pc.MigrationValidationSchema,
    repair: 'syntax',
    note: 'the .http copy starts with the list number `2.` of the docs page',
  },
  'nce-migration-validate.response-ineligible': {
    schema: pc.MigrationValidationSchema,
    repair: 'syntax',
    check: (result: pc.MigrationValidation) => {
      expect(result.isEligible).toBe(false);
      expect(result.errors?.[0]?.code).toBe(5);
    },
  },
  'nce-subscription-get.response': subscription,
  'nce-subscription-scheduled-next-term.response': {
    schema: pc.SubscriptionSchema,
    repair: 'syntax',
    check: (sub: pc.Subscription) => {
      expect(sub.scheduledNextTermInstructions?.product.termDuration).toBe('P3Y');
      expect(sub.scheduledNextTermInstructions?.product.billingCycle).toBe('annual');
      expect(sub.cancellationAllowedUntilDate).toBe('2021-10-14T23:59:00Z');
    },
  },
  'nce-transition-create.response': {
    schema: pc.TransitionSchema,
    check: (transition: pc.Transition) => {
      expect(transition.fromCatalogItemId).toBe('CFQ7TTC0LDPB:0001:CFQ7TTC0LGNT');
      expect(transition.events[0]?.status).toBe('started');
    },
  },
  'nce-transition-eligibilities.response': { schema: pc.TransitionEligibilityCollectionSchema },
  'nce-transitions-list.response': {
    schema: pc.TransitionCollectionSchema,
    check: (page: pc.Collection<pc.Transition>) => {
      expect(page.items[0]?.events.map((e) => e.status)).toEqual(['started', 'completed']);
    },
  },
  'orders-create-azure-ri.response': order,
  'orders-create-legacy-indirect.response': order,
  'orders-get.response': order,
  'orders-patch-cancel-software.response': order,
  'orders-patch-purchase-addon.response': order,
  'products-list.response': { schema: pc.ProductCollectionSchema, repair: 'syntax' },
  'ps-recorded.countryvalidationrules-US.response': { schema: pc.CountryValidationRulesSchema },
  'ps-recorded.offercategories-US.response': { schema: pc.OfferCategoryCollectionSchema },
  'ps-recorded.offers-list-US.response': {
    schema: pc.OfferCollectionSchema,
    check: (page: pc.Collection<pc.Offer>) => {
      expect(page.items).toHaveLength(274);
    },
  },
  'ratecard-azure.response': {
    schema: pc.AzureRateCardSchema,
    check: (card: pc.AzureRateCard) => {
      expect(card.meters[0]?.rates?.['0']).toBe('7395.0');
      expect(card.offerTerms?.[0]?.discount).toBe('0.15');
    },
  },
  'skus-list.response': { schema: pc.SkuCollectionSchema, repair: 'syntax' },
  'subscriptions-addons.response': { schema: pc.SubscriptionCollectionSchema },
  'subscriptions-azure-entitlements.response': { schema: pc.AzureEntitlementCollectionSchema },
  'subscriptions-cancel-marketplace.response': subscription,
  'subscriptions-get.response-azure-ms-azr-0145p': subscription,
  'subscriptions-list.response': { schema: pc.SubscriptionCollectionSchema },
  'subscriptions-patch-autorenew.response': subscription,
  'subscriptions-patch-quantity.response-200': {
    schema: pc.SubscriptionSchema,
    note: 'documented 200 body is the PascalCase request echoed back',
    check: (sub: pc.Subscription) => {
      expect(sub.quantity).toBe(2);
      expect(sub.attributes?.etag).toBe('<etag>');
      expect(sub.links?.self?.uri).toBe('/subscriptions?key=<key>');
    },
  },
  'subscriptions-patch-reactivate.response': subscription,
  'subscriptions-patch-suspend.response': subscription,
  'subscriptions-provisioning-status.response': { schema: pc.SubscriptionProvisioningStatusSchema },
  'throttling.response-429': { schema: pc.ThrottleBodySchema },
  'unbilled-daily-rated-usage.response': { schema: collection(pc.DailyRatedUsageLineItemSchema) },
  'unbilled-recon-onetime-billinglineitems.response': {
    schema: collection(pc.OneTimeInvoiceLineItemSchema),
    repair: 'items',
    note: 'documented body has a stray `]` and `}` after the items array',
  },
  'users-create.response': { schema: pc.CustomerUserSchema },
};

const RESPONSE_SKIPS: Record<string, string> = {
  'auth-app-only.response': 'OAuth token endpoint: handled by @azure/msal-node, never parsed by this client',
  'auth-secure-app-model.refresh-token-response': 'OAuth token endpoint: handled by @azure/msal-node',
  'auth-secure-app-model.authcode-response': 'OAuth token endpoint (and truncated, not JSON)',
  'orders-list.response':
    'not JSON and not repairable: a line item object is missing its closing brace (orders parse via orders-get etc.)',
  'subscriptions-upgrades-legacy.responses-get-and-post':
    'two bodies in one file, and legacy (pre-NCE) upgrades are not part of this client (NCE transitions are)',
};

function isResponseFixture(file: string): boolean {
  if (file.includes('exchange-meta') || /\.request/.test(file) || file.includes('requests-')) return false;
  if (
    /^auth-secure-app-model\.(authcode-body|refresh-token-body|refresh-call-headers|example-api-call)\./.test(
      file,
    )
  ) {
    return false;
  }
  return file.endsWith('.json') || /response|error/.test(file);
}

describe('Partner Center response fixtures parse with the client schemas', () => {
  it('covers every JSON response fixture', () => {
    const parsed: string[] = [];
    const repaired: string[] = [];
    const skipped: string[] = [];
    const noBody: string[] = [];
    const failures: string[] = [];

    for (const file of fixtureFiles().filter(isResponseFixture)) {
      const stem = file.replace(/\.(json|http)$/, '');
      if (RESPONSE_SKIPS[stem]) {
        skipped.push(`${file} — ${RESPONSE_SKIPS[stem]}`);
        continue;
      }
      const text = read(file);
      const body = file.endsWith('.json') ? text : parseHttp(text).body;
      if (body === '') {
        noBody.push(file);
        continue;
      }
      const entry = RESPONSES[stem];
      if (!entry) {
        failures.push(`${file}: JSON response fixture is in no table entry and not skipped`);
        continue;
      }
      let value: unknown;
      const strict = strictJson(body);
      if (strict.ok) value = strict.value;
      else if (entry.repair) {
        try {
          value =
            entry.repair === 'items' ? { items: extractItems(body) } : pc.parseJsonLossless(repairJson(body));
        } catch (error) {
          failures.push(`${file}: repair (${entry.repair}) failed: ${(error as Error).message}`);
          continue;
        }
      } else {
        failures.push(`${file}: not JSON (${strict.error}) and no repair declared`);
        continue;
      }
      const result = entry.schema.safeParse(value);
      if (!result.success) {
        const issue = result.error.issues[0];
        failures.push(`${file}: ${issue?.path.join('.')}: ${issue?.message}`);
        continue;
      }
      try {
        entry.check?.(result.data as never);
      } catch (error) {
        failures.push(`${file}: check failed: ${(error as Error).message}`);
        continue;
      }
      (strict.ok ? parsed : repaired).push(file);
    }

    console.log(
      `[contract] response fixtures: ${parsed.length} parsed as-is, ${repaired.length} parsed after undoing ` +
        `documentation shortcuts (${repaired.join(', ')}), ${skipped.length} skipped, ` +
        `${noBody.length} without a body (${noBody.join(', ')})`,
    );
    for (const line of skipped) console.log(`[contract] skipped ${line}`);
    expect(failures).toEqual([]);
    expect(parsed.length).toBeGreaterThan(80);
  });

  it('every table entry and skip names an existing fixture', () => {
    const stems = new Set(fixtureFiles().map((f) => f.replace(/\.(json|http)$/, '')));
    const missing = [...Object.keys(RESPONSES), ...Object.keys(RESPONSE_SKIPS)].filter((s) => !stems.has(s));
    expect(missing).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------
// 2. Requests the client sends ↔ documented requests

interface ExpectedRequest {
  method?: string | undefined;
  api?: 'partner-center' | 'graph' | undefined;
  path?: string | undefined;
  query?: Array<[string, string]> | undefined;
  headers: Record<string, string>;
  /** undefined = no body; 'invalid' = documented body is not JSON. */
  body: unknown;
}

function lowerQuery(query: string): Array<[string, string]> {
  return [...new URLSearchParams(query)]
    .map(([k, v]) => [k.toLowerCase(), v.toLowerCase()] as [string, string])
    .sort();
}

function normalisePath(path: string): string {
  const decoded = decodeURIComponent(path.replace(/\/{2,}/g, '/'));
  return decoded.length > 1 ? decoded.replace(/\/+$/, '') : decoded;
}

function expectedFromTarget(target: string): Pick<ExpectedRequest, 'api' | 'path' | 'query'> {
  const compact = target.replace(/\s+/g, '');
  const withoutHost = compact.replace(/^https?:\/\/[^/]+/i, '');
  const api = /graph\.microsoft\.com/i.test(compact) ? 'graph' : 'partner-center';
  const [rawPath = '', rawQuery = ''] = withoutHost.split(/\?(.*)/s);
  const path = normalisePath(rawPath).replace(/^\/v1(\.0)?(?=\/)/, '');
  return { api, path, query: lowerQuery(rawQuery) };
}

function expectedFromFixture(file: string): ExpectedRequest {
  const text = read(file);
  if (file.endsWith('exchange-meta.json')) {
    const meta = JSON.parse(text) as {
      RequestMethod: string;
      RequestUri: string;
      RequestHeaders: Record<string, string[]>;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(meta.RequestHeaders)) headers[k.toLowerCase()] = v.join(',');
    return { method: meta.RequestMethod, ...expectedFromTarget(meta.RequestUri), headers, body: undefined };
  }
  if (file.endsWith('.json')) {
    return { headers: {}, body: JSON.parse(text) };
  }
  const message = parseHttp(text);
  let body: unknown;
  if (message.body && message.body !== 'No-Content-Body') {
    const strict = strictJson(message.body);
    if (strict.ok) body = strict.value;
    else {
      try {
        body = pc.parseJsonLossless(repairJson(message.body));
      } catch {
        body = 'invalid';
      }
    }
  }
  return {
    method: message.method,
    ...(message.target ? expectedFromTarget(message.target) : {}),
    headers: message.headers,
    body,
  };
}

/** Key paths of a JSON body, case-insensitive; null members and SDK `attributes` metadata are ignored. */
function keyPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) keyPaths(item, `${prefix}[]`, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (item === null || key.toLowerCase() === 'attributes') continue;
      const path = `${prefix}${prefix ? '.' : ''}${key.toLowerCase()}`;
      out.add(path);
      keyPaths(item, path, out);
    }
  }
  return out;
}

type Client = ReturnType<typeof pc.createPartnerCenterClient>;

interface RequestEntry {
  run: (client: Client) => Promise<unknown>;
  /** Responses served in order; the default is an empty 200 JSON object. */
  responses?: () => CannedResponse[];
  /** Which recorded request the fixture describes. */
  index?: number;
  /** Documented deviations, each with the reason. */
  override?: {
    reason: string;
    method?: string;
    api?: 'partner-center' | 'graph';
    path?: string;
    query?: Record<string, string>;
    bodyKeys?: string[];
    skipBody?: boolean;
  };
}

const op = { operationKey: 'contract-test' };
const collect = pc.collect;

function respond(stem: string, repair?: Repair, status?: number): CannedResponse {
  const http = exists(`${stem}.http`) ? parseHttp(read(`${stem}.http`)) : undefined;
  return { status: status ?? http?.status ?? 200, body: fixtureBody(stem, repair) };
}

const EMPTY_PAGE: CannedResponse = {
  body: { totalCount: 0, items: [], attributes: { objectType: 'Collection' } },
};

/** First page of a seek-paged fixture, carrying the continuation token of the documented next request. */
function seekPages(responseStem: string, seekFixture: string, repair?: Repair): () => CannedResponse[] {
  return () => {
    const token = parseHttp(read(seekFixture)).headers['ms-continuationtoken'] ?? 'token';
    const page = structuredClone(fixtureBody(responseStem, repair)) as Record<string, unknown>;
    page.links = {
      ...(page.links as object),
      next: {
        uri: '/ignored?seekOperation=Next',
        method: 'GET',
        headers: [{ key: 'MS-ContinuationToken', value: token }],
      },
    };
    return [{ body: page }, EMPTY_PAGE];
  };
}

const patchBase = (stem: string) => fixtureBody(stem, 'syntax') as Record<string, unknown>;
const patchPath = (customer: string, base: Record<string, unknown>) =>
  `/customers/${customer}/subscriptions/${String(base.id ?? base.Id)}`;
const PATCH_PATH_REASON =
  'the documented URL uses a placeholder subscription id while the body names a real one; the client addresses the subscription by the id in the resource';

const REQUESTS: Record<string, RequestEntry> = {
  'agreements-confirm-mca.request.http': {
    run: (c) =>
      c.customers.confirmCustomerAgreement(
        '14876998-c0dc-46e6-9d0c-65a57a6c32ec',
        {
          primaryContact: {
            firstName: 'Tania',
            lastName: 'Carr',
            email: 'someone@example.com',
            phoneNumber: '1234567890',
          },
          templateId: '117a77b0-9360-443b-8795-c6dedc750cf9',
          dateAgreed: '2018-06-14T00:00:00.000Z',
        },
        op,
      ),
    responses: () => [respond('agreements-confirm-mca.response')],
  },
  'auth-secure-app-model.example-api-call.http': {
    run: (c) => collect(c.customers.listUsers('CustomerTenantId')),
    responses: () => [EMPTY_PAGE],
  },
  'availabilities-list.request.http': {
    run: (c) => c.catalog.listAvailabilities('DZH318Z0BQ3Q', '0001', { country: 'US' }),
    responses: () => [respond('availabilities-list.response', 'syntax')],
  },
  'azure-utilization.request.http': {
    run: (c) =>
      collect(
        c.billing.azureUtilization(
          'E499C962-9218-4DBA-8B83-8ADC94F47B9F',
          'FC8F8908-F918-4406-AF13-D5BC0FE41865',
          {
            startTime: '2017-07-02T00:00:00-08:00',
            endTime: '2017-08-02T00:00:00-08:00',
          },
        ),
      ),
    responses: () => [respond('azure-utilization.response')],
  },
  'billed-daily-rated-usage.request.http': {
    run: (c) =>
      collect(
        c.billing.dailyRatedUsageLineItems('T000001234', {
          currencyCode: 'usd',
          period: 'previous',
          size: 2000,
        }),
      ),
    responses: seekPages(
      'billed-daily-rated-usage.response',
      'billed-daily-rated-usage.request-seek-next.http',
    ),
  },
  'billed-daily-rated-usage.request-seek-next.http': {
    run: (c) =>
      collect(
        c.billing.dailyRatedUsageLineItems('T000001234', {
          currencyCode: 'usd',
          period: 'previous',
          size: 2000,
        }),
      ),
    responses: seekPages(
      'billed-daily-rated-usage.response',
      'billed-daily-rated-usage.request-seek-next.http',
    ),
    index: 1,
  },
  'carts-update.request.http': {
    run: (c) =>
      c.orders.updateCart(
        'd6bf25b7-e0a8-4f2d-a31b-97b55cfc774d',
        '65faf57b-0205-47ee-92b3-08dcf233ea73',
        {
          lineItems: [
            {
              id: 0,
              catalogItemId: 'DG7GMGF0DWTL:0001:DG7GMGF0DSJB',
              friendlyName: 'A_sample_Azure_RI',
              quantity: 2,
              billingCycle: 'one_time',
              provisioningContext: {
                SubscriptionId: '3D5ECED6-1151-44C7-AEE6-70A4BB725666',
                Scope: 'shared',
                Duration: '1Year',
              },
            },
          ],
        },
        op,
      ),
    responses: () => [respond('carts-update.response', 'syntax', 200)],
    override: {
      reason:
        'documented body is not JSON (the cart object is wrapped in a second pair of braces); the client sends Id + LineItems',
      skipBody: true,
    },
  },
  'customer-product-azure-plan.request.http': {
    run: (c) => c.catalog.getCustomerProduct('65543400-f8b0-4783-8530-6d35ab8c6801', 'DZH318Z0BPS6'),
    responses: () => [respond('customer-product-azure-plan.response')],
  },
  'customer-products-microsoftazure.request.http': {
    run: (c) =>
      c.catalog.listCustomerProducts('65543400-f8b0-4783-8530-6d35ab8c6801', {
        targetView: 'MicrosoftAzure',
      }),
    responses: () => [respond('customer-products-microsoftazure.response')],
  },
  'customer-sku-azure-plan.request.http': {
    run: (c) =>
      c.catalog.listCustomerAvailabilities('65543400-f8b0-4783-8530-6d35ab8c6801', 'DZH318Z0BPS6', '0001'),
    // The documented response of this page is a SKU, not an availability collection.
    responses: () => [EMPTY_PAGE],
  },
  'customers-create.request.http': {
    run: (c) =>
      c.customers.create(
        {
          companyProfile: { domain: 'xyz.ccsctp.net' },
          billingProfile: {
            culture: 'EN-US',
            email: 'test@outlook.com',
            language: 'en',
            companyName: 'test company',
            defaultAddress: {
              firstName: 'Test',
              lastName: 'Test',
              addressLine1: 'One Microsoft Way',
              city: 'Redmond',
              state: 'WA',
              postalCode: '98052',
              country: 'US',
            },
          },
        },
        op,
      ),
    responses: () => [respond('customers-create.response')],
  },
  'customers-get-by-id.request.http': {
    run: (c) => c.customers.get('<customer-tenant-id>'),
    responses: () => [respond('customers-get-by-id.response')],
  },
  'customers-list.request.http': {
    run: (c) => collect(c.customers.list({ size: 40 })),
    responses: () => [respond('customers-list.response')],
  },
  'customers-relationship-request.request.http': {
    run: (c) => c.customers.relationshipRequestLink(),
    responses: () => [respond('customers-relationship-request.response')],
  },
  'domains-check.request.http': {
    run: async (c) => expect(await c.customers.isDomainAvailable('contoso.onmicrosoft.com')).toBe(true),
    responses: () => [{ status: 404 }],
  },
  'gdap-relationship-create.request.json': {
    run: (c) =>
      c.admin.createGdapRelationship({
        displayName: 'Contoso admin relationship',
        duration: 'P730D',
        customer: { tenantId: '4b827261-d21f-4aa9-b7db-7fa1f56fb163', displayName: 'Contoso subsidiary Inc' },
        roleDefinitionIds: ['29232cdf-9323-42fd-ade2-1d097af3e4de', '3a2c62db-5318-420d-8d74-23affee5d9d5'],
        autoExtendDuration: 'P180D',
      }),
    responses: () => [respond('gdap-relationship-create.response-201', undefined, 201)],
    override: {
      reason: 'JSON-only fixture (no request line); route from API.md §5',
      method: 'POST',
      api: 'graph',
      path: '/tenantRelationships/delegatedAdminRelationships',
    },
  },
  'gdap-relationship-request.lockForApproval.request.json': {
    run: (c) => c.admin.requestGdapAction('5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240', 'lockForApproval'),
    responses: () => [respond('gdap-relationship-request.lockForApproval.response-201', undefined, 201)],
    override: {
      reason: 'JSON-only fixture (no request line); route from API.md §5',
      method: 'POST',
      api: 'graph',
      path: '/tenantRelationships/delegatedAdminRelationships/5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240/requests',
    },
  },
  'graph-billing-billed-reconciliation-export.request.http': {
    run: (c) =>
      collect(c.billing.billedReconciliationRows({ invoiceId: 'G016907411' }, { emptyWhenNoData: true })),
    responses: () => [
      {
        status: 202,
        headers: {
          Location:
            parseHttp(read('graph-billing-billed-reconciliation-export.response-202.http')).headers
              .location ?? '',
        },
      },
      { body: fixtureBody('graph-billing-operation.failed') },
    ],
  },
  'graph-billing-unbilled-usage-export.request.http': {
    run: (c) =>
      collect(
        c.billing.unbilledUsageRows(
          { currencyCode: 'USD', billingPeriod: 'current' },
          { emptyWhenNoData: true },
        ),
      ),
    responses: () => [
      {
        status: 202,
        headers: {
          Location:
            parseHttp(read('graph-billing-unbilled-usage-export.response-202.http')).headers.location ?? '',
        },
      },
      { body: fixtureBody('graph-billing-operation.failed') },
    ],
  },
  'invoice-lineitems-azure-billing.request.http': {
    run: (c) => collect(c.billing.usageBasedLineItems('1234000000', { size: 2 }), 1),
    responses: () => [respond('invoice-lineitems-azure-billing.response')],
  },
  'invoice-lineitems-azure-usage.request.http': {
    run: (c) => collect(c.billing.dailyUsageLineItems('1234000000', { size: 2 }), 1),
    responses: () => [respond('invoice-lineitems-azure-usage.response')],
  },
  'invoice-lineitems-office-billing.request.http': {
    run: (c) => collect(c.billing.licenseBasedLineItems('1234000000', { size: 2 }), 1),
    responses: () => [respond('invoice-lineitems-office-billing.response')],
    override: {
      reason: 'the documented URL misspells `invoicelineitemtype` as `nvoicelineitemtype`',
      query: { provider: 'office', invoicelineitemtype: 'billinglineitems', size: '2', offset: '0' },
    },
  },
  'invoice-lineitems-onetime-billing.request.http': {
    run: (c) => collect(c.billing.oneTimeLineItems('G000024135', { size: 2 })),
    responses: seekPages(
      'invoice-lineitems-onetime-billing.response',
      'invoice-lineitems-onetime-billing.request-seek-next.http',
      'items',
    ),
    override: {
      reason:
        'the example uses the equivalent path form /lineitems/OneTime/BillingLineItems (with a meaningless offset); the client uses the query form of the same page (API.md §6.2)',
      path: '/invoices/G000024135/lineitems',
      query: { provider: 'onetime', invoicelineitemtype: 'billinglineitems', size: '2' },
    },
  },
  'invoice-lineitems-onetime-billing.request-seek-next.http': {
    run: (c) => collect(c.billing.oneTimeLineItems('G000024135', { size: 2 })),
    responses: seekPages(
      'invoice-lineitems-onetime-billing.response',
      'invoice-lineitems-onetime-billing.request-seek-next.http',
      'items',
    ),
    index: 1,
    override: {
      reason:
        'path form in the example; the client repeats the query form with seekOperation=Next (API.md §0.6)',
      path: '/invoices/G000024135/lineitems',
      query: {
        provider: 'onetime',
        invoicelineitemtype: 'billinglineitems',
        size: '2',
        seekoperation: 'next',
      },
    },
  },
  'invoices-get.request.http': {
    run: (c) => c.billing.getInvoice('<invoice-id>'),
    responses: () => [respond('invoices-get.response')],
  },
  'invoices-list.request.http': {
    run: (c) => collect(c.billing.listInvoices({ size: 200 })),
    responses: () => [respond('invoices-list.response')],
  },
  'invoices-summary.request.http': {
    run: (c) => c.billing.getInvoiceSummary(),
    responses: () => [respond('invoices-summary.response')],
  },
  'licenses-assign.request.http': {
    run: (c) =>
      c.customers.updateUserLicenses(
        '0c39d6d5-c70d-4c55-bc02-f620844f3fd1',
        '554526aa-cf5e-46fa-95df-98dbc55d8a1e',
        { assign: [{ skuId: 'f8a1db68-be16-40ed-86d5-cb42ce701560' }] },
        op,
      ),
    responses: () => [respond('licenses-assign.response-201')],
  },
  'licenses-subscribedskus.request.http': {
    run: (c) => c.customers.listSubscribedSkus('0c39d6d5-c70d-4c55-bc02-f620844f3fd1'),
    responses: () => [respond('licenses-subscribedskus.response')],
  },
  'nce-carts-checkout.request.http': {
    run: (c) =>
      c.orders.checkoutCart(
        'd6bf25b7-e0a8-4f2d-a31b-97b55cfc774d',
        'b4c8fdea-cbe4-4d17-9576-13fcacbf9605',
        op,
      ),
    responses: () => [respond('nce-carts-checkout.response', 'syntax')],
  },
  'nce-carts-create-license.request.http': {
    run: (c) =>
      c.orders.createCart(
        '932c4101-dc08-461b-b4c1-75d80e905775',
        {
          lineItems: [
            {
              catalogItemId: 'CFQ7TTC0LFLZ:0002:CFQ7TTC0K4TS',
              quantity: 1,
              termDuration: 'P1M',
              billingCycle: 'Monthly',
            },
          ],
        },
        op,
      ),
    responses: () => [respond('nce-carts-create-license.response', undefined, 201)],
  },
  'nce-carts-create-mixed.request.http': {
    run: (c) => {
      const documented = fixtureBody('nce-carts-create-mixed.request', 'syntax') as {
        lineItems: Array<pc.CartLineItemInput>;
      };
      return c.orders.createCart(
        'd6bf25b7-e0a8-4f2d-a31b-97b55cfc774d',
        { lineItems: documented.lineItems },
        op,
      );
    },
    responses: () => [respond('nce-carts-create-mixed.response')],
  },
  'nce-migration-create.request.http': {
    run: (c) =>
      c.subscriptions.createMigration(
        '<customer-id>',
        { currentSubscriptionId: '9beb6319-6889-4d28-a155-68ca9c783842' },
        op,
      ),
    responses: () => [respond('nce-migration-create.response')],
    override: {
      reason: 'body-only fixture; route from API.md §4.5',
      method: 'POST',
      path: '/customers/<customer-id>/migrations/newcommerce',
    },
  },
  'nce-migration-validate.request.http': {
    run: (c) => c.subscriptions.validateMigration('<customer-id>', '9beb6319-6889-4d28-a155-68ca9c783842'),
    responses: () => [respond('nce-migration-validate.response-eligible')],
    override: {
      reason: 'body-only fixture whose body lacks its braces; route and body from API.md §4.5',
      method: 'POST',
      path: '/customers/<customer-id>/migrations/newcommerce/validate',
      bodyKeys: ['currentsubscriptionid'],
    },
  },
  'nce-subscription-scheduled-next-term.request.http': {
    run: (c) =>
      c.subscriptions.scheduleNextTerm(
        '1f53d7b3-cd04-43a3-a09f-e52f3eb3c205',
        patchBase('nce-subscription-scheduled-next-term.request'),
        {
          product: {
            productId: 'DG7GMGF0DVSV',
            skuId: '000P',
            availabilityId: 'DG7GMGF0F3Q9',
            billingCycle: 'Annual',
            termDuration: 'P3Y',
          },
          quantity: 1,
        },
        op,
      ),
    responses: () => [respond('nce-subscription-scheduled-next-term.response', 'syntax')],
    override: {
      reason: 'body-only fixture; route from the resource link and API.md §4.2',
      method: 'PATCH',
      path: '/customers/1f53d7b3-cd04-43a3-a09f-e52f3eb3c205/subscriptions/d3b7c9a2-9a4b-40b2-b075-6e442909e3e7',
    },
  },
  'nce-transition-create.request.http': {
    run: (c) =>
      c.subscriptions.createTransition(
        '{customerId}',
        '{subscriptionId}',
        {
          toCatalogItemId: 'CFQ7TTC0KZ59:0001:CFQ7TTC0KZ59',
          quantity: 5,
          transitionType: 'transition_with_license_transfer',
        },
        op,
      ),
    responses: () => [respond('nce-transition-create.response')],
    override: {
      reason: 'the example shows GET with a body; creating a transition is a POST (API.md §4.3)',
      method: 'POST',
    },
  },
  'nce-transition-eligibilities.request.http': {
    run: (c) => c.subscriptions.listTransitionEligibilities('{customer-tenant-id}', '{subscription-id}'),
    responses: () => [respond('nce-transition-eligibilities.response')],
  },
  'nce-transitions-list.request.http': {
    run: (c) => c.subscriptions.listTransitions('{customer-tenant-id}', '{subscription-id}'),
    responses: () => [respond('nce-transitions-list.response')],
  },
  'orders-create-azure-ri.request.http': {
    run: (c) =>
      c.orders.createOrder(
        'b0d70a69-4c42-4b27-b17b-91a835d8686a',
        {
          billingCycle: 'one_time',
          currencyCode: 'USD',
          lineItems: [
            {
              lineItemNumber: 0,
              provisioningContext: {
                subscriptionId: '3D5ECED6-1151-44C7-AEE6-70A4BB725666',
                scope: 'shared',
                duration: '1Year',
              },
              offerId: 'DZH318Z0BQ4B:0047:DZH318Z0DSM8',
              friendlyName: 'A_sample_Azure_RI',
              quantity: 1,
            },
          ],
        },
        op,
      ),
    responses: () => [respond('orders-create-azure-ri.response')],
  },
  'orders-create-legacy-indirect.request.http': {
    run: (c) =>
      c.orders.createOrder(
        'c501c3c4-d776-40ef-9ecf-9cefb59442c1',
        {
          referenceCustomerId: 'c501c3c4-d776-40ef-9ecf-9cefb59442c1',
          billingCycle: 'unknown',
          lineItems: [
            {
              lineItemNumber: 0,
              offerId: 'DB2E705F-B82A-4024-A3D5-D88E12F2DB35',
              friendlyName: 'New offer purchase.',
              quantity: 5,
              partnerIdOnRecord: '4847383',
            },
          ],
        },
        op,
      ),
    responses: () => [respond('orders-create-legacy-indirect.response')],
  },
  'orders-get.request.http': {
    run: (c) => c.orders.getOrder('<customer-tenant-id>', '<id-for-order>'),
    responses: () => [respond('orders-get.response')],
  },
  'orders-list.request.http': {
    run: (c) => c.orders.listOrders('b0d70a69-4c42-4b27-b17b-91a835d8686a'),
    // The documented list body is not JSON (see RESPONSE_SKIPS).
    responses: () => [EMPTY_PAGE],
  },
  'orders-patch-cancel-software.request.http': {
    run: (c) =>
      c.orders.cancelSoftwareOrder(
        '<customer-tenant-id>',
        '<order-id>',
        { lineItems: [{ lineItemNumber: 0, offerId: 'DG7GMGF0FKZV:0003:DG7GMGF0DWMS' }] },
        op,
      ),
    responses: () => [respond('orders-patch-cancel-software.response')],
  },
  'orders-patch-purchase-addon.request.http': {
    run: (c) =>
      c.orders.purchaseLegacyAddOn(
        '4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04',
        'CF3B0E37-BE0B-4CDD-B584-D1A97D98A922',
        {
          lineItems: [
            {
              lineItemNumber: 0,
              offerId: '2828BE95-46BA-4F91-B2FD-0BEF192ECF60',
              parentSubscriptionId: '1C2B75C1-74A5-472A-A729-7F8CEFC477F9',
              friendlyName: 'Some friendly name',
              quantity: 2,
            },
          ],
        },
        op,
      ),
    responses: () => [respond('orders-patch-purchase-addon.response')],
  },
  'products-list.request.http': {
    run: (c) => c.catalog.listProducts({ country: 'US', targetView: 'MicrosoftAzure' }),
    responses: () => [respond('products-list.response', 'syntax')],
  },
  'ps-recorded.countryvalidationrules-US.exchange-meta.json': {
    run: (c) => c.catalog.getCountryValidationRules('US'),
    responses: () => [respond('ps-recorded.countryvalidationrules-US.response')],
  },
  'ps-recorded.offercategories-US.exchange-meta.json': {
    run: (c) => c.catalog.listOfferCategories({ country: 'US' }),
    responses: () => [respond('ps-recorded.offercategories-US.response')],
  },
  'ps-recorded.offers-list-US.exchange-meta.json': {
    run: async (c) => expect(await collect(c.catalog.listOffers({ country: 'US' }))).toHaveLength(274),
    responses: () => [respond('ps-recorded.offers-list-US.response')],
  },
  'ratecard-azure.request.http': {
    run: (c) => c.catalog.getAzureRateCard(),
    responses: () => [respond('ratecard-azure.response')],
  },
  'skus-list.request-azure-plan.http': {
    run: (c) => c.catalog.listSkus('DZH318Z0BPS6', { country: 'US' }),
    responses: () => [respond('skus-list.response', 'syntax')],
  },
  'subscriptions-addons.request.http': {
    run: (c) => c.subscriptions.listAddOns('<customer-tenant-id>', '<id-for-subscription>'),
    responses: () => [respond('subscriptions-addons.response')],
  },
  'subscriptions-azure-entitlements.request.http': {
    run: (c) =>
      c.subscriptions.listAzureEntitlements(
        '11f9bc2a-1f38-431c-a0b0-9455c6f5bbc0',
        '3f15978e-005c-b763-bb78-2a8fab289c58',
      ),
    responses: () => [respond('subscriptions-azure-entitlements.response')],
  },
  'subscriptions-cancel-marketplace.request.http': {
    run: (c) =>
      c.subscriptions.cancel('<customer-tenant-id>', patchBase('subscriptions-cancel-marketplace.request'), {
        ...op,
        ifMatch: '<etag>',
      }),
    responses: () => [respond('subscriptions-cancel-marketplace.response')],
    override: {
      reason: PATCH_PATH_REASON,
      path: '/customers/<customer-tenant-id>/subscriptions/6e7aa601-629e-461b-8933-0898c3cc3c7c',
    },
  },
  'subscriptions-get.request.http': {
    run: (c) =>
      c.subscriptions.get('4d3cf487-70f4-4e1e-9ff1-b2bfce8d9f04', 'A356AC8C-E310-44F4-BF85-C7F29044AF99'),
    responses: () => [respond('subscriptions-get.response-azure-ms-azr-0145p')],
  },
  'subscriptions-list.request.http': {
    run: (c) => c.subscriptions.list('<customer-tenant-id>'),
    responses: () => [respond('subscriptions-list.response')],
  },
  'subscriptions-patch-autorenew.request.http': {
    run: (c) =>
      c.subscriptions.setAutoRenew(
        '<customer-tenant-id>',
        patchBase('subscriptions-patch-autorenew.request'),
        false,
        {
          ...op,
          ifMatch: '<etag>',
        },
      ),
    responses: () => [respond('subscriptions-patch-autorenew.response')],
    override: {
      reason: PATCH_PATH_REASON,
      path: '/customers/<customer-tenant-id>/subscriptions/6e7aa601-629e-461b-8933-0898c3cc3c7c',
    },
  },
  'subscriptions-patch-quantity.request.http': {
    run: (c) =>
      c.subscriptions.setQuantity(
        '<customer-tenant-id>',
        patchBase('subscriptions-patch-quantity.request'),
        2,
        op,
      ),
    responses: () => [respond('subscriptions-patch-quantity.response-200')],
    override: {
      reason: PATCH_PATH_REASON,
      path: patchPathFor('subscriptions-patch-quantity.request'),
    },
  },
  'subscriptions-patch-reactivate.request.http': {
    run: (c) =>
      c.subscriptions.reactivate(
        '<customer-tenant-id>',
        patchBase('subscriptions-patch-reactivate.request'),
        op,
      ),
    responses: () => [respond('subscriptions-patch-reactivate.response')],
    override: { reason: PATCH_PATH_REASON, path: patchPathFor('subscriptions-patch-reactivate.request') },
  },
  'subscriptions-patch-suspend.request.http': {
    run: (c) =>
      c.subscriptions.suspend('<customer-tenant-id>', patchBase('subscriptions-patch-suspend.request'), op),
    responses: () => [respond('subscriptions-patch-suspend.response')],
    override: { reason: PATCH_PATH_REASON, path: patchPathFor('subscriptions-patch-suspend.request') },
  },
  'subscriptions-provisioning-status.request.http': {
    run: (c) =>
      c.subscriptions.getProvisioningStatus(
        '0c39d6d5-c70d-4c55-bc02-f620844f3fd1',
        '34828C05-C16C-4D6F-9CFC-4D2650EF19A1',
      ),
    responses: () => [respond('subscriptions-provisioning-status.response')],
  },
  'unbilled-daily-rated-usage.request.http': {
    run: (c) =>
      collect(
        c.billing.unbilledDailyRatedUsageLineItems({ currencyCode: 'usd', period: 'previous', size: 2000 }),
      ),
    responses: seekPages(
      'unbilled-daily-rated-usage.response',
      'unbilled-daily-rated-usage.request-seek-next.http',
    ),
  },
  'unbilled-daily-rated-usage.request-seek-next.http': {
    run: (c) =>
      collect(
        c.billing.unbilledDailyRatedUsageLineItems({ currencyCode: 'usd', period: 'previous', size: 2000 }),
      ),
    responses: seekPages(
      'unbilled-daily-rated-usage.response',
      'unbilled-daily-rated-usage.request-seek-next.http',
    ),
    index: 1,
  },
  'unbilled-recon-onetime-billinglineitems.request.http': {
    run: (c) =>
      collect(c.billing.unbilledOneTimeLineItems({ currencyCode: 'usd', period: 'previous', size: 2000 })),
    responses: seekPages(
      'unbilled-recon-onetime-billinglineitems.response',
      'unbilled-recon-onetime-billinglineitems.request-seek-next.http',
      'items',
    ),
  },
  'unbilled-recon-onetime-billinglineitems.request-seek-next.http': {
    run: (c) =>
      collect(c.billing.unbilledOneTimeLineItems({ currencyCode: 'usd', period: 'previous', size: 2000 })),
    responses: seekPages(
      'unbilled-recon-onetime-billinglineitems.response',
      'unbilled-recon-onetime-billinglineitems.request-seek-next.http',
      'items',
    ),
    index: 1,
  },
  'unbilled-recon-onetime-billinglineitems.request-3.http': {
    // Third request of that page: the next page of unbilled *usage* line items (provider=OneTime&...=UsageLineItems).
    run: (c) =>
      collect(
        c.billing.unbilledDailyRatedUsageLineItems({ currencyCode: 'usd', period: 'previous', size: 2000 }),
      ),
    responses: seekPages(
      'unbilled-daily-rated-usage.response',
      'unbilled-recon-onetime-billinglineitems.request-3.http',
    ),
    index: 1,
  },
  'users-create.request.http': {
    run: (c) =>
      c.customers.createUser(
        '<customer-tenant-id>',
        {
          usageLocation: 'country/region code',
          userPrincipalName: 'userid@domain.onmicrosoft.com',
          firstName: 'First',
          lastName: 'Last',
          displayName: 'User name',
          immutableId: 'Some unique ID',
          passwordProfile: { password: 'abCD123*', forceChangePassword: true },
        },
        op,
      ),
    responses: () => [respond('users-create.response')],
  },
};

function patchPathFor(stem: string): string {
  return patchPath('<customer-tenant-id>', patchBase(stem));
}

const REQUEST_SKIPS: Record<string, string> = {
  'auth-app-only.request.http': 'OAuth token request: issued by @azure/msal-node (client credentials)',
  'auth-secure-app-model.authcode-body.http':
    'OAuth authorization-code redemption: one-time consent flow, outside the client',
  'auth-secure-app-model.refresh-call-headers.http': 'OAuth refresh-token call: issued by @azure/msal-node',
  'auth-secure-app-model.refresh-token-body.http': 'OAuth refresh-token call: issued by @azure/msal-node',
  'subscriptions-upgrades-legacy.requests-get-and-post.http':
    'legacy (pre-NCE) upgrades are not part of this client; NCE transitions are (and the body is not JSON)',
};

function isRequestFixture(file: string): boolean {
  if (file.endsWith('exchange-meta.json')) return true;
  if (file.endsWith('.request.json')) return !exists(file.replace(/\.json$/, '.http'));
  if (!file.endsWith('.http')) return false;
  return (
    /\.request|requests-/.test(file) ||
    /^auth-secure-app-model\.(authcode-body|refresh-token-body|refresh-call-headers|example-api-call)\./.test(
      file,
    )
  );
}

const DOCUMENTED_HEADERS = [
  'authorization',
  'accept',
  'ms-requestid',
  'ms-correlationid',
  'x-locale',
  'if-match',
  'ms-contract-version',
];

describe('requests sent by the client match the documented requests', () => {
  let server: RecordingServer;
  let client: Client;

  beforeAll(async () => {
    server = await startRecordingServer();
    client = pc.createPartnerCenterClient({
      baseUrl: `${server.url}/v1`,
      graphBaseUrl: `${server.url}/graph/v1.0`,
      priceSheetBaseUrl: `${server.url}/pricesheets/v1.0`,
      tokens: new pc.StaticTokenProvider('contract-token'),
      retry: { maxAttempts: 1 },
      sleep: async () => {},
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => server.reset());

  it('every request fixture has a table entry or an explicit skip', () => {
    const uncovered = fixtureFiles()
      .filter(isRequestFixture)
      .filter((file) => !REQUESTS[file] && !REQUEST_SKIPS[file]);
    expect(uncovered).toEqual([]);
    const stale = [...Object.keys(REQUESTS), ...Object.keys(REQUEST_SKIPS)].filter((file) => !exists(file));
    expect(stale).toEqual([]);
    console.log(
      `[contract] request fixtures: ${Object.keys(REQUESTS).length} replayed, ${Object.keys(REQUEST_SKIPS).length} skipped`,
    );
  });

  for (const [file, entry] of Object.entries(REQUESTS)) {
    it(`${file}${entry.override ? ' (documented deviation)' : ''}`, async () => {
      server.enqueue(...(entry.responses?.() ?? []));
      await entry.run(client);
      const expected = expectedFromFixture(file);
      const recorded = server.requests[entry.index ?? 0];
      expect(recorded, 'the client sent no request').toBeDefined();
      if (!recorded) return;
      const o = entry.override;

      const method = o?.method ?? expected.method;
      if (method) expect(recorded.method).toBe(method);

      const [recordedPath = '', recordedQuery = ''] = recorded.url.split(/\?(.*)/s);
      const api = o?.api ?? expected.api ?? 'partner-center';
      const prefix = api === 'graph' ? '/graph/v1.0' : '/v1';
      expect(recordedPath.startsWith(`${prefix}/`), `${recordedPath} is not under ${prefix}`).toBe(true);
      const path = o?.path ?? expected.path;
      if (path !== undefined)
        expect(normalisePath(recordedPath.slice(prefix.length))).toBe(normalisePath(path));

      const query = o?.query ? lowerQuery(new URLSearchParams(o.query).toString()) : expected.query;
      if (query !== undefined) expect(lowerQuery(recordedQuery)).toEqual(query);

      for (const header of DOCUMENTED_HEADERS) {
        if (expected.headers[header] !== undefined) expect(recorded.headers[header], header).toBeDefined();
      }
      if (expected.headers.authorization !== undefined)
        expect(recorded.headers.authorization).toBe('Bearer contract-token');
      if (expected.headers['ms-continuationtoken'] !== undefined) {
        expect(recorded.headers['ms-continuationtoken']).toBe(expected.headers['ms-continuationtoken']);
      }
      if (recorded.bodyText !== '' || expected.headers['content-type'] !== undefined) {
        expect(recorded.headers['content-type']).toMatch(/^application\/json/);
      }

      if (o?.skipBody) return;
      if (o?.bodyKeys) {
        expect([...keyPaths(JSON.parse(recorded.bodyText))].sort()).toEqual([...o.bodyKeys].sort());
        return;
      }
      expect(expected.body, 'documented body is not JSON; declare skipBody with a reason').not.toBe(
        'invalid',
      );
      if (expected.body === undefined) {
        expect(recorded.bodyText).toBe('');
      } else {
        const sent = keyPaths(JSON.parse(recorded.bodyText));
        expect([...sent].sort()).toEqual([...keyPaths(expected.body)].sort());
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// 3. Whole flows over HTTP with documented payloads

describe('flows against documented payloads', () => {
  let server: RecordingServer;
  let client: Client;
  const waits: number[] = [];

  beforeAll(async () => {
    server = await startRecordingServer();
    client = pc.createPartnerCenterClient({
      baseUrl: `${server.url}/v1`,
      graphBaseUrl: `${server.url}/graph/v1.0`,
      tokens: new pc.StaticTokenProvider('flow-token'),
      retry: { maxAttempts: 3 },
      random: () => 0.5,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
  });
  afterAll(() => server?.close());
  beforeEach(() => {
    server.reset();
    waits.length = 0;
  });

  it('a taken domain answers 200 and is not available', async () => {
    server.enqueue({ status: 200 });
    expect(await client.customers.isDomainAvailable('contoso')).toBe(false);
    expect(server.requests[0]?.method).toBe('HEAD');
    expect(server.requests[0]?.url).toBe('/v1/domains/contoso.onmicrosoft.com');
  });

  it('a slow quantity change answers 202 + Location', async () => {
    const documented = parseHttp(read('subscriptions-patch-quantity.response-202.http'));
    server.enqueue({ status: 202, headers: { Location: documented.headers.location ?? '' } });
    const base = patchBase('subscriptions-patch-quantity.request');
    const result = await client.subscriptions.setQuantity('c1', base, 3, op);
    expect(result).toEqual({ status: 'accepted', location: documented.headers.location });
    expect(JSON.parse(server.requests[0]?.bodyText ?? '{}').Quantity).toBe(3);
    expect(server.requests[0]?.headers['if-match']).toBe('<etag>');
  });

  it('the documented 429 is waited out (Retry-After: 57) with the same MS-RequestId', async () => {
    const throttled = parseHttp(read('throttling.response-429.http'));
    server.enqueue(
      {
        status: 429,
        headers: { 'Retry-After': throttled.headers['retry-after'] ?? '' },
        body: throttled.body,
      },
      respond('subscriptions-get.response-azure-ms-azr-0145p', undefined, 200),
    );
    const subscription = await client.subscriptions.get('c1', 'A356AC8C-E310-44F4-BF85-C7F29044AF99');
    expect(subscription.offerId).toBe('MS-AZR-0145P');
    expect(waits).toEqual([57_000]);
    expect(server.requests[0]?.headers['ms-requestid']).toBe(server.requests[1]?.headers['ms-requestid']);
  });

  it('the documented licence error becomes a PartnerCenterError with the request id', async () => {
    server.enqueue(respond('licenses-assign.response-400-error'));
    const error = await client.customers
      .updateUserLicenses('c1', 'u1', { assign: [{ skuId: 's1' }] }, { operationKey: 'licence:1' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pc.PartnerCenterError);
    const pcError = error as pc.PartnerCenterError;
    expect(pcError.httpStatus).toBe(400);
    expect(pcError.code).toBe(60012);
    expect(pcError.requestId).toBe(server.requests[0]?.headers['ms-requestid']);
    expect(pcError.violation?.kind).toBe('licenses_exhausted');
    expect(server.requests).toHaveLength(1);
  });

  it('streams a Graph export: 202 → poll (Retry-After) → manifest → gzip JSON lines, without a token to blob storage', async () => {
    // Written by hand: the first amount has more digits than a double and must arrive exactly.
    const lines = [
      '{"PartnerId":"p1","CustomerId":"c1","UnitPrice":0.1999968000511991808131,"Quantity":"24.0","BillingPreTaxTotal":30.7197334080551}',
      '{"partnerId":"p1","customerId":"c2","unitPrice":"1.5","quantity":2,"billingPreTaxTotal":"3"}',
      '',
    ].join('\r\n');
    const manifest = fixtureBody('graph-billing-manifest.response') as Record<string, unknown>;
    server.setResponder((request, index): CannedResponse => {
      if (index === 0) {
        return {
          status: 202,
          headers: { Location: 'https://graph.microsoft.com/v1.0/reports/partners/billing/operations/op-1' },
        };
      }
      if (index === 1)
        return { headers: { 'Retry-After': '3' }, body: fixtureBody('graph-billing-operation.running') };
      if (index === 2) return { body: fixtureBody('graph-billing-operation.succeeded') };
      if (index === 3) return { body: { ...manifest, rootDirectory: `${server.url}/blobs/root` } };
      if (request.url.startsWith('/blobs/root/')) {
        return {
          headers: { 'Content-Type': 'application/octet-stream' },
          body: gzipSync(Buffer.from(lines)),
        };
      }
      return { status: 404 };
    });

    const received = await collect(client.billing.billedUsageRows({ invoiceId: 'G031809528' }));

    expect(received.map((r) => r.CustomerId)).toEqual(['c1', 'c2']);
    expect(received[0]?.UnitPrice).toBe('0.1999968000511991808131');
    expect(received[0]?.Quantity).toBe('24.0');
    expect(received[1]?.BillingPreTaxTotal).toBe('3');
    expect(waits).toContain(3000);
    const urls = server.requests.map((r) => r.url.split('?')[0]);
    expect(urls).toEqual([
      '/graph/v1.0/reports/partners/billing/usage/billed/export',
      '/graph/v1.0/reports/partners/billing/operations/op-1',
      '/graph/v1.0/reports/partners/billing/operations/op-1',
      '/graph/v1.0/reports/partners/billing/manifests/8fe347d7-1e0f-4bd6-9091-4672691f32db',
      '/blobs/root/part-00049-b016029b-a7a7-4c46-9b5e-c925ac317ac6.c000.json.gz',
    ]);
    expect(JSON.parse(server.requests[0]?.bodyText ?? '{}')).toEqual({
      invoiceId: 'G031809528',
      attributeSet: 'full',
    });
    expect(server.requests[4]?.headers.authorization).toBeUndefined();
    expect(server.requests[4]?.url).toContain('sig=');
    expect(server.requests[1]?.headers.authorization).toBe('Bearer flow-token');
  });

  it('customers are listed across continuation-token pages and a 400/2000 ends the listing', async () => {
    const first = structuredClone(fixtureBody('customers-list.response')) as Record<string, unknown>;
    first.continuationToken = 'token-1';
    server.enqueue({ body: first }, { status: 400, body: { code: 2000, description: 'no more records' } });
    const customers = await collect(client.customers.list({ size: 2 }));
    expect(customers).toHaveLength(2);
    expect(server.requests[1]?.url).toBe('/v1/customers?size=2&seekOperation=next');
    expect(server.requests[1]?.headers['ms-continuationtoken']).toBe('token-1');
  });
});
