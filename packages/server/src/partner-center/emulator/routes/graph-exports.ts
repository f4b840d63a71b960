/**
 * Microsoft Graph async billing exports (API.md §6.6): POST an export → 202 + Location of an
 * operation → GET the operation (`running`, then `succeeded` with a manifest link, or `failed` with
 * "No data available") → GET the manifest → download gzip-compressed JSON-lines blobs.
 *
 * Host mapping: `https://graph.microsoft.com/v1.0/...` is served under `<emulator>/graph/v1.0/...`;
 * the blob storage account under `<emulator>/blobs/...` (a `sig` query parameter is required, as
 * with a SAS URL).
 */
import { gzipSync } from 'node:zlib';
import {
  chargeReconRecord,
  graphUsageRecord,
  invoiceCharges,
  invoiceUsage,
  unbilledUsage,
} from '../billing.ts';
import { dateOf, monthStart, nextMonthStart, prevMonthStart } from '../dates.ts';
import { GraphError } from '../errors.ts';
import { asRecord, type RequestContext, str, toJson } from '../http.ts';
import { hash32 } from '../prng.ts';
import type { Router } from '../router.ts';
import type { Emulator } from '../runtime.ts';
import type { ExportOpRec, ManifestRec } from '../state.ts';

const BASE = '/graph/v1.0/reports/partners/billing';

function attributeSetOf(body: Record<string, unknown>): 'full' | 'basic' {
  const v = (str(body.attributeSet) ?? 'full').toLowerCase();
  if (v !== 'full' && v !== 'basic')
    throw new GraphError(400, 'BadRequest', 'attributeSet must be full or basic.');
  return v;
}

/** The records of an export, computed from the state as it is now. */
function exportRecords(emu: Emulator, op: ExportOpRec): Record<string, unknown>[] {
  if (op.kind === 'usageUnbilled') {
    const period = op.billingPeriod === 'last' ? 'previous' : 'current';
    return unbilledUsage(emu, op.currencyCode ?? 'USD', period).map((r) =>
      graphUsageRecord(r, op.attributeSet),
    );
  }
  const inv = op.invoiceId ? emu.state.invoices[op.invoiceId.toUpperCase()] : undefined;
  if (!inv) return [];
  if (op.kind === 'usageBilled')
    return invoiceUsage(emu, inv).map((r) => graphUsageRecord(r, op.attributeSet));
  return invoiceCharges(emu, inv).map((c) => chargeReconRecord(emu, c, inv.id));
}

function rootPath(emu: Emulator, op: ExportOpRec): string {
  const partner = emu.state.partner.tenantId;
  if (op.kind === 'usageUnbilled') {
    const today = dateOf(op.asOf);
    const month = op.billingPeriod === 'last' ? prevMonthStart(today) : monthStart(today);
    return `/blobs/unbilledusagefastpath/v1/PartnerTenantId=${partner}/BillingMonth=${month.slice(0, 7).replace('-', '')}/Currency=${op.currencyCode}/Fragment=${op.attributeSet}/PartitionType=default`;
  }
  const inv = emu.state.invoices[(op.invoiceId ?? '').toUpperCase()];
  const month = inv ? inv.periodStart : monthStart(dateOf(op.asOf));
  const version = nextMonthStart(month).slice(0, 7).replace('-', '');
  const container = op.kind === 'usageBilled' ? 'billedusagefastpath' : 'billedreconfastpath';
  return `/blobs/${container}/v1/PartnerTenantId=${partner}/BillingMonth=${month.slice(0, 7).replace('-', '')}/InvoiceId=${op.invoiceId}/InvoiceVersion=${version}/Fragment=${op.attributeSet}/PartitionType=default`;
}

function renderBlobs(emu: Emulator, op: ExportOpRec, manifest: ManifestRec): void {
  const records = exportRecords(emu, op);
  for (const blob of manifest.blobs) {
    let text = '';
    for (let i = blob.first; i < blob.first + blob.count && i < records.length; i++)
      text += `${toJson(records[i])}\n`;
    emu.blobs.set(`${manifest.rootPath}/${blob.name}`, gzipSync(Buffer.from(text, 'utf8')));
  }
}

function startExport(emu: Emulator, ctx: RequestContext, kind: ExportOpRec['kind']) {
  const body = asRecord(ctx.body);
  const op: ExportOpRec = {
    id: emu.nextGuid(),
    kind,
    attributeSet: attributeSetOf(body),
    createdAt: emu.now(),
    asOf: emu.now(),
    polls: 0,
    status: 'running',
    rowCount: 0,
  };
  if (kind === 'usageUnbilled') {
    const currency = str(body.currencyCode);
    if (!currency) throw new GraphError(400, 'BadRequest', 'currencyCode is required.');
    const period = (str(body.billingPeriod) ?? 'current').toLowerCase();
    if (period !== 'current' && period !== 'last')
      throw new GraphError(400, 'BadRequest', 'billingPeriod must be current or last.');
    op.currencyCode = currency.toUpperCase();
    op.billingPeriod = period;
  } else {
    const invoiceId = str(body.invoiceId);
    if (!invoiceId) throw new GraphError(400, 'BadRequest', 'invoiceId is required.');
    op.invoiceId = invoiceId.toUpperCase();
  }
  const records = exportRecords(emu, op);
  op.rowCount = records.length;
  if (records.length > 0) {
    const manifestId = emu.nextGuid();
    const perBlob = Math.max(1, emu.state.settings.rowsPerBlob);
    const blobs: ManifestRec['blobs'] = [];
    for (let first = 0, i = 0; first < records.length; first += perBlob, i++) {
      blobs.push({
        name: `part-${String(i).padStart(5, '0')}-${emu.nextGuid()}.c000.json.gz`,
        first,
        count: Math.min(perBlob, records.length - first),
      });
    }
    const manifest: ManifestRec = {
      id: manifestId,
      operationId: op.id,
      createdAt: emu.now(),
      rootPath: rootPath(emu, op),
      sasToken: `skoid=${emu.state.partner.tenantId}&sktid=${emu.state.partner.tenantId}&skv=2021-08-06&sv=2021-08-06&se=${encodeURIComponent(new Date(emu.now() + 86_400_000).toISOString())}&sr=d&sp=rl&sdd=7&sig=${hash32(manifestId).toString(36)}`,
      eTag: hash32(`${manifestId}|etag`).toString(36),
      blobs,
    };
    emu.state.manifests[manifestId] = manifest;
    op.manifestId = manifestId;
    renderBlobs(emu, op, manifest);
  }
  emu.state.exports[op.id] = op;
  emu.markDirty();
  return { status: 202, headers: { Location: `${ctx.baseUrl}${BASE}/operations/${op.id}` } };
}

function operationJson(emu: Emulator, ctx: RequestContext, op: ExportOpRec): Record<string, unknown> {
  const common = {
    id: op.id,
    status: op.status,
    createdDateTime: new Date(op.createdAt).toISOString().slice(0, 19),
    lastActionDateTime: new Date(emu.now()).toISOString(),
  };
  if (op.status === 'running')
    return { '@odata.type': '#microsoft.graph.partners.billing.runningOperation', ...common };
  if (op.status === 'failed') {
    return {
      '@odata.type': '#microsoft.graph.partners.billing.failedOperation',
      ...common,
      error: { message: 'No data available', code: '5000' },
    };
  }
  return {
    '@odata.type': '#microsoft.graph.partners.billing.exportSuccessOperation',
    ...common,
    'resourceLocation@odata.navigationLink': `${ctx.baseUrl}${BASE}/manifests/${op.manifestId}`,
  };
}

export function registerGraphExportRoutes(router: Router, emu: Emulator): void {
  router.post(`${BASE}/usage/billed/export`, (ctx) => startExport(emu, ctx, 'usageBilled'));
  router.post(`${BASE}/usage/unbilled/export`, (ctx) => startExport(emu, ctx, 'usageUnbilled'));
  router.post(`${BASE}/reconciliation/billed/export`, (ctx) => startExport(emu, ctx, 'reconBilled'));
  router.get(`${BASE}/operations/:operationId`, (ctx) => {
    const op = emu.state.exports[ctx.params.operationId!.toLowerCase()];
    if (!op) throw new GraphError(404, 'NotFound', `Operation ${ctx.params.operationId} was not found.`);
    op.polls += 1;
    if (op.status === 'running' && op.polls > emu.state.settings.exportPollsBeforeReady) {
      op.status = op.rowCount > 0 ? 'succeeded' : 'failed';
    }
    emu.markDirty();
    const headers: Record<string, string> = op.status === 'running' ? { 'Retry-After': '1' } : {};
    return { status: 200, body: operationJson(emu, ctx, op), headers };
  });
  router.get(`${BASE}/manifests/:manifestId`, (ctx) => {
    const m = emu.state.manifests[ctx.params.manifestId!.toLowerCase()];
    const op = m ? emu.state.exports[m.operationId] : undefined;
    if (!m || !op || op.status !== 'succeeded')
      throw new GraphError(404, 'NotFound', `Manifest ${ctx.params.manifestId} was not found.`);
    return {
      status: 200,
      body: {
        id: m.id,
        schemaVersion: '1',
        dataFormat: 'compressedJSON',
        createdDateTime: new Date(m.createdAt).toISOString(),
        eTag: m.eTag,
        partnerTenantId: emu.state.partner.tenantId,
        rootDirectory: `${ctx.baseUrl}${m.rootPath}`,
        sasToken: m.sasToken,
        partitionType: 'Default',
        blobCount: m.blobs.length,
        blobs: m.blobs.map((b) => ({ name: b.name, partitionValue: 'default' })),
      },
    };
  });
}

/** Blob download (`GET /blobs/...?<sas>`); not routed through the Router because paths are deep. */
export function serveBlob(
  emu: Emulator,
  path: string,
  search: URLSearchParams,
): { status: number; body: Buffer | string; contentType: string } {
  if (!search.get('sig')) {
    return {
      status: 403,
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request.</Message></Error>',
    };
  }
  let blob = emu.blobs.get(path);
  if (!blob) {
    // After a restart blobs are rendered again from the saved manifest.
    for (const m of Object.values(emu.state.manifests)) {
      if (!path.startsWith(`${m.rootPath}/`)) continue;
      const op = emu.state.exports[m.operationId];
      if (op) renderBlobs(emu, op, m);
      blob = emu.blobs.get(path);
      break;
    }
  }
  if (!blob) {
    return {
      status: 404,
      contentType: 'application/xml',
      body: '<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>',
    };
  }
  return { status: 200, body: blob, contentType: 'application/octet-stream' };
}
