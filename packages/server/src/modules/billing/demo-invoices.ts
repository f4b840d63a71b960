import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { runBilling } from './run-billing.ts';

/**
 * The demo's billing: profiles for the sellers (Japanese registration numbers, bank details, the
 * German reseller's VAT id), the month before last billed and issued by every seller (so every
 * customer and reseller has issued invoices, and that month's usage is locked), and last month's
 * invoices as drafts waiting to be issued. Idempotent like the rest of the seed: runs add nothing
 * the second time.
 */
export async function seedDemoInvoices(
  db: Kysely<Database>,
  organizations: Record<string, string>,
  now: Date,
): Promise<{ issued: number; drafts: number }> {
  const profiles: Record<string, Record<string, unknown>> = {
    provider: {
      currency: 'JPY',
      registration_number: 'T9010401234567',
      bank_details: 'みずほ銀行 本店 普通 1234567 デモディストリビューター（カ',
      invoice_locale: 'ja',
      number_prefix: 'DD-',
    },
    'reseller-a': {
      currency: 'JPY',
      registration_number: 'T9120001077777',
      bank_details: '三菱UFJ銀行 渋谷支店 普通 7654321 リセラーエー（カ',
      invoice_locale: 'ja',
      number_prefix: 'RA-',
    },
    'reseller-a-sub': { currency: 'JPY', invoice_locale: 'ja', number_prefix: 'OS-' },
    'reseller-b': {
      currency: 'EUR',
      vat_id: 'DE123456789',
      tax_rounding: 'half-up',
      bank_details: 'IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX',
      invoice_locale: 'de',
      number_prefix: 'RB-',
    },
  };
  for (const [key, values] of Object.entries(profiles)) {
    const id = organizations[key];
    if (!id) continue;
    await db
      .insertInto('billing_profiles')
      .values({ organization_id: id, ...(values as { currency: string }) })
      .onConflict((oc) => oc.column('organization_id').doNothing())
      .execute();
  }
  const month = (back: number) =>
    new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
  let issued = 0;
  let drafts = 0;
  const sellers = ['provider', 'reseller-a', 'reseller-a-sub', 'reseller-b'];
  for (const key of sellers) {
    const sellerId = organizations[key];
    if (!sellerId) continue;
    const closed = await runBilling(db, null, {
      sellerId,
      period: month(2),
      issue: true,
      notify: false,
      now,
    });
    issued += closed.invoicesIssued;
    const last = await runBilling(db, null, { sellerId, period: month(1), now });
    drafts += last.invoicesCreated;
  }
  return { issued, drafts };
}
