import { isJapanRegistrationNumber, japanConsumptionTax, type TaxPolicy, vatPolicy } from '@cspc/core';
import type { Kysely } from 'kysely';
import type { Scope } from '../../auth/scope.ts';
import type { Database } from '../../db/schema.ts';
import { conflict } from '../../http/errors.ts';
import { recordAudit } from '../audit/audit.repository.ts';
import { billingErrors } from './billing.errors.ts';
import type { StoredDiscountRule, TaxRounding, UsagePolicy } from './billing.tables.ts';

/** A seller's billing settings; sellers without a stored profile get the defaults of their organisation. */
export interface BillingProfile {
  organizationId: string;
  organizationName: string;
  country: string;
  timeZone: string;
  currency: string;
  billingDay: number;
  paymentTermsDays: number;
  registrationNumber: string | null;
  vatId: string | null;
  taxRounding: TaxRounding;
  pricesIncludeTax: boolean;
  bankDetails: string;
  invoiceLocale: 'ja' | 'en' | 'de';
  numberPrefix: string;
  numberDigits: number;
  usagePolicy: UsagePolicy;
  discounts: StoredDiscountRule[];
  version: number;
  stored: boolean;
}

export type BillingProfileInput = Partial<
  Omit<BillingProfile, 'organizationId' | 'organizationName' | 'country' | 'timeZone' | 'version' | 'stored'>
>;

export async function loadProfile(
  db: Kysely<Database>,
  organizationId: string,
): Promise<BillingProfile | null> {
  const row = await db
    .selectFrom('organizations as o')
    .leftJoin('billing_profiles as p', 'p.organization_id', 'o.id')
    .select([
      'o.id',
      'o.name',
      'o.kind',
      'o.country',
      'o.currency as org_currency',
      'o.time_zone',
      'o.locale',
      'p.organization_id as stored',
      'p.currency',
      'p.billing_day',
      'p.payment_terms_days',
      'p.registration_number',
      'p.vat_id',
      'p.tax_rounding',
      'p.prices_include_tax',
      'p.bank_details',
      'p.invoice_locale',
      'p.number_prefix',
      'p.number_digits',
      'p.usage_policy',
      'p.discounts',
      'p.version',
    ])
    .where('o.id', '=', organizationId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    organizationId: row.id,
    organizationName: row.name,
    country: row.country,
    timeZone: row.time_zone,
    currency: (row.currency ?? row.org_currency).trim(),
    billingDay: row.billing_day ?? 1,
    paymentTermsDays: row.payment_terms_days ?? 30,
    registrationNumber: row.registration_number ?? null,
    vatId: row.vat_id ?? null,
    taxRounding: row.tax_rounding ?? 'down',
    pricesIncludeTax: row.prices_include_tax ?? false,
    bankDetails: row.bank_details ?? '',
    invoiceLocale: row.invoice_locale ?? row.locale,
    numberPrefix: row.number_prefix ?? 'INV-',
    numberDigits: row.number_digits ?? 6,
    usagePolicy: row.usage_policy ?? 'billed',
    discounts: row.discounts ?? [],
    version: row.version ?? 0,
    stored: row.stored !== null,
  };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function checkInput(input: BillingProfileInput): void {
  if (input.registrationNumber != null && !isJapanRegistrationNumber(input.registrationNumber)) {
    throw billingErrors.invalidRegistrationNumber(input.registrationNumber);
  }
  for (const rule of input.discounts ?? []) {
    if (!/^(?:100(?:\.0+)?|\d{1,2}(?:\.\d{1,4})?)$/.test(rule.percent)) {
      throw billingErrors.invalidDiscount(`Discount ${rule.id}: the percent must be between 0 and 100.`);
    }
    if ((rule.from && !DATE.test(rule.from)) || (rule.to && !DATE.test(rule.to))) {
      throw billingErrors.invalidDiscount(`Discount ${rule.id}: from and to are dates as YYYY-MM-DD.`);
    }
  }
  const ids = (input.discounts ?? []).map((r) => r.id);
  if (new Set(ids).size !== ids.length) throw billingErrors.invalidDiscount('Discount ids must be unique.');
}

/** Creates or updates a seller's profile (audited); `version` guards against lost updates. */
export async function saveProfile(
  db: Kysely<Database>,
  scope: Scope,
  organizationId: string,
  input: BillingProfileInput,
  expectedVersion: number | undefined,
): Promise<BillingProfile> {
  checkInput(input);
  return db.transaction().execute(async (trx) => {
    const before = await loadProfile(trx, organizationId);
    if (!before) throw billingErrors.customerNotFound();
    if (expectedVersion !== undefined && expectedVersion !== before.version) {
      throw conflict(
        'version_conflict',
        'The billing profile was changed by someone else. Reload and try again.',
      );
    }
    const merged = { ...before, ...input };
    const values = {
      currency: merged.currency,
      billing_day: merged.billingDay,
      payment_terms_days: merged.paymentTermsDays,
      registration_number: merged.registrationNumber,
      vat_id: merged.vatId,
      tax_rounding: merged.taxRounding,
      prices_include_tax: merged.pricesIncludeTax,
      bank_details: merged.bankDetails,
      invoice_locale: merged.invoiceLocale,
      number_prefix: merged.numberPrefix,
      number_digits: merged.numberDigits,
      usage_policy: merged.usagePolicy,
      discounts: JSON.stringify(merged.discounts),
    };
    if (before.stored) {
      await trx
        .updateTable('billing_profiles')
        .set((eb) => ({ ...values, version: eb('version', '+', 1), updated_at: new Date() }))
        .where('organization_id', '=', organizationId)
        .execute();
    } else {
      await trx
        .insertInto('billing_profiles')
        .values({ organization_id: organizationId, ...values })
        .execute();
    }
    const after = (await loadProfile(trx, organizationId))!;
    await recordAudit(trx, scope, {
      organizationId,
      action: 'billing_profile.saved',
      entityType: 'billing_profile',
      entityId: organizationId,
      before: before.stored ? before : null,
      after,
    });
    return after;
  });
}

const EU_VAT = {
  DE: { standard: '19', reduced: '7' },
  AT: { standard: '20', reduced: '10' },
  FR: { standard: '20', reduced: '5.5' },
  NL: { standard: '21', reduced: '9' },
} as const;

const NO_TAX: TaxPolicy = (() => {
  const zero = japanConsumptionTax({ rates: { standard: '0', reduced: '0' } });
  return { id: 'none', compute: (invoice) => ({ ...zero.compute(invoice), policy: 'none' }) };
})();

/** The issuer's tax regime: Japanese consumption tax, EU VAT, or none (shown as such). */
export function taxPolicyOf(profile: BillingProfile): TaxPolicy {
  if (profile.country === 'JP') return japanConsumptionTax({ rounding: profile.taxRounding });
  if (profile.country in EU_VAT) {
    return vatPolicy({
      rates: EU_VAT,
      rounding: profile.taxRounding === 'down' ? 'half-up' : profile.taxRounding,
    });
  }
  return NO_TAX;
}
