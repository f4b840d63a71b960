import type { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { parseJsonLossless } from './json.ts';
import type { Cart, CartCheckoutResult } from './schemas/orders.ts';

export type ErrorCategory =
  | 'bad_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'invalid_operation'
  | 'unsupported_data_format'
  | 'already_exists'
  | 'precondition_failed'
  | 'too_many_requests'
  | 'request_timeout'
  | 'gateway_timeout'
  | 'server_busy'
  | 'server_error'
  | 'timeout'
  | 'network';

export interface PartnerCenterErrorInit {
  /** HTTP status; 0 when no response arrived (timeout, connection failure). */
  httpStatus: number;
  code?: string | number | undefined;
  description?: string | undefined;
  errorName?: string | undefined;
  data?: readonly unknown[] | undefined;
  source?: string | undefined;
  requestId?: string | undefined;
  correlationId?: string | undefined;
  operation?: string | undefined;
  retryable?: boolean | undefined;
  retryAfterMs?: number | undefined;
  timedOut?: boolean | undefined;
  cause?: unknown;
}

/**
 * A failed Partner Center / Graph call. `code` is Microsoft's business code exactly as sent (number or
 * string); `requestId` is the MS-RequestId used, which Microsoft support asks for.
 */
export class PartnerCenterError extends Error {
  readonly httpStatus: number;
  readonly code: string | number | undefined;
  readonly description: string | undefined;
  readonly errorName: string | undefined;
  readonly data: readonly unknown[] | undefined;
  readonly source: string | undefined;
  readonly requestId: string | undefined;
  readonly correlationId: string | undefined;
  readonly operation: string | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly category: ErrorCategory;

  constructor(init: PartnerCenterErrorInit) {
    const text = init.description ? decodeHtmlEntities(init.description) : undefined;
    const what = init.operation ? `Partner Center ${init.operation}` : 'Partner Center request';
    const status = init.httpStatus
      ? `HTTP ${init.httpStatus}`
      : init.timedOut
        ? 'timed out'
        : 'network error';
    super(
      `${what} failed (${status}${init.code !== undefined ? `, code ${init.code}` : ''})${text ? `: ${text}` : ''}`,
      { cause: init.cause },
    );
    this.name = 'PartnerCenterError';
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.description = text;
    this.errorName = init.errorName;
    this.data = init.data;
    this.source = init.source;
    this.requestId = init.requestId;
    this.correlationId = init.correlationId;
    this.operation = init.operation;
    this.retryable = init.retryable ?? isRetryableStatus(init.httpStatus);
    this.retryAfterMs = init.retryAfterMs;
    this.category = categoryOf(init.httpStatus, init.timedOut === true);
  }

  /** The business rule this error reports, when it is one we know. */
  get violation(): NceRuleViolation | undefined {
    return classifyNceViolation(this);
  }
}

/** The response body did not match the schema of the operation: Microsoft changed something. */
export class PartnerCenterSchemaError extends Error {
  readonly operation: string;
  readonly requestId: string | undefined;
  readonly issues: readonly z.core.$ZodIssue[];

  constructor(operation: string, issues: readonly z.core.$ZodIssue[], requestId?: string) {
    const first = issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'unknown';
    super(`Partner Center ${operation} returned an unexpected body (${issues.length} issue(s); ${where})`);
    this.name = 'PartnerCenterSchemaError';
    this.operation = operation;
    this.requestId = requestId;
    this.issues = issues;
  }
}

export function isRetryableStatus(status: number): boolean {
  return (
    status === 0 ||
    status === 408 ||
    status === 429 ||
    status === 500 ||
    status === 502 ||
    status === 503 ||
    status === 504
  );
}

function categoryOf(status: number, timedOut: boolean): ErrorCategory {
  switch (status) {
    case 0:
      return timedOut ? 'timeout' : 'network';
    case 400:
      return 'bad_input';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 405:
      return 'invalid_operation';
    case 406:
      return 'unsupported_data_format';
    case 408:
      return 'request_timeout';
    case 409:
      return 'already_exists';
    case 412:
      return 'precondition_failed';
    case 429:
      return 'too_many_requests';
    case 503:
      return 'server_busy';
    case 504:
      return 'gateway_timeout';
    default:
      return 'server_error';
  }
}

export interface ParsedErrorBody {
  code?: string | number | undefined;
  description?: string | undefined;
  errorName?: string | undefined;
  data?: readonly unknown[] | undefined;
  source?: string | undefined;
  isRetryable?: boolean | undefined;
}

/**
 * Reads every documented error body: the Partner Center fault `{code, description, data, source}` and its
 * rich variant (`errorName`, `message`, `isRetryable`), Graph `{error:{code,message}}`, the gateway throttle
 * body `{statusCode, message}`, and plain text. Never throws.
 */
export function parseErrorBody(body: unknown): ParsedErrorBody {
  let value = body;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return {};
    try {
      value = parseJsonLossless(trimmed);
    } catch {
      return { description: truncate(trimmed) };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value === undefined || value === null ? {} : { description: truncate(String(value)) };
  }
  const record = lowerKeys(value as Record<string, unknown>);
  if (record.error && typeof record.error === 'object') {
    const inner = lowerKeys(record.error as Record<string, unknown>);
    return { code: codeOf(inner.code), description: stringOf(inner.message) };
  }
  if (record.code === undefined && typeof record.statuscode === 'number') {
    return { code: record.statuscode, description: stringOf(record.message) };
  }
  return {
    code: codeOf(record.code),
    description: stringOf(record.description) ?? stringOf(record.message),
    errorName: stringOf(record.errorname),
    data: Array.isArray(record.data) ? record.data : undefined,
    source: stringOf(record.source),
    isRetryable: typeof record.isretryable === 'boolean' ? record.isretryable : undefined,
  };
}

function lowerKeys(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) out[key.toLowerCase()] = value;
  return out;
}

const codeOf = (value: unknown) =>
  typeof value === 'string' || typeof value === 'number' ? value : undefined;
const stringOf = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const truncate = (text: string) => (text.length > 1024 ? `${text.slice(0, 1024)}…` : text);

export function decodeHtmlEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, body: string) => {
    const lower = body.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(Number.parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(Number.parseInt(lower.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? entity;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Business rule classification (NCE and general purchase rules), so callers can show a clear message.

export type NceRuleKind =
  | 'cancellation_window_closed'
  | 'quantity_decrease_not_allowed'
  | 'scheduled_change_requires_auto_renew'
  | 'not_eligible_for_auto_renew'
  | 'quantity_out_of_range'
  | 'subscription_suspended'
  | 'subscription_deleted'
  | 'subscription_not_updatable'
  | 'stale_etag'
  | 'customer_agreement_required'
  | 'seat_or_asset_limit_exceeded'
  | 'update_limit_exceeded'
  | 'cart_already_checked_out'
  | 'request_in_progress'
  | 'billing_cycle_change_requires_order'
  | 'attestation_required'
  | 'invalid_promotion'
  | 'invalid_custom_term_end_date'
  | 'addon_rule_violated'
  | 'billing_plan_not_supported'
  | 'catalog_item_not_valid'
  | 'transition_not_eligible'
  | 'migration_not_eligible'
  | 'licenses_exhausted'
  | 'agreement_already_exists'
  | 'azure_plan_not_suspendable';

export interface NceRuleViolation {
  kind: NceRuleKind;
  /** Plain-language explanation for an end user; no Microsoft jargon, no ids. */
  message: string;
}

const MESSAGES: Record<NceRuleKind, string> = {
  cancellation_window_closed:
    'This subscription can no longer be cancelled: the cancellation window (usually 7 days after purchase or renewal) has closed. It can be set not to renew instead.',
  quantity_decrease_not_allowed:
    'Licences can only be removed within 7 days of being added. The quantity can be reduced at the next renewal instead.',
  scheduled_change_requires_auto_renew:
    'Changes for the next term can only be scheduled while auto-renew is on. Turn auto-renew on first.',
  not_eligible_for_auto_renew: 'This subscription cannot be set to renew automatically.',
  quantity_out_of_range:
    'The requested quantity is outside the minimum and maximum allowed for this product.',
  subscription_suspended: 'The subscription is suspended; reactivate it before changing it.',
  subscription_deleted: 'The subscription has been cancelled and can no longer be changed.',
  subscription_not_updatable: 'This change is not allowed for this subscription.',
  stale_etag: 'The subscription was changed by someone else in the meantime. Reload it and try again.',
  customer_agreement_required:
    'The customer must accept the Microsoft Customer Agreement before this purchase (attest it for the customer first).',
  seat_or_asset_limit_exceeded:
    'The purchase exceeds the number of licences or subscriptions allowed for this customer.',
  update_limit_exceeded:
    'This subscription has been changed too many times. Buy a second subscription for the same product instead.',
  cart_already_checked_out: 'This order has already been submitted.',
  request_in_progress: 'The same order is still being processed. Wait a moment and check the order status.',
  billing_cycle_change_requires_order:
    'The billing frequency of this subscription has to be changed through its order.',
  attestation_required: 'This product requires an explicit attestation before it can be bought.',
  invalid_promotion: 'The promotion is not valid for this purchase.',
  invalid_custom_term_end_date: 'The requested end date cannot be used to align this subscription.',
  addon_rule_violated:
    'The add-on does not fit its base subscription (wrong base product or not enough seats).',
  billing_plan_not_supported: 'The selected term and billing frequency are not available for this product.',
  catalog_item_not_valid: 'The product is not (or no longer) available for purchase.',
  transition_not_eligible: 'This subscription cannot be upgraded to the selected product right now.',
  migration_not_eligible: 'This subscription cannot be moved to new commerce yet.',
  licenses_exhausted: 'All licences are in use. Buy more licences, then try again.',
  agreement_already_exists: 'The customer agreement is already confirmed for this customer.',
  azure_plan_not_suspendable:
    'An Azure plan can only be suspended when it has no active Azure subscriptions.',
};

const BY_CODE: Record<string, NceRuleKind> = {
  '900117': 'cancellation_window_closed',
  '800090': 'quantity_decrease_not_allowed',
  '800093': 'not_eligible_for_auto_renew',
  '2002': 'quantity_out_of_range',
  '2001': 'subscription_suspended',
  '800091': 'subscription_suspended',
  '2011': 'subscription_deleted',
  '800095': 'subscription_not_updatable',
  '800096': 'subscription_not_updatable',
  '800097': 'subscription_not_updatable',
  '2055': 'stale_etag',
  '13605': 'customer_agreement_required',
  '800066': 'seat_or_asset_limit_exceeded',
  '800067': 'seat_or_asset_limit_exceeded',
  '800088': 'seat_or_asset_limit_exceeded',
  '800089': 'seat_or_asset_limit_exceeded',
  '10015': 'seat_or_asset_limit_exceeded',
  '800065': 'cart_already_checked_out',
  '800064': 'request_in_progress',
  '800060': 'request_in_progress',
  '2054': 'billing_cycle_change_requires_order',
  '10012': 'attestation_required',
  '900203': 'attestation_required',
  '10014': 'invalid_promotion',
  '10016': 'invalid_custom_term_end_date',
  '10017': 'invalid_custom_term_end_date',
  '10018': 'addon_rule_violated',
  '10019': 'addon_rule_violated',
  '800029': 'addon_rule_violated',
  '10013': 'billing_plan_not_supported',
  '10001': 'catalog_item_not_valid',
  '500600': 'catalog_item_not_valid',
  '60012': 'licenses_exhausted',
  '600061': 'agreement_already_exists',
  '900115': 'azure_plan_not_suspendable',
};

/**
 * The exact NCE codes for several rules were never published (RULES.md §3/§4: only legacy candidates), so
 * descriptions are matched too. Order matters: the first matching rule wins.
 */
const BY_TEXT: ReadonlyArray<[RegExp, NceRuleKind]> = [
  [/cancel{1,2}ation window|can ?not be cancel{1,2}ed|unable to cancel/i, 'cancellation_window_closed'],
  [
    /(quantity|seat|licen[cs]e)s?\b.*\b(decrease|reduc)|(decrease|reduc)\w*\b.*\b(quantity|seat|licen[cs]e)/i,
    'quantity_decrease_not_allowed',
  ],
  [/schedul.*auto-?\s?renew|auto-?\s?renew.*schedul/i, 'scheduled_change_requires_auto_renew'],
  [/1,?200 times/i, 'update_limit_exceeded'],
  [/customer agreement/i, 'customer_agreement_required'],
  [/etag/i, 'stale_etag'],
  [/already submitted|already checked out|check ?out an already/i, 'cart_already_checked_out'],
  [/exceeded the remaining limit|exceeded .*limit/i, 'seat_or_asset_limit_exceeded'],
];

export function classifyNceViolation(error: {
  code?: string | number | undefined;
  description?: string | undefined;
  data?: readonly unknown[] | undefined;
}): NceRuleViolation | undefined {
  const byCode = error.code === undefined ? undefined : BY_CODE[String(error.code)];
  const byText = (text: string) => BY_TEXT.find(([pattern]) => pattern.test(text))?.[1];
  // Generic codes (800002 "Invalid request input") carry the rule only in `data`, so read that too.
  const details = (error.data ?? []).filter((item): item is string => typeof item === 'string');
  const kind =
    byCode ?? byText(error.description ?? '') ?? details.map(byText).find((found) => found !== undefined);
  return kind ? { kind, message: MESSAGES[kind] } : undefined;
}

export interface PartnerCenterLineError {
  scope: 'cart_line' | 'order_group' | 'eligibility';
  /** Cart line id, order group id or target catalog item id. */
  ref: string | undefined;
  code: string | number | undefined;
  description: string | undefined;
  violation: NceRuleViolation | undefined;
}

/** Errors Microsoft attached to individual cart lines (`lineItems[].error`, including add-on items). */
export function cartLineErrors(cart: Cart): PartnerCenterLineError[] {
  const out: PartnerCenterLineError[] = [];
  const visit = (
    line: Cart['lineItems'][number] | NonNullable<Cart['lineItems'][number]['addonItems']>[number],
  ) => {
    if (line.error) {
      const code = line.error.errorCode;
      const description = line.error.errorDescription
        ? decodeHtmlEntities(line.error.errorDescription)
        : undefined;
      out.push({
        scope: 'cart_line',
        ref: line.id === undefined ? undefined : String(line.id),
        code,
        description,
        violation: classifyNceViolation({ code, description }),
      });
    }
  };
  for (const line of cart.lineItems) {
    visit(line);
    for (const addon of line.addonItems ?? []) visit(addon);
  }
  return out;
}

/** Order groups that failed at checkout (partial success: the other groups became orders). */
export function checkoutOrderErrors(result: CartCheckoutResult): PartnerCenterLineError[] {
  return (result.orderErrors ?? []).map((e) => {
    const description = e.description ? decodeHtmlEntities(e.description) : undefined;
    return {
      scope: 'order_group',
      ref: e.orderGroupId,
      code: e.code,
      description,
      violation: classifyNceViolation({ code: e.code, description }),
    };
  });
}

/** Converts a Partner Center failure into the error our own API reports to users. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof PartnerCenterError) {
    const details = {
      partnerCenterCode: error.code ?? null,
      requestId: error.requestId ?? null,
      correlationId: error.correlationId ?? null,
    };
    const violation = error.violation;
    if (violation) return new AppError(`partner_center.${violation.kind}`, 409, violation.message, details);
    if (error.httpStatus === 404) {
      return new AppError('partner_center.not_found', 404, 'Microsoft does not know this item.', details);
    }
    if (error.retryable) {
      return new AppError(
        'partner_center.unavailable',
        503,
        'Microsoft Partner Center is not responding right now. Please try again in a few minutes.',
        details,
      );
    }
    return new AppError(
      'partner_center.rejected',
      502,
      error.description
        ? `Microsoft rejected the request: ${error.description}`
        : 'Microsoft rejected the request.',
      details,
    );
  }
  if (error instanceof PartnerCenterSchemaError) {
    return new AppError(
      'partner_center.unexpected_response',
      502,
      'Microsoft returned a response we do not understand.',
    );
  }
  return new AppError('internal_error', 500, 'Something went wrong.');
}
