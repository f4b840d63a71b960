import { AppError, badRequest, conflict, forbidden } from '../../http/errors.ts';

/** Stable error codes of the usage capability. */
export const usageErrors = {
  emptyFile: () => badRequest('usage_empty_file', 'The file is empty: it has no header row.'),
  missingColumns: (columns: readonly string[]) =>
    badRequest(
      'usage_missing_columns',
      `The file lacks columns every usage line needs: ${columns.join(', ')}. Export Microsoft's daily rated usage reconciliation file (all columns).`,
      { columns },
    ),
  invalidPeriod: (period: string) =>
    badRequest('invalid_period', `The period must be a month as YYYY-MM, got ${JSON.stringify(period)}.`),
  periodLocked: (period: string) =>
    conflict(
      'usage_period_locked',
      `The usage of ${period} has been invoiced; its ratings can no longer change. Correct it with a credit note.`,
    ),
  noProvider: () =>
    new AppError(
      'usage_provider_required',
      400,
      'Name the provider whose usage this is (--provider); this installation has several.',
    ),
  sellersOnly: () => forbidden('Only providers and resellers re-rate usage.'),
  rerateFailed: (reasons: string) =>
    conflict('usage_rerate_failed', `Some usage could not be rated, nothing was changed: ${reasons}`),
  providerOnly: () => forbidden('Usage imports are kept by the provider.'),
  importBusy: () =>
    conflict('usage_import_running', 'Another usage import or re-rating of this provider is running.'),
};
