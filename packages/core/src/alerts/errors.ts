export type AlertErrorCode =
  | 'invalid_threshold'
  | 'invalid_planned_amount'
  | 'invalid_subject'
  | 'duplicate_day'
  | 'usage_after_today';

/**
 * Input that no alert rule can be evaluated on (a malformed threshold, two rows for one day). Not
 * raised for the ordinary "no alert" answers (no planned amount, no data): those are results.
 * `code` is stable for API responses and translations; `detail` carries the offending values.
 */
export class AlertError extends Error {
  readonly code: AlertErrorCode;
  readonly detail: Readonly<Record<string, string>>;

  constructor(code: AlertErrorCode, message: string, detail: Record<string, string> = {}) {
    super(message);
    this.name = 'AlertError';
    this.code = code;
    this.detail = Object.freeze({ ...detail });
  }
}
