import type { TFunction } from 'i18next';
import { isApiError } from '../api/client';
import { errorMessage } from '../components/errors';

/**
 * Words for the errors a customer meets while ordering: the NCE refusals (`nce.<rule>`), credit
 * control, locking and idempotency. Everything else goes through the console's own mapping.
 */
export function panelErrorMessage(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    const specific = (key: string) => (t(key as never, { defaultValue: '' }) as string) || null;
    if (error.code.startsWith('nce.')) {
      return specific(`panel.errors.nce.${error.code.slice(4)}`) ?? t('panel.errors.nceOther');
    }
    const known = specific(`panel.errors.${error.code}`);
    if (known) return known;
  }
  return errorMessage(t, error);
}

/** The alternative an NCE refusal offers, when it is "do it at the renewal". */
export function renewalAlternative(error: unknown): { date: string; quantity?: number } | null {
  if (!isApiError(error)) return null;
  const details = error.details as
    | { alternative?: { kind?: string; date?: string; quantity?: number } }
    | undefined;
  const alternative = details?.alternative;
  if (alternative?.kind === 'schedule_at_renewal' && alternative.date) {
    return alternative.quantity === undefined
      ? { date: alternative.date }
      : { date: alternative.date, quantity: alternative.quantity };
  }
  return null;
}
