import { keyPart } from '../alerts/explanation.ts';
import { CreditError } from './errors.ts';

/** Whose credit: a customer's, or (for the provider) a reseller's with all its customers. */
export interface CreditSubject {
  kind: 'customer' | 'reseller';
  id: string;
}

export function checkCreditSubject(subject: CreditSubject): void {
  const ok =
    (subject?.kind === 'customer' || subject?.kind === 'reseller') &&
    typeof subject.id === 'string' &&
    subject.id !== '';
  if (!ok) {
    throw new CreditError(
      'invalid_subject',
      'A credit subject is a customer or reseller with a non-empty id',
      {
        subject: JSON.stringify(subject ?? null),
      },
    );
  }
}

/** `customer/c-1`, `reseller/r-7`: the subject's part of a dedupe key. */
export function creditSubjectKey(subject: CreditSubject): string {
  return `${subject.kind}/${keyPart(subject.id)}`;
}
