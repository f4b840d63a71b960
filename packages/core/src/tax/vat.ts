import type { RoundingMode } from '../money/money.ts';
import { TaxError } from './errors.ts';
import { checkRateTable, checkRounding, computeOncePerRate, type TaxRateTable } from './once-per-rate.ts';
import type { TaxInvoice, TaxParty, TaxPolicy, TaxResult } from './types.ts';

/** The 27 EU member states by ISO 3166-1 code (Greece is GR here, although its VAT ids start EL). */
export const EU_MEMBER_STATES: readonly string[] = Object.freeze([
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
]);

/** Country → rate table, e.g. `{ DE: { standard: '19', reduced: '7' } }`. */
export type VatRateTables = Readonly<Record<string, TaxRateTable>>;

export interface VatPolicyOptions {
  rates: VatRateTables;
  /** Rounding of the VAT of each rate; default half-up, the common commercial rule in the EU. */
  rounding?: RoundingMode;
  /** Override the member list (e.g. for a date before or after an accession). */
  euMemberStates?: readonly string[];
}

const COUNTRY = /^[A-Z]{2}$/;

function checkCountry(country: unknown, where: string): string {
  if (typeof country !== 'string' || !COUNTRY.test(country)) {
    throw new TaxError(
      'invalid_country',
      `${where}: expected an ISO 3166-1 alpha-2 code such as "DE", got ${JSON.stringify(country)}`,
      {
        country: String(country),
      },
    );
  }
  return country;
}

function party(p: TaxParty | undefined, role: 'seller' | 'buyer'): TaxParty {
  if (p === undefined || p === null || typeof p !== 'object') {
    throw new TaxError('missing_tax_party', `VAT needs the ${role}'s country`, { party: role });
  }
  checkCountry(p.country, role);
  return p;
}

const REVERSE_CHARGE_NOTE = 'Reverse charge: VAT to be accounted for by the recipient';

/**
 * Value-added tax with one rate table per country, computed once per rate per invoice like the
 * Japanese policy. The rates applied are those of the buyer's country: for the electronically
 * supplied services sold here that is the place of supply (domestic sales, and EU B2C sales
 * through OSS). A B2B sale between two different EU member states, to a buyer with a VAT id, is
 * reverse-charged (Art. 196 of the VAT Directive): no VAT on the invoice and the mandatory note
 * "Reverse charge". The VAT id is taken as given; checking it (VIES) is I/O, done before.
 */
export function vatPolicy(options: VatPolicyOptions): TaxPolicy {
  if (
    options === null ||
    typeof options !== 'object' ||
    options.rates === null ||
    typeof options.rates !== 'object'
  ) {
    throw new TaxError('invalid_tax_rate', 'vatPolicy needs a rate table per country');
  }
  const tables = new Map<string, TaxRateTable>();
  for (const [country, table] of Object.entries(options.rates)) {
    tables.set(checkCountry(country, 'VAT rate table'), checkRateTable(table, `VAT ${country}`));
  }
  const eu = new Set(
    (options.euMemberStates ?? EU_MEMBER_STATES).map((c) => checkCountry(c, 'EU member states')),
  );
  const rounding = checkRounding(options.rounding ?? 'half-up');

  return {
    id: 'vat',
    compute(invoice: TaxInvoice): TaxResult {
      if (invoice === null || typeof invoice !== 'object') throw new TypeError('invoice must be an object');
      const seller = party(invoice.seller, 'seller');
      const buyer = party(invoice.buyer, 'buyer');
      const vatId = typeof buyer.vatId === 'string' ? buyer.vatId.trim() : '';
      const reverseCharge =
        seller.country !== buyer.country && eu.has(seller.country) && eu.has(buyer.country) && vatId !== '';
      const table = tables.get(buyer.country) ?? null;
      if (table === null && !reverseCharge) {
        throw new TaxError('unknown_tax_country', `No VAT rates for ${buyer.country}`, {
          country: buyer.country,
        });
      }
      const result = computeOncePerRate(invoice, {
        policy: 'vat',
        taxName: 'VAT',
        rates: table,
        rounding,
        reverseChargeAll: reverseCharge,
        reverseChargeNote: REVERSE_CHARGE_NOTE,
      });
      result.explanation.steps.unshift({
        label: 'Place of supply',
        formula:
          `seller in ${seller.country}, buyer in ${buyer.country}` +
          (vatId === '' ? ' without a VAT id' : ` with VAT id ${vatId}`),
        result: reverseCharge
          ? 'EU cross-border B2B: reverse charge, no VAT on this invoice'
          : `${buyer.country} VAT rates apply`,
      });
      return result;
    },
  };
}
