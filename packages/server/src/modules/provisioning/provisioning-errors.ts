import { AppError } from '../../http/errors.ts';
import { PartnerCenterError, PartnerCenterSchemaError } from '../../partner-center/index.ts';

/**
 * Whether a failed provisioning step is worth another attempt. Transient: Microsoft did not answer
 * (timeouts, 429, 5xx after the client's own retries), a concurrent change (stale etag, request in
 * progress), or our own infrastructure failed. Definitive: Microsoft looked at the request and
 * refused it (a business rule, bad input), or our rules refused it; the line fails with the reason.
 */
export class StepFailed extends Error {
  readonly code: string | null;

  constructor(message: string, code: string | null = null) {
    super(message);
    this.name = 'StepFailed';
    this.code = code;
  }
}

export interface FailureClass {
  transient: boolean;
  reason: string;
  code: string | null;
}

const TRANSIENT_KINDS = new Set(['stale_etag', 'request_in_progress']);

export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof StepFailed) return { transient: false, reason: error.message, code: error.code };
  if (error instanceof AppError) return { transient: false, reason: error.message, code: error.code };
  if (error instanceof PartnerCenterSchemaError) {
    return {
      transient: false,
      reason: `Microsoft returned an unexpected answer: ${error.message}`,
      code: null,
    };
  }
  if (error instanceof PartnerCenterError) {
    const violation = error.violation;
    const code = error.code === undefined ? null : String(error.code);
    const requestId = error.requestId ? ` (MS-RequestId ${error.requestId})` : '';
    if (violation && TRANSIENT_KINDS.has(violation.kind)) {
      return { transient: true, reason: violation.message, code: `partner_center.${violation.kind}` };
    }
    if (error.retryable || error.httpStatus === 409 || error.httpStatus === 412) {
      if (!violation || error.retryable) {
        return {
          transient: true,
          reason:
            `Partner Center did not complete the request: HTTP ${error.httpStatus || 'no answer'} ${error.description ?? ''}`.trim(),
          code: 'partner_center.unavailable',
        };
      }
    }
    if (violation) {
      return {
        transient: false,
        reason: `${violation.message}${error.description ? ` Microsoft: ${error.description}` : ''}${requestId}`,
        code: `partner_center.${violation.kind}`,
      };
    }
    return {
      transient: false,
      reason: `Microsoft refused the request (HTTP ${error.httpStatus}${code ? `, code ${code}` : ''}): ${error.description ?? 'no description'}${requestId}`,
      code: code ? `partner_center.${code}` : 'partner_center.rejected',
    };
  }
  return {
    transient: true,
    reason: error instanceof Error ? error.message : String(error),
    code: 'internal_error',
  };
}
