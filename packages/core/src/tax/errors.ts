export type TaxErrorCode =
  | 'unknown_tax_rate'
  | 'invalid_tax_rate'
  | 'invalid_rounding'
  | 'unrounded_line'
  | 'invalid_tax_line'
  | 'missing_tax_party'
  | 'invalid_country'
  | 'unknown_tax_country';

/**
 * A tax computation that cannot be done. `code` is stable (API responses, UI translations);
 * `detail` carries the offending values as data, e.g. `{ rate: 'super_reduced', line: '3' }`.
 * Mixing currencies is reported with the money module's CurrencyMismatchError instead.
 */
export class TaxError extends Error {
  readonly code: TaxErrorCode;
  readonly detail: Readonly<Record<string, string>>;

  constructor(code: TaxErrorCode, message: string, detail: Record<string, string> = {}) {
    super(message);
    this.name = 'TaxError';
    this.code = code;
    this.detail = Object.freeze({ ...detail });
  }
}
