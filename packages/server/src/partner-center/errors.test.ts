import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import {
  cartLineErrors,
  checkoutOrderErrors,
  classifyNceViolation,
  decodeHtmlEntities,
  PartnerCenterError,
  PartnerCenterSchemaError,
  parseErrorBody,
  toAppError,
} from './errors.ts';
import { CartCheckoutResultSchema, CartSchema } from './schemas/orders.ts';

describe('parseErrorBody', () => {
  it('reads the Partner Center fault (numeric code, HTML-escaped text)', () => {
    const body =
      '{"code": 60012, "description": "We&#39;re sorry, it looks like you\'ve run out of licenses.", "data": ["LicenseQuotaExceededException : ..."], "source": "PartnerFD"}';
    expect(parseErrorBody(body)).toEqual({
      code: 60012,
      description: "We&#39;re sorry, it looks like you've run out of licenses.",
      errorName: undefined,
      data: ['LicenseQuotaExceededException : ...'],
      source: 'PartnerFD',
      isRetryable: undefined,
    });
  });

  it('reads the rich variant with errorName and isRetryable', () => {
    const parsed = parseErrorBody({
      code: 600061,
      message: 'A partner confirmed agreement already exists for the customer.',
      description: 'A partner confirmed agreement already exists for the customer.',
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
      isRetryable: false,
      parameters: {},
      errorMessageExtended: 'InternalErrorCode=600061',
    });
    expect(parsed).toMatchObject({
      code: 600061,
      errorName: 'PartnerConfirmedAgreementAlreadyExists',
      isRetryable: false,
    });
  });

  it('reads string codes, Graph errors, the throttle body and plain text', () => {
    expect(parseErrorBody({ code: '800002', description: 'Invalid request input' }).code).toBe('800002');
    expect(
      parseErrorBody({ error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges' } }),
    ).toEqual({
      code: 'Authorization_RequestDenied',
      description: 'Insufficient privileges',
    });
    expect(
      parseErrorBody('{ "statusCode": 429, "message": "Rate limit is exceeded. Try again in 57 seconds." }'),
    ).toEqual({
      code: 429,
      description: 'Rate limit is exceeded. Try again in 57 seconds.',
    });
    expect(parseErrorBody('<html>Bad gateway</html>')).toEqual({ description: '<html>Bad gateway</html>' });
    expect(parseErrorBody('')).toEqual({});
    expect(parseErrorBody({ Code: 2055, Description: 'Etag is no longer valid' }).code).toBe(2055);
  });
});

describe('PartnerCenterError', () => {
  it('carries status, code as sent, ids, category and retryability', () => {
    const error = new PartnerCenterError({
      httpStatus: 503,
      code: '503',
      description: 'busy',
      requestId: 'r',
      correlationId: 'c',
      operation: 'subscriptions.get',
    });
    expect(error.retryable).toBe(true);
    expect(error.category).toBe('server_busy');
    expect(error.message).toBe('Partner Center subscriptions.get failed (HTTP 503, code 503): busy');
    expect(new PartnerCenterError({ httpStatus: 0, timedOut: true }).category).toBe('timeout');
    expect(new PartnerCenterError({ httpStatus: 404 }).retryable).toBe(false);
  });

  it('decodes HTML entities for display', () => {
    expect(decodeHtmlEntities('We&#39;re &amp; you&#x27;re &quot;ok&quot;')).toBe(`We're & you're "ok"`);
  });
});

describe('NCE rule classification', () => {
  it.each([
    [
      { code: 900117, description: 'You have passed your 7-day cancellation window.' },
      'cancellation_window_closed',
    ],
    [
      { code: 'X', description: 'The subscription cannot be cancelled after the window' },
      'cancellation_window_closed',
    ],
    [
      { code: 800090, description: 'Subscription quantity cannot be decreased' },
      'quantity_decrease_not_allowed',
    ],
    [
      { description: 'Seat count cannot be reduced outside the 7 day window' },
      'quantity_decrease_not_allowed',
    ],
    [
      { description: 'Scheduled changes require auto renew to be enabled' },
      'scheduled_change_requires_auto_renew',
    ],
    [{ code: 2055 }, 'stale_etag'],
    [{ code: 13605 }, 'customer_agreement_required'],
    [{ code: '800089' }, 'seat_or_asset_limit_exceeded'],
    [{ code: 800065 }, 'cart_already_checked_out'],
    [{ code: 10013 }, 'billing_plan_not_supported'],
    [
      {
        code: 800002,
        description: 'Invalid request input',
        data: ['Scheduled next-term changes require autoRenewEnabled to be true.'],
      },
      'scheduled_change_requires_auto_renew',
    ],
  ] as const)('%j → %s', (error, kind) => {
    expect(classifyNceViolation(error)?.kind).toBe(kind);
    expect(classifyNceViolation(error)?.message).toMatch(/\w/);
  });

  it('returns undefined for unknown errors', () => {
    expect(classifyNceViolation({ code: 1, description: 'Something else' })).toBeUndefined();
  });

  it('collects cart line errors (including add-ons) and checkout order errors', () => {
    const cart = CartSchema.parse({
      id: 'c',
      lineItems: [
        {
          id: 0,
          catalogItemId: 'A:B:C',
          quantity: 1,
          error: { errorCode: 10013, errorDescription: 'Billing plan not supported' },
          addonItems: [{ id: 1, catalogItemId: 'D:E:F', quantity: 1, error: { errorCode: 10019 } }],
        },
        { id: 2, catalogItemId: 'G:H:I', quantity: 1 },
      ],
    });
    expect(cartLineErrors(cart).map((e) => [e.ref, e.violation?.kind])).toEqual([
      ['0', 'billing_plan_not_supported'],
      ['1', 'addon_rule_violated'],
    ]);
    const result = CartCheckoutResultSchema.parse({
      orders: [],
      orderErrors: [{ orderGroupId: '1', code: 800089, description: 'exceeded the remaining limit' }],
    });
    expect(checkoutOrderErrors(result)).toEqual([
      {
        scope: 'order_group',
        ref: '1',
        code: 800089,
        description: 'exceeded the remaining limit',
        violation: expect.objectContaining({ kind: 'seat_or_asset_limit_exceeded' }),
      },
    ]);
  });
});

describe('toAppError', () => {
  it('maps rule violations, not-found, transient and other failures', () => {
    const violation = toAppError(new PartnerCenterError({ httpStatus: 400, code: 900117, requestId: 'r1' }));
    expect(violation).toBeInstanceOf(AppError);
    expect(violation.code).toBe('partner_center.cancellation_window_closed');
    expect(violation.httpStatus).toBe(409);
    expect(violation.details).toMatchObject({ requestId: 'r1', partnerCenterCode: 900117 });
    expect(toAppError(new PartnerCenterError({ httpStatus: 404 })).httpStatus).toBe(404);
    expect(toAppError(new PartnerCenterError({ httpStatus: 0 })).code).toBe('partner_center.unavailable');
    expect(toAppError(new PartnerCenterError({ httpStatus: 400, description: 'bad' })).httpStatus).toBe(502);
    expect(toAppError(new PartnerCenterSchemaError('x', [])).code).toBe('partner_center.unexpected_response');
    expect(toAppError(new Error('boom')).code).toBe('internal_error');
  });
});
